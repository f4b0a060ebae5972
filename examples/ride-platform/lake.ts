/**
 * The lake, from the generated artifacts: the raw layer written by the generated sync engine, and the generated
 * Spark job run on DuckDB, step for step as main() runs it:
 *
 *   spark.read.schema(RAW_SCHEMA).json(raw).where(dt <= run date)  → read_json of the raw objects, dt/hour from the folders
 *   RECORDS_SQL                                                     → as written (spark-sql.ts rewrites DuckDB's spellings)
 *   decode(): from_avro by schema id / from_json                   → avsc (the writer schema of each id from the
 *                                                                     Schema Registry, resolved to the job's reader
 *                                                                     schema: avsc's createResolver, Avro's rules), or
 *                                                                     JSON projected on the job's ENVELOPE_SCHEMA
 *   FLATTEN_SQL, TRUNCATED_SQL, CURRENT_SQL, CHECK_SQL              → as written
 *   createDataFrame(ROW_SCHEMA) and the overwrite                   → Parquet under the trusted folder, partitioned as
 *                                                                     PARTITION_COLUMNS, replacing what the job's
 *                                                                     overwrite mode replaces (static: everything;
 *                                                                     dynamic: the partitions written)
 *
 * What the job does is read from the job's text (its constants, its decode(), its session config), so the same
 * code runs the jobs of any commit: that is how the scenarios were run against the jobs before issue 15's fixes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import avro from 'avsc';
import type { Dataset, Field } from '../../generator/model/ir.js';
import { inspectPython } from '../../test/helpers/spark-job-check.js';
import { fromAvro, fromPyspark, type SparkType } from '../../test/helpers/spark-types.js';
import { hasPythonSql, pythonSql, sparkToDuckdb } from './spark-sql.js';

export type Canonical = Record<string, string | null>;

/** DuckDB's spelling of a Spark type (the types a decoded envelope holds). */
export function duckType(x: SparkType): string {
  switch (x.kind) {
    case 'struct':
      return `STRUCT(${x.fields.map((f) => `"${f.name.replace(/"/g, '""')}" ${duckType(f.type)}`).join(', ')})`;
    case 'array':
      return `${duckType(x.element)}[]`;
    case 'map':
      return `MAP(${duckType(x.key)}, ${duckType(x.value)})`;
    case 'decimal':
      return `DECIMAL(${x.precision},${x.scale})`;
    default:
      return ({ string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', smallint: 'SMALLINT', tinyint: 'TINYINT', boolean: 'BOOLEAN', double: 'DOUBLE', float: 'FLOAT', binary: 'BLOB', date: 'DATE', timestamp: 'TIMESTAMPTZ', timestamp_ntz: 'TIMESTAMP', void: 'VARCHAR' } as Record<string, string>)[x.kind] ?? 'VARCHAR';
  }
}

/** A JSON value cut to a Spark type, as from_json reads it: unknown fields dropped, missing ones NULL. */
function project(v: unknown, x: SparkType): unknown {
  if (v === null || v === undefined) return null;
  if (x.kind === 'struct') {
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`a ${typeof v} where from_json expects a struct`);
    return Object.fromEntries(x.fields.map((f) => [f.name, project((v as Record<string, unknown>)[f.name], f.type)]));
  }
  if (x.kind === 'array') {
    if (!Array.isArray(v)) throw new Error('a non-array where from_json expects an array');
    return v.map((e) => project(e, x.element));
  }
  return v;
}

/** An Avro value as JSON DuckDB reads into the Spark type from_avro gives it. */
function avroJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(avroJson);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, avroJson(x)]));
  return v;
}

/** The type from_json gives a Cassandra job's envelopes: the job's own ENVELOPE_SCHEMA (PySpark), read, not run. */
export function jsonEnvelopeType(ds: Dataset, job: string): SparkType {
  const [inspected] = inspectPython([{ path: `${ds.name}_job.py`, content: job }]);
  const node = inspected!.assigns.ENVELOPE_SCHEMA;
  if (!node) throw new Error('the job has no ENVELOPE_SCHEMA');
  return fromPyspark(node);
}

export interface JobOutcome {
  /** rows written to the trusted layer by this run */
  trusted: number;
  /** this run's quarantine: the violations of each row */
  quarantined: Array<{ row: Record<string, unknown>; violations: string }>;
  /** Schema Registry ids looked up */
  schemaIds: number[];
}

/** The generated job of one dataset, run on DuckDB. */
export class JobOnDuckdb {
  readonly partitionColumns: string[];
  /** how the job's overwrite replaces the trusted table: session config, overridden by a write option */
  readonly overwrite: 'static' | 'dynamic';
  private readonly envelope: { kind: 'avro'; reader: Record<string, unknown>; byId: boolean } | { kind: 'json'; type: SparkType; runDate: boolean };

  constructor(
    readonly ds: Dataset,
    readonly job: string,
    private readonly con: DuckDBConnection,
    private readonly work: string,
  ) {
    const parts = /^PARTITION_COLUMNS = \[(.*)\]$/m.exec(job);
    this.partitionColumns = parts ? [...parts[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [];
    const session = /\.config\("spark\.sql\.sources\.partitionOverwriteMode", "(\w+)"\)/.exec(job)?.[1];
    const option = /\.option\("partitionOverwriteMode", "(\w+)"\)/.exec(job)?.[1];
    this.overwrite = (option ?? session ?? 'static').toLowerCase() === 'dynamic' ? 'dynamic' : 'static';
    if (hasPythonSql(job, 'ENVELOPE_AVRO_SCHEMA')) {
      // decoding by schema id: the job passes its Envelope as the reader schema (from_avro's avroSchema option)
      this.envelope = { kind: 'avro', reader: JSON.parse(pythonSql(job, 'ENVELOPE_AVRO_SCHEMA')) as Record<string, unknown>, byId: /"avroSchema": ENVELOPE_AVRO_SCHEMA/.test(job) };
    } else {
      this.envelope = { kind: 'json', type: jsonEnvelopeType(ds, job), runDate: /\.alias\("_run_date"\)/.test(job) };
    }
  }

  /** One run of the job: every raw object under `rawDir` (the topic's folder) up to `runDate`. */
  async run(opts: { rawDir: string; runDate: string; trustedDir: string; registryUrl?: string }): Promise<JobOutcome> {
    const con = this.con;
    const sql = (name: string) => sparkToDuckdb(pythonSql(this.job, name));
    const files = existsSync(opts.rawDir) ? readdirSync(opts.rawDir, { recursive: true }).map(String).filter((f) => f.endsWith('.jsonl')) : [];
    // spark.read.schema(RAW_SCHEMA).json(...).where(dt <= run date): dt and hour are the folders' partition columns
    const rawColumns = `{'key': 'VARCHAR', 'value': 'VARCHAR', 'offset': 'BIGINT', 'timestamp': 'VARCHAR'}`;
    if (files.length) await con.run(`CREATE OR REPLACE TABLE raw AS SELECT key, value, "offset", "timestamp", dt, hour, filename FROM read_json('${join(opts.rawDir, '**', '*.jsonl')}', format = 'newline_delimited', columns = ${rawColumns}, hive_partitioning = true, hive_types = {'dt': VARCHAR, 'hour': VARCHAR}, filename = true) WHERE dt <= '${opts.runDate}'`);
    else await con.run(`CREATE OR REPLACE TABLE raw (key VARCHAR, value VARCHAR, "offset" BIGINT, "timestamp" VARCHAR, dt VARCHAR, hour VARCHAR, filename VARCHAR)`);
    const recordsTable = hasPythonSql(this.job, 'RECORDS_SQL') ? 'records' : 'raw';
    if (recordsTable === 'records') await con.run(`CREATE OR REPLACE TABLE records AS ${sql('RECORDS_SQL')}`);
    const values = (await con.runAndReadAll(`SELECT value FROM ${recordsTable} WHERE value IS NOT NULL`)).getRowObjectsJson() as Array<{ value: string }>;
    const schemaIds = await this.decode(values.map((v) => Buffer.from(v.value, 'base64')), opts);
    await con.run(`CREATE OR REPLACE TABLE events AS ${sql('FLATTEN_SQL')}`);
    if (hasPythonSql(this.job, 'TRUNCATED_SQL')) await con.run(`CREATE OR REPLACE TABLE truncated AS ${sql('TRUNCATED_SQL')}`);
    await con.run(`CREATE OR REPLACE TABLE current_state AS ${sql('CURRENT_SQL')}`);
    await con.run(`CREATE OR REPLACE TABLE checked AS ${sql('CHECK_SQL')}`);
    const trusted = await this.write(opts.trustedDir);
    const quarantined = ((await con.runAndReadAll(`SELECT * FROM checked WHERE _violations <> ''`)).getRowObjectsJson() as Array<Record<string, unknown>>).map(({ _violations, ...row }) => ({ row, violations: String(_violations) }));
    return { trusted, quarantined, schemaIds };
  }

  /** decode(): the `decoded` view, typed as from_avro (the reader schema) or from_json (ENVELOPE_SCHEMA) types it. */
  private async decode(values: Buffer[], opts: { runDate: string; registryUrl?: string }): Promise<number[]> {
    const lines: string[] = [];
    let type: SparkType;
    const ids = new Set<number>();
    if (this.envelope.kind === 'avro') {
      const reader = avro.Type.forSchema(this.envelope.reader as never);
      type = fromAvro(this.envelope.reader as never).type;
      const writers = new Map<string, avro.Type>();
      const resolvers = new Map<string, unknown>();
      for (const v of values) {
        const header = v.subarray(0, 5).toString('hex').toUpperCase();
        let decoded: unknown;
        if (this.envelope.byId) {
          if (!header.startsWith('00')) throw new Error(`a raw value is not in the Confluent wire format (magic byte ${header.slice(0, 2)})`);
          if (!writers.has(header)) {
            const id = parseInt(header.slice(2), 16);
            ids.add(id);
            if (!opts.registryUrl) throw new Error('the job looks writer schemas up in a Schema Registry: none given');
            const r = await fetch(`${opts.registryUrl.replace(/\/$/, '')}/schemas/ids/${id}`);
            if (!r.ok) throw new Error(`Schema Registry: GET /schemas/ids/${id} answered ${r.status}`);
            const writer = avro.Type.forSchema(JSON.parse(((await r.json()) as { schema: string }).schema) as never);
            writers.set(header, writer);
            resolvers.set(header, reader.createResolver(writer));
          }
          decoded = this.avroDecode(reader, v.subarray(5), resolvers.get(header));
        } else {
          // the job before issue 15: every value decoded with the current schema, whatever wrote it
          decoded = this.avroDecode(reader, v.subarray(5));
        }
        lines.push(JSON.stringify({ e: avroJson(decoded) }));
      }
    } else {
      type = this.envelope.type;
      for (const v of values) {
        const parsed: unknown = JSON.parse(v.toString('utf8'));
        lines.push(JSON.stringify({ e: project(parsed, type), ...(this.envelope.runDate ? { _run_date: opts.runDate } : {}) }));
      }
    }
    const file = join(this.work, `${this.ds.name}.decoded.jsonl`);
    writeFileSync(file, lines.join('\n') + '\n');
    const columns = `{'e': '${duckType(type).replace(/'/g, "''")}'${this.envelope.kind === 'json' && this.envelope.runDate ? ", '_run_date': 'VARCHAR'" : ''}}`;
    await this.con.run(lines.length ? `CREATE OR REPLACE TABLE decoded AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = ${columns})` : `CREATE OR REPLACE TABLE decoded AS SELECT * FROM (SELECT CAST(NULL AS ${duckType(type)}) AS e${this.envelope.kind === 'json' && this.envelope.runDate ? ', CAST(NULL AS VARCHAR) AS _run_date' : ''}) WHERE false`);
    return [...ids].sort((a, b) => a - b);
  }

  /**
   * from_avro in FAILFAST mode: one datum read from the first byte with the writer schema (resolved to the reader
   * when a resolver is given); bytes left after it are not looked at, as Avro's BinaryDecoder in Spark does not.
   */
  private avroDecode(reader: avro.Type, body: Buffer, resolver?: unknown): unknown {
    let r: { value: unknown; offset: number };
    try {
      r = (reader as unknown as { decode(b: Buffer, pos: number, resolver?: unknown): { value: unknown; offset: number } }).decode(body, 0, resolver);
    } catch (e) {
      throw new Error(`from_avro FAILFAST: Malformed records are detected in record parsing (${(e as Error).message})`);
    }
    if (r.offset < 0) throw new Error('from_avro FAILFAST: Malformed records are detected in record parsing (the value ends inside a datum)');
    return r.value;
  }

  /** createDataFrame(valid rows, ROW_SCHEMA).write.mode("overwrite").partitionBy(...).parquet(trusted). */
  private async write(trustedDir: string): Promise<number> {
    const con = this.con;
    const n = Number(((await con.runAndReadAll(`SELECT count(*) AS n FROM checked WHERE _violations = ''`)).getRowObjectsJson()[0] as { n: string }).n);
    const select = `SELECT * EXCLUDE (_violations) FROM checked WHERE _violations = ''`;
    const parts = this.partitionColumns.map((c) => `"${c}"`).join(', ');
    if (!this.partitionColumns.length || this.overwrite === 'static') {
      // STATIC: the output path is emptied first, then written
      rmSync(trustedDir, { recursive: true, force: true });
      mkdirSync(trustedDir, { recursive: true });
      if (n === 0) return 0;
      if (parts) await con.run(`COPY (${select}) TO '${trustedDir}' (FORMAT parquet, PARTITION_BY (${parts}), OVERWRITE_OR_IGNORE)`);
      else await con.run(`COPY (${select}) TO '${join(trustedDir, 'part-00000.parquet')}' (FORMAT parquet)`);
      return n;
    }
    // DYNAMIC: only the partition directories the write has rows for are replaced
    mkdirSync(trustedDir, { recursive: true });
    if (n === 0) return 0;
    const staging = mkdtempSync(join(this.work, 'staging-'));
    await con.run(`COPY (${select}) TO '${staging}' (FORMAT parquet, PARTITION_BY (${parts}), OVERWRITE_OR_IGNORE)`);
    const leaves = (dir: string, depth: number): string[] => (depth === 0 ? [dir] : readdirSync(dir).flatMap((d) => leaves(join(dir, d), depth - 1)));
    for (const leaf of leaves(staging, this.partitionColumns.length)) {
      const target = join(trustedDir, leaf.slice(staging.length + 1));
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      renameSync(leaf, target);
    }
    rmSync(staging, { recursive: true, force: true });
    return n;
  }
}

// ------------------------------------------------------------------------------------------------ canonical values

/** One value in a comparable form, by the field's logical type. */
export function canonical(f: Field, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  switch (f.type.kind) {
    case 'timestamp':
    case 'timestamp_ntz':
      // microseconds since 1970
      return typeof v === 'number' || typeof v === 'bigint' ? String(v) : String(v);
    case 'date':
      return String(v).slice(0, 10);
    case 'decimal': {
      const scale = (f.type as { scale?: number }).scale ?? 0;
      const [i, d = ''] = String(v).split('.');
      return scale ? `${i}.${d.padEnd(scale, '0').slice(0, scale)}` : i!;
    }
    case 'float32':
    case 'float64':
      return String(Number(v));
    case 'boolean':
      return String(v === true || v === 't' || v === 'true');
    case 'uuid':
      return String(v).toLowerCase();
    default:
      return String(v);
  }
}

/** The SQL that reads a column of the trusted layer (DuckDB) in the canonical form. */
export function trustedColumn(f: Field, col: string): string {
  const c = `"${col.replace(/"/g, '""')}"`;
  switch (f.type.kind) {
    case 'timestamp':
      return `CAST(epoch_us(CAST(${c} AS TIMESTAMPTZ)) AS VARCHAR)`;
    case 'timestamp_ntz':
      return `CAST(epoch_us(CAST(${c} AS TIMESTAMP)) AS VARCHAR)`;
    case 'date':
      return `CAST(CAST(${c} AS DATE) AS VARCHAR)`;
    default:
      return `CAST(${c} AS VARCHAR)`;
  }
}

/** The rows of a trusted folder, canonical. */
export async function readTrusted(con: DuckDBConnection, ds: Dataset, dir: string): Promise<Canonical[]> {
  const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')) : [];
  if (!files.length) return [];
  const rows = (await con.runAndReadAll(`SELECT ${ds.fields.map((f) => `${trustedColumn(f, f.physicalName)} AS "${f.physicalName}"`).join(', ')} FROM read_parquet('${join(dir, '**', '*.parquet')}', hive_partitioning = true)`)).getRowObjectsJson() as Array<Record<string, unknown>>;
  return rows.map((r) => Object.fromEntries(ds.fields.map((f) => [f.physicalName, canonical(f, r[f.physicalName])])));
}

/** Rows of the job's own tables (the quarantine), canonical. */
export async function canonicalRows(con: DuckDBConnection, ds: Dataset, select: string): Promise<Canonical[]> {
  const rows = (await con.runAndReadAll(`SELECT ${ds.fields.map((f) => `${trustedColumn(f, f.physicalName)} AS "${f.physicalName}"`).join(', ')} FROM (${select})`)).getRowObjectsJson() as Array<Record<string, unknown>>;
  return rows.map((r) => Object.fromEntries(ds.fields.map((f) => [f.physicalName, canonical(f, r[f.physicalName])])));
}

/** What differs between two sets of rows keyed by the primary key: missing, extra, and changed columns. */
export function diffRows(ds: Dataset, source: Canonical[], lake: Canonical[], max = 5): string[] {
  const key = (r: Canonical) => JSON.stringify(ds.primaryKey.map((k) => r[ds.fields.find((f) => f.name === k)!.physicalName] ?? null));
  const a = new Map(source.map((r) => [key(r), r]));
  const b = new Map<string, Canonical>();
  const out: string[] = [];
  for (const r of lake) {
    const k = key(r);
    if (b.has(k)) out.push(`key ${k} twice in the lake`);
    b.set(k, r);
  }
  for (const [k, r] of a) {
    const l = b.get(k);
    if (!l) out.push(`missing ${k}`);
    else {
      const cols = ds.fields.filter((f) => r[f.physicalName] !== l[f.physicalName]).map((f) => `${f.physicalName} ${JSON.stringify(l[f.physicalName])} ≠ ${JSON.stringify(r[f.physicalName])}`);
      if (cols.length) out.push(`${k}: ${cols.join(', ')}`);
    }
  }
  for (const k of b.keys()) if (!a.has(k)) out.push(`extra ${k}`);
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more`] : out;
}
