#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a language in po/LINGUAS is not complete: its .po file does not
# compile, has an untranslated or fuzzy message, or lacks a message that the
# sources have now. The sources are read afresh with xgettext (the keywords
# of meson's glib preset) into a temporary directory, so nothing in po/ is
# changed and a stale po/e-vanguard.pot cannot hide a new string.
#
# Usage: check-translations.py TOP_SRCDIR [LANGUAGE...]
# The environment may name the tools: XGETTEXT, MSGFMT.

import os
import re
import shutil
import subprocess
import sys
import tempfile

# The same keywords and flags as i18n.gettext(preset: 'glib') in meson.
XGETTEXT_ARGS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', 'a': '\a', 'b': '\b', 'f': '\f',
           'v': '\v', '\\': '\\', '"': '"', "'": "'", '?': '?'}


def unescape(s):
    """The text of a PO string literal, so that differently escaped copies compare equal."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            if n in ESCAPES:
                out.append(ESCAPES[n])
                i += 2
                continue
            m = re.match(r'[0-7]{1,3}', s[i + 1:])
            if m:
                out.append(chr(int(m.group(0), 8)))
                i += 1 + len(m.group(0))
                continue
        out.append(c)
        i += 1
    return ''.join(out)


class Entry:
    def __init__(self, lineno):
        self.lineno = lineno
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}
        self.flags = set()
        self.references = []
        self.obsolete = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    def describe(self):
        text = self.msgid.replace('\n', '\\n')
        if len(text) > 70:
            text = text[:67] + '...'
        if self.msgctxt is not None:
            return '"%s" (context "%s")' % (text, self.msgctxt)
        return '"%s"' % text


def parse_po(path):
    """The entries of a PO file, in order; obsolete (#~) entries are marked."""
    entries = []
    cur = None
    field = None
    pending_flags = set()
    pending_refs = []
    pending_obsolete = False

    def finish():
        nonlocal cur
        if cur is not None and cur.msgid is not None:
            entries.append(cur)
        cur = None

    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            obsolete = False
            if line.startswith('#~'):
                obsolete = True
                line = line[2:].lstrip()
                if not line:
                    continue
            if not line.strip():
                finish()
                field = None
                continue
            if line.startswith('#'):
                # A comment starts the next entry when the current one has its msgstr.
                if cur is not None and cur.msgstr:
                    finish()
                    field = None
                if line.startswith('#,'):
                    pending_flags |= {x.strip() for x in line[2:].split(',') if x.strip()}
                elif line.startswith('#:'):
                    pending_refs += line[2:].split()
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$', line)
            if m:
                keyword = m.group(1)
                value = unescape(m.group(3))
                if keyword in ('msgctxt', 'msgid') and cur is not None and (
                        cur.msgstr or (keyword == 'msgctxt' and cur.msgid is not None)):
                    finish()
                if cur is None:
                    cur = Entry(lineno)
                    cur.flags = pending_flags
                    cur.references = pending_refs
                    pending_flags = set()
                    pending_refs = []
                cur.obsolete = cur.obsolete or obsolete
                if keyword == 'msgctxt':
                    cur.msgctxt = value
                    field = ('msgctxt', None)
                elif keyword == 'msgid':
                    cur.msgid = value
                    field = ('msgid', None)
                elif keyword == 'msgid_plural':
                    cur.msgid_plural = value
                    field = ('msgid_plural', None)
                else:
                    index = int(m.group(2)) if m.group(2) is not None else 0
                    cur.msgstr[index] = value
                    field = ('msgstr', index)
                continue
            m = re.match(r'^"(.*)"\s*$', line)
            if m and cur is not None and field is not None:
                value = unescape(m.group(1))
                name, index = field
                if name == 'msgstr':
                    cur.msgstr[index] += value
                else:
                    setattr(cur, name, getattr(cur, name) + value)
                continue
            raise SystemExit('%s:%d: cannot read this line: %s' % (path, lineno, line))
    finish()
    return entries


def find_tool(env_name, name):
    tool = os.environ.get(env_name) or shutil.which(name)
    if not tool:
        print('%s is not installed (Debian package gettext)' % name)
        sys.exit(1)
    return tool


def make_template(top, tmpdir, xgettext):
    """Writes a fresh template from the files in po/POTFILES.in and returns its path."""
    listed = []
    with open(os.path.join(top, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        for line in f:
            line = re.sub(r'^\[[^]]*\]\s*', '', line.strip())
            if not line or line.startswith('#'):
                continue
            # check-potfiles.py reports a listed file that does not exist;
            # leaving it out here lets this check still say what is untranslated.
            if os.path.isfile(os.path.join(top, line)):
                listed.append(line)
    files_from = os.path.join(tmpdir, 'POTFILES')
    with open(files_from, 'w', encoding='utf-8') as f:
        f.write(''.join(p + '\n' for p in listed))
    pot = os.path.join(tmpdir, 'e-vanguard.pot')
    cmd = [xgettext, '--package-name=e-vanguard', '--files-from=' + files_from,
           '--directory=' + top, '--output=' + pot] + XGETTEXT_ARGS
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if result.returncode != 0:
        print('xgettext could not read the sources:')
        print(result.stdout)
        sys.exit(1)
    if not os.path.exists(pot):
        # xgettext writes nothing when it finds no strings at all.
        open(pot, 'w').close()
    return pot


def check_language(top, lang, template, msgfmt):
    po_path = os.path.join(top, 'po', lang + '.po')
    rel = os.path.join('po', lang + '.po')
    problems = 0

    if not os.path.exists(po_path):
        print('%s: the file does not exist, but po/LINGUAS names %s' % (rel, lang))
        return 1

    # msgfmt catches broken syntax, duplicate messages and format strings that
    # do not match their msgid, none of which the checks below look for.
    result = subprocess.run([msgfmt, '--check', '--output-file=' + os.devnull, po_path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if result.returncode != 0:
        problems += 1
        print('%s: msgfmt --check fails:' % rel)
        for line in result.stdout.splitlines():
            print('  ' + line)

    entries = parse_po(po_path)
    live = [e for e in entries if not e.obsolete]
    have = {}
    for e in live:
        have.setdefault(e.key, e)

    fuzzy = [e for e in live if 'fuzzy' in e.flags]
    untranslated = [e for e in live if e.msgid != '' and
                    (not e.msgstr or any(v == '' for v in e.msgstr.values()))]
    wanted = [e for e in parse_po(template) if e.msgid != '']
    missing = [e for e in wanted if e.key not in have]
    wanted_keys = {e.key for e in wanted}
    unused = [e for e in live if e.msgid != '' and e.key not in wanted_keys]

    if fuzzy:
        problems += len(fuzzy)
        print('%s: %d fuzzy message(s); check the translation and remove "#, fuzzy":'
              % (rel, len(fuzzy)))
        for e in fuzzy:
            print('  line %d: %s' % (e.lineno, e.describe() if e.msgid else 'the header'))
    if untranslated:
        problems += len(untranslated)
        print('%s: %d untranslated message(s):' % (rel, len(untranslated)))
        for e in untranslated:
            print('  line %d: %s' % (e.lineno, e.describe()))
    if missing:
        problems += len(missing)
        print('%s: %d message(s) from the sources are not in the file at all:'
              % (rel, len(missing)))
        for e in missing:
            where = ' '.join(e.references[:2]) or 'unknown place'
            print('  %s  (%s)' % (e.describe(), where))
    if unused:
        # Not an error: a string may be translated before the code that uses
        # it lands, and old messages do no harm.
        print('%s: note: %d message(s) are not used by the sources:' % (rel, len(unused)))
        for e in unused:
            print('  line %d: %s' % (e.lineno, e.describe()))

    if problems == 0:
        print('%s: all %d messages from the sources are translated' % (rel, len(wanted)))
    return problems


def main():
    if len(sys.argv) < 2:
        sys.stderr.write('usage: %s TOP_SRCDIR [LANGUAGE...]\n' % sys.argv[0])
        return 2
    top = sys.argv[1]
    langs = sys.argv[2:]
    if not langs:
        with open(os.path.join(top, 'po', 'LINGUAS'), encoding='utf-8') as f:
            for line in f:
                line = line.split('#', 1)[0]
                langs += line.split()

    xgettext = find_tool('XGETTEXT', 'xgettext')
    msgfmt = find_tool('MSGFMT', 'msgfmt')
    problems = 0
    with tempfile.TemporaryDirectory(prefix='evg-pot-') as tmpdir:
        template = make_template(top, tmpdir, xgettext)
        for lang in langs:
            problems += check_language(top, lang, template, msgfmt)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
