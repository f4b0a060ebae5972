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
import type { Element, Field, LogicalType, TypeKind } from '../generator/model/ir.js';
import { sparkString } from '../generator/model/names.js';
import { cqlUdtName, mapType, TYPE_KINDS, typeLabel, type AvroType } from '../generator/model/types.js';
import { reference } from './helpers/reference.js';
import { createRequire } from 'node:module';

const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020').default;
const jsonAjv = new Ajv2020({ strict: true, strictTypes: false });
createRequire(import.meta.url)('ajv-formats')(jsonAjv);

const field = (name: string, type: LogicalType, required = false): Field => ({
  name, physicalName: name, type, required, unique: false, primaryKey: false, primaryKeyPosition: -1, partitioned: false, partitionKeyPosition: -1,
  pii: false, constraints: {}, cdcExcluded: false, examples: [], tags: [], quality: [], at: { file: 't', line: 1, col: 1 },
});

const el = (type: LogicalType, required = false): Element => ({ type, constraints: {}, required, at: { file: 't', line: 1, col: 1 } });
const point: LogicalType = { kind: 'object', name: 'rides.pickup', fields: [field('lat', { kind: 'float64' }, true), field('lon', { kind: 'float64' }, true), field('at', { kind: 'timestamp' })] };

/** Samples covering every row of the table, with parameters, and the nestings contracts write. */
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
  { kind: 'decimal', precision: 38, scale: 18, variableScale: true },
  { kind: 'boolean' },
  { kind: 'date' },
  { kind: 'time' },
  { kind: 'timestamp' },
  { kind: 'timestamp_ntz' },
  { kind: 'bytes' },
  { kind: 'json' },
  { kind: 'array', items: el({ kind: 'string' }) },
  { kind: 'array', items: el({ kind: 'decimal', precision: 12, scale: 3 }, true) },
  { kind: 'array', items: el({ kind: 'date' }) },
  { kind: 'array', items: el(point) },
  { kind: 'array', items: el({ kind: 'array', items: el({ kind: 'int32' }) }) },
  { kind: 'map', key: el({ kind: 'string' }, true), value: el({ kind: 'int64' }) },
  { kind: 'map', key: el({ kind: 'string' }, true), value: el(point, true) },
  { kind: 'map', key: el({ kind: 'string' }, true), value: el({ kind: 'array', items: el({ kind: 'float64' }) }) },
  { kind: 'object', name: 'rides.flat', fields: [field('a', { kind: 'int32' }, true), field('b', { kind: 'string' })] },
  { kind: 'object', name: 'rides.route', fields: [field('start', point, true), field('tags', { kind: 'array', items: el({ kind: 'string' }) }), field('when', { kind: 'date' })] },
];

const CQL_NATIVE = ['ascii', 'bigint', 'blob', 'boolean', 'counter', 'date', 'decimal', 'double', 'duration', 'float', 'inet', 'int', 'smallint', 'text', 'time', 'timestamp', 'timeuuid', 'tinyint', 'uuid', 'varchar', 'varint'];
/** A CQL type: native, a collection of CQL types, or a frozen user-defined type of the samples (a collection inside another must be frozen). */
function isCqlType(t: string, inner = false): boolean {
  const frozen = /^frozen<(.+)>$/.exec(t);
  if (frozen) return /^[a-z_][a-z0-9_]*$/.test(frozen[1]!) ? UDTS.has(frozen[1]!) : isCqlType(frozen[1]!, false);
  const m = /^(list|set)<(.+)>$/.exec(t);
  if (m) return !inner && isCqlType(m[2]!, true);
  const map = /^map<([a-z]+),(.+)>$/.exec(t);
  if (map) return !inner && CQL_NATIVE.includes(map[1]!) && isCqlType(map[2]!, true);
  return CQL_NATIVE.includes(t);
}
function objects(t: LogicalType): string[] {
  if (t.kind === 'object') return [cqlUdtName(t), ...t.fields.flatMap((f) => objects(f.type))];
  if (t.kind === 'array') return objects(t.items.type);
  if (t.kind === 'map') return objects(t.value.type);
  return [];
}
const UDTS = new Set(SAMPLES.flatMap(objects));

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
  if (t.values) collectConnectNames(t.values, out);
  for (const f of t.fields ?? []) collectConnectNames(f.type, out);
  return out;
}

describe('the type table', () => {
  it('finds connect names inside unions, array items and record fields (the walk the Debezium-name check relies on)', () => {
    const planted: AvroType = { type: 'array', items: ['null', { type: 'record', name: 'R', fields: [{ name: 'f', type: ['null', { type: 'string', 'connect.name': 'not.a.debezium.Name' }] }] }] };
    expect(collectConnectNames(planted)).toEqual(['not.a.debezium.Name']);
    // arrays of logical types carry their items' Debezium names inside a null union
    expect(collectConnectNames(mapType({ kind: 'array', items: el({ kind: 'uuid' }) }).avro.postgres)).toEqual(['io.debezium.data.Uuid']);
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
        if (t.kind === 'array' && t.items.type.kind === 'decimal') expect(collectConnectNames(m.avro.postgres).length).toBeGreaterThan(0);
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

      it('sparkFromCdc: the Spark SQL that makes the trusted value parses, for every source', () => {
        for (const src of ['postgres', 'mysql'] as const) expect(spark.validate(`SELECT ${m.sparkFromCdc.avro[src].sql('e.after.c', sparkString)} AS c FROM decoded`), src).toEqual([]);
        expect(spark.validate(`SELECT ${m.sparkFromCdc.cassandraJson.sql('e.after.c.value', sparkString)} AS c FROM decoded`)).toEqual([]);
      });

      it('duckdb: DuckDB creates a column of the type contractgen test reads data into', async () => {
        const { DuckDBInstance } = await import('@duckdb/node-api');
        const db = await DuckDBInstance.create(':memory:');
        const con = await db.connect();
        await con.run(`CREATE TABLE t (c ${m.duckdb})`);
        const [row] = (await con.runAndReadAll(`SELECT data_type FROM information_schema.columns WHERE table_name = 't'`)).getRowObjectsJson() as Array<{ data_type: string }>;
        expect(row!.data_type.replace(/"/g, '')).toBe(m.duckdb.replace(/"/g, ''));
        con.closeSync();
        db.closeSync();
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

  it('never maps anything to an empty struct, and a JSON column is a JSON string end to end', () => {
    for (const t of SAMPLES) {
      const m = mapType(t);
      expect(m.spark.ddl, typeLabel(t)).not.toMatch(/struct<>/);
      expect(m.trino.hive, typeLabel(t)).not.toMatch(/row\(\)/);
      expect(m.duckdb, typeLabel(t)).not.toMatch(/STRUCT\(\)/);
    }
    const json = mapType({ kind: 'json' });
    expect([json.postgres, json.mysql, json.cql, json.spark.ddl, json.trino.hive, json.unityCatalog.typeText, json.duckdb]).toEqual(['jsonb', 'json', 'text', 'string', 'varchar', 'string', 'VARCHAR']);
    expect(json.avro.postgres).toMatchObject({ type: 'string', 'connect.name': 'io.debezium.data.Json' });
    expect(json.sparkFromCdc.avro.postgres.sql('x', sparkString)).toBe('x');
  });

  it('holds the nested types to the Debezium facts of test/facts/debezium/nested-types.json', () => {
    const facts = JSON.parse(readFileSync(new URL('./facts/debezium/nested-types.json', import.meta.url), 'utf8'));
    expect(facts.sources.length).toBeGreaterThan(0);
    for (const s of facts.sources) expect(s.repo, JSON.stringify(s)).toMatch(/^[\w-]+\/[\w.-]+$/);
    const nested = SAMPLES.filter((t) => t.kind === 'object' || t.kind === 'map' || (t.kind === 'array' && ['object', 'array', 'map'].includes(t.items.type.kind)));
    for (const t of nested) {
      // PostgreSQL: jsonb (composite types are not decoded), which Debezium sends as io.debezium.data.Json text
      expect(mapType(t).postgres, typeLabel(t)).toBe('jsonb');
      expect(mapType(t).avro.postgres, typeLabel(t)).toEqual({ type: facts.postgres.jsonb.avro, 'connect.version': facts.postgres.jsonb.version, 'connect.name': facts.postgres.jsonb.name });
      // MySQL: JSON, the same semantic type
      expect(mapType(t).avro.mysql, typeLabel(t)).toEqual({ type: facts.mysql.json.avro, 'connect.version': facts.mysql.json.version, 'connect.name': facts.mysql.json.name });
      // and the Spark job decodes that text with the trusted shape
      expect(mapType(t).sparkFromCdc.avro.postgres.sql('v', sparkString)).toMatch(/^from_json\(v, '/);
    }
    // a PostgreSQL array of scalars is a native array; Debezium: an ARRAY with optional elements
    const ints = mapType({ kind: 'array', items: el({ kind: 'int32' }, true) });
    expect(ints.postgres).toBe('integer[]');
    expect(facts.postgres.array.connect).toBe('ARRAY');
    expect(ints.avro.postgres).toEqual({ type: 'array', items: ['null', 'int'] });
    expect(ints.avro.mysql).toMatchObject({ 'connect.name': 'io.debezium.data.Json' });
    // an unsized numeric: VariableScaleDecimal, a struct of the scale and the unscaled bytes
    const vsd = mapType({ kind: 'decimal', precision: 38, scale: 18, variableScale: true });
    const f = facts.postgres.numeric_unsized;
    expect(vsd.postgres).toBe('numeric');
    expect(vsd.avro.postgres).toMatchObject({ type: 'record', 'connect.name': f.name, 'connect.version': f.version, 'connect.doc': f.doc, fields: [{ name: 'scale', type: 'int' }, { name: 'value', type: 'bytes' }] });
    expect(vsd.avro.mysql).toMatchObject({ 'connect.name': 'org.apache.kafka.connect.data.Decimal', precision: 38, scale: 18 });
    expect(vsd.spark.ddl).toBe('decimal(38,18)');
    // Cassandra: collections and UDTs frozen (a non-frozen collection's update carries only the changed cells),
    // rendered by JsonConverter as JSON arrays and objects
    expect(facts.cassandra.non_frozen_collections).toMatch(/only the cells/);
    expect(mapType(SAMPLES.find((t) => t.kind === 'map')!).cql).toBe('frozen<map<text,bigint>>');
    expect(mapType(SAMPLES.find((t) => t.kind === 'map')!).cassandraJson).toEqual({ type: 'object', additionalProperties: { type: ['integer', 'null'] } });
    expect(mapType(point).cql).toBe('frozen<rides_pickup>');
    expect(mapType(point).cassandraJson).toMatchObject({ type: 'object', properties: { lat: { type: ['number', 'null'] } } });
    expect(mapType({ kind: 'array', items: el({ kind: 'string' }) }).cassandraJson).toEqual({ type: 'array', items: { type: ['string', 'null'] } });
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
