#!/usr/bin/env python3
# Appends translations to po/zh_CN.po for msgids not yet in it.
# Usage: po-append.py TRANSLATIONS.py  (a file defining a dict T = {msgid: msgstr})
# Only new msgids are written, so several people can run it one after another.
import re
import sys

def parse_ids(path):
    ids = set()
    cur = None
    key = None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        m = re.match(r'^(msgctxt|msgid|msgstr)\s+"(.*)"$', line)
        if m:
            key = m.group(1)
            if key == 'msgid':
                cur = m.group(2)
            continue
        m = re.match(r'^"(.*)"$', line)
        if m and key == 'msgid':
            cur += m.group(1)
            continue
        if key == 'msgstr' and cur is not None:
            ids.add(cur)
            cur = None
    if cur is not None:
        ids.add(cur)
    return ids

def esc(s):
    return s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\t', '\\t')

po = 'po/zh_CN.po'
scope = {}
exec(open(sys.argv[1], encoding='utf-8').read(), scope)
have = parse_ids(po)
out = []
# A value is the translation, or (msgid_plural, translation) for a message
# with plural forms; Chinese has one form.
for msgid, msgstr in scope['T'].items():
    if esc(msgid) in have:
        continue
    if isinstance(msgstr, tuple):
        out.append('\nmsgid "%s"\nmsgid_plural "%s"\nmsgstr[0] "%s"\n'
                   % (esc(msgid), esc(msgstr[0]), esc(msgstr[1])))
    else:
        out.append('\nmsgid "%s"\nmsgstr "%s"\n' % (esc(msgid), esc(msgstr)))
with open(po, 'a', encoding='utf-8') as f:
    f.write(''.join(out))
print('appended %d translations' % len(out))
