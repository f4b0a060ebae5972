/**
 * `contractgen test`: the generated quality suites run on embedded DuckDB. Every expectation type the quality
 * target emits, once on data that passes and once on data that fails; then the command end to end on the
 * repository's contracts with data in a folder (JSON lines, and Parquet laid out as the trusted layer), on a
 * local S3-compatible server (s3rver) and in a real PostgreSQL created with the generated DDL.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../generator/model/ir.js';
import { mapType } from '../generator/model/types.js';
import { readAs, runSuite, typedSelect } from '../generator/quality/duckdb.js';
import { maskMessage, maskRow } from '../generator/quality/run.js';
import type { Expectation } from '../generator/quality/suite.js';
import { cli } from './helpers/cli.js';
import { generateFrom } from './helpers/generate.js';
import { startPg, type PgCluster } from './helpers/pg.js';
import { ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };

let db: DuckDBInstance;
let con: DuckDBConnection;
let datasets: Dataset[];
let files: Map<string, string>;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
  await con.run(`CREATE TABLE good AS SELECT * FROM (VALUES (1, 'a@x.io', 'rider', 10.5, DATE '2024-01-01'), (2, 'b@x.io', 'driver', 20.0, DATE '2024-01-02')) v(id, email, kind, amount, day)`);
  await con.run(`CREATE TABLE bad AS SELECT * FROM (VALUES (1, 'a@x.io', 'rider', 10.5, DATE '2024-01-01'), (1, 'nope', 'alien', -3.0, NULL), (3, NULL, 'rider', 999.0, DATE '2024-01-03'), (1, 'a@x.io', 'rider', 10.5, DATE '2024-01-01')) v(id, email, kind, amount, day)`);
  ({ files, analysis: { model: { datasets } } } = await generateFrom());
});

afterAll(() => {
  con?.closeSync();
  db?.closeSync();
});

const meta = { contract_rule: 'test' };
const CASES: Array<[string, Expectation]> = [
  ['not null', { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' }, meta }],
  ['in set', { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'kind', value_set: ['rider', 'driver'] }, meta }],
  ['not in set', { type: 'expect_column_values_to_not_be_in_set', kwargs: { column: 'kind', value_set: ['alien'] }, meta }],
  ['between', { type: 'expect_column_values_to_be_between', kwargs: { column: 'amount', min_value: 0, max_value: 100 }, meta }],
  ['lengths between', { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'email', min_value: 5 }, meta }],
  ['regex', { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '^[^@]+@[^@]+$' }, meta }],
  ['unique', { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' }, meta }],
  ['compound unique', { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['id', 'kind'] }, meta }],
  ['row count', { type: 'expect_table_row_count_to_be_between', kwargs: { max_value: 2 }, meta }],
  ['columns match', { type: 'expect_table_columns_to_match_set', kwargs: { column_set: ['id', 'email', 'kind', 'amount', 'day'], exact_match: true }, meta }],
  ['of type', { type: 'expect_column_values_to_be_of_type', kwargs: { column: 'day', type_: 'DateType' }, meta }],
  ['unexpected rows', { type: 'unexpected_rows_expectation', kwargs: { unexpected_rows_query: 'SELECT * FROM {batch} WHERE amount > 500' }, meta }],
];

describe('expectations on DuckDB', () => {
  for (const [name, e] of CASES) {
    it(`${name}: passes on good data, fails on bad data with the failing rows`, async () => {
      const [good] = await runSuite(con, { name: 't', expectations: [e] }, 'good');
      expect(good!.error).toBeUndefined();
      expect(good!.passed, JSON.stringify(good)).toBe(true);
      expect(good!.samples).toEqual([]);
      // the bad table breaks every rule; for the table-level ones it differs in shape
      const badTable = name === 'columns match' || name === 'of type' ? 'bad_shape' : 'bad';
      if (badTable === 'bad_shape') await con.run(`CREATE OR REPLACE TABLE bad_shape AS SELECT id, email, CAST(day AS VARCHAR) AS day FROM bad`);
      const [bad] = await runSuite(con, { name: 't', expectations: [e] }, badTable);
      expect(bad!.error).toBeUndefined();
      expect(bad!.passed, JSON.stringify(bad)).toBe(false);
      if (!['row count', 'columns match', 'of type'].includes(name)) {
        expect(bad!.samples.length).toBeGreaterThan(0);
        expect(bad!.samples.length).toBeLessThanOrEqual(5);
      }
    });
  }

  it('honours mostly', async () => {
    const [r] = await runSuite(con, { name: 't', expectations: [{ type: 'expect_column_values_to_be_in_set', kwargs: { column: 'kind', value_set: ['rider'], mostly: 0.6 }, meta }] }, 'bad');
    expect(r!.passed).toBe(true);
    expect(r!.observed).toEqual({ unexpected: 1, of: 4 });
  });

  it('reports an expectation it cannot evaluate as an error, not a pass', async () => {
    const [r] = await runSuite(con, { name: 't', expectations: [{ type: 'custom', gxType: 'expect_column_to_exist', kwargs: { column: 'id' }, meta }] }, 'good');
    expect(r!.passed).toBe(false);
    expect(r!.type).toBe('expect_column_to_exist');
    expect(r!.error).toContain('unsupported expectation type expect_column_to_exist');
  });

  it('reads text as a type strictly: NULL where the value is not one, never an invented value', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['12', 'INTEGER', 12],
      [' -3 ', 'BIGINT', '-3'], // BIGINT comes back as text
      ['4.0', 'SMALLINT', 4],
      ['2.5', 'INTEGER', null], // a cast would round it
      ['1e3', 'INTEGER', null],
      ['70000', 'SMALLINT', null],
      ['true', 'BOOLEAN', true],
      ['yes', 'BOOLEAN', null], // a cast would take it
      ['12.345', 'DECIMAL(10,2)', '12.35'],
      ['1e40', 'DECIMAL(10,2)', null],
      ['1990-04-17', 'DATE', '1990-04-17'],
      ['1990-13-45', 'DATE', null],
      ['2024-03-01T12:00:00Z', 'TIMESTAMP WITH TIME ZONE', '2024-03-01 12:00:00+00'],
      ['yesterday', 'TIMESTAMP WITH TIME ZONE', null],
      ['{"lat": 1.5}', 'STRUCT(lat DOUBLE)', { lat: 1.5 }],
      ['x', 'STRUCT(lat DOUBLE)', null],
      ['["a","b"]', 'VARCHAR[]', ['a', 'b']],
      ['anything', 'VARCHAR', 'anything'],
    ];
    for (const [text, type, want] of cases) {
      const got = (await con.runAndReadAll(`SELECT ${readAs(`'${text.replace(/'/g, "''")}'`, type)} AS v`)).getRowObjectsJson()[0]!.v;
      expect(got, `${JSON.stringify(text)} as ${type}`).toEqual(want);
    }
  });

  it('on rows read from text: an unreadable value fails its type check with the row, and is not a missing one', async () => {
    await con.run(`CREATE OR REPLACE TABLE "t#raw" AS SELECT * FROM (VALUES ('1', '2024-01-01'), ('2', 'not a date'), ('3', NULL)) v(id, day)`);
    await con.run(`CREATE OR REPLACE VIEW t AS SELECT ${typedSelect([['id', 'INTEGER'], ['day', 'DATE']])} FROM "t#raw"`);
    const raw = { table: 't#raw', types: new Map([['id', 'INTEGER'], ['day', 'DATE']]) };
    const [type, nulls] = await runSuite(con, { name: 't', expectations: [{ type: 'expect_column_values_to_be_of_type', kwargs: { column: 'day', type_: 'DateType' }, meta }, { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'day' }, meta }] }, 't', undefined, raw);
    expect(type).toMatchObject({ passed: false, observed: { type: 'DateType', unreadable: 1 }, samples: [{ id: '2', day: 'not a date' }] });
    expect(nulls).toMatchObject({ passed: false, observed: { unexpected: 1, of: 3 }, samples: [{ id: '3', day: null }] });
  });

  it('masks every value but those of the columns it may show, and quoted text in messages', () => {
    expect(maskRow({ id: 1, email: 'a@x.io', note: null, computed: 'secret' }, new Set(['id']))).toEqual({ id: 1, email: '***', note: null, computed: '***' });
    expect(maskMessage(`Conversion Error: Could not convert string 'ana@x.io' to INT32 in column "email"`)).toBe(`Conversion Error: Could not convert string '***' to INT32 in column "email"`);
  });

  it('covers every expectation type the quality target emits', () => {
    const emitted = new Set([...files].filter(([k]) => k.startsWith('quality/') && k.endsWith('.json') && !k.includes('manifest')).flatMap(([, v]) => (JSON.parse(v) as { expectations: Array<{ type: string }> }).expectations.map((e) => e.type)));
    const tested = new Set<string>(CASES.map(([, e]) => e.type));
    expect([...emitted].filter((t) => !tested.has(t))).toEqual([]);
  });
});

/** One row per dataset from the contract's examples, and one that breaks `breaks` of its rules. */
function rows(ds: Dataset, broken: Record<string, unknown>): string {
  const row = Object.fromEntries(ds.fields.map((f) => [f.physicalName, f.examples[0] ?? null]));
  return `${JSON.stringify(row)}\n${JSON.stringify({ ...row, ...broken })}\n`;
}

const PLANTED = { users: { email: 'not-an-email', user_type: 'alien', user_id: '00000000-0000-4000-8000-000000000001', document_number: '11111111111' }, rides: { status: 'teleported', ride_id: '00000000-0000-4000-8000-000000000002' } };
// A value set the contract states once as a field's values and once as an invalidValues rule is one expectation
// (naming both rules in its meta), so a bad value fails one check, not two.
const EXPECTED_FAILURES = ['rides.status:validValues', 'users.email:format:email', 'users.user_type:validValues'];

function failures(stdout: string): string[] {
  return [...stdout.matchAll(/^ {2}FAIL (\S+) /gm)].map((m) => m[1]!).sort();
}

describe('contractgen test', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cg-test-data-'));
    for (const ds of datasets) writeFileSync(join(dir, `${ds.name}.jsonl`), rows(ds, PLANTED[ds.name as 'users' | 'rides']));
  });

  it('finds exactly the planted violations in JSON lines, with the failing rows, and exits 1', async () => {
    const r = await cli(['test', '--data', dir], ROOT);
    expect(r.code, r.stderr).toBe(1);
    expect(failures(r.stdout)).toEqual(EXPECTED_FAILURES);
    // the failing row is shown, its PII values masked: email is restricted and contractgen.pii
    expect(r.stdout).toMatch(/FAIL users\.email:format:email \(expect_column_values_to_match_regex\) unexpected=1 of=2\n {7}\{.*"email":"\*\*\*"/);
    expect(r.stdout).toMatch(/FAIL users\.user_type:validValues .*\n {7}\{.*"user_type":"alien"/); // not PII: shown
    expect(r.stdout).toContain('contractgen test: 2 dataset(s)');
  });

  it('never prints the value of a PII field (classification restricted or contractgen.pii) in text, JSON or JUnit', async () => {
    const pii = datasets.flatMap((ds) => ds.fields.filter((f) => f.pii || f.classification === 'restricted').map((f) => ({ ds: ds.name, f })));
    expect(pii.map((p) => `${p.ds}.${p.f.name}`)).toEqual(expect.arrayContaining(['users.email', 'users.document_number', 'users.birth_date', 'rides.pickup_lat']));
    // every row breaks a rule, so every row is a failing sample somewhere
    const leaky = mkdtempSync(join(tmpdir(), 'cg-test-pii-'));
    for (const ds of datasets) writeFileSync(join(leaky, `${ds.name}.jsonl`), rows(ds, PLANTED[ds.name as 'users' | 'rides']).split('\n')[1] + '\n');
    const secrets = [...new Set(pii.flatMap(({ ds, f }) => [f.examples[0], (PLANTED as Record<string, Record<string, unknown>>)[ds]?.[f.physicalName]]).filter((v) => v !== undefined && v !== null).map(String))];
    expect(secrets).toEqual(expect.arrayContaining(['not-an-email', '11111111111', 'Maria da Silva', '-23.5614']));
    for (const format of ['text', 'json', 'junit']) {
      const r = await cli(['test', '--data', leaky, '--format', format], ROOT);
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      expect(r.stdout, format).toContain('***');
      for (const s of secrets) expect(r.stdout + r.stderr, `${format} prints ${s}`).not.toContain(s);
    }
  });

  it('fails the type check of a value that cannot be read as its declared type, and nothing else', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'cg-test-types-'));
    // the second row of each dataset: new keys (so no uniqueness rule breaks), and values its types cannot read
    const broken = {
      users: { user_id: '00000000-0000-4000-8000-000000000001', email: 'joao@example.com', document_number: '11111111111', birth_date: '1990-13-45' },
      rides: { ride_id: '00000000-0000-4000-8000-000000000002', completed_at: 'yesterday', duration_s: 2.5, fare_amount: 'a lot', rating: 'five', distance_km: '7,4' },
    };
    for (const ds of datasets) writeFileSync(join(bad, `${ds.name}.jsonl`), rows(ds, broken[ds.name as 'users' | 'rides']));
    const r = await cli(['test', '--data', bad], ROOT);
    expect(r.code, r.stderr).toBe(1);
    expect(failures(r.stdout)).toEqual(['rides.completed_at:type', 'rides.distance_km:type', 'rides.duration_s:type', 'rides.fare_amount:type', 'rides.rating:type', 'users.birth_date:type']);
    expect(r.stdout).not.toContain('error:'); // no expectation could not be evaluated
    expect(r.stdout).toMatch(/FAIL users\.birth_date:type \(expect_column_values_to_be_of_type\) type="DateType" duckdb_type="DATE" unreadable=1\n {7}\{.*"birth_date":"\*\*\*"/);
    expect(r.stdout).toMatch(/FAIL rides\.rating:type .* unreadable=1\n {7}\{.*"rating":"five"/);
    // the same data with good values passes every type check
    const good = mkdtempSync(join(tmpdir(), 'cg-test-types-good-'));
    for (const ds of datasets) writeFileSync(join(good, `${ds.name}.jsonl`), rows(ds, {}).split('\n')[0] + '\n');
    expect(failures((await cli(['test', '--data', good], ROOT)).stdout)).toEqual([]);
  });

  it('writes JUnit XML that parses, and JSON', async () => {
    const junit = await cli(['test', '--data', dir, '--format', 'junit'], ROOT);
    expect(junit.code).toBe(1);
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    expect((junit.stdout.match(/<failure /g) ?? []).length).toBe(EXPECTED_FAILURES.length);
    const json = await cli(['test', '--data', dir, '--format', 'json', '--dataset', 'users'], ROOT);
    const parsed = JSON.parse(json.stdout) as { passed: boolean; results: Array<{ dataset: string; outcomes: Array<{ passed: boolean; rule: string }> }> };
    expect(parsed.passed).toBe(false);
    expect(parsed.results.map((x) => x.dataset)).toEqual(['users']);
  });

  it('runs the same suites, with the same verdicts, when the quality target writes GX 0.18', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cg-test-gx018-'));
    cpSync(join(ROOT, 'contracts'), join(project, 'contracts'), { recursive: true });
    writeFileSync(join(project, 'contractgen.config.yaml'), `${readFileSync(join(ROOT, 'contractgen.config.yaml'), 'utf8')}quality:\n  gxVersion: '0.18'\n`);
    // the suite files really are GX 0.18 there
    const printed = await cli(['generate', '--target', 'quality', '--print'], project);
    expect(printed.stdout).toContain('"expectation_suite_name": "users"');
    expect(printed.stdout).not.toContain('"type": "expect_');
    // bad data: exactly the planted failures, as under 1.x, and the same report
    const bad018 = await cli(['test', '--data', dir], project);
    expect(bad018.stdout).not.toContain('unsupported expectation type');
    expect(bad018.code, bad018.stderr).toBe(1);
    expect(failures(bad018.stdout)).toEqual(EXPECTED_FAILURES);
    expect(bad018.stdout).toBe((await cli(['test', '--data', dir], ROOT)).stdout);
    // good data: every expectation passes
    const good = mkdtempSync(join(tmpdir(), 'cg-test-gx018-good-'));
    for (const ds of datasets) writeFileSync(join(good, `${ds.name}.jsonl`), rows(ds, {}).split('\n')[0] + '\n');
    const good018 = await cli(['test', '--data', good], project);
    expect(good018.stdout).not.toContain('FAIL');
    expect(good018.code, good018.stdout + good018.stderr).toBe(0);
    expect(good018.stdout).toMatch(/contractgen test: 2 dataset\(s\), \d+ passed, 0 failed/);
  });

  it('passes clean data laid out as the trusted layer: Parquet partitioned by hive folders', async () => {
    const clean = mkdtempSync(join(tmpdir(), 'cg-test-clean-'));
    for (const ds of datasets) {
      const src = join(clean, `${ds.name}.src.jsonl`);
      writeFileSync(src, rows(ds, PLANTED[ds.name as 'users' | 'rides']).split('\n')[0] + '\n');
      const types = `{${ds.fields.map((f) => `'${f.physicalName}': '${mapType(f.type).duckdb}'`).join(', ')}}`;
      const part = ds.partitionedBy.length ? `, PARTITION_BY (${ds.partitionedBy.join(', ')})` : '';
      mkdirSync(join(clean, ds.name), { recursive: true });
      await con.run(`COPY (SELECT * FROM read_json('${src}', format = 'newline_delimited', columns = ${types})) TO '${join(clean, ds.name, part ? '' : 'part-0.parquet')}' (FORMAT parquet${part}${part ? ', OVERWRITE_OR_IGNORE' : ''})`);
    }
    const r = await cli(['test', '--data', clean], ROOT);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rides: \d+ expectations on 1 rows from .*\/rides\//);
  });

  it('reads objects from an S3-compatible server', async () => {
    const bucket = 'lake-trusted';
    const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 'cg-s3-')), configureBuckets: [{ name: bucket }] });
    const { port } = await s3rver.run();
    try {
      const endpoint = `http://127.0.0.1:${port}`;
      const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      for (const ds of datasets) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `trusted/${ds.name}.jsonl`, Body: readFileSync(join(dir, `${ds.name}.jsonl`)) }));
      s3.destroy();
      const r = await cli(['test', '--data', `s3://${bucket}/trusted`], ROOT, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
      expect(r.code, r.stderr).toBe(1);
      expect(failures(r.stdout)).toEqual(EXPECTED_FAILURES);
    } finally {
      await s3rver.close();
    }
  }, 60_000);

  describe('on PostgreSQL', () => {
    let pg: PgCluster;
    beforeAll(async () => {
      pg = await startPg();
    }, 120_000);
    afterAll(() => pg?.stop());

    it('reads the source table the generated DDL created', async () => {
      const c = await pg.client();
      await c.query('CREATE DATABASE app');
      await c.end();
      const app = await pg.client('app');
      await app.query(files.get('postgres/users.sql')!);
      const users = datasets.find((d) => d.name === 'users')!;
      const row = Object.fromEntries(users.fields.map((f) => [f.physicalName, f.examples[0]]));
      const cols = Object.keys(row);
      await app.query(`INSERT INTO public.users (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((k) => row[k]));
      await app.end();
      const r = await cli(['test', '--data', `postgresql://${pg.user}:${pg.password}@127.0.0.1:${pg.port}/app`, '--dataset', 'users'], ROOT);
      expect(r.stdout).not.toContain('FAIL');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('users: 41 expectations on 1 rows');
      // the report names where the rows came from, never the password
      expect(r.stdout).toContain(`from postgresql://postgres:***@127.0.0.1:${pg.port}/app (users)`);
      expect(r.stdout + r.stderr).not.toContain(pg.password);
    }, 60_000);
  });

  it('reports data it cannot reach or read as a usage error (exit 2), with the password masked', async () => {
    const refused = await cli(['test', '--data', 'postgresql://app:s3cret-pw@127.0.0.1:1/app'], ROOT);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('--data postgresql://app:***@127.0.0.1:1/app: cannot read it: ');
    expect(refused.stderr + refused.stdout).not.toContain('s3cret-pw');
    expect(refused.stderr).not.toContain('internal error');
    const broken = mkdtempSync(join(tmpdir(), 'cg-test-broken-'));
    writeFileSync(join(broken, 'users.jsonl'), '{"user_id": "a"}\nnot json\n');
    writeFileSync(join(broken, 'rides.parquet'), 'PAR1 not really');
    for (const only of ['users', 'rides']) {
      const r = await cli(['test', '--data', broken, '--dataset', only], ROOT);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`cannot read ${only} from .*${only}\\.(jsonl|parquet)`));
    }
  });

  it('says what is missing instead of passing on nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cg-test-empty-'));
    const r = await cli(['test', '--data', empty], ROOT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no data for rides, users');
    const none = await cli(['test'], ROOT);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('test needs --data');
  });
});

describe('contractgen test never fails internally', () => {
  it('on every legal case of the hostile corpus, with rows from the examples and rows of hostile text (exit 0, 1 or 2, never 3)', async () => {
    const { analyze } = await import('../generator/analyze.js');
    const corpus = join(ROOT, 'test/fixtures/hostile');
    const cases = (JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as Array<{ name: string; legal: boolean }>).filter((c) => c.legal);
    const hostile = ["'; DROP TABLE x; --", '"', '\\', '{"a":', '[1,2', 'NaN', '-0', '1e999', '2024-02-30', '\u0000', '🚕'];
    const codes = new Set<number>();
    for (const c of cases) {
      const a = analyze({ cwd: ROOT, contracts: [join(corpus, c.name)] });
      const data = mkdtempSync(join(tmpdir(), 'cg-test-hostile-'));
      const { lakeName } = await import('../generator/model/naming.js');
      for (const ds of a.model.datasets) {
        const good = Object.fromEntries(ds.fields.map((f) => [f.physicalName, f.examples[0] ?? null]));
        const lines = [good, ...hostile.map((h) => Object.fromEntries(ds.fields.map((f) => [f.physicalName, h])))].map((r) => JSON.stringify(r));
        writeFileSync(join(data, `${lakeName(ds)}.jsonl`), `${lines.join('\n')}\n`);
      }
      const r = await cli(['test', '--contracts', join(corpus, c.name), '--data', data], ROOT);
      expect([0, 1, 2], `${c.name}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr, c.name).not.toContain('internal error');
      codes.add(r.code);
    }
    expect([...codes], 'the hostile rows break rules, and every file reads').toEqual([1]);
  }, 300_000);
});
