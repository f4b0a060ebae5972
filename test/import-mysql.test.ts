/**
 * `contractgen import` from MySQL DDL, parsed by a real MySQL grammar (dt-sql-parser's ANTLR MySqlParser). There
 * is no MySQL server here, so MySQL is imported from DDL: the DDL contractgen generates (round trip, compared
 * table by table, column by column) and a mysqldump with the constructs dumps use (backticks, ENGINE=,
 * AUTO_INCREMENT, COMMENT, generated columns, conditional comments, CHECKs as MySQL 8 prints them).
 * A separate file because vitest transforms the grammar package on every run (about 10 s).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContractSource } from '../generator/analyze.js';
import type { TableDesc } from '../generator/import/describe.js';
import { mysqlStringValue, mysqlType, readMysqlDdl } from '../generator/import/mysql-ddl.js';
import { bin } from './helpers/cli.js';
import { contract, SEED } from './helpers/contract-arbitrary.js';
import { analysisOf, errorsOf, generateAll, importedContracts, KNOWN_LOSSES } from './helpers/import.js';
import { ROOT } from './helpers/reference.js';

const RUNS = Number(process.env.IMPORT_RUNS ?? 24);

/** A table as the MySQL DDL states it, with the known losses normalized (helpers/import.ts). */
function shape(t: TableDesc) {
  const k = KNOWN_LOSSES;
  return {
    namespace: t.namespace,
    name: t.name,
    comment: k.whitespace(k.placeholders(t.comment ?? null)),
    owner: t.owner,
    columns: t.columns.map((c) => ({ name: c.name, physicalType: c.physicalType, type: c.type, nullable: c.nullable, default: c.default, comment: k.whitespace(c.comment ?? null), constraints: c.constraints, unique: c.unique ?? false })),
    primaryKey: t.primaryKey,
    uniques: t.uniques,
    checks: t.checks.map((c) => ({ name: c.name, expression: c.expression })),
    foreignKeys: t.foreignKeys.map((f) => ({ columns: f.columns, table: f.table, refColumns: f.refColumns })),
  };
}

describe('MySQL DDL round trip: generated DDL → import → generated DDL, table by table', () => {
  it('the example contract and the seeded property-based contracts with a MySQL source', async () => {
    const cases: ContractSource[][] = [
      [{ file: 'examples/mysql-source/contracts/payments.odcs.yaml', text: readFileSync(join(ROOT, 'examples/mysql-source/contracts/payments.odcs.yaml'), 'utf8') }],
      ...fc.sample(contract.filter((c) => c.kind === 'mysql'), { seed: SEED, numRuns: RUNS }).map((c, i) => [{ file: `random-${i}.odcs.yaml`, text: c.yaml }]),
    ];
    let tables = 0;
    for (const sources of cases) {
      const first = await generateAll(sources, ['mysql']);
      for (const [path, text] of [...first.files].filter(([p]) => p.endsWith('.sql'))) {
        const a = await readMysqlDdl(path, text);
        expect(errorsOf(a.diagnostics), path).toEqual([]);
        const { sources: imported } = importedContracts(a);
        const second = await generateAll(imported, ['mysql']);
        const again = [...second.files].filter(([p]) => p.endsWith('.sql'));
        expect(again).toHaveLength(1);
        const b = await readMysqlDdl(path, again[0]![1]);
        expect(b.tables.map(shape), `${path}\n${text}\n---\n${again[0]![1]}`).toEqual(a.tables.map(shape));
        tables++;
      }
    }
    expect(tables).toBeGreaterThan(RUNS / 2);
  }, 600_000);

  it('the example keeps its value set, pattern, length, ranges, default, unique key, comments and owner', async () => {
    const { files } = await generateAll([{ file: 'payments.odcs.yaml', text: readFileSync(join(ROOT, 'examples/mysql-source/contracts/payments.odcs.yaml'), 'utf8') }], ['mysql']);
    const src = await readMysqlDdl('payments.sql', files.get('mysql/payments.sql')!);
    const t = src.tables[0]!;
    const c = (n: string) => t.columns.find((x) => x.name === n)!;
    expect(t).toMatchObject({ namespace: 'payments', name: 'payments', owner: 'payments-team', comment: 'One row per payment attempt for a ride.', primaryKey: ['payment_id'], checks: [] });
    expect(c('payment_id')).toMatchObject({ type: { kind: 'uuid' }, physicalType: 'char(36)', nullable: false });
    expect(c('provider_reference')).toMatchObject({ unique: true, type: { kind: 'string', maxLength: 64 } });
    expect(c('amount')).toMatchObject({ type: { kind: 'decimal', precision: 10, scale: 2 }, constraints: { minimum: 0 } });
    expect(c('currency')).toMatchObject({ default: 'BRL', constraints: { minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$' } });
    expect(c('method')).toMatchObject({ constraints: { enum: ['card', 'pix', 'cash', 'wallet'] }, comment: "Payment method; it's the rider's choice." });
    expect(c('card_holder')).toMatchObject({ piiSuggested: 'the column comment marks it PII', comment: 'Name on the card, for card payments.' });
    expect(c('created_at')).toMatchObject({ type: { kind: 'timestamp' }, physicalType: 'timestamp(6)' });
    expect(c('settled_on')).toMatchObject({ type: { kind: 'date' }, constraints: { minimum: '2020-01-01' } });
  });
});

describe('a mysqldump', () => {
  it('reads backticks, ENGINE=, AUTO_INCREMENT, COMMENT, generated columns, CHECKs and foreign keys', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/import/shop.mysql.sql'), 'utf8');
    const src = await readMysqlDdl('shop.mysql.sql', text);
    expect(errorsOf(src.diagnostics)).toEqual([]);
    expect(src.server).toEqual({ kind: 'mysql', database: 'shop' });
    const t = (n: string) => src.tables.find((x) => x.name === n)!;
    const c = (tn: string, cn: string) => t(tn).columns.find((x) => x.name === cn)!;
    expect(src.tables.map((x) => `${x.namespace}.${x.name}`)).toEqual(['shop.customers', 'shop.orders', 'shop.audit_log']);
    expect(t('customers')).toMatchObject({ comment: 'People who buy.', primaryKey: ['customer_id'], options: {} });
    expect(t('audit_log').options).toEqual({ engine: 'MyISAM' });
    expect(c('customers', 'customer_id')).toMatchObject({ type: { kind: 'int64' }, physicalType: 'int unsigned', identity: true, comment: 'Surrogate key.', constraints: { minimum: 0 } });
    expect(c('customers', 'email')).toMatchObject({ physicalType: 'varchar(320)', unique: true, comment: "Login e-mail, it's unique." });
    expect(c('customers', 'tier')).toMatchObject({ constraints: { enum: ['bronze', 'silver', 'gold'] }, default: 'bronze', nullable: false });
    expect(c('customers', 'active')).toMatchObject({ type: { kind: 'boolean' }, default: true });
    expect(c('customers', 'balance')).toMatchObject({ type: { kind: 'decimal', precision: 12, scale: 2 }, default: 0, constraints: { minimum: 0 } });
    expect(c('customers', 'score').type).toEqual({ kind: 'float32' });
    expect(c('customers', 'wake_up')).toMatchObject({ type: { kind: 'time' }, physicalType: 'time(3)' });
    expect(c('customers', 'created_at')).toMatchObject({ type: { kind: 'timestamp_ntz' }, defaultExpression: 'CURRENT_TIMESTAMP(6)' });
    expect(c('customers', 'updated_at')).toMatchObject({ type: { kind: 'timestamp' }, nullable: true });
    expect(c('customers', 'external_ref').type).toEqual({ kind: 'uuid' });
    expect(c('customers', 'country')).toMatchObject({ type: { kind: 'string', maxLength: 2 }, constraints: { pattern: '^[A-Z]{2}$' } });
    expect(c('customers', 'full_name').constraints).toEqual({ minLength: 1 });
    expect(c('customers', 'avatar').type).toEqual({ kind: 'bytes' });
    expect(c('customers', 'prefs').type).toEqual({ kind: 'json' });
    expect(c('customers', 'display_name').generated).toMatch(/^GENERATED ALWAYS AS \(concat\(`full_name`/);
    expect(c('orders', 'quantity')).toMatchObject({ type: { kind: 'int32' }, constraints: { minimum: 1, maximum: 100 } });
    expect(c('orders', 'big')).toMatchObject({ type: { kind: 'decimal', precision: 20, scale: 0 } });
    expect(c('orders', 'paid_at').constraints).toEqual({});
    expect(t('orders').checks).toEqual([{ name: 'orders_paid_after_created', expression: '((`paid_at` is null) or (`paid_at` >= `created_at`))', at: expect.anything() }]);
    expect(t('orders').uniques).toEqual([['customer_id', 'created_at']]);
    expect(t('orders').foreignKeys).toMatchObject([{ name: 'orders_customer_fk', columns: ['customer_id'], table: 'customers', refColumns: ['customer_id'] }]);
    expect(src.diagnostics.map((d) => `${d.rule} ${d.message.split(':')[0]}`)).toEqual(
      expect.arrayContaining(['IMPORT_TYPE_LOSSY shop.customers.flags', 'IMPORT_TYPE_UNMAPPED shop.customers.location', 'IMPORT_NOT_CARRIED shop.customers.customer_id is an identity/serial/auto-increment column; the generated DDL declares a plain column that the application fills']),
    );
  });

  it('imports to lint-clean contracts with the CLI, as users run it (plain node, the grammar through a resolve hook)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-mysql-'));
    writeFileSync(join(dir, 'shop.sql'), readFileSync(join(ROOT, 'test/fixtures/import/shop.mysql.sql')));
    const r = bin(['import', 'shop.sql'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote 3 contracts to contracts\/ from shop\.sql: audit_log\.odcs\.yaml, customers\.odcs\.yaml, orders\.odcs\.yaml/);
    const lint = bin(['lint'], dir);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stderr).toMatch(/0 errors/);
    const customers = readFileSync(join(dir, 'contracts/customers.odcs.yaml'), 'utf8');
    expect(customers).toMatch(/- name: customer_id\n\s+logicalType: integer\n\s+physicalType: int unsigned\n\s+logicalTypeOptions:\n\s+format: i64\n\s+minimum: 0/);
    // the CHECK kept whole is generated again for MySQL
    const gen = bin(['generate', '--print', '--target', 'mysql'], dir);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toContain('CONSTRAINT `orders_paid_after_created` CHECK (((`paid_at` is null) or (`paid_at` >= `created_at`)))');
  });

  it('a syntax error is positioned; nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-mysql-'));
    writeFileSync(join(dir, 'bad.sql'), 'CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `v` varchar(10) NOT NULL DEFAULT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n');
    const r = bin(['import', 'bad.sql'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.sql:3:\d+: error IMPORT_SYNTAX not valid MySQL: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('property: a mutated mysqldump never throws', () => {
  it('gives diagnostics or tables, and its contracts diagnostics', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/import/shop.mysql.sql'), 'utf8');
    const edit = fc.array(fc.record({ at: fc.nat(), len: fc.integer({ min: 0, max: 20 }), s: fc.constantFrom('', '(', ')', ',', "'", '`', ' CHECK (', ' DEFAULT', ' unsigned', '/*!', 'é🚕', ' NOT NULL') }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(edit, async (es) => {
        let t = text;
        for (const e of es) {
          const at = e.at % (t.length + 1);
          t = t.slice(0, at) + e.s + t.slice(at + e.len);
        }
        const src = await readMysqlDdl('x.sql', t);
        for (const d of src.diagnostics) expect(d.line).toBeGreaterThan(0);
        analysisOf(importedContracts(src).sources);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 300_000);
});

describe('MySQL pieces', () => {
  it('string literals: introducers, doubled quotes, backslash escapes, adjacent literals', () => {
    expect(mysqlStringValue("_utf8mb4'a''b\\'c\\\\d'")).toBe("a'b'c\\d");
    expect(mysqlStringValue("'x' 'y'")).toBe('xy');
    expect(mysqlStringValue('"q"')).toBe('q');
    expect(mysqlStringValue('col')).toBeUndefined();
  });

  it('types: the nearest contractgen type, the spelling kept', () => {
    expect(mysqlType('tinyint(1)').type).toEqual({ kind: 'boolean' });
    expect(mysqlType('TINYINT UNSIGNED')).toMatchObject({ type: { kind: 'int16' }, minimum: 0 });
    expect(mysqlType('int unsigned zerofill').type).toEqual({ kind: 'int64' });
    expect(mysqlType('bigint unsigned').type).toEqual({ kind: 'decimal', precision: 20, scale: 0 });
    expect(mysqlType('decimal').type).toEqual({ kind: 'decimal', precision: 10, scale: 0 });
    expect(mysqlType('float(30)').type).toEqual({ kind: 'float64' });
    expect(mysqlType("enum('a','b''c')").enum).toEqual(['a', "b'c"]);
    expect(mysqlType('varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin')).toMatchObject({ physical: 'varchar(255)', type: { kind: 'string', maxLength: 255 } });
    expect(mysqlType('geometry').problem?.rule).toBe('IMPORT_TYPE_UNMAPPED');
  });
});
