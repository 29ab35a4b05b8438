#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The residents' public page under load (issue #16): N messages sent
# through the form by C clients at once on loopback, each fetching the form
# for its token and posting it back, as a phone does.  The per-address and
# per-branch limits are lifted (every client is 127.0.0.1).  Then every
# message must be on the server exactly once, and a workstation's pull must
# bring exactly those messages.  Prints one JSON object.
#
#   bench-feedback-web.py [N [C]]     default 10,000 messages from 50 clients
#
# Needs EVG_CLI and EVG_SERVER (meson sets them).

import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CLI = os.environ['EVG_CLI']
SERVER = os.environ['EVG_SERVER']
CATEGORIES = ['sanitation', 'property', 'facilities', 'traffic', 'safety', 'neighbours', 'welfare', 'other']


def cpu_s(pid):
    fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def client(port, index, count, latencies, errors, codes):
    """One phone after another on one kept-alive connection: fetch the
    form, send it; the time of the two together is the message's."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    token_re = re.compile(r'name="token" value="([^"]+)"')
    code_re = re.compile(r'id="tracking-code">([^<]+)<')
    for i in range(count):
        t0 = time.perf_counter()
        try:
            conn.request('GET', '/f/A001')
            r = conn.getresponse()
            page = r.read().decode()
            m = token_re.search(page)
            if r.status != 200 or m is None:
                errors.append('form %d' % r.status)
                continue
            body = urllib.parse.urlencode({
                'token': m.group(1), 'category': CATEGORIES[(index + i) % len(CATEGORIES)],
                'content': '压测留言 %d-%d：楼道灯不亮，请尽快处理。' % (index, i),
                'place': '%d号楼' % (i % 30 + 1), 'name': '居民%d' % index,
                'phone': '138%08d' % (index * 100000 + i), 'website': ''})
            conn.request('POST', '/f/A001', body=body,
                         headers={'Content-Type': 'application/x-www-form-urlencoded'})
            r = conn.getresponse()
            page = r.read().decode()
            m = code_re.search(page)
            if r.status != 200 or m is None:
                errors.append('post %d' % r.status)
                continue
            latencies.append(time.perf_counter() - t0)
            codes.append(m.group(1))
        except (OSError, http.client.HTTPException) as e:
            errors.append(repr(e))
            conn.close()
            conn = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    conn.close()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    n_clients = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    work = tempfile.mkdtemp(prefix='evg-bench-web-')
    env = dict(os.environ, EVG_TOKEN_STORE='file', XDG_CONFIG_HOME=os.path.join(work, 'config'),
               XDG_DATA_HOME=os.path.join(work, 'data'))
    db = os.path.join(work, 'server.db')
    proc = None
    try:
        def admin(*args):
            return subprocess.run([SERVER] + list(args) + ['--database', db], env=env,
                                  capture_output=True, text=True, check=True).stdout.strip()
        token = admin('branch', 'add', 'A001', '第一党支部')
        admin('branch', 'page', 'A001', 'on')
        proc = subprocess.Popen([SERVER, 'serve', '--database', db, '--listen', '127.0.0.1:0',
                                 '--max-connections-per-address', '4096',
                                 '--public-rate', '0', '--public-daily-cap', '0'],
                                stdout=subprocess.PIPE, env=env, text=True)
        port = int(proc.stdout.readline().strip().rstrip('/').rsplit(':', 1)[1])

        latencies, errors, codes = [], [], []
        per_client = [n // n_clients + (1 if i < n % n_clients else 0) for i in range(n_clients)]
        threads = [threading.Thread(target=client, args=(port, i, per_client[i], latencies, errors, codes))
                   for i in range(n_clients)]
        cpu0 = cpu_s(proc.pid)
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        server_cpu = cpu_s(proc.pid) - cpu0

        con = sqlite3.connect(db)
        server_rows, server_distinct = con.execute(
            "SELECT count(*), count(DISTINCT json_extract (l.fields, '$.content')) FROM record r "
            "JOIN change_log l ON l.seq = r.log_seq WHERE r.tbl = 'feedback' AND r.branch = 'A001'").fetchone()
        logged = con.execute("SELECT count(*) FROM change_log WHERE change_id LIKE '%.w'").fetchone()[0]
        con.close()

        device = os.path.join(work, 'a.db')
        subprocess.run([CLI, '--database', device, 'sync', 'setup', 'http://127.0.0.1:%d' % port, token],
                       env=env, capture_output=True, check=True)
        t1 = time.perf_counter()
        r = subprocess.run([CLI, '--database', device, '--json', 'sync', 'now'], env=env,
                           capture_output=True, text=True)
        pull_s = time.perf_counter() - t1
        con = sqlite3.connect(device)
        device_rows, device_distinct, device_codes = con.execute(
            "SELECT count(*), count(DISTINCT content), count(DISTINCT id) FROM feedback "
            "WHERE channel = 'web' AND status = 'new'").fetchone()
        con.close()

        sent = len(codes)
        print(json.dumps({
            'bench': 'feedback-web',
            'messages': n,
            'clients': n_clients,
            'seconds': round(elapsed, 2),
            'messages_per_s': round(sent / elapsed, 1),
            'p50_ms': round(statistics.median(latencies) * 1000, 1) if latencies else None,
            'p99_ms': round(percentile(latencies, 99) * 1000, 1) if latencies else None,
            'max_ms': round(max(latencies) * 1000, 1) if latencies else None,
            'errors': len(errors),
            'first_errors': errors[:3],
            'tracking_codes': len(set(codes)),
            'server_rows': server_rows,
            'server_distinct_messages': server_distinct,
            'server_log_entries': logged,
            'device_rows': device_rows,
            'device_distinct_messages': device_distinct,
            'device_sync_ok': r.returncode == 0,
            'device_pull_s': round(pull_s, 2),
            'server_cpu_s': round(server_cpu, 2),
        }), flush=True)
        good = (not errors and sent == n and len(set(codes)) == n and server_rows == n and
                server_distinct == n and logged == n and device_rows == n and device_distinct == n and
                device_codes == n and r.returncode == 0)
        return 0 if good else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
