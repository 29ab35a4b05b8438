#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that the Flatpak manifest parses and that the names the pieces use
# for each other agree: the manifest's app id and command, the desktop file's
# Exec and Icon, the metainfo's id, launchable and binary, and the program
# and files that meson really installs. A mismatch in any of them gives an
# app that builds but does not start from the menu or shows no icon.
#
# Usage: check-manifest.py TOP_SRCDIR TOP_BUILDDIR APP_ID EXECUTABLE MANIFEST DESKTOP METAINFO
# The environment may name the tool: FLATPAK_BUILDER. Exits 77 (skipped)
# when flatpak-builder is not installed, as inside the Flatpak SDK itself.

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

# The sandbox holes the app needs and no more: a display, the GPU, and the
# network for sync.
FINISH_ARGS = {
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--share=network',
}
OLDEST_RUNTIME = 47

problems = []


def problem(text):
    problems.append(text)


def show_manifest(path):
    tool = os.environ.get('FLATPAK_BUILDER') or shutil.which('flatpak-builder')
    if not tool:
        print('SKIP: flatpak-builder is not installed (Debian package flatpak-builder)')
        sys.exit(77)
    result = subprocess.run([tool, '--show-manifest', path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    if result.returncode != 0:
        print('flatpak-builder --show-manifest cannot read %s:' % path)
        print(result.stderr)
        sys.exit(1)
    # An unknown or misspelt key is only a warning to flatpak-builder, and
    # then silently ignored; here it is an error.
    for line in result.stderr.splitlines():
        if line.strip():
            problem('flatpak-builder: %s' % line.strip())
    try:
        return json.loads(result.stdout)
    except ValueError as e:
        print('flatpak-builder --show-manifest printed something that is not JSON: %s' % e)
        sys.exit(1)


def check_manifest(manifest, manifest_path, top, app_id, exe):
    got_id = manifest.get('id', manifest.get('app-id'))
    if got_id != app_id:
        problem('manifest: app id is %r, expected %r' % (got_id, app_id))
    if manifest.get('command') != exe:
        problem('manifest: command is %r, expected %r' % (manifest.get('command'), exe))
    if manifest.get('runtime') != 'org.gnome.Platform':
        problem('manifest: runtime is %r, expected org.gnome.Platform' % manifest.get('runtime'))
    if manifest.get('sdk') != 'org.gnome.Sdk':
        problem('manifest: sdk is %r, expected org.gnome.Sdk' % manifest.get('sdk'))
    version = str(manifest.get('runtime-version', ''))
    if not re.fullmatch(r'\d+', version) or int(version) < OLDEST_RUNTIME:
        problem('manifest: runtime-version is %r, expected a GNOME release, %d or later'
                % (version, OLDEST_RUNTIME))

    finish_args = manifest.get('finish-args', [])
    extra = [a for a in finish_args if a not in FINISH_ARGS]
    lacking = sorted(FINISH_ARGS - set(finish_args))
    if extra:
        problem('manifest: finish-args the app does not need: %s' % ' '.join(extra))
    if lacking:
        problem('manifest: finish-args missing: %s' % ' '.join(lacking))

    # The app is the last module; anything before it would be a dependency.
    modules = [m for m in manifest.get('modules', []) if isinstance(m, dict)]
    app = modules[-1] if modules else {}
    if app.get('buildsystem') != 'meson':
        problem('manifest: the app module is not built with meson')
    if app.get('run-tests') is not True:
        problem('manifest: the app module does not run its tests (run-tests)')
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
    dirs = [s for s in app.get('sources', []) if isinstance(s, dict) and s.get('type') == 'dir']
    if not any(os.path.isdir(os.path.join(manifest_dir, s.get('path', ''))) and
               os.path.samefile(os.path.join(manifest_dir, s.get('path', '')), top)
               for s in dirs):
        problem('manifest: the app module is not built from this source tree (a "dir" source)')


def check_desktop(path, app_id, exe):
    name = os.path.basename(path)
    if name != app_id + '.desktop':
        problem('desktop file: named %s, expected %s.desktop' % (name, app_id))
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    with open(path, encoding='utf-8') as f:
        parser.read_file(f)
    entry = parser['Desktop Entry'] if parser.has_section('Desktop Entry') else {}
    exec_line = entry.get('Exec', '')
    argv = shlex.split(exec_line) if exec_line else []
    if not argv or argv[0] != exe:
        problem('desktop file: Exec=%s does not start the program %s' % (exec_line, exe))
    if entry.get('Icon') != app_id:
        problem('desktop file: Icon=%s, expected %s' % (entry.get('Icon'), app_id))


def check_metainfo(path, app_id, exe):
    root = ET.parse(path).getroot()
    cid = (root.findtext('id') or '').strip()
    if cid != app_id:
        problem('metainfo: <id> is %r, expected %r' % (cid, app_id))
    launchables = [(l.get('type'), (l.text or '').strip()) for l in root.findall('launchable')]
    if ('desktop-id', app_id + '.desktop') not in launchables:
        problem('metainfo: no <launchable type="desktop-id">%s.desktop</launchable>' % app_id)
    binaries = [(b.text or '').strip() for b in root.findall('provides/binary')]
    if binaries and exe not in binaries:
        problem('metainfo: <provides> names %s but not %s' % (', '.join(binaries), exe))


def check_installed(builddir, app_id, exe):
    """What meson installs must be what the other files name."""
    info = os.path.join(builddir, 'meson-info')
    try:
        with open(os.path.join(info, 'intro-targets.json'), encoding='utf-8') as f:
            targets = json.load(f)
        with open(os.path.join(info, 'intro-installed.json'), encoding='utf-8') as f:
            installed = list(json.load(f).values())
    except OSError as e:
        problem('cannot read what meson builds: %s' % e)
        return
    programs = [t for t in targets if t.get('type') == 'executable' and t.get('name') == exe]
    if not programs:
        problem('meson builds no executable named %s' % exe)
    elif not any(t.get('installed') for t in programs):
        problem('meson does not install the executable %s' % exe)

    wanted = [
        'bin/' + exe,
        'share/applications/%s.desktop' % app_id,
        'share/metainfo/%s.metainfo.xml' % app_id,
        'share/icons/hicolor/scalable/apps/%s.svg' % app_id,
        'share/icons/hicolor/symbolic/apps/%s-symbolic.svg' % app_id,
        'share/glib-2.0/schemas/%s.gschema.xml' % app_id,
    ]
    for w in wanted:
        if not any(p.replace(os.sep, '/').endswith('/' + w) for p in installed):
            problem('meson does not install .../%s' % w)


def main():
    if len(sys.argv) != 8:
        sys.stderr.write('usage: %s TOP_SRCDIR TOP_BUILDDIR APP_ID EXECUTABLE MANIFEST '
                         'DESKTOP METAINFO\n' % sys.argv[0])
        return 2
    top, builddir, app_id, exe, manifest_path, desktop, metainfo = sys.argv[1:]

    manifest = show_manifest(manifest_path)
    check_manifest(manifest, manifest_path, top, app_id, exe)
    check_desktop(desktop, app_id, exe)
    check_metainfo(metainfo, app_id, exe)
    check_installed(builddir, app_id, exe)

    if problems:
        print('The Flatpak manifest, desktop file, metainfo and build disagree:')
        for p in problems:
            print('  ' + p)
        return 1
    print('%s: the manifest, desktop file, metainfo and build agree on %s and %s'
          % (os.path.basename(manifest_path), app_id, exe))
    return 0


if __name__ == '__main__':
    sys.exit(main())
