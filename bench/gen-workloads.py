#!/usr/bin/python3
"""Generate the benchmark's pages, path lists and expected titles.

    gen-workloads.py --out DIR [--corpus DIR] [--small 20000] [--real 5000] [--seed 20240611]

Writes (all deterministic for a given seed and corpus):

  DIR/www/s/NNNNN.html          SMALL: ~2 KB pages, UTF-8, each with a unique title
  DIR/www/r/KKKKK.html          REAL: copies of corpus pages of 30-300 KB whose
  DIR/www/ru/KKKKK.html         declared encoding is in the page (r/) or only in the
                                HTTP header (ru/, served with charset=utf-8), each
                                copy with its own title
  DIR/small.paths               URL paths of SMALL, shuffled with the seed
  DIR/real.paths                URL paths of REAL, shuffled with the seed
  DIR/expected.tsv              path <TAB> expected title (decoded, whitespace collapsed)
  DIR/real-sources.tsv          which corpus page each REAL copy came from
  DIR/STAMP                     parameters; the driver regenerates when they change

The title text of a REAL copy is pure ASCII plus the entity `&amp;`, so it is
the same bytes in every ASCII-compatible charset: the page's own encoding is
left intact (pages in UTF-16 or whose first <title> is not the document's
title are not used).
"""

import argparse
import codecs
import csv
import hashlib
import html
import os
import random
import re
import shutil
import sys

STAMP_VERSION = 3

# Title words: a mix of ASCII, Latin-1 range, other scripts, an astral emoji,
# and two written as character references in the source.
WORDS = [
    ("harvest", "harvest"),
    ("café", "café"),
    ("naïve résumé", "naïve résumé"),
    ("smörgåsbord", "smörgåsbord"),
    ("Øresund", "Øresund"),
    ("jalapeño", "jalapeño"),
    ("日本語のページ", "日本語のページ"),
    ("Здравствуйте", "Здравствуйте"),
    ("ελληνικά", "ελληνικά"),
    ("עברית", "עברית"),
    ("emoji 🌾", "emoji 🌾"),
    ("fish &amp; chips", "fish & chips"),
    ("&#233;t&#233;", "été"),
    ("granary", "granary"),
    ("sheaf", "sheaf"),
    ("threshing", "threshing"),
]

LOREM = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute irure "
    "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur"
).split()

WS = re.compile(r"[ \t\n\f\r]+")


def collapse(s):
    return WS.sub(" ", s).strip(" \t\n\f\r")


def small_page(i, rng):
    raw, expected = WORDS[i % len(WORDS)]
    title_src = f"Gleaner bench page {i:05d} — {raw}"
    title = f"Gleaner bench page {i:05d} — {expected}"
    paras = []
    size = 0
    target = 1450 + rng.randint(0, 300)
    while size < target:
        words = [rng.choice(LOREM) for _ in range(rng.randint(12, 30))]
        p = "<p>" + " ".join(words).capitalize() + ".</p>\n"
        paras.append(p)
        size += len(p)
    body = "".join(paras)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title_src}</title>\n"
        f'<meta name="description" content="Benchmark page {i} of Gleaner">\n'
        '<link rel="stylesheet" href="/style.css">\n'
        "</head>\n<body>\n"
        f'<header><h1>Page {i}</h1><nav><a href="/s/{(i + 1):05d}.html">next</a></nav></header>\n'
        f"<main>\n{body}</main>\n"
        "<footer>Gleaner benchmark</footer>\n</body>\n</html>\n"
    )
    return page.encode("utf-8"), title


META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I
)
TITLE_RE = re.compile(rb"<title(\s[^>]*)?>(.*?)</title\s*>", re.I | re.S)


def declared_charset(data, content_type):
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    m = re.search(r"charset=([^;\s]+)", content_type, re.I)
    if m:
        return m.group(1).strip("\"'").lower()
    m = META_CHARSET.search(data[:4096])
    if m:
        return m.group(1).decode("ascii", "replace").lower()
    return "windows-1252"


def python_codec(label):
    label = label.lower()
    if label in ("latin1", "iso-8859-1", "iso8859-1", "us-ascii", "ascii"):
        return "windows-1252"  # WHATWG
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def real_candidates(corpus):
    with open(os.path.join(corpus, "expected.tsv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    out, skipped = [], []
    for name, ctype, title in rows:
        path = os.path.join(corpus, "pages", name)
        size = os.path.getsize(path)
        if not (30_000 <= size <= 300_000):
            continue
        data = open(path, "rb").read()
        cs = declared_charset(data, ctype)
        codec = python_codec(cs)
        if codec is None or codec.startswith("utf_16") or codec.startswith("utf-16"):
            skipped.append((name, f"charset {cs}"))
            continue
        m = TITLE_RE.search(data)
        if not m:
            skipped.append((name, "no <title>"))
            continue
        before = data[: m.start()].lower()
        if b"<svg" in before or b"<math" in before:
            skipped.append((name, "first <title> may be inside svg/math"))
            continue
        expected = title.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")
        got = collapse(html.unescape(m.group(2).decode(codec, "replace")))
        if got != collapse(expected):
            skipped.append((name, "regex title differs from the browser's"))
            continue
        out.append((name, ctype, data, m))
    return out, skipped


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--small", type=int, default=20000)
    ap.add_argument("--real", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()

    me = hashlib.sha256(open(os.path.abspath(__file__), "rb").read()).hexdigest()[:12]
    stamp = f"v{STAMP_VERSION} gen={me} small={a.small} real={a.real} seed={a.seed} corpus={a.corpus}\n"
    stamp_path = os.path.join(a.out, "STAMP")
    if not a.force and os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        print(f"workloads up to date in {a.out}")
        return 0

    www = os.path.join(a.out, "www")
    if os.path.exists(www):
        shutil.rmtree(www)
    for d in ("s", "r", "ru"):
        os.makedirs(os.path.join(www, d))
    write(os.path.join(www, "index.html"), b"<!DOCTYPE html><title>Gleaner bench</title>\n")
    write(os.path.join(www, "one.html"), b"<!DOCTYPE html><html><head><meta charset=utf-8><title>One page</title></head><body>start-up probe</body></html>\n")

    rng = random.Random(a.seed)
    expected = []
    small_paths = []
    total = 0
    for i in range(1, a.small + 1):
        data, title = small_page(i, rng)
        p = f"/s/{i:05d}.html"
        write(os.path.join(www, p[1:]), data)
        total += len(data)
        small_paths.append(p)
        expected.append((p, title))
    print(f"SMALL: {a.small} pages, mean {total / max(1, a.small):.0f} bytes")

    real_paths = []
    sources = []
    if a.real > 0 and a.corpus:
        cands, skipped = real_candidates(a.corpus)
        for name, why in skipped:
            print(f"REAL: not using {name}: {why}")
        if not cands:
            print("REAL: no usable corpus page", file=sys.stderr)
        else:
            total = 0
            for k in range(1, a.real + 1):
                name, ctype, data, m = cands[(k - 1) % len(cands)]
                attrs = m.group(1) or b""
                title = f"Gleaner real page {k:05d} &amp; corpus {name[:4]}"
                new = data[: m.start()] + b"<title" + attrs + b">" + title.encode("ascii") + b"</title>" + data[m.end():]
                sub = "ru" if "charset" in ctype.lower() else "r"
                p = f"/{sub}/{k:05d}.html"
                write(os.path.join(www, p[1:]), new)
                total += len(new)
                real_paths.append(p)
                expected.append((p, html.unescape(title)))
                sources.append((p, name, len(new)))
            print(f"REAL: {a.real} copies of {len(cands)} corpus pages, mean {total / a.real:.0f} bytes, "
                  f"{total / 1e6:.0f} MB in all")

    rng2 = random.Random(a.seed + 1)
    rng2.shuffle(small_paths)
    rng2.shuffle(real_paths)
    with open(os.path.join(a.out, "small.paths"), "w") as f:
        f.write("".join(p + "\n" for p in small_paths))
    with open(os.path.join(a.out, "real.paths"), "w") as f:
        f.write("".join(p + "\n" for p in real_paths))
    with open(os.path.join(a.out, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("path\ttitle\n")
        for p, t in expected:
            f.write(f"{p}\t{t}\n")
    with open(os.path.join(a.out, "real-sources.tsv"), "w") as f:
        f.write("path\tcorpus_file\tbytes\n")
        for p, n, s in sources:
            f.write(f"{p}\t{n}\t{s}\n")
    h = hashlib.sha256(open(os.path.join(a.out, "expected.tsv"), "rb").read()).hexdigest()[:16]
    write(stamp_path, stamp.encode())
    print(f"expected titles: {len(expected)} (sha256 {h})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
