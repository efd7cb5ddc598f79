// A round trip through slsd with the Node SLS client, @alicloud/log:
// create a project and a logstore, put 101 logs with tags, topic and source
// over several calls, and read them back; check SLS's error envelope too.
//
// The client has no PullLogs (its getLogs is an index query, which slsd
// does not implement), so the read back signs GetCursor and PullLogs with
// the client's own signer and decodes them with its own protobuf schema.
//
// The client ignores HTTP_PROXY and puts the project in the host name
// (<project>.127.0.0.1), which resolves nowhere: every call gets an
// http.Agent whose lookup answers the endpoint's address, as SLS's DNS
// sends every project name to the same frontends.
//
//   SLSD_ENDPOINT=127.0.0.1:7000 SLSD_ACCESS_KEY_ID=... SLSD_ACCESS_KEY_SECRET=... node roundtrip.mjs

import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Client = require('@alicloud/log');
const sdkRequire = createRequire(require.resolve('@alicloud/log'));
const httpx = sdkRequire('httpx');
const protobuf = sdkRequire('protobufjs');

const endpoint = process.env.SLSD_ENDPOINT;
const accessKeyId = process.env.SLSD_ACCESS_KEY_ID;
const accessKeySecret = process.env.SLSD_ACCESS_KEY_SECRET;
assert.ok(endpoint && accessKeyId && accessKeySecret, 'set SLSD_ENDPOINT, SLSD_ACCESS_KEY_ID and SLSD_ACCESS_KEY_SECRET');
const address = endpoint.replace(/:\d+$/, '');

const agent = new http.Agent({
  lookup(hostname, options, callback) {
    if (options.all) {
      callback(null, [{ address, family: 4 }]);
    } else {
      callback(null, address, 4);
    }
  },
});
const opts = { agent, timeout: 10000 };
const client = new Client({ endpoint, accessKeyId, accessKeySecret });

const project = `node-roundtrip-${Date.now()}`;
const logstore = 'node-logs';
const total = 101;

await client.createProject(project, { description: 'Node round trip' }, opts);
await client.createLogStore(project, logstore, { ttl: 1, shardCount: 2 }, opts);
const ls = await client.getLogStore(project, logstore, opts);
assert.equal(ls.logstoreName, logstore);
assert.equal(ls.shardCount, 2);

// 101 logs in batches of 20 (the last one smaller), with tags.
const now = Math.floor(Date.now() / 1000);
for (let first = 0; first < total; first += 20) {
  const logs = [];
  for (let seq = first; seq < Math.min(first + 20, total); seq++) {
    logs.push({ timestamp: now, content: { seq: String(seq), msg: `hello ${seq}`, 'unicode': 'ログ ✓' } });
  }
  await client.postLogStoreLogs(project, logstore, {
    logs,
    tags: [{ host: 'node-1' }, { batch: String(first / 20) }],
    topic: 'roundtrip',
    source: '10.0.0.7',
  }, opts);
}

// Read back: GetCursor (JSON, through the client) and PullLogs (protobuf).
const proto = protobuf.loadSync(path.join(path.dirname(require.resolve('@alicloud/log')), 'lib', 'sls.proto'));
const LogGroupList = proto.lookupType('sls.LogGroupList');

async function pull(shard, cursor) {
  const p = `/logstores/${logstore}/shards/${shard}`;
  const queries = { type: 'logs', cursor, count: '1000' };
  const headers = {
    date: new Date().toGMTString(),
    'x-log-apiversion': '0.6.0',
    'x-log-signaturemethod': 'hmac-sha1',
    'x-log-bodyrawsize': '0',
    accept: 'application/x-protobuf',
  };
  headers.authorization = client._sign('GET', p, queries, headers, { accessKeyId, accessKeySecret });
  const url = `http://${project}.${endpoint}${p}?${new URLSearchParams(queries)}`;
  const res = await httpx.request(url, { method: 'GET', headers, agent, timeout: 10000 });
  const body = await httpx.read(res);
  assert.equal(res.statusCode, 200, `PullLogs: ${res.statusCode} ${body}`);
  assert.ok(!res.headers['x-log-compresstype'], 'asked for no compression');
  assert.equal(Number(res.headers['x-log-bodyrawsize']), body.length);
  const list = LogGroupList.decode(body);
  assert.equal(Number(res.headers['x-log-count']), list.logGroupList.length);
  return { groups: list.logGroupList, next: res.headers['x-log-cursor'] };
}

const seen = new Map();
for (const shard of [0, 1]) {
  const p = `/logstores/${logstore}/shards/${shard}`;
  const { cursor } = await client._request('GET', project, p, { type: 'cursor', from: 'begin' }, null, {}, opts);
  let c = cursor;
  for (;;) {
    const { groups, next } = await pull(shard, c);
    for (const g of groups) {
      assert.equal(g.Topic, 'roundtrip');
      assert.equal(g.Source, '10.0.0.7');
      const tags = Object.fromEntries(g.LogTags.map((t) => [t.Key, t.Value]));
      assert.equal(tags.host, 'node-1');
      for (const log of g.Logs) {
        const content = Object.fromEntries(log.Contents.map((kv) => [kv.Key, kv.Value]));
        assert.equal(log.Time, now);
        assert.equal(content.unicode, 'ログ ✓');
        assert.equal(content.msg, `hello ${content.seq}`);
        seen.set(Number(content.seq), (seen.get(Number(content.seq)) || 0) + 1);
      }
    }
    if (next === c) break;
    c = next;
  }
}
for (let seq = 0; seq < total; seq++) {
  assert.equal(seen.get(seq), 1, `log ${seq} read back ${seen.get(seq) || 0} times`);
}
assert.equal(seen.size, total);

// Errors come in SLS's envelope, which the client turns into err.code.
await assert.rejects(client.getLogStore(project, 'no-such-logstore', opts), { code: 'LogStoreNotExist' });
await assert.rejects(client.getLogs(project, logstore, new Date(Date.now() - 60000), new Date(), {}, opts),
  (err) => err.code === 'InvalidMethod' && /slsd does not implement GetLogs/.test(err.message));

await client.deleteLogStore(project, logstore, opts);
await client.deleteProject(project, opts);
await assert.rejects(client.getProject(project, opts), { code: 'ProjectNotExist' });
console.log(`node @alicloud/log round trip: ${total} logs put with tags in ${Math.ceil(total / 20)} calls and read back once each; errors in SLS's envelope`);
