#!/usr/bin/env python3
# check-translations.py: a translation is complete, current, and reaches the built files
#
# Copyright 2026 The Gleaner authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage:
#   check-translations.py complete PO
#       msgfmt --check accepts PO and it has no fuzzy or untranslated messages.
#   check-translations.py current SOURCE_ROOT PO
#       PO translates every message xgettext finds today in the files of
#       po/POTFILES.in (so a new string without a translation fails here).
#       Fix: meson compile -C BUILDDIR gleaner-update-po, then translate.
#   check-translations.py built PO LOCALEDIR DOMAIN LANG DESKTOP METAINFO
#       The built .mo (LOCALEDIR/LANG/LC_MESSAGES/DOMAIN.mo) gives PO's translations,
#       and the merged desktop and metainfo files carry them.

import gettext
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# The keywords of meson's i18n 'glib' preset
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
]
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def statistics(po):
    """msgfmt --check --statistics: (ok, translated, fuzzy, untranslated, output)."""
    proc = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po])
    out = (proc.stdout + proc.stderr).strip()
    counts = {}
    for kind in ('translated', 'fuzzy', 'untranslated'):
        m = re.search(r'(\d+) ' + kind, out)
        counts[kind] = int(m.group(1)) if m else 0
    return proc.returncode == 0, counts['translated'], counts['fuzzy'], counts['untranslated'], out


def list_incomplete(po):
    lines = []
    for flag in ('--untranslated', '--only-fuzzy'):
        proc = run(['msgattrib', flag, '--no-obsolete', '--no-wrap', po])
        lines += [l[len('msgid '):] for l in proc.stdout.splitlines()
                  if l.startswith('msgid ') and l != 'msgid ""']
    return lines


def check_complete(po):
    ok, translated, fuzzy, untranslated, out = statistics(po)
    print(f'# {po}: {out}')
    if not ok:
        print('FAIL: msgfmt --check rejects the file')
        return 1
    if fuzzy or untranslated:
        print(f'FAIL: {fuzzy} fuzzy and {untranslated} untranslated messages:')
        for msgid in list_incomplete(po):
            print(f'    {msgid}')
        return 1
    if translated == 0:
        print('FAIL: no translated messages')
        return 1
    print(f'OK: {translated} messages, all translated')
    return 0


def check_current(root, po):
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'current.pot')
        proc = run(['xgettext', '--package-name=gleaner', '-D', root,
                    '-f', os.path.join(root, 'po', 'POTFILES.in'), '-o', pot] + XGETTEXT_ARGS)
        if proc.returncode != 0:
            print(f'FAIL: xgettext failed:\n{proc.stderr}')
            return 1
        merged = os.path.join(tmp, 'merged.po')
        proc = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot])
        if proc.returncode != 0:
            print(f'FAIL: msgmerge failed:\n{proc.stderr}')
            return 1
        _, translated, fuzzy, untranslated, out = statistics(merged)
        print(f'# {po} merged with the strings in the sources today: {out}')
        if fuzzy or untranslated:
            print(f'FAIL: {fuzzy + untranslated} messages in the sources have no translation '
                  f'in {os.path.basename(po)}:')
            for msgid in list_incomplete(merged):
                print(f'    {msgid}')
            print('Run `meson compile -C <builddir> gleaner-update-po` and translate them.')
            return 1
    print(f'OK: all {translated} messages of the sources are translated')
    return 0


def po_messages(po):
    """msgid -> msgstr for the plain (no context, no plural) messages of PO."""
    with tempfile.TemporaryDirectory() as tmp:
        mo = os.path.join(tmp, 'po.mo')
        subprocess.run(['msgfmt', '-o', mo, po], check=True)
        with open(mo, 'rb') as f:
            catalog = gettext.GNUTranslations(f)
    return {k: v for k, v in catalog._catalog.items()
            if isinstance(k, str) and k and '\x04' not in k}


def check_built(po, localedir, domain, lang, desktop, metainfo):
    failures = []
    expected = po_messages(po)

    mo_path = os.path.join(localedir, lang, 'LC_MESSAGES', domain + '.mo')
    try:
        built = gettext.translation(domain, localedir=localedir, languages=[lang])
    except OSError as e:
        print(f'FAIL: no built catalog at {mo_path}: {e}')
        return 1
    wrong = [msgid for msgid, msgstr in expected.items() if built.gettext(msgid) != msgstr]
    if wrong:
        failures.append(f'{mo_path} disagrees with {po} on {len(wrong)} messages, '
                        f'e.g. {wrong[0]!r}')
    else:
        print(f'# {mo_path}: all {len(expected)} messages as in {os.path.basename(po)}')

    # Desktop file: every translatable key has its [lang] twin with the translation
    entries = {}
    with open(desktop, encoding='utf-8') as f:
        for line in f:
            if '=' in line and not line.startswith('#'):
                key, value = line.rstrip('\n').split('=', 1)
                entries[key] = value
    for key in ('Name', 'GenericName', 'Comment', 'Keywords'):
        if key not in entries:
            continue
        want = expected.get(entries[key])
        got = entries.get(f'{key}[{lang}]')
        if want is None:
            failures.append(f'{desktop}: {key} “{entries[key]}” is not in {po}')
        elif got != want and not (want == entries[key] and got is None):
            failures.append(f'{desktop}: {key}[{lang}] is {got!r}, expected {want!r}')
        else:
            print(f'# desktop {key}[{lang}] = {got}')

    # Metainfo: the summary and the screenshot caption come in LANG
    root = ET.parse(metainfo).getroot()
    for path in ('summary', 'screenshots/screenshot/caption'):
        nodes = root.findall(path)
        source = [n for n in nodes if XML_LANG not in n.attrib]
        localized = [n for n in nodes if n.get(XML_LANG) == lang]
        if not source:
            failures.append(f'{metainfo}: no <{path}>')
            continue
        want = expected.get(source[0].text.strip())
        got = localized[0].text.strip() if localized else None
        if want is None or got != want:
            failures.append(f'{metainfo}: <{path} xml:lang="{lang}"> is {got!r}, expected {want!r}')
        else:
            print(f'# metainfo {path}[{lang}] = {got}')

    for failure in failures:
        print(f'FAIL: {failure}')
    if not failures:
        print('OK: the built catalog, desktop file and metainfo carry the translation')
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == 'complete':
        return check_complete(argv[2])
    if len(argv) == 4 and argv[1] == 'current':
        return check_current(argv[2], argv[3])
    if len(argv) == 8 and argv[1] == 'built':
        return check_built(*argv[2:])
    print('usage: check-translations.py complete PO | current SOURCE_ROOT PO | '
          'built PO LOCALEDIR DOMAIN LANG DESKTOP METAINFO', file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
