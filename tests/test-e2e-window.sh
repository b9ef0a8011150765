#!/bin/bash
# test-e2e-window.sh: drives the built gleaner binary the way a person does, under its
# own Xvfb: links on the clipboard (xclip), Ctrl+V, Ctrl+Return, Ctrl+E, a path typed
# into the save dialog, Enter; then checks the exported file on disk.
#
# Copyright 2026 The Gleaner authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-e2e-window.sh path/to/gleaner        (exit 77: skipped, tools missing)

set -uo pipefail

GLEANER=${1:?usage: test-e2e-window.sh path/to/gleaner}
GLEANER=$(realpath "$GLEANER")
N_PAGES=6

for tool in Xvfb xdotool xclip python3 dbus-run-session; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done

# A private session bus, so the app is unique there and nowhere else.
if [ -z "${GLEANER_E2E_INNER:-}" ]; then
  exec dbus-run-session -- env GLEANER_E2E_INNER=1 "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gleaner-e2e-XXXXXX")
pids=()
cleanup() {
  # Last started, first stopped: the X server outlives its clients.
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
      cp "$work/failure.png" "${TMPDIR:-/tmp}/gleaner-e2e-failure.png" &&
      echo "screen at failure: ${TMPDIR:-/tmp}/gleaner-e2e-failure.png"
  fi
  [ -f "$work/gleaner.log" ] && sed 's/^/gleaner: /' "$work/gleaner.log"
  exit 1
}

# Wait up to $1 seconds for the command in $2... to succeed.
wait_for() {
  local timeout=$1
  shift
  local end=$((SECONDS + timeout))
  until "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}

# 1. A small web server on 127.0.0.1 serving numbered pages with titles.
cat > "$work/server.py" <<'EOF'
import http.server, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        if not self.path.startswith("/page/"):
            self.send_error(404)
            return
        body = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
                "<title>E2E page %s — café</title></head><body></body></html>" % name).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
EOF
python3 "$work/server.py" "$work/port" &
pids+=($!)
wait_for 10 test -s "$work/port" || fail "the web server did not start"
port=$(cat "$work/port")

# 2. Our own X server (a free display number, chosen by Xvfb).
exec 3> "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
exec 3>&-
wait_for 10 test -s "$work/display" || fail "Xvfb did not start"
export DISPLAY=":$(cat "$work/display")"
export GDK_BACKEND=x11
export GTK_A11Y=none
export NO_AT_BRIDGE=1
export GSETTINGS_BACKEND=memory
# The session history goes to the work folder, never to the user's.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export XDG_STATE_HOME="$work/state"
unset WAYLAND_DISPLAY

# 3. The app.
"$GLEANER" > "$work/gleaner.log" 2>&1 &
app=$!
pids+=($app)

find_window() {
  xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1
}
has_window() {
  [ -n "$(find_window "$1")" ]
}
wait_for 20 has_window '^Gleaner$' || fail "the window did not appear"
window=$(find_window '^Gleaner$')
xdotool windowfocus --sync "$window" 2>/dev/null || xdotool windowfocus "$window"
sleep 0.5

# 4. Links on the clipboard, then Ctrl+V: a person's paste.
for i in $(seq 1 $N_PAGES); do
  echo "http://127.0.0.1:$port/page/$i"
done > "$work/links.txt"
echo "not a link" >> "$work/links.txt"
# -quiet keeps xclip in the foreground (it forks away by default), so we can stop it.
xclip -quiet -selection clipboard -i "$work/links.txt" >/dev/null 2>&1 &
pids+=($!)
sleep 0.3
xdotool key --clearmodifiers ctrl+v
sleep 1

# 5. Ctrl+Return starts; the pages are small and local.
xdotool key --clearmodifiers ctrl+Return
sleep 3

# 6. Ctrl+E opens the save dialog: type the whole path over the proposed name, Enter.
out="$work/out/export.tsv"
mkdir -p "$work/out"
export_once() {
  xdotool windowfocus "$window" 2>/dev/null
  xdotool key --clearmodifiers ctrl+e
  wait_for 10 has_window '^Export Rows$' || fail "the save dialog did not appear"
  dialog=$(find_window '^Export Rows$')
  xdotool windowfocus "$dialog" 2>/dev/null
  sleep 0.7
  xdotool key --clearmodifiers ctrl+a
  xdotool type --delay 20 "$out"
  sleep 0.3
  xdotool key --clearmodifiers Return
  # An existing file: GTK asks before replacing it.
  sleep 1
  if has_window '^Export Rows$'; then
    xdotool key --clearmodifiers Return
  fi
}

all_titles_in() {
  for i in $(seq 1 $N_PAGES); do
    grep -q "E2E page $i — café" "$1" 2>/dev/null || return 1
  done
}

export_once
wait_for 10 test -s "$out" || fail "nothing was exported to $out"
# A slow machine may still have been fetching: export again once it is done.
if ! all_titles_in "$out"; then
  sleep 3
  export_once
  wait_for 10 all_titles_in "$out" || fail "the export lacks titles: $(cat "$out")"
fi

# 7. The file is the TSV writer's: a header, then a row per link with its title.
head -n 1 "$out" | grep -q "^url	" || fail "not a TSV export: $(head -n 1 "$out")"
rows=$(($(wc -l < "$out") - 1))
[ "$rows" -eq $N_PAGES ] || fail "expected $N_PAGES rows, found $rows"

# 8. Ctrl+Q quits cleanly.
xdotool windowfocus "$window" 2>/dev/null
xdotool key --clearmodifiers ctrl+q
wait_for 10 bash -c "! kill -0 $app 2>/dev/null" || fail "Ctrl+Q did not quit"

echo "PASS: pasted $N_PAGES links, fetched them and exported $(basename "$out") by keyboard"
exit 0
