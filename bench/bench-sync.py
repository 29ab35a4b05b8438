#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sync benchmarks on loopback, with the real server and CLI processes.
# Prints one JSON object per benchmark.
#
#   bench-sync.py first [N]          first sync of N members up, then down to a new device
#   bench-sync.py incremental [N]    a sync with N changed records, end to end (median)
#   bench-sync.py branches [N]       N branches pushing small changes at once
#   bench-sync.py server-push [N]    a first upload's batches posted straight to the
#                                    server, without the client's work: the server alone
#
# Timings swing with whatever else the machine runs; the CPU seconds of the
# server and of the CLI are printed too, as they swing much less.
#
# Needs EVG_CLI, EVG_SERVER and EVG_SYNC_TOOL (meson sets them).

import hashlib
import resource
import http.client
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CLI = os.environ['EVG_CLI']
SERVER = os.environ['EVG_SERVER']
TOOL = os.environ['EVG_SYNC_TOOL']


class Env:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix='evg-bench-')
        self.env = dict(os.environ, EVG_TOKEN_STORE='file',
                        XDG_CONFIG_HOME=os.path.join(self.work, 'config'))
        self.db = os.path.join(self.work, 'server.db')
        self.proc = None

    def server(self, *args):
        return subprocess.run([SERVER] + list(args) + ['--database', self.db], env=self.env,
                              capture_output=True, text=True, check=True).stdout.strip()

    def start(self, workers=4):
        # Every simulated branch connects from 127.0.0.1: lift the cap on
        # connections from one address, which is for real networks.
        self.proc = subprocess.Popen([SERVER, 'serve', '--database', self.db, '--listen',
                                      '127.0.0.1:0', '--workers', str(workers),
                                      '--max-connections-per-address', '4096'],
                                     stdout=subprocess.PIPE, env=self.env, text=True)
        self.port = int(self.proc.stdout.readline().strip().rstrip('/').rsplit(':', 1)[1])
        self.url = 'http://127.0.0.1:%d' % self.port

    def device(self, name):
        return os.path.join(self.work, name + '.db')

    def cli(self, db, *args):
        t = time.perf_counter()
        r = subprocess.run([CLI, '--database', db] + list(args), env=self.env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        return time.perf_counter() - t, r.stdout

    def server_cpu_s(self):
        # utime and stime, fields 14 and 15 of /proc/PID/stat
        fields = open('/proc/%d/stat' % self.proc.pid).read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def tool(self, db, *args):
        subprocess.run([TOOL, db] + list(args), env=self.env, check=True, capture_output=True)

    def close(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)


def first(n):
    e = Env()
    try:
        token = e.server('branch', 'add', 'B001', '第一支部')
        e.start()
        a, b = e.device('a'), e.device('b')
        t = time.perf_counter()
        e.tool(a, 'bulk', 'member', str(n))
        made = time.perf_counter() - t
        e.cli(a, 'sync', 'setup', e.url, token)
        e.cli(b, 'sync', 'setup', e.url, token)
        cpu = [(e.server_cpu_s(), children_cpu_s())]
        up, out = e.cli(a, '--json', 'sync', 'now')
        cpu.append((e.server_cpu_s(), children_cpu_s()))
        assert json.loads(out)['pushed'] == n, out
        down, out = e.cli(b, '--json', 'sync', 'now')
        cpu.append((e.server_cpu_s(), children_cpu_s()))
        assert json.loads(out)['pulled'] == n, out
        print(json.dumps({'benchmark': 'sync-first', 'records': n,
                          'local_insert_s': round(made, 2),
                          'up_s': round(up, 2), 'up_records_per_s': round(n / up),
                          'down_s': round(down, 2), 'down_records_per_s': round(n / down),
                          'up_cpu_s': {'server': round(cpu[1][0] - cpu[0][0], 2),
                                       'cli': round(cpu[1][1] - cpu[0][1], 2)},
                          'down_cpu_s': {'server': round(cpu[2][0] - cpu[1][0], 2),
                                         'cli': round(cpu[2][1] - cpu[1][1], 2)}}))
    finally:
        e.close()


def children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def row_values(con, entry):
    """An outbox entry with its fields: an insert's entry mostly points at
    its row (fields ''), and the client then sends the row's values, so do
    the same here: its data columns, NULLs left out."""
    if entry[4] != '':
        return entry
    table = entry[1]
    cols = [(c[1], c[2]) for c in con.execute('PRAGMA table_info(%s)' % table)
            if c[1] not in ('id', 'branch', 'hlc', 'field_hlc', 'deleted')]
    row = con.execute('SELECT %s FROM %s WHERE id = ?' % (', '.join(n for n, _ in cols), table),
                      (entry[2],)).fetchone()
    fields = json.dumps({n: v for (n, _), v in zip(cols, row) if v is not None},
                        ensure_ascii=False, separators=(',', ':'))
    return entry[:4] + (fields,) + entry[5:]


def server_push(n, batch=5000):
    """Posts a first upload's batches to the server one after the other, as
    the client sends them but without its work, to measure the server alone."""
    e = Env()
    try:
        token = e.server('branch', 'add', 'B001', '第一支部')
        a = e.device('a')
        e.tool(a, 'bulk', 'member', str(n))
        con = sqlite3.connect(a)
        site = con.execute('SELECT site_id FROM sync_state').fetchone()[0]
        rows = con.execute('SELECT change_id, tbl, row_id, op, fields, hlc, base_hlc '
                           'FROM outbox ORDER BY seq').fetchall()
        rows = [row_values(con, c) for c in rows]
        con.close()
        bodies = []
        for i in range(0, len(rows), batch):
            changes = ','.join('{"change_id":%s,"table":%s,"row_id":%s,"op":%s,"fields":%s,'
                               '"hlc":%s,"base_hlc":%s,"site":%s}'
                               % (json.dumps(c[0]), json.dumps(c[1]), json.dumps(c[2]),
                                  json.dumps(c[3]), c[4], json.dumps(c[5]), json.dumps(c[6]),
                                  json.dumps(site))
                               for c in rows[i:i + batch])
            bodies.append(('{"protocol":1,"batch_id":"bench-%d","site":%s,"epoch":null,'
                           '"changes":[%s]}' % (i, json.dumps(site), changes)).encode())
        e.start()
        c = http.client.HTTPConnection('127.0.0.1', e.port, timeout=120)
        headers = {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}
        cpu = e.server_cpu_s()
        t = time.perf_counter()
        for body in bodies:
            c.request('POST', '/v1/push', body=body, headers=headers)
            r = c.getresponse()
            answer = r.read()
            assert r.status == 200, answer[:200]
        wall = time.perf_counter() - t
        cpu = e.server_cpu_s() - cpu
        assert all(x['status'] == 'applied' for x in json.loads(answer)['results'])
        c.close()
        print(json.dumps({'benchmark': 'sync-server-push', 'records': n, 'batch': batch,
                          'push_s': round(wall, 2), 'records_per_s': round(n / wall),
                          'server_cpu_s': round(cpu, 2)}))
    finally:
        e.close()


def incremental(n):
    e = Env()
    try:
        token = e.server('branch', 'add', 'B001', '第一支部')
        e.start()
        a, b = e.device('a'), e.device('b')
        e.tool(a, 'bulk', 'member', '1000')
        e.cli(a, 'sync', 'setup', e.url, token)
        e.cli(b, 'sync', 'setup', e.url, token)
        e.cli(a, 'sync', 'now')
        e.cli(b, 'sync', 'now')
        ids = [r[0] for r in sqlite3.connect(a).execute('SELECT id FROM member LIMIT %d' % n)]
        ups, downs, starts = [], [], []
        for round_ in range(7):
            start, _ = e.cli(a, 'sync', 'status')
            starts.append(start * 1000)
            for i, rid in enumerate(ids):
                e.tool(a, 'update', 'member', rid, 'phone=139%08d' % (round_ * 100 + i))
            up, out = e.cli(a, '--json', 'sync', 'now')
            assert json.loads(out)['pushed'] == n, out
            down, out = e.cli(b, '--json', 'sync', 'now')
            assert json.loads(out)['pulled'] == n, out
            ups.append(up * 1000)
            downs.append(down * 1000)
        print(json.dumps({'benchmark': 'sync-incremental', 'changes': n,
                          'push_ms_median': round(statistics.median(ups), 1),
                          'pull_ms_median': round(statistics.median(downs), 1),
                          'end_to_end_ms_median': round(statistics.median(
                              [u + d for u, d in zip(ups, downs)]), 1),
                          'cli_start_ms_median': round(statistics.median(starts), 1),
                          'end_to_end_without_cli_start_ms': round(statistics.median(
                              [u + d for u, d in zip(ups, downs)]) - 2 * statistics.median(starts), 1),
                          'note': 'push and pull each start e-vanguard-cli; cli_start_ms is '
                                  'the same start with `sync status`'}))
    finally:
        e.close()


def branches(n, changes=5):
    e = Env()
    try:
        e.server('branch', 'list')   # creates the database
        con = sqlite3.connect(e.db)
        tokens = []
        now = int(time.time() * 1000)
        for i in range(n):
            code = 'B%04d' % i
            token = 'evg_' + secrets.token_hex(32)
            tokens.append(token)
            con.execute('INSERT INTO branch (code, name, created_at) VALUES (?, ?, ?)',
                        (code, '支部 %d' % i, now))
            con.execute('INSERT INTO token (hash, branch, created_at) VALUES (?, ?, ?)',
                        (hashlib.sha256(token.encode()).digest(), code, now))
        con.commit()
        con.close()
        e.start()
        latencies, errors = [], []
        lock = threading.Lock()
        barrier = threading.Barrier(n)

        def client(i):
            token = tokens[i]
            hlc = '%016x' % (int(time.time() * 1000) << 16)
            site = 'site%d' % i
            body = json.dumps({'protocol': 1, 'batch_id': 'b%d' % i, 'site': site, 'epoch': None,
                               'changes': [{'change_id': 'c%d-%d' % (i, k), 'table': 'party_group',
                                            'row_id': 'r%d-%d' % (i, k), 'op': 'insert',
                                            'fields': {'name': '小组 %d' % k}, 'hlc': hlc,
                                            'base_hlc': None, 'site': site}
                                           for k in range(changes)]})
            try:
                barrier.wait(timeout=60)
                for method, path, data in (('POST', '/v1/push', body),
                                           ('GET', '/v1/pull?since=0', None)):
                    c = http.client.HTTPConnection('127.0.0.1', e.port, timeout=120)
                    t = time.perf_counter()
                    c.request(method, path, body=data, headers={
                        'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
                    r = c.getresponse()
                    payload = r.read()
                    dt = time.perf_counter() - t
                    c.close()
                    ok = r.status == 200
                    if ok and method == 'GET':
                        ok = len(json.loads(payload)['changes']) == changes
                    with lock:
                        latencies.append((method, dt))
                        if not ok:
                            errors.append((i, r.status, payload[:200]))
            except Exception as ex:
                with lock:
                    errors.append((i, repr(ex)))

        t = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t

        def pct(values, p):
            values = sorted(values)
            return values[min(len(values) - 1, int(len(values) * p))] * 1000 if values else None

        push = [d for m, d in latencies if m == 'POST']
        pull = [d for m, d in latencies if m == 'GET']
        logged = sqlite3.connect(e.db).execute('SELECT count(*) FROM change_log').fetchone()[0]
        print(json.dumps({'benchmark': 'sync-branches', 'branches': n, 'changes_each': changes,
                          'errors': len(errors), 'wall_s': round(wall, 2),
                          'push_p50_ms': round(pct(push, 0.5), 1), 'push_p99_ms': round(pct(push, 0.99), 1),
                          'pull_p50_ms': round(pct(pull, 0.5), 1), 'pull_p99_ms': round(pct(pull, 0.99), 1),
                          'changes_logged': logged, 'changes_expected': n * changes}))
        if errors:
            print('# first errors: %s' % errors[:3], file=sys.stderr)
            return 1
    finally:
        e.close()
    return 0


if __name__ == '__main__':
    # A thousand clients need a thousand sockets here and in the server.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    what = sys.argv[1] if len(sys.argv) > 1 else 'first'
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    if what == 'first':
        first(arg or 100000)
    elif what == 'incremental':
        incremental(arg or 10)
    elif what == 'server-push':
        server_push(arg or 100000)
    elif what == 'branches':
        sys.exit(branches(arg or 1000))
    else:
        sys.exit('unknown benchmark %s' % what)
