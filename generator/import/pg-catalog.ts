/**
 * A live PostgreSQL → the import description, read from the catalog (pg_catalog), never from the rows: columns
 * with format_type's spelling, NOT NULL, defaults, comments, identity and generated columns, primary keys, unique
 * constraints and plain unique indexes, CHECKs (pg_get_expr, parsed by libpg-query), foreign keys, enums,
 * domains with their constraints, composite types, partitioning and the replica identity. Positions name the
 * catalog object: the file is `<url>#<schema>.<table>`, the line the column's ordinal position.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRef } from '../model/ir.js';
import type { ParsedCheck } from './assemble.js';
import { diag, SourceError, type ForeignKeyDesc, type SourceDescription } from './describe.js';
import { balancedGroup, type Expr } from './expr.js';
import { parseFormatType, pgExpr, pgParser } from './pg-sql.js';
import { assemblePg, UserTypes, type RawPgColumn, type RawPgTable } from './pg-tables.js';

export interface PgCatalogOptions {
  url: string;
  /** schemas to read; all but the system ones when empty */
  schemas?: readonly string[];
}

/** The URL without its password or query, for messages and for the contracts. */
export function redactUrl(url: string): string {
  try {
    // more than one `@`: a password with `/` or `@` in it, which a URL parser may split into host and path
    if (url.indexOf('@') !== url.lastIndexOf('@')) throw new Error('ambiguous');
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    // a URL Node cannot parse (a password with a `/` …): everything up to the last `@` goes, which may take more
    // than the user and password, never less
    return url.replace(/\/\/.*@/s, '//');
  }
}

/** Where a connection failed, in words, from node-postgres' and PostgreSQL's error codes. */
export function connectionProblem(e: unknown): string {
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'the server refused the connection (is it running, on that host and port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the server is unreachable';
    case '28P01':
    case '28000':
      return `authentication failed: ${err.message ?? ''}`.trim();
    case '3D000':
      return `${err.message ?? 'the database does not exist'}`;
    case '42501':
      return `permission denied reading the catalog: ${err.message ?? ''}`.trim();
    default:
      return /timeout/i.test(err.message ?? '') ? 'the connection timed out (is the server reachable?)' : (err.message ?? String(e));
  }
}

type Row = Record<string, unknown>;

/** One connection runs one query at a time. */
async function sequence<T>(thunks: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (const t of thunks) out.push(await t());
  return out;
}

export async function readPgCatalog(opts: PgCatalogOptions): Promise<SourceDescription> {
  const label = redactUrl(opts.url);
  const where = { file: label, line: 1, col: 1 };
  let u: URL;
  try {
    u = new URL(opts.url);
  } catch {
    throw new SourceError(diag(where, 'IMPORT_SOURCE', `${label} is not a valid postgresql:// URL`));
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 15_000, statement_timeout: 120_000, application_name: 'contractgen-import' });
  client.on('error', () => undefined); // a dropped connection surfaces through the pending query
  try {
    await client.connect();
  } catch (e) {
    throw new SourceError(diag(where, 'IMPORT_SOURCE', `cannot connect to ${label}: ${connectionProblem(e)}`));
  }
  try {
    const q = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await client.query(sql, params)).rows as Row[];
    // deterministic text for timestamptz constants in CHECKs and defaults
    await q(`SET TimeZone = 'UTC'`);
    const schemas = opts.schemas?.length ? [...opts.schemas] : null;
    const tableRows = await q(
      `SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, obj_description(c.oid, 'pg_class') AS comment, c.relreplident AS ri,
              CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
          AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
        ORDER BY n.nspname, c.relname`,
      [schemas],
    );
    const oids = tableRows.map((r) => String(r.oid));
    const [columnRows = [], constraintRows = [], indexRows = [], typeRows = [], typeAttrRows = [], domainConRows = []] = await sequence([
      () => q(
        `SELECT a.attrelid::int8 AS oid, a.attnum, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
                pg_get_expr(d.adbin, d.adrelid) AS def, col_description(a.attrelid, a.attnum) AS comment, a.attidentity AS identity, a.attgenerated AS generated
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attrelid, a.attnum`,
        [oids],
      ),
      () => q(
        `SELECT con.conrelid::int8 AS oid, con.conname AS name, con.contype AS type, pg_get_expr(con.conbin, con.conrelid) AS expr,
                ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
                ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS fcols,
                fn.nspname AS fschema, fc.relname AS ftable
           FROM pg_constraint con LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
          WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'u', 'c', 'f')
          ORDER BY con.conrelid, con.conname`,
        [oids],
      ),
      () => q(
        `SELECT i.indrelid::int8 AS oid,
                ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) AS cols
           FROM pg_index i
          WHERE i.indrelid = ANY($1::oid[]) AND i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          ORDER BY i.indrelid, i.indexrelid::regclass::text`,
        [oids],
      ),
      () => q(
        `SELECT t.oid::int8 AS oid, n.nspname AS schema, t.typname AS name, t.typtype AS kind, format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull AS notnull,
                t.typrelid::int8 AS relid, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype IN ('e', 'd', 'c') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
            AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c'))
          ORDER BY n.nspname, t.typname`,
      ),
      () => q(
        `SELECT a.attrelid::int8 AS relid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid AND r.relkind = 'c'
          WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
      ),
      () => q(
        `SELECT con.contypid::int8 AS oid, con.conname AS name, pg_get_constraintdef(con.oid) AS def
           FROM pg_constraint con WHERE con.contypid <> 0 AND con.contype = 'c' ORDER BY con.contypid, con.conname`,
      ),
    ]);
    const { parseSync } = await pgParser();
    const diagnostics: Diagnostic[] = [];
    /** PostgreSQL's own text of an expression (pg_get_expr), parsed back into a tree: it is the server's output, not ours. */
    const expr = (text: string): Expr => {
      try {
        const tree = parseSync(`SELECT ${text}`) as { stmts: Array<{ stmt: { SelectStmt?: { targetList?: Array<{ ResTarget?: { val?: unknown } }> } } }> };
        return pgExpr(tree.stmts[0]?.stmt.SelectStmt?.targetList?.[0]?.ResTarget?.val);
      } catch {
        return { k: 'other' };
      }
    };
    // user types
    const users = new UserTypes();
    const attrs = new Map<string, Row[]>();
    for (const r of typeAttrRows) attrs.set(String(r.relid), [...(attrs.get(String(r.relid)) ?? []), r]);
    const domainChecks = new Map<string, Row[]>();
    for (const r of domainConRows) domainChecks.set(String(r.oid), [...(domainChecks.get(String(r.oid)) ?? []), r]);
    for (const t of typeRows) {
      const name = String(t.name);
      const schema = String(t.schema);
      const at: SourceRef = { file: `${label}#type ${schema}.${name}`, line: 1, col: 1 };
      if (t.kind === 'e') users.add(schema, { kind: 'enum', name, values: (t.labels as string[]) ?? [] });
      else if (t.kind === 'c') users.add(schema, { kind: 'composite', name, fields: (attrs.get(String(t.relid)) ?? []).map((a) => ({ name: String(a.name), type: parseFormatType(String(a.type)) })) });
      else if (t.kind === 'd') {
        const checks: ParsedCheck[] = (domainChecks.get(String(t.oid)) ?? []).map((c) => {
          const def = String(c.def);
          const g = balancedGroup(def, def.indexOf('CHECK'), false);
          const text = g ? def.slice(g.start, g.end) : def;
          return { name: String(c.name), expr: expr(text), text, at };
        });
        users.add(schema, { kind: 'domain', name, base: parseFormatType(String(t.base)), notNull: t.notnull === true, checks });
      }
    }
    const byOid = new Map<string, RawPgTable>();
    const raw: RawPgTable[] = tableRows.map((r) => {
      const file = `${label}#${String(r.schema)}.${String(r.name)}`;
      const ri = ({ d: 'default', f: 'full', n: 'nothing', i: 'index' } as const)[String(r.ri) as 'd' | 'f' | 'n' | 'i'];
      const t: RawPgTable = {
        schema: String(r.schema),
        name: String(r.name),
        ...(typeof r.comment === 'string' ? { comment: r.comment } : {}),
        columns: [],
        primaryKey: [],
        uniques: [],
        checks: [],
        foreignKeys: [],
        ...(ri ? { replicaIdentity: ri } : {}),
        ...(typeof r.partkey === 'string' ? { partitioning: r.partkey } : {}),
        at: { file, line: 1, col: 1 },
      };
      byOid.set(String(r.oid), t);
      return t;
    });
    for (const c of columnRows) {
      const t = byOid.get(String(c.oid));
      if (!t) continue;
      const at: SourceRef = { file: t.at.file, line: Number(c.attnum), col: 1 };
      const col: RawPgColumn = {
        name: String(c.name),
        type: parseFormatType(String(c.type)),
        notNull: c.notnull === true,
        ...(typeof c.comment === 'string' ? { comment: c.comment } : {}),
        ...(c.identity === 'a' || c.identity === 'd' || (typeof c.def === 'string' && /^nextval\(/.test(c.def)) ? { identity: true } : {}),
        ...(c.generated === 's' ? { generated: `GENERATED ALWAYS AS (${String(c.def)}) STORED` } : {}),
        at,
      };
      if (typeof c.def === 'string' && c.generated !== 's') col.default = expr(c.def);
      t.columns.push(col);
    }
    for (const c of constraintRows) {
      const t = byOid.get(String(c.oid));
      if (!t) continue;
      const cols = (c.cols as string[]) ?? [];
      const at = { ...t.at, line: Math.max(1, t.columns.findIndex((x) => x.name === cols[0]) + 1) };
      if (c.type === 'p') t.primaryKey = cols;
      else if (c.type === 'u') t.uniques.push(cols);
      else if (c.type === 'c' && typeof c.expr === 'string') t.checks.push({ name: String(c.name), expr: expr(c.expr), text: c.expr, at });
      else if (c.type === 'f') {
        const fk: ForeignKeyDesc = { name: String(c.name), columns: cols, table: String(c.ftable), namespace: String(c.fschema), refColumns: (c.fcols as string[]) ?? [], at };
        t.foreignKeys.push(fk);
      }
    }
    for (const i of indexRows) byOid.get(String(i.oid))?.uniques.push((i.cols as string[]) ?? []);
    const assembled = assemblePg(raw, users);
    diagnostics.push(...assembled.diagnostics);
    return { format: 'postgres', label, server: { kind: 'postgres', host: u.hostname || 'localhost', port: u.port ? Number(u.port) : 5432, database: decodeURIComponent(u.pathname.replace(/^\//, '')) || (u.username ? decodeURIComponent(u.username) : 'postgres') }, tables: assembled.tables, diagnostics };
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const err = e as { code?: string };
    if (typeof err.code === 'string') throw new SourceError(diag(where, 'IMPORT_SOURCE', `reading the catalog of ${label} failed: ${connectionProblem(e)}`));
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}
