#!/usr/bin/env python3
# check-flatpak-manifest.py: the Flatpak manifest's structure and sandbox, checked without flatpak
#
# Copyright 2026 The Gleaner authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-flatpak-manifest.py MANIFEST APP_ID MESON_OPTIONS_FILE [INTRO_INSTALLED_JSON]
#
# The GNOME runtime cannot be downloaded where the tests run, so this checks
# what flatpak-builder and Flathub's linter would reject, and what keeps the
# sandbox small: the exact finish-args (no --filesystem: files leave through the
# file chooser portal), the runtime, every module's sources, and that the meson
# options the manifest passes exist in this project. With INTRO_INSTALLED_JSON
# (meson-info/intro-installed.json) it also checks that the manifest's command
# is a binary the build installs.

import json
import os
import re
import sys

ALLOWED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
}
MIN_RUNTIME_VERSION = 50
BUILDSYSTEMS = {'autotools', 'cmake', 'cmake-ninja', 'meson', 'simple', 'qmake'}
SOURCE_TYPES = {'archive', 'git', 'bzr', 'svn', 'dir', 'file', 'script', 'inline', 'shell',
                'patch', 'extra-data'}
# meson built-in options a manifest may reasonably pass (-Dname=value or --name=value)
MESON_BUILTINS = {'buildtype', 'optimization', 'debug', 'default_library', 'prefix', 'libdir',
                  'b_lto', 'b_ndebug', 'b_pie', 'werror', 'warning_level', 'wrap_mode'}

failures = []


def fail(message):
    failures.append(message)


def meson_options(path):
    """name -> (type, choices) from meson_options.txt / meson.options."""
    text = open(path, encoding='utf-8').read()
    options = {}
    for m in re.finditer(r"option\s*\(\s*'([^']+)'\s*,(.*?)\)\s*$", text, re.S | re.M):
        name, rest = m.group(1), m.group(2)
        kind = re.search(r"type\s*:\s*'([^']+)'", rest)
        choices = re.search(r"choices\s*:\s*\[([^\]]*)\]", rest)
        options[name] = (kind.group(1) if kind else None,
                         re.findall(r"'([^']*)'", choices.group(1)) if choices else None)
    return options


def check_config_opts(module, options):
    for opt in module.get('config-opts', []):
        m = re.fullmatch(r'(?:-D|--)([A-Za-z0-9_.:-]+)(?:=(.*))?', opt)
        if not m:
            fail(f'module {module["name"]}: cannot read config-opt {opt!r}')
            continue
        name, value = m.group(1), m.group(2)
        if name in MESON_BUILTINS:
            continue
        if name not in options:
            fail(f'module {module["name"]}: config-opt {opt!r} names an option that '
                 'meson_options.txt does not define')
            continue
        kind, choices = options[name]
        if kind == 'boolean' and value not in ('true', 'false'):
            fail(f'module {module["name"]}: {opt!r}: boolean option needs true or false')
        if kind == 'combo' and choices and value not in choices:
            fail(f'module {module["name"]}: {opt!r}: value not one of {choices}')
        if kind == 'feature' and value not in ('enabled', 'disabled', 'auto'):
            fail(f'module {module["name"]}: {opt!r}: feature option needs enabled/disabled/auto')


def check_source(module, source, manifest_dir):
    kind = source.get('type')
    where = f'module {module["name"]}: source {kind!r}'
    if kind not in SOURCE_TYPES:
        fail(f'{where}: unknown source type')
        return
    if kind in ('archive', 'file') and 'url' in source:
        if not source['url'].startswith('https://'):
            fail(f'{where}: {source["url"]} is not https')
        if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
            fail(f'{where}: a downloaded source needs a sha256 checksum (64 hex digits)')
    if kind == 'git' and not (source.get('commit') or source.get('tag')):
        fail(f'{where}: a git source must pin a commit or tag')
    if kind == 'dir':
        path = os.path.normpath(os.path.join(manifest_dir, source.get('path', '')))
        if not os.path.isfile(os.path.join(path, 'meson.build')) and module.get(
                'buildsystem') == 'meson':
            fail(f'{where}: {path} has no meson.build')


def main(argv):
    if len(argv) not in (4, 5):
        print('usage: check-flatpak-manifest.py MANIFEST APP_ID MESON_OPTIONS_FILE '
              '[INTRO_INSTALLED_JSON]', file=sys.stderr)
        return 2
    manifest_path, app_id, options_path = argv[1:4]
    installed_json = argv[4] if len(argv) == 5 else None
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))

    try:
        manifest = json.load(open(manifest_path, encoding='utf-8'))
    except ValueError as e:
        print(f'FAIL: {manifest_path} is not valid JSON: {e}')
        return 1

    # Identity and runtime
    ids = [manifest[k] for k in ('id', 'app-id') if k in manifest]
    if len(ids) != 1:
        fail('the manifest needs exactly one of "id" or "app-id"')
    elif ids[0] != app_id:
        fail(f'app id is {ids[0]!r}, expected {app_id!r}')
    if os.path.basename(manifest_path) != f'{app_id}.json':
        fail(f'the manifest file should be named {app_id}.json')
    for key in ('runtime', 'runtime-version', 'sdk', 'command', 'finish-args', 'modules'):
        if key not in manifest:
            fail(f'missing key {key!r}')
    if manifest.get('runtime') != 'org.gnome.Platform':
        fail(f'runtime is {manifest.get("runtime")!r}, expected org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        fail(f'sdk is {manifest.get("sdk")!r}, expected org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    if not version.isdigit() or int(version) < MIN_RUNTIME_VERSION:
        fail(f'runtime-version is {version!r}; expected a GNOME release >= {MIN_RUNTIME_VERSION}')

    # Sandbox
    finish_args = manifest.get('finish-args', [])
    if len(finish_args) != len(set(finish_args)):
        fail('finish-args has duplicates')
    if set(finish_args) != ALLOWED_FINISH_ARGS:
        extra = sorted(set(finish_args) - ALLOWED_FINISH_ARGS)
        missing = sorted(ALLOWED_FINISH_ARGS - set(finish_args))
        fail(f'finish-args differ from the allowed set: extra {extra}, missing {missing}')
    for arg in finish_args:
        if arg.startswith('--filesystem'):
            fail(f'{arg}: no filesystem access; exports go through the file chooser portal')
    build_args = manifest.get('build-options', {}).get('build-args', [])
    if '--share=network' in build_args:
        fail('build-args --share=network: Flathub builds have no network')

    # Modules
    modules = manifest.get('modules', [])
    if not modules:
        fail('no modules')
    options = meson_options(options_path)
    app_module = None
    for module in modules:
        if not isinstance(module, dict):
            fail(f'module {module!r} is a path; keep modules inline so this test sees them')
            continue
        name = module.get('name')
        if not name:
            fail('a module has no name')
            continue
        if module.get('buildsystem', 'autotools') not in BUILDSYSTEMS:
            fail(f'module {name}: unknown buildsystem {module.get("buildsystem")!r}')
        sources = module.get('sources', [])
        if not sources:
            fail(f'module {name}: no sources')
        for source in sources:
            check_source(module, source, manifest_dir)
        if any(s.get('type') == 'dir' and os.path.normpath(
                os.path.join(manifest_dir, s.get('path', ''))) ==
               os.path.dirname(manifest_dir) for s in sources):
            app_module = module
    if app_module is None:
        fail('no module builds this repository (a "dir" source with path "..")')
    else:
        if modules[-1] is not app_module:
            fail(f'module {app_module["name"]} (this repository) must be the last module')
        if app_module.get('buildsystem') != 'meson':
            fail(f'module {app_module["name"]}: buildsystem must be meson')
        check_config_opts(app_module, options)

    # The command must be a binary the build installs
    command = manifest.get('command')
    if installed_json:
        installed = json.load(open(installed_json, encoding='utf-8'))
        binaries = {os.path.basename(dest) for dest in installed.values()
                    if os.path.basename(os.path.dirname(dest)) == 'bin'}
        if command not in binaries:
            fail(f'command {command!r} is not among the installed binaries {sorted(binaries)}')
        else:
            print(f'# command {command!r} is installed (binaries: {", ".join(sorted(binaries))})')

    for failure in failures:
        print(f'FAIL: {failure}')
    if failures:
        return 1
    print(f'OK: {manifest_path}: {app_id}, org.gnome.Platform//{version}, '
          f'{len(modules)} modules, finish-args {" ".join(finish_args)}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
