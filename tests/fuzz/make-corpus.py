#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the realistic part of the seed corpus in tests/fuzz/corpus from the
# programs themselves: a real server and two CLI devices sync through the
# sync suite's proxy, which records every request and answer; the roster
# files are what `members export` writes, then the same in GBK, UTF-16 and
# with English headers.  The hand-made edge cases beside them (edge-*) are
# kept as they are.  Run it by hand after a protocol change, from a build:
#
#   EVG_CLI=_build/src/cli/e-vanguard-cli EVG_SERVER=_build/src/server/e-vanguard-server \
#   EVG_SYNC_TOOL=_build/tests/sync/evg-sync-tool tests/fuzz/make-corpus.py
#
# The server target meets a database whose epoch and workstation site are
# fixed (fuzz-server-request.c): the captured bodies are rewritten to them.

import importlib.util
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, 'corpus')
FUZZ_EPOCH = 'f022e0c4a1b2c3d4e5f60718293a4b5c'
FUZZ_SITE = '5c1d0a6e2f3b4c5d6e7f8091a2b3c4d5'
FUZZ_BRANCH = '110105001'
# Seeds above this size make libFuzzer try inputs as long everywhere.
MAX_SEED = 6000

spec = importlib.util.spec_from_file_location('synctests',
                                              os.path.join(HERE, '..', 'sync', 'sync-tests.py'))
st = importlib.util.module_from_spec(spec)
spec.loader.exec_module(st)


class RecordingProxy(st.Proxy):
    """The sync suite's proxy, faultless, keeping each request and answer."""

    def __init__(self, upstream_port):
        self.exchanges = []
        super().__init__(upstream_port, lambda n, method, path: None)

    def forward(self, head, body):
        answer = super().forward(head, body)
        self.exchanges.append((head, body, answer))
        return answer


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


def clear(target):
    folder = os.path.join(CORPUS, target)
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        if not name.startswith('edge-'):
            os.unlink(os.path.join(folder, name))


def roster(path):
    rows = ['姓名,性别,民族,公民身份证号,出生日期,学历,人员类别,党小组,加入党组织日期,'
            '转为正式党员日期,联系电话,家庭住址,是否流动党员,月应缴党费,党费缴至,备注']
    people = [
        ('张三', '男', '汉族', '110105198001010016', '1980-01-01', '大学本科', '正式党员', '第一党小组',
         '2005/7/1', '2006年7月1日', '13812345678', '北京市朝阳区某某街道1号', '否', '12.50', '2026-06', ''),
        ('李四', '女', '回族', '110105198001010024', '1980/1/1', '研究生', '预备党员', '第一党小组',
         '2024-09-01', '', '010-12345678', '"某某社区, 3号楼"', '是', '', '', '外出务工'),
        ('"王,五"', '', '', '11010519491231002x', '', '高中', '正式党员', '第二党小组', '1970-07-01',
         '1971-07-01', '', '', '', '', '', '"备注里有""引号"""'),
    ]
    rows += [','.join(p) for p in people]
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\r\n'.join(rows) + '\r\n')


def capture_sync(work):
    server = st.Server(work).start()
    token = server.add_branch(FUZZ_BRANCH, '某某社区第一党支部')
    proxy = RecordingProxy(server.port)
    a, b = st.Device(work, 'a'), st.Device(work, 'b')
    a.setup(proxy.url, token)
    b.setup(proxy.url, token)

    csv = os.path.join(work, 'roster.csv')
    roster(csv)
    r = a.cli('members', 'import', csv)
    assert r.returncode == 0, r.stderr
    a.sync()
    b.sync()
    # Concurrent edits, so that answers hold conflicts and remote values.
    mid = a.query("SELECT id FROM member WHERE id_number = '110105198001010016'")[0][0]
    a.tool('update', 'member', mid, 'name=张叁', 'phone=13911111111')
    b.tool('update', 'member', mid, 'name=章三', 'address=某某社区')
    gid = a.query('SELECT id FROM party_group ORDER BY name LIMIT 1')[0][0]
    a.tool('delete', 'party_group', gid)
    b.tool('update', 'party_group', gid, 'name=第一党小组（改）')
    a.tool('random', '8', '7')
    a.sync()
    b.sync()
    a.sync()
    b.tool('random', '6', '9')
    b.sync()
    a.sync()

    site_a = a.query('SELECT site_id FROM sync_state')[0][0]
    site_b = b.query('SELECT site_id FROM sync_state')[0][0]
    epoch = server.query("SELECT value FROM meta WHERE key = 'epoch'")[0][0]

    server.stop()
    proxy.close()
    return proxy.exchanges, site_a, site_b, epoch


def save_sync(exchanges, site_a, site_b, epoch):
    n = {'push': 0, 'push-answer': 0, 'pull': 0, 'pull-answer': 0, 'other': 0}
    for head, body, answer in exchanges:
        line = head.split(b'\r\n', 1)[0].decode()
        method, path = line.split(' ')[:2]
        reply = answer[1] if answer else b''
        if method == 'POST' and path == '/v1/push':
            kind, data, reply_kind = 'push', body, 'push-answer'
        elif path.startswith('/v1/pull'):
            kind, data, reply_kind = 'pull', path.split('?', 1)[1].encode(), 'pull-answer'
        else:
            kind, data, reply_kind = None, None, 'other'
        if kind is not None and len(data) <= MAX_SEED:
            n[kind] += 1
            # The server target's database has its own epoch and knows the
            # first device by the fixed site.
            fixed = data.replace(epoch.encode(), FUZZ_EPOCH.encode())
            fixed = fixed.replace(site_a.encode(), FUZZ_SITE.encode())
            ext = 'json' if kind == 'push' else 'txt'
            write('server-request', '%s-%02d.%s' % (kind, n[kind], ext), fixed)
            if kind == 'push':
                write('sync-json', 'push-%02d.json' % n[kind], data)
        if reply and len(reply) <= MAX_SEED:
            n[reply_kind] += 1
            write('sync-json', '%s-%02d.json' % (reply_kind, n[reply_kind]), reply)
    return n


def save_csv(work):
    dev = st.Device(work, 'export')
    csv = os.path.join(work, 'in.csv')
    roster(csv)
    r = dev.cli('members', 'import', csv)
    assert r.returncode == 0, r.stderr
    out = os.path.join(work, 'out.csv')
    r = dev.cli('members', 'export', out)
    assert r.returncode == 0, r.stderr
    with open(out, 'rb') as f:
        exported = f.read()
    text = exported.decode('utf-8-sig')
    write('csv', 'export-utf8-bom.csv', exported)
    write('csv', 'export-gbk.csv', text.encode('gb18030'))
    write('csv', 'export-utf16le.csv', b'\xff\xfe' + text.replace(',', '\t').encode('utf-16-le'))
    with open(csv, 'rb') as f:
        hand = f.read()
    write('csv', 'roster-utf8.csv', hand)
    write('csv', 'roster-gbk.csv', hand.decode('utf-8').encode('gbk'))
    english = hand.decode('utf-8').split('\r\n')
    english[0] = ('name,gender,ethnicity,id_number,birth_date,education,category,party_group,'
                  'joined_on,full_member_on,phone,address,mobile_member,dues_monthly,'
                  'dues_paid_until,note')
    write('csv', 'roster-english-lf.csv', '\n'.join(english))


def main():
    for var in ('EVG_CLI', 'EVG_SERVER', 'EVG_SYNC_TOOL'):
        if var not in os.environ:
            print('%s must name the built program (see the comment at the top)' % var)
            return 2
    work = tempfile.mkdtemp(prefix='evg-corpus-')
    try:
        for target in ('csv', 'sync-json', 'server-request'):
            clear(target)
        save_csv(work)
        counts = save_sync(*capture_sync(work))
        print('captured: %s' % ', '.join('%d %s' % (v, k) for k, v in counts.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for p in st.RUNNING:
            if p.poll() is None:
                p.kill()
    return 0


if __name__ == '__main__':
    sys.exit(main())
