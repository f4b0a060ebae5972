/**
 * Walks the whole type table: every logical type, every target column, each checked by a real parser or a
 * real specification (dt-sql-parser's MySQL, Spark and Trino grammars, libpg-query, avsc, the Unity Catalog
 * OpenAPI spec), plus the cross-column facts the platform depends on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MySQL, SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { loadModule, parse as pgParse } from 'libpg-query';
import avro from 'avsc';
import { parse as parseYaml } from 'yaml';
import type { Field, LogicalType, TypeKind } from '../generator/model/ir.js';
import { mapType, TYPE_KINDS, typeLabel, type AvroType } from '../generator/model/types.js';
import { reference } from './helpers/reference.js';
import { createRequire } from 'node:module';

const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020').default;
const jsonAjv = new Ajv2020({ strict: true, strictTypes: false });
createRequire(import.meta.url)('ajv-formats')(jsonAjv);

const field = (name: string, type: LogicalType, required = false): Field => ({
  name, physicalName: name, type, required, unique: false, primaryKey: false, primaryKeyPosition: -1, partitioned: false, partitionKeyPosition: -1,
  pii: false, constraints: {}, cdcExcluded: false, examples: [], tags: [], quality: [], at: { file: 't', line: 1, col: 1 },
});

/** Samples covering every row of the table, with parameters. */
const SAMPLES: LogicalType[] = [
  { kind: 'string' },
  { kind: 'string', maxLength: 50 },
  { kind: 'uuid' },
  { kind: 'int16' },
  { kind: 'int32' },
  { kind: 'int64' },
  { kind: 'float32' },
  { kind: 'float64' },
  { kind: 'decimal', precision: 10, scale: 2 },
  { kind: 'decimal', precision: 38, scale: 6 },
  { kind: 'boolean' },
  { kind: 'date' },
  { kind: 'time' },
  { kind: 'timestamp' },
  { kind: 'timestamp_ntz' },
  { kind: 'bytes' },
  { kind: 'json' },
  { kind: 'array', items: { kind: 'string' } },
  { kind: 'array', items: { kind: 'decimal', precision: 12, scale: 3 } },
  { kind: 'object', fields: [field('a', { kind: 'int32' }, true), field('b', { kind: 'string' })] },
];

const CQL_NATIVE = ['ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'duration', 'float', 'inet', 'int', 'smallint', 'text', 'time', 'timestamp', 'timeuuid', 'tinyint', 'uuid', 'varchar', 'varint'];
function isCqlType(t: string): boolean {
  const m = /^(list|set|frozen)<(.+)>$/.exec(t);
  if (m) return isCqlType(m[2]!);
  return CQL_NATIVE.includes(t);
}

const DEBEZIUM_NAMES = new Set([
  'io.debezium.data.Uuid', 'io.debezium.data.Json', 'io.debezium.data.VariableScaleDecimal', 'io.debezium.time.Date', 'io.debezium.time.MicroTime',
  'io.debezium.time.MicroTimestamp', 'io.debezium.time.ZonedTimestamp', 'io.debezium.time.Timestamp', 'org.apache.kafka.connect.data.Decimal',
]);

class DecimalType extends avro.types.LogicalType {
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const attrs = schema as { precision?: unknown; scale?: unknown };
    const precision = Number(attrs.precision);
    if (!Number.isInteger(precision) || precision < 1) throw new Error('bad precision');
    if (Number(attrs.scale ?? 0) > precision) throw new Error('scale > precision');
  }
  override _fromValue(v: unknown) { return v; }
  override _toValue(v: unknown) { return v; }
}

/** As a required and as an optional (null-union) column; one schema each, as named types may appear once. */
function avroParses(t: AvroType): void {
  for (const type of [t, ['null', t]]) {
    avro.Type.forSchema(
      { type: 'record', name: 'Row', namespace: 'test', fields: [{ name: 'c', type, ...(Array.isArray(type) ? { default: null } : {}) }] } as never,
      { logicalTypes: { decimal: DecimalType }, assertLogicalTypes: true } as never,
    );
  }
}

/** Every `connect.name` in an Avro type: in unions (JSON arrays), array items and record fields, at any depth. */
function collectConnectNames(t: AvroType, out: string[] = []): string[] {
  if (typeof t === 'string') return out;
  if (Array.isArray(t)) {
    for (const branch of t) collectConnectNames(branch, out);
    return out;
  }
  if (t['connect.name']) out.push(t['connect.name']);
  if (t.items) collectConnectNames(t.items, out);
  for (const f of t.fields ?? []) collectConnectNames(f.type, out);
  return out;
}

describe('the type table', () => {
  it('finds connect names inside unions, array items and record fields (the walk the Debezium-name check relies on)', () => {
    const planted: AvroType = { type: 'array', items: ['null', { type: 'record', name: 'R', fields: [{ name: 'f', type: ['null', { type: 'string', 'connect.name': 'not.a.debezium.Name' }] }] }] };
    expect(collectConnectNames(planted)).toEqual(['not.a.debezium.Name']);
    // arrays of logical types carry their items' Debezium names inside a null union
    expect(collectConnectNames(mapType({ kind: 'array', items: { kind: 'uuid' } }).avro.postgres)).toEqual(['io.debezium.data.Uuid']);
  });

  it('has a sample for every row', () => {
    const covered = new Set<TypeKind>(SAMPLES.map((s) => s.kind));
    expect([...TYPE_KINDS].sort()).toEqual([...covered].sort());
  });

  const trino = new TrinoSQL();
  const spark = new SparkSQL();
  const mysql = new MySQL();

  for (const t of SAMPLES) {
    describe(typeLabel(t), () => {
      const m = mapType(t);

      it('postgres: libpg-query parses it as a column type', async () => {
        await loadModule();
        const tree = (await pgParse(`CREATE TABLE t (c ${m.postgres});`)) as { stmts: unknown[] };
        expect(tree.stmts).toHaveLength(1);
      });

      it('mysql: the MySQL grammar accepts it', () => {
        expect(mysql.validate(`CREATE TABLE t (c ${m.mysql} NULL);`)).toEqual([]);
      });

      it('cql: a CQL native or collection type', () => {
        expect(isCqlType(m.cql), m.cql).toBe(true);
      });

      it('cassandraJson: a JSON Schema that Ajv compiles', () => {
        expect(() => jsonAjv.compile(m.cassandraJson)).not.toThrow();
      });

      it('avro: parses with avsc (logical types asserted) for every source', () => {
        for (const src of ['postgres', 'mysql'] as const) {
          avroParses(m.avro[src]);
          for (const n of collectConnectNames(m.avro[src])) expect(DEBEZIUM_NAMES.has(n), n).toBe(true);
        }
        // the check above must see the logical types nested in arrays, not pass on an empty walk
        if (t.kind === 'array' && t.items.kind === 'decimal') expect(collectConnectNames(m.avro.postgres).length).toBeGreaterThan(0);
      });

      it('spark: the SparkSQL grammar accepts the DDL type, and python/json agree', () => {
        expect(spark.validate(`CREATE TABLE t (c ${m.spark.ddl}) USING parquet`)).toEqual([]);
        expect(m.spark.python).toMatch(/^[A-Z][A-Za-z]*Type\(/);
        expect(m.gx).toBe(m.spark.python.slice(0, m.spark.python.indexOf('(')));
      });

      it('trino: the Trino grammar accepts both forms; Hive avoids types it cannot create', () => {
        expect(trino.validate(`CREATE TABLE t (c ${m.trino.hive})`)).toEqual([]);
        expect(trino.validate(`CREATE TABLE t (c ${m.trino.iceberg})`)).toEqual([]);
        expect(m.trino.hive).not.toMatch(/uuid|with time zone|json/);
      });

      it('unity catalog: type_text is Spark DDL, type_name is in the spec', () => {
        expect(spark.validate(`CREATE TABLE t (c ${m.unityCatalog.typeText}) USING parquet`)).toEqual([]);
        expect(m.unityCatalog.typeText).toBe(m.spark.ddl);
      });

      it('parquet: physical and logical annotations are consistent (Parquet LogicalTypes.md)', () => {
        const p = m.parquet;
        const ok: Record<string, RegExp> = {
          BOOLEAN: /^$/, INT32: /^(|DATE|INTEGER\((8|16|32),(true|false)\)|DECIMAL\(\d,\d+\))$/, INT64: /^(|TIMESTAMP\((MILLIS|MICROS|NANOS),(true|false)\)|TIME\(\w+,(true|false)\)|INTEGER\(64,(true|false)\)|DECIMAL\(1?\d,\d+\))$/,
          FLOAT: /^$/, DOUBLE: /^$/, BINARY: /^(|STRING|JSON|ENUM|DECIMAL\(\d+,\d+\))$/, FIXED_LEN_BYTE_ARRAY: /^(UUID|DECIMAL\(\d+,\d+\))$/, GROUP: /^(|LIST|MAP)$/,
        };
        expect(p.logical ?? '', `${p.physical} ${p.logical}`).toMatch(ok[p.physical]!);
        if (t.kind === 'decimal') {
          const digits = p.physical === 'INT32' ? 9 : p.physical === 'INT64' ? 18 : Math.floor(Math.log10(2 ** (8 * p.length! - 1)));
          expect(t.precision).toBeLessThanOrEqual(digits);
        }
      });
    });
  }

  const ucSpec = reference('unitycatalog/unitycatalog-openapi-v0.6.0.yaml');
  it.runIf(ucSpec.available)('uses only Unity Catalog ColumnTypeName values from the official OpenAPI spec', () => {
    const spec = parseYaml(readFileSync(ucSpec.path, 'utf8')) as { components: { schemas: { ColumnTypeName: { enum: string[] } } } };
    const allowed = spec.components.schemas.ColumnTypeName.enum;
    for (const t of SAMPLES) expect(allowed, typeLabel(t)).toContain(mapType(t).unityCatalog.typeName);
  });

  it('encodes the Debezium facts the CDC targets depend on', () => {
    const ts = mapType({ kind: 'timestamp' }).avro;
    expect(ts.postgres).toMatchObject({ type: 'string', 'connect.name': 'io.debezium.time.ZonedTimestamp' });
    expect(mapType({ kind: 'timestamp' }).cassandraJson).toEqual({ type: 'integer' });
    expect(mapType({ kind: 'timestamp_ntz' }).avro.postgres).toMatchObject({ type: 'long', 'connect.name': 'io.debezium.time.MicroTimestamp' });
    expect(mapType({ kind: 'decimal', precision: 10, scale: 2 }).avro.postgres).toMatchObject({ type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 });
    expect(mapType({ kind: 'uuid' }).avro.postgres).toMatchObject({ type: 'string', 'connect.name': 'io.debezium.data.Uuid' });
    expect(mapType({ kind: 'int16' }).avro.postgres).toEqual({ type: 'int', 'connect.type': 'int16' });
  });
});
