/**
 * The Spark quality runner (templates/spark/static/quality_runner.py, copied to generated/spark/) as the Airflow
 * DAGs run it: the real file under CPython, with a stand-in `pyspark.sql` whose SQL runs on DuckDB
 * (test/helpers/quality-runner.ts says what is translated and why). For every suite the repository generates
 * (contracts/ and the golden cases, the 0.18 one of config-switches included), in the GX 1.x and 0.18 formats and
 * with the strict row-count kwargs of 1.3.2:
 *   - clean data (the contract's examples) passes every expectation and the runner exits 0;
 *   - for every expectation, data with a planted violation of it makes it FAIL, with exit status 1;
 *   - the runner's verdict on each expectation is the verdict of `contractgen test` (generator/quality/duckdb.ts),
 *     the same suite on the same rows;
 * and what no generated suite has yet: `mostly`, strict bounds, a value set to avoid, a nested field's dotted
 * path, an expectation type or kwarg the runner does not implement (an ERROR, never a silent PASS).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../generator/analyze.js';
import type { Dataset, Field } from '../generator/model/ir.js';
import { lakeName } from '../generator/model/naming.js';
import { mapType } from '../generator/model/types.js';
import { runSuite, sparkTypeOf } from '../generator/quality/duckdb.js';
import { gxTarget, kwargsFor, serializeSuite, type GxVersion } from '../generator/quality/gx.js';
import { buildSuite, gxType, type Expectation, type Suite } from '../generator/quality/suite.js';
import { parseSpark } from './helpers/spark-sql-check.js';
import { RunnerSession, runProcess, sparkToDuckdb, type RunResult } from './helpers/quality-runner.js';
import { ROOT } from './helpers/reference.js';

/** 1.x (and 1.2.0 to 1.3.1: the same file), 0.18, and 1.3.2 (strict_min/strict_max on the row count). */
const VERSIONS: GxVersion[] = ['1.x', '0.18', '1.3.2'];

interface Source {
  label: string;
  cwd: string;
  /** where its suites are written: generated/quality, or a golden case's expected/quality */
  dir: string;
  /** rows for datasets whose contract has no examples */
  rows?: Record<string, Record<string, unknown>>;
}

const SOURCES: Source[] = [
  { label: 'contracts', cwd: ROOT, dir: join(ROOT, 'generated', 'quality') },
  { label: 'mysql-source', cwd: join(ROOT, 'test/cases/mysql-source'), dir: join(ROOT, 'test/cases/mysql-source/expected/quality') },
  {
    label: 'dcs-drivers',
    cwd: join(ROOT, 'test/cases/dcs-drivers'),
    dir: join(ROOT, 'test/cases/dcs-drivers/expected/quality'),
    rows: { drivers: { driver_id: '0b7e9c1e-4c1a-4f7a-9a51-8c2d3e4f5a6b', license_class: 'B', earnings: 1200.5, licensed_at: '2020-05-01T00:00:00Z', name: 'João Souza' } },
  },
  { label: 'config-switches', cwd: join(ROOT, 'test/cases/config-switches'), dir: join(ROOT, 'test/cases/config-switches/expected/quality') },
];

interface Case {
  label: string;
  ds: Dataset;
  suite: Suite;
  /** the suite file as generated for the source's config */
  onDisk: string;
  configured: GxVersion;
  row: Record<string, unknown>;
}

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let session: RunnerSession;
let tmp: string;
let cases: Case[];
let tableNo = 0;
const allSql = new Set<string>();

const ident = (n: string) => `"${n.replace(/"/g, '""')}"`;
const lit = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** A DuckDB table of `rows` (one object per row) with the dataset's lake columns and types; `types` overrides some. */
async function table(ds: Dataset, rows: Array<Record<string, unknown>>, types: Record<string, string> = {}, drop?: string): Promise<string> {
  const name = `t${++tableNo}`;
  const cols = ds.fields.filter((f) => f.physicalName !== drop).map((f) => [f.physicalName, types[f.physicalName] ?? mapType(f.type).duckdb] as const);
  const select = (r: Record<string, unknown>) => `SELECT ${cols.map(([c, t]) => `CAST(${lit(r[c])} AS ${t}) AS ${ident(c)}`).join(', ')}`;
  const body = rows.length ? rows.map(select).join(' UNION ALL ') : `${select({})} LIMIT 0`;
  await conn.run(`CREATE TABLE ${name} AS ${body}`);
  return name;
}

function suiteFile(suite: Suite, version: GxVersion, expectations = suite.expectations): string {
  const path = join(tmp, `s${++tableNo}.json`);
  writeFileSync(path, serializeSuite({ ...suite, expectations }, version));
  return path;
}

async function oracle(e: Expectation, t: string): Promise<boolean> {
  const [o] = await runSuite(conn, { name: 'oracle', expectations: [e] }, t);
  if (o!.error) throw new Error(`contractgen test cannot evaluate ${gxType(e)}: ${o!.error}`);
  return o!.passed;
}

async function run(suitePath: string, t: string): Promise<RunResult> {
  const r = await session.run(['--suite', suitePath, '--table', t]);
  for (const s of r.sql) allSql.add(s);
  return r;
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  session = new RunnerSession(conn);
  tmp = mkdtempSync(join(tmpdir(), 'cg-qrunner-'));
  cases = SOURCES.flatMap((src) => {
    const a = analyze({ cwd: src.cwd, contracts: ['contracts'] });
    return a.model.datasets.map((ds) => {
      const row = src.rows?.[ds.name] ?? Object.fromEntries(ds.fields.map((f: Field) => [f.physicalName, f.examples[0] ?? null]));
      return { label: `${src.label}/${ds.name}`, ds, suite: buildSuite(ds).suite, onDisk: readFileSync(join(src.dir, `${lakeName(ds)}.json`), 'utf8'), configured: a.config.quality.gxVersion, row };
    });
  });
}, 60_000);

afterAll(() => {
  session?.close();
  conn?.closeSync();
  instance?.closeSync();
});

describe('the quality runner on every suite the repository generates', () => {
  it('has the suites: both formats on disk, and each file is the suite this test serializes', () => {
    expect(cases.map((c) => c.label)).toEqual(['contracts/rides', 'contracts/users', 'mysql-source/payments', 'dcs-drivers/drivers', 'config-switches/rides', 'config-switches/users']);
    expect(new Set(cases.map((c) => c.configured))).toEqual(new Set(['1.x', '0.18']));
    for (const c of cases) expect(serializeSuite(c.suite, c.configured), c.label).toBe(c.onDisk);
  });

  it('passes clean data in every format, with exit status 0, as contractgen test does', async () => {
    let runs = 0;
    for (const c of cases) {
      const t = await table(c.ds, [c.row]);
      for (const e of c.suite.expectations) expect(await oracle(e, t), `${c.label}: contractgen test on the clean row, ${e.meta.contract_rule}`).toBe(true);
      for (const v of VERSIONS) {
        const path = v === c.configured ? join(tmp, `disk${++tableNo}.json`) : suiteFile(c.suite, v);
        if (v === c.configured) writeFileSync(path, c.onDisk);
        const r = await run(path, t);
        expect(r.error, `${c.label} (GX ${v})`).toBeNull();
        expect(r.lines.map((l) => `${l.verdict} ${l.type}`), `${c.label} (GX ${v})`).toEqual(c.suite.expectations.map((e) => `PASS ${gxType(e)}`));
        expect(r.stdout).toContain(`${c.suite.name}: ${c.suite.expectations.length} passed, 0 failed`);
        expect(r.exit, `${c.label} (GX ${v}): ${r.stdout}`).toBe(0);
        runs++;
      }
    }
    expect(runs).toBe(cases.length * VERSIONS.length);
  }, 120_000);

  it('fails each expectation on data that breaks it, in every format, as contractgen test does', async () => {
    let planted = 0;
    const missed: string[] = [];
    for (const c of cases) {
      for (const e of c.suite.expectations) {
        const t = await plant(c, e);
        if (t === undefined) {
          missed.push(`${c.label}: ${e.meta.contract_rule} (${gxType(e)})`);
          continue;
        }
        expect(await oracle(e, t), `${c.label}: contractgen test on the planted violation of ${e.meta.contract_rule}`).toBe(false);
        // 1.3.2's file differs from 1.x's only where an exclusive row-count bound stays strict_min/strict_max
        const versions = VERSIONS.filter((v) => v !== '1.3.2' || JSON.stringify(kwargsFor(e, gxTarget(v))) !== JSON.stringify(kwargsFor(e, gxTarget('1.x'))));
        for (const v of versions) {
          const r = await run(suiteFile(c.suite, v, [e]), t);
          expect(r.error, `${c.label} (GX ${v}) ${e.meta.contract_rule}`).toBeNull();
          expect(r.lines, `${c.label} (GX ${v}) ${e.meta.contract_rule}: ${r.stdout}`).toEqual([{ verdict: 'FAIL', type: gxType(e) }]);
          expect(r.exit).toBe(1);
        }
        planted++;
      }
    }
    expect(missed).toEqual([]);
    expect(planted).toBe(cases.reduce((n, c) => n + c.suite.expectations.length, 0));
  }, 300_000);

  it('gives the verdicts of contractgen test on a whole suite with planted violations, and exits 1', async () => {
    for (const c of cases) {
      // a second row: the first's keys again (uniqueness breaks), its strings emptied and its numbers negated
      const broken = Object.fromEntries(Object.entries(c.row).map(([k, v]) => [k, typeof v === 'number' ? -v - 1 : typeof v === 'string' && !/^\d{4}-\d\d-\d\d/.test(v) ? '' : v]));
      const t = await table(c.ds, [c.row, broken]);
      const want: string[] = [];
      for (const e of c.suite.expectations) want.push(`${(await oracle(e, t)) ? 'PASS' : 'FAIL'} ${gxType(e)}`);
      expect(want.filter((w) => w.startsWith('FAIL')).length, c.label).toBeGreaterThan(2);
      for (const v of VERSIONS) {
        const r = await run(suiteFile(c.suite, v), t);
        expect(r.lines.map((l) => `${l.verdict} ${l.type}`), `${c.label} (GX ${v})`).toEqual(want);
        expect(r.exit).toBe(1);
      }
    }
  }, 120_000);

  it('sends Spark SQL that Spark parses (dt-sql-parser SparkSQL grammar)', () => {
    expect(allSql.size).toBeGreaterThan(20);
    const bad = [...allSql].flatMap((sql) => parseSpark(sql).problems.map((p) => `${sql}: ${p.message}`));
    expect(bad).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------ planting

const CANDIDATES: Record<string, unknown[]> = {
  VARCHAR: [null, '', 'x'.repeat(300), '!', 'zz-not-allowed'],
  number: [null, -1e6, 1e6, -1, 0],
  temporal: [null, '1800-01-01', '2999-12-31', '1970-01-01T00:00:00Z', '2999-12-31T00:00:00Z'],
};

function candidatesFor(f: Field, e: Expectation): unknown[] {
  const duck = mapType(f.type).duckdb.toUpperCase();
  const kw = e.kwargs as Record<string, unknown>;
  const own: unknown[] = [];
  if (Array.isArray(kw.value_set)) own.push(kw.value_set[0], typeof kw.value_set[0] === 'number' ? Math.max(...(kw.value_set as number[])) + 1 : 'zz-not-in-set');
  for (const b of ['min_value', 'max_value'] as const) {
    if (typeof kw[b] === 'number') {
      const x = kw[b];
      own.push(x, b === 'min_value' ? x - 1 : x + 1);
      if (duck === 'VARCHAR') own.push('x'.repeat(Math.max(0, b === 'min_value' ? x - 1 : x + 1)));
    }
  }
  const generic = duck === 'VARCHAR' ? CANDIDATES.VARCHAR! : /DATE|TIME/.test(duck) ? CANDIDATES.temporal! : CANDIDATES.number!;
  return [...own, ...generic];
}

/** A table with the clean row broken so that `e` fails (checked by contractgen test), or undefined. */
async function plant(c: Case, e: Expectation): Promise<string | undefined> {
  const { ds, row } = c;
  const tryRows = async (rows: Array<Record<string, unknown>>, types?: Record<string, string>, drop?: string) => {
    let t: string;
    try {
      t = await table(ds, rows, types, drop);
    } catch {
      return undefined; // a value the column's type cannot hold
    }
    return (await oracle(e, t)) ? undefined : t;
  };
  switch (e.type) {
    case 'expect_table_columns_to_match_set':
      return tryRows([row], {}, ds.fields.at(-1)!.physicalName);
    case 'expect_table_row_count_to_be_between':
      return (await tryRows([])) ?? tryRows(Array.from({ length: (e.kwargs.max_value ?? 0) + 1 }, () => row));
    case 'expect_column_values_to_be_unique':
    case 'expect_compound_columns_to_be_unique':
      return tryRows([row, row]);
    case 'expect_column_values_to_be_of_type': {
      const f = ds.fields.find((x) => x.physicalName === e.kwargs.column)!;
      const other = sparkTypeOf(mapType(f.type).duckdb) === 'StringType' ? 'BLOB' : 'VARCHAR';
      return tryRows([{ ...row, [f.physicalName]: null }], { [f.physicalName]: other });
    }
    case 'unexpected_rows_expectation': {
      for (const f of ds.fields.filter((x) => new RegExp(`\\b${x.physicalName}\\b`).test(e.kwargs.unexpected_rows_query))) {
        for (const v of candidatesFor(f, e)) {
          const t = await tryRows([{ ...row, [f.physicalName]: v }]);
          if (t) return t;
        }
      }
      return undefined;
    }
    case 'custom':
      return undefined;
    default: {
      const f = ds.fields.find((x) => x.physicalName === e.kwargs.column)!;
      for (const v of candidatesFor(f, e)) {
        const t = await tryRows([{ ...row, [f.physicalName]: v }]);
        if (t) return t;
      }
      return undefined;
    }
  }
}

// ------------------------------------------------------------------------------------------ beyond the generated suites

describe('the quality runner on what the generated suites do not have yet', () => {
  const meta = (rule: string) => ({ contract_rule: rule });
  let t: string;
  let bad: string;

  beforeAll(async () => {
    await conn.run(`CREATE TABLE kinds AS SELECT id, kind, email, score, CAST(pickup AS STRUCT(lat DOUBLE, lon DOUBLE)) AS pickup FROM (VALUES (1, 'rider', 'a@x.io', 5, struct_pack(lat := -23.5, lon := -46.6)), (2, 'driver', 'b@x.io', 10, struct_pack(lat := 10.0, lon := 20.0)), (3, 'rider', NULL, 7, struct_pack(lat := 0.0, lon := 0.0))) v(id, kind, email, score, pickup)`);
    await conn.run(`CREATE TABLE kinds_bad AS SELECT id, kind, email, score, CAST(pickup AS STRUCT(lat DOUBLE, lon DOUBLE)) AS pickup FROM (VALUES (1, 'alien', NULL, 0, struct_pack(lat := -123.5, lon := -46.6)), (1, 'alien', NULL, 11, struct_pack(lat := NULL::DOUBLE, lon := 1.0)), (3, 'unknown', 'c@x.io', 7, struct_pack(lat := 0.0, lon := 0.0))) v(id, kind, email, score, pickup)`);
    t = 'kinds';
    bad = 'kinds_bad';
  });

  const suite = (expectations: Expectation[]): Suite => ({ name: 'kinds', dataset: 'kinds', contract: { id: 'c', version: '1.0.0' }, expectations });

  const CASES: Array<[string, Expectation, boolean, boolean]> = [
    // [name, expectation, passes on kinds, passes on kinds_bad]
    ['mostly: one null in three, 60% asked', { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email', mostly: 0.6 }, meta: meta('mostly') }, true, false],
    ['not in set', { type: 'expect_column_values_to_not_be_in_set', kwargs: { column: 'kind', value_set: ['alien', 'unknown'] }, meta: meta('missing') }, true, false],
    ['strict bounds on values', { type: 'expect_column_values_to_be_between', kwargs: { column: 'score', min_value: 0, strict_min: true, max_value: 10, strict_max: false }, meta: meta('range') }, true, false],
    ['strict bounds on lengths', { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'kind', min_value: 4, strict_min: true, max_value: 6 }, meta: meta('length') }, true, false],
    ['strict row count: 3 rows > 2', { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 2, strict_min: true, max_value: 3 }, meta: meta('rows') }, true, true],
    ['strict row count: 3 rows > 3 fails', { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 3, strict_min: true }, meta: meta('rows') }, false, false],
    ['strict row count: 3 rows < 3 fails', { type: 'expect_table_row_count_to_be_between', kwargs: { max_value: 3, strict_max: true }, meta: meta('rows') }, false, false],
    ['compound unique', { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['id', 'kind'] }, meta: meta('pk') }, true, false],
    ['nested path: a field of a struct column is not null', { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'pickup.lat' }, meta: meta('n.pickup.lat:required') }, true, false],
    ['nested path: in range', { type: 'expect_column_values_to_be_between', kwargs: { column: 'pickup.lat', min_value: -90, max_value: 90 }, meta: meta('n.pickup.lat:range') }, true, false],
    ['nested path: its type', { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'pickup.lat', type_: 'DoubleType' }, meta: meta('n.pickup.lat:type') }, true, true],
    // as branch round-b-13 writes a nested field's check (generator/quality/paths.ts there)
    ['nested path in an unexpected-rows query', { type: 'unexpected_rows_expectation', kwargs: { unexpected_rows_query: 'SELECT * FROM {batch} WHERE coalesce((pickup.lat < -90 OR pickup.lat > 90), false)' }, meta: meta('n.pickup.lat:range') }, true, false],
  ];

  for (const [name, e, good, onBad] of CASES) {
    it(`${name}: ${good ? 'passes' : 'fails'} on good rows, ${onBad ? 'passes' : 'fails'} on bad rows, in every format`, async () => {
      for (const v of VERSIONS) {
        for (const [tbl, want] of [[t, good], [bad, onBad]] as const) {
          const r = await run(suiteFile(suite([e]), v), tbl);
          expect(r.error, `${v} ${tbl}`).toBeNull();
          expect(r.lines, `${v} ${tbl}: ${r.stdout}`).toEqual([{ verdict: want ? 'PASS' : 'FAIL', type: gxType(e) }]);
          expect(r.exit).toBe(want ? 0 : 1);
        }
      }
    });
  }

  it('quotes each part of a dotted path, never the path as one name, and a real column with a dot as one', async () => {
    await conn.run(`CREATE TABLE dotted AS SELECT 5 AS "a.b", struct_pack(b := 1) AS a`);
    const e: Expectation = { type: 'expect_column_values_to_be_between', kwargs: { column: 'a.b', min_value: 0, max_value: 3 }, meta: meta('dot') };
    const r = await run(suiteFile(suite([e]), '1.x'), 'dotted');
    // the column named `a.b` (5) breaks the bound; the struct field a.b (1) would not
    expect(r.lines).toEqual([{ verdict: 'FAIL', type: 'expect_column_values_to_be_between' }]);
    expect(r.sql.some((s) => s.includes('`a.b`'))).toBe(true);
    const n = await run(suiteFile(suite([{ ...e, kwargs: { ...e.kwargs, column: 'pickup.lat' } }]), '1.x'), t);
    expect(n.sql.some((s) => s.includes('`pickup`.`lat`'))).toBe(true);
  });

  it('reports an expectation type it does not implement as an ERROR, runs the rest, and exits 1', async () => {
    const es: Expectation[] = [
      { type: 'custom', gxType: 'expect_column_values_to_be_increasing', kwargs: { column: 'id' }, meta: meta('custom') },
      { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' }, meta: meta('id') },
    ];
    for (const v of VERSIONS) {
      const r = await run(suiteFile(suite(es), v), t);
      expect(r.error).toBeNull();
      expect(r.lines).toEqual([
        { verdict: 'ERROR', type: 'expect_column_values_to_be_increasing' },
        { verdict: 'PASS', type: 'expect_column_values_to_not_be_null' },
      ]);
      expect(r.stdout).toContain('unsupported expectation type expect_column_values_to_be_increasing');
      expect(r.exit).toBe(1);
    }
  });

  it('refuses a kwarg it does not implement (row_condition) instead of checking every row', async () => {
    // a custom GX rule a contract may write: passed through with its kwargs (suite.ts: fromGx)
    const e: Expectation = { type: 'custom', gxType: 'expect_column_values_to_not_be_null', kwargs: { column: 'email', row_condition: 'kind == "driver"', condition_parser: 'spark' }, meta: meta('cond') };
    const r = await run(suiteFile(suite([e]), '1.x'), t);
    expect(r.lines).toEqual([{ verdict: 'ERROR', type: 'expect_column_values_to_not_be_null' }]);
    expect(r.stdout).toContain('row_condition');
    expect(r.exit).toBe(1);
  });

  it('exits 0 and 1 as a process: python3 quality_runner.py --suite … --table …', async () => {
    const c = cases.find((x) => x.configured === '0.18')!;
    const clean = await table(c.ds, [c.row]);
    const path = join(tmp, 'disk-0.18.json');
    writeFileSync(path, c.onDisk);
    const ok = await runProcess(conn, ['--suite', path, '--table', clean]);
    expect(ok.stdout).toContain(`${c.suite.name}: ${c.suite.expectations.length} passed, 0 failed`);
    expect(ok.exit, ok.error ?? '').toBe(0);
    const broken = await table(c.ds, []);
    const no = await runProcess(conn, ['--suite', path, '--table', broken]);
    expect(no.lines.filter((l) => l.verdict === 'FAIL').map((l) => l.type)).toEqual(['expect_table_row_count_to_be_between']);
    expect(no.exit).toBe(1);
  });
});

describe('the dialect translation for DuckDB', () => {
  it('changes only quoting, string escapes and RLIKE', () => {
    expect(sparkToDuckdb("SELECT count(*) AS n FROM t WHERE NOT (`e``x` RLIKE '^\\\\d+\\'s$')")).toBe(`SELECT count(*) AS n FROM t WHERE NOT (regexp_matches("e\`x", '^\\d+''s$'))`);
    expect(sparkToDuckdb('SELECT * FROM t WHERE `pickup`.`lat` rlike "a"')).toBe(`SELECT * FROM t WHERE regexp_matches("pickup"."lat", 'a')`);
    expect(() => sparkToDuckdb("SELECT * FROM t WHERE lower(x) RLIKE 'a'")).toThrow(/cannot translate/);
  });
});
