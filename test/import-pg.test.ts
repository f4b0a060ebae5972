/**
 * `contractgen import` from a live PostgreSQL, started by the test.
 *
 * The round trip: for the repository's contracts, the examples and the property-based contracts, the generated
 * DDL is applied to a fresh database, imported back from its catalog, generated again and applied to a second
 * fresh database; the two catalogs, as PostgreSQL renders them, must be equal (columns, types, nullability,
 * defaults, keys, unique indexes, CHECK constraints by name and definition, comments) but for the documented
 * losses (helpers/import.ts KNOWN_LOSSES, docs/import.md#known-losses).
 *
 * Then a database contractgen has never seen (enums, domains, composite types, arrays, JSON, partitioning, foreign
 * keys, identity columns, CHECKs of every shape) imports to lint-clean contracts; and the failures: an
 * unreachable server, bad credentials, a missing table, an unmappable type, an empty schema.
 */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { ContractSource } from '../generator/analyze.js';
import { readPgCatalog } from '../generator/import/pg-catalog.js';
import { buildDatasets } from '../generator/model/build/dataset.js';
import { draftContracts } from '../generator/import/odcs.js';
import { cli } from './helpers/cli.js';
import { contract, SEED } from './helpers/contract-arbitrary.js';
import { analysisOf, catalog, errorsOf, expectedLogical, generateAll, importedContracts, label, normalizeCatalog } from './helpers/import.js';
import { startPg, type PgCluster } from './helpers/pg.js';
import { ROOT } from './helpers/reference.js';

let cluster: PgCluster;
let hbaDir: string;
let dbCount = 0;

beforeAll(async () => {
  // password authentication for one role over TCP, trust for the rest: the bad-credentials case needs it
  hbaDir = mkdtempSync(join(tmpdir(), 'cg-hba-'));
  chmodSync(hbaDir, 0o755);
  writeFileSync(join(hbaDir, 'pg_hba.conf'), 'local all all trust\nhost all secured 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n');
  chmodSync(join(hbaDir, 'pg_hba.conf'), 0o644);
  cluster = await startPg({ hba_file: join(hbaDir, 'pg_hba.conf') });
}, 180_000);

afterAll(() => cluster?.stop());

const url = (db: string, user = 'postgres') => `postgresql://${user}@127.0.0.1:${cluster.port}/${db}`;

async function freshDb(): Promise<{ name: string; client: pg.Client }> {
  const name = `cg_${++dbCount}`;
  const admin = await cluster.client();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return { name, client: await cluster.client(name) };
}

/** Applies the generated PostgreSQL DDL: the tables, then the foreign keys. */
async function apply(db: pg.Client, files: Map<string, string>): Promise<void> {
  const sql = [...files].filter(([p]) => p.startsWith('postgres/') && p.endsWith('.sql'));
  for (const [, text] of sql.filter(([p]) => !p.endsWith('foreign-keys.sql'))) await db.query(text);
  for (const [, text] of sql.filter(([p]) => p.endsWith('foreign-keys.sql'))) await db.query(text);
}

/** contract texts → DDL → database A → import → DDL → database B; returns both catalogs, normalized. */
async function roundTrip(sources: ContractSource[]): Promise<{ a: unknown; b: unknown; imported: ContractSource[] }> {
  const first = await generateAll(sources, ['postgres']);
  const A = await freshDb();
  const B = await freshDb();
  try {
    await apply(A.client, first.files);
    const src = await readPgCatalog({ url: url(A.name) });
    const { sources: imported, diagnostics } = importedContracts(src);
    expect(errorsOf(diagnostics)).toEqual([]);
    const second = await generateAll(imported, ['postgres']);
    await apply(B.client, second.files);
    return { a: normalizeCatalog(await catalog(A.client)), b: normalizeCatalog(await catalog(B.client)), imported };
  } finally {
    await A.client.end();
    await B.client.end();
  }
}

const read = (p: string): ContractSource => ({ file: p, text: readFileSync(join(ROOT, p), 'utf8') });

describe('round trip through a real PostgreSQL', () => {
  it('the repository contracts: generated DDL → database → import → generated DDL → database, same catalog', async () => {
    const sources = readdirSync(join(ROOT, 'contracts')).map((f) => read(`contracts/${f}`));
    const { a, b, imported } = await roundTrip(sources);
    expect(b).toEqual(a);
    // and the imported contracts are lint-clean: no errors (warnings are the placeholders and suggestions)
    expect(errorsOf(analysisOf(imported).diagnostics)).toEqual([]);
    const rules = new Set(analysisOf(imported).diagnostics.map((d) => d.rule));
    expect([...rules].sort()).toEqual(['PII_SUGGESTED', 'PLACEHOLDER']);
  });

  it('the examples: the MySQL-sourced payments contract, bound to PostgreSQL (its own MySQL round trip is in import-files.test.ts)', async () => {
    const text = read('examples/mysql-source/contracts/payments.odcs.yaml').text!;
    const asPg = text.replace(/  - server: payments-mysql\n    type: mysql\n    host: payments-db.internal\n    port: 3306\n    database: payments\n/, '  - server: payments-pg\n    type: postgres\n    host: payments-db.internal\n    port: 5432\n    database: payments\n    schema: public\n');
    expect(asPg).not.toBe(text);
    const { a, b } = await roundTrip([{ file: 'examples/payments.odcs.yaml', text: asPg }]);
    expect(b).toEqual(a);
    // the example has a literal default, a value set, a pattern, a length, ranges on a decimal and a date, a PII comment
    expect(JSON.stringify(a)).toMatch(/'BRL'::character varying/);
    expect(JSON.stringify(a)).toMatch(/payments_settled_on_range/);
  });

  it('property-based contracts with a PostgreSQL source (seeded)', async () => {
    const samples = fc.sample(
      contract.filter((c) => c.kind === 'postgres'),
      { seed: SEED, numRuns: Number(process.env.IMPORT_RUNS ?? 24) },
    );
    expect(samples.length).toBe(Number(process.env.IMPORT_RUNS ?? 24));
    for (const [i, c] of samples.entries()) {
      const { a, b } = await roundTrip([{ file: `contracts/random-${i}.odcs.yaml`, text: c.yaml }]);
      expect(b, `contract ${i}:\n${c.yaml}`).toEqual(a);
    }
  }, 900_000);
});

describe('a database contractgen has never seen', () => {
  let db: { name: string; client: pg.Client };
  beforeAll(async () => {
    db = await freshDb();
    await db.client.query(readFileSync(join(ROOT, 'test/fixtures/import/shop.pg.sql'), 'utf8'));
  });
  afterAll(() => db?.client.end());

  it('imports to lint-clean contracts (the CLI, as users run it), and they generate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-import-'));
    const r = await cli(['import', url(db.name), '--schema', 'shop'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const files = readdirSync(join(dir, 'contracts')).sort();
    expect(files).toEqual(['customers.odcs.yaml', 'events.odcs.yaml', 'order_lines.odcs.yaml', 'orders.odcs.yaml']);
    const lint = await cli(['lint'], dir);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stderr).toMatch(/0 errors/);
    // every warning is one a person must act on: a placeholder or a PII suggestion
    const rules = new Set([...lint.stderr.matchAll(/ warning ([A-Z_]+) /g)].map((m) => m[1]));
    expect([...rules].sort()).toEqual(['PII_SUGGESTED', 'PLACEHOLDER']);
    const gen = await cli(['generate', '--print', '--target', 'postgres'], dir);
    expect(gen.code, gen.stderr).toBe(0);
    // no password in anything written
    for (const f of files) expect(readFileSync(join(dir, 'contracts', f), 'utf8')).not.toMatch(/secret/);
  });

  it('reads types, keys, constraints, comments, partitioning and the replica identity', async () => {
    const src = await readPgCatalog({ url: url(db.name), schemas: ['shop'] });
    const t = (n: string) => src.tables.find((x) => x.name === n)!;
    const col = (tn: string, cn: string) => t(tn).columns.find((c) => c.name === cn)!;
    const customers = t('customers');
    expect(customers.comment).toBe('People who buy.');
    expect(customers.primaryKey).toEqual(['customer_id']);
    expect(customers.options).toMatchObject({ replicaIdentity: 'full' });
    expect(col('customers', 'customer_id')).toMatchObject({ type: { kind: 'int64' }, identity: true, nullable: false });
    expect(col('customers', 'email')).toMatchObject({ physicalType: 'character varying(320)', unique: true, userType: expect.stringContaining('domain email_address'), constraints: { pattern: '^[^@\\s]+@[^@\\s]+$' }, nullable: false });
    expect(col('customers', 'tier')).toMatchObject({ type: { kind: 'string' }, constraints: { enum: ['bronze', 'silver', 'gold'] }, default: 'bronze' });
    expect(col('customers', 'address')).toMatchObject({ type: { kind: 'object', fields: [{ name: 'street' }, { name: 'city' }, { name: 'zip' }] } });
    expect(col('customers', 'tags')).toMatchObject({ type: { kind: 'array', items: { kind: 'string' } }, physicalType: 'text[]' });
    expect(col('customers', 'prefs')).toMatchObject({ type: { kind: 'json' }, physicalType: 'jsonb' });
    expect(col('customers', 'country')).toMatchObject({ type: { kind: 'string', maxLength: 2 }, constraints: { minLength: 2, pattern: '^[A-Z]{2}$' } });
    expect(col('customers', 'created_at')).toMatchObject({ type: { kind: 'timestamp' }, defaultExpression: 'now()' });
    expect(col('customers', 'location')).toMatchObject({ type: { kind: 'string' }, physicalType: 'point' });
    expect(col('customers', 'email').comment).toBe('Where receipts go.');
    const orders = t('orders');
    expect(col('orders', 'total')).toMatchObject({ type: { kind: 'decimal', precision: 12, scale: 2 }, constraints: { minimum: 0 } });
    expect(col('orders', 'quantity')).toMatchObject({ constraints: { minimum: 1, maximum: 100 } });
    expect(col('orders', 'status')).toMatchObject({ constraints: { enum: ['open', 'paid', 'shipped'] } });
    expect(orders.foreignKeys).toMatchObject([{ columns: ['customer_id'], table: 'customers', refColumns: ['customer_id'] }]);
    // the CHECK that is no shape contractgen models is kept whole
    expect(orders.checks).toMatchObject([{ name: 'orders_paid_after_created', expression: expect.stringContaining('paid_at') }]);
    const lines = t('order_lines');
    expect(lines.primaryKey).toEqual(['order_id', 'line_no']);
    expect(lines.foreignKeys).toMatchObject([{ columns: ['order_id'], table: 'orders' }]);
    const events = t('events');
    expect(events.options).toMatchObject({ partitionBy: 'RANGE (happened_at)' });
    expect(src.tables.map((x) => x.name)).not.toContain('events_2024'); // partitions are the parent's
    expect(src.diagnostics.map((d) => `${d.rule} ${d.message}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^IMPORT_TYPE_UNMAPPED .*location: type point has no contractgen mapping/), expect.stringMatching(/^IMPORT_NOT_CARRIED .*created_at: the default now\(\)/), expect.stringMatching(/^IMPORT_NOT_CARRIED .*customer_id is an identity/)]),
    );
  });

  it('every written type reads back, through the model, as the type the description says', async () => {
    const src = await readPgCatalog({ url: url(db.name), schemas: ['shop'] });
    const { drafts } = draftContracts(src);
    for (const d of drafts) {
      const ds = buildDatasets({ doc: { file: d.file, data: d.odcs, pos: () => ({ line: 1, col: 1 }), keyPos: () => ({ line: 1, col: 1 }) }, odcs: d.odcs, format: 'odcs' }).datasets[0]!;
      for (const c of d.table.columns) {
        const f = ds.fields.find((x) => x.physicalName === c.name)!;
        expect(label(f.type), `${d.name}.${c.name}`).toBe(expectedLogical(c.type, c.constraints.maxLength));
        expect(f.required, `${d.name}.${c.name} required`).toBe(!c.nullable);
      }
    }
  });

  it('the kept CHECK is generated again, and the regenerated table takes the same rows', async () => {
    const src = await readPgCatalog({ url: url(db.name), schemas: ['shop'] });
    const { sources } = importedContracts(src, ['orders', 'customers']);
    const { files } = await generateAll(sources, ['postgres']);
    const ddl = files.get('postgres/orders.sql')!;
    expect(ddl).toMatch(/CONSTRAINT orders_paid_after_created CHECK \(\(?paid_at >= created_at\)?\)/);
    const fresh = await freshDb();
    try {
      await fresh.client.query('CREATE SCHEMA IF NOT EXISTS shop');
      await apply(fresh.client, files);
      const checks = (await fresh.client.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'shop.orders'::regclass AND contype = 'c' ORDER BY 1`)).rows;
      const orig = (await db.client.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'shop.orders'::regclass AND contype = 'c' AND conname = 'orders_paid_after_created'`)).rows;
      expect(checks).toEqual(expect.arrayContaining(orig));
    } finally {
      await fresh.client.end();
    }
  });

  it('an unsized numeric is no loss: imported as physicalType numeric, it lints with a DECIMAL_UNSIZED warning and no error, and generates numeric again', async () => {
    const x = await freshDb();
    try {
      await x.client.query('CREATE TABLE measures (id integer PRIMARY KEY, value numeric NOT NULL)');
      const src = await readPgCatalog({ url: url(x.name) });
      expect(src.diagnostics.map((d) => d.rule)).toEqual([]);
      const { sources } = importedContracts(src);
      expect(sources[0]!.text).toMatch(/- name: value\n\s+logicalType: number\n\s+physicalType: numeric\n/);
      const analysis = analysisOf(sources);
      expect(errorsOf(analysis.diagnostics)).toEqual([]);
      expect(analysis.diagnostics.map((d) => d.rule)).toContain('DECIMAL_UNSIZED');
      const f = analysis.model.datasets[0]!.fields.find((x) => x.name === 'value')!;
      expect(f.type).toMatchObject({ kind: 'decimal', variableScale: true });
    } finally {
      await x.client.end();
    }
  });
});

describe('clear errors, never exit 3', () => {
  it('an unreachable server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-import-'));
    const r = await cli(['import', 'postgresql://postgres@127.0.0.1:1/app'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/IMPORT_SOURCE cannot connect to postgresql:\/\/postgres@127\.0\.0\.1:1\/app: the server refused the connection/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const d = await cli(['drift', '--source', 'postgresql://postgres@127.0.0.1:1/app', '--contracts', join(ROOT, 'contracts')], dir);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/IMPORT_SOURCE cannot connect/);
  });

  it('bad credentials, without echoing the password', async () => {
    const admin = await cluster.client();
    await admin.query(`CREATE ROLE secured LOGIN PASSWORD 'right-one'`);
    await admin.end();
    const dir = mkdtempSync(join(tmpdir(), 'cg-import-'));
    const r = await cli(['import', `postgresql://secured:wrong-one@127.0.0.1:${cluster.port}/postgres`], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/IMPORT_SOURCE cannot connect to postgresql:\/\/secured@127\.0\.0\.1:\d+\/postgres: authentication failed/);
    expect(r.stderr).not.toContain('wrong-one');
    const unknownRole = await cli(['import', url('postgres', 'nobody')], dir);
    expect(unknownRole.code).toBe(2);
    expect(unknownRole.stderr).toMatch(/authentication failed: role "nobody" does not exist/);
    const noDb = await cli(['import', url('no_such_db')], dir);
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/database "no_such_db" does not exist/);
  });

  it('a table that does not exist, and an empty schema', async () => {
    const x = await freshDb();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cg-import-'));
      const empty = await cli(['import', url(x.name)], dir);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/error IMPORT_EMPTY .* has no table to import/);
      await x.client.query('CREATE TABLE t (id integer PRIMARY KEY)');
      const missing = await cli(['import', url(x.name), '--table', 'nope'], dir);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/error IMPORT_TABLE_MISSING .* has no table "nope"; it has public\.t/);
      expect(readdirSync(dir)).toEqual([]); // nothing written
    } finally {
      await x.client.end();
    }
  });

  it('a type it cannot map: a warning naming the type, the column kept as a string', async () => {
    const x = await freshDb();
    try {
      await x.client.query('CREATE TABLE shapes (id integer PRIMARY KEY, outline polygon, centre point NOT NULL)');
      const dir = mkdtempSync(join(tmpdir(), 'cg-import-'));
      const r = await cli(['import', url(x.name)], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning IMPORT_TYPE_UNMAPPED public\.shapes\.outline: type polygon has no contractgen mapping; the column is kept as a string with physicalType "polygon"/);
      const text = readFileSync(join(dir, 'contracts', 'shapes.odcs.yaml'), 'utf8');
      expect(text).toMatch(/- name: centre\n\s+logicalType: string\n\s+physicalType: point\n\s+required: true/);
      expect((await cli(['lint'], dir)).code).toBe(0);
    } finally {
      await x.client.end();
    }
  });

  it('refuses to overwrite a contract, naming it (exit 2)', async () => {
    const x = await freshDb();
    try {
      await x.client.query('CREATE TABLE t (id integer PRIMARY KEY)');
      const dir = mkdtempSync(join(tmpdir(), 'cg-import-'));
      expect((await cli(['import', url(x.name)], dir)).code).toBe(0);
      const again = await cli(['import', url(x.name)], dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/refusing to overwrite contracts\/t\.odcs\.yaml; use --merge/);
    } finally {
      await x.client.end();
    }
  });
});
