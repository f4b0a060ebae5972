/**
 * Runs the typed quality suites (suite.ts) on embedded DuckDB: the same expectation types and the same semantics
 * as the Spark quality runner (templates/spark/static/quality_runner.py), so a suite gives one verdict on a laptop
 * and on the cluster, whatever GX version its file is written for. Each outcome carries the observed value and up
 * to five rows that break it. Loaded only by `contractgen test`; nothing on the lint or generate path imports it.
 *
 * Rows read from text (JSON lines) come as two views: the raw one, every column VARCHAR as written, and the typed
 * one on top of it, each column read as its contract type or NULL when it cannot be (`readAs`). A value that cannot
 * be read as its type fails that column's type check (with the rows), and no other expectation: the others see
 * NULL there, and the not-null check looks at the raw value.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdbBroken } from './paths.js';
import { gxType, type Bounds, type Expectation, type Suite } from './suite.js';

export interface Outcome {
  suite: string;
  type: string;
  rule: string;
  column?: string;
  passed: boolean;
  /** what was measured: rows that break the rule, the row count, the column type … */
  observed: unknown;
  /** up to 5 rows that break it, as JSON-safe objects */
  samples: Array<Record<string, unknown>>;
  /** the expectation could not be evaluated (an unsupported type, a query DuckDB refuses) */
  error?: string;
}

export const SAMPLE_ROWS = 5;

/** Rows read from text: the raw view (every column VARCHAR, as written) and each column's DuckDB type. */
export interface RawRows {
  table: string;
  types: ReadonlyMap<string, string>;
}

/** The raw view under a lake table read from text; no lake name has a `#`, so it cannot collide with one. */
export const rawView = (lake: string) => `${lake}#raw`;

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);

/**
 * SQL reading a raw text column (`expr`, VARCHAR) as the DuckDB type `duckdb`: the value, or NULL when it cannot be
 * read as that type. Stricter than a cast where a cast would invent a value: an integer column takes whole numbers
 * only (a cast rounds 2.5), a boolean only true and false; nested types are read from the JSON text.
 */
export function readAs(expr: string, duckdb: string): string {
  const t = duckdb.trim().toUpperCase();
  if (t === 'VARCHAR') return expr;
  if (INTEGER_TYPES.has(t)) return `CASE WHEN regexp_full_match(trim(${expr}), '[+-]?[0-9]+(\\.0*)?') THEN TRY_CAST(trim(${expr}) AS ${duckdb}) END`;
  if (t === 'BOOLEAN') return `CASE lower(trim(${expr})) WHEN 'true' THEN true WHEN 'false' THEN false END`;
  if (t.startsWith('STRUCT') || t.startsWith('MAP') || t.endsWith(']')) return `TRY_CAST(TRY_CAST(${expr} AS JSON) AS ${duckdb})`;
  return `TRY_CAST(${expr} AS ${duckdb})`;
}

/** The SELECT list that reads the raw view's columns as their types, under their own names. */
export function typedSelect(columns: ReadonlyArray<readonly [name: string, duckdb: string]>): string {
  return columns.length ? columns.map(([name, duckdb]) => `${readAs(ident(name), duckdb)} AS ${ident(name)}`).join(', ') : '*';
}

/** A DuckDB identifier, always quoted. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A DuckDB literal for a value from a suite. */
export function literal(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** min/max bounds, broken when outside, as the Spark runner writes them. */
function outside(expr: string, kw: Bounds<unknown>): string {
  const parts: string[] = [];
  if (kw.min_value !== undefined && kw.min_value !== null) parts.push(`${expr} ${kw.strict_min ? '<=' : '<'} ${literal(kw.min_value)}`);
  if (kw.max_value !== undefined && kw.max_value !== null) parts.push(`${expr} ${kw.strict_max ? '>=' : '>'} ${literal(kw.max_value)}`);
  return parts.length ? parts.join(' OR ') : 'false';
}

/** The rows that break a column expectation, as a WHERE condition; undefined for the other kinds. */
export function failingCondition(e: Expectation): string | undefined {
  switch (e.type) {
    case 'expect_column_values_to_not_be_null':
      return `${ident(e.kwargs.column)} IS NULL`;
    case 'expect_column_values_to_be_in_set':
      return `${ident(e.kwargs.column)} NOT IN (${e.kwargs.value_set.map(literal).join(', ')})`;
    case 'expect_column_values_to_not_be_in_set':
      return `${ident(e.kwargs.column)} IN (${e.kwargs.value_set.map(literal).join(', ')})`;
    case 'expect_column_values_to_be_between':
      return outside(ident(e.kwargs.column), e.kwargs);
    case 'expect_column_value_lengths_to_be_between':
      return outside(`length(CAST(${ident(e.kwargs.column)} AS VARCHAR))`, e.kwargs);
    case 'expect_column_values_to_match_regex':
      // RE2 partial match, as Spark's RLIKE (Java regex) finds a match anywhere
      return `NOT regexp_matches(CAST(${ident(e.kwargs.column)} AS VARCHAR), ${literal(e.kwargs.regex)})`;
    case 'unexpected_rows_expectation':
      // a check inside a nested column: its Spark SQL query said again in DuckDB's
      return e.nested ? duckdbBroken(e.nested.column, e.nested.check) : undefined;
    default:
      return undefined;
  }
}

/** DuckDB column types as the pyspark.sql.types class the contract's suite names (`type_`). */
export function sparkTypeOf(duck: string): string {
  const t = duck.toUpperCase();
  if (t.endsWith('[]')) return 'ArrayType';
  if (t.startsWith('STRUCT')) return 'StructType';
  if (t.startsWith('MAP')) return 'MapType';
  if (t.startsWith('DECIMAL')) return 'DecimalType';
  const simple: Record<string, string> = {
    VARCHAR: 'StringType',
    UUID: 'StringType',
    JSON: 'StringType',
    BOOLEAN: 'BooleanType',
    TINYINT: 'ByteType',
    SMALLINT: 'ShortType',
    INTEGER: 'IntegerType',
    BIGINT: 'LongType',
    HUGEINT: 'DecimalType',
    FLOAT: 'FloatType',
    DOUBLE: 'DoubleType',
    DATE: 'DateType',
    'TIMESTAMP WITH TIME ZONE': 'TimestampType',
    TIMESTAMP: 'TimestampNTZType',
    TIMESTAMP_NS: 'TimestampNTZType',
    TIMESTAMP_MS: 'TimestampNTZType',
    TIME: 'StringType',
    BLOB: 'BinaryType',
  };
  return simple[t] ?? t;
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
}

/**
 * Evaluates one suite on `table` (a DuckDB table or view name). `raw`: the rows were read from text, and `table` is
 * the typed view over that raw view (see the module comment).
 */
export async function runSuite(conn: DuckDBConnection, suite: Pick<Suite, 'name' | 'expectations'>, table: string, onStep?: (done: number, total: number, e: Expectation) => void, raw?: RawRows): Promise<Outcome[]> {
  const t = ident(table);
  const total = Number((await rows(conn, `SELECT count(*) AS n FROM ${t}`))[0]!.n);
  const columns = (await rows(conn, `DESCRIBE SELECT * FROM ${t}`)) as Array<{ column_name: string; column_type: string }>;
  const out: Outcome[] = [];
  for (const [i, e] of suite.expectations.entries()) {
    onStep?.(i, suite.expectations.length, e);
    const column = 'column' in e.kwargs && typeof e.kwargs.column === 'string' ? e.kwargs.column : undefined;
    const base = { suite: suite.name, type: gxType(e), rule: e.meta.contract_rule, ...(column !== undefined ? { column } : {}) };
    try {
      out.push({ ...base, ...(await evaluate(conn, e, t, total, columns, raw)) });
    } catch (err) {
      out.push({ ...base, passed: false, observed: null, samples: [], error: (err as Error).message.split('\n')[0]! });
    }
  }
  return out;
}

async function evaluate(conn: DuckDBConnection, e: Expectation, t: string, total: number, columns: Array<{ column_name: string; column_type: string }>, raw: RawRows | undefined): Promise<Pick<Outcome, 'passed' | 'observed' | 'samples'>> {
  const condition = failingCondition(e);
  if (condition !== undefined) {
    // a value that is there but cannot be read as its type is not missing: its type check reports it
    const from = raw && e.type === 'expect_column_values_to_not_be_null' && raw.types.has(e.kwargs.column) ? ident(raw.table) : t;
    const bad = Number((await rows(conn, `SELECT count(*) AS n FROM ${from} WHERE ${condition}`))[0]!.n);
    const mostly = 'mostly' in e.kwargs && typeof e.kwargs.mostly === 'number' ? e.kwargs.mostly : 1;
    const passed = total === 0 || (total - bad) / total >= mostly;
    return { passed, observed: { unexpected: bad, of: total }, samples: bad ? await rows(conn, `SELECT * FROM ${from} WHERE ${condition} LIMIT ${SAMPLE_ROWS}`) : [] };
  }
  switch (e.type) {
    case 'expect_column_values_to_be_unique':
    case 'expect_compound_columns_to_be_unique': {
      const unique = e.type === 'expect_column_values_to_be_unique';
      const cols = (unique ? [e.kwargs.column] : e.kwargs.column_list).map(ident);
      const notNull = unique ? `WHERE ${cols[0]} IS NOT NULL` : '';
      const dupes = `SELECT ${cols.join(', ')} FROM ${t} ${notNull} GROUP BY ${cols.join(', ')} HAVING count(*) > 1`;
      const bad = Number((await rows(conn, `SELECT count(*) AS n FROM (${dupes})`))[0]!.n);
      const samples = bad ? await rows(conn, `SELECT * FROM ${t} WHERE (${cols.join(', ')}) IN (${dupes}) ORDER BY ${cols.join(', ')} LIMIT ${SAMPLE_ROWS}`) : [];
      return { passed: bad === 0, observed: { duplicated_values: bad }, samples };
    }
    case 'expect_table_row_count_to_be_between': {
      const broken = (await rows(conn, `SELECT (${outside('count(*)', e.kwargs)}) AS b FROM ${t}`))[0]!.b === true;
      return { passed: !broken, observed: { row_count: total }, samples: [] };
    }
    case 'expect_table_columns_to_match_set': {
      const have = new Set(columns.map((c) => c.column_name));
      const want = new Set(e.kwargs.column_set);
      const missing = [...want].filter((c) => !have.has(c)).sort();
      const extra = [...have].filter((c) => !want.has(c)).sort();
      const passed = e.kwargs.exact_match === false ? missing.length === 0 : missing.length === 0 && extra.length === 0;
      return { passed, observed: { missing, unexpected: extra }, samples: [] };
    }
    case 'expect_column_values_to_be_of_type': {
      const c = columns.find((x) => x.column_name === e.kwargs.column);
      const actual = c ? sparkTypeOf(c.column_type) : 'missing column';
      const typed = actual === e.kwargs.type_;
      const duckdb = raw?.types.get(e.kwargs.column);
      if (duckdb === undefined) return { passed: typed, observed: { type: actual, duckdb_type: c?.column_type ?? null }, samples: [] };
      // read from text: every value must also read as the type
      const col = ident(e.kwargs.column);
      const unreadable = `${col} IS NOT NULL AND (${readAs(col, duckdb)}) IS NULL`;
      const r = ident(raw!.table);
      const bad = Number((await rows(conn, `SELECT count(*) AS n FROM ${r} WHERE ${unreadable}`))[0]!.n);
      return {
        passed: typed && bad === 0,
        observed: { type: actual, duckdb_type: c?.column_type ?? null, unreadable: bad },
        samples: bad ? await rows(conn, `SELECT * FROM ${r} WHERE ${unreadable} LIMIT ${SAMPLE_ROWS}`) : [],
      };
    }
    case 'unexpected_rows_expectation': {
      const q = e.kwargs.unexpected_rows_query.replace(/\{batch\}/g, t);
      const bad = Number((await rows(conn, `SELECT count(*) AS n FROM (${q})`))[0]!.n);
      return { passed: bad === 0, observed: { unexpected: bad }, samples: bad ? await rows(conn, `SELECT * FROM (${q}) LIMIT ${SAMPLE_ROWS}`) : [] };
    }
    case 'custom':
      throw new Error(`unsupported expectation type ${e.gxType} (a custom Great Expectations rule of the contract)`);
    default:
      throw new Error(`unsupported expectation type ${gxType(e)}`);
  }
}
