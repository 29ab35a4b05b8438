#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The sync suite: real e-vanguard-server and e-vanguard-cli processes on
# loopback, a fault-injecting HTTP proxy between them, and checks that every
# change is accounted for: on the server exactly once, acked on its device,
# and the same data on every replica of a branch.
#
# Usage: sync-tests.py CASE      (the cases are the functions named case_*)
# Needs EVG_CLI, EVG_SERVER and EVG_SYNC_TOOL; prints TAP.

import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CLI = os.environ['EVG_CLI']
SERVER = os.environ['EVG_SERVER']
TOOL = os.environ['EVG_SYNC_TOOL']
WRAPPER = os.environ.get('EVG_WRAPPER', '').split()
TABLES = ['party_group', 'member', 'transfer', 'meeting', 'resolution', 'attendance', 'meeting_addendum', 'meeting_plan',
          'whistle', 'checkin', 'feedback', 'feedback_event']

_n = 0
_failures = 0
RUNNING = []


def ok(cond, what):
    global _n, _failures
    _n += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (_n, what), flush=True)
    if not cond:
        _failures += 1
    return cond


def check(cond, what):
    if not ok(cond, what):
        raise AssertionError(what)


class Server:
    def __init__(self, work, name='server'):
        self.db = os.path.join(work, name + '.db')
        self.work = work
        self.proc = None
        self.port = None
        self.env = dict(os.environ)

    def admin(self, *args, check_rc=True):
        r = subprocess.run(WRAPPER + [SERVER] + list(args) + ['--database', self.db],
                           capture_output=True, text=True, env=self.env, timeout=60)
        if check_rc and r.returncode != 0:
            raise AssertionError('server %s: %s' % (args, r.stderr))
        return r

    def add_branch(self, code, name):
        return self.admin('branch', 'add', code, name).stdout.strip()

    def start(self, extra_env=None, port=0, args=(), nofile=None):
        env = dict(self.env)
        env.update(extra_env or {})

        def limit_files():
            if nofile is not None:
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.proc = subprocess.Popen(WRAPPER + [SERVER, 'serve', '--database', self.db,
                                                '--listen', '127.0.0.1:%d' % port] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     text=True, preexec_fn=limit_files)
        line = self.proc.stdout.readline()
        if 'listening on' not in line:
            raise AssertionError('server did not start: %s %s' % (line, self.proc.stderr.read()))
        self.port = int(line.strip().rstrip('/').rsplit(':', 1)[1])
        RUNNING.append(self.proc)
        return self

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc = None
        return rc

    def restart(self, extra_env=None):
        port = self.port
        self.stop()
        return self.start(extra_env, port)

    def query(self, sql, args=()):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def log_ids(self, branch=None):
        if branch is None:
            rows = self.query('SELECT change_id FROM change_log')
        else:
            rows = self.query('SELECT change_id FROM change_log WHERE branch = ?', (branch,))
        return [r[0] for r in rows]


class Device:
    def __init__(self, work, name, env=None):
        self.name = name
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.db = os.path.join(self.dir, 'e-vanguard.db')
        self.env = dict(os.environ)
        self.env['XDG_CONFIG_HOME'] = os.path.join(self.dir, 'config')
        self.env['XDG_DATA_HOME'] = os.path.join(self.dir, 'data')
        self.env['EVG_SYNC_RETRIES'] = '3'
        self.env['EVG_SYNC_RETRY_MS'] = '20'
        self.env.update(env or {})

    def cli(self, *args, env=None, timeout=120):
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run(WRAPPER + [CLI, '--database', self.db] + list(args),
                              capture_output=True, text=True, env=e, timeout=timeout)

    def tool(self, *args, env=None):
        e = dict(self.env)
        e.update(env or {})
        r = subprocess.run([TOOL, self.db] + list(args), capture_output=True, text=True, env=e,
                           timeout=120)
        if r.returncode != 0:
            raise AssertionError('tool %s: %s' % (args, r.stderr))
        return r.stdout.strip()

    def setup(self, url, token):
        r = self.cli('sync', 'setup', url, token)
        if r.returncode != 0:
            raise AssertionError('setup: %s' % r.stderr)

    def sync(self, expect=0, env=None):
        r = self.cli('--json', 'sync', 'now', env=env)
        if expect is not None and r.returncode != expect:
            raise AssertionError('%s sync exit %d, wanted %d: %s %s' %
                                 (self.name, r.returncode, expect, r.stdout, r.stderr))
        try:
            return json.loads(r.stdout) if r.stdout.strip() else {}
        except ValueError:
            return {}

    def sync_until_done(self, tries=30, env=None):
        for _ in range(tries):
            r = self.cli('--json', 'sync', 'now', env=env)
            if r.returncode in (0, 3):
                return json.loads(r.stdout)
        raise AssertionError('%s never finished a sync: %s' % (self.name, r.stderr))

    def query(self, sql, args=()):
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def dump(self):
        """The replica's data: every row of every synced table, tombstones
        included, without the bookkeeping columns that may differ."""
        out = {}
        con = sqlite3.connect(self.db, timeout=30)
        con.row_factory = sqlite3.Row
        try:
            for t in TABLES:
                try:
                    rows = con.execute('SELECT * FROM %s ORDER BY id' % t).fetchall()
                except sqlite3.OperationalError:
                    continue
                for r in rows:
                    d = dict(r)
                    for k in ('hlc', 'field_hlc', 'branch'):
                        d.pop(k, None)
                    out[(t, d['id'])] = d
        finally:
            con.close()
        return out

    def outbox(self):
        return self.query('SELECT change_id, state FROM outbox_status')

    def open_conflicts(self):
        return self.query('SELECT id, tbl, row_id, kind, local_value, remote_value FROM conflicts '
                          'WHERE resolved_at IS NULL ORDER BY id')


def accounted(server, devices, branch, what, pushed=()):
    """Every change of every device is acked and on the server exactly once
    (or refused and kept as a conflict), and the server holds no change that
    no device made (besides the change ids a test @pushed by hand)."""
    # Entries the server made for routing (a transfer's copy for the other
    # branch, a transferred member) and the messages residents sent through
    # the public page ('.w') are not any device's changes.
    log = [cid for cid in server.log_ids(branch) if not cid.endswith(('.r', '.m', '.w'))]
    ok(len(log) == len(set(log)), '%s: no change id twice in the server log' % what)
    made = set()
    for d in devices:
        box = d.outbox()
        ok(all(state == 'acked' for _, state in box),
           '%s: every outbox entry of %s is acked (%d)' % (what, d.name, len(box)))
        # A change the server refused is not in its log: it is kept on the
        # device as a conflict instead.
        refused = {cid for (cid,) in d.query("SELECT change_id FROM conflicts WHERE kind = 'rejected'")}
        made |= {cid for cid, _ in box} - refused
    made |= set(pushed)
    ok(made == set(log), '%s: the server log holds exactly the devices\' %d changes (%d)' %
       (what, len(made), len(log)))


def converged(devices, what):
    first = devices[0].dump()
    same = all(d.dump() == first for d in devices[1:])
    if not same:
        for d in devices[1:]:
            other = d.dump()
            for k in set(first) | set(other):
                if first.get(k) != other.get(k):
                    print('# %s: %s %s != %s %s' % (k, devices[0].name, first.get(k), d.name,
                                                    other.get(k)))
                    break
    ok(same, '%s: %d replicas hold the same %d records' % (what, len(devices), len(first)))
    return first


def server_matches(server, device, branch, what):
    """The server's merged records equal the device's rows."""
    rows = server.query('SELECT tbl, row_id, deleted, fields FROM record_state WHERE branch = ?', (branch,))
    dump = device.dump()
    good = len(rows) == len(dump)
    for tbl, row_id, deleted, fields in rows:
        local = dump.get((tbl, row_id))
        if local is None or local['deleted'] != deleted:
            good = False
            break
        for k, v in json.loads(fields).items():
            if local.get(k) != v:
                good = False
                break
    ok(good, '%s: the server\'s records match %s' % (what, device.name))


def http(port, method, path, body=None, token=None, headers=None, raw=None, timeout=30):
    """One HTTP request on a fresh connection; returns (status, json or text)."""
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    try:
        if raw is None:
            data = body.encode() if isinstance(body, str) else (body or b'')
            lines = ['%s %s HTTP/1.1' % (method, path), 'Host: 127.0.0.1', 'Connection: close']
            if token is not None:
                lines.append('Authorization: Bearer %s' % token)
            if body is not None:
                lines.append('Content-Type: application/json')
                lines.append('Content-Length: %d' % len(data))
            for k, v in (headers or {}).items():
                lines.append('%s: %s' % (k, v))
            raw = ('\r\n'.join(lines) + '\r\n\r\n').encode() + data
        s.sendall(raw)
        resp = b''
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            resp += chunk
    finally:
        s.close()
    if not resp:
        return None, None
    head, _, payload = resp.partition(b'\r\n\r\n')
    status = int(head.split(b' ', 2)[1])
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode(errors='replace')


def change(table, row_id, op='insert', fields=None, hlc=None, base=None, cid=None, site='testsite'):
    return {'change_id': cid or 'c-%s' % random.getrandbits(64), 'table': table, 'row_id': row_id,
            'op': op, 'fields': fields or {}, 'hlc': hlc or hlc_now(), 'base_hlc': base, 'site': site}


def hlc_now(offset_ms=0):
    return '%016x' % ((int(time.time() * 1000) + offset_ms) << 16)


def push_body(changes, batch=None, epoch=None):
    return json.dumps({'protocol': 1, 'batch_id': batch or 'b-%d' % random.getrandbits(48),
                       'site': 'testsite', 'epoch': epoch, 'changes': changes})


# ----------------------------------------------------------------- the proxy

class Proxy:
    """An HTTP proxy that can drop a request, drop the answer (after the
    server acted on the request), send a request twice, hold an answer back,
    and remember requests to replay them later.  `plan(n, method, path)`
    returns the fault for the n-th request."""

    def __init__(self, upstream_port, plan):
        self.upstream = upstream_port
        self.plan = plan
        self.count = 0
        self.faults = {}
        self.recorded = []
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def close(self):
        self.running = False
        self.sock.close()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_message(f):
        head = b''
        while not head.endswith(b'\r\n\r\n'):
            line = f.readline()
            if not line:
                return None
            head += line
        length = 0
        for line in head.split(b'\r\n'):
            if line.lower().startswith(b'content-length:'):
                length = int(line.split(b':', 1)[1])
        body = f.read(length) if length else b''
        if len(body) < length:
            return None
        return head, body

    def forward(self, head, body):
        up = socket.create_connection(('127.0.0.1', self.upstream), timeout=60)
        try:
            up.sendall(head + body)
            f = up.makefile('rb')
            msg = self._read_message(f)
            f.close()
            return msg
        finally:
            up.close()

    def _serve(self, conn):
        f = conn.makefile('rb')
        try:
            while True:
                msg = self._read_message(f)
                if msg is None:
                    return
                head, body = msg
                request_line = head.split(b'\r\n', 1)[0].decode()
                method, path = request_line.split(' ')[:2]
                with self.lock:
                    self.count += 1
                    n = self.count
                fault = self.plan(n, method, path)
                self.faults[fault] = self.faults.get(fault, 0) + 1
                if method == 'POST':
                    self.recorded.append((head, body))
                if fault == 'drop_request':
                    return
                if fault == 'delay':
                    time.sleep(0.3)
                answer = self.forward(head, body)
                if fault == 'duplicate':
                    answer = self.forward(head, body)
                if answer is None or fault == 'drop_response':
                    return
                conn.sendall(answer[0] + answer[1])
        except OSError:
            return
        finally:
            f.close()
            conn.close()


# ------------------------------------------------------------------- cases

def new_branch(server, code='A001', name='第一党支部'):
    return server.add_branch(code, name)


def case_converge(work):
    """Two devices of one branch edit offline, the same records too, and
    converge; every change is on the server once."""
    server = Server(work).start()
    token = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, token)
    b.setup(server.url, token)
    a.tool('random', '40', '1')
    a.sync()
    b.sync()
    converged([a, b], 'after the first device uploads')
    # Both offline, editing the same groups.
    a.tool('random', '60', '2')
    b.tool('random', '60', '3')
    ra = a.sync()
    rb = b.sync()
    a.sync()
    ok(ra['pushed'] > 0 and rb['pushed'] > 0 and rb['pulled'] > 0, 'both sides sent and received')
    converged([a, b], 'after concurrent offline edits')
    accounted(server, [a, b], 'A001', 'converge')
    server_matches(server, a, 'A001', 'converge')
    # Records never changed since their insert point at the logged change
    # instead of holding a copy; changed ones hold their merged fields.
    shared, own = server.query("SELECT sum(log_seq IS NOT NULL AND fields = ''), "
                               "sum(log_seq IS NULL AND fields != '') FROM record")[0]
    ok(shared > 0 and own > 0, 'the server keeps one copy of unchanged records (%d shared, %d own)'
       % (shared, own))
    st = json.loads(a.cli('--json', 'sync', 'status').stdout)
    ok(st['state'] == 'up-to-date' and st['pending'] == 0 and st['last_synced'] > 0,
       'sync status says up to date')
    server.stop()


def case_server_upgrade(work):
    """A server database of schema 2 (records in a rowid table with a
    unique index) is moved to schema 3 when the server starts: every
    record is kept, pulls and merges go on as before."""
    server = Server(work).start()
    token = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, token)
    b.setup(server.url, token)
    a.tool('random', '40', '5')
    a.sync()
    a.tool('random', '40', '6')
    a.sync()
    server.stop()
    before = server.query('SELECT tbl, row_id, branch, hlc, deleted, fields, clocks, log_seq '
                          'FROM record ORDER BY tbl, row_id')
    # Put the record table back the way schema 2 left it.
    con = sqlite3.connect(server.db)
    con.executescript("""
        BEGIN;
        CREATE TABLE record_old (tbl TEXT NOT NULL, row_id TEXT NOT NULL, branch TEXT NOT NULL,
          hlc TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, fields TEXT NOT NULL,
          clocks TEXT NOT NULL, log_seq INTEGER, UNIQUE (tbl, row_id));
        INSERT INTO record_old SELECT tbl, row_id, branch, hlc, deleted, fields, clocks, log_seq
          FROM record;
        DROP VIEW record_state;
        DROP TABLE record;
        ALTER TABLE record_old RENAME TO record;
        CREATE VIEW record_state AS SELECT tbl, row_id, branch, hlc, deleted,
          CASE WHEN log_seq IS NULL THEN fields
               ELSE (SELECT l.fields FROM change_log l WHERE l.seq = record.log_seq) END AS fields,
          clocks FROM record;
        DROP INDEX change_log_feedback_event;
        DROP TABLE public_message;
        DROP TABLE public_day;
        ALTER TABLE branch DROP COLUMN page_since;
        ALTER TABLE branch DROP COLUMN respond_hours;
        ALTER TABLE branch DROP COLUMN resolve_hours;
        PRAGMA user_version = 2;
        COMMIT;""")
    con.close()
    ok(server.query("SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = 'record'")
       == [(0,)], 'the database is as schema 2 left it')
    server.start(port=server.port)
    ok(server.query('PRAGMA user_version') == [(5,)], 'the server moved it to schema 3 and on to 5')
    ok(server.query("SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = 'record'")
       == [(1,)], 'records are keyed by table and id')
    after = server.query('SELECT tbl, row_id, branch, hlc, deleted, fields, clocks, log_seq '
                         'FROM record ORDER BY tbl, row_id')
    ok(after == before and len(after) > 0, 'all %d records kept as they were' % len(before))
    b.tool('random', '30', '7')
    b.sync()
    a.tool('random', '30', '8')
    a.sync()
    b.sync()
    converged([a, b], 'after the upgrade')
    accounted(server, [a, b], 'A001', 'upgrade')
    server_matches(server, a, 'A001', 'upgrade')
    server.stop()


def case_copied_database(work):
    """A workstation's own changes come back from the server as stubs.  A
    database copied from another workstation has the same site id but not
    that workstation's later changes: it must notice the stubs it does not
    know and fetch them in full, losing nothing."""
    server = Server(work).start()
    token = new_branch(server)
    a = Device(work, 'a')
    a.setup(server.url, token)
    a.tool('random', '30', '1')
    a.sync()
    c = Device(work, 'c')
    shutil.copy(a.db, c.db)
    shutil.copytree(os.path.join(a.dir, 'config'), os.path.join(c.dir, 'config'))
    a.tool('random', '40', '2')
    ra = a.sync()
    ok(ra['pushed'] > 0 and ra['pulled'] == 0, 'the device does not download its own upload')
    # Its pulls named the server's numbers of its own changes, which the
    # server then left out: the cursor is past them and nothing is kept.
    site = a.query('SELECT site_id FROM sync_state')[0][0]
    seqs = [r[0] for r in server.query("SELECT seq FROM change_log WHERE site = ? ORDER BY seq", (site,))]
    ok(a.query('SELECT pull_cursor FROM sync_state')[0][0] == seqs[-1] and
       a.query('SELECT count(*) FROM own_seq_range') == [(0,)],
       'the pull cursor passed its own changes and no range is left')
    known = '%d-%d' % (seqs[0], seqs[-1])
    status, page = http(server.port, 'GET', '/v1/pull?since=0&site=%s&known=%s' % (site, known), token=token)
    ok(status == 200 and page['changes'] == [] and page['next'] == seqs[-1] and not page['has_more'],
       'a pull naming known ranges gets none of those changes (%s)' % page.get('changes', [])[:1])
    status, page = http(server.port, 'GET', '/v1/pull?since=0&site=%s&known=%d-%d' % (site, seqs[0], seqs[9]),
                        token=token)
    ok(status == 200 and len(page['changes']) == len(seqs) - 10 and
       all(c.get('own') for c in page['changes']),
       'own changes outside the ranges still come as stubs')
    status, page = http(server.port, 'GET', '/v1/pull?since=0&known=%s' % known, token=token)
    ok(status == 200 and len(page['changes']) == len(seqs), 'without a site, known is ignored')
    status, page = http(server.port, 'GET', '/v1/pull?since=0&limit=2&site=%s&known=%s' % (site, known),
                        token=token)
    ok(len(seqs) > 40 and status == 200 and page['changes'] == [] and page['has_more'] and
       page['next'] == seqs[39],
       'a page reads at most 20 times its limit of rows (%d own changes, next %s)'
       % (len(seqs), page.get('next')))
    # With the number of changes a range holds, the server passes over a
    # range that holds nothing else; a count that does not match the log
    # (here another workstation's changes lie inside) is read row by row,
    # and the other workstation's changes still come.
    status, page = http(server.port, 'GET', '/v1/pull?since=0&site=%s&known=%s:%d'
                        % (site, known, len(seqs)), token=token)
    ok(status == 200 and page['changes'] == [] and page['next'] == seqs[-1] and not page['has_more'],
       'a range whose count matches is passed over')
    status, page = http(server.port, 'GET', '/v1/pull?since=0&site=%s&known=%d-%d:%d'
                        % (site, seqs[0], seqs[-1] + 1000, len(seqs)), token=token)
    ok(status == 200 and page['next'] == seqs[-1], 'never past the end of the log (next %s)' % page.get('next'))
    status, page = http(server.port, 'GET', '/v1/pull?since=0&site=%s&known=1-9000000000:%d'
                        % (site, len(seqs)), token=token)
    ok(status == 200 and page['changes'] == [] and page['next'] == seqs[-1],
       'a range too long to count is read instead, with the same answer')
    b = Device(work, 'b')
    b.setup(server.url, token)
    b.tool('random', '5', '3')
    b.sync()
    a.tool('random', '5', '4')
    a.sync()
    seqs = [r[0] for r in server.query("SELECT seq FROM change_log WHERE site = ? ORDER BY seq", (site,))]
    theirs = [r[0] for r in server.query("SELECT change_id FROM change_log WHERE site != ? ORDER BY seq",
                                         (site,))]
    status, page = http(server.port, 'GET', '/v1/pull?since=0&site=%s&known=%d-%d:%d'
                        % (site, seqs[0], seqs[-1], len(seqs)), token=token)
    ok(status == 200 and len(theirs) > 0 and [c['change_id'] for c in page['changes']] == theirs,
       'a count that does not match leaves the other workstation\'s %d changes in' % len(theirs))
    rc = c.sync()
    ok(rc['pulled'] > 0, 'the copy fetched the changes it did not have (%d)' % rc['pulled'])
    a.sync()
    b.sync()
    converged([a, b, c], 'a copied database')
    server.stop()


def case_isolation(work):
    """Two branches never see each other's records, and a branch cannot
    write a record another branch owns."""
    server = Server(work).start()
    ta = new_branch(server, 'A001', '第一支部')
    tb = new_branch(server, 'B002', '第二支部')
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, tb)
    a.tool('random', '30', '11')
    b.tool('random', '30', '12')
    a.sync()
    b.sync()
    a.sync()
    ids_a = {k for k in a.dump()}
    ids_b = {k for k in b.dump()}
    ok(ids_a and ids_b and not (ids_a & ids_b), 'no record of one branch reached the other')
    ok(a.query("SELECT value FROM meta WHERE key = 'branch_code'") == [('A001',)],
       'setup took the branch from the token')
    status, page = http(server.port, 'GET', '/v1/pull?since=0&limit=10000', token=ta)
    rows_b = set(r[0] for r in server.query("SELECT change_id FROM change_log WHERE branch = 'B002'"))
    ok(status == 200 and not any(c['change_id'] in rows_b for c in page['changes']),
       'pull with A\'s token returns none of B\'s changes')

    # A makes a record with the id of one of B's: the server refuses it.
    victim = sorted(k[1] for k in ids_b if k[0] == 'party_group')[0]
    before = b.dump()[('party_group', victim)]
    a.tool('insert', 'party_group', victim, 'name=hijack')
    r = a.sync(expect=3)
    ok(r['rejected'] == 1, 'the write to B\'s record is rejected (exit status 3)')
    conf = a.open_conflicts()
    ok(len(conf) == 1 and conf[0][3] == 'rejected' and 'not_owner' in conf[0][5],
       'the rejection is kept as a conflict with reason not_owner')
    ok(json.loads(conf[0][4]) == {'name': 'hijack', 'sort_order': 0},
       'the conflict shows the refused record\'s values: %s' % conf[0][4])
    b.sync()
    ok(b.dump()[('party_group', victim)] == before, 'B\'s record is unchanged')
    status, answer = http(server.port, 'POST', '/v1/push', token=ta,
                          body=push_body([change('party_group', victim, 'update', {'name': 'x'})]))
    ok(status == 200 and answer['results'][0]['status'] == 'rejected' and
       answer['results'][0]['reason'] == 'not_owner', 'a raw push to B\'s record: not_owner')
    accounted(server, [b], 'B002', 'isolation B')
    server.stop()


def case_auth(work):
    """Every endpoint with no token, a wrong, a revoked and a replaced token
    gets the right error and changes nothing."""
    server = Server(work).start()
    ta = new_branch(server, 'A001', '第一支部')
    tb = new_branch(server, 'B002', '第二支部')
    revoked = new_branch(server, 'C003', '第三支部')
    server.admin('branch', 'revoke', 'C003')
    old_b = tb
    tb = server.admin('branch', 'rotate-token', 'B002').stdout.strip()
    ok(tb != old_b and len(tb) >= 64, 'rotate-token prints a new token')
    d = Device(work, 'a')
    d.setup(server.url, ta)
    d.tool('random', '10', '5')
    d.sync()
    n = len(server.log_ids())
    body = push_body([change('party_group', 'r1', 'insert', {'name': 'x'})])
    tokens = {'no token': (None, 'unauthorized'), 'wrong token': ('evg_' + '0' * 64, 'invalid_token'),
              'revoked token': (revoked, 'token_revoked'), 'replaced token': (old_b, 'token_revoked'),
              'garbage header': ('x y z', 'invalid_token')}
    for what, (tok, code) in tokens.items():
        for method, path, b in (('POST', '/v1/push', body), ('GET', '/v1/pull?since=0', None),
                                ('GET', '/v1/health', None)):
            status, answer = http(server.port, method, path, body=b, token=tok)
            if path == '/v1/health' and tok is None:
                ok(status == 200 and 'branch' not in answer, 'health without a token: no branch')
                continue
            ok(status == 401 and isinstance(answer, dict) and answer.get('error') == code and
               answer.get('message'), '%s %s with %s: 401 %s' % (method, path.split('?')[0], what, code))
    status, answer = http(server.port, 'GET', '/v1/health', token=tb)
    ok(status == 200 and answer['branch']['code'] == 'B002', 'health names the token\'s branch')
    ok(len(server.log_ids()) == n, 'nothing changed on the server')

    # The CLI says exactly what is wrong.
    e = Device(work, 'e')
    r = e.cli('sync', 'setup', server.url, 'evg_' + '1' * 64)
    ok(r.returncode == 1 and 'does not accept' in r.stderr, 'setup with a wrong token: exit 1, says why')
    r = e.cli('sync', 'setup', server.url, revoked)
    ok(r.returncode == 1 and 'revoked' in r.stderr, 'setup with a revoked token says revoked')
    r = e.cli('sync', 'setup', 'http://127.0.0.1:1', ta)
    ok(r.returncode == 1 and 'refused' in r.stderr, 'setup with nothing listening: refused')
    r = e.cli('sync', 'setup', 'ftp://x', ta)
    ok(r.returncode == 2, 'setup with a bad address: usage error')
    r = e.cli('sync', 'now')
    ok(r.returncode == 2 and 'not set up' in r.stderr.lower() or 'No sync server' in r.stderr,
       'sync now without setup: says so')
    # A token revoked after setup: sync stops with the reason, data stays.
    server.admin('branch', 'revoke', 'A001')
    d.tool('insert', 'party_group', '-', 'name=after-revoke')
    r = d.cli('--json', 'sync', 'now')
    ok(r.returncode == 1 and json.loads(r.stdout)['error'] == 'revoked', 'sync with a revoked token: revoked')
    st = json.loads(d.cli('--json', 'sync', 'status').stdout)
    ok(st['state'] == 'error' and st['pending'] == 1 and st['hint'], 'status shows the error, the hint and the waiting change')
    ta2 = server.admin('branch', 'rotate-token', 'A001').stdout.strip()
    d.setup(server.url, ta2)
    d.sync()
    accounted(server, [d], 'A001', 'auth')
    lst = json.loads(server.admin('branch', 'list', '--json').stdout)
    ok([x['code'] for x in lst] == ['A001', 'B002', 'C003'] and lst[2]['revoked'], 'branch list')
    server.stop()


def case_malformed(work):
    """Malformed, truncated and oversized bodies, wrong methods and paths:
    each gets a JSON error with a stable code and changes nothing."""
    server = Server(work).start()
    ta = new_branch(server)
    n = lambda: (len(server.log_ids()), server.query('SELECT count(*) FROM batch')[0][0])
    before = n()
    cases = [
        ('not JSON', 'hello', 400, 'malformed_json'),
        ('truncated JSON', push_body([change('party_group', 'r1', 'insert', {'name': 'x'})])[:-7], 400, 'malformed_json'),
        ('an array', '[]', 400, 'bad_request'),
        ('no batch_id', json.dumps({'protocol': 1, 'site': 's', 'changes': []}), 400, 'bad_request'),
        ('changes not a list', json.dumps({'protocol': 1, 'batch_id': 'b', 'site': 's', 'changes': 5}), 400, 'bad_request'),
        ('a change missing its op', json.dumps({'protocol': 1, 'batch_id': 'b', 'site': 's', 'changes': [
            {'change_id': 'c', 'table': 'party_group', 'row_id': 'r', 'fields': {}, 'hlc': hlc_now(), 'site': 's'}]}), 400, 'bad_request'),
        ('protocol 99', json.dumps({'protocol': 99, 'batch_id': 'b', 'site': 's', 'changes': []}), 400, 'unsupported_protocol'),
        ('bad batch id', json.dumps({'protocol': 1, 'batch_id': 'a b', 'site': 's', 'changes': []}), 400, 'bad_request'),
        ('empty body', '', 400, 'malformed_json'),
        ('2 MB of nested arrays', '[' * 2000000, 400, 'malformed_json'),
        ('nested fields', push_body([change('party_group', 'r1', 'insert',
                                            {'name': [[[[[[[[[['x']]]]]]]]]]})]), 400, 'malformed_json'),
    ]
    for what, body, code, err in cases:
        status, answer = http(server.port, 'POST', '/v1/push', body=body, token=ta)
        ok(status == code and isinstance(answer, dict) and answer.get('error') == err,
           'push with %s: %d %s (got %s %s)' % (what, code, err, status, answer if status != code else ''))
    # Changes the schema does not allow are refused one by one.
    bad = [change('nosuchtable', 'r1', 'insert', {'name': 'x'}),
           change('party_group', 'r2', 'insert', {'nosuchcolumn': 'x'}),
           change('party_group', 'r3', 'insert', {'sort_order': 'text'}),
           change('party_group', 'r4', 'insert', {'name': {'nested': 1}}),
           change('party_group', 'r5', 'insert', {'name': 'x'}, hlc='zz'),
           change('party_group', 'bad id with spaces', 'insert', {'name': 'x'}),
           change('party_group', 'r6', 'delete', {'name': 'x'})]
    status, answer = http(server.port, 'POST', '/v1/push', body=push_body(bad), token=ta)
    ok(status == 200 and all(r['status'] == 'rejected' and r['reason'] == 'invalid' for r in answer['results']),
       'invalid changes are each rejected as invalid')
    ok(len(server.log_ids()) == before[0], 'none of them reached the log')
    before = n()
    # Oversized: refused from the headers, before the body is read.
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, raw=(
        'POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n'
        'Content-Length: %d\r\n\r\n{"protocol":1' % (ta, 64 * 1024 * 1024)).encode())
    ok(status == 413 and answer['error'] == 'payload_too_large', 'a 64 MiB body: 413 payload_too_large')
    big = push_body([change('party_group', 'r%d' % i, 'insert', {'name': 'x'}) for i in range(5001)])
    status, answer = http(server.port, 'POST', '/v1/push', body=big, token=ta)
    ok(status == 413 and answer['error'] == 'batch_too_large', '5,001 changes: 413 batch_too_large')
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, raw=(
        'POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n'
        '2\r\n{}\r\n0\r\n\r\n' % ta).encode())
    ok(status == 411 and answer['error'] == 'length_required', 'a chunked body: 411 length_required')
    # Truncated on the wire: the connection closes before the body is complete.
    full = push_body([change('party_group', 'trunc', 'insert', {'name': 'x'})])
    s = socket.create_connection(('127.0.0.1', server.port))
    s.sendall(('POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n'
               % (ta, len(full))).encode() + full[:len(full) // 2].encode())
    s.close()
    time.sleep(0.2)
    for method, path, code, err in (('GET', '/v1/push', 405, 'method_not_allowed'),
                                    ('POST', '/v1/pull', 405, 'method_not_allowed'),
                                    ('GET', '/v2/push', 404, 'not_found'),
                                    ('GET', '/', 404, 'not_found'),
                                    ('GET', '/v1/pull?since=-1', 400, 'bad_request'),
                                    ('GET', '/v1/pull?since=abc', 400, 'bad_request'),
                                    ('GET', '/v1/pull?limit=0', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=5', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=9-3', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=0-3', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=1-2,x-4', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=1-5:0', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=1-5:x', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=1:3-5', 400, 'bad_request'),
                                    ('GET', '/v1/pull?site=s&known=' +
                                     ','.join('%d-%d' % (i, i) for i in range(1, 66)), 400, 'bad_request'),
                                    ('GET', '/v1/pull?since=999999', 409, 'resync')):
        status, answer = http(server.port, method, path, body='{}' if method == 'POST' else None, token=ta)
        ok(status == code and isinstance(answer, dict) and answer.get('error') == err,
           '%s %s: %d %s' % (method, path, code, err))
    ok(n() == before, 'nothing was stored by any of them')
    status, answer = http(server.port, 'GET', '/v1/health')
    ok(status == 200 and answer['service'] == 'e-vanguard-server', 'the server still answers')
    server.stop()


def case_replay(work):
    """A batch sent again gets the same answer and changes nothing; a known
    change id in a new batch is a duplicate; an old batch replayed late
    does not undo later edits."""
    server = Server(work).start()
    ta = new_branch(server)
    c1 = change('party_group', 'g1', 'insert', {'name': 'one', 'sort_order': 1})
    c2 = change('party_group', 'g2', 'insert', {'name': 'two'})
    body = push_body([c1, c2], batch='batch-1')
    s1, a1 = http(server.port, 'POST', '/v1/push', body=body, token=ta)
    s2, a2 = http(server.port, 'POST', '/v1/push', body=body, token=ta)
    ok(s1 == 200 and [r['status'] for r in a1['results']] == ['applied', 'applied'], 'first push applied')
    ok(s2 == 200 and a2 == a1, 'the same batch again: the stored answer, word for word')
    s3, a3 = http(server.port, 'POST', '/v1/push', body=push_body([c1, c2], batch='batch-2'), token=ta)
    ok([r['status'] for r in a3['results']] == ['duplicate', 'duplicate'] and
       [r['seq'] for r in a3['results']] == [r['seq'] for r in a1['results']],
       'known change ids in a new batch: duplicate, with their first sequence numbers')
    # A known change id on a record the server has not seen: the server
    # finds the repeat only when it logs the change, and must answer as it
    # answers any repeat, with nothing made.
    again = change('party_group', 'g-new', 'insert', {'name': 'again'}, cid=c1['change_id'])
    s5, a5 = http(server.port, 'POST', '/v1/push', body=push_body([again]), token=ta)
    ok(s5 == 200 and a5['results'][0]['status'] == 'duplicate' and
       a5['results'][0]['seq'] == a1['results'][0]['seq'],
       'a known change id on a new record: duplicate, with its first sequence number')
    tb = new_branch(server, 'B001', '第二党支部')
    s6, a6 = http(server.port, 'POST', '/v1/push', body=push_body([again]), token=tb)
    ok(s6 == 200 and a6['results'][0]['status'] == 'rejected' and a6['results'][0]['reason'] == 'invalid',
       'another branch\'s change id on a new record: rejected as invalid')
    ok(not server.query("SELECT 1 FROM record WHERE row_id = 'g-new'") and len(server.log_ids()) == 2,
       'neither made a record or a log entry')
    later = change('party_group', 'g1', 'update', {'name': 'later'}, base=c1['hlc'])
    http(server.port, 'POST', '/v1/push', body=push_body([later], batch='batch-3'), token=ta)
    s4, a4 = http(server.port, 'POST', '/v1/push', body=body, token=ta)
    ok(a4 == a1, 'batch-1 replayed after a later edit: same answer')
    ok(len(server.log_ids()) == 3, 'three changes in the log, none twice')
    rec = server.query("SELECT fields FROM record_state WHERE row_id = 'g1'")
    ok(json.loads(rec[0][0])['name'] == 'later', 'the later edit stands')
    # An older edit arriving late loses to the newer one (last writer wins).
    stale = change('party_group', 'g1', 'update', {'name': 'stale'}, hlc='%016x' % (int(c1['hlc'], 16) + 1),
                   base=c1['hlc'])
    http(server.port, 'POST', '/v1/push', body=push_body([stale]), token=ta)
    d = Device(work, 'd')
    d.setup(server.url, ta)
    d.sync()
    ok(d.dump()[('party_group', 'g1')]['name'] == 'later', 'a device gets the newest value')
    server.stop()


def case_proxy_faults(work):
    """Through a proxy that drops requests, drops answers after the server
    acted, sends requests twice and delays them: no change lost, none twice."""
    server = Server(work).start()
    ta = new_branch(server)
    rnd = random.Random(7)
    faults = ['pass'] * 4 + ['drop_request', 'drop_response', 'duplicate', 'delay']
    proxy = Proxy(server.port, lambda n, m, p: rnd.choice(faults))
    env = {'EVG_SYNC_RETRIES': '1'}
    devs = [Device(work, 'p%d' % i, env) for i in range(3)]
    for d in devs:
        d.setup(server.url, ta)
        d.cli('sync', 'setup', '--no-check', proxy.url, ta)
    for rnd_round in range(4):
        for i, d in enumerate(devs):
            d.tool('random', str(rnd.randint(20, 1200 if rnd_round == 0 and i == 0 else 40)),
                   str(100 * rnd_round + i))
        for d in devs:
            d.sync_until_done(tries=40)
    for d in devs + devs:
        d.sync_until_done(tries=40)
    ok(all(proxy.faults.get(f, 0) > 0 for f in ('drop_request', 'drop_response', 'duplicate')),
       'every fault happened: %s' % proxy.faults)
    converged(devs, 'proxy faults')
    accounted(server, devs, 'A001', 'proxy faults')
    server_matches(server, devs[0], 'A001', 'proxy faults')
    # Replay every push the proxy saw, late, straight to the server.
    n = len(server.log_ids())
    snapshot = devs[0].dump()
    for head, body in proxy.recorded:
        proxy.forward(head, body)
    ok(len(server.log_ids()) == n, 'replaying %d old pushes adds nothing' % len(proxy.recorded))
    devs[0].sync_until_done()
    ok(devs[0].dump() == snapshot, 'and changes nothing on a device')
    proxy.close()
    server.stop()


def case_kill_client(work):
    """SIGKILL of the client at each step of a push and a pull, and at
    random instants: the next sync completes with nothing lost or doubled."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    for step in ('client-push-before-send', 'client-push-before-ack'):
        a.tool('random', '30', str(len(step)))
        r = a.cli('sync', 'now', env={'EVG_FAILPOINT': step})
        ok(r.returncode == -signal.SIGKILL, 'killed at %s' % step)
        ok(a.query("SELECT count(*) FROM outbox_status WHERE state = 'sent'")[0][0] > 0,
           'the batch stays marked sent after the kill at %s' % step)
        logged = len(server.log_ids())
        r = a.sync()
        ok(r['pushed'] + r['duplicates'] > 0, 'the next sync sends it (%s)' % r)
        if step == 'client-push-before-ack':
            ok(len(server.log_ids()) == logged,
               'the server had the batch already and answered it from its record')
    b.tool('random', '50', '9')
    b.sync()
    r = a.cli('sync', 'now', env={'EVG_FAILPOINT': 'client-pull-before-commit'})
    ok(r.returncode == -signal.SIGKILL, 'killed while applying a pulled page')
    cursor = a.query('SELECT pull_cursor FROM sync_state')[0][0]
    a.sync()
    ok(a.query('SELECT pull_cursor FROM sync_state')[0][0] > cursor, 'the page is pulled again and applied')
    # Random instants during a large push.
    a.tool('bulk', 'party_group', '6000', 'kill')
    kills = 0
    for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
        p = subprocess.Popen(WRAPPER + [CLI, '--database', a.db, 'sync', 'now'], env=a.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
    ok(kills > 0, '%d syncs killed at random instants' % kills)
    a.sync()
    b.sync()
    a.sync()
    converged([a, b], 'kill client')
    accounted(server, [a, b], 'A001', 'kill client')
    server.stop()


def case_kill_server(work):
    """SIGKILL of the server before and after committing a push and while
    answering a pull: clients resend, nothing is lost or doubled."""
    server = Server(work).start()
    ta = new_branch(server)
    env = {'EVG_SYNC_RETRIES': '1'}
    a, b = Device(work, 'a', env), Device(work, 'b', env)
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    for i, step in enumerate(('server-push-before-commit', 'server-push-after-commit')):
        a.tool('random', '40', str(i + 20))
        server.restart({'EVG_FAILPOINT': step})
        r = a.cli('--json', 'sync', 'now')
        ok(r.returncode == 1 and json.loads(r.stdout)['error'] == 'network',
           'the server died at %s; the client reports it as offline' % step)
        ok(server.proc.wait(timeout=10) == -signal.SIGKILL, 'the server was killed at %s' % step)
        server.proc.stdout.close()
        server.proc.stderr.close()
        server.proc = None
        server.start(port=server.port)
        st = json.loads(a.cli('--json', 'sync', 'status').stdout)
        ok(st['state'] == 'offline' and st['pending'] > 0, 'status: offline, changes waiting')
        logged = len(server.log_ids())
        r = a.sync()
        if step == 'server-push-after-commit':
            ok(len(server.log_ids()) == logged, 'the committed batch is not applied twice')
        else:
            ok(r['pushed'] > 0 and len(server.log_ids()) > logged, 'the lost batch is applied now')
    server.restart({'EVG_FAILPOINT': 'server-pull-before-answer'})
    r = b.cli('sync', 'now')
    ok(r.returncode == 1, 'the server died while answering a pull')
    server.proc.wait(timeout=10)
    server.proc.stdout.close()
    server.proc.stderr.close()
    server.proc = None
    server.start(port=server.port)
    b.sync()
    # Random instants during a large push.
    a.tool('bulk', 'party_group', '8000', 'srv')
    for delay in (0.1, 0.3, 0.6):
        p = subprocess.Popen(WRAPPER + [CLI, '--database', a.db, 'sync', 'now'], env=a.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        server.stop(signal.SIGKILL)
        p.wait()
        server.start(port=server.port)
    a.sync_until_done()
    b.sync_until_done()
    converged([a, b], 'kill server')
    accounted(server, [a, b], 'A001', 'kill server')
    server_matches(server, b, 'A001', 'kill server')
    server.stop()


def case_clock(work):
    """A clock ahead is refused with the server's time; a clock behind and a
    clock that jumps back still order edits after what they saw."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    gid = a.tool('insert', 'party_group', '-', 'name=start')
    a.sync()
    b.sync()
    n = len(server.log_ids())
    ahead = {'EVG_CLOCK_OFFSET_MS': str(10 * 60 * 1000)}
    fast = Device(work, 'fast', ahead)
    fast.setup(server.url, ta)
    fast.sync()
    fast.tool('update', 'party_group', gid, 'name=from-the-future')
    r = fast.cli('--json', 'sync', 'now')
    err = json.loads(r.stdout) if r.stdout else {}
    ok(r.returncode == 1 and err.get('error') == 'clock_skew' and '10 minutes ahead' in err.get('message', ''),
       'a clock 10 minutes ahead is refused and the message says by how much (%s)' % err.get('message'))
    ok(len(server.log_ids()) == n, 'nothing of the refused batch was applied')
    ok(fast.query("SELECT count(*) FROM outbox_status WHERE state != 'acked'")[0][0] == 1,
       'the change waits on the device, not lost')
    st = json.loads(fast.cli('--json', 'sync', 'status').stdout)
    ok(st['state'] == 'error' and 'date and time' in (st['hint'] or ''), 'status tells to fix the clock')
    # 4 minutes ahead is within the tolerance.
    near = Device(work, 'near', {'EVG_CLOCK_OFFSET_MS': str(4 * 60 * 1000)})
    near.setup(server.url, ta)
    near.sync()
    near.tool('update', 'party_group', gid, 'name=near')
    near.sync()
    # A clock an hour behind: its edit after seeing 'near' still wins.
    slow = Device(work, 'slow', {'EVG_CLOCK_OFFSET_MS': str(-3600 * 1000)})
    slow.setup(server.url, ta)
    slow.sync()
    slow.tool('update', 'party_group', gid, 'name=slow-but-later')
    slow.sync()
    a.sync()
    ok(a.dump()[('party_group', gid)]['name'] == 'slow-but-later',
       'an edit made on a slow clock after seeing a newer one wins')
    # The clock jumps back two hours between two edits on one device.
    a.tool('update', 'party_group', gid, 'sort_order=1')
    a.tool('update', 'party_group', gid, 'sort_order=2', env={'EVG_CLOCK_OFFSET_MS': str(-7200 * 1000)})
    a.sync(env={'EVG_CLOCK_OFFSET_MS': str(-7200 * 1000)})
    b.sync()
    ok(b.dump()[('party_group', gid)]['sort_order'] == 2, 'after the clock jumped back the later edit still wins')
    hlcs = [r[0] for r in a.query('SELECT hlc FROM outbox ORDER BY seq')]
    ok(hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs), 'the device\'s clocks never went backwards')
    slow.sync()
    near.sync()
    converged([a, b, slow, near], 'clock')
    # The fast PC's clock is put right: its refused change gets a clock from
    # now on and goes through, instead of waiting ten minutes (or years).
    fast.env.pop('EVG_CLOCK_OFFSET_MS')
    r = fast.sync()
    ok(r['pushed'] == 1, 'after the clock is fixed the waiting change is sent')
    hlc = server.query("SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1")[0][0]
    ok(int(hlc, 16) >> 16 <= time.time() * 1000 + 60000, 'with a clock from the fixed time')
    for d in (a, b, slow, near):
        d.sync()
    converged([a, b, slow, near, fast], 'after the clock was fixed')
    accounted(server, [a, b, slow, near, fast], 'A001', 'clock')
    server.stop()


def id_number(birth, seq, male):
    """A valid GB 11643 ID number for someone born on @birth (YYYYMMDD)."""
    seq = seq * 2 + (1 if male else 0)
    body = '110105%s%03d' % (birth, seq % 1000)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + '10X98765432'[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def roster_csv(path, n):
    """A roster of @n valid members as a branch keeps it, in one party group."""
    with open(path, 'w', encoding='utf-8-sig', newline='') as f:
        f.write('姓名,性别,民族,公民身份证号,出生日期,学历,人员类别,党小组,加入党组织日期,'
                '转为正式党员日期,联系电话\r\n')
        for i in range(n):
            male = i % 2 == 0
            f.write('成员%d,%s,汉族,%s,1980-01-01,大学本科,正式党员,第一党小组,2005-07-01,'
                    '2006-07-01,1381234%04d\r\n' % (i, '男' if male else '女',
                                                    id_number('19800101', i, male), i))


def case_import_edit(work):
    """An imported roster's outbox entries point at their rows.  Members
    edited and deleted after the import, before the first sync, reach a
    second device with their latest values, and both export the same file."""
    server = Server(work).start()
    token = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, token)
    b.setup(server.url, token)
    csv = os.path.join(work, 'roster.csv')
    roster_csv(csv, 70)
    r = a.cli('--json', 'members', 'import', csv)
    ok(r.returncode == 0 and json.loads(r.stdout)['added'] == 70, 'import of 70 members: %s %s'
       % (r.stdout, r.stderr))
    ok(a.query("SELECT count(*) FROM outbox WHERE op = 'insert' AND fields = ''") == [(71,)],
       'the inserts of the members and their group point at their rows')

    ids = dict(a.query("SELECT name, id FROM member"))
    a.tool('update', 'member', ids['成员3'], 'phone=13911112222', 'address=某某社区')
    a.tool('update', 'member', ids['成员40'], 'phone=\\N', 'note=改过两次')
    a.tool('update', 'member', ids['成员40'], 'note=改过三次')
    a.tool('delete', 'member', ids['成员7'])
    ra = a.sync()
    ok(ra['pushed'] == 71 + 4 and ra['rejected'] == 0, 'every change was applied: %s' % ra)
    rb = b.sync()
    ok(rb['pulled'] > 0, 'the second device pulled the roster')
    converged([a, b], 'import then edits')
    rows = b.dump()
    ok(rows[('member', ids['成员3'])]['phone'] == '13911112222' and
       rows[('member', ids['成员3'])]['address'] == '某某社区', 'an edit after the import arrived')
    ok(rows[('member', ids['成员40'])]['phone'] is None and
       rows[('member', ids['成员40'])]['note'] == '改过三次', 'a cleared field and the last edit arrived')
    ok(rows[('member', ids['成员7'])]['deleted'] == 1, 'a delete after the import arrived')
    ok(rows[('member', ids['成员8'])]['phone'] == '13812340008', 'untouched members arrived as imported')
    server_matches(server, a, 'A001', 'import then edits')
    accounted(server, [a, b], 'A001', 'import then edits')

    # Export on both devices: the same file; importing it again changes nothing.
    out_a, out_b = os.path.join(work, 'a.csv'), os.path.join(work, 'b.csv')
    ok(a.cli('members', 'export', out_a).returncode == 0 and
       b.cli('members', 'export', out_b).returncode == 0, 'export on both devices')
    with open(out_a, 'rb') as fa, open(out_b, 'rb') as fb:
        ok(fa.read() == fb.read(), 'both devices export the same roster')
    r = b.cli('--json', 'members', 'import', out_b)
    res = json.loads(r.stdout)
    ok(r.returncode == 0 and res['added'] == 0 and res['updated'] == 0 and res['unchanged'] == 69,
       'importing the export again changes nothing: %s' % r.stdout)
    ok(b.sync()['pushed'] == 0, 'so there is nothing to send')
    server.stop()


def case_restore(work):
    """The server is restored from an old backup: clients notice the new
    epoch, send again what it lost, and every replica converges."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    a.tool('random', '40', '31')
    a.sync()
    b.sync()
    backup = os.path.join(work, 'backup.db')
    r = server.admin('backup', backup)
    ok(os.path.exists(backup), 'backup while the server runs')
    old_epoch = server.query("SELECT value FROM meta WHERE key = 'epoch'")[0][0]
    a.tool('random', '40', '32')
    a.sync()
    b.tool('random', '40', '33')
    b.sync()
    a.sync()
    lost = set(server.log_ids())
    server.stop()
    r = server.admin('restore', backup)
    ok(r.returncode == 0, 'restore')
    new_epoch = server.query("SELECT value FROM meta WHERE key = 'epoch'")[0][0]
    ok(new_epoch != old_epoch, 'the restored database has a new epoch')
    ok(len(server.log_ids()) < len(lost), 'the restored server lacks the later changes')
    server.start(port=server.port)
    a.sync()
    b.sync()
    a.sync()
    ok(set(server.log_ids()) == lost, 'the server has every change again, each once')
    c = Device(work, 'c')
    c.setup(server.url, ta)
    c.sync()
    converged([a, b, c], 'restore')
    accounted(server, [a, b], 'A001', 'restore')
    ok(server.query('PRAGMA page_size')[0][0] == 16384, 'a new server database has 16 KB pages')
    # A client that only pulls (cursor beyond the restored log) resyncs too.
    # The backup now has the 4 KB pages of databases made before, which the
    # restore must take although the live database has 16 KB pages.
    server.stop()
    con = sqlite3.connect(backup)
    con.execute('PRAGMA journal_mode = DELETE')
    con.execute('PRAGMA page_size = 4096')
    con.execute('VACUUM')
    con.close()
    r = server.admin('restore', backup)
    ok(r.returncode == 0 and server.query('PRAGMA page_size')[0][0] == 4096 and
       server.query('PRAGMA journal_mode')[0][0] == 'wal',
       'a backup with other pages restores, in WAL mode again (%s)' % r.stderr.strip())
    server.start(port=server.port)
    r = c.sync()
    ok(r is not None, 'a pull-only client recovers from a restore')
    a.sync()
    b.sync()
    c.sync()
    converged([a, b, c], 'second restore')
    server.stop()


def case_conflicts(work):
    """Concurrent edits of one member's identity fields on two offline
    devices, and an edit concurrent with a delete: one winner everywhere,
    a conflict on both sides, and the person's choice syncs."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    mid = a.tool('insert', 'member', '-', 'name=张三', 'phone=13800000000', 'id_number=11010519491231002X')
    gid = a.tool('insert', 'party_group', '-', 'name=第一党小组')
    a.sync()
    b.sync()
    a.tool('update', 'member', mid, 'name=张叁', 'phone=13911111111')
    b.tool('update', 'member', mid, 'name=章三')
    b.tool('update', 'member', mid, 'address=某某社区')
    a.tool('delete', 'party_group', gid)
    b.tool('update', 'party_group', gid, 'name=第一党小组（改）')
    ra = a.sync()
    rb = b.sync()
    a.sync()
    converged([a, b], 'after concurrent identity edits')
    kinds_a = sorted(c[3] for c in a.open_conflicts())
    kinds_b = sorted(c[3] for c in b.open_conflicts())
    ok(kinds_a == ['edit_deleted', 'identity'] or kinds_a == ['delete_edited', 'identity'],
       'device a has an identity and a delete conflict: %s' % kinds_a)
    ok('identity' in kinds_b and ('edit_deleted' in kinds_b or 'delete_edited' in kinds_b),
       'device b too: %s' % kinds_b)
    row = a.dump()[('member', mid)]
    ok(row['phone'] == '13911111111' and row['address'] == '某某社区', 'contact fields merged field by field')
    ok(row['name'] == '章三', 'the later identity edit is the deterministic winner')
    ok(a.dump()[('party_group', gid)]['deleted'] == 1, 'the delete stands until someone decides')
    # a keeps its own name; the choice syncs and settles b's conflict.
    ident = [c for c in a.open_conflicts() if c[3] == 'identity'][0]
    r = a.cli('sync', 'resolve', str(ident[0]), 'keep-local')
    ok(r.returncode == 0, 'resolve keep-local')
    dele = [c for c in b.open_conflicts() if c[3] != 'identity'][0]
    r = b.cli('sync', 'resolve', str(dele[0]), 'keep-local')
    ok(r.returncode == 0, 'b keeps its edit of the deleted group')
    a.sync()
    b.sync()
    a.sync()
    converged([a, b], 'after the decisions')
    ok(a.dump()[('member', mid)]['name'] == '张叁', 'the kept name is on both devices')
    ok(b.dump()[('party_group', gid)]['deleted'] == 0 and
       b.dump()[('party_group', gid)]['name'] == '第一党小组（改）', 'the kept edit brought the group back')
    ok(not [c for c in b.open_conflicts() if c[3] == 'identity'], 'b\'s identity conflict was settled by a\'s choice')
    accounted(server, [a, b], 'A001', 'conflicts')
    # Records no replica can store as sent must not stop sync: a member in a
    # party group that does not exist, and a second member with an ID number
    # already taken.  Each becomes a conflict; the rest still arrives.
    bad = [change('member', 'm-dangling', 'insert', {'name': '李四', 'party_group_id': 'no-such-group'}),
           change('member', 'm-twin', 'insert', {'name': '王五', 'id_number': '11010519491231002X'}),
           change('party_group', 'g-after', 'insert', {'name': '后来的小组'})]
    status, answer = http(server.port, 'POST', '/v1/push', body=push_body(bad), token=ta)
    ok(status == 200 and all(r['status'] == 'applied' for r in answer['results']), 'the server takes them')
    r = b.sync()
    kinds = [c[3] for c in b.open_conflicts()]
    ok(kinds.count('unapplied') == 2, 'both become conflicts on the device (%s)' % kinds)
    dump = b.dump()
    ok(dump[('member', 'm-dangling')]['party_group_id'] is None, 'the dangling reference is cleared')
    ok(('member', 'm-twin') not in dump and ('party_group', 'g-after') in dump,
       'the twin is kept aside and the rest of the page arrived')
    r = b.sync()
    ok(r['pulled'] == 0, 'the next sync is not stuck on them')
    server.stop()


def case_random(work):
    """Random edits on four replicas with syncs in random order, then every
    replica converges and every change id is accounted for."""
    server = Server(work).start()
    ta = new_branch(server)
    rnd = random.Random(42)
    devs = [Device(work, 'r%d' % i) for i in range(4)]
    for d in devs:
        d.setup(server.url, ta)
    for step in range(24):
        d = rnd.choice(devs)
        if rnd.random() < 0.55:
            d.tool('random', str(rnd.randint(1, 25)), str(step))
        else:
            d.sync()
    for _ in range(2):
        for d in devs:
            d.sync()
    converged(devs, 'random')
    accounted(server, devs, 'A001', 'random')
    server_matches(server, devs[0], 'A001', 'random')
    server.stop()


def case_server_cli(work):
    """The server refuses plain HTTP off loopback, serves HTTPS with a PEM
    certificate, and a client's test says exactly what is wrong: TLS, no
    route, a server too old, not an E-Vanguard server."""
    import http.server
    import ssl
    server = Server(work)
    token = server.add_branch('A001', '第一支部')
    r = subprocess.run([SERVER, '--version'], capture_output=True, text=True)
    ok(r.returncode == 0 and r.stdout.startswith('e-vanguard-server '), '--version')
    ok(os.stat(server.db).st_mode & 0o077 == 0,
       'a database made by `branch add` is readable by its owner only (%o)' % (os.stat(server.db).st_mode & 0o777))
    backup = os.path.join(work, 'backup.db')
    server.admin('backup', backup)
    ok(os.stat(backup).st_mode & 0o077 == 0, 'so is a backup')
    r = subprocess.run([SERVER, 'serve', '--database', server.db, '--listen', '0.0.0.0:0'],
                       capture_output=True, text=True, timeout=30)
    ok(r.returncode == 2 and 'Refusing' in r.stderr, 'plain HTTP on 0.0.0.0 is refused')
    r = subprocess.run([SERVER, 'serve', '--database', server.db, '--listen', '127.0.0.1:0',
                        '--tls-certificate', 'x.pem'], capture_output=True, text=True, timeout=30)
    ok(r.returncode == 2, 'a certificate without its key is a usage error')
    p = subprocess.Popen([SERVER, 'serve', '--database', server.db, '--listen', '0.0.0.0:0',
                          '--insecure'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    ok('listening on' in line, '--insecure allows it')
    p.terminate()
    ok(p.wait(timeout=30) == 0, 'SIGTERM stops the server cleanly')
    p.stdout.close()
    p.stderr.close()
    d = Device(work, 'd')
    if shutil.which('openssl'):
        cert, key = os.path.join(work, 'cert.pem'), os.path.join(work, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
                        '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert],
                       capture_output=True, check=True)
        p = subprocess.Popen([SERVER, 'serve', '--database', server.db, '--listen', '127.0.0.1:0',
                              '--tls-certificate', cert, '--tls-key', key],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        RUNNING.append(p)
        line = p.stdout.readline()
        port = int(line.strip().rstrip('/').rsplit(':', 1)[1])
        ok(line.startswith('listening on https://'), 'serves HTTPS with a PEM certificate')
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = __import__('http.client').client.HTTPSConnection('127.0.0.1', port, context=ctx, timeout=30)
        conn.request('GET', '/v1/health', headers={'Authorization': 'Bearer ' + token})
        answer = json.loads(conn.getresponse().read())
        ok(answer['branch']['code'] == 'A001', 'health over HTTPS knows the token')
        r = d.cli('sync', 'setup', 'https://127.0.0.1:%d' % port, token)
        ok(r.returncode == 1 and 'secure connection' in r.stderr,
           'an untrusted certificate: the test says TLS (%s)' % r.stderr.strip().split('\n')[0])
        p.terminate()
        p.wait(timeout=30)
        p.stdout.close()
        p.stderr.close()
    else:
        ok(True, '# SKIP openssl is not installed')

    class Old(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status": "ok"}' if self.path == '/other/v1/health' else b'not here'
            self.send_response(200 if self.path.startswith('/other') else 404)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Old)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    r = d.cli('sync', 'setup', 'http://127.0.0.1:%d' % httpd.server_address[1], token)
    ok(r.returncode == 1 and 'too old' in r.stderr, 'a server without /v1/health: too old')
    r = d.cli('sync', 'setup', 'http://127.0.0.1:%d/other' % httpd.server_address[1], token)
    ok(r.returncode == 1 and 'not lead to an E-Vanguard server' in r.stderr,
       'another service answering JSON: not an E-Vanguard server')
    httpd.shutdown()
    r = d.cli('sync', 'setup', 'https://no-such-host.invalid:8443', token)
    ok(r.returncode == 1 and 'cannot be found' in r.stderr, 'an unknown host name: cannot be found')
    ok(not os.path.exists(os.path.join(d.dir, 'config', 'e-vanguard', 'sync')),
       'no failed setup stored a token')
    server.start()
    d.setup(server.url, token)
    tok_dir = os.path.join(d.dir, 'config', 'e-vanguard', 'sync')
    files = os.listdir(tok_dir)
    mode = os.stat(os.path.join(tok_dir, files[0])).st_mode & 0o777
    ok(len(files) == 1 and mode == 0o600 and (os.stat(tok_dir).st_mode & 0o777) == 0o700,
       'the token file is readable by the user alone (%o)' % mode)
    ok(token not in open(d.db, 'rb').read().decode('latin-1'), 'the token is not in the database')
    server.stop()


def case_transfer(work):
    """A member transferred to another branch while the old branch edits the
    record offline: the move happens once, on the server, when the receiver
    accepts; the late edit comes back not_owner as a conflict, not a loss."""
    server = Server(work).start()
    ta = new_branch(server, 'A001', '第一支部')
    tb = new_branch(server, 'B002', '第二支部')
    tc = new_branch(server, 'C003', '第三支部')
    a, b, c = Device(work, 'a'), Device(work, 'b'), Device(work, 'c')
    a.setup(server.url, ta)
    b.setup(server.url, tb)
    c.setup(server.url, tc)
    gid = a.tool('insert', 'party_group', '-', 'name=第一党小组')
    mid = a.tool('insert', 'member', '-', 'name=赵六', 'phone=13700000000', 'party_group_id=' + gid)
    a.sync()
    tid = a.tool('insert', 'transfer', '-', 'member_id=' + mid, 'from_branch=A001', 'to_branch=B002',
                 'issued_on=2026-11-28')
    a.sync()
    b.sync()
    ok(b.dump().get(('transfer', tid), {}).get('status') == 'issued', 'the transfer is routed to B')
    ok(('member', mid) not in b.dump(), 'B does not see the member before accepting')
    c.sync()
    ok(('transfer', tid) not in c.dump(), 'a third branch sees nothing')
    # A edits the member offline, not knowing what B will do.
    a.tool('update', 'member', mid, 'phone=13711111111')
    b.tool('update', 'transfer', tid, 'status=accepted', 'accepted_on=2026-11-29')
    b.sync()
    bm = b.dump().get(('member', mid))
    ok(bm is not None and bm['name'] == '赵六' and bm['phone'] == '13700000000',
       'on acceptance the member arrives at B')
    ok(bm is not None and bm['party_group_id'] is None, 'without the old branch\'s party group')
    ok(server.query("SELECT branch FROM record WHERE tbl = 'member' AND row_id = ?", (mid,)) == [('B002',)],
       'the server moved the member to B')
    r = a.sync(expect=3)
    ok(r['rejected'] == 1 and any(k[3] == 'rejected' and 'not_owner' in k[5] for k in a.open_conflicts()),
       'A\'s late edit comes back not_owner and is kept as a conflict')
    ok(a.dump()[('transfer', tid)]['status'] == 'accepted', 'A learns that the transfer was accepted')
    ok(a.dump()[('member', mid)]['phone'] == '13711111111', 'A keeps its copy with its edit')
    b.sync()
    ok(b.dump()[('member', mid)]['phone'] == '13700000000', 'B\'s member is untouched by A\'s edit')
    b.tool('update', 'member', mid, 'phone=13622222222')
    b.sync()
    ok(server.query("SELECT fields FROM record_state WHERE tbl = 'member' AND row_id = ?", (mid,))[0][0].count('13622222222') == 1,
       'B now edits the member')
    # Only the named branch may accept, and only the sender may issue.
    status, answer = http(server.port, 'POST', '/v1/push', token=tc, body=push_body(
        [change('transfer', tid, 'update', {'status': 'accepted'}, base=None)]))
    ok(answer['results'][0]['reason'] == 'not_owner', 'a third branch cannot accept it')
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('transfer', 't-self', 'insert', {'member_id': gid, 'to_branch': 'B002', 'status': 'accepted'})]))
    ok(answer['results'][0]['status'] == 'rejected', 'the sender cannot accept its own transfer')
    status, answer = http(server.port, 'POST', '/v1/push', token=tc, body=push_body(
        [change('transfer', 't-steal', 'insert', {'member_id': mid, 'to_branch': 'C003'})]))
    ok(answer['results'][0]['status'] == 'rejected', 'nobody can transfer another branch\'s member')
    accounted(server, [b], 'B002', 'transfer B')
    server.stop()


def case_meetings(work):
    """A meeting and its attendance edited on two offline devices converge
    through the server: one attendance per (meeting, member), fields merged;
    once the record is signed, a late edit from the other device is refused
    by the server (locked) and kept as a conflict, and the signed record
    never changes."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    people = {}
    for name, idn in (('张三', '110105198001010016'), ('李四', '110105198001010024'),
                      ('王五', '110105198201010029')):
        people[name] = a.tool('insert', 'member', '-', 'name=' + name, 'id_number=' + idn,
                              'category=full', 'joined_on=2005-07-01', 'full_member_on=2006-07-01')
    r = a.cli('--json', 'meetings', 'add', '--type', 'general_meeting', '--start', '2026-03-05T14:30',
              '--status', 'held', '--title', '支部党员大会')
    ok(r.returncode == 0, 'a adds a held meeting')
    mid = json.loads(r.stdout)['id']
    a.sync()
    b.sync()
    ok(('meeting', mid) in b.dump(), 'b has the meeting')

    # Offline on both: the same member marked on each, other fields edited.
    ok(a.cli('meetings', 'attend', mid, '110105198001010016', 'present').returncode == 0, 'a marks 张三')
    ok(b.cli('meetings', 'attend', mid, '110105198001010016', 'late', '--reason', '堵车').returncode == 0,
       'b marks 张三 too')
    ok(b.cli('meetings', 'attend', mid, '110105198001010024', 'absent').returncode == 0, 'b marks 李四')
    ok(a.cli('meetings', 'update', mid, '--place', '党群服务中心').returncode == 0, 'a sets the place')
    ok(b.cli('meetings', 'update', mid, '--chair', '王五').returncode == 0, 'b sets the chair')
    ok(a.cli('meetings', 'resolve', mid, '--text', '同意', '--for', '1').returncode == 0, 'a adds a resolution')
    a.sync()
    b.sync()
    a.sync()
    dump = converged([a, b], 'after offline edits of one meeting')
    rows = [v for (t, _), v in dump.items() if t == 'attendance']
    ok(len(rows) == 2, 'one attendance per member, not one per device (%d)' % len(rows))
    zhang = [v for v in rows if v['member_id'] == people['张三']][0]
    ok(zhang['status'] in ('present', 'late') and zhang['reason'] == '堵车',
       'the two marks of 张三 merged field by field (%s, %s)' % (zhang['status'], zhang['reason']))
    meeting = dump[('meeting', mid)]
    ok(meeting['place'] == '党群服务中心' and meeting['chair'] == '王五', 'both edits of the meeting kept')

    # a signs; b, offline, still edits.
    ok(a.cli('meetings', 'sign', mid, '--chair', '王五', '--recorder', '李四').returncode == 0, 'a signs')
    a.sync()
    ok(b.cli('meetings', 'update', mid, '--minutes', '后补的记录').returncode == 0,
       'b edits its copy, not knowing it was signed')
    ok(b.cli('meetings', 'attend', mid, '110105198201010029', 'present').returncode == 0,
       'b marks 王五 on its copy')
    r = b.sync(expect=3)
    ok(r.get('rejected', 0) >= 2, 'the server refuses both late edits (%s)' % r)
    kept = [c for c in b.open_conflicts() if c[3] == 'rejected' and 'locked' in (c[5] or '')]
    ok(len(kept) >= 2, 'b keeps them as conflicts, not losses (%d)' % len(kept))
    b.sync()
    a.sync()
    dump = converged([a, b], 'after signing')
    meeting = dump[('meeting', mid)]
    ok(meeting['status'] == 'signed' and meeting['minutes'] is None, 'the signed record is unchanged everywhere')
    ok(not [v for (t, _), v in dump.items() if t == 'attendance' and v['member_id'] == people['王五']],
       'no attendance was added to the signed record')
    r = b.cli('meetings', 'attend', mid, '110105198201010029', 'present')
    ok(r.returncode == 3, 'b now refuses the edit locally too')
    # Make-up study is recorded after signing, and syncs.
    r = b.cli('meetings', 'makeup', mid, '110105198001010024', '--date', '2026-03-12')
    ok(r.returncode == 0, 'b records 李四\'s make-up study on the signed record (%s)' % r.stderr)
    r = a.cli('meetings', 'makeup', mid, '110105198001010016')
    ok(r.returncode == 3, 'make-up study only for the absent')
    b.sync()
    a.sync()
    dump = converged([a, b], 'after the make-up study')
    li = [v for (t, _), v in dump.items() if t == 'attendance' and v['member_id'] == people['李四']][0]
    ok(li['makeup_done_on'] == '2026-03-12' and li['status'] == 'absent', 'it reached a, nothing else changed')

    # A client that skips EvgTxn cannot make a second attendance under another id.
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('attendance', 'a-twin', 'insert', {'meeting_id': mid, 'member_id': people['王五'],
                                                    'status': 'present'})]))
    ok(status == 400 or answer['results'][0]['status'] == 'rejected',
       'an attendance whose id is not made from its key is refused (%s)' % status)
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('meeting', mid, 'update', {'minutes': '篡改'}, base=None)]))
    ok(status == 200 and answer['results'][0]['reason'] == 'locked', 'a pushed edit of the signed record is locked')
    accounted(server, [a, b], 'A001', 'meetings')
    server.stop()


def case_checkins(work):
    """Two workstations check the same member in to one whistle offline: after
    sync there is one check-in with the earliest arrival and the latest
    departure, and the hours are the same on both, never doubled.  The server
    keeps the same rule for a client that skips EvgTxn, and a closed whistle
    takes no new check-in from a device that did not know it was closed."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    for name, idn in (('张三', '110105198001010016'), ('李四', '110105198001010024')):
        a.tool('insert', 'member', '-', 'name=' + name, 'id_number=' + idn,
               'category=full', 'joined_on=2005-07-01', 'full_member_on=2006-07-01')
    r = a.cli('--json', 'whistles', 'add', '--title', '防汛值守', '--category', 'safety',
              '--start', '2026-07-10T08:00', '--end', '2026-07-10T18:00')
    ok(r.returncode == 0, 'a raises a whistle')
    wid = json.loads(r.stdout)['id']
    a.sync()
    b.sync()
    ok(('whistle', wid) in b.dump(), 'b has the whistle')

    # Offline: a checks 张三 in at 09:00 and out at 11:00; b at 08:30 and out at 10:00.
    zhang = '110105198001010016'
    ok(a.cli('checkins', 'in', wid, zhang, '--at', '2026-07-10T09:00').returncode == 0, 'a: in at 09:00')
    ok(b.cli('checkins', 'in', wid, zhang, '--at', '2026-07-10T08:30').returncode == 0, 'b: in at 08:30')
    ok(a.cli('checkins', 'out', wid, zhang, '--at', '2026-07-10T11:00').returncode == 0, 'a: out at 11:00')
    ok(b.cli('checkins', 'out', wid, zhang, '--at', '2026-07-10T10:00').returncode == 0, 'b: out at 10:00')
    a.sync()
    b.sync()
    a.sync()
    dump = converged([a, b], 'after two offline check-ins of one member')
    rows = [v for (t, _), v in dump.items() if t == 'checkin' and not v['deleted']]
    ok(len(rows) == 1, 'one check-in, not one per workstation (%d)' % len(rows))
    ok(rows[0]['arrived_at'] == '2026-07-10 08:30' and rows[0]['left_at'] == '2026-07-10 11:00',
       'the earliest arrival and the latest departure (%s, %s)' % (rows[0]['arrived_at'], rows[0]['left_at']))
    for d in (a, b):
        r = d.cli('--json', 'checkins', 'hours', '--year', '2026')
        hours = {h['name']: h['hours'] for h in json.loads(r.stdout)}
        ok(hours['张三'] == 2.5, '%s counts 2.5 hours, not doubled (%s)' % (d.name, hours))
    r = b.cli('checkins', 'in', wid, zhang, '--at', '2026-07-10T08:00')
    ok(r.returncode == 0 and b.dump()[('checkin', rows[0]['id'])]['arrived_at'] == '2026-07-10 08:30',
       'a second check-in after sync changes nothing')

    # A client that skips EvgTxn: a later arrival and an earlier departure do not win.
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('checkin', rows[0]['id'], 'update',
                {'arrived_at': '2026-07-10 09:45', 'left_at': '2026-07-10 09:50'}, hlc=hlc_now(60000),
                cid='hand-made-late-arrival')]))
    ok(status == 200 and answer['results'][0]['status'] == 'applied', 'the server takes the change (%s)' % answer)
    a.sync()
    dump = converged([a], 'after a pushed later arrival')
    row = dump[('checkin', rows[0]['id'])]
    ok(row['arrived_at'] == '2026-07-10 08:30' and row['left_at'] == '2026-07-10 11:00',
       'the server and a keep the earliest arrival and latest departure (%s, %s)'
       % (row['arrived_at'], row['left_at']))
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('checkin', 'c-twin', 'insert', {'whistle_id': wid, 'member_id': row['member_id'],
                                                'arrived_at': '2026-07-10 07:00'})]))
    ok(status == 400 or answer['results'][0]['status'] == 'rejected',
       'a check-in whose id is not made from its key is refused (%s)' % status)

    # a closes the whistle; b, offline, checks 李四 in.
    ok(a.cli('whistles', 'close', wid).returncode == 0, 'a closes the whistle')
    a.sync()
    ok(b.cli('checkins', 'in', wid, '110105198001010024', '--at', '2026-07-10T12:00').returncode == 0,
       'b checks 李四 in, not knowing it was closed')
    r = b.sync(expect=3)
    ok(r.get('rejected', 0) >= 1, 'the server refuses the late check-in (%s)' % r)
    b.sync()
    a.sync()
    dump = converged([a, b], 'after closing')
    ok(len([v for (t, _), v in dump.items() if t == 'checkin' and not v['deleted']]) == 1,
       'no check-in was added to the closed whistle')
    ok(dump[('whistle', wid)]['status'] == 'closed', 'closed everywhere')
    accounted(server, [a, b], 'A001', 'checkins', pushed=['hand-made-late-arrival'])
    server.stop()


def case_feedback(work):
    """Two workstations answer the same resident's message offline: one
    replies and concludes it, the other replies too.  After sync both
    replies are on the timeline everywhere and the status is the furthest
    step, on both devices and the server; a status pushed backwards by hand
    merges away, and a message's content and its events never change."""
    server = Server(work).start()
    ta = new_branch(server)
    a, b = Device(work, 'a'), Device(work, 'b')
    a.setup(server.url, ta)
    b.setup(server.url, ta)
    r = a.cli('--json', 'feedback', 'add', '--channel', 'phone', '--content', '3号楼电梯坏了',
              '--contact', '13812345678', '--at', '2026-11-02T09:00')
    ok(r.returncode == 0, 'a records a message')
    fid = json.loads(r.stdout)['id']
    a.sync()
    b.sync()
    ok(('feedback', fid) in b.dump(), 'b has the message')

    # Offline: a replies and concludes; b replies on its own.
    ok(a.cli('feedback', 'reply', fid, 'a：已报修').returncode == 0, 'a replies')
    ok(a.cli('feedback', 'close', fid).returncode == 0, 'a concludes')
    ok(b.cli('feedback', 'reply', fid, 'b：维修工已上门').returncode == 0, 'b replies')
    a.sync()
    b.sync()
    a.sync()
    dump = converged([a, b], 'after two offline replies')
    replies = sorted(v['text'] for (t, _), v in dump.items()
                     if t == 'feedback_event' and v['kind'] == 'reply' and not v['deleted'])
    ok(replies == ['a：已报修', 'b：维修工已上门'], 'both replies are kept (%s)' % replies)
    ok(dump[('feedback', fid)]['status'] == 'closed', 'the status is the furthest step (%s)'
       % dump[('feedback', fid)]['status'])
    r = b.cli('--json', 'feedback', 'show', fid)
    ok(r.returncode == 0 and len(json.loads(r.stdout)['events']) == 3, 'b shows the whole timeline')

    # A client that skips the service: a step back merges away; the
    # message's words and its events cannot be changed.
    eid = next(k for (t, k), v in dump.items() if t == 'feedback_event')
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('feedback', fid, 'update', {'status': 'new'}, hlc=hlc_now(60000), cid='hand-made-step-back')]))
    ok(status == 200, 'the server answers the step back (%s)' % answer)
    for what, body in (('content', change('feedback', fid, 'update', {'content': '改过的内容'},
                                          hlc=hlc_now(70000), cid='hand-made-content')),
                       ('an event', change('feedback_event', eid, 'update', {'text': '改过的答复'},
                                           hlc=hlc_now(80000), cid='hand-made-event'))):
        status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body([body]))
        ok(status == 400 or answer['results'][0]['status'] == 'rejected',
           'a change of %s is refused (%s)' % (what, answer))
    a.sync()
    b.sync()
    dump = converged([a, b], 'after the hand-made changes')
    ok(dump[('feedback', fid)]['status'] == 'closed', 'still concluded everywhere')
    ok(dump[('feedback', fid)]['content'] == '3号楼电梯坏了', 'the message is as the resident said it')
    ok(b.cli('feedback', 'reply', fid, '再次答复').returncode == 1, 'b may not reply to a concluded message')
    applied = ['hand-made-step-back'] if answer is not None else []
    accounted(server, [a, b], 'A001', 'feedback', pushed=applied)
    server.stop()


def case_field_limits(work):
    """Every column has a length and a domain, checked on the server as in
    the client's EvgTxn: a 15 MB name or lost_contact = -5 is refused, and a
    pull page is bounded by its size as well as its count."""
    server = Server(work).start()
    ta = new_branch(server)
    before = len(server.log_ids())

    def push_one(fields, table='member'):
        status, answer = http(server.port, 'POST', '/v1/push', token=ta, timeout=120,
                              body=push_body([change(table, 'm-%d' % random.getrandbits(40), 'insert', fields)]))
        check(status == 200, 'push answered (%s)' % status)
        return answer['results'][0]

    bad = (({'name': 'x' * (15 * 1024 * 1024)}, 'a 15 MB name'),
           ({'name': '张' * 51}, 'a name of 51 characters'),
           ({'name': '李四', 'lost_contact': -5}, 'lost_contact = -5'),
           ({'name': '李四', 'mobile_member': 2}, 'mobile_member = 2'),
           ({'name': '李四', 'gender': 'alien'}, 'a gender that is no choice'),
           ({'name': '李四', 'ethnicity': '族' * 21}, 'an ethnicity of 21 characters'),
           ({'name': '李四', 'birth_date': '1990-13-45'}, 'a birth date that is no date'),
           ({'name': '李四', 'joined_on': '2020/01/01'}, 'a date in another form'),
           ({'name': '李四', 'dues_paid_until': 'soon'}, 'a month that is no month'),
           ({'name': '李四', 'dues_monthly': '1e9'}, 'an amount that is no amount'),
           ({'name': '李四', 'party_group_id': 'a b;c'}, 'a party group id with spaces'),
           ({'name': '李四', 'id_number': '11010119900307123<script>'}, 'an ID number with markup'),
           ({'name': '李四', 'phone': '=HYPERLINK("x")'}, 'a phone number that is a formula'),
           ({'name': '李四', 'note': 'x' * 501}, 'a note of 501 characters'))
    for fields, what in bad:
        r = push_one(fields)
        ok(r['status'] == 'rejected' and r['reason'] == 'invalid', '%s: rejected as invalid' % what)
    ok(len(server.log_ids()) == before, 'none of them reached the log')
    r = push_one({'name': '张' * 50, 'lost_contact': 1, 'gender': 'female', 'ethnicity': '回族',
                  'birth_date': '1990-02-28', 'dues_paid_until': '2026-06', 'dues_monthly': '12.50',
                  'note': '备' * 500})
    ok(r['status'] == 'applied', 'values at their limits are applied')
    r = push_one({'name': 'x' * 51}, table='party_group')
    ok(r['status'] == 'rejected', 'a party group name of 51 characters is rejected')
    r = push_one({'name': '第一党小组', 'sort_order': 10 ** 12}, table='party_group')
    ok(r['status'] == 'rejected', 'a sort order out of range is rejected')

    # Pages by size: 5,000 members of 1,500 bytes of text each are more
    # than one 8 MB page, whatever the count asked for.
    note = '备' * 500
    for half in range(2):
        changes = [change('member', 'big-%d' % i, 'insert', {'name': '王%d' % i, 'note': note, 'address': note})
                   for i in range(half * 2500, half * 2500 + 2500)]
        body = json.dumps({'protocol': 1, 'batch_id': 'big-%d' % half, 'site': 'testsite', 'epoch': None,
                           'changes': changes}, ensure_ascii=False)
        status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=body, timeout=120)
        check(status == 200 and all(r['status'] == 'applied' for r in answer['results']),
              'a big batch is applied')
    s = socket.create_connection(('127.0.0.1', server.port), timeout=60)
    s.sendall(('GET /v1/pull?since=0&limit=10000 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n'
               'Connection: close\r\n\r\n' % ta).encode())
    raw = b''
    while True:
        data = s.recv(1 << 20)
        if not data:
            break
        raw += data
    s.close()
    page = json.loads(raw.partition(b'\r\n\r\n')[2])
    body_mb = len(raw) / 1048576.0
    ok(page['has_more'] and 1000 < len(page['changes']) < 5002 and body_mb < 8.5,
       'a pull page stops at its size (%d changes, %.1f MB, has_more)' % (len(page['changes']), body_mb))
    dev = Device(work, 'dev')
    dev.setup(server.url, ta)
    dev.sync_until_done()
    ok(dev.query("SELECT count(*) FROM member WHERE id LIKE 'big-%'") == [(5000,)],
       'a device pulls all of them over several pages')

    # A record damaged on the server's disk is not taken for an empty one:
    # a change to it is refused, and the rest of the batch goes on.
    con = sqlite3.connect(server.db, timeout=30)
    con.execute("UPDATE record SET fields = '{\"name\":', log_seq = NULL "
                "WHERE tbl = 'member' AND row_id = 'big-1'")
    con.commit()
    con.close()
    status, answer = http(server.port, 'POST', '/v1/push', token=ta, body=push_body(
        [change('member', 'big-1', 'update', {'phone': '13812345678'}),
         change('member', 'big-2', 'update', {'phone': '13812345679'})]))
    ok(status == 200 and answer['results'][0]['status'] == 'rejected'
       and answer['results'][0]['reason'] == 'damaged', 'a change to a damaged record is rejected: damaged')
    ok(answer['results'][1]['status'] == 'applied', 'the next change of the batch is applied')

    # Likewise on a workstation: a local record whose clocks are damaged
    # stops the pull with a message instead of being overwritten.
    con = sqlite3.connect(dev.db, timeout=30)
    con.execute("UPDATE member SET field_hlc = '{\"name\"' WHERE id = 'big-2'")
    con.commit()
    con.close()
    before = dev.query("SELECT phone FROM member WHERE id = 'big-2'")
    r = dev.cli('--json', 'sync', 'now')
    ok(r.returncode != 0 and 'damaged' in (r.stdout + r.stderr),
       'a damaged local record stops the pull with a message (%d)' % r.returncode)
    ok(dev.query("SELECT phone FROM member WHERE id = 'big-2'") == before, 'and is left as it was')
    server.stop()


def case_transfer_fields(work):
    """The server takes a transfer's sender from the token and keeps its
    written-once fields as they were issued."""
    server = Server(work).start()
    ta = new_branch(server, 'A001', '第一支部')
    tb = new_branch(server, 'B002', '第二支部')
    tc = new_branch(server, 'C003', '第三支部')
    a = Device(work, 'a')
    a.setup(server.url, ta)
    mid = a.tool('insert', 'member', '-', 'name=赵六')
    a.sync()

    def push(token, changes):
        status, answer = http(server.port, 'POST', '/v1/push', token=token, body=push_body(changes))
        check(status == 200, 'push answered (%s)' % status)
        return answer['results']

    r = push(ta, [change('transfer', 't-forged', 'insert',
                         {'member_id': mid, 'from_branch': 'C003', 'to_branch': 'B002', 'status': 'issued'})])
    ok(r[0]['status'] == 'rejected' and r[0]['reason'] == 'invalid',
       'a transfer naming another branch as its sender is rejected')
    r = push(ta, [change('transfer', 't-1', 'insert',
                         {'member_id': mid, 'from_branch': 'A001', 'to_branch': 'B002', 'status': 'issued'})])
    ok(r[0]['status'] == 'applied', 'a transfer from the token\'s branch is applied')
    for field, value in (('to_branch', 'C003'), ('from_branch', 'C003'), ('member_id', 'someone-else')):
        r = push(ta, [change('transfer', 't-1', 'update', {field: value})])
        ok(r[0]['status'] == 'rejected' and r[0]['reason'] == 'immutable',
           'the sender cannot change %s after issuing: rejected immutable' % field)
    r = push(ta, [change('transfer', 't-1', 'update', {'note': '补充说明'})])
    ok(r[0]['status'] == 'applied', 'the sender can still edit the note')
    stored = json.loads(server.query("SELECT fields FROM record_state WHERE tbl = 'transfer' AND row_id = 't-1'")[0][0])
    ok(stored['to_branch'] == 'B002' and stored['from_branch'] == 'A001', 'the stored transfer is as issued')
    status, answer = http(server.port, 'GET', '/v1/pull?since=0', token=tc)
    ok(status == 200 and not [c for c in answer['changes'] if c.get('table') == 'transfer'],
       'the third branch is never sent the transfer')

    # Its state machine, on the server as in EvgTxn: issued, then accepted
    # or refused once, then final.
    r = push(ta, [change('transfer', 't-2', 'insert',
                         {'member_id': mid, 'to_branch': 'B002', 'status': 'accepted'})])
    ok(r[0]['status'] == 'rejected', 'a transfer cannot begin accepted')
    r = push(tb, [change('transfer', 't-1', 'update', {'status': 'accepted', 'accepted_on': '2026-12-01'})])
    ok(r[0]['status'] == 'applied', 'the receiver accepts it')
    r = push(tb, [change('transfer', 't-1', 'update', {'status': 'refused'})])
    ok(r[0]['status'] == 'rejected' and r[0]['reason'] == 'locked', 'then cannot refuse it: rejected locked')
    r = push(ta, [change('transfer', 't-1', 'update', {'note': '改一下'})])
    ok(r[0]['status'] == 'rejected' and r[0]['reason'] == 'locked', 'nor can the sender edit it: locked')
    r = push(ta, [change('transfer', 't-1', 'delete')])
    ok(r[0]['status'] == 'rejected' and r[0]['reason'] == 'locked', 'nor delete it')
    ok(server.query("SELECT branch FROM record WHERE tbl = 'member' AND row_id = ?", (mid,)) == [('B002',)],
       'the member moved to the receiver once')
    server.stop()


# ---- Hardening: connections, bodies -----------------------------------------

def tcp_states(port):
    """Counts the server side's sockets on @port by TCP state name."""
    names = {'01': 'ESTABLISHED', '08': 'CLOSE_WAIT', '06': 'TIME_WAIT', '0A': 'LISTEN'}
    counts = {}
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if int(f[1].rsplit(':', 1)[1], 16) == port:
                name = names.get(f[3], f[3])
                counts[name] = counts.get(name, 0) + 1
    return counts


def open_sockets(proc):
    """The process's descriptors that are sockets (databases open lazily
    in each worker, so only sockets tell a held connection)."""
    n = 0
    for fd in os.listdir('/proc/%d/fd' % proc.pid):
        try:
            n += os.readlink('/proc/%d/fd/%s' % (proc.pid, fd)).startswith('socket:')
        except OSError:
            pass
    return n


def peak_memory_mb(proc):
    for line in open('/proc/%d/status' % proc.pid):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024.0
    return 0.0


def closed_by_server(sock, within):
    """True when the server closes @sock (EOF or reset) within @within s."""
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def health_ok(port):
    status, answer = http(port, 'GET', '/v1/health', timeout=10)
    return status == 200 and answer.get('service') == 'e-vanguard-server'


def case_connections(work):
    """Clients that hang up, idle, trickle or crowd leave a server with
    64 descriptors answering (issue: CLOSE-WAIT sockets, no timeouts)."""
    server = Server(work).start(args=['--idle-timeout', '2', '--header-timeout', '3',
                                      '--max-connections-per-address', '8'],
                                nofile=None if WRAPPER else 64)
    token = new_branch(server)
    port = server.port
    base = open_sockets(server.proc)

    # 120 clients that connect, ask on a kept-alive connection and hang up;
    # 120 that hang up before asking; 120 that hang up mid-request.
    answered = 0
    for i in range(120):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(b'GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
        s.settimeout(10)
        answered += s.recv(65536).startswith(b'HTTP/1.1 200')
        s.close()
    ok(answered == 120, '120 clients that ask and hang up are answered (%d)' % answered)
    for i in range(120):
        socket.create_connection(('127.0.0.1', port)).close()
    for i in range(120):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(b'GET /v1/pu')
        s.close()
    time.sleep(0.5)
    states = tcp_states(port)
    ok(states.get('CLOSE_WAIT', 0) == 0, '360 clients that hung up leave no socket in CLOSE-WAIT (%r)' % states)
    ok(open_sockets(server.proc) <= base, 'nor a socket descriptor (%d, at start %d)'
       % (open_sockets(server.proc), base))
    ok(health_ok(port), 'the server with 64 descriptors still answers')

    # The CLI's syncs leave nothing behind either.
    dev = Device(work, 'dev')
    dev.setup(server.url, token)
    for _ in range(3):
        dev.sync()
    time.sleep(0.5)
    ok(tcp_states(port).get('CLOSE_WAIT', 0) == 0, 'three `sync now` leave no socket in CLOSE-WAIT')

    # More clients than descriptors, all at once: the server refuses what it
    # cannot hold and answers again as soon as they go.
    crowd = []
    for i in range(120):
        try:
            crowd.append(socket.create_connection(('127.0.0.1', port), timeout=5))
        except OSError:
            pass
    for c in crowd:
        c.close()
    time.sleep(0.5)
    ok(health_ok(port), '120 connections at once, then gone: the server answers')

    # An idle connection is closed; so is one kept alive after its answer.
    s = socket.create_connection(('127.0.0.1', port))
    t0 = time.time()
    ok(closed_by_server(s, 8) and time.time() - t0 < 6, 'a connection that says nothing is closed (%.1f s)' % (time.time() - t0))
    s.close()
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(b'GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    s.settimeout(5)
    s.recv(65536)
    t0 = time.time()
    ok(closed_by_server(s, 8) and time.time() - t0 < 6, 'a kept-alive connection left idle is closed')
    s.close()

    # Headers trickled a byte at a time, never idle for long: cut at the
    # header deadline.
    s = socket.create_connection(('127.0.0.1', port))
    t0 = time.time()
    closed = False
    try:
        s.sendall(b'GET /v1/health HTTP/1.1\r\n')
        for _ in range(40):
            s.sendall(b'X')
            time.sleep(0.25)
            if time.time() - t0 > 8:
                break
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    closed = closed or closed_by_server(s, 3)
    ok(closed and time.time() - t0 < 8, 'headers trickled byte by byte are cut off (%.1f s)' % (time.time() - t0))
    s.close()

    # Eight idle connections from one address: the ninth is refused, and
    # the address may connect again once they are gone.
    held = [socket.create_connection(('127.0.0.1', port)) for _ in range(8)]
    time.sleep(0.2)
    extra = socket.create_connection(('127.0.0.1', port))
    try:
        extra.sendall(b'GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    except OSError:
        pass
    extra.settimeout(3)
    try:
        got = extra.recv(65536)
    except (ConnectionResetError, socket.timeout):
        got = b''
    ok(not got.startswith(b'HTTP/1.1 200'), 'a ninth connection from one address is refused')
    extra.close()
    for h in held:
        h.close()
    time.sleep(0.3)
    ok(health_ok(port), 'after they go, the address is answered again')
    ok(server.stop() == 0, 'the server stops cleanly')


def stream_body(port, head, total, chunked=False):
    """Sends @head and then up to @total bytes of body until the server
    answers or closes; returns (status or None, bytes sent)."""
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    sent = 0
    block = b'x' * (1 << 20)
    try:
        s.sendall(head)
        while sent < total:
            if chunked:
                s.sendall(b'%x\r\n' % len(block) + block + b'\r\n')
            else:
                s.sendall(block)
            sent += len(block)
    except (BrokenPipeError, ConnectionResetError):
        pass
    resp = b''
    try:
        s.settimeout(10)
        while True:
            data = s.recv(65536)
            if not data:
                break
            resp += data
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    status = int(resp.split(b' ', 2)[1]) if resp.startswith(b'HTTP/') else None
    return status, sent


def case_bodies(work):
    """A 200 MB body on any method and path is refused before it is read:
    the server's peak memory stays under 120 MB."""
    server = Server(work).start()
    token = new_branch(server)
    size = 200 * 1024 * 1024
    for method, path, want in (('GET', '/v1/pull', 413), ('GET', '/v1/health', 413),
                               ('POST', '/v1/push', 413), ('PUT', '/v1/push', 405),
                               ('DELETE', '/v1/pull', 405), ('POST', '/nothing', 404),
                               ('PATCH', '/', 404)):
        head = ('%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n'
                % (method, path, token, size)).encode()
        status, sent = stream_body(server.port, head, size)
        ok(status == want and sent < size, '%s %s with 200 MB: %s before the body was read (%d MB sent)'
           % (method, path, status, sent >> 20))
    for method, path, want in (('GET', '/v1/pull', 413), ('POST', '/v1/push', 411)):
        head = ('%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n'
                % (method, path, token)).encode()
        status, sent = stream_body(server.port, head, size, chunked=True)
        ok(status == want and sent < size, '%s %s with 200 MB in chunks: %s' % (method, path, status))
    # Headers that never end are refused at their size limit.
    s = socket.create_connection(('127.0.0.1', server.port), timeout=10)
    sent = 0
    try:
        s.sendall(b'GET /v1/health HTTP/1.1\r\n')
        while sent < 50 * 1024 * 1024:
            s.sendall(b'X-Filler: ' + b'y' * 1000 + b'\r\n')
            sent += 1012
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.close()
    ok(sent < 1024 * 1024, 'endless headers are cut off (%d KB sent)' % (sent >> 10))
    if not WRAPPER:
        peak = peak_memory_mb(server.proc)
        ok(peak < 120, 'the server\'s peak memory stayed under 120 MB (%.1f MB)' % peak)
    ok(health_ok(server.port), 'and it still answers')
    server.stop()


# ------------------------------------------------- the residents' public page

WEB_HEADERS = ('content-security-policy', 'x-content-type-options', 'referrer-policy')
# What no answer may show: SQL, SQLite's words, C source places, GLib's
# warnings, Python's or anyone's stack traces.
LEAKS = ('sqlite', 'SQLite', 'SELECT ', 'INSERT ', 'UPDATE ', ' FROM ', 'constraint', 'syntax error',
         'Traceback', '.c:', 'CRITICAL', 'g_return', 'assert', 'database is locked', 'server.db')


def web(port, method, path, form=None, headers=None, body=None, timeout=30):
    """One request to the public side; returns (status, headers with
    lower-case names, body as text)."""
    import http.client
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        h = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h.setdefault('Content-Type', 'application/x-www-form-urlencoded')
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode('utf-8', 'replace')
    finally:
        conn.close()


def form_token(html):
    import re
    m = re.search(r'name="token" value="([^"]+)"', html)
    return m.group(1) if m else None


def tracking_code(html):
    import re
    m = re.search(r'id="tracking-code">([^<]+)<', html)
    return m.group(1) if m else None


def send_message(port, code, headers=None, **fields):
    """Fetches the branch's form and sends it with @fields; returns
    (status, body, token)."""
    status, _, html = web(port, 'GET', '/f/' + code, headers=headers)
    if status != 200:
        return status, html, None
    token = form_token(html)
    form = {'token': token, 'website': ''}
    form.update(fields)
    status, _, page = web(port, 'POST', '/f/' + code, form=form, headers=headers)
    return status, page, token


def page_setting(port, token, enabled=None):
    if enabled is None:
        return http(port, 'GET', '/v1/page', token=token)
    return http(port, 'POST', '/v1/page', token=token, body=json.dumps({'enabled': enabled}))


def no_leaks(bodies, what):
    bad = [(b[:200], word) for b in bodies for word in LEAKS if word in b]
    ok(not bad, '%s: no SQL, path or stack trace in %d answers %s' % (what, len(bodies), bad[:1]))


def hrefs(html):
    import re
    return re.findall(r'href="([^"]*)"', html)


XSS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(document.cookie)',
       "'><svg onload=alert(1)>"]


def two_branches(work):
    """A server with branches A001 and B002, and device a of A001."""
    server = Server(work).start()
    ta = new_branch(server)
    tb = server.add_branch('B002', '第二党支部')
    a = Device(work, 'a')
    a.setup(server.url, ta)
    return server, ta, tb, a


def case_public_form(work):
    """A resident's message from the branch's public page reaches the
    workstation by an ordinary sync; the branch's public reply reaches the
    status page, the internal note and the resident's name and phone never
    do; whatever the resident typed comes back escaped."""
    server, ta, tb, a = two_branches(work)
    port = server.port

    # Off until the branch turns it on; an unknown branch looks the same.
    s1, _, off = web(port, 'GET', '/f/A001')
    s2, _, unknown = web(port, 'GET', '/f/Z999')
    ok(s1 == 404 and s2 == 404 and off == unknown, 'a page not turned on and an unknown branch: the same 404')
    status, answer = page_setting(port, ta)
    ok(status == 200 and answer['enabled'] is False and answer['path'] == '/f/A001',
       'the branch reads that its page is off (%s)' % answer)
    status, answer = page_setting(port, ta, True)
    ok(status == 200 and answer['enabled'] is True, 'the branch turns its page on with its token')
    ok(page_setting(port, None, True)[0] == 401, 'not without a token')
    ok(page_setting(port, ta, 'yes')[0] == 400, 'a setting that is no boolean is refused')
    # The workstation turns it off and on again, as its Preferences do.
    r = a.cli('--json', 'sync', 'page', 'off')
    ok(r.returncode == 0 and json.loads(r.stdout)['enabled'] is False, 'the workstation turns the page off')
    ok(web(port, 'GET', '/f/A001')[0] == 404, 'and the form is gone')
    r = a.cli('--json', 'sync', 'page', 'on')
    ok(r.returncode == 0 and json.loads(r.stdout)['enabled'] is True, 'and on again')
    r = a.cli('--json', 'sync', 'page')
    ok(r.returncode == 0 and json.loads(r.stdout)['enabled'] is True, 'the workstation reads that it is on')
    r = server.admin('branch', 'page', 'B002')
    ok('off' in r.stdout, 'B002\'s page stays off (%s)' % r.stdout.strip())
    ok(web(port, 'GET', '/f/B002')[0] == 404, 'so B002 has no form')

    status, headers, html = web(port, 'GET', '/f/A001')
    ok(status == 200 and headers.get('content-type', '').startswith('text/html'), 'the form is a page')
    ok(all(h in headers for h in WEB_HEADERS), 'with CSP, nosniff and referrer policy')
    csp = headers.get('content-security-policy', '')
    ok("default-src 'none'" in csp and 'unsafe-inline' not in csp and 'script-src' not in csp,
       'the CSP lets no script run (%s)' % csp)
    ok('第一党支部' in html and '<script' not in html.lower() and form_token(html),
       'it names the branch, holds a token and no script')

    content = '5号楼电梯停了三天 ' + ' '.join(XSS)
    status, page, token = send_message(port, 'A001', category='facilities', content=content,
                                       place='5号楼 ' + XSS[1], name='张三' + XSS[0], phone='138 1234 5678')
    code = tracking_code(page)
    ok(status == 200 and code is not None, 'the message is taken and answered with a tracking code')
    ok(code is not None and ('/f/status/' + code) in hrefs(page), 'and a link to its status page')
    import re
    ok(code is not None and re.fullmatch(r'[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', code),
       'the code is a UUIDv7 (%s)' % code)
    ok('<img' not in page and '<svg' not in page and '<script' not in page.lower()
       and '&lt;script&gt;' in page and '&quot;&gt;&lt;img' in page,
       'the message\'s text comes back escaped')
    ok(all(h.startswith('/f/') for h in hrefs(page)), 'no link but the page\'s own (%s)' % hrefs(page))
    ok('张三' not in page and '13812345678' not in page and '5678' not in page,
       'the answer shows neither the name nor the phone')

    # The same form sent again (a reload): the same message.
    status, _, again = web(port, 'POST', '/f/A001', form={'token': token, 'category': 'facilities',
                                                          'content': content, 'website': ''})
    ok(status == 200 and tracking_code(again) == code, 'the same form sent again answers the same message')
    rows = server.query("SELECT count(*) FROM record WHERE tbl = 'feedback'")[0][0]
    ok(rows == 1, 'the server holds it once (%d)' % rows)
    log = server.query("SELECT change_id, site FROM change_log WHERE branch = 'A001'")
    ok(log == [(code + '.w', 'server')], 'as one change of the server\'s own in A001\'s log (%s)' % log)

    # The workstation pulls it like any other change.
    a.sync()
    r = a.cli('--json', 'feedback', 'list')
    msgs = {m['id']: m for m in json.loads(r.stdout)} if r.returncode == 0 else {}
    m = msgs.get(code, {})
    ok(m.get('channel') == 'web' and m.get('status') == 'new' and m.get('content') == content,
       'the workstation lists the message, channel web, new (%s)' % {k: m.get(k) for k in ('channel', 'status')})
    ok(m.get('contact') == '13812345678' and m.get('from') == '张三' + XSS[0] and m.get('category') == 'facilities',
       'with the resident\'s name and phone, normalised')
    received = m.get('received_at') or ''
    import datetime
    try:
        t0 = datetime.datetime.strptime(received, '%Y-%m-%d %H:%M')
        dues = (datetime.datetime.strptime(m['response_due'], '%Y-%m-%d %H:%M') - t0,
                datetime.datetime.strptime(m['resolution_due'], '%Y-%m-%d %H:%M') - t0)
    except (ValueError, KeyError):
        dues = None
    ok(dues == (datetime.timedelta(hours=24), datetime.timedelta(days=7)),
       'due in 24 hours and 7 days (%s)' % (dues,))
    ok(b_no_message(server, 'B002'), 'B002 got nothing of it')

    # The branch answers publicly and notes internally.
    ok(a.cli('feedback', 'note', code, '内部备注：张三上次也反映过').returncode == 0, 'a notes internally')
    ok(a.cli('feedback', 'reply', code, '已联系物业，明天上午修复。' + XSS[0]).returncode == 0, 'a replies')
    a.sync()
    status, headers, page = web(port, 'GET', '/f/status/' + code)
    ok(status == 200 and '已联系物业，明天上午修复。' in page, 'the status page shows the reply')
    ok('已答复' in page, 'and the status moved on (已答复)')
    ok('内部备注' not in page, 'not the internal note')
    ok('张三' not in page and '1381234' not in page and '5678' not in page, 'nor the name, nor the phone')
    ok('<script' not in page.lower() and '&lt;script&gt;' in page, 'the reply is escaped too')
    ok(headers.get('referrer-policy') == 'no-referrer' and 'noindex' in headers.get('x-robots-tag', ''),
       'the status page is kept from referrers and search engines')

    # A reply event that another branch pushes for A's message is not A's.
    eid = 'evt-from-b'
    http(port, 'POST', '/v1/push', token=tb, body=push_body([change('feedback_event', eid, 'insert', {
        'feedback_id': code, 'at': '2026-01-01 10:00', 'kind': 'reply', 'text': 'B冒充的答复'}, cid='b-fake-reply')]))
    ok('B冒充的答复' not in web(port, 'GET', '/f/status/' + code)[2], 'another branch\'s "reply" is not shown')

    # Only messages sent through the page have a status page.
    r = a.cli('--json', 'feedback', 'add', '--channel', 'phone', '--content', '来电反映', '--contact', '13900001111')
    own = json.loads(r.stdout)['id']
    a.sync()
    ok(web(port, 'GET', '/f/status/' + own)[0] == 404, 'a message recorded at the workstation has no status page')
    ok(web(port, 'GET', '/f/status/00000000-0000-7000-8000-000000000000')[0] == 404, 'nor an unknown code')

    # Concluded at the workstation: the page says so.  Off: no form, but
    # the resident still reads the answer.
    ok(a.cli('feedback', 'close', code).returncode == 0, 'a concludes the message')
    a.sync()
    ok('已办结' in web(port, 'GET', '/f/status/' + code)[2], 'the status page says it is concluded')
    ok(page_setting(port, ta, False)[1]['enabled'] is False, 'the branch turns its page off')
    ok(web(port, 'GET', '/f/A001')[0] == 404, 'its form is gone')
    s, _, _ = web(port, 'POST', '/f/A001', form={'token': token, 'category': 'other', 'content': 'x'})
    ok(s == 404, 'and takes nothing, even with a good token (%s)' % s)
    ok(web(port, 'GET', '/f/status/' + code)[0] == 200, 'the status page stays readable')
    server.admin('branch', 'revoke', 'A001')
    ok(web(port, 'GET', '/f/status/' + code)[0] == 404, 'until the branch is revoked')
    accounted(server, [a], 'A001', 'public form')
    server.stop()


def public_dues(device, code):
    """The due times of message @code as @device lists it, as hours."""
    import datetime
    r = device.cli('--json', 'feedback', 'show', code)
    try:
        m = json.loads(r.stdout)
        t0 = datetime.datetime.strptime(m['received_at'], '%Y-%m-%d %H:%M')
        return tuple((datetime.datetime.strptime(m[k], '%Y-%m-%d %H:%M') - t0) // datetime.timedelta(hours=1)
                     for k in ('response_due', 'resolution_due'))
    except (ValueError, KeyError, TypeError):
        return None


def case_public_due_hours(work):
    """The messages of the public page are due as the branch's own
    settings say: the workstation sends them at its next sync, the server
    checks them as the workstation does, and keeps them per branch."""
    server, ta, tb, a = two_branches(work)
    port = server.port

    status, answer = page_setting(port, ta, True)
    ok(status == 200 and (answer.get('respond_hours'), answer.get('resolve_hours')) == (24, 168),
       'a branch that never sent its due times has 24 and 168 hours (%s)' % answer)

    # Refused as the workstation's settings refuse them, and nothing kept.
    bad = [{'respond_hours': 0, 'resolve_hours': 168}, {'respond_hours': 48, 'resolve_hours': 24},
           {'respond_hours': 24, 'resolve_hours': 9000}, {'respond_hours': '48', 'resolve_hours': 168},
           {'respond_hours': 48.5, 'resolve_hours': 168}, {'respond_hours': 48},
           {'respond_hours': -48, 'resolve_hours': 168}, {'respond_hours': 2 ** 40, 'resolve_hours': 2 ** 41},
           {'enabled': 'yes', 'respond_hours': 48, 'resolve_hours': 168}, {}, []]
    answers = [http(port, 'POST', '/v1/page', token=ta, body=json.dumps(b)) for b in bad]
    ok(all(st == 400 for st, _ in answers), 'due times out of bounds or of the wrong kind: 400 (%s)'
       % [st for st, _ in answers])
    ok(page_setting(port, ta)[1].get('respond_hours') == 24, 'and the branch keeps 24 hours')
    ok(http(port, 'POST', '/v1/page', body=json.dumps({'respond_hours': 1, 'resolve_hours': 1}))[0] == 401,
       'not without a token')

    # The workstation's settings reach the server at the next sync.
    r = a.cli('feedback', 'settings', '--respond-hours', '48', '--resolve-hours', '240')
    ok(r.returncode == 0, 'the branch sets 48 hours to respond and 10 days to resolve (%s)' % r.stderr.strip())
    ok(page_setting(port, ta)[1].get('respond_hours') == 24, 'the server has them only after a sync')
    a.sync()
    answer = page_setting(port, ta)[1]
    ok((answer.get('respond_hours'), answer.get('resolve_hours'), answer.get('enabled')) == (48, 240, True),
       'after it, the server has 48 and 240 hours, the page still on (%s)' % answer)
    ok(page_setting(port, tb)[1].get('respond_hours') == 24, 'B002 keeps its own (24)')
    a.sync()   # nothing to send again: the settings were taken

    status, page, _ = send_message(port, 'A001', category='facilities', content='小区东门的路灯坏了')
    code = tracking_code(page)
    ok(status == 200 and code is not None, 'a resident sends a message')
    a.sync()
    dues = public_dues(a, code)
    ok(dues == (48, 240), 'it is due in 48 and 240 hours, as the branch set (%s)' % (dues,))

    # Settings changed while the server is away are sent when it is back.
    server.stop()
    r = a.cli('feedback', 'settings', '--respond-hours', '12', '--resolve-hours', '72')
    ok(r.returncode == 0, 'the branch sets 12 and 72 hours while the server is down')
    a.sync(expect=None)
    server.start(port=port)
    a.sync()
    answer = page_setting(port, ta)[1]
    ok((answer.get('respond_hours'), answer.get('resolve_hours')) == (12, 72),
       'the next sync after it is back sends them (%s)' % answer)

    # A server that lost them (restored from an older backup, say) gets
    # them again once the workstation is set up with it afresh; a sync
    # with nothing changed sends nothing.
    http(port, 'POST', '/v1/page', token=ta, body=json.dumps({'respond_hours': 24, 'resolve_hours': 168}))
    a.sync()
    ok(page_setting(port, ta)[1].get('respond_hours') == 24, 'a sync with nothing changed sends nothing')
    a.setup(server.url, ta)
    a.sync()
    answer = page_setting(port, ta)[1]
    ok((answer.get('respond_hours'), answer.get('resolve_hours')) == (12, 72),
       'set up afresh, the workstation sends them again (%s)' % answer)
    accounted(server, [a], 'A001', 'public due hours')
    server.stop()


def b_no_message(server, branch):
    return server.query("SELECT count(*) FROM change_log WHERE branch = ? AND tbl = 'feedback'", (branch,))[0][0] == 0


def case_public_abuse(work):
    """What the public page takes is bounded: the size of a form, the
    rules of a message, the honeypot, the token, a rate per address and a
    cap per branch and day; no refusal shows SQL or a stack trace."""
    server = Server(work).start(args=['--public-rate', '6', '--public-daily-cap', '4', '--forwarded-for'])
    ta = new_branch(server)
    tb = server.add_branch('B002', '第二党支部')
    page_setting(server.port, ta, True)
    page_setting(server.port, tb, True)
    port = server.port
    bodies = []
    addresses = iter('10.0.%d.%d' % (i // 200, i % 200 + 1) for i in range(10000))

    def post(form, code='A001', fresh=True, headers=None):
        h = {'X-Forwarded-For': next(addresses)} if fresh else {}
        h.update(headers or {})
        s, _, page = web(port, 'POST', '/f/' + code, form=form, headers=h)
        bodies.append(page)
        return s, page

    def good_form(code='A001', **fields):
        token = form_token(web(port, 'GET', '/f/' + code)[2])
        form = {'token': token, 'category': 'other', 'content': '一条普通的留言', 'website': ''}
        form.update(fields)
        return form

    def count():
        return server.query("SELECT count(*) FROM record WHERE tbl = 'feedback'")[0][0]

    # The rules of a message, answered on the form with what was typed.
    for what, fields, word in (
            ('empty content', {'content': '   '}, '请填写留言内容'),
            ('2,001 characters', {'content': '字' * 2001}, '最多2000个字'),
            ('a 51-character name', {'name': '名' * 51}, '称呼最多50个字'),
            ('a 101-character place', {'place': '地' * 101}, '地点最多100个字'),
            ('a phone that is none', {'phone': '12345'}, '电话号码不正确'),
            ('a category not on the list', {'category': 'bribes'}, '请从列表中选择'),
            ('no category', {'category': ''}, '请选择留言类别')):
        s, page = post(good_form(**fields))
        ok(s == 400 and word in page, '%s: refused on the form (%s, %s)' % (what, s, word in page))
    s, page = post(good_form(content='字' * 2001 + '<b>尾</b>'))
    ok('&lt;b&gt;尾&lt;/b&gt;' in page and '<b>尾' not in page, 'what was typed comes back, escaped')
    ok(count() == 0, 'none of them became a message')
    s, page = post(good_form(content='x' * 40000))
    ok(s == 413, 'a 40 KB form is refused before it is read (%s)' % s)
    status, _ = stream_body(port, b'POST /f/A001 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n'
                                  b'Content-Length: 209715200\r\n\r\n', 200 * 1024 * 1024)
    ok(status == 413, '200 MB to the form: 413 from the headers')
    ok(web(port, 'GET', '/f/A001', body=b'x' * 10)[0] == 413, 'a GET with a body: 413')
    ok(web(port, 'PUT', '/f/A001')[0] == 405, 'PUT: 405')
    s, _, page = web(port, 'POST', '/f/A001', body=json.dumps(good_form()).encode(),
                     headers={'Content-Type': 'application/json', 'X-Forwarded-For': next(addresses)})
    bodies.append(page)
    ok(s == 415, 'a form that is not form-encoded: 415 (%s)' % s)

    # The honeypot and the token.
    s, page = post(good_form(website='http://spam.example/'))
    ok(s == 400 and count() == 0, 'the hidden field filled in: no message (%s)' % s)
    form = good_form()
    for what, token in (('no token', None), ('a token of B002', form_token(web(port, 'GET', '/f/B002')[2])),
                        ('a forged signature', form['token'][:-4] + '0000'), ('garbage', 'x.y.z')):
        f = dict(form)
        if token is None:
            del f['token']
        else:
            f['token'] = token
        s, page = post(f)
        ok(s == 403 and '失效' in page, '%s: refused (%s)' % (what, s))
    import hmac as hmac_mod
    import hashlib
    secret = server.query("SELECT value FROM meta WHERE key = 'form_secret'")[0][0]

    def forged(when):
        nonce = '%032x' % random.getrandbits(128)
        data = 'evg-form\nA001\n%d\n%s' % (when, nonce)
        return '%d.%s.%s' % (when, nonce, hmac_mod.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest())
    s, page = post(dict(form, token=forged(int(time.time()) - 13 * 3600), content='写了很久的留言'))
    ok(s == 403 and '写了很久的留言' in page and form_token(page), 'a form served 13 hours ago: what was written comes back on a fresh form')
    s, page = post(dict(form, token=forged(int(time.time()) + 3600)))
    ok(s == 403, 'a form from the future: refused')
    ok(count() == 0, 'still no message')
    s, page = post(dict(form, token=forged(int(time.time()) - 60)))
    ok(s == 200 and tracking_code(page), 'a well-made token is taken (the test signs like the server)')

    # Six messages an hour from one address, taken or not: the seventh waits.
    h = {'X-Forwarded-For': '192.0.2.7'}
    statuses = [post(good_form(content=''), fresh=False, headers=h)[0] for _ in range(6)]
    ok(statuses == [400] * 6, 'six from one address are read (%s)' % statuses)
    s, page = post(good_form(), fresh=False, headers=h)
    ok(s == 429 and '太频繁' in page, 'the seventh from that address in the hour: 429 (%s)' % s)
    s, page = post(good_form(content=''), fresh=False, headers={'X-Forwarded-For': '192.0.2.8'})
    ok(s == 400, 'another address goes on (%s)' % s)
    for _ in range(6):
        post(good_form(content=''), fresh=False, headers={'X-Forwarded-For': '2001:db8:1:2::1'})
    s, _ = post(good_form(content=''), fresh=False, headers={'X-Forwarded-For': '2001:db8:1:2:ffff::9'})
    ok(s == 429, 'an IPv6 /64 counts as one address (%s)' % s)
    s, _ = post(good_form(content=''), fresh=False, headers={'X-Forwarded-For': '2001:db8:1:3::1'})
    ok(s == 400, 'the next /64 does not (%s)' % s)

    # Four a day per branch here: the fifth is refused, for that branch only.
    n_a = server.query("SELECT n FROM public_day WHERE branch = 'A001'")[0][0]
    while n_a < 4:
        s, _ = post(good_form())
        n_a += 1
    s, page = post(good_form())
    ok(s == 429 and '今日留言已满' in page, 'A001\'s fifth message of the day: 429 (%s)' % s)
    a_msgs = server.query("SELECT count(*) FROM public_message WHERE branch = 'A001'")[0][0]
    ok(a_msgs == 4, 'A001 holds its four (%d)' % a_msgs)

    # No answer shows how the server is made.
    for path in ('/f/A001', '/f/Z999', '/f/status/nope', '/f/status/' + 'x' * 300, '/f/%00', '/f/../v1/pull',
                 '/open311/v2/requests/1.json', '/open311/v2/services.xml'):
        bodies.append(web(port, 'GET', path)[2])
    no_leaks(bodies, 'the public pages')
    # The pages' own text is all there is: a revoked branch is as unknown.
    server.admin('branch', 'revoke', 'B002')
    ok(web(port, 'GET', '/f/B002')[0] == 404, 'a revoked branch: 404')
    server.stop()


def case_public_open311(work):
    """Open311 GeoReport v2: the categories as services, a request posted
    form-encoded with the branch as jurisdiction, read back with its status
    mapped to open/closed; the workstation syncs it like any message."""
    server = Server(work).start()
    ta = new_branch(server)
    a = Device(work, 'a')
    a.setup(server.url, ta)
    port = server.port
    bodies = []

    status, headers, text = web(port, 'GET', '/open311/v2/services.json')
    services = json.loads(text) if status == 200 else []
    ok(status == 200 and headers['content-type'].startswith('application/json'), 'services.json answers JSON')
    codes = [sv['service_code'] for sv in services]
    ok('sanitation' in codes and 'other' in codes and len(codes) == 8 and
       all(sv['type'] == 'realtime' and sv['metadata'] is False and sv['service_name'] for sv in services),
       'the eight categories, realtime (%s)' % codes)
    s, _, text = web(port, 'GET', '/open311/v2/services.json?jurisdiction_id=A001')
    bodies.append(text)
    ok(s == 404 and json.loads(text)[0]['code'] == 404, 'a jurisdiction whose page is off: 404 in Open311\'s form')
    page_setting(port, ta, True)
    ok(web(port, 'GET', '/open311/v2/services.json?jurisdiction_id=A001')[0] == 200, 'on: 200')

    request = {'jurisdiction_id': 'A001', 'service_code': 'traffic', 'description': '小区门口乱停车，堵住了消防通道',
               'address_string': '北门', 'first_name': '三', 'last_name': '张', 'phone': '13812345678',
               'email': 'zhang@example.org', 'lat': '39.9', 'long': '116.4'}
    for what, change_, want in (('no jurisdiction_id', {'jurisdiction_id': None}, 400),
                                ('an unknown jurisdiction_id', {'jurisdiction_id': 'Z999'}, 404),
                                ('an unknown service_code', {'service_code': 'bribes'}, 400),
                                ('no description', {'description': None}, 400),
                                ('a bad phone', {'phone': '123'}, 400)):
        form = {k: v for k, v in dict(request, **change_).items() if v is not None}
        s, _, text = web(port, 'POST', '/open311/v2/requests.json', form=form)
        bodies.append(text)
        err = json.loads(text) if text.startswith('[') else [{}]
        ok(s == want and err[0].get('code') == want and err[0].get('description'),
           '%s: %d with an Open311 error (%s)' % (what, s, text.strip()))
    s, _, text = web(port, 'POST', '/open311/v2/requests.json', body=json.dumps(request).encode(),
                     headers={'Content-Type': 'application/json'})
    bodies.append(text)
    ok(s == 400, 'a JSON body: 400 (form-encoded, as the spec says)')
    ok(web(port, 'GET', '/open311/v2/requests.json')[0] == 405, 'GET requests.json: 405 (not in this subset)')

    s, _, text = web(port, 'POST', '/open311/v2/requests.json', form=request)
    answer = json.loads(text) if s == 200 else [{}]
    rid = answer[0].get('service_request_id')
    ok(s == 200 and rid and 'service_notice' in answer[0], 'a request is taken (%s)' % text.strip())

    s, _, text = web(port, 'GET', '/open311/v2/requests/%s.json' % rid)
    got = json.loads(text)[0] if s == 200 else {}
    ok(got.get('service_request_id') == rid and got.get('status') == 'open' and got.get('service_code') == 'traffic'
       and got.get('description') == request['description'] and got.get('address') == '北门',
       'it reads back open, with its service and description (%s)' % got)
    import re
    iso = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d'
    ok(all(re.fullmatch(iso, got.get(k) or '') for k in ('requested_datetime', 'updated_datetime', 'expected_datetime')),
       'its times are ISO 8601 with an offset')
    ok('13812345678' not in text and '张' not in text and 'zhang' not in text, 'no name, phone or email in it')
    ok(web(port, 'GET', '/open311/v2/requests/%s.json?jurisdiction_id=B002' % rid)[0] == 404,
       'asked under another jurisdiction: 404')
    ok(web(port, 'GET', '/open311/v2/requests/no-such.json')[0] == 404, 'an unknown id: 404')

    a.sync()
    msgs = {m['id']: m for m in json.loads(a.cli('--json', 'feedback', 'list').stdout)}
    m = msgs.get(rid, {})
    ok(m.get('channel') == 'web' and m.get('from') == '张三' and m.get('place') == '北门'
       and m.get('contact') == '13812345678', 'the workstation has it, from 张三 at 北门 (%s)' % m)
    a.cli('feedback', 'reply', rid, '已通知物业清理，并加装了禁停标志。')
    a.cli('feedback', 'close', rid)
    a.sync()
    got = json.loads(web(port, 'GET', '/open311/v2/requests/%s.json' % rid)[2])[0]
    ok(got['status'] == 'closed' and got.get('status_notes') == '已通知物业清理，并加装了禁停标志。',
       'concluded at the workstation: closed, with the reply as status_notes (%s)' % got.get('status'))
    ok(web(port, 'GET', '/f/status/' + rid)[0] == 200, 'the same message has a status page')
    no_leaks(bodies, 'Open311')
    accounted(server, [a], 'A001', 'open311')
    server.stop()


# WeChat's browser on an Android phone, as it names itself.
WECHAT_UA = ('Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A.210812.003; wv) AppleWebKit/537.36 '
             '(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 '
             'MMWEBSDK/20230303 MMWEBID/1234 MicroMessenger/8.0.34.2340(0x2800225F) WeChat/arm64 '
             'Weixin NetType/WIFI Language/zh_CN ABI/arm64')


def with_selenium():
    """Debian's python3-selenium is not seen by a python3 of one's own
    (pyenv, a venv): run the case with the system's when this one lacks it."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath('/usr/bin/python3') and \
                os.path.exists('/usr/bin/python3'):
            os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)


def phone_browser(javascript, width=360):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    opts = Options()
    opts.binary_location = shutil.which('chromium') or '/usr/bin/chromium'
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--window-size=%d,800' % width, '--lang=zh-CN', '--no-first-run'):
        opts.add_argument(arg)
    opts.add_experimental_option('mobileEmulation', {
        'deviceMetrics': {'width': width, 'height': 800, 'pixelRatio': 2.0}, 'userAgent': WECHAT_UA})
    if not javascript:
        opts.add_experimental_option('prefs', {'profile.managed_default_content_settings.javascript': 2})
    # The driver Debian ships, never one downloaded at run time.
    service = Service(shutil.which('chromedriver') or '/usr/bin/chromedriver')
    return webdriver.Chrome(service=service, options=opts)


def fits(drv, width, what):
    """Nothing on the page is wider than the phone: every element's right
    edge within the viewport (read by WebDriver, which works without the
    page's JavaScript)."""
    from selenium.webdriver.common.by import By
    over = []
    for el in drv.find_elements(By.CSS_SELECTOR, 'header, main, section, label, input, select, textarea, button, a, p, dd'):
        r = el.rect
        if r['x'] >= 0 and r['x'] + r['width'] > width + 0.5:
            over.append((el.tag_name, r['x'], r['width']))
    ok(not over, '%s fits in %d px (%s)' % (what, width, over[:3]))


def case_public_browser(work):
    """In headless Chromium as a 360-pixel phone with WeChat's user agent,
    with JavaScript and without: a resident fills in the form, reads the
    tracking code, the branch's workstation syncs and replies, and the
    status page shows the reply and nothing internal."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select
    server = Server(work).start()
    ta = new_branch(server)
    page_setting(server.port, ta, True)
    a = Device(work, 'a')
    a.setup(server.url, ta)
    shots = os.environ.get('EVG_SCREENSHOT_DIR')

    for javascript in (True, False):
        mode = 'with JavaScript' if javascript else 'without JavaScript'
        drv = phone_browser(javascript)
        try:
            if not javascript:
                drv.get('data:text/html,<noscript><p id="off">off</p></noscript>')
                ok(len(drv.find_elements(By.ID, 'off')) == 1, 'JavaScript is really off')
            drv.get(server.url + '/f/A001')
            ok('居民留言' in drv.title and '第一党支部' in drv.title, '%s: the form opens (%s)' % (mode, drv.title))
            body = drv.find_element(By.TAG_NAME, 'body').rect
            ok(body['width'] <= 360 and (not javascript or drv.execute_script('return window.innerWidth') == 360),
               '%s: the page is laid out 360 px wide (%s)' % (mode, body['width']))
            fits(drv, 360, '%s: the form' % mode)
            trap = drv.find_element(By.ID, 'website').rect
            ok(trap['x'] + trap['width'] <= 0, '%s: the honeypot is out of sight' % mode)
            if shots:
                drv.save_screenshot(os.path.join(shots, 'form-%s.png' % ('js' if javascript else 'nojs')))
            text = '%s：小区东门路灯坏了一周，晚上很黑。' % mode
            Select(drv.find_element(By.ID, 'category')).select_by_value('facilities')
            drv.find_element(By.ID, 'content').send_keys(text)
            drv.find_element(By.ID, 'place').send_keys('东门')
            drv.find_element(By.ID, 'name').send_keys('李四')
            drv.find_element(By.ID, 'phone').send_keys('13912345678')
            # Without the page's JavaScript, chromedriver's click never
            # returns (it waits on a timer in the page): the resident's other
            # way is taken instead, Enter in a field, which sends the form.
            if javascript:
                drv.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
            else:
                drv.find_element(By.ID, 'place').send_keys(Keys.ENTER)
            code = drv.find_element(By.ID, 'tracking-code').text.strip()
            ok('留言已提交' in drv.title and len(code) == 36, '%s: sent, tracking code %s' % (mode, code))
            fits(drv, 360, '%s: the answer' % mode)
            link = drv.find_element(By.ID, 'status-link')
            link.click() if javascript else link.send_keys(Keys.ENTER)
            ok(drv.current_url.endswith('/f/status/' + code) and drv.find_element(By.ID, 'status').text == '待处理',
               '%s: the status page says 待处理' % mode)

            a.sync()
            m = {x['id']: x for x in json.loads(a.cli('--json', 'feedback', 'list').stdout)}.get(code, {})
            ok(m.get('content') == text and m.get('contact') == '13912345678',
               '%s: the workstation has the message after a sync' % mode)
            ok(a.cli('feedback', 'note', code, '内部：李四是楼长').returncode == 0 and
               a.cli('feedback', 'reply', code, '已报修，路灯今晚修好。').returncode == 0, '%s: a notes and replies' % mode)
            a.sync()
            drv.refresh()
            replies = drv.find_element(By.ID, 'replies').text
            source = drv.page_source
            ok('已报修，路灯今晚修好。' in replies and drv.find_element(By.ID, 'status').text == '已答复',
               '%s: after the next sync the status page shows the reply' % mode)
            ok('李四' not in source and '13912345678' not in source and '楼长' not in source,
               '%s: and neither the note nor the name nor the phone' % mode)
            fits(drv, 360, '%s: the status page' % mode)
            if shots:
                drv.save_screenshot(os.path.join(shots, 'status-%s.png' % ('js' if javascript else 'nojs')))
        finally:
            drv.quit()
    accounted(server, [a], 'A001', 'browser')
    server.stop()


def main():
    name = sys.argv[1].replace('-', '_')
    if name == 'public_browser':
        with_selenium()
    fn = globals().get('case_' + name)
    if fn is None:
        print('no such case: %s' % sys.argv[1])
        return 2
    work = tempfile.mkdtemp(prefix='evg-sync-')
    try:
        fn(work)
    except AssertionError as e:
        ok(False, 'stopped: %s' % e)
    except Exception as e:
        import traceback
        traceback.print_exc()
        ok(False, 'crashed: %r' % e)
    finally:
        print('1..%d' % _n)
        # Leave the files for a look when something failed.
        if _failures == 0:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print('# files kept in %s' % work)
        # Stop any server still running (they are our children).
        for p in RUNNING:
            if p.poll() is None:
                p.kill()
    return 1 if _failures else 0


if __name__ == '__main__':
    sys.exit(main())
