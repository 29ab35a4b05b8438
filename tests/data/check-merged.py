#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that the translations really reached the merged desktop file and
# metainfo: the menu and the software centre show these, not the .po file,
# and a broken merge leaves them English without any other test noticing.
#
# Usage: check-merged.py LINGUAS DESKTOP METAINFO [LANG=NAME...]
# A LANG=NAME argument also demands that the application's name in LANG is NAME.

import configparser
import sys
import xml.etree.ElementTree as ET

XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
DESKTOP_KEYS = ('Name', 'GenericName', 'Comment', 'Keywords')
METAINFO_TAGS = ('name', 'summary')


def main():
    if len(sys.argv) < 4:
        sys.stderr.write('usage: %s LINGUAS DESKTOP METAINFO [LANG=NAME...]\n' % sys.argv[0])
        return 2
    linguas_path, desktop, metainfo = sys.argv[1:4]
    names = dict(a.split('=', 1) for a in sys.argv[4:])
    with open(linguas_path, encoding='utf-8') as f:
        langs = [w for line in f for w in line.split('#', 1)[0].split()]
    problems = []

    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    with open(desktop, encoding='utf-8') as f:
        parser.read_file(f)
    entry = parser['Desktop Entry']
    for key in DESKTOP_KEYS:
        if key not in entry:
            continue
        for lang in langs:
            if not entry.get('%s[%s]' % (key, lang)):
                problems.append('desktop file: no %s[%s]' % (key, lang))
    for lang, name in names.items():
        got = entry.get('Name[%s]' % lang)
        if got is not None and got != name:
            problems.append('desktop file: Name[%s]=%s, expected %s' % (lang, got, name))

    root = ET.parse(metainfo).getroot()
    for tag in METAINFO_TAGS:
        have = {e.get(XML_LANG) for e in root.findall(tag)}
        for lang in langs:
            # msgfmt writes the tag either as the .po name or in BCP 47 form.
            if lang not in have and lang.replace('_', '-') not in have:
                problems.append('metainfo: no <%s xml:lang="%s">' % (tag, lang))
    for lang, name in names.items():
        for e in root.findall('name'):
            if e.get(XML_LANG) in (lang, lang.replace('_', '-')) and (e.text or '').strip() != name:
                problems.append('metainfo: <name xml:lang="%s"> is %s, expected %s'
                                % (lang, (e.text or '').strip(), name))

    if problems:
        print('The translations are not merged into the installed data files:')
        for p in problems:
            print('  ' + p)
        print('Check that po/POTFILES.in lists the .in files and the .po files translate them.')
        return 1
    print('the desktop file and metainfo carry the %s translations' % ', '.join(langs))
    return 0


if __name__ == '__main__':
    sys.exit(main())
