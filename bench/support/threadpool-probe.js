// Preloaded into the service under test (node -r): it times a small file read
// and a DNS lookup, both served by libuv's thread pool, every 50 ms, and
// appends them to THREADPOOL_PROBE_FILE. Beside the overload's bcrypt work,
// these times show whether hashing leaves threads for everyone else.
'use strict';
const { appendFileSync, readFile } = require('node:fs');
const { lookup } = require('node:dns');

const file = process.env.THREADPOOL_PROBE_FILE;
if (file) {
  const pending = [];
  const time = (start, kind) => () => pending.push(JSON.stringify({ at: Date.now(), kind, ms: performance.now() - start }));
  setInterval(() => {
    readFile(__filename, time(performance.now(), 'file'));
    lookup('localhost', time(performance.now(), 'dns'));
  }, 50).unref();
  setInterval(() => {
    if (pending.length > 0) appendFileSync(file, pending.splice(0).join('\n') + '\n');
  }, 500).unref();
}
