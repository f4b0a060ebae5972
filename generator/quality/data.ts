/**
 * Where `contractgen test` finds each dataset's rows, made into a DuckDB view named after the dataset's lake
 * name. Three kinds of --data:
 *   - a local folder: <lake>.parquet, <lake>.jsonl or <lake>.json, or a folder <lake>/ of Parquet (hive
 *     partitions read as columns, as the trusted layer is laid out) or of JSON lines;
 *   - s3://bucket/prefix: the same layout under the prefix, read through @aws-sdk/client-s3 from the endpoint in
 *     AWS_ENDPOINT_URL or the config's minio.endpoint, credentials from the usual AWS environment (DuckDB's
 *     httpfs extension would have to be downloaded);
 *   - postgres://… or postgresql://…: each dataset whose source is PostgreSQL, read from its table.
 * JSON has no types: its columns are read as text into a raw view, and the view named after the dataset reads
 * each as the contract's type (the type table's duckdb column) or NULL when it cannot (duckdb.ts: `readAs`), so
 * a bad value fails its column's type check instead of the whole read.
 * Nested columns are read with their declared shape: objects as STRUCTs, arrays as lists, maps as MAPs
 * (PostgreSQL jsonb values arrive as the objects they hold); a JSON column with no declared shape is VARCHAR.
 * A source that cannot be reached or read is the user's problem (a UsageError, exit 2), never an internal error;
 * messages show --data with any password masked.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PlatformConfig } from '../config/config.js';
import { UsageError } from '../diagnostics/diagnostic.js';
import type { Dataset } from '../model/ir.js';
import { lakeName } from '../model/naming.js';
import { mapType } from '../model/types.js';
import { ident, literal, rawView, typedSelect } from './duckdb.js';

export interface Attached {
  /** lake name → where its rows came from */
  found: Map<string, string>;
  missing: string[];
  /** lake names read from text (JSON lines): each has a raw view under it (duckdb.ts: `rawView`) */
  raw: Set<string>;
}

/** --data as messages show it: a password in a URL (user info or a `password` parameter) masked. */
export function shownData(spec: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return spec;
  try {
    const u = new URL(spec);
    if (!u.password && !u.searchParams.has('password')) return spec;
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    return u.toString();
  } catch {
    return spec.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
}

/** Runs a read of --data; what fails there (no route, refused, denied, no such bucket) is reported as usage. */
async function reading<T>(spec: string, what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as Error & { code?: string };
    const why = err.message?.split('\n')[0] || err.code || err.name || String(e);
    throw new UsageError(`--data ${shownData(spec)}: cannot read it: ${why}`);
  }
}

function filesUnder(dir: string, ext: string): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && filesUnder(join(dir, e.name), ext)) return true;
    if (e.isFile() && e.name.endsWith(ext)) return true;
  }
  return false;
}

/** Every column of the contract, as text: the raw view (its types are applied on top of it, see attachData). */
function jsonColumns(ds: Dataset): string {
  return `{${ds.fields.map((f) => `${literal(f.physicalName)}: 'VARCHAR'`).join(', ')}}`;
}

/** The DuckDB table function that reads a dataset from a local folder, if the folder has it; `text`: JSON lines, read raw. */
export function localSource(dir: string, ds: Dataset): { sql: string; from: string; text?: true } | undefined {
  const lake = lakeName(ds);
  const json = (glob: string) => `read_json(${literal(glob)}, format = 'newline_delimited', columns = ${jsonColumns(ds)})`;
  const text = { text: true } as const;
  const file = (ext: string) => join(dir, `${lake}${ext}`);
  if (existsSync(file('.parquet'))) return { sql: `read_parquet(${literal(file('.parquet'))})`, from: file('.parquet') };
  for (const ext of ['.jsonl', '.json']) if (existsSync(file(ext))) return { sql: json(file(ext)), from: file(ext), ...text };
  const sub = join(dir, lake);
  if (existsSync(sub) && statSync(sub).isDirectory()) {
    if (filesUnder(sub, '.parquet')) return { sql: `read_parquet(${literal(join(sub, '**', '*.parquet'))}, hive_partitioning = true, union_by_name = true)`, from: `${sub}/` };
    if (filesUnder(sub, '.jsonl')) return { sql: json(join(sub, '**', '*.jsonl')), from: `${sub}/`, ...text };
  }
  return undefined;
}

async function fromS3(spec: string, datasets: readonly Dataset[], config: PlatformConfig, env: Record<string, string | undefined>, tmp: string): Promise<string> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec);
  if (!m) throw new UsageError(`--data ${shownData(spec)}: expected s3://bucket/prefix`);
  const [, bucket, prefix] = m as unknown as [string, string, string];
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const credentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } : undefined;
  const s3 = new S3Client({ endpoint: env.AWS_ENDPOINT_URL ?? config.minio.endpoint, region: env.AWS_REGION ?? config.minio.region, forcePathStyle: true, ...(credentials ? { credentials } : {}) });
  const base = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  try {
    for (const ds of datasets) {
      const lake = lakeName(ds);
      for (const candidate of [`${base}${lake}.parquet`, `${base}${lake}.jsonl`, `${base}${lake}.json`, `${base}${lake}/`]) {
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: candidate, ContinuationToken: token }));
          for (const o of page.Contents ?? []) {
            if (!o.Key || o.Key.endsWith('/')) continue;
            const rel = o.Key.slice(base.length);
            if (rel.split('/').some((seg) => seg === '..' || seg === '')) continue;
            const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body!.transformToByteArray();
            const local = join(tmp, rel);
            mkdirSync(dirname(local), { recursive: true });
            writeFileSync(local, body);
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      }
    }
  } finally {
    s3.destroy();
  }
  return tmp;
}

async function fromPostgres(url: string, datasets: readonly Dataset[], tmp: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const ds of datasets) {
      if (ds.source?.kind !== 'postgres') continue;
      const table = `${ident(ds.source.schema ?? 'public')}.${ident(ds.source.table)}`;
      const r = await client.query({ text: `SELECT * FROM ${table}`, rowMode: 'array' });
      const names = r.fields.map((f) => f.name);
      const lines = r.rows.map((row: unknown[]) => JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i] instanceof Date ? (row[i] as Date).toISOString() : row[i]]))));
      writeFileSync(join(tmp, `${lakeName(ds)}.jsonl`), lines.length ? `${lines.join('\n')}\n` : '');
    }
  } finally {
    await client.end();
  }
  return tmp;
}

/** Creates one view per dataset that has data, named after its lake name. */
export async function attachData(conn: DuckDBConnection, spec: string, datasets: readonly Dataset[], config: PlatformConfig, cwd: string, env: Record<string, string | undefined>, tmp: string): Promise<Attached> {
  let dir: string;
  if (spec.startsWith('s3://')) dir = await reading(spec, () => fromS3(spec, datasets, config, env, tmp));
  else if (/^postgres(ql)?:\/\//.test(spec)) dir = await reading(spec, () => fromPostgres(spec, datasets, tmp));
  else {
    dir = resolve(cwd, spec);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--data ${spec}: not a directory`);
  }
  const found = new Map<string, string>();
  const missing: string[] = [];
  const raw = new Set<string>();
  for (const ds of datasets) {
    const src = localSource(dir, ds);
    if (!src) {
      missing.push(lakeName(ds));
      continue;
    }
    const from = spec.startsWith('s3://') || /^postgres/.test(spec) ? `${shownData(spec)} (${lakeName(ds)})` : src.from;
    try {
      if (src.text) {
        await conn.run(`CREATE OR REPLACE VIEW ${ident(rawView(lakeName(ds)))} AS SELECT * FROM ${src.sql}`);
        const typed = typedSelect(ds.fields.map((f) => [f.physicalName, mapType(f.type).duckdb] as const));
        await conn.run(`CREATE OR REPLACE VIEW ${ident(lakeName(ds))} AS SELECT ${typed} FROM ${ident(rawView(lakeName(ds)))}`);
        raw.add(lakeName(ds));
      } else await conn.run(`CREATE OR REPLACE VIEW ${ident(lakeName(ds))} AS SELECT * FROM ${src.sql}`);
    } catch (e) {
      throw new UsageError(`--data ${shownData(spec)}: cannot read ${lakeName(ds)} from ${from}: ${(e as Error).message.split('\n')[0]}`);
    }
    found.set(lakeName(ds), from);
  }
  return { found, missing, raw };
}
