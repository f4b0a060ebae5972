/**
 * One raw layout. The generated Aiven sink config and the sync service are checked against what Aiven's S3 sink
 * really writes (test/facts/aiven-s3-sink/jsonl.json, read from its v3.4.2 source): the sink's options are valid
 * and file by record time under the service's names; an independent model of Aiven's jsonl writer and file names,
 * built from the facts alone, renders the same records into the same bytes under the same keys as the service;
 * and both outputs read the same through the generated Spark job's RAW_SCHEMA and the generated Trino raw table,
 * each on DuckDB.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import * as runtime from '../templates/sync/static/runtime.js';
import { generateFrom } from './helpers/generate.js';

const facts = JSON.parse(readFileSync(new URL('./facts/aiven-s3-sink/jsonl.json', import.meta.url), 'utf8'));
let files: Map<string, string>;
let sink: Record<string, string>;

beforeAll(async () => {
  files = (await generateFrom()).files;
  sink = JSON.parse(files.get('sync/sink-connector.json')!).config;
});

type Rec = runtime.RawRecord;

// ------------------------------------------------------------------------------------------------ Aiven, from the facts

/** Java's ISO_INSTANT of epoch milliseconds, from its rule: seconds always, the fraction in 3 digits when not zero. */
function javaIsoInstant(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return `${base}${d.getUTCMilliseconds() ? `.${p(d.getUTCMilliseconds(), 3)}` : ''}Z`;
}

/** Aiven's jsonl writer as the facts describe it, for ByteArrayConverter records and all five fields. */
function aivenObject(records: Rec[]): Buffer {
  const order: string[] = facts.jsonl_line.field_order_all_five;
  const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));
  const member: Record<string, (r: Rec) => unknown> = {
    headers: (r) => r.headers.map((h) => ({ key: h.key, value: b64(h.value) })),
    offset: (r) => Number(r.offset), // the test's offsets are small: JSON numbers
    value: (r) => b64(r.value),
    key: (r) => b64(r.key),
    timestamp: (r) => (r.timestamp === '-1' ? null : javaIsoInstant(Number(r.timestamp))),
  };
  // "\n" before every record except the first, none after the last
  return Buffer.from(records.map((r) => JSON.stringify(Object.fromEntries(order.map((f) => [f, member[f]!(r)])))).join('\n'));
}

/** The object key Aiven renders from file.name.template (no aws.s3.prefix), for a file whose head record is `first`. */
function aivenKey(template: string, first: Rec, source: string): string {
  const vars = facts.file_names.variables;
  const time = source === 'event' ? new Date(Number(first.timestamp)) : new Date();
  const units: Record<string, string> = {
    yyyy: String(time.getUTCFullYear()).padStart(4, '0'),
    MM: String(time.getUTCMonth() + 1).padStart(2, '0'),
    dd: String(time.getUTCDate()).padStart(2, '0'),
    HH: String(time.getUTCHours()).padStart(2, '0'),
  };
  const width = (padded: string) => Number(/%0(\d+)d/.exec(padded)![1]);
  return template.replace(/\{\{\s*(\w+)?(:?)([\w=]+)?\s*}}/g, (_, name: string, _c: string, param: string | undefined) => {
    const [k, v] = (param ?? '').split('=');
    if (name === 'topic') return first.topic;
    if (name === 'partition') return v === 'true' ? String(first.partition).padStart(width(vars.partition.padded), '0') : String(first.partition);
    if (name === 'start_offset') return v === 'true' ? first.offset.padStart(width(vars.start_offset.padded), '0') : first.offset;
    if (name === 'timestamp' && k === 'unit') return units[v!]!;
    throw new Error(`unknown template variable ${name}`);
  });
}

function records(n: number, partition: number): Rec[] {
  const t0 = Date.UTC(2024, 2, 1, 11, 59, 59);
  return Array.from({ length: n }, (_, i) => ({
    topic: 'ridehailing.public.users',
    partition,
    offset: String(1000 + i),
    timestamp: String(t0 + i * 41 + (i % 4 === 0 ? 0 : 7)), // some on a whole second, crossing an hour
    key: i % 6 === 0 ? null : randomBytes(1 + (i % 17)),
    value: i % 9 === 0 ? null : randomBytes(i % 70),
    headers: i % 3 === 0 ? [{ key: 'trace', value: randomBytes(5) }, { key: 'empty', value: null }] : [],
  }));
}

/** Connect's files for these records: per partition, a new file at file.max.records and, filing by record time, at each new hour folder. */
function connectBatches(recs: Rec[], max: number, template: string): Rec[][] {
  const out: Rec[][] = [];
  for (const p of [...new Set(recs.map((r) => r.partition))]) {
    let cur: Rec[] = [];
    const folder = (r: Rec) => aivenKey(template, r, 'event').split('/').slice(0, -1).join('/');
    for (const r of recs.filter((x) => x.partition === p)) {
      if (cur.length && (cur.length === max || folder(cur[0]!) !== folder(r))) {
        out.push(cur);
        cur = [];
      }
      cur.push(r);
    }
    if (cur.length) out.push(cur);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ the tests

describe('the generated Aiven sink config, against the sink\'s source', () => {
  it('writes jsonl with every field, ByteArray converters, files by record time in UTC, uncompressed, the key exactly the template', () => {
    expect(sink['format.output.type']).toBe('jsonl');
    expect(sink['format.output.fields']!.split(',').sort()).toEqual([...facts.output_fields_config.allowed].sort());
    expect(sink['format.output.envelope']).toBe('true');
    expect(facts.file_names.timestamp_source.allowed).toMatch(new RegExp(`(^| )${sink['file.name.timestamp.source']}( |$)`));
    expect(sink['file.name.timestamp.source']).toBe('event'); // a redelivery lands in the same folder
    expect(sink['file.name.timestamp.timezone']).toBe('UTC');
    expect(facts.file_names.compression.allowed).toContain(sink['file.compression.type']);
    const ext = facts.file_names.compression.extensions[sink['file.compression.type']!];
    expect(sink['file.name.template']!.endsWith(`.jsonl${ext}`)).toBe(true);
    expect(ext).toBe(''); // the service writes uncompressed objects: the same bytes
    expect(sink).not.toHaveProperty('aws.s3.prefix'); // else the legacy key, not the template
    for (const k of ['key.converter', 'value.converter', 'header.converter']) expect(sink[k]).toBe('org.apache.kafka.connect.converters.ByteArrayConverter');
  });

  it('has a template of known variables in an allowed combination, with the padding the service uses', () => {
    const template = sink['file.name.template']!;
    const used = [...template.matchAll(/\{\{\s*(\w+)?(:?)([\w=]+)?\s*}}/g)].map((m) => [m[1], m[3]]);
    for (const [name] of used) expect(Object.keys(facts.file_names.variables), name).toContain(name);
    for (const req of ['topic', 'partition', 'start_offset']) expect(used.map(([n]) => n)).toContain(req);
    for (const [name, param] of used) if (name === 'partition' || name === 'start_offset') expect(param).toBe('padding=true');
    const units = used.filter(([n]) => n === 'timestamp').map(([, p]) => p);
    expect(units).toEqual(['unit=yyyy', 'unit=MM', 'unit=dd', 'unit=HH']);
  });
});

describe('the service\'s raw lines and names, against Aiven\'s', () => {
  it('orders members as Aiven\'s HashMap does and writes the time as ISO_INSTANT, as in Aiven\'s own test', () => {
    const line = runtime.encodeRecord({ topic: 't', partition: 0, offset: '1', timestamp: '1000', key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'headerKey', value: Buffer.from('h') }] });
    const upstream = JSON.parse(facts.upstream_example.expected_line);
    expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(upstream));
    expect(Object.keys(JSON.parse(line))).toEqual(facts.jsonl_line.field_order_all_five);
    expect(JSON.parse(line).timestamp).toBe(upstream.timestamp);
    expect(Object.keys(JSON.parse(line).headers[0])).toEqual(facts.jsonl_line.headers['member order in header objects']);
    expect(runtime.isoInstant(1_709_294_400_250)).toBe('2024-03-01T12:00:00.250Z');
    expect(runtime.isoInstant(1_709_294_400_000)).toBe('2024-03-01T12:00:00Z');
    expect(() => runtime.isoInstant(253_402_300_800_000)).toThrow(/9999/);
    // against the rule, over instants from the year 0 to 9999, whole seconds and not, in and out of order
    for (let i = 0; i < 5000; i++) {
      const ms = Math.floor((Math.random() * 2 - 1) * 62_000_000_000_000) + (i % 3 === 0 ? 0 : 1);
      const whole = i % 5 === 0 ? ms - (((ms % 1000) + 1000) % 1000) : ms;
      expect(runtime.isoInstant(whole)).toBe(javaIsoInstant(whole));
    }
    // no timestamp (Kafka's -1): Connect gives null, written as null
    expect(JSON.parse(runtime.encodeRecord({ topic: 't', partition: 0, offset: '1', timestamp: '-1', key: null, value: null, headers: [] })).timestamp).toBeNull();
  });

  it('writes the same bytes under the same keys as Aiven for the same batches', () => {
    const recs = [...records(90, 0), ...records(40, 3)];
    const template = sink['file.name.template']!;
    const batches = connectBatches(recs, 25, template);
    let compared = 0;
    for (const b of batches) {
      const key = aivenKey(template, b[0]!, 'event');
      expect(runtime.objectKey('raw', b[0]!)).toBe(key);
      expect(runtime.joinLines(b).equals(aivenObject(b)), key).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('reads the service\'s objects and Aiven\'s the same through the Spark job\'s RAW_SCHEMA and the Trino raw table, on DuckDB', async () => {
    const recs = [...records(120, 0), ...records(60, 1)];
    const dir = mkdtempSync(join(tmpdir(), 'cg-layout-read-'));
    // the service: the real engine into a folder, its own batch boundaries
    const store = new runtime.FolderStore(join(dir, 'service'));
    let served = 0;
    const source = { poll: async (max: number) => recs.slice(served, (served += Math.min(max, 17))), commit: async () => undefined, close: async () => undefined };
    const engine = new runtime.SyncEngine(source, store, { send: async () => undefined }, { prefix: 'raw', maxRecords: 33, maxBytes: 1 << 20, maxAgeMs: 60_000 });
    const stop = new AbortController();
    const timer = setInterval(() => served >= recs.length && stop.abort(), 5);
    await engine.run(stop.signal);
    clearInterval(timer);
    // Aiven: the model above, Connect's batches of 25 per partition and hour
    const template = sink['file.name.template']!;
    for (const b of connectBatches(recs, 25, template)) {
      const key = aivenKey(template, b[0]!, 'event');
      mkdirSync(join(dir, 'aiven', key, '..'), { recursive: true });
      writeFileSync(join(dir, 'aiven', key), aivenObject(b));
    }
    // the readers' declarations, from the generated files
    const job = files.get('spark/users_job.py')!;
    const spark = [...job.slice(job.indexOf('RAW_SCHEMA = StructType(['), job.indexOf('])', job.indexOf('RAW_SCHEMA = '))).matchAll(/StructField\("(\w+)", (\w+)\(\), (True|False)\)/g)].map((m) => [m[1]!, m[2]!]);
    const sparkDuck: Record<string, string> = { StringType: 'VARCHAR', LongType: 'BIGINT' };
    const ddl = files.get('trino/users.sql')!;
    const rawDdl = ddl.slice(ddl.indexOf('CREATE TABLE IF NOT EXISTS hive.raw.users ('), ddl.indexOf(')\nCOMMENT', ddl.indexOf('hive.raw.users')));
    const trino = [...rawDdl.matchAll(/^\s+"?(\w+)"? (varchar|bigint)/gm)].map((m) => [m[1]!, m[2]!]);
    const trinoDuck: Record<string, string> = { varchar: 'VARCHAR', bigint: 'BIGINT' };
    expect(spark.map(([n]) => n)).toEqual(trino.map(([n]) => n));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const read = async (cols: string[][], map: Record<string, string>, folder: string) => {
      const parts = new Set(['dt', 'hour']);
      const columns = cols.filter(([n]) => !parts.has(n!)).map(([n, t]) => `"${n}": '${map[t!]}'`).join(', ');
      const hive = cols.filter(([n]) => parts.has(n!)).map(([n, t]) => `'${n}': ${map[t!]}`).join(', ');
      const sql = `SELECT ${cols.map(([n]) => `"${n}"`).join(', ')} FROM read_json('${join(dir, folder)}/raw/*/*/*/*.jsonl', format = 'newline_delimited', hive_partitioning = true, hive_types = {${hive}}, columns = {${columns}}) ORDER BY ALL`;
      return (await con.runAndReadAll(sql)).getRowObjectsJson();
    };
    const viaSparkService = await read(spark, sparkDuck, 'service');
    const viaSparkAiven = await read(spark, sparkDuck, 'aiven');
    const viaTrinoService = await read(trino, trinoDuck, 'service');
    const viaTrinoAiven = await read(trino, trinoDuck, 'aiven');
    expect(viaSparkService.length).toBe(recs.length);
    expect(viaSparkAiven).toEqual(viaSparkService);
    expect(viaTrinoAiven).toEqual(viaTrinoService);
    expect(viaTrinoService).toEqual(viaSparkService);
    // the values are the records': base64 bytes, exact offsets, ISO time, folders of the record's hour
    const expected = recs.map((r) => {
      const iso = new Date(Number(r.timestamp)).toISOString();
      return { key: r.key?.toString('base64') ?? null, value: r.value?.toString('base64') ?? null, offset: r.offset, ms: Number(r.timestamp), dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
    });
    const got = viaSparkService.map((row) => ({ key: row.key, value: row.value, offset: String(row.offset), ms: Date.parse(String(row.timestamp)), dt: row.dt, hour: row.hour }));
    const sort = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sort(got)).toEqual(sort(expected));
    con.closeSync();
    db.closeSync();
  });
});
