/**
 * `contractgen import` from files: PostgreSQL DDL (libpg-query), CQL (contractgen's DDL-subset parser), Avro
 * schemas and Schema Registry subjects, JSON Schema; `--merge`; the errors. MySQL DDL has its own file
 * (import-mysql.test.ts: its grammar is slow to load under vitest).
 *
 * Round trips, compared field by field: the CQL contractgen generates → import → generate again; the Avro
 * schemas contractgen generates → import → generate again; for the repository contracts and the seeded
 * property-based contracts.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { ContractSource } from '../generator/analyze.js';
import { AVRO_TYPES, readAvro } from '../generator/import/avro.js';
import { MYSQL_TYPES } from '../generator/import/mysql-ddl.js';
import { PG_BUILTINS } from '../generator/import/pg-sql.js';
import { CQL_TYPES, parseCql, readCql, tokenize } from '../generator/import/cql.js';
import { readJsonSchema } from '../generator/import/json-schema.js';
import { readPgDdl } from '../generator/import/pg-ddl.js';
import { detectDialect } from '../generator/import/source.js';
import { sqlExpressionProblem } from '../generator/model/extensions.js';
import type { Field } from '../generator/model/ir.js';
import { cli } from './helpers/cli.js';
import { contract, SEED } from './helpers/contract-arbitrary.js';
import { generateFrom } from './helpers/generate.js';
import { analysisOf, errorsOf, generateAll, importedContracts, KNOWN_LOSSES } from './helpers/import.js';
import { recordModules } from './helpers/modules.js';
import { ROOT } from './helpers/reference.js';

const RUNS = Number(process.env.IMPORT_RUNS ?? 24);
const samples = (kind: string) => fc.sample(contract.filter((c) => c.kind === kind), { seed: SEED, numRuns: RUNS });
const tmp = () => mkdtempSync(join(tmpdir(), 'cg-import-'));
const read = (p: string): ContractSource => ({ file: p, text: readFileSync(join(ROOT, p), 'utf8') });

/**
 * A CQL decimal has no precision: the imported contract says `physicalType: decimal`, an unsized decimal, which
 * lints with a DECIMAL_UNSIZED warning (the lake's decimal is a choice the warning names) and no error; its CQL is
 * `decimal` either way. Each such field must be a decimal of the original contract, and each gets the warning.
 */
function unsizedDecimals(imported: ContractSource[], original: Map<string, string>): ContractSource[] {
  const diagnostics = analysisOf(imported).diagnostics;
  expect(errorsOf(diagnostics)).toEqual([]);
  let unsized = 0;
  for (const s of imported) {
    const doc = parseDocument(s.text!);
    for (const schema of (doc.get('schema', true) as { items: unknown[] }).items) {
      if (!isMap(schema)) continue;
      const props = schema.get('properties', true);
      if (!isSeq(props)) continue;
      for (const p of props.items) {
        if (!isMap(p)) continue;
        if (p.get('logicalType') === 'number' && p.get('physicalType') === 'decimal') {
          expect(original.get(`${String(schema.get('name'))}.${String(p.get('name'))}`), `no original decimal for ${String(p.get('name'))}`).toBeDefined();
          unsized++;
        }
        // inside user-defined types and collections: decimals of nested fields
        const walk = (n: unknown): void => {
          if (isMap(n)) {
            if (n.get('logicalType') === 'number' && n.get('physicalType') === 'decimal') unsized++;
            for (const k of ['properties', 'items']) walk(n.get(k, true));
          } else if (isSeq(n)) n.items.forEach(walk);
        };
        for (const k of ['properties', 'items']) walk(p.get(k, true));
      }
    }
  }
  expect(diagnostics.filter((d) => d.rule === 'DECIMAL_UNSIZED').length).toBe(unsized);
  return imported;
}

async function decimals(sources: ContractSource[]): Promise<Map<string, string>> {
  const a = analysisOf(sources);
  const out = new Map<string, string>();
  for (const ds of a.model.datasets) for (const f of ds.fields) if (f.type.kind === 'decimal') out.set(`${ds.table}.${f.physicalName}`, `decimal(${f.type.precision},${f.type.scale})`);
  return out;
}

// ---------------------------------------------------------------------------------------------- PostgreSQL DDL

describe('PostgreSQL DDL (libpg-query)', () => {
  it('imports the DDL contractgen generates back into the same model', async () => {
    const { analysis, files } = await generateFrom(['contracts']);
    const users = analysis.model.datasets.find((d) => d.name === 'users')!;
    const src = await readPgDdl('users.sql', files.get('postgres/users.sql')!);
    const { sources } = importedContracts(src);
    const back = analysisOf(sources);
    expect(errorsOf(back.diagnostics)).toEqual([]);
    const ds = back.model.datasets[0]!;
    // a varchar(n) column and a maxLength n say the same: compare the effective maximum
    const shape = (f: Field) => {
      const max = f.type.kind === 'string' ? Math.min(f.type.maxLength ?? Infinity, f.constraints.maxLength ?? Infinity) : Infinity;
      // enumFrom names the quality rule that declared the value set: the import names its rule by position
      const { enumFrom: _, ...constraints } = f.constraints;
      void _;
      return [f.name, f.type, f.required, { ...constraints, ...(max !== Infinity ? { maxLength: max } : {}) }, f.description, f.classification];
    };
    expect(ds.fields.map(shape)).toEqual(users.fields.map(shape));
    expect(ds.primaryKey).toEqual(users.primaryKey);
    expect(ds.description).toBe(users.description);
    expect(ds.owner.team).toBe('identity-team');
  });

  it('reads enums, domains, composites, identity, partitioning, ALTER TABLE, indexes, comments and pg_dump\'s search_path', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/import/shop.pg.sql'), 'utf8');
    const src = await readPgDdl('shop.pg.sql', text);
    expect(src.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const t = (n: string) => src.tables.find((x) => x.name === n)!;
    expect(src.tables.map((x) => `${x.namespace}.${x.name}`).sort()).toEqual(['shop.customers', 'shop.events', 'shop.order_lines', 'shop.orders']);
    const email = t('customers').columns.find((c) => c.name === 'email')!;
    expect(email).toMatchObject({ physicalType: 'character varying(320)', unique: true, nullable: false, constraints: { pattern: '^[^@\\s]+@[^@\\s]+$' }, comment: 'Where receipts go.', at: { file: 'shop.pg.sql', line: 14 } });
    expect(t('customers').columns.find((c) => c.name === 'tier')).toMatchObject({ constraints: { enum: ['bronze', 'silver', 'gold'] }, default: 'bronze' });
    expect(t('customers').options).toEqual({ replicaIdentity: 'full' });
    expect(t('orders').checks).toMatchObject([{ name: 'orders_paid_after_created', expression: 'paid_at >= created_at' }]);
    expect(t('orders').columns.find((c) => c.name === 'quantity')!.constraints).toEqual({ minimum: 1, maximum: 100 });
    expect(t('events').options).toEqual({ partitionBy: 'RANGE (happened_at)' });
    expect(t('order_lines').primaryKey).toEqual(['order_id', 'line_no']);
    // pg_dump's shape: SET search_path via set_config, ALTER TABLE ONLY … ADD CONSTRAINT, identity via ALTER
    const dump = await readPgDdl(
      'dump.sql',
      `SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.t (id integer NOT NULL, code character varying(5), v numeric(8,3));
ALTER TABLE public.t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME public.t_id_seq START WITH 1);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_code_key UNIQUE (code);
ALTER TABLE public.t ADD CONSTRAINT t_v_check CHECK ((v > (0)::numeric));
COMMENT ON COLUMN public.t.code IS 'A code.';
GRANT SELECT ON public.t TO reader;`,
    );
    expect(dump.tables[0]).toMatchObject({ name: 't', namespace: 'public', primaryKey: ['id'], columns: [{ name: 'id', identity: true, nullable: false }, { name: 'code', unique: true, comment: 'A code.' }, { name: 'v', constraints: { exclusiveMinimum: 0 } }] });
  });

  it('a syntax error is positioned, and nothing is written (exit 1)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.sql'), 'CREATE TABLE t (\n  id integer,\n  name text,,\n);\n');
    const r = await cli(['import', 'bad.sql'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.sql:3:13: error IMPORT_SYNTAX not valid PostgreSQL: syntax error at or near ","/m);
    expect(readdirSync(dir)).toEqual(['bad.sql']);
  });
});

// ---------------------------------------------------------------------------------------------- CQL

describe('CQL (the DDL-subset parser)', () => {
  it("parses Cassandra's documented examples", () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/import/cassandra-docs.cql'), 'utf8');
    const { tables, types, keyspaces } = parseCql('docs.cql', text);
    expect(Object.fromEntries(keyspaces)).toEqual({ excelsior: { class: 'SimpleStrategy', replication_factor: 3 }, excalibur: { class: 'NetworkTopologyStrategy', DC1: 1, DC2: 3 } });
    const t = (n: string) => tables.find((x) => x.name === n)!;
    expect(t('monkey_species')).toMatchObject({ partition: ['species'], clustering: [] });
    expect(t('monkey_species').options.get('comment')).toBe('Important biological records');
    expect(t('timeline')).toMatchObject({ partition: ['userid'], clustering: ['posted_month', 'posted_time'] });
    expect(t('loads')).toMatchObject({ partition: ['machine', 'cpu'], clustering: ['mtime'] });
    expect(t('loads').order.get('mtime')).toBe('DESC');
    expect(t('t').columns.find((c) => c.name === 's')!.isStatic).toBe(true);
    expect(types.map((u) => [u.name, u.fields.map((f) => f.name)])).toEqual([
      ['phone', ['country_code', 'number']],
      ['address', ['street', 'city', 'zip', 'phones']],
    ]);
    expect(t('user').columns.map((c) => c.name)).toEqual(['name', 'addresses']);
    expect(t('cyclist_semi_pro')).toMatchObject({ keyspace: 'cycling', partition: ['id'] });
    expect(t('cyclist_semi_pro').options.get('caching')).toEqual({ keys: 'ALL', rows_per_partition: 'NONE' });
    expect(t('comments').order.get('created_at')).toBe('DESC');
    // USE, ALTER TABLE ADD/DROP and COMMENT ON COLUMN; BATCH, INSERT … USING TTL and CREATE CUSTOM INDEX skipped
    expect(t('cyclist_name')).toMatchObject({ keyspace: 'cycling', partition: ['id'] });
    expect(t('cyclist_name').columns.map((c) => [c.name, c.comment])).toEqual([
      ['id', 'Unique identifier for each cyclist'],
      ['lastname', undefined],
      ['firstname', undefined],
      ['comment', undefined],
    ]);
  });

  it('imports them to contracts without errors, each type mapped or reported', () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/import/cassandra-docs.cql'), 'utf8');
    const src = readCql('docs.cql', text);
    const col = (tn: string, cn: string) => src.tables.find((x) => x.name === tn)!.columns.find((c) => c.name === cn)!;
    expect(col('monkey_species', 'population')).toMatchObject({ type: { kind: 'decimal', precision: 38, scale: 0 }, physicalType: 'varint' });
    expect(col('loads', 'machine')).toMatchObject({ type: { kind: 'string' }, physicalType: 'inet', nullable: false });
    expect(col('loads', 'mtime')).toMatchObject({ type: { kind: 'uuid' } });
    expect(col('user', 'addresses')).toMatchObject({ type: { kind: 'string' }, physicalType: 'map<text, frozen<address>>' });
    expect(src.diagnostics.map((d) => `${d.rule} ${d.message.split(':')[0]}`)).toEqual(
      expect.arrayContaining(['IMPORT_TYPE_LOSSY monkey_species.population', 'IMPORT_TYPE_LOSSY user.addresses', 'IMPORT_NOT_CARRIED loads']),
    );
    const { sources } = importedContracts(src);
    expect(errorsOf(analysisOf(sources).diagnostics)).toEqual([]);
  });

  it('round trip: the CQL contractgen generates → import → generate, field by field (repository and property-based contracts)', async () => {
    const cases: ContractSource[][] = [[read('contracts/rides.odcs.yaml'), read('contracts/users.odcs.yaml')], ...samples('cassandra').map((c, i) => [{ file: `random-${i}.odcs.yaml`, text: c.yaml }])];
    let decimalsMet = 0;
    for (const sources of cases) {
      const first = await generateAll(sources, ['cassandra']);
      const cql = [...first.files].filter(([p]) => p.endsWith('.cql'));
      expect(cql.length).toBeGreaterThan(0);
      for (const [path, text] of cql) {
        const src = readCql(path, text);
        expect(errorsOf(src.diagnostics), path).toEqual([]);
        const original = await decimals(sources);
        const { sources: imported } = importedContracts(src);
        const fixed = unsizedDecimals(imported, original);
        decimalsMet += original.size;
        const second = await generateAll(fixed, ['cassandra']);
        const again = [...second.files].filter(([p]) => p.endsWith('.cql'));
        expect(again.length).toBe(1);
        const a = parseCql('a', text).tables[0]!;
        const b = parseCql('b', again[0]![1]).tables[0]!;
        const shape = (t: typeof a) => ({
          keyspace: t.keyspace,
          name: t.name,
          columns: t.columns.map((c) => ({ name: c.name, type: KNOWN_LOSSES.cqlMap(c.type), comment: KNOWN_LOSSES.whitespace(KNOWN_LOSSES.piiTag(c.comment ?? null)) })),
          partition: t.partition,
          clustering: t.clustering.map((c) => `${c} ${t.order.get(c) ?? 'ASC'}`),
          options: Object.fromEntries([...t.options].map(([k, v]) => [k, k === 'comment' ? KNOWN_LOSSES.whitespace(KNOWN_LOSSES.placeholders(v as string)) : v]).filter(([, v]) => v !== null)),
        });
        expect(shape(b), `${path}\n${text}`).toEqual(shape(a));
      }
    }
    // unsized decimals were met (rides' fare_amount): they lint with a warning, and their CQL is the same
    expect(decimalsMet).toBeGreaterThan(0);
  }, 300_000);

  it('syntax errors are positioned', () => {
    const src = readCql('bad.cql', 'CREATE TABLE t (\n  id int PRIMARY KEY,\n  v text\n  w int\n);\n');
    expect(src.diagnostics).toMatchObject([{ file: 'bad.cql', line: 4, col: 3, rule: 'IMPORT_SYNTAX', severity: 'error' }]);
    expect(src.diagnostics[0]!.message).toMatch(/expected ","|expected "\)"/);
    expect(readCql('bad.cql', "CREATE TABLE t (id int PRIMARY KEY, v text) WITH comment = 'open").diagnostics[0]).toMatchObject({ line: 1, col: 60, message: 'not valid CQL: unterminated string' });
    expect(tokenize('a "B""c" \'d\'\'e\' $$f;g$$ -1.5e3 0x1F').tokens.map((t) => `${t.kind}:${t.value}`)).toEqual(['ident:a', 'qident:B"c', "string:d'e", 'string:f;g', 'number:', 'number:', 'eof:'].map((s, i) => (i === 4 ? 'number:-1.5e3' : i === 5 ? 'number:0x1F' : s)));
  });
});

// ---------------------------------------------------------------------------------------------- Avro

describe('Avro schemas and Schema Registry subjects', () => {
  /** The envelope and key the avro target writes for a dataset, as files. */
  const avroFiles = (files: Map<string, string>) => [...files].filter(([p]) => /\/(Envelope|Key)\.avsc$/.test(p)).map(([file, text]) => ({ file, text }));

  it('round trip: the Avro contractgen generates → import → generate, schema by schema (repository, example and property-based contracts)', async () => {
    const cases: ContractSource[][] = [[read('contracts/users.odcs.yaml')], [read('examples/mysql-source/contracts/payments.odcs.yaml')], ...[...samples('postgres'), ...samples('mysql')].map((c, i) => [{ file: `random-${i}.odcs.yaml`, text: c.yaml }])];
    let compared = 0;
    for (const sources of cases) {
      const first = await generateAll(sources, ['avro']);
      const inputs = avroFiles(first.files);
      const topics = new Set(inputs.map((i) => i.file.split('/')[1]));
      for (const topic of topics) {
        const mine = inputs.filter((i) => i.file.split('/')[1] === topic);
        const src = readAvro(topic!, mine);
        expect(errorsOf(src.diagnostics)).toEqual([]);
        expect(src.tables).toHaveLength(1);
        const { sources: imported } = importedContracts(src);
        const second = await generateAll(imported, ['avro']);
        const again = avroFiles(second.files);
        for (const f of mine) {
          const g = again.find((x) => x.file === f.file);
          expect(g, `${f.file} is not generated again`).toBeDefined();
          expect(JSON.parse(g!.text), f.file).toEqual(JSON.parse(f.text));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(2 * RUNS);
  }, 300_000);

  it('reads Schema Registry subject versions, and plain .avsc records with logical types', () => {
    const envelope = readFileSync(join(ROOT, 'generated/avro/ridehailing.public.users/Envelope.avsc'), 'utf8');
    const key = readFileSync(join(ROOT, 'generated/avro/ridehailing.public.users/Key.avsc'), 'utf8');
    const subject = (s: string, schema: string) => JSON.stringify({ subject: s, version: 3, id: 17, schema: JSON.stringify(JSON.parse(schema)) });
    const viaRegistry = readAvro('registry', [
      { file: 'value.json', text: subject('ridehailing.public.users-value', envelope) },
      { file: 'key.json', text: subject('ridehailing.public.users-key', key) },
    ]);
    const viaFiles = readAvro('files', [
      { file: 'Envelope.avsc', text: envelope },
      { file: 'Key.avsc', text: key },
    ]);
    const strip = (s: typeof viaFiles) => s.tables.map((t) => ({ ...t, at: undefined, columns: t.columns.map((c) => ({ ...c, at: undefined })) }));
    expect(strip(viaRegistry)).toEqual(strip(viaFiles));
    expect(viaFiles.server).toEqual({ kind: 'postgres' });
    expect(viaFiles.tables[0]).toMatchObject({ name: 'users', namespace: 'public', primaryKey: ['user_id'] });
    const plain = readAvro('plain', [
      {
        file: 'order.avsc',
        text: JSON.stringify({
          type: 'record',
          name: 'Order',
          namespace: 'shop',
          doc: 'An order.',
          fields: [
            { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
            { name: 'placed', type: { type: 'long', logicalType: 'timestamp-micros' } },
            { name: 'local', type: ['null', { type: 'long', logicalType: 'local-timestamp-millis' }], default: null },
            { name: 'day', type: { type: 'int', logicalType: 'date' } },
            { name: 'total', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
            { name: 'state', type: { type: 'enum', name: 'State', symbols: ['OPEN', 'PAID'] }, doc: 'Where it is.' },
            { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'int' }] } } },
            { name: 'attrs', type: { type: 'map', values: 'string' } },
            { name: 'again', type: ['null', 'State'], default: null },
          ],
        }),
      },
    ]);
    const c = (n: string) => plain.tables[0]!.columns.find((x) => x.name === n)!;
    expect(plain.tables[0]).toMatchObject({ name: 'Order', namespace: 'shop' });
    expect(c('id').type).toEqual({ kind: 'uuid' });
    expect(c('placed').type).toEqual({ kind: 'timestamp' });
    expect(c('local')).toMatchObject({ type: { kind: 'timestamp_ntz' }, nullable: true });
    expect(c('total').type).toEqual({ kind: 'decimal', precision: 9, scale: 2 });
    expect(c('state')).toMatchObject({ constraints: { enum: ['OPEN', 'PAID'] }, comment: 'Where it is.' });
    expect(c('again')).toMatchObject({ constraints: { enum: ['OPEN', 'PAID'] }, nullable: true });
    expect(c('lines').type).toMatchObject({ kind: 'array', items: { kind: 'object', fields: [{ name: 'sku' }, { name: 'qty' }] } });
    expect(plain.diagnostics.map((d) => d.rule)).toEqual(['IMPORT_TYPE_LOSSY']);
    expect(errorsOf(analysisOf(importedContracts(plain).sources).diagnostics)).toEqual([]);
  });

  it('recovers uuid, dates, times, timestamps and decimals from connect.name', () => {
    const field = (name: string, type: unknown) => ({ name, type });
    const src = readAvro('x', [
      {
        file: 'x.avsc',
        text: JSON.stringify({
          type: 'record',
          name: 'Envelope',
          namespace: 'p.inventory.items',
          fields: [
            field('before', ['null', { type: 'record', name: 'Value', fields: [
              field('id', { type: 'string', 'connect.name': 'io.debezium.data.Uuid', 'connect.version': 1 }),
              field('d', { type: 'int', 'connect.name': 'io.debezium.time.Date' }),
              field('t', { type: 'long', 'connect.name': 'io.debezium.time.MicroTime' }),
              field('ts', { type: 'long', 'connect.name': 'io.debezium.time.MicroTimestamp' }),
              field('tz', { type: 'string', 'connect.name': 'io.debezium.time.ZonedTimestamp' }),
              field('n', { type: 'bytes', 'connect.name': 'org.apache.kafka.connect.data.Decimal', 'connect.parameters': { scale: '3', 'connect.decimal.precision': '12' } }),
              field('v', { type: 'record', name: 'VariableScaleDecimal', namespace: 'io.debezium.data', fields: [field('scale', 'int'), field('value', 'bytes')], 'connect.name': 'io.debezium.data.VariableScaleDecimal' }),
              field('e', { type: 'string', 'connect.name': 'io.debezium.data.Enum', 'connect.parameters': { allowed: 'x,y' } }),
              field('j', ['null', { type: 'string', 'connect.name': 'io.debezium.data.Json' }]),
              field('s', { type: 'int', 'connect.type': 'int16' }),
            ] }]),
            field('after', ['null', 'Value']),
            field('source', { type: 'record', name: 'Source', namespace: 'io.debezium.connector.mysql', fields: [field('db', 'string')] }),
            field('op', 'string'),
          ],
        }),
      },
    ]);
    expect(src.server).toEqual({ kind: 'mysql' });
    expect(src.tables[0]).toMatchObject({ name: 'items', namespace: 'inventory' });
    expect(src.tables[0]!.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', { kind: 'uuid' }, false],
      ['d', { kind: 'date' }, false],
      ['t', { kind: 'time' }, false],
      ['ts', { kind: 'timestamp_ntz' }, false],
      ['tz', { kind: 'timestamp' }, false],
      ['n', { kind: 'decimal', precision: 12, scale: 3 }, false],
      ['v', { kind: 'decimal' }, false],
      ['e', { kind: 'string' }, false],
      ['j', { kind: 'json' }, true],
      ['s', { kind: 'int16' }, false],
    ]);
    expect(src.tables[0]!.columns.find((c) => c.name === 'e')!.constraints).toEqual({ enum: ['x', 'y'] });
  });

  it('bad JSON is positioned; a non-record is reported', () => {
    expect(readAvro('x', [{ file: 'x.avsc', text: '{\n  "type": "record",\n  "name": \n}' }]).diagnostics[0]).toMatchObject({ file: 'x.avsc', line: 4, rule: 'IMPORT_SYNTAX', severity: 'error' });
    expect(readAvro('x', [{ file: 'x.avsc', text: '"string"' }]).diagnostics[0]).toMatchObject({ rule: 'IMPORT_SYNTAX', message: 'not an Avro record schema' });
  });
});

// ---------------------------------------------------------------------------------------------- JSON Schema

describe('JSON Schema', () => {
  it("reads the Cassandra topics' change-event schemas contractgen writes (the cell wrapper unwrapped)", () => {
    const dir = 'generated/avro/ridehailing.mobility.rides';
    const src = readJsonSchema(dir, ['key.schema.json', 'value.schema.json'].map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(ROOT, dir, f), 'utf8') })));
    expect(src.server).toEqual({ kind: 'cassandra' });
    const t = src.tables[0]!;
    expect(t).toMatchObject({ name: 'rides', namespace: 'mobility', primaryKey: ['city', 'requested_date', 'requested_at', 'ride_id'] });
    const c = (n: string) => t.columns.find((x) => x.name === n)!;
    expect(c('ride_id')).toMatchObject({ type: { kind: 'uuid' }, nullable: false, comment: 'Identifier of the ride.' });
    expect(c('rating')).toMatchObject({ type: { kind: 'int16' }, nullable: true });
    // a decimal as text has no precision: an unsized decimal, no loss (lint warns DECIMAL_UNSIZED)
    expect(c('fare_amount')).toMatchObject({ type: { kind: 'decimal' } });
    expect(c('pickup_lat')).toMatchObject({ type: { kind: 'float64' } });
    expect(src.diagnostics.map((d) => d.rule)).toEqual([]);
  });

  it('reads a hand-written JSON Schema: $ref, formats, enums, nested objects, arrays, nullability', () => {
    const src = readJsonSchema('customer.schema.json', [
      {
        file: 'customer.schema.json',
        text: JSON.stringify({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          title: 'customer',
          type: 'object',
          required: ['id', 'email', 'tier'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            email: { type: 'string', format: 'email', maxLength: 320 },
            tier: { $ref: '#/$defs/tier' },
            born: { type: ['string', 'null'], format: 'date' },
            seen: { type: 'string', format: 'date-time' },
            score: { type: 'integer', minimum: 0, maximum: 10 },
            ratio: { type: 'number' },
            address: { type: 'object', properties: { city: { type: 'string' } } },
            extra: { type: 'object' },
            tags: { type: 'array', items: { type: 'string' } },
            photo: { type: 'string', contentEncoding: 'base64' },
          },
          $defs: { tier: { type: 'string', enum: ['bronze', 'gold'] } },
        }),
      },
    ]);
    const c = (n: string) => src.tables[0]!.columns.find((x) => x.name === n)!;
    expect(src.tables[0]!.name).toBe('customer');
    expect(c('id')).toMatchObject({ type: { kind: 'uuid' }, nullable: false });
    expect(c('email')).toMatchObject({ type: { kind: 'string' }, constraints: { format: 'email', maxLength: 320 } });
    expect(c('tier')).toMatchObject({ constraints: { enum: ['bronze', 'gold'] }, nullable: false });
    expect(c('born')).toMatchObject({ type: { kind: 'date' }, nullable: true });
    expect(c('seen').type).toEqual({ kind: 'timestamp' });
    expect(c('score')).toMatchObject({ type: { kind: 'int64' }, constraints: { minimum: 0, maximum: 10 } });
    expect(c('address').type).toMatchObject({ kind: 'object', fields: [{ name: 'city' }] });
    expect(c('extra')).toMatchObject({ type: { kind: 'json' }, physicalType: 'json' });
    expect(c('tags').type).toEqual({ kind: 'array', items: { kind: 'string' } });
    expect(c('photo').type).toEqual({ kind: 'bytes' });
    expect(errorsOf(analysisOf(importedContracts(src).sources).diagnostics)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------- the command

describe('contractgen import (files)', () => {
  it('is deterministic: the same file gives the same bytes, wherever it runs', async () => {
    const a = tmp();
    const b = tmp();
    for (const d of [a, b]) writeFileSync(join(d, 'rides.cql'), readFileSync(join(ROOT, 'generated/cassandra/rides.cql')));
    expect((await cli(['import', 'rides.cql'], a)).code).toBe(0);
    expect((await cli(['import', 'rides.cql', '--out', 'elsewhere'], b)).code).toBe(0);
    expect(readFileSync(join(b, 'elsewhere/rides.odcs.yaml'), 'utf8')).toBe(readFileSync(join(a, 'contracts/rides.odcs.yaml'), 'utf8'));
  });

  it('detects the dialect of a .sql file, or takes --dialect', () => {
    expect(detectDialect(readFileSync(join(ROOT, 'generated/postgres/users.sql'), 'utf8'))).toBe('postgres');
    expect(detectDialect(readFileSync(join(ROOT, 'test/fixtures/import/shop.pg.sql'), 'utf8'))).toBe('postgres');
    expect(detectDialect(readFileSync(join(ROOT, 'test/fixtures/import/shop.mysql.sql'), 'utf8'))).toBe('mysql');
    expect(detectDialect("CREATE TABLE t (a text DEFAULT 'ENGINE=x')")).toBe('postgres');
  });

  it('usage errors and unreadable sources exit 2 with a diagnostic, never 3', async () => {
    const dir = tmp();
    const cases: Array<[string[], RegExp]> = [
      [['import'], /import: needs exactly 1 SOURCE: a postgresql:\/\/ URL/],
      [['import', 'nope.sql'], /IMPORT_SOURCE no such file or directory: nope\.sql/],
      [['import', 'mysql://root:pw@db/app'], /IMPORT_SOURCE mysql:\/\/ is not a source contractgen reads live.*mysqldump --no-data/],
      [['import', 'x.sql', '--dialect', 'oracle'], /--dialect must be postgres or mysql/],
      [['drift'], /drift needs --source/],
      [['import', '.'], /IMPORT_SOURCE \. holds no \.sql, \.cql, \.avsc or \.json file/],
      [['import', 'x.sql', '--merge', 'c.yaml', '--out', 'd'], /--merge updates a contract in place; it takes no --out/],
      [['init', 'a', 'b'], /init: unexpected argument "b" \(at most 1 DIR\)/],
    ];
    // and beside a readable source
    const withSource = tmp();
    writeFileSync(join(withSource, 'users.sql'), 'CREATE TABLE users (id int PRIMARY KEY);\n');
    writeFileSync(join(withSource, 'a-file'), 'x\n');
    mkdirSync(join(withSource, 'contracts')); // empty: nothing to compare with
    const besideSource: Array<[string[], RegExp]> = [
      [['import', 'users.sql', '--out', 'a-file'], /--out a-file: not a directory/],
      [['drift', '--source', 'users.sql'], /no contracts in contracts/],
    ];
    for (const [args, re, cwd] of [...cases.map(([a, r]) => [a, r, dir] as const), ...besideSource.map(([a, r]) => [a, r, withSource] as const)]) {
      const r = await cli([...args], cwd);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.stderr).not.toContain('pw@');
    }
    mkdirSync(join(dir, 'mixed'));
    writeFileSync(join(dir, 'mixed/a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);');
    writeFileSync(join(dir, 'mixed/b.cql'), 'CREATE TABLE b (id int PRIMARY KEY);');
    const mixed = await cli(['import', 'mixed'], dir);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/mixes cql and sql files/);
  });

  it('the CHECK extension refuses what could break out of CHECK (…)', () => {
    expect(sqlExpressionProblem('paid_at >= created_at')).toBeUndefined();
    expect(sqlExpressionProblem("(a = 'x;y') OR (b IS NULL)")).toBeUndefined();
    expect(sqlExpressionProblem('a > 0); DROP TABLE t; --')).toBeDefined();
    expect(sqlExpressionProblem('a > 0) OR (b > 0')).toMatch(/closes a parenthesis/);
    expect(sqlExpressionProblem("a = 'open")).toMatch(/unclosed quote/);
    expect(sqlExpressionProblem('a = $$x$$')).toMatch(/dollar/);
    expect(sqlExpressionProblem('a > 0 -- no')).toMatch(/comment/);
    expect(sqlExpressionProblem("a = E'\\' ) x'")).toBeUndefined(); // an E'' string escapes its quote
  });
});

// ---------------------------------------------------------------------------------------------- robustness

describe('property: mutated sources never throw', () => {
  const mutation = fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom('(', ')', ',', ';', "'", '"', '`', '<', '>', '{', '}', '[', ']', ' PRIMARY KEY', ' CHECK (', '--', '/*', '$$', '\n', 'frozen<', 'NULL', '-', '0x', '{"type": "record"', '"fields": [', 'é🚕') }),
    ),
    { minLength: 1, maxLength: 4 },
  );
  const mutate = (t: string, ms: ReadonlyArray<{ op: 'delete'; at: number; len: number } | { op: 'insert'; at: number; s: string }>) => {
    for (const m of ms) {
      const at = m.at % (t.length + 1);
      t = m.op === 'delete' ? t.slice(0, at) + t.slice(at + m.len) : t.slice(0, at) + m.s + t.slice(at);
    }
    return t;
  };
  const inputs = {
    sql: readFileSync(join(ROOT, 'test/fixtures/import/shop.pg.sql'), 'utf8'),
    cql: readFileSync(join(ROOT, 'test/fixtures/import/cassandra-docs.cql'), 'utf8'),
    avsc: readFileSync(join(ROOT, 'generated/avro/ridehailing.public.users/Envelope.avsc'), 'utf8'),
    json: readFileSync(join(ROOT, 'generated/avro/ridehailing.mobility.rides/value.schema.json'), 'utf8'),
  };

  it('PostgreSQL DDL, CQL, Avro and JSON Schema give diagnostics or tables, and their contracts diagnostics, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, mutation, mutation, mutation, async (a, b, c, d) => {
        const pg = await readPgDdl('x.sql', mutate(inputs.sql, a));
        const cql = readCql('x.cql', mutate(inputs.cql, b));
        const avro = readAvro('x', [{ file: 'x.avsc', text: mutate(inputs.avsc, c) }]);
        const js = readJsonSchema('x', [{ file: 'x.json', text: mutate(inputs.json, d) }]);
        for (const src of [pg, cql, avro, js]) {
          for (const dd of src.diagnostics) expect(dd.line).toBeGreaterThan(0);
          analysisOf(importedContracts(src).sources);
        }
      }),
      { seed: SEED, numRuns: RUNS * 4 },
    );
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------- docs

describe('docs/import.md', () => {
  it('lists every type mapping of every reader', () => {
    const page = readFileSync(join(ROOT, 'docs/import.md'), 'utf8');
    const section = (title: string) => {
      const start = page.indexOf(`### ${title}\n`);
      expect(start, title).toBeGreaterThan(0);
      const end = page.indexOf('\n#', start + 5);
      return page.slice(start, end < 0 ? undefined : end);
    };
    const check = (title: string, names: readonly string[]) => {
      const text = section(title);
      for (const n of names) expect(text.includes(`\`${n}`) || text.includes(`\`${n.split('.').pop()}`), `${title}: ${n}`).toBe(true);
    };
    check('PostgreSQL', PG_BUILTINS);
    check('MySQL', MYSQL_TYPES);
    check('CQL', CQL_TYPES);
    check('Avro', AVRO_TYPES);
    for (const h of ['## Known losses', '## Placeholders', '## PII suggestions', '## `--merge`', '## `contractgen drift`', '## `contractgen init`', '## Type mappings']) expect(page).toContain(`\n${h}\n`);
  });
});

// ---------------------------------------------------------------------------------------------- weight

describe('each command loads only the parser it needs', () => {
  function modulesLoadedBy(args: string[], cwd: string): string[] {
    const r = recordModules(args, { cwd });
    expect(r.code, r.stderr).toBe(0);
    return r.modules;
  }
  const has = (mods: string[], s: string) => mods.some((m) => m.includes(s));

  it('lint loads nothing of import; a CQL import loads neither libpg-query nor the MySQL grammar', () => {
    const lint = modulesLoadedBy(['lint'], ROOT);
    expect(has(lint, '/dist/validate/placeholders.js')).toBe(true); // the recorder sees lint's modules
    expect(lint.filter((m) => m.includes('/dist/import/') || m.includes('/dist/cli/commands/import') || m.includes('/dist/cli/commands/drift') || m.includes('/dist/cli/source'))).toEqual([]);
    const dir = tmp();
    writeFileSync(join(dir, 'rides.cql'), readFileSync(join(ROOT, 'generated/cassandra/rides.cql')));
    const cql = modulesLoadedBy(['import', 'rides.cql'], dir);
    expect(has(cql, '/dist/import/cql.js')).toBe(true);
    // no target but their light declarations (targets/capabilities.ts, which the CLI's shared flags read, as lint does)
    for (const heavy of ['libpg-query', 'dt-sql-parser', 'antlr4ng', '/dist/import/pg-', '/dist/import/mysql-ddl', '/dist/targets/']) expect(cql.filter((m) => m.includes(heavy) && !m.endsWith('/dist/targets/capabilities.js')), heavy).toEqual([]);
    const pgDir = tmp();
    writeFileSync(join(pgDir, 'users.sql'), readFileSync(join(ROOT, 'generated/postgres/users.sql')));
    const pg = modulesLoadedBy(['import', 'users.sql'], pgDir);
    expect(has(pg, 'libpg-query')).toBe(true);
    expect(pg.filter((m) => m.includes('dt-sql-parser') || m.includes('antlr4ng'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------- --merge

describe('contractgen import --merge', () => {
  it('updates the schema from the source, keeps what was written by hand, and prints what changed', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'contracts'));
    const original = readFileSync(join(ROOT, 'contracts/users.odcs.yaml'), 'utf8');
    writeFileSync(join(dir, 'contracts/users.odcs.yaml'), original);
    // the database moved on: a column added, one dropped, one retyped, a value allowed, a NOT NULL dropped
    const ddl = readFileSync(join(ROOT, 'generated/postgres/users.sql'), 'utf8')
      .replace('    phone text NOT NULL,\n', '')
      .replace("CONSTRAINT users_phone_pattern CHECK (phone ~ '^\\+[1-9][0-9]{1,14}$'),\n    ", '')
      .replace("COMMENT ON COLUMN public.users.phone IS '[PII; classification: restricted] Mobile phone in E.164 format.';\n", '')
      .replace('    city varchar(100) NOT NULL,', '    city varchar(100),')
      .replace("user_type IN ('rider', 'driver', 'both')", "user_type IN ('rider', 'driver', 'both', 'fleet')")
      .replace('    status text NOT NULL,', '    status text NOT NULL,\n    referrer_id uuid,')
      .replace('    birth_date date,', '    birth_date timestamp,')
      .replace("birth_date >= '1900-01-01'::date", "birth_date >= '1900-01-01'::timestamp");
    writeFileSync(join(dir, 'users.sql'), ddl);
    const r = await cli(['import', 'users.sql', '--merge', 'contracts/users.odcs.yaml'], dir);
    expect(r.code, r.stderr).toBe(0);
    const rules = [...r.stderr.matchAll(/ (?:error|warning|info) ([A-Z_]+) (?:field )?"users\.([a-z_]+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(rules).toEqual(['ENUM_VALUE_ADDED user_type', 'FIELD_ADDED referrer_id', 'FIELD_MADE_OPTIONAL city', 'FIELD_REMOVED phone', 'FIELD_TYPE_CHANGED birth_date'].sort());
    const merged = readFileSync(join(dir, 'contracts/users.odcs.yaml'), 'utf8');
    // everything written by hand is still there: header comment, descriptions, quality rules, SLA, PII, examples
    expect(merged).toContain('# Users of the ride-hailing platform: riders and drivers.');
    expect(merged).toContain('description: Full name as given at sign-up.');
    expect(merged).toContain('id: users_updated_after_created');
    expect(merged).toContain('property: freshness');
    expect(merged).toContain('name: identity-team');
    expect(merged).toMatch(/- name: email[\s\S]*?property: contractgen\.pii\n\s+value: true/);
    expect(merged).toContain('examples: ["Maria da Silva"]');
    expect(merged).toContain("validValues: [rider, driver, both, fleet]"); // the flow style kept
    expect(merged).not.toMatch(/- name: phone\n/);
    expect(merged).toMatch(/- name: referrer_id\n\s+logicalType: string\n\s+physicalType: uuid/);
    expect((await cli(['lint'], dir)).code).toBe(0);
    // merging the same source again changes nothing
    const again = await cli(['import', 'users.sql', '--merge', 'contracts/users.odcs.yaml'], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already matches/);
    expect(readFileSync(join(dir, 'contracts/users.odcs.yaml'), 'utf8')).toBe(merged);
  });

  it('merging the unchanged source into the contract it was generated from leaves its model as it was', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'contracts'));
    const original = readFileSync(join(ROOT, 'contracts/users.odcs.yaml'), 'utf8');
    writeFileSync(join(dir, 'contracts/users.odcs.yaml'), original);
    writeFileSync(join(dir, 'users.sql'), readFileSync(join(ROOT, 'generated/postgres/users.sql')));
    const r = await cli(['import', 'users.sql', '--merge', 'contracts/users.odcs.yaml'], dir);
    expect(r.code, r.stderr).toBe(0);
    const after = readFileSync(join(dir, 'contracts/users.odcs.yaml'), 'utf8');
    // the model is the same; only spellings the source states may differ
    const a = analysisOf([{ file: 'a', text: original }]).model.datasets[0]!;
    const b = analysisOf([{ file: 'a', text: after }]).model.datasets[0]!;
    expect(b.fields.map((f) => [f.name, f.type, f.required, f.pii, f.description])).toEqual(a.fields.map((f) => [f.name, f.type, f.required, f.pii, f.description]));
    expect(r.stderr).not.toMatch(/ error /);
  });
});
