#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue #4's comparison in one go: the first sync of N members (up to an empty
# server, down to a second empty device) against PouchDB replicating N member
# documents to a PouchDB server on loopback. Prints one JSON object with both
# figures and our speed over PouchDB's; the target is 10x.
#
#   bench-sync-compare.py [N]        (default 100000)
#
# Needs node and npm (the npm registry) for the PouchDB side, and EVG_CLI,
# EVG_SERVER and EVG_SYNC_TOOL for ours, like bench-sync.py (meson sets them).

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
POUCH = os.path.join(HERE, 'pouchdb')


def install():
    # npm ci starts by deleting node_modules, so only run it when the lock
    # file is newer than what it last installed.
    stamp = os.path.join(POUCH, 'node_modules', '.package-lock.json')
    if (os.path.exists(stamp) and
            os.path.getmtime(stamp) >= os.path.getmtime(os.path.join(POUCH, 'package-lock.json'))):
        return
    # Its output goes to stderr: stdout carries only the JSON.
    subprocess.run(['npm', 'ci', '--no-audit', '--no-fund'], cwd=POUCH, check=True,
                   stdout=sys.stderr)


def run_json(args, **kw):
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    install()
    pouch = run_json(['node', 'bench-replicate.js', str(n)], cwd=POUCH)
    ours = run_json([sys.executable, os.path.join(HERE, 'bench-sync.py'), 'first', str(n)])
    up = ours['up_records_per_s'] / pouch['up_docs_per_s']
    down = ours['down_records_per_s'] / pouch['down_docs_per_s']
    print(json.dumps({'benchmark': 'sync-compare', 'records': n,
                      'pouchdb': pouch, 'ours': ours,
                      'ratio_up': round(up, 1), 'ratio_down': round(down, 1),
                      'target_ratio': 10, 'meets_target': min(up, down) >= 10}))


if __name__ == '__main__':
    main()
