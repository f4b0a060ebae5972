/**
 * Lake targets against real engines: a Parquet file written with exactly the generated schema (hyparquet-writer)
 * from the contract's examples, read back by DuckDB; Trino DDL through dt-sql-parser's Trino grammar, with
 * property and type allow-lists, and its trusted columns checked against what DuckDB reads; GX suites against
 * a JSON Schema of the GX format, and a coverage test: nothing in a contract is dropped.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { TrinoSQL } from 'dt-sql-parser';
import type { Dataset, Field } from '../generator/model/ir.js';
import { lakeName } from '../generator/model/naming.js';
import { mapType } from '../generator/model/types.js';
import { TRINO_TABLE_PROPERTIES } from '../generator/targets/trino.js';
import { generateFrom } from './helpers/generate.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;

let files: Map<string, string>;
let datasets: Dataset[];
let db: DuckDBInstance;
let con: DuckDBConnection;
const dir = mkdtempSync(join(tmpdir(), 'cg-lake-'));

beforeAll(async () => {
  const g = await generateFrom();
  files = g.files;
  datasets = g.analysis.model.datasets;
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});
afterAll(() => {
  con?.closeSync?.();
});

/** An example value in the representation a Parquet writer takes for the column's physical type. */
function parquetValue(f: Field, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (f.type.kind) {
    case 'timestamp':
    case 'timestamp_ntz':
      return BigInt(Date.parse(String(v))) * 1000n + BigInt(Number((/\.\d{3}(\d{3})/.exec(String(v)) ?? [0, '0'])[1]));
    case 'date':
      return Math.round(Date.parse(`${String(v)}T00:00:00Z`) / 86_400_000);
    case 'decimal': {
      const unscaled = BigInt(Math.round(Number(v) * 10 ** f.type.scale));
      return f.type.precision <= 9 ? Number(unscaled) : unscaled;
    }
    case 'int64':
      return BigInt(Number(v));
    default:
      return v;
  }
}

async function writeExampleFile(ds: Dataset): Promise<string> {
  const { schema } = JSON.parse(files.get(`parquet/${lakeName(ds)}.parquet.json`)!) as { schema: Array<Record<string, unknown>> };
  // hyparquet-writer writes the INTEGER annotation's bitWidth (a Thrift byte) as an i32, which strict readers
  // reject; the legacy INT_16 converted type it also carries means the same to every reader.
  const writable = schema.map((e) => ((e.logical_type as { type?: string } | undefined)?.type === 'INTEGER' ? { ...e, logical_type: undefined } : e));
  const byName = new Map(ds.fields.map((f) => [f.physicalName, f]));
  const columns = schema.slice(1).map((e) => e.name as string);
  const file = join(dir, `${lakeName(ds)}.parquet`);
  const buf = parquetWriteBuffer({ schema: writable as never, columnData: columns.map((c) => ({ name: c, data: [parquetValue(byName.get(c)!, byName.get(c)!.examples[0])] as never })) });
  writeFileSync(file, Buffer.from(buf));
  return file;
}

/** The type table's duckdb column: what DuckDB must read from a Parquet file written with the parquet column. */
const duckType = (f: Field) => mapType(f.type).duckdb;

describe('parquet target', () => {
  for (const name of ['users', 'rides']) {
    it(`${name}: a file written with exactly the generated schema reads back in DuckDB with the contract's names, types and values`, async () => {
      const ds = datasets.find((d) => d.name === name)!;
      const file = await writeExampleFile(ds);
      const described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson() as Array<{ column_name: string; column_type: string }>;
      const fields = ds.fields.filter((f) => !ds.partitionedBy.includes(f.name));
      expect(described.map((d) => d.column_name)).toEqual(fields.map((f) => f.physicalName));
      for (const f of fields) expect(described.find((d) => d.column_name === f.physicalName)!.column_type, f.name).toBe(duckType(f));
      const row = (await con.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson()[0] as Record<string, unknown>;
      for (const f of fields) {
        const ex = f.examples[0];
        const got = row[f.physicalName];
        if (f.type.kind === 'timestamp') expect(Date.parse(String(got).replace(' ', 'T').replace(/\+00$/, 'Z')), f.name).toBe(Date.parse(String(ex)));
        else if (f.type.kind === 'decimal') expect(Number(got), f.name).toBe(Number(ex));
        else if (f.type.kind === 'date') expect(String(got), f.name).toBe(String(ex));
        else expect(got, f.name).toEqual(ex);
      }
      const meta = (await con.runAndReadAll(`SELECT name, repetition_type, logical_type FROM parquet_schema('${file}')`)).getRowObjectsJson() as Array<{ name: string; repetition_type: string | null; logical_type: string | null }>;
      for (const f of fields) expect(meta.find((m) => m.name === f.physicalName)!.repetition_type, f.name).toBe(f.required ? 'REQUIRED' : 'OPTIONAL');
      if (name === 'users') expect(meta.find((m) => m.name === 'created_at')!.logical_type).toMatch(/TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds\(\), NANOS=<null>\)\)/);
    });
  }

  it('writes the schema text notation from the same elements', () => {
    const txt = files.get('parquet/rides.parquet.txt')!;
    expect(txt.split('\n')[0]).toBe('message rides {');
    expect(txt).toContain('  optional int64 fare_amount (DECIMAL(10,2));');
    expect(txt).toContain('  required int64 requested_at (TIMESTAMP(MICROS,true));');
    expect(txt).not.toContain('requested_date'); // a partition column: in the directory names, not in the files
  });
});

describe('trino target', () => {
  const trino = new TrinoSQL();
  const statements = (sql: string) => (trino.splitSQLByStatement(sql) ?? []).map((s) => s.text);

  it('writes statements the Trino grammar accepts', () => {
    const sqlFiles = [...files.keys()].filter((p) => p.startsWith('trino/') && p.endsWith('.sql'));
    expect(sqlFiles.length).toBeGreaterThanOrEqual(5);
    for (const p of sqlFiles) {
      const sql = files.get(p)!;
      expect(trino.validate(sql), p).toEqual([]);
      expect(statements(sql).length, p).toBeGreaterThan(0);
    }
  });

  it('uses only table properties and types the Hive connector knows, partition columns last', () => {
    for (const ds of datasets) {
      const sql = files.get(`trino/${lakeName(ds)}.sql`)!;
      const withs = [...sql.matchAll(/WITH \(\n([\s\S]*?)\n\);/g)].map((m) => m[1]!);
      expect(withs.length).toBe(2);
      for (const w of withs) for (const line of w.split('\n')) expect(TRINO_TABLE_PROPERTIES.hive, line).toContain(line.trim().split(' ')[0]);
      const trusted = /CREATE TABLE IF NOT EXISTS hive\.trusted\.\w+ \(\n([\s\S]*?)\n\)/.exec(sql)![1]!.split('\n').map((l) => l.trim().split(' '));
      const allowed = new Set(['varchar', 'smallint', 'integer', 'bigint', 'real', 'double', 'boolean', 'date', 'timestamp', 'varbinary']);
      for (const [col, type] of trusted) expect(allowed.has(type!) || /^decimal\(\d+,\d+\)$/.test(type!), `${col} ${type}`).toBe(true);
      const names = trusted.map(([c]) => c);
      expect(names.slice(names.length - ds.partitionedBy.length)).toEqual(ds.partitionedBy);
      expect(sql).not.toMatch(/ uuid| json|with time zone/);
    }
  });

  it("agrees with DuckDB on the trusted tables' columns and types", async () => {
    const TRINO_OF_DUCK: Record<string, string> = { VARCHAR: 'varchar', SMALLINT: 'smallint', INTEGER: 'integer', BIGINT: 'bigint', FLOAT: 'real', DOUBLE: 'double', BOOLEAN: 'boolean', DATE: 'date', 'TIMESTAMP WITH TIME ZONE': 'timestamp', TIMESTAMP: 'timestamp', BLOB: 'varbinary' };
    for (const ds of datasets) {
      const file = await writeExampleFile(ds);
      const duck = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson() as Array<{ column_name: string; column_type: string }>;
      const sql = files.get(`trino/${lakeName(ds)}.sql`)!;
      const trusted = new Map(/CREATE TABLE IF NOT EXISTS hive\.trusted\.\w+ \(\n([\s\S]*?)\n\)/.exec(sql)![1]!.split('\n').map((l) => l.trim().split(' ') as [string, string]));
      for (const d of duck) {
        const t = trusted.get(d.column_name);
        expect(t, d.column_name).toBeDefined();
        expect(t).toBe(/^DECIMAL/.test(d.column_type) ? d.column_type.toLowerCase() : TRINO_OF_DUCK[d.column_type]);
      }
      expect(trusted.size).toBe(duck.length + ds.partitionedBy.length);
    }
  });

  it('masks every PII column in the general-access view', () => {
    for (const ds of datasets) {
      const view = /AS\nSELECT\n([\s\S]*?)\nFROM/.exec(files.get(`trino/${lakeName(ds)}.sql`)!)![1]!;
      for (const f of ds.fields) {
        const line = view.split('\n').find((l) => l.trim().replace(/,$/, '').endsWith(f.physicalName))!;
        expect(line.trim().replace(/,$/, '') === f.physicalName, `${f.name} pii=${f.pii}`).toBe(!f.pii);
      }
    }
  });
});

/** The GX 1.x suite format (great_expectations 1.2 ExpectationSuiteSchema / ExpectationConfiguration), with the kwargs of the core expectations contractgen emits. */
const GX_SUITE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['name', 'id', 'expectations'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    id: { type: 'string', format: 'uuid' },
    expectations: { type: 'array', items: { $ref: '#/$defs/expectation' } },
    suite_parameters: { type: 'object' },
    meta: { type: 'object' },
    notes: { type: ['string', 'null'] },
  },
  $defs: {
    col: { type: 'string', minLength: 1 },
    expectation: {
      type: 'object',
      required: ['type', 'kwargs', 'id'],
      additionalProperties: false,
      properties: { type: { type: 'string' }, kwargs: { type: 'object' }, meta: { type: 'object' }, id: { type: 'string', format: 'uuid' }, notes: {}, description: { type: 'string' }, rendered_content: {} },
      allOf: [
        ...(
          [
            ['expect_column_values_to_not_be_null', { column: { $ref: '#/$defs/col' }, mostly: { type: 'number', minimum: 0, maximum: 1 } }, ['column']],
            ['expect_column_values_to_be_unique', { column: { $ref: '#/$defs/col' } }, ['column']],
            ['expect_column_values_to_be_in_set', { column: { $ref: '#/$defs/col' }, value_set: { type: 'array', minItems: 1 } }, ['column', 'value_set']],
            ['expect_column_values_to_not_be_in_set', { column: { $ref: '#/$defs/col' }, value_set: { type: 'array', minItems: 1 } }, ['column', 'value_set']],
            ['expect_column_values_to_be_between', { column: { $ref: '#/$defs/col' }, min_value: {}, max_value: {}, strict_min: { type: 'boolean' }, strict_max: { type: 'boolean' } }, ['column']],
            ['expect_column_values_to_match_regex', { column: { $ref: '#/$defs/col' }, regex: { type: 'string' } }, ['column', 'regex']],
            ['expect_column_value_lengths_to_be_between', { column: { $ref: '#/$defs/col' }, min_value: { type: 'integer' }, max_value: { type: 'integer' } }, ['column']],
            ['expect_column_values_to_be_of_type', { column: { $ref: '#/$defs/col' }, type_: { type: 'string', pattern: '^[A-Z][A-Za-z]+Type$' } }, ['column', 'type_']],
            ['expect_table_row_count_to_be_between', { min_value: { type: 'number' }, max_value: { type: 'number' }, strict_min: { type: 'boolean' }, strict_max: { type: 'boolean' } }, []],
            ['expect_compound_columns_to_be_unique', { column_list: { type: 'array', items: { $ref: '#/$defs/col' }, minItems: 2 } }, ['column_list']],
            ['expect_table_columns_to_match_set', { column_set: { type: 'array', items: { $ref: '#/$defs/col' } }, exact_match: { type: 'boolean' } }, ['column_set']],
            ['unexpected_rows_expectation', { unexpected_rows_query: { type: 'string', pattern: '\\{batch\\}' } }, ['unexpected_rows_query']],
          ] as Array<[string, Record<string, unknown>, string[]]>
        ).map(([t, props, req]) => ({ if: { properties: { type: { const: t } } }, then: { properties: { kwargs: { type: 'object', properties: props, required: req, additionalProperties: false } } } })),
        {
          properties: {
            type: {
              enum: [
                'expect_column_values_to_not_be_null', 'expect_column_values_to_be_unique', 'expect_column_values_to_be_in_set', 'expect_column_values_to_not_be_in_set', 'expect_column_values_to_be_between',
                'expect_column_values_to_match_regex', 'expect_column_value_lengths_to_be_between', 'expect_column_values_to_be_of_type', 'expect_table_row_count_to_be_between',
                'expect_compound_columns_to_be_unique', 'expect_table_columns_to_match_set', 'unexpected_rows_expectation',
              ],
            },
          },
        },
      ],
    },
  },
};

describe('quality target', () => {
  it('writes GX 1.x suites that validate against the GX suite format', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    require('ajv-formats')(ajv);
    const validate = ajv.compile(GX_SUITE_SCHEMA);
    for (const ds of datasets) {
      const suite = JSON.parse(files.get(`quality/${lakeName(ds)}.json`)!);
      expect(validate(suite), JSON.stringify(validate.errors)).toBe(true);
      const ids = suite.expectations.map((e: { id: string }) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('covers every constraint and quality rule of every contract: nothing is dropped silently', () => {
    for (const ds of datasets) {
      const suite = JSON.parse(files.get(`quality/${lakeName(ds)}.json`)!) as { expectations: Array<{ type: string; kwargs: Record<string, unknown>; meta: { contract_rule: string; contract_rules?: string[] } }> };
      // an expectation that serves several rules (a value set stated twice) names them all
      const rules = new Set(suite.expectations.flatMap((e) => [e.meta.contract_rule, ...(e.meta.contract_rules ?? [])]));
      const need: string[] = [`${ds.name}:columns`];
      if (ds.primaryKey.length > 1) need.push(`${ds.name}:primaryKey`);
      for (const f of ds.fields) {
        const k = (w: string) => `${ds.name}.${f.name}:${w}`;
        need.push(k('type'));
        if (f.required) need.push(k(f.primaryKey ? 'primaryKey' : 'required'));
        if (f.unique) need.push(k('unique'));
        const c = f.constraints;
        if (c.enum) need.push(k('validValues'));
        if (c.minimum !== undefined || c.maximum !== undefined || c.exclusiveMinimum !== undefined || c.exclusiveMaximum !== undefined) need.push(k('range'));
        if (c.minLength !== undefined || c.maxLength !== undefined) need.push(k('length'));
        if (c.pattern !== undefined) need.push(k('pattern'));
        if (c.format !== undefined) need.push(k(`format:${c.format}`));
        for (const q of f.quality) need.push(`${ds.name}:quality:${q.key}`);
      }
      for (const q of ds.quality) need.push(`${ds.name}:quality:${q.key}`);
      for (const r of need) expect(rules.has(r), `${ds.name}: ${r} has no expectation`).toBe(true);
      // a value set appears once, however many rules state it
      const sets = suite.expectations.filter((e) => e.type === 'expect_column_values_to_be_in_set').map((e) => String(e.kwargs.column));
      expect(new Set(sets).size, `${ds.name}: a column with two in-set expectations`).toBe(sets.length);
      // and the expectations say what the contract says
      const inSet = suite.expectations.find((e) => e.meta.contract_rule === `${ds.name}.status:validValues`)!;
      expect(inSet.kwargs.value_set).toEqual(ds.fields.find((f) => f.name === 'status')!.constraints.enum);
      // rowCount mustBeGreaterThan 0, written as GX 1.2 (the default gxVersion, 1.x) accepts it: count ≥ 1
      expect(suite.expectations.find((e) => e.type === 'expect_table_row_count_to_be_between')!.kwargs).toEqual({ min_value: 1 });
    }
  });

  it('turns an ODCS SQL check into an unexpected-rows query', () => {
    const suite = JSON.parse(files.get('quality/users.json')!);
    const e = suite.expectations.find((x: { type: string }) => x.type === 'unexpected_rows_expectation');
    expect(e.kwargs.unexpected_rows_query).toBe('SELECT * FROM {batch} WHERE updated_at < created_at');
  });

  it('uses the Spark type names of the type table for of-type checks', () => {
    const suite = JSON.parse(files.get('quality/rides.json')!);
    const t = suite.expectations.find((x: { type: string; kwargs: { column?: string } }) => x.type === 'expect_column_values_to_be_of_type' && x.kwargs.column === 'fare_amount');
    expect(t.kwargs.type_).toBe(mapType({ kind: 'decimal', precision: 10, scale: 2 }).gx);
  });
});
