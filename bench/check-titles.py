#!/usr/bin/python3
"""Check a tool's titles against the known titles of the benchmark pages.

    check-titles.py --expected EXPECTED.tsv --list URLS.txt OUTPUT [--json]

EXPECTED.tsv: header `path<TAB>title`, one row per page (written by
gen-workloads.py).  URLS.txt: the URL list the tool was given (a URL's page is
its path; the host, port and any ?query are ignored, so one page may stand for
many URLs).  OUTPUT: what the tool wrote, a TSV file with a header row that has
a `url` column and a `title` column (gleaner-cli --format tsv, and the peers in
bench/peers, write this; other columns are ignored).

A URL counts as
  correct    its row's title equals the expected one (both with runs of ASCII
             whitespace collapsed to one space and trimmed),
  incorrect  its row has another title (or none, or an error),
  missing    no row for it.
Rows are matched by URL with the scheme and host lower-cased and a default
port dropped, so a tool that normalises URLs is not penalised.

Prints one line (or a JSON object with --json) with the counts and the share
correct, plus up to 5 examples of each kind of failure.  Exit 0 when >= 99%
are correct, 1 otherwise, 2 on a usage error.
"""

import argparse
import csv
import json
import re
import sys
from urllib.parse import urlsplit

csv.field_size_limit(1 << 30)
WS = re.compile(r"[ \t\n\f\r]+")


def collapse(s):
    return WS.sub(" ", s).strip(" \t\n\f\r")


def key(url):
    try:
        u = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (u.hostname or "").lower()
    port = u.port
    scheme = u.scheme.lower()
    if port is None or (scheme == "http" and port == 80) or (scheme == "https" and port == 443):
        netloc = host
    else:
        netloc = f"{host}:{port}"
    return f"{scheme}://{netloc}{u.path or '/'}" + (f"?{u.query}" if u.query else "")


def unescape_tsv(s):
    # gleaner-cli and the peers never emit a raw tab/newline inside a field;
    # some writers escape them as \t \n \\ .
    if "\\" not in s:
        return s
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), "\\" + m.group(1)), s)


def load_expected(path):
    exp = {}
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            p, _, t = line.rstrip("\n").partition("\t")
            exp[p] = t
    return exp


def load_output(path):
    got = {}
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        try:
            iu = header.index("url")
            it = header.index("title")
        except ValueError:
            raise SystemExit(f"{path}: header has no url/title column: {header[:8]}")
        for line in f:
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) <= iu:
                continue
            t = cols[it] if len(cols) > it else ""
            got[key(cols[iu])] = unescape_tsv(t)
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("output")
    a = ap.parse_args()

    exp = load_expected(a.expected)
    try:
        got = load_output(a.output)
    except FileNotFoundError:
        got = {}
    correct = incorrect = missing = total = 0
    ex_bad, ex_missing = [], []
    with open(a.list, encoding="utf-8") as f:
        for line in f:
            url = line.strip()
            if not url:
                continue
            total += 1
            k = key(url)
            want = exp.get(urlsplit(url).path)
            if k not in got:
                missing += 1
                if len(ex_missing) < 5:
                    ex_missing.append(url)
                continue
            if want is not None and collapse(got[k]) == collapse(want):
                correct += 1
            else:
                incorrect += 1
                if len(ex_bad) < 5:
                    ex_bad.append({"url": url, "expected": want, "got": got[k]})
    pct = 100.0 * correct / total if total else 0.0
    res = {
        "total": total, "correct": correct, "incorrect": incorrect, "missing": missing,
        "rows": len(got), "correct_pct": round(pct, 3),
        "examples_incorrect": ex_bad, "examples_missing": ex_missing,
    }
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"{correct}/{total} correct ({pct:.2f}%), {incorrect} incorrect, {missing} missing")
        for e in ex_bad:
            print(f"  incorrect: {e['url']}: expected {e['expected']!r}, got {e['got']!r}")
        for u in ex_missing:
            print(f"  missing: {u}")
    return 0 if pct >= 99.0 else 1


if __name__ == "__main__":
    sys.exit(main())
