#!/usr/bin/env python3
# check-potfiles.py: po/POTFILES.in is sorted, exists and lists every translatable file
#
# Copyright 2026 The Gleaner authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-potfiles.py SOURCE_ROOT
#
# A file needs listing when it has a gettext call in C (_(), N_(), C_(), NC_(),
# g_dngettext() ...) or translatable="yes" in a GtkBuilder file (.ui, .ui.in), or when it is
# one of the translated data files (desktop, metainfo, GSettings schema).

import pathlib
import re
import sys

C_MARKER = re.compile(
    r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dngettext|g_dpgettext2|g_dcgettext|ngettext)\s*\(')
UI_MARKER = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
C_COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
DATA_PATTERNS = ('*.desktop.in.in', '*.desktop.in', '*.metainfo.xml.in.in',
                 '*.metainfo.xml.in', '*.gschema.xml')


def needs_translation(path):
    text = path.read_text(encoding='utf-8', errors='replace')
    if path.name.endswith(('.c', '.h')):
        # Comments may mention _() without calling it
        return C_MARKER.search(C_COMMENT.sub(' ', text)) is not None
    if path.name.endswith(('.ui', '.ui.in')):
        return UI_MARKER.search(text) is not None
    return False


def main():
    if len(sys.argv) != 2:
        print(__doc__ or 'usage: check-potfiles.py SOURCE_ROOT', file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1]).resolve()
    potfiles_in = root / 'po' / 'POTFILES.in'
    problems = []

    listed = []
    for number, line in enumerate(potfiles_in.read_text(encoding='utf-8').splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        # '[encoding: ...]' and '[type: ...]' prefixes are not used here
        listed.append((number, line))

    names = [name for _, name in listed]
    if names != sorted(names):
        problems.append('po/POTFILES.in is not sorted; expected order:\n    ' +
                        '\n    '.join(sorted(set(names))))
    seen = set()
    for number, name in listed:
        if name in seen:
            problems.append(f'po/POTFILES.in:{number}: {name} is listed twice')
        seen.add(name)
        if not (root / name).is_file():
            problems.append(f'po/POTFILES.in:{number}: {name} does not exist '
                            '(xgettext would fail)')

    wanted = set()
    for path in sorted((root / 'src').rglob('*')):
        if path.is_file() and needs_translation(path):
            wanted.add(path.relative_to(root).as_posix())
    for pattern in DATA_PATTERNS:
        for path in (root / 'data').glob(pattern):
            wanted.add(path.relative_to(root).as_posix())

    for name in sorted(wanted - seen):
        problems.append(f'{name} has translatable strings but is missing from po/POTFILES.in')

    print(f'# {len(seen)} files listed, {len(wanted)} with translatable strings')
    for name in sorted(seen - wanted):
        # Listed ahead of its strings (e.g. a placeholder being written): fine
        print(f'# note: {name} is listed but has no translatable strings yet')

    if problems:
        for problem in problems:
            print(f'FAIL: {problem}')
        return 1
    print('OK: po/POTFILES.in is complete and sorted')
    return 0


if __name__ == '__main__':
    sys.exit(main())
