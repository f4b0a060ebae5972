/**
 * The Spark quality runner (templates/spark/static/quality_runner.py) run for real under CPython, with a stand-in
 * `pyspark.sql` (test/helpers/pyspark-stub) whose every data request comes here: each SQL string the runner sends
 * to `spark.sql` is recorded, translated to DuckDB's dialect and executed on a DuckDB table the test controls;
 * `spark.read.parquet(<table>)` answers with that table's columns and their Spark types.
 *
 * The translation covers only differences Spark's SQL reference documents (spark.apache.org/docs/3.5.x,
 * sql-ref-literals.html, sql-ref-identifier.html, and the `rlike` entry of the built-in functions):
 *   - string literals: `'…'` or `"…"`, backslash escapes processed (spark.sql.parser.escapedStringLiterals is false
 *     by default; ParserUtils.unescapeSQLString) → DuckDB's `'…'` with `''`;
 *   - backquoted identifiers (`` `a``b` ``) → DuckDB's double-quoted ones;
 *   - `x RLIKE 'p'` / `x REGEXP 'p'` (true when the Java regex finds a match anywhere in x) → DuckDB's
 *     `regexp_matches(x, 'p')` (a match anywhere, RE2: the patterns used here mean the same in both), for x an
 *     identifier or a dotted path; any other left operand is refused, never guessed.
 * Anything else is passed through: DuckDB refusing it is a failed test, not a pass.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sparkTypeOf } from '../../generator/quality/duckdb.js';
import { ROOT } from './reference.js';

export const RUNNER = join(ROOT, 'templates', 'spark', 'static', 'quality_runner.py');
const STUB = join(ROOT, 'test', 'helpers', 'pyspark-stub');
const DRIVER = join(ROOT, 'test', 'helpers', 'quality-runner-driver.py');
const PYTHON = '/usr/bin/python3';

// ---------------------------------------------------------------------------------------------- dialect

type Tok = { kind: 'str'; value: string } | { kind: 'ident'; value: string } | { kind: 'word'; value: string } | { kind: 'other'; value: string };

/** Spark's unescaping of a string literal's body (ParserUtils.unescapeSQLString, the common escapes). */
function unescapeSpark(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i]!;
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (/[0-7]/.test(n) && /^[0-7]{3}$/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      const map: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '%': '\\%', _: '\\_' };
      out += map[n] ?? n;
    }
  }
  return out;
}

function tokenize(sql: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      if (j >= sql.length) throw new Error(`unterminated string literal in: ${sql}`);
      toks.push({ kind: 'str', value: unescapeSpark(sql.slice(i + 1, j)) });
      i = j + 1;
    } else if (c === '`') {
      let j = i + 1;
      let name = '';
      for (;;) {
        if (j >= sql.length) throw new Error(`unterminated identifier in: ${sql}`);
        if (sql[j] === '`' && sql[j + 1] === '`') (name += '`'), (j += 2);
        else if (sql[j] === '`') break;
        else name += sql[j++];
      }
      toks.push({ kind: 'ident', value: name });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))![0];
      toks.push({ kind: 'word', value: m });
      i += m.length;
    } else {
      toks.push({ kind: 'other', value: c });
      i += 1;
    }
  }
  return toks;
}

const render = (t: Tok) => (t.kind === 'str' ? `'${t.value.replace(/'/g, "''")}'` : t.kind === 'ident' ? `"${t.value.replace(/"/g, '""')}"` : t.value);

/** A Spark SQL text as DuckDB runs it (see the module comment for what changes, and why). */
export function sparkToDuckdb(sql: string): string {
  const toks = tokenize(sql);
  const out: Array<{ at: number; text: string }> = [];
  const space = (t: Tok | undefined) => t !== undefined && t.kind === 'other' && /\s/.test(t.value);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'word' && /^(rlike|regexp)$/i.test(t.value)) {
      // the left operand: the identifier chain (a, `a`, a.b, `a`.`b`) just before
      let p = i - 1;
      while (space(toks[p])) p--;
      const chain: string[] = [];
      let first = -1;
      while (p >= 0 && (toks[p]!.kind === 'ident' || (toks[p]!.kind === 'word' && !/^(not|and|or|where|on|when|then|else)$/i.test(toks[p]!.value)))) {
        chain.unshift(render(toks[p]!));
        first = p;
        if (p >= 2 && toks[p - 1]!.value === '.') p -= 2;
        else break;
      }
      let r = i + 1;
      while (space(toks[r])) r++;
      const right = toks[r];
      if (!chain.length || !right || right.kind !== 'str') throw new Error(`cannot translate ${t.value} here (left operand not an identifier, or pattern not a literal): ${sql}`);
      while (out.length && out.at(-1)!.at >= first) out.pop();
      out.push({ at: first, text: `regexp_matches(${chain.join('.')}, ${render(right)})` });
      i = r;
      continue;
    }
    out.push({ at: i, text: render(t) });
  }
  return out.map((o) => o.text).join('');
}

// ---------------------------------------------------------------------------------------------- schema

export interface SparkField {
  name: string;
  type: string;
  fields?: SparkField[];
}

/** Splits `a INT, b STRUCT(x INT, y INT)` at its top-level commas. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) (parts.push(cur.trim()), (cur = ''));
    else cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** A DuckDB column type as the Spark schema the trusted layer's Parquet would give (the mapping `contractgen test` uses). */
export function sparkField(name: string, duckdb: string): SparkField {
  const m = /^STRUCT\((.*)\)$/i.exec(duckdb.trim());
  if (!m) return { name, type: sparkTypeOf(duckdb) };
  const fields = splitTop(m[1]!).map((part) => {
    const f = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/.exec(part)!;
    const n = f[1]!.startsWith('"') ? f[1]!.slice(1, -1).replace(/""/g, '"') : f[1]!;
    return sparkField(n, f[2]!);
  });
  return { name, type: 'StructType', fields };
}

// ---------------------------------------------------------------------------------------------- running

export interface RunResult {
  stdout: string;
  exit: number;
  /** the exception the runner raised, as CPython prints its last line */
  error: string | null;
  /** every SQL string the runner passed to spark.sql, as written */
  sql: string[];
  /** the lines printed per expectation: verdict and type */
  lines: Array<{ verdict: string; type: string }>;
}

const toJs = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);

async function query(conn: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  const rows = (await conn.runAndReadAll(sql)).getRowObjects();
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toJs(v)])));
}

/** Answers the stub's requests from one child process; `onDone` gets each finished job (driver mode). */
function serve(child: ChildProcess, conn: DuckDBConnection, record: string[], onDone: (m: { stdout: string; exit: number; error: string | null }) => void) {
  const lines = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream });
  let chain = Promise.resolve();
  lines.on('line', (line) => {
    chain = chain.then(async () => {
      const m = JSON.parse(line) as { op: string; sql?: string; path?: string; name?: string; stdout?: string; exit?: number; error?: string | null };
      if (m.op === 'done') return onDone({ stdout: m.stdout!, exit: m.exit!, error: m.error ?? null });
      let answer: Record<string, unknown>;
      try {
        answer = await handle(conn, m, record);
      } catch (e) {
        answer = { error: (e as Error).message.split('\n')[0] };
      }
      child.stdin!.write(`${JSON.stringify(answer)}\n`);
    });
  });
}

async function handle(conn: DuckDBConnection, m: { op: string; sql?: string; path?: string; name?: string }, record: string[]): Promise<Record<string, unknown>> {
  const ident = (n: string) => `"${n.replace(/"/g, '""')}"`;
  switch (m.op) {
    case 'session':
    case 'stop':
      return {};
    case 'read': {
      const cols = await query(conn, `DESCRIBE SELECT * FROM ${ident(m.path!)}`);
      return { columns: cols.map((c) => c.column_name), schema: cols.map((c) => sparkField(String(c.column_name), String(c.column_type))) };
    }
    case 'view':
      await conn.run(`CREATE OR REPLACE TEMP VIEW ${ident(m.name!)} AS SELECT * FROM ${ident(m.path!)}`);
      return {};
    case 'sql':
      // spark.sql analyzes eagerly: a query that does not resolve raises here
      record.push(m.sql!);
      await conn.run(`DESCRIBE ${sparkToDuckdb(m.sql!)}`);
      return {};
    case 'first':
      return { row: (await query(conn, `${sparkToDuckdb(m.sql!)} LIMIT 1`))[0] ?? null };
    case 'count':
      return { n: (await query(conn, `SELECT count(*) AS n FROM (${sparkToDuckdb(m.sql!)})`))[0]!.n };
    case 'collect':
      return { rows: await query(conn, sparkToDuckdb(m.sql!)) };
    default:
      throw new Error(`unknown request ${m.op}`);
  }
}

function parseLines(stdout: string): RunResult['lines'] {
  return [...stdout.matchAll(/^(PASS|FAIL|ERROR) (\S+)/gm)].map((x) => ({ verdict: x[1]!, type: x[2]! }));
}

const env = () => ({ ...process.env, PYTHONPATH: STUB, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' });

/**
 * Many runs of the runner in one CPython process (its main() per job, as `spark-submit quality_runner.py <argv>`
 * would call it): far quicker than a process per run. `close()` when done.
 */
export class RunnerSession {
  private child: ChildProcess;
  private pending: Array<(m: { stdout: string; exit: number; error: string | null }) => void> = [];
  private record: string[] = [];
  private stderr = '';

  constructor(conn: DuckDBConnection, runner = RUNNER) {
    this.child = spawn(PYTHON, [DRIVER, runner], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: env() });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('exit', (code) => {
      for (const p of this.pending.splice(0)) p({ stdout: '', exit: -1, error: `driver exited ${code}: ${this.stderr}` });
    });
    serve(this.child, conn, this.record, (m) => this.pending.shift()?.(m));
  }

  run(argv: string[]): Promise<RunResult> {
    this.record.length = 0;
    return new Promise((resolve) => {
      this.pending.push((m) => resolve({ ...m, sql: [...this.record], lines: parseLines(m.stdout) }));
      this.child.stdin!.write(`${JSON.stringify({ argv })}\n`);
    });
  }

  close(): void {
    this.child.stdin!.end();
  }
}

/** One run as its own process, `python3 quality_runner.py <argv>`: the real exit status. */
export function runProcess(conn: DuckDBConnection, argv: string[], runner = RUNNER): Promise<RunResult> {
  const child = spawn(PYTHON, [runner, ...argv], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: env() });
  const record: string[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  serve(child, conn, record, () => undefined);
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ stdout, exit: code ?? -1, error: stderr.trim().split('\n').at(-1) || null, sql: record, lines: parseLines(stdout) }));
  });
}
