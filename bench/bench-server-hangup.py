#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Why e-vanguard-server left SoupServer for libmicrohttpd, as figures: a
# bare SoupServer (Debian 12's libsoup 3.2, bench-soup-hangup) and the
# server are each sent N clients that connect, ask on a kept-alive
# connection and hang up, then N that hang up mid-request.  Prints JSON:
# the sockets each still holds (CLOSE-WAIT), and requests per second over
# one kept-alive connection and over a new connection each.
#
# Usage: bench-server-hangup.py [N]   (needs EVG_SERVER and EVG_SOUP_HANGUP)

import json
import os
import socket
import subprocess
import sys
import tempfile
import time


def start(argv):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    return proc, int(line.strip().rstrip('/').rsplit(':', 1)[1])


def held_sockets(proc):
    n = 0
    for fd in os.listdir('/proc/%d/fd' % proc.pid):
        try:
            n += os.readlink('/proc/%d/fd/%s' % (proc.pid, fd)).startswith('socket:')
        except OSError:
            pass
    return n - 1    # the listening socket


def ask(sock):
    sock.sendall(b'GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
    data = b''
    while b'\r\n\r\n' not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b'\r\n\r\n')
    length = int([l.split(b':')[1] for l in head.split(b'\r\n') if l.lower().startswith(b'content-length')][0])
    while len(body) < length:
        body += sock.recv(65536)


def measure(name, proc, port, n):
    for _ in range(n):
        s = socket.create_connection(('127.0.0.1', port))
        ask(s)
        s.close()
    for _ in range(n):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(b'GET /v1/hea')
        s.close()
    time.sleep(1)
    held = held_sockets(proc)
    t0 = time.perf_counter()
    s = socket.create_connection(('127.0.0.1', port))
    for _ in range(2000):
        ask(s)
    s.close()
    kept = 2000 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _ in range(500):
        s = socket.create_connection(('127.0.0.1', port))
        ask(s)
        s.close()
    fresh = 500 / (time.perf_counter() - t0)
    return {'server': name, 'clients_hung_up': 2 * n, 'sockets_still_held': held,
            'requests_per_s_kept_alive': round(kept), 'requests_per_s_new_connection': round(fresh)}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    results = []
    proc, port = start([os.environ['EVG_SOUP_HANGUP']])
    try:
        results.append(measure('SoupServer (libsoup %s)' % subprocess.run(
            ['pkg-config', '--modversion', 'libsoup-3.0'], capture_output=True, text=True).stdout.strip(),
            proc, port, n))
    finally:
        proc.kill()
        proc.wait()
    work = tempfile.mkdtemp(prefix='evg-hangup-')
    proc, port = start([os.environ['EVG_SERVER'], 'serve', '--database', os.path.join(work, 's.db'),
                        '--listen', '127.0.0.1:0', '--max-connections-per-address', '4096'])
    try:
        results.append(measure('e-vanguard-server (libmicrohttpd)', proc, port, n))
    finally:
        proc.terminate()
        proc.wait()
    print(json.dumps({'benchmark': 'server-hangup', 'results': results}, indent=2))


if __name__ == '__main__':
    sys.exit(main())
