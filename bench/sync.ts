// Sync throughput: records from the Source interface to objects stored on a local S3-compatible server (s3rver,
// in its own process)
// through @aws-sdk/client-s3, beside the floor: putting the very same object bytes directly, in the same run.
// Usage: npx tsx bench/sync.ts [--events N]. Prints a Markdown table; run by `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Store, SyncEngine, type ObjectStore, type RawRecord, type Source } from '../generated/sync/runtime.js';

const require = createRequire(import.meta.url);

const argN = process.argv.indexOf('--events');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 200_000;
const VALUE = 1024;

// the S3 server in its own process, as MinIO would be: the engine and the server do not share a thread
const server = spawn(process.execPath, ['-e', `const S3rver = require(${JSON.stringify(require.resolve('s3rver'))}); new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(mkdtempSync(join(tmpdir(), 'cg-bench-s3-')))}, configureBuckets: [{ name: 'raw' }] }).run().then((a) => console.log(a.port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
const client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

// the records: 1 KB values, keys, a header; 6 partitions
const value = Buffer.alloc(VALUE, 7);
const key = Buffer.from('8f14e45f-ceea-4e1a-9c6a-3f1c2b7d9a10');
const t0 = Date.UTC(2024, 2, 1, 12);
const records: RawRecord[] = Array.from({ length: N }, (_, i) => ({ topic: 'ridehailing.public.users', partition: i % 6, offset: String(Math.floor(i / 6)), timestamp: String(t0 + (i >> 10)), key, value, headers: [{ key: 'trace', value: key }] }));

const engineOpts = { prefix: 'raw', maxRecords: 10_000, maxBytes: 16 << 20, maxAgeMs: 60_000 };
async function runEngine(store: ObjectStore): Promise<number> {
  let served = 0;
  const source: Source = { poll: async (max) => { const out = records.slice(served, served + max); served += out.length; return out; }, commit: async () => {}, close: async () => {} };
  const engine = new SyncEngine(source, store, { send: async () => {} }, engineOpts);
  const stop = new AbortController();
  const timer = setInterval(() => served >= N && stop.abort(), 1);
  const start = process.hrtime.bigint();
  await engine.run(stop.signal);
  clearInterval(timer);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// 1. the floor: the engine's exact objects (captured without storing), then put directly with the same client
let bodies: Array<[string, Buffer]> = [];
await runEngine({ put: async (k, b) => void bodies.push([k, Buffer.from(b)]) });
const bytes = bodies.reduce((a, [, b]) => a + b.length, 0);
const objects = bodies.length;
const fstart = process.hrtime.bigint();
for (const [k, b] of bodies) await client.send(new PutObjectCommand({ Bucket: 'raw', Key: `floor/${k}`, Body: b }));
const floorS = Number(process.hrtime.bigint() - fstart) / 1e9;
bodies = []; // release before timing the engine, so neither run carries the other's memory

// 2. the engine: Source → batches → objects on S3
const engineS = await runEngine(new S3Store(client, 'raw'));
server.kill();

const mb = (b: number) => (b / 1e6).toFixed(1);
console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}: ${N.toLocaleString('en-US')} records of ${VALUE} B values, ${objects} objects, ${mb(bytes)} MB stored.`);
console.log('');
console.log('| path | seconds | events/s | MB/s (stored bytes) |');
console.log('|---|---:|---:|---:|');
console.log(`| sync engine: Source → batches → JSON lines → S3 (s3rver) | ${engineS.toFixed(2)} | ${Math.round(N / engineS).toLocaleString('en-US')} | ${mb(bytes / engineS)} |`);
console.log(`| floor: the same objects put directly | ${floorS.toFixed(2)} | ${Math.round(N / floorS).toLocaleString('en-US')} | ${mb(bytes / floorS)} |`);
console.log(`| ratio engine / floor (throughput) | | ${(floorS / engineS).toFixed(2)} | |`);
