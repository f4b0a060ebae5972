/**
 * Registers the lake in Unity Catalog, idempotently: it reads each object first, creates what is missing and
 * updates what differs. What differs is judged as the server stores it (unitycatalog/unitycatalog v0.4.1 to
 * v0.6.0): a storage location normalized (NormalizedURL: no trailing slash, no doubled slash, `.` and `..`
 * resolved), `type_text` lower-cased, an omitted `nullable` stored as false, columns in no particular order in a
 * GET (matched by `position`), no `properties` when there are none. UC OSS has no table update, so a table that
 * really changed is dropped and re-created (metadata only; the data stays where it is), which gives it a new
 * table id and drops its grants: the script says so for each one.
 *
 * Usage: UC_URL=http://host:8080/api/2.1/unity-catalog UC_TOKEN=<token> npx tsx apply.mts [--dry-run]
 */
import { DEFAULT_BASE_URL, PLAN } from './plan.mjs';

/** What the contracts say Unity Catalog must hold: plan.mts, built from them. */
export { PLAN };

export type Properties = Record<string, string>;

export interface CreateCatalog {
  name: string;
  comment?: string;
  properties?: Properties;
}

export interface CreateSchema {
  name: string;
  catalog_name: string;
  comment?: string;
  properties?: Properties;
}

export type ColumnTypeName =
  | 'BOOLEAN'
  | 'BYTE'
  | 'SHORT'
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DATE'
  | 'TIMESTAMP'
  | 'TIMESTAMP_NTZ'
  | 'STRING'
  | 'BINARY'
  | 'DECIMAL'
  | 'ARRAY'
  | 'STRUCT'
  | 'MAP';

export interface ColumnInfo {
  name: string;
  type_text: string;
  type_json: string;
  type_name: ColumnTypeName;
  type_precision?: number;
  type_scale?: number;
  position: number;
  comment?: string;
  nullable: boolean;
  partition_index?: number;
}

export interface CreateTable {
  name: string;
  catalog_name: string;
  schema_name: string;
  table_type: 'EXTERNAL';
  data_source_format: 'PARQUET' | 'JSON' | 'DELTA';
  columns: ColumnInfo[];
  storage_location: string;
  comment?: string;
  properties?: Properties;
}

export interface Plan {
  catalog: CreateCatalog;
  schemas: CreateSchema[];
  tables: CreateTable[];
}

export interface Action {
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
}

export interface ApplyOptions {
  /** e.g. http://unity-catalog:8080/api/2.1/unity-catalog */
  baseUrl: string;
  /** bearer token, if the server wants one */
  token?: string;
  /** only read: report what would change */
  dryRun?: boolean;
  log?: (line: string) => void;
}

async function request(
  opts: ApplyOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(opts.baseUrl.replace(/\/+$/, '') + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (res.status >= 400 && !(method === 'GET' && res.status === 404))
    throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return { status: res.status, json };
}

/**
 * A storage location as Unity Catalog stores and returns it (NormalizedURL, for the cloud schemes it accepts):
 * `.` and `..` resolved, doubled slashes collapsed, trailing slashes removed. `s3://bucket/a//b/` → `s3://bucket/a/b`.
 */
export function normalizeLocation(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/.exec(url);
  if (!m) return url;
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const query = rest.search(/[?#]/);
  const path = query < 0 ? rest : rest.slice(0, query);
  const tail = query < 0 ? '' : rest.slice(query);
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  return `${scheme}://${authority}${segments.length ? `/${segments.join('/')}` : ''}${tail}`;
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Empty and absent are the same to the server: it returns no `properties` when there are none. */
const sameProperties = (want: unknown, have: unknown) =>
  JSON.stringify(sortKeys(want ?? {})) === JSON.stringify(sortKeys(have ?? {}));
function sortKeys(v: unknown): unknown {
  return isJson(v)
    ? Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, v[k]]),
      )
    : v;
}

/** A column as the server stores it: type_text lower-cased, an omitted nullable false. */
function storedColumn(c: Json): Json {
  return {
    ...c,
    type_text: typeof c.type_text === 'string' ? c.type_text.toLowerCase() : c.type_text,
    nullable: c.nullable ?? false,
  };
}

/** True when a field of `want` is not what the server has (the server may add fields of its own). */
function differs(want: Json, have: unknown): boolean {
  if (!isJson(have)) return true;
  return Object.entries(want).some(([k, v]) => {
    if (v === undefined) return false;
    if (k === 'properties') return !sameProperties(v, have.properties);
    if (k === 'storage_location' && typeof v === 'string')
      return typeof have[k] !== 'string' || normalizeLocation(v) !== normalizeLocation(have[k] as string);
    if (k === 'columns' && Array.isArray(v)) {
      if (!Array.isArray(have.columns) || have.columns.length !== v.length) return true;
      // a GET lists columns in no particular order: match them by position
      const byPosition = new Map((have.columns as Json[]).map((c) => [c.position, storedColumn(c)]));
      return (v as Json[]).some((c) => differs(storedColumn(c), byPosition.get(c.position)));
    }
    if (isJson(v) || Array.isArray(v)) return JSON.stringify(sortKeys(v)) !== JSON.stringify(sortKeys(have[k]));
    return have[k] !== v;
  });
}

/** Brings Unity Catalog in line with PLAN. Returns the writes it made (or, with dryRun, would make). */
export async function apply(opts: ApplyOptions, plan: Plan = PLAN): Promise<Action[]> {
  const actions: Action[] = [];
  const log = opts.log ?? ((line: string) => console.log(line));
  const write = async (action: Action) => {
    actions.push(action);
    log(`${opts.dryRun ? 'would ' : ''}${action.method} ${action.path}`);
    if (!opts.dryRun) await request(opts, action.method, action.path, action.body);
  };
  const c = plan.catalog;
  const catalog = await request(opts, 'GET', `/catalogs/${encodeURIComponent(c.name)}`);
  if (catalog.status === 404) await write({ method: 'POST', path: '/catalogs', body: c });
  else if (differs({ comment: c.comment, properties: c.properties }, catalog.json))
    await write({
      method: 'PATCH',
      path: `/catalogs/${encodeURIComponent(c.name)}`,
      body: { comment: c.comment, properties: c.properties },
    });
  for (const s of plan.schemas) {
    const full = encodeURIComponent(`${s.catalog_name}.${s.name}`);
    const got = await request(opts, 'GET', `/schemas/${full}`);
    if (got.status === 404) await write({ method: 'POST', path: '/schemas', body: s });
    else if (differs({ comment: s.comment, properties: s.properties }, got.json))
      await write({
        method: 'PATCH',
        path: `/schemas/${full}`,
        body: { comment: s.comment, properties: s.properties },
      });
  }
  for (const t of plan.tables) {
    const full = encodeURIComponent(`${t.catalog_name}.${t.schema_name}.${t.name}`);
    const got = await request(opts, 'GET', `/tables/${full}`);
    if (got.status !== 404 && !differs(t as unknown as Json, got.json)) continue;
    if (got.status !== 404) {
      log(
        `${t.catalog_name}.${t.schema_name}.${t.name} changed: re-creating it gives it a new table id and drops its grants`,
      );
      await write({ method: 'DELETE', path: `/tables/${full}` });
    }
    await write({ method: 'POST', path: '/tables', body: t });
  }
  return actions;
}

const isMain =
  typeof process !== 'undefined' &&
  process.argv[1] !== undefined &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const baseUrl = process.env.UC_URL ?? DEFAULT_BASE_URL;
  apply({
    baseUrl,
    token: process.env.UC_TOKEN,
    dryRun: process.argv.includes('--dry-run') || process.env.DRY_RUN === '1',
  }).then(
    (actions) => console.log(`${actions.length} change(s)`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
