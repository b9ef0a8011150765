#!/bin/bash
# test-e2e-crash.sh: a crash loses nothing. Drives the built gleaner binary under its own
# Xvfb: links on the clipboard (xclip), Ctrl+V, Ctrl+Return; once some pages are in and
# others still loading, kill -9. The session journal (read with python3's sqlite3) must
# hold the results so far; the next start offers to restore them (Alt+R on the restore
# bar), Ctrl+Return fetches only what is missing, and the session ends finished.
#
# Copyright 2026 The Gleaner authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-e2e-crash.sh path/to/gleaner        (exit 77: skipped, tools missing)

set -uo pipefail

GLEANER=${1:?usage: test-e2e-crash.sh path/to/gleaner}
GLEANER=$(realpath "$GLEANER")
N_FAST=6
N_SLOW=4

for tool in Xvfb xdotool xclip python3 dbus-run-session; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done
if ! python3 -c 'import sqlite3' 2>/dev/null; then
  echo "SKIP: python3 has no sqlite3 module"
  exit 77
fi

# A private session bus, so the app is unique there and nowhere else.
if [ -z "${GLEANER_E2E_INNER:-}" ]; then
  exec dbus-run-session -- env GLEANER_E2E_INNER=1 "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gleaner-e2e-crash-XXXXXX")
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null
    wait "${pids[i]}" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  if [ -n "${DISPLAY:-}" ] && command -v import >/dev/null; then
    import -window root "$work/failure.png" 2>/dev/null &&
      cp "$work/failure.png" "${TMPDIR:-/tmp}/gleaner-e2e-crash-failure.png" &&
      echo "screen at failure: ${TMPDIR:-/tmp}/gleaner-e2e-crash-failure.png"
  fi
  for log in "$work"/gleaner-*.log; do
    [ -f "$log" ] && sed "s/^/$(basename "$log" .log): /" "$log"
  done
  [ -f "$work/requests" ] && sed 's/^/request: /' "$work/requests"
  exit 1
}

wait_for() {
  local timeout=$1
  shift
  local end=$((SECONDS + timeout))
  until "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}

# 1. A web server on 127.0.0.1: /page/N answers at once; /slow/N holds the request
#    until the file "fast" exists (after the crash), then answers. Every request's
#    path is logged, one a line.
cat > "$work/server.py" <<'PY'
import http.server, os, sys, threading, time

work = sys.argv[1]
lock = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock, open(os.path.join(work, "requests"), "a") as f:
            f.write(self.path + "\n")
        if self.path.startswith("/slow/"):
            # Bounded: a held request gives up after 60 s.
            for _ in range(600):
                if os.path.exists(os.path.join(work, "fast")):
                    break
                time.sleep(0.1)
        elif not self.path.startswith("/page/"):
            self.send_error(404)
            return
        name = self.path.strip("/").replace("/", " ")
        body = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
                "<title>Crash %s — café</title></head><body></body></html>" % name).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
with open(os.path.join(work, "port"), "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
PY
python3 "$work/server.py" "$work" &
pids+=($!)
wait_for 10 test -s "$work/port" || fail "the web server did not start"
port=$(cat "$work/port")

# 2. Our own X server; the journal lives in the work folder.
exec 3> "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
exec 3>&-
wait_for 10 test -s "$work/display" || fail "Xvfb did not start"
export DISPLAY=":$(cat "$work/display")"
export GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export XDG_STATE_HOME="$work/state"
unset WAYLAND_DISPLAY
db="$XDG_DATA_HOME/gleaner/sessions.sqlite3"

# One SQL query against the journal, read-only (the app may be writing: WAL allows it).
query() {
  python3 - "$db" "$1" <<'PY'
import sqlite3, sys
try:
    con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5)
    for row in con.execute(sys.argv[2]):
        print("|".join("" if v is None else str(v) for v in row))
except sqlite3.Error as e:
    print("sqlite error: %s" % e, file=sys.stderr)
    sys.exit(1)
PY
}

find_window() {
  xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1
}
has_window() {
  [ -n "$(find_window "$1")" ]
}
start_app() {
  "$GLEANER" > "$work/gleaner-$1.log" 2>&1 &
  app=$!
  pids+=($app)
  wait_for 20 has_window '^Gleaner$' || fail "the window did not appear ($1)"
  window=$(find_window '^Gleaner$')
  xdotool windowfocus --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
  sleep 0.5
}

# 3. First start: paste fast and slow links, start.
start_app first
{
  for i in $(seq 1 $N_FAST); do echo "http://127.0.0.1:$port/page/$i"; done
  for i in $(seq 1 $N_SLOW); do echo "http://127.0.0.1:$port/slow/$i"; done
} > "$work/links.txt"
xclip -quiet -selection clipboard -i "$work/links.txt" >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
xdotool key --clearmodifiers ctrl+v
sleep 1
xdotool key --clearmodifiers ctrl+Return

# 4. Once the fast pages are journaled (the slow ones still held), kill -9.
n_results() {
  query "SELECT count(*) FROM results" 2>/dev/null
}
has_fast_results() {
  [ "$(n_results)" = "$N_FAST" ]
}
wait_for 20 has_fast_results || fail "the fast pages were not journaled (results: $(n_results))"
[ "$(grep -c '^/slow/' "$work/requests")" -eq $N_SLOW ] || fail "the slow pages were not all requested"
kill -9 "$app"
wait "$app" 2>/dev/null
echo "# killed the app with $N_FAST of $((N_FAST + N_SLOW)) pages in"

# 5. The journal holds the session, unfinished, with its links and the results so far.
sessions=$(query "SELECT count(*), sum(finished) FROM sessions") || fail "the journal cannot be read"
[ "$sessions" = "1|0" ] || fail "expected one unfinished session, found: $sessions"
targets=$(query "SELECT count(*) FROM targets")
[ "$targets" = $((N_FAST + N_SLOW)) ] || fail "expected $((N_FAST + N_SLOW)) journaled links, found $targets"
for i in $(seq 1 $N_FAST); do
  title=$(query "SELECT title FROM results WHERE url LIKE '%/page/$i'")
  [ "$title" = "Crash page $i — café" ] || fail "page $i: journaled title '$title'"
done
[ "$(query "SELECT count(*) FROM results WHERE url LIKE '%/slow/%'")" = 0 ] ||
  fail "a held page has a result"

# 6. The held pages answer from now on; count the requests of the second start only.
touch "$work/fast"
sleep 0.5
: > "$work/requests"

# 7. Second start: the restore bar is offered; Alt+R restores, Ctrl+Return fetches.
start_app second
xdotool key --clearmodifiers alt+r
sleep 1
xdotool key --clearmodifiers ctrl+Return
finished() {
  [ "$(query "SELECT finished FROM sessions")" = 1 ] &&
    [ "$(n_results)" = $((N_FAST + N_SLOW)) ]
}
wait_for 20 finished ||
  fail "the restored session did not finish (results: $(n_results), sessions: $(query 'SELECT id, finished FROM sessions'))"

# 8. Only what was missing was fetched, each once; nothing new was journaled.
sort "$work/requests" > "$work/requests.sorted"
for i in $(seq 1 $N_SLOW); do echo "/slow/$i"; done | sort > "$work/expected"
diff -u "$work/expected" "$work/requests.sorted" >/dev/null ||
  fail "the second run fetched: $(tr '\n' ' ' < "$work/requests.sorted") (expected only the held pages)"
[ "$(query "SELECT count(*) FROM sessions")" = 1 ] || fail "the restore began a second session"
for i in $(seq 1 $N_SLOW); do
  title=$(query "SELECT title FROM results WHERE url LIKE '%/slow/$i'")
  [ "$title" = "Crash slow $i — café" ] || fail "held page $i: journaled title '$title'"
done

# 9. Ctrl+Q quits cleanly; the session stays finished.
xdotool windowfocus "$window" 2>/dev/null
xdotool key --clearmodifiers ctrl+q
wait_for 10 bash -c "! kill -0 $app 2>/dev/null" || fail "Ctrl+Q did not quit"
[ "$(query "SELECT finished FROM sessions")" = 1 ] || fail "the session is not finished after quitting"

echo "PASS: killed mid-run with $N_FAST of $((N_FAST + N_SLOW)) pages in; restored, fetched only the $N_SLOW missing"
exit 0
