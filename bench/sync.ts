// Sync throughput: records from the Source interface to objects stored on a local S3-compatible server (s3rver,
// in its own process)
// through @aws-sdk/client-s3, beside the floor: putting the very same object bytes directly, in the same run.
// Usage: npx tsx bench/sync.ts [--events N] [--runtime path/to/runtime.ts]. Prints a Markdown table; run by
// `npm run bench`. --runtime measures another runtime.ts (an older one, interleaved with this one on a busy machine).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as generated from '../generated/sync/runtime.js';
import type { ObjectStore, RawRecord, Source } from '../generated/sync/runtime.js';

const require = createRequire(import.meta.url);

const argN = process.argv.indexOf('--events');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 200_000;
const VALUE = 1024;
const argR = process.argv.indexOf('--runtime');
// tsx runs TypeScript on import, so another runtime.ts loads as it is
const runtime = (argR > 0 ? await import(pathToFileURL(resolve(process.argv[argR + 1]!)).href) : generated) as typeof generated;

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
/** Wall seconds and this process's CPU seconds for the engine to store every record. */
async function runEngine(store: ObjectStore): Promise<[number, number]> {
  let served = 0;
  const source: Source = { poll: async (max) => { const out = records.slice(served, served + max); served += out.length; return out; }, commit: async () => {}, close: async () => {} };
  const engine = new runtime.SyncEngine(source, store, { send: async () => {} }, engineOpts);
  const stop = new AbortController();
  const timer = setInterval(() => served >= N && stop.abort(), 1);
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await engine.run(stop.signal);
  clearInterval(timer);
  const cpu = process.cpuUsage(cpu0);
  return [Number(process.hrtime.bigint() - start) / 1e9, (cpu.user + cpu.system) / 1e6];
}

// 1. the floor: the engine's exact objects (captured without storing), then put directly with the same client
let bodies: Array<[string, Buffer]> = [];
await runEngine({ put: async (k, b) => void bodies.push([k, Buffer.from(b)]) });
const bytes = bodies.reduce((a, [, b]) => a + b.length, 0);
const objects = bodies.length;
const fstart = process.hrtime.bigint();
const fcpu0 = process.cpuUsage();
for (const [k, b] of bodies) await client.send(new PutObjectCommand({ Bucket: 'raw', Key: `floor/${k}`, Body: b }));
const floorS = Number(process.hrtime.bigint() - fstart) / 1e9;
const fcpu = process.cpuUsage(fcpu0);
const floorCpu = (fcpu.user + fcpu.system) / 1e6;
bodies = []; // release before timing the engine, so neither run carries the other's memory

// 2. the engine: Source → batches → objects on S3
// conditional writes as in production (If-None-Match: *; s3rver ignores the header), metrics on (the engine's default)
const [engineS, engineCpu] = await runEngine(new runtime.S3Store(client, 'raw', true));
server.kill();

const mb = (b: number) => (b / 1e6).toFixed(1);
const n = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}: ${N.toLocaleString('en-US')} records of ${VALUE} B values, ${objects} objects, ${mb(bytes)} MB stored.`);
console.log('');
console.log(`Load average over the last minute when it ended: ${loadavg()[0]!.toFixed(1)} (other work on the machine slows both rows alike; the CPU columns count this process's own CPU time).`);
console.log('');
console.log('| path | seconds | events/s | MB/s (stored bytes) | CPU seconds (this process) | events per CPU second |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(`| sync engine: Source → batches → JSON lines → S3 (s3rver) | ${engineS.toFixed(2)} | ${n(N / engineS)} | ${mb(bytes / engineS)} | ${engineCpu.toFixed(2)} | ${n(N / engineCpu)} |`);
console.log(`| floor: the same objects put directly | ${floorS.toFixed(2)} | ${n(N / floorS)} | ${mb(bytes / floorS)} | ${floorCpu.toFixed(2)} | ${n(N / floorCpu)} |`);
console.log(`| ratio engine / floor (throughput) | | ${(floorS / engineS).toFixed(2)} | | | ${(floorCpu / engineCpu).toFixed(2)} |`);
