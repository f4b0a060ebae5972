/**
 * The sync target. The sink configs against the Aiven and Confluent S3-sink property lists; the generated
 * TypeScript service (topics.ts from ts-morph, runtime.ts and main.ts copied from templates/sync/static/)
 * type-checked with tsc against the real kafkajs and @aws-sdk/client-s3 types; its engine run
 * against a real S3-compatible server on loopback (s3rver) through @aws-sdk/client-s3 with thousands of records
 * (tombstones, null keys, binary values, headers), killed mid-batch and restarted: every record lands exactly
 * once with identical bytes, and DuckDB reads the raw files.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { type PlatformConfig } from '../generator/config/config.js';
import { generateFrom } from './helpers/generate.js';
import { reference, ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);
// s3rver is CommonJS without types
const S3rver = require('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };

let files: Map<string, string>;
let config: PlatformConfig;
let work: string;
let runtime: Record<string, any>;

beforeAll(async () => {
  const g = await generateFrom();
  files = g.files;
  config = g.analysis.config;
  // a project folder for the generated service, resolving the real packages from ours
  work = mkdtempSync(join(tmpdir(), 'cg-sync-'));
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const f of ['topics.ts', 'runtime.ts', 'main.ts']) writeFileSync(join(work, f), files.get(`sync/${f}`)!);
  const ts = require('typescript') as typeof import('typescript');
  writeFileSync(join(work, 'runtime.mjs'), ts.transpileModule(files.get('sync/runtime.ts')!, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  runtime = await import(pathToFileURL(join(work, 'runtime.mjs')).href);
});

const names = (rel: string) => new Set(readFileSync(reference(rel).path, 'utf8').trim().split('\n'));

describe('sync sink connector', () => {
  it('uses only Aiven S3 sink and Kafka Connect property names, raw bytes, and provider credentials', () => {
    const c = JSON.parse(files.get('sync/sink-connector.json')!).config as Record<string, string>;
    const known = new Set([...names('s3-sink/aiven-s3-sink-properties.txt'), ...names('kafka/kafka-connect-framework-properties.txt')]);
    for (const k of Object.keys(c)) expect(known.has(k), k).toBe(true);
    expect(c).toMatchObject({
      'connector.class': 'io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector',
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'format.output.type': 'jsonl',
      'format.output.fields': 'key,value,offset,timestamp,headers',
      'aws.s3.endpoint': config.minio.endpoint,
      topics: 'ridehailing.mobility.rides,ridehailing.public.users',
    });
    expect(c['file.name.template']).toBe('raw/{{topic}}/dt={{timestamp:unit=yyyy}}-{{timestamp:unit=MM}}-{{timestamp:unit=dd}}/hour={{timestamp:unit=HH}}/{{topic}}+{{partition:padding=true}}+{{start_offset:padding=true}}.jsonl');
    expect(c['file.name.timestamp.source']).toBe('event');
    expect(c['aws.secret.access.key']).toMatch(/^\$\{file:/);
  });

  it('has no Confluent option: a config asking for it gets a positioned diagnostic (its ByteArrayFormat cannot write the raw layout)', async () => {
    const { loadConfigText } = await import('../generator/analyze.js');
    const bad = loadConfigText('contractgen.config.yaml', 'version: 1\nsync:\n  connector: confluent\n');
    expect(bad.diagnostics.map((d) => [d.severity, d.line])).toContainEqual(['error', 3]);
    expect(loadConfigText('contractgen.config.yaml', 'version: 1\nsync:\n  connector: aiven\n').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('sync service', () => {
  it('type-checks against the real kafkajs and @aws-sdk/client-s3 types', () => {
    // and the declaration that stands in for topics.ts in `npm run typecheck` promises no more than topics.ts gives
    copyFileSync(join(ROOT, 'templates/sync/typecheck/topics.d.ts'), join(work, 'topics.stub.d.ts'));
    writeFileSync(
      join(work, 'stub-check.ts'),
      `import { DEFAULTS, TOPICS, type TopicDefinition, type TopicName } from './topics.js';
import type * as stub from './topics.stub.js';
export const topics: typeof stub.TOPICS = TOPICS;
export const defaults: typeof stub.DEFAULTS = DEFAULTS;
export const definition: stub.TopicDefinition = {} as TopicDefinition;
export const name: stub.TopicName = '' as TopicName;
`,
    );
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], skipLibCheck: false }, files: ['main.ts', 'stub-check.ts'] }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  describe('the engine against a local S3-compatible server', () => {
    let s3: InstanceType<typeof S3rver>;
    let client: S3Client;
    const bucket = 'lake-raw';
    type Rec = { topic: string; partition: number; offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Array<{ key: string; value: Buffer | null }> };
    const input: Rec[] = [];

    beforeAll(async () => {
      s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 'cg-s3rver-')), configureBuckets: [{ name: bucket }] });
      const { port } = await s3.run();
      client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      // 3,000 records over 2 topics × 3 partitions: tombstones, null keys, binary values, headers (some null)
      const t0 = Date.UTC(2024, 2, 1, 11, 58);
      for (let i = 0; i < 3000; i++) {
        const topic = i % 2 ? 'ridehailing.public.users' : 'ridehailing.mobility.rides';
        const partition = i % 3;
        const offset = String(Math.floor(i / 6) + (partition === 2 ? 9_007_199_254_740_993 - 600 : 0)); // one partition beyond 2^53
        input.push({
          topic,
          partition,
          offset: partition === 2 ? (BigInt(offset) + 0n).toString() : offset,
          timestamp: String(t0 + i * 100), // crosses an hour boundary
          key: i % 7 === 0 ? null : randomBytes(1 + (i % 20)),
          value: i % 11 === 0 ? null : Buffer.concat([Buffer.from([0, 0xff, 0x0a, 0x0d]), randomBytes(i % 300)]),
          headers: i % 5 === 0 ? [{ key: 'trace', value: randomBytes(8) }, { key: 'empty', value: null }] : [],
        });
      }
    });
    afterAll(async () => s3?.close());

    const keyOf = (r: { topic: string; partition: number; offset: string }) => `${r.topic}/${r.partition}/${r.offset}`;

    async function readAll(): Promise<Map<string, { record: Rec; objects: number }>> {
      const out = new Map<string, { record: Rec; objects: number }>();
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const body = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }))).Body!.transformToByteArray()).toString('utf8');
          for (const r of runtime.decodeObject(o.Key!, body) as Rec[]) {
            const prev = out.get(keyOf(r));
            out.set(keyOf(r), { record: r, objects: (prev?.objects ?? 0) + 1 });
          }
        }
        token = page.NextContinuationToken;
      } while (token);
      return out;
    }

    it('stores every record exactly once, byte-identical, after a crash mid-batch and a restart', async () => {
      const file = join(work, 'recorded.jsonl');
      writeFileSync(file, input.map((r) => `${runtime.encodeRecorded(r)}\n`).join(''));
      const opts = { prefix: 'raw', maxRecords: 97, maxBytes: 1 << 20, maxAgeMs: 60_000, backoffMs: 1 };
      const noDeadLetters = { send: async () => { throw new Error('no dead letters expected'); } };

      // first run: the 8th put reaches S3 and then the process "dies" before it returns, so it is never committed
      let puts = 0;
      const real = new runtime.S3Store(client, bucket);
      const dying = { put: async (k: string, b: Buffer) => { puts++; await real.put(k, b); if (puts >= 8) await new Promise(() => {}); } };
      const first = new runtime.SyncEngine(new runtime.FileSource(file), dying, noDeadLetters, opts);
      void first.run(new AbortController().signal); // never finishes: the crash
      for (let i = 0; i < 200 && puts < 8; i++) await new Promise((r) => setTimeout(r, 10));
      expect(puts).toBeGreaterThanOrEqual(8); // the 8th and any put in flight beside it never return
      const committed = JSON.parse(readFileSync(`${file}.offsets.json`, 'utf8'));
      expect(Object.keys(committed).length).toBeGreaterThan(0);

      // restart from the committed offsets with a healthy store, until the file is drained
      const source = new runtime.FileSource(file);
      const second = new runtime.SyncEngine(source, real, noDeadLetters, opts);
      const stop = new AbortController();
      const timer = setInterval(() => source.done() && stop.abort(), 5);
      await second.run(stop.signal);
      clearInterval(timer);

      const stored = await readAll();
      expect(stored.size).toBe(input.length);
      for (const r of input) {
        const s = stored.get(keyOf(r));
        expect(s, keyOf(r)).toBeDefined();
        expect(s!.objects, `${keyOf(r)} stored more than once`).toBe(1);
        expect(s!.record.key?.equals(r.key!) ?? r.key === null, `key of ${keyOf(r)}`).toBe(true);
        expect(s!.record.value === null ? r.value === null : s!.record.value.equals(r.value!), `value of ${keyOf(r)}`).toBe(true);
        expect(s!.record.timestamp).toBe(r.timestamp);
        expect(s!.record.headers.map((h) => [h.key, h.value?.toString('hex') ?? null])).toEqual(r.headers.map((h) => [h.key, h.value?.toString('hex') ?? null]));
      }
      expect([...stored.values()].filter((s) => s.record.value === null).length).toBe(input.filter((r) => r.value === null).length);
      expect([...stored.keys()].some((k) => k.endsWith('/9007199254740393'))).toBe(true); // 64-bit offsets, digit exact
    });

    it('lays objects out by topic, date and hour, named by partition and first offset; DuckDB reads them', async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      for (const k of keys) expect(k).toMatch(/^raw\/ridehailing\.(public\.users|mobility\.rides)\/dt=2024-03-01\/hour=1[12]\/ridehailing\.\w+\.\w+\+\d{10}\+\d{20}\.jsonl$/);
      expect(new Set(keys.map((k) => k.split('/')[3])).size).toBe(2); // the hour boundary split the batches
      const local = mkdtempSync(join(tmpdir(), 'cg-raw-'));
      for (const k of keys) {
        const path = join(local, ...k.split('/'));
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: k }))).Body!.transformToByteArray()));
      }
      const db = await DuckDBInstance.create(':memory:');
      const con = await db.connect();
      const r = (await con.runAndReadAll(`SELECT count(*) AS n, count(value) AS with_value, count(DISTINCT dt) AS days FROM read_json('${local}/raw/*/*/*/*.jsonl', format = 'newline_delimited', hive_partitioning = true, columns = {key: 'VARCHAR', value: 'VARCHAR', "offset": 'UBIGINT', "timestamp": 'VARCHAR'})`)).getRowObjectsJson()[0] as Record<string, string>;
      expect(Number(r.n)).toBe(input.length);
      expect(Number(r.with_value)).toBe(input.filter((x) => x.value !== null).length);
      expect(Number(r.days)).toBe(1);
    });

    it('closes batches by count, by bytes and by time, and flushes and commits on stop', async () => {
      const puts: Array<{ key: string; lines: number }> = [];
      const commits: string[] = [];
      const store = { put: async (key: string, body: Buffer) => void puts.push({ key, lines: body.toString().split('\n').filter(Boolean).length }) };
      const recs = input.filter((r) => r.topic === 'ridehailing.public.users' && r.partition === 0).slice(0, 50);
      let served = 0;
      const source = {
        poll: async (max: number) => {
          const out = recs.slice(served, served + Math.min(max, 10));
          served += out.length;
          if (!out.length) await new Promise((r) => setTimeout(r, 5));
          return out;
        },
        commit: async (ps: Array<{ offset: string }>) => void commits.push(...ps.map((p) => p.offset)),
        close: async () => {},
      };
      const byCount = new runtime.SyncEngine(source, store, { send: async () => {} }, { prefix: 'raw', maxRecords: 20, maxBytes: 1 << 30, maxAgeMs: 60_000 });
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 150);
      await byCount.run(stop.signal);
      expect(puts.map((p) => p.lines)).toEqual([20, 20, 10]); // two by count, the rest flushed on stop
      expect(commits[commits.length - 1]).toBe((BigInt(recs[recs.length - 1]!.offset) + 1n).toString());

      puts.length = 0;
      served = 0;
      const line = runtime.encodeRecord(recs[0]).length;
      const byBytes = new runtime.SyncEngine(source, store, { send: async () => {} }, { prefix: 'raw', maxRecords: 1000, maxBytes: line * 3, maxAgeMs: 60_000 });
      const stop2 = new AbortController();
      setTimeout(() => stop2.abort(), 150);
      await byBytes.run(stop2.signal);
      expect(Math.max(...puts.map((p) => p.lines))).toBeLessThanOrEqual(4);
      expect(puts.reduce((a, p) => a + p.lines, 0)).toBe(50);

      puts.length = 0;
      served = 0;
      // a source that trickles: 10 records every 5 ms
      const slow = { ...source, poll: async (max: number) => (await new Promise((r) => setTimeout(r, 5)), source.poll(max)) };
      const byTime = new runtime.SyncEngine(slow, store, { send: async () => {} }, { prefix: 'raw', maxRecords: 1000, maxBytes: 1 << 30, maxAgeMs: 1 });
      const stop3 = new AbortController();
      setTimeout(() => stop3.abort(), 150);
      await byTime.run(stop3.signal);
      expect(puts.length).toBeGreaterThan(1); // batches closed on age, not on size
      expect(puts.reduce((a, p) => a + p.lines, 0)).toBe(50);
    });

    it('retries a failing store with backoff, and sends a record the store keeps rejecting to the dead letters', async () => {
      const recs = input.filter((r) => r.topic === 'ridehailing.mobility.rides' && r.partition === 1).slice(0, 30);
      const poison = recs[7]!;
      let flaky = 2;
      const stored: string[] = [];
      const store = {
        put: async (key: string, body: Buffer) => {
          if (flaky-- > 0) throw new Error('503 SlowDown');
          if (body.toString().includes(`"offset":${poison.offset},`)) throw new Error('400 InvalidRequest');
          stored.push(key);
        },
      };
      const dead: string[] = [];
      let served = false;
      const source = { poll: async () => (served ? [] : ((served = true), recs)), commit: async () => {}, close: async () => {} };
      const engine = new runtime.SyncEngine(source, store, { send: async (r: Rec, e: Error) => void dead.push(`${r.offset}:${e.message}`) }, { prefix: 'raw', maxRecords: 1000, maxBytes: 1 << 30, maxAgeMs: 60_000, retries: 3, backoffMs: 1 });
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 50);
      await engine.run(stop.signal);
      expect(dead).toEqual([`${poison.offset}:400 InvalidRequest`]);
      expect(stored.length).toBe(recs.length - 1); // the others, one object each after the batch was refused
      expect(engine.stored).toBe(recs.length);
    });
  });
});

describe('sync service process (main.ts)', () => {
  /** The generated service compiled to JavaScript beside node_modules, as `npx tsx main.ts` would run it. */
  function compiled(): string {
    const ts = require('typescript') as typeof import('typescript');
    const dir = mkdtempSync(join(tmpdir(), 'cg-sync-main-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    for (const f of ['topics', 'runtime', 'main']) {
      writeFileSync(join(dir, `${f}.js`), ts.transpileModule(files.get(`sync/${f}.ts`)!, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    }
    return dir;
  }
  /** Records in the objects under a folder (lines joined by a newline, none after the last). */
  const countLines = (root: string): number => {
    let n = 0;
    try {
      for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.jsonl'))) n += readFileSync(join(root, f), 'utf8').split('\n').length;
    } catch {
      return 0;
    }
    return n;
  };

  it('replays the example recording into a folder, and a second run stores nothing new', () => {
    const dir = compiled();
    const recording = join(dir, 'records.jsonl');
    writeFileSync(recording, readFileSync(join(ROOT, 'examples/sync-replay/records.jsonl')));
    const out = join(dir, 'raw');
    const env = { PATH: process.env.PATH ?? '', SYNC_SOURCE: 'file', SYNC_FILE: recording, SYNC_STORE: 'folder', SYNC_FOLDER: out, SYNC_MAX_RECORDS: '25', SYNC_HTTP_PORT: '0' };
    const first = spawnSync(process.execPath, [join(dir, 'main.js')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('stored 240 records');
    // JSON logs: one object per line
    for (const line of first.stdout.trim().split('\n')) expect(Object.keys(JSON.parse(line)).slice(0, 3)).toEqual(['time', 'level', 'msg']);
    expect(countLines(out)).toBe(240);
    const second = spawnSync(process.execPath, [join(dir, 'main.js')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(second.stdout).toContain('stored 0 records');
    expect(countLines(out)).toBe(240);
  });

  it('on SIGTERM flushes every open batch and commits before it exits', async () => {
    const dir = compiled();
    const recording = join(dir, 'records.jsonl');
    // a long recording and batches that never fill on their own: only the shutdown can flush them
    writeFileSync(recording, readFileSync(join(ROOT, 'examples/sync-replay/records.jsonl')));
    const out = join(dir, 'raw');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', `
      import(${JSON.stringify(pathToFileURL(join(dir, 'runtime.js')).href)}).then(async (rt) => {
        const source = new rt.FileSource(${JSON.stringify(recording)});
        const engine = new rt.SyncEngine(source, new rt.FolderStore(${JSON.stringify(out)}), { send: async () => {} }, { prefix: 'raw', maxRecords: 1e9, maxBytes: 1e12, maxAgeMs: 3600000 });
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        console.log('ready');
        await engine.run(stop.signal);
        console.log('stored', engine.stored);
      });`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    while (!stdout.includes('ready')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300)); // everything read, nothing flushed yet
    expect(countLines(out) || 0).toBe(0);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(stdout).toContain('stored 240');
    expect(countLines(out)).toBe(240);
    const offsets = JSON.parse(readFileSync(`${recording}.offsets.json`, 'utf8')) as Record<string, string>;
    expect(offsets).toEqual({ 'ridehailing.mobility.rides/0': '120', 'ridehailing.public.users/1': '120' });
  });
});
