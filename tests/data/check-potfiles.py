#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when po/POTFILES.in leaves out a file under src/ or data/ that has
# translatable strings (its strings would silently stay English), or lists a
# file that does not exist (xgettext would then refuse to make the template).
#
# Usage: check-potfiles.py TOP_SRCDIR
# Files that look translatable but must not be extracted go in po/POTFILES.skip.

import os
import re
import sys

SCANNED_DIRS = ('src', 'data')

# Only files that xgettext can read are scanned; anything else (images,
# meson.build) could only match by accident.
C_LIKE = ('.c', '.h', '.js', '.py', '.vala')
XML_LIKE = ('.ui', '.xml')

# A gettext call: _(), N_(), C_(), NC_() or Q_(), not a longer identifier
# that happens to end in an underscore.
C_CALL = re.compile(r'(?<![A-Za-z0-9_])(?:N|C|NC|Q)?_\s*\(')
C_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*',
                       re.S)
XML_COMMENT = re.compile(r'<!--.*?-->', re.S)
UI_TRANSLATABLE = re.compile(r'translatable\s*=\s*["\'](?:yes|true|1)["\']', re.I)
SCHEMA_TEXT = re.compile(r'<(?:summary|description)\b')


def read_list(path):
    """The paths listed in a POTFILES-style file, with line numbers."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            # intltool's "[type: gettext/glade] file" form names the file last.
            line = re.sub(r'^\[[^]]*\]\s*', '', line)
            entries.append((os.path.normpath(line), lineno))
    return entries


def blank_comments(text, pattern):
    """Removes comments but keeps line numbering and string literals."""
    def repl(m):
        s = m.group(0)
        if s.startswith('"') or s.startswith("'"):
            return s
        return re.sub(r'[^\n]', ' ', s)
    return pattern.sub(repl, text)


def why_translatable(path, relpath):
    """A short reason when the file has translatable strings, else None."""
    name = os.path.basename(relpath)
    if name.endswith(('.desktop.in', '.metainfo.xml.in', '.appdata.xml.in')):
        return 'desktop or metainfo template'
    if not name.endswith(C_LIKE + XML_LIKE):
        return None
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError as e:
        return None
    if name.endswith(C_LIKE):
        text = blank_comments(text, C_COMMENT)
        m = C_CALL.search(text)
    elif name.endswith('.gschema.xml'):
        text = XML_COMMENT.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)
        m = SCHEMA_TEXT.search(text)
    else:
        text = XML_COMMENT.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)
        m = UI_TRANSLATABLE.search(text)
    if not m:
        return None
    lineno = text.count('\n', 0, m.start()) + 1
    line = text.splitlines()[lineno - 1].strip()
    if len(line) > 70:
        line = line[:67] + '...'
    return 'line %d: %s' % (lineno, line)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: %s TOP_SRCDIR\n' % sys.argv[0])
        return 2
    top = sys.argv[1]
    potfiles_path = os.path.join(top, 'po', 'POTFILES.in')
    if not os.path.exists(potfiles_path):
        print('po/POTFILES.in does not exist')
        return 1

    listed = read_list(potfiles_path)
    listed_set = {p for p, _ in listed}
    skipped = {p for p, _ in read_list(os.path.join(top, 'po', 'POTFILES.skip'))}

    missing = []
    for d in SCANNED_DIRS:
        for root, dirs, files in os.walk(os.path.join(top, d)):
            dirs[:] = sorted(x for x in dirs if not x.startswith('.'))
            for name in sorted(files):
                path = os.path.join(root, name)
                rel = os.path.normpath(os.path.relpath(path, top))
                if rel in listed_set or rel in skipped:
                    continue
                reason = why_translatable(path, rel)
                if reason:
                    missing.append((rel, reason))

    nonexistent = [(p, n) for p, n in listed if not os.path.isfile(os.path.join(top, p))]

    seen = set()
    duplicates = []
    for p, n in listed:
        if p in seen:
            duplicates.append((p, n))
        seen.add(p)

    ok = True
    if missing:
        ok = False
        print('po/POTFILES.in is missing %d file(s) with translatable strings:' % len(missing))
        for rel, reason in missing:
            print('  %s  (%s)' % (rel, reason))
        print('Add each path on its own line to po/POTFILES.in '
              '(or to po/POTFILES.skip if it must not be translated).')
    if nonexistent:
        ok = False
        print('po/POTFILES.in lists %d file(s) that do not exist:' % len(nonexistent))
        for p, n in nonexistent:
            print('  %s  (po/POTFILES.in line %d)' % (p, n))
    if duplicates:
        ok = False
        print('po/POTFILES.in lists %d file(s) more than once:' % len(duplicates))
        for p, n in duplicates:
            print('  %s  (po/POTFILES.in line %d)' % (p, n))

    if ok:
        print('po/POTFILES.in lists all %d files with translatable strings' % len(listed))
        return 0
    return 1


if __name__ == '__main__':
    sys.exit(main())
