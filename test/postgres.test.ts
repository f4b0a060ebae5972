/**
 * The postgres target against real validators: every statement parses with libpg-query (PostgreSQL's own
 * parser), the whole file runs on a real PostgreSQL server started for this test, the contract's example row
 * is accepted, and a row breaking each constraint is rejected by the server with that constraint's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModule, parse } from 'libpg-query';
import type pg from 'pg';
import type { Dataset, Field } from '../generator/model/ir.js';
import { FORMAT_PATTERNS } from '../generator/model/formats.js';
import { generateFrom } from './helpers/generate.js';
import { startPg, type PgCluster } from './helpers/pg.js';

let cluster: PgCluster;
let db: pg.Client;
let sql: string;
let users: Dataset;

beforeAll(async () => {
  const { analysis, files } = await generateFrom();
  sql = files.get('postgres/users.sql')!;
  users = analysis.model.datasets.find((d) => d.name === 'users')!;
  cluster = await startPg();
  const admin = await cluster.client();
  await admin.query('CREATE DATABASE app');
  await admin.end();
  db = await cluster.client('app');
});

afterAll(async () => {
  await db?.end();
  await cluster?.stop();
});

function example(f: Field): unknown {
  if (!f.examples.length) throw new Error(`${f.name} has no example`);
  return f.examples[0];
}

/** A valid row from the contract's examples, with the unique columns made distinct by `n`. */
function validRow(n: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of users.fields) {
    let v = example(f);
    if (f.unique || f.primaryKey) {
      if (f.type.kind === 'uuid') v = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      else if (f.constraints.format === 'email') v = `user${n}@example.com`;
      else if (f.constraints.pattern === '^[0-9]{11}$') v = String(10_000_000_000 + n);
      else v = `${String(v)}${n}`;
    }
    row[f.physicalName] = v;
  }
  return row;
}

async function insert(row: Record<string, unknown>): Promise<void> {
  const cols = Object.keys(row);
  await db.query(`INSERT INTO public.users (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((c) => row[c]));
}

async function rejected(row: Record<string, unknown>): Promise<{ code: string; constraint?: string; column?: string }> {
  await db.query('SAVEPOINT s');
  try {
    await insert(row);
  } catch (e) {
    await db.query('ROLLBACK TO SAVEPOINT s');
    const err = e as { code: string; constraint?: string; column?: string };
    return { code: err.code, ...(err.constraint ? { constraint: err.constraint } : {}), ...(err.column ? { column: err.column } : {}) };
  }
  await db.query('ROLLBACK TO SAVEPOINT s');
  throw new Error(`row was accepted: ${JSON.stringify(row)}`);
}

/** Values that break one constraint of `f` (and keep to its type). */
function violations(f: Field): Array<[string, unknown]> {
  const c = f.constraints;
  const out: Array<[string, unknown]> = [];
  if (c.enum) out.push(['enum', 'not_an_allowed_value']);
  if (c.minLength !== undefined && c.minLength > 0) out.push(['minLength', 'x'.repeat(c.minLength - 1)]);
  if (c.maxLength !== undefined) out.push(['maxLength', 'X'.repeat(c.maxLength + 1)]);
  if (c.pattern !== undefined) {
    const re = new RegExp(c.pattern, 'u');
    const bad = ['ab', 'zz', '!!', '12345', 'AB1', 'x'].find((s) => !re.test(s) && (c.minLength === undefined || s.length >= c.minLength) && (c.maxLength === undefined || s.length <= c.maxLength));
    out.push(['pattern', bad ?? '!']);
  }
  if (c.format === 'email') out.push(['format', 'not-an-email']);
  if (typeof c.minimum === 'number') out.push(['minimum', c.minimum - 1]);
  if (typeof c.minimum === 'string' && f.type.kind === 'date') out.push(['minimum', '1899-12-31']);
  if (typeof c.maximum === 'number') out.push(['maximum', c.maximum + 1]);
  return out;
}

describe('postgres target', () => {
  it('parses statement by statement with libpg-query', async () => {
    await loadModule();
    const tree = (await parse(sql)) as { stmts: Array<{ stmt: Record<string, unknown> }> };
    const kinds = tree.stmts.map((s) => Object.keys(s.stmt)[0]);
    expect(kinds.filter((k) => k === 'CreateStmt')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'IndexStmt')).toHaveLength(users.fields.filter((f) => f.unique && !f.primaryKey).length);
    expect(kinds.filter((k) => k === 'CommentStmt').length).toBeGreaterThan(users.fields.length);
  });

  it('runs on a real PostgreSQL server', async () => {
    await db.query(sql);
    const cols = await db.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' ORDER BY ordinal_position`);
    expect(cols.rows.map((r) => r.column_name)).toEqual(users.fields.map((f) => f.physicalName));
    const types = Object.fromEntries(cols.rows.map((r) => [r.column_name, r.data_type]));
    expect(types).toMatchObject({ user_id: 'uuid', birth_date: 'date', created_at: 'timestamp with time zone', email: 'character varying', phone: 'text' });
    for (const r of cols.rows) expect(r.is_nullable === 'NO', r.column_name).toBe(users.fields.find((f) => f.physicalName === r.column_name)!.required);
    const comment = await db.query(`SELECT col_description('public.users'::regclass, 3) AS c`);
    expect(comment.rows[0].c).toMatch(/^\[PII; classification: restricted\] /);
  });

  it("accepts the contract's example row", async () => {
    await db.query('BEGIN');
    await insert(validRow(1));
    const n = await db.query('SELECT count(*)::int AS n FROM public.users');
    expect(n.rows[0].n).toBe(1);
  });

  it('rejects a row that breaks each constraint, naming that constraint', async () => {
    let checked = 0;
    for (const f of users.fields) {
      for (const [what, value] of violations(f)) {
        const e = await rejected({ ...validRow(100 + checked), [f.physicalName]: value });
        if (what === 'maxLength' && f.type.kind === 'string' && f.type.maxLength === f.constraints.maxLength) {
          expect(e.code, `${f.name} varchar(${f.type.maxLength})`).toBe('22001'); // string_data_right_truncation
        } else {
          expect(e.code, `${f.name} ${what}`).toBe('23514'); // check_violation
          expect(e.constraint, `${f.name} ${what}`).toMatch(new RegExp(`^users_${f.physicalName}_(check|length|pattern|format|range)$`));
        }
        checked++;
      }
      if (f.required) {
        const e = await rejected({ ...validRow(200 + checked), [f.physicalName]: null });
        expect(e, `${f.name} NOT NULL`).toMatchObject({ code: '23502', column: f.physicalName }); // not_null_violation
        checked++;
      }
      if (f.unique || f.primaryKey) {
        const e = await rejected({ ...validRow(300 + checked), [f.physicalName]: validRow(1)[f.physicalName] });
        expect(e.code, `${f.name} UNIQUE`).toBe('23505'); // unique_violation
        expect(e.constraint).toBe(f.primaryKey ? 'users_pkey' : `users_${f.physicalName}_key`);
        checked++;
      }
    }
    // every CHECK constraint the server has was exercised by at least one violating row
    const checks = await db.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass AND contype = 'c'`);
    expect(checks.rows.length).toBeGreaterThan(8);
    expect(checked).toBeGreaterThan(checks.rows.length);
    await db.query('ROLLBACK');
  });

  it('uses portable format patterns that PostgreSQL compiles', async () => {
    for (const p of Object.values(FORMAT_PATTERNS)) {
      const r = await db.query('SELECT $1::text ~ $2 AS ok', ['x', p]);
      expect(typeof r.rows[0].ok).toBe('boolean');
    }
  });
});
