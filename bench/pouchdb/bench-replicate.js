// SPDX-License-Identifier: GPL-3.0-or-later
//
// The PouchDB figure that our first sync is measured against (issue #4):
// N member documents replicate from a local PouchDB up to a PouchDB HTTP
// server on loopback, then down to a second, empty local PouchDB.
// Prints one JSON object.
//
//   node bench-replicate.js [N] [BATCH_SIZE]
//
// Every database is on disk (leveldb), as our SQLite replicas are. The
// server is a child process, as e-vanguard-server is, so that it does not
// share the client's event loop.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { fork } = require('child_process');
const PouchDB = require('pouchdb-node');

function serve(dir) {
  const express = require('express');
  const app = express();
  // Only the routes replication needs: no config file or log written.
  app.use(require('express-pouchdb')(PouchDB.defaults({ prefix: dir + path.sep }),
                                     { mode: 'minimumForPouchDB' }));
  const server = app.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华文玉兰建国红志海';
const GROUPS = ['第一党小组', '第二党小组', '第三党小组', '离退休党小组', '流动党员党小组'];
const EDUCATION = ['postgraduate', 'bachelor', 'college', 'secondary_vocational', 'high_school'];

function pad(n, width) {
  return String(n).padStart(width, '0');
}

// A member in the store's form (see src/core/evg-member.c): codes, ISO dates.
// The id is a random UUID as our replicas make them, so the leveldb key
// order is not the insertion order.
function member(i) {
  const male = i % 2 === 1;
  const year = 1945 + (i % 60);
  const birth = `${year}-${pad(1 + (i % 12), 2)}-${pad(1 + (i % 28), 2)}`;
  const probationary = i % 20 === 0;
  return {
    _id: crypto.randomUUID(),
    type: 'member',
    name: SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length] +
          (i % 3 ? GIVEN[(i * 13) % GIVEN.length] : ''),
    gender: male ? 'male' : 'female',
    ethnicity: i % 10 ? '汉族' : '回族',
    id_number: `110105${birth.replace(/-/g, '')}${pad(i % 1000, 3)}X`,
    birth_date: birth,
    education: EDUCATION[i % EDUCATION.length],
    category: probationary ? 'probationary' : 'full',
    party_group: GROUPS[i % GROUPS.length],
    joined_on: `${year + 20}-07-01`,
    full_member_on: probationary ? null : `${year + 21}-07-01`,
    occupation: '职员',
    phone: `138${pad(i, 8)}`,
    address: `北京市东城区某某街道某某社区 ${1 + (i % 500)} 号`,
    standing: 'normal',
    lost_contact: false,
    mobile_member: false,
    branch: 'B001',
  };
}

async function bench(n, batchSize) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evg-pouchdb-'));
  fs.mkdirSync(path.join(dir, 'server'));
  const server = fork(__filename, ['serve', path.join(dir, 'server')]);
  try {
    const port = await new Promise((resolve, reject) => {
      server.once('message', resolve);
      server.once('exit', (code) => reject(new Error('server exited with ' + code)));
    });
    const remote = `http://127.0.0.1:${port}/members`;
    const a = new PouchDB(path.join(dir, 'a'));
    const b = new PouchDB(path.join(dir, 'b'));
    const opts = batchSize ? { batch_size: batchSize } : {};

    let t = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const docs = [];
      for (let k = i; k < Math.min(n, i + 1000); k++)
        docs.push(member(k));
      await a.bulkDocs(docs);
    }
    const made = (performance.now() - t) / 1000;

    t = performance.now();
    const up = await a.replicate.to(remote, opts);
    const upS = (performance.now() - t) / 1000;

    t = performance.now();
    const down = await b.replicate.from(remote, opts);
    const downS = (performance.now() - t) / 1000;

    // A replication that skipped documents must not pass for a fast one.
    const got = (await b.info()).doc_count;
    if (up.docs_written !== n || down.docs_written !== n || got !== n)
      throw new Error(`wrote ${up.docs_written} up, ${down.docs_written} down, ${got} on b`);

    await a.close();
    await b.close();
    const version = (name) => require(name + '/package.json').version;
    console.log(JSON.stringify({
      benchmark: 'pouchdb-replicate',
      docs: n,
      adapter: a.adapter,
      server: `express-pouchdb ${version('express-pouchdb')} on ${a.adapter}, own process`,
      pouchdb: version('pouchdb-node'),
      node: process.versions.node,
      batch_size: batchSize || 'default (100)',
      local_insert_s: +made.toFixed(2),
      up_s: +upS.toFixed(2),
      up_docs_per_s: Math.round(n / upS),
      down_s: +downS.toFixed(2),
      down_docs_per_s: Math.round(n / downS),
    }));
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3]);
} else {
  bench(parseInt(process.argv[2] || '100000', 10), parseInt(process.argv[3] || '0', 10))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
