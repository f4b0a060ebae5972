/**
 * THE type table: one row per logical type, one column per target system. Every row must fill every column
 * (the compiler enforces it), so adding a target means adding a column here and nowhere else.
 *
 * Sources of the facts: PostgreSQL/MySQL/CQL type docs; Debezium 3.6 value converters with the connector
 * settings contractgen emits (relational: decimal.handling.mode=precise, time.precision.mode=
 * adaptive_time_microseconds, no TINYINT(1)→BOOLEAN converter; Cassandra: decimal.handling.mode=string and
 * Kafka's JsonConverter); Confluent AvroData's rendering of Connect schemas; Parquet
 * LogicalTypes.md; Spark's DataType JSON and DDL names; Trino's Hive/Iceberg type limits; Unity Catalog's
 * ColumnTypeName enum and type_json rules. Lake columns (Parquet, Spark, Trino, Unity Catalog, GX) describe the
 * trusted layer, which Spark writes: Spark has no uuid, json or time type, so those are strings there.
 */
import { createHash } from 'node:crypto';
import type { LogicalType, SourceKind, TypeKind } from './ir.js';
import { isNested } from './nested.js';
import { quoteCql, quoteTrino, sparkIdent } from './names.js';

/** Avro as Confluent's AvroConverter renders Debezium's Connect schema for a column (without the null union). */
export type AvroType =
  | string
  | AvroType[]
  | {
      type: string;
      logicalType?: string;
      precision?: number;
      scale?: number;
      'connect.name'?: string;
      'connect.type'?: string;
      'connect.version'?: number;
      'connect.parameters'?: Record<string, string>;
      items?: AvroType;
      values?: AvroType;
      name?: string;
      'connect.doc'?: string;
      namespace?: string;
      fields?: Array<{ name: string; type: AvroType; default?: unknown }>;
    };

export interface ParquetType {
  physical: 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BINARY' | 'FIXED_LEN_BYTE_ARRAY' | 'GROUP';
  /** Parquet logical type annotation as written in the schema text notation, e.g. `DECIMAL(10,2)` */
  logical?: string;
  length?: number;
  /** for LIST / MAP / struct groups */
  children?: ParquetType[];
}

/** Spark DataType JSON (StructField.type): a string for atomic types, an object for complex ones. */
export type SparkJsonType = string | Record<string, unknown>;

/** A JSON Schema fragment. */
export type JsonSchema = Record<string, unknown>;

/** Relational sources, whose topics carry Avro (Confluent AvroConverter). */
export type AvroSource = Exclude<SourceKind, 'cassandra'>;

export interface TypeColumns {
  postgres: string;
  mysql: string;
  cql: string;
  avro: Record<AvroSource, AvroType>;
  /**
   * The column value in Debezium Cassandra events serialized by Kafka's JsonConverter (schemas.enable=false),
   * with decimal.handling.mode=string: the converter contractgen uses for Cassandra (see the debezium target).
   */
  cassandraJson: JsonSchema;
  parquet: ParquetType;
  spark: { ddl: string; python: string; json: SparkJsonType };
  trino: { hive: string; iceberg: string };
  unityCatalog: { typeName: string; typeText: string; precision?: number; scale?: number };
  /** GX expect_column_values_to_be_of_type `type_` for the Spark engine: a pyspark.sql.types class name */
  gx: string;
  /** the trusted (Parquet) column as DuckDB reads it; `contractgen test` reads JSON data into it */
  duckdb: string;
  /**
   * Spark SQL that turns the column as Debezium delivers it into the trusted type: from the Avro of each relational
   * source (as from_avro types it), and from the JSON of the Cassandra agent (as the job's StructType reads it).
   */
  sparkFromCdc: { avro: Record<AvroSource, CdcConversion>; cassandraJson: CdcConversion };
}

/**
 * One conversion of the sparkFromCdc column. `sql` builds it from `e`, the expression of the decoded value, and
 * `str`, the target's quoting of a Spark SQL string literal. Casts of source data are TRY_CAST: under ANSI mode
 * (Spark 4.0's default) a CAST raises on a bad value and kills the job, and without it CAST wraps integers
 * silently. `nullOnBadValue`: a present value that does not convert becomes NULL, and the job reports it as a
 * `type` violation; it is false where the source guarantees the value converts.
 */
export interface CdcConversion {
  sql: (e: string, str: (s: string) => string) => string;
  nullOnBadValue: boolean;
}

type Row<K extends TypeKind> = (t: Extract<LogicalType, { kind: K }>) => Omit<TypeColumns, 'sparkFromCdc'>;

const debezium = (name: string, type: string, extra: Record<string, unknown> = {}): AvroType => ({ type, 'connect.version': 1, 'connect.name': name, ...extra });
const same = (a: AvroType): Record<AvroSource, AvroType> => ({ postgres: a, mysql: a });
const nullable = (j: JsonSchema): JsonSchema => ({ ...j, type: [j.type as string, 'null'] });
const lakeString: Pick<TypeColumns, 'parquet' | 'spark' | 'trino' | 'unityCatalog' | 'gx'> = {
  parquet: { physical: 'BINARY', logical: 'STRING' },
  spark: { ddl: 'string', python: 'StringType()', json: 'string' },
  trino: { hive: 'varchar', iceberg: 'varchar' },
  unityCatalog: { typeName: 'STRING', typeText: 'string' },
  gx: 'StringType',
};

/** Smallest FIXED_LEN_BYTE_ARRAY that holds a two's-complement unscaled decimal of `precision` digits. */
export function decimalBytes(precision: number): number {
  let n = 1;
  while (Math.floor(Math.log10(Math.pow(2, 8 * n - 1) - 1)) < precision) n++;
  return n;
}

const TABLE: { [K in TypeKind]: Row<K> } = {
  string: (t) => ({
    postgres: t.maxLength ? `varchar(${t.maxLength})` : 'text',
    mysql: t.maxLength ? `varchar(${t.maxLength})` : 'text',
    cql: 'text',
    avro: same('string'),
    cassandraJson: { type: 'string' },
    ...lakeString,
    duckdb: 'VARCHAR',
  }),
  uuid: () => ({
    postgres: 'uuid',
    mysql: 'char(36)',
    cql: 'uuid',
    avro: { postgres: debezium('io.debezium.data.Uuid', 'string'), mysql: 'string' },
    cassandraJson: { type: 'string', format: 'uuid' },
    ...lakeString,
    duckdb: 'VARCHAR',
  }),
  int16: () => ({
    postgres: 'smallint',
    mysql: 'smallint',
    cql: 'smallint',
    avro: same({ type: 'int', 'connect.type': 'int16' }),
    cassandraJson: { type: 'integer', minimum: -32768, maximum: 32767 },
    parquet: { physical: 'INT32', logical: 'INTEGER(16,true)' },
    spark: { ddl: 'smallint', python: 'ShortType()', json: 'short' },
    trino: { hive: 'smallint', iceberg: 'integer' },
    unityCatalog: { typeName: 'SHORT', typeText: 'smallint' },
    gx: 'ShortType',
    duckdb: 'SMALLINT',
  }),
  int32: () => ({
    postgres: 'integer',
    mysql: 'int',
    cql: 'int',
    avro: same('int'),
    cassandraJson: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
    parquet: { physical: 'INT32' },
    spark: { ddl: 'int', python: 'IntegerType()', json: 'integer' },
    trino: { hive: 'integer', iceberg: 'integer' },
    unityCatalog: { typeName: 'INT', typeText: 'int' },
    gx: 'IntegerType',
    duckdb: 'INTEGER',
  }),
  int64: () => ({
    postgres: 'bigint',
    mysql: 'bigint',
    cql: 'bigint',
    avro: same('long'),
    cassandraJson: { type: 'integer' },
    parquet: { physical: 'INT64' },
    spark: { ddl: 'bigint', python: 'LongType()', json: 'long' },
    trino: { hive: 'bigint', iceberg: 'bigint' },
    unityCatalog: { typeName: 'LONG', typeText: 'bigint' },
    gx: 'LongType',
    duckdb: 'BIGINT',
  }),
  float32: () => ({
    postgres: 'real',
    mysql: 'float',
    cql: 'float',
    avro: same('float'),
    cassandraJson: { type: 'number' },
    parquet: { physical: 'FLOAT' },
    spark: { ddl: 'float', python: 'FloatType()', json: 'float' },
    trino: { hive: 'real', iceberg: 'real' },
    unityCatalog: { typeName: 'FLOAT', typeText: 'float' },
    gx: 'FloatType',
    duckdb: 'FLOAT',
  }),
  float64: () => ({
    postgres: 'double precision',
    mysql: 'double',
    cql: 'double',
    avro: same('double'),
    cassandraJson: { type: 'number' },
    parquet: { physical: 'DOUBLE' },
    spark: { ddl: 'double', python: 'DoubleType()', json: 'double' },
    trino: { hive: 'double', iceberg: 'double' },
    unityCatalog: { typeName: 'DOUBLE', typeText: 'double' },
    gx: 'DoubleType',
    duckdb: 'DOUBLE',
  }),
  decimal: ({ precision: p, scale: s, variableScale }) => {
    const connectDecimal = debezium('org.apache.kafka.connect.data.Decimal', 'bytes', {
      logicalType: 'decimal',
      precision: p,
      scale: s,
      'connect.parameters': { scale: String(s), 'connect.decimal.precision': String(p) },
    });
    const physical: ParquetType = p <= 9 ? { physical: 'INT32' } : p <= 18 ? { physical: 'INT64' } : { physical: 'FIXED_LEN_BYTE_ARRAY', length: decimalBytes(p) };
    return {
      // an unsized numeric stays unsized at the source (MySQL has none: DECIMAL alone is DECIMAL(10,0))
      postgres: variableScale ? 'numeric' : `numeric(${p},${s})`,
      mysql: `decimal(${p},${s})`,
      // Cassandra's `decimal` has no declared precision: the contract's precision is enforced downstream.
      cql: 'decimal',
      // PostgreSQL numeric without (p,s), decimal.handling.mode=precise: Debezium's VariableScaleDecimal struct
      avro: { postgres: variableScale ? VARIABLE_SCALE_DECIMAL : connectDecimal, mysql: connectDecimal },
      // decimal.handling.mode=string: the exact decimal as text (double would lose cents, precise is opaque bytes)
      cassandraJson: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$' },
      parquet: { ...physical, logical: `DECIMAL(${p},${s})` },
      spark: { ddl: `decimal(${p},${s})`, python: `DecimalType(${p}, ${s})`, json: `decimal(${p},${s})` },
      trino: { hive: `decimal(${p},${s})`, iceberg: `decimal(${p},${s})` },
      unityCatalog: { typeName: 'DECIMAL', typeText: `decimal(${p},${s})`, precision: p, scale: s },
      gx: 'DecimalType',
      duckdb: `DECIMAL(${p},${s})`,
    };
  },
  boolean: () => ({
    postgres: 'boolean',
    mysql: 'boolean',
    cql: 'boolean',
    // MySQL BOOLEAN is TINYINT(1), which Debezium emits as INT16 unless a converter is configured.
    avro: { postgres: 'boolean', mysql: { type: 'int', 'connect.type': 'int16' } },
    cassandraJson: { type: 'boolean' },
    parquet: { physical: 'BOOLEAN' },
    spark: { ddl: 'boolean', python: 'BooleanType()', json: 'boolean' },
    trino: { hive: 'boolean', iceberg: 'boolean' },
    unityCatalog: { typeName: 'BOOLEAN', typeText: 'boolean' },
    gx: 'BooleanType',
    duckdb: 'BOOLEAN',
  }),
  date: () => ({
    postgres: 'date',
    mysql: 'date',
    cql: 'date',
    avro: same(debezium('io.debezium.time.Date', 'int')),
    // io.debezium.time.Date: days since the epoch
    cassandraJson: { type: 'integer' },
    parquet: { physical: 'INT32', logical: 'DATE' },
    spark: { ddl: 'date', python: 'DateType()', json: 'date' },
    trino: { hive: 'date', iceberg: 'date' },
    unityCatalog: { typeName: 'DATE', typeText: 'date' },
    gx: 'DateType',
    duckdb: 'DATE',
  }),
  time: () => ({
    postgres: 'time',
    mysql: 'time(6)',
    cql: 'time',
    avro: same(debezium('io.debezium.time.MicroTime', 'long')),
    // Cassandra `time`: nanoseconds since midnight, a plain INT64
    cassandraJson: { type: 'integer', minimum: 0 },
    ...lakeString,
    duckdb: 'VARCHAR',
  }),
  timestamp: () => ({
    postgres: 'timestamptz',
    mysql: 'timestamp(6)',
    cql: 'timestamp',
    avro: same(debezium('io.debezium.time.ZonedTimestamp', 'string')),
    // io.debezium.time.Timestamp: milliseconds since the epoch
    cassandraJson: { type: 'integer' },
    parquet: { physical: 'INT64', logical: 'TIMESTAMP(MICROS,true)' },
    spark: { ddl: 'timestamp', python: 'TimestampType()', json: 'timestamp' },
    // Trino's Hive connector cannot create `timestamp with time zone` columns; instants are stored UTC.
    trino: { hive: 'timestamp', iceberg: 'timestamp(6) with time zone' },
    unityCatalog: { typeName: 'TIMESTAMP', typeText: 'timestamp' },
    gx: 'TimestampType',
    duckdb: 'TIMESTAMP WITH TIME ZONE',
  }),
  timestamp_ntz: () => ({
    postgres: 'timestamp',
    mysql: 'datetime(6)',
    cql: 'timestamp',
    avro: same(debezium('io.debezium.time.MicroTimestamp', 'long')),
    cassandraJson: { type: 'integer' },
    parquet: { physical: 'INT64', logical: 'TIMESTAMP(MICROS,false)' },
    spark: { ddl: 'timestamp_ntz', python: 'TimestampNTZType()', json: 'timestamp_ntz' },
    trino: { hive: 'timestamp', iceberg: 'timestamp(6)' },
    unityCatalog: { typeName: 'TIMESTAMP_NTZ', typeText: 'timestamp_ntz' },
    gx: 'TimestampNTZType',
    duckdb: 'TIMESTAMP',
  }),
  bytes: () => ({
    postgres: 'bytea',
    mysql: 'longblob',
    cql: 'blob',
    avro: same('bytes'),
    // JsonConverter writes bytes as base64
    cassandraJson: { type: 'string', contentEncoding: 'base64' },
    parquet: { physical: 'BINARY' },
    spark: { ddl: 'binary', python: 'BinaryType()', json: 'binary' },
    trino: { hive: 'varbinary', iceberg: 'varbinary' },
    unityCatalog: { typeName: 'BINARY', typeText: 'binary' },
    gx: 'BinaryType',
    duckdb: 'BLOB',
  }),
  json: () => ({
    postgres: 'jsonb',
    mysql: 'json',
    cql: 'text',
    avro: same(debezium('io.debezium.data.Json', 'string')),
    cassandraJson: { type: 'string' },
    ...lakeString,
    duckdb: 'VARCHAR',
  }),
  array: (t) => {
    const e = mapType(t.items.type);
    const nested = isNested(t.items.type);
    const containsNull = !t.items.required;
    return {
      // a native array of scalars; an array of objects, maps, arrays or JSON is a JSON array (PostgreSQL arrays are
      // rectangular and Debezium does not decode composite types)
      postgres: nested ? 'jsonb' : `${e.postgres}[]`,
      mysql: 'json',
      // frozen: Debezium's Cassandra agent sends a non-frozen collection's changed cells only, the lake needs the value
      cql: `frozen<list<${e.cql}>>`,
      // Debezium array elements are optional
      avro: { postgres: nested ? JSON_TEXT : { type: 'array', items: ['null', e.avro.postgres] }, mysql: JSON_TEXT },
      cassandraJson: { type: 'array', items: nullable(e.cassandraJson) },
      parquet: { physical: 'GROUP', logical: 'LIST', children: [e.parquet] },
      spark: {
        ddl: `array<${e.spark.ddl}>`,
        python: `ArrayType(${e.spark.python}, ${containsNull ? 'True' : 'False'})`,
        json: { type: 'array', elementType: e.spark.json, containsNull },
      },
      trino: { hive: `array(${e.trino.hive})`, iceberg: `array(${e.trino.iceberg})` },
      unityCatalog: { typeName: 'ARRAY', typeText: `array<${e.unityCatalog.typeText}>` },
      gx: 'ArrayType',
      duckdb: `${e.duckdb}[]`,
    };
  },
  map: (t) => {
    const k = mapType(t.key.type);
    const v = mapType(t.value.type);
    const valueContainsNull = !t.value.required;
    return {
      postgres: 'jsonb',
      mysql: 'json',
      cql: `frozen<map<${k.cql},${v.cql}>>`,
      avro: same(JSON_TEXT),
      // JsonConverter writes a map with string keys as a JSON object
      cassandraJson: { type: 'object', additionalProperties: nullable(v.cassandraJson) },
      // the MAP logical type: <map> (MAP) { repeated group key_value { required <key>; optional <value> } }
      parquet: { physical: 'GROUP', logical: 'MAP', children: [k.parquet, v.parquet] },
      spark: {
        ddl: `map<${k.spark.ddl},${v.spark.ddl}>`,
        python: `MapType(${k.spark.python}, ${v.spark.python}, ${valueContainsNull ? 'True' : 'False'})`,
        json: { type: 'map', keyType: k.spark.json, valueType: v.spark.json, valueContainsNull },
      },
      trino: { hive: `map(${k.trino.hive}, ${v.trino.hive})`, iceberg: `map(${k.trino.iceberg}, ${v.trino.iceberg})` },
      unityCatalog: { typeName: 'MAP', typeText: `map<${k.unityCatalog.typeText},${v.unityCatalog.typeText}>` },
      gx: 'MapType',
      duckdb: `MAP(${k.duckdb}, ${v.duckdb})`,
    };
  },
  object: (t) => {
    const fs = t.fields.map((f) => ({ f, n: f.physicalName, m: mapType(f.type) }));
    return {
      // jsonb, not a composite type: Debezium's PostgreSQL connector does not decode composite types
      postgres: 'jsonb',
      mysql: 'json',
      cql: `frozen<${quoteCql(cqlUdtName(t))}>`,
      avro: same(JSON_TEXT),
      // JsonConverter writes a UDT as a JSON object, every field present
      cassandraJson: { type: 'object', properties: Object.fromEntries(fs.map(({ n, m }) => [n, nullable(m.cassandraJson)])), additionalProperties: false },
      parquet: { physical: 'GROUP', children: fs.map(({ m }) => m.parquet) },
      spark: {
        ddl: `struct<${fs.map(({ n, m }) => `${sparkIdent(n)}:${m.spark.ddl}`).join(',')}>`,
        python: `StructType([${fs.map(({ f, n, m }) => `StructField(${JSON.stringify(n)}, ${m.spark.python}, ${f.required ? 'False' : 'True'})`).join(', ')}])`,
        json: { type: 'struct', fields: fs.map(({ f, n, m }) => ({ name: n, type: m.spark.json, nullable: !f.required, metadata: {} })) },
      },
      trino: {
        hive: `row(${fs.map(({ n, m }) => `${quoteTrino(n)} ${m.trino.hive}`).join(', ')})`,
        iceberg: `row(${fs.map(({ n, m }) => `${quoteTrino(n)} ${m.trino.iceberg}`).join(', ')})`,
      },
      unityCatalog: { typeName: 'STRUCT', typeText: `struct<${fs.map(({ n, m }) => `${sparkIdent(n)}:${m.unityCatalog.typeText}`).join(',')}>` },
      gx: 'StructType',
      duckdb: `STRUCT(${fs.map(({ n, m }) => `"${n.replace(/"/g, '""')}" ${m.duckdb}`).join(', ')})`,
    };
  },
};

const conv = (sql: CdcConversion['sql'], nullOnBadValue = false): CdcConversion => ({ sql, nullOnBadValue });
const asIs = conv((e) => e);
const bothAvro = (c: CdcConversion): Record<AvroSource, CdcConversion> => ({ postgres: c, mysql: c });
const tryCast = (ddl: string, nullOnBadValue: boolean) => conv((e) => `TRY_CAST(${e} AS ${ddl})`, nullOnBadValue);
// Spark's date_add takes INT, SMALLINT or TINYINT days only (DateAdd is ExpectsInputTypes: no implicit cast)
const epochDays = (days: (e: string) => string) => conv((e) => `date_add(DATE '1970-01-01', ${days(e)})`);
// JSON text (Debezium's io.debezium.data.Json: PostgreSQL jsonb, MySQL JSON) parsed into the lake type; bad JSON gives NULL
const fromJson = (ddl: string) => conv((e, str) => `from_json(${e}, ${str(ddl)})`, true);

/** io.debezium.data.Json: JSON text, how Debezium sends PostgreSQL jsonb and MySQL JSON. */
const JSON_TEXT = debezium('io.debezium.data.Json', 'string');

/** PostgreSQL numeric without (p,s) with decimal.handling.mode=precise: a struct of the scale and the unscaled bytes. */
const VARIABLE_SCALE_DECIMAL: AvroType = {
  type: 'record',
  name: 'VariableScaleDecimal',
  namespace: 'io.debezium.data',
  fields: [
    { name: 'scale', type: 'int' },
    { name: 'value', type: 'bytes' },
  ],
  'connect.doc': 'Variable scaled decimal',
  'connect.version': 1,
  'connect.name': 'io.debezium.data.VariableScaleDecimal',
};

/**
 * The CQL user-defined type of an object: named after where it is declared (`rides.pickup` → `rides_pickup`),
 * lower case, at most 48 characters (a stable hash keeps long names apart).
 */
export function cqlUdtName(t: Extract<LogicalType, { kind: 'object' }>): string {
  const base = (t.name || 'object').toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^([^a-z])/, 't_$1');
  if (base.length <= 48) return base;
  return `${base.slice(0, 39)}_${createHash('sha256').update(base).digest('hex').slice(0, 8)}`;
}

/**
 * An unsized numeric from Debezium's VariableScaleDecimal struct (`scale`, `value`: the unscaled value's two's-
 * complement big-endian bytes) as decimal(p,s), in Spark SQL alone and without arithmetic (which raises on overflow
 * under ANSI): the bytes as hex, sign-extended to 8 bytes, read as a signed 64-bit number (conv to base -10), then
 * scaled by the struct's scale through the text `<unscaled>E-<scale>`. An unscaled value of more than 8 bytes, or a
 * value that does not fit decimal(p,s), is NULL: a type violation.
 */
function variableScaleDecimal(e: string, p: number, s: number): string {
  const h = `hex((${e}).value)`;
  const signExtended = `lpad(${h}, 16, CASE WHEN substring(${h}, 1, 1) >= '8' THEN 'F' ELSE '0' END)`;
  return `CASE WHEN length(${h}) > 16 THEN NULL ELSE TRY_CAST(concat(conv(${signExtended}, 16, -10), 'E-', CAST((${e}).scale AS STRING)) AS DECIMAL(${p},${s})) END`;
}

/** A lambda variable per nesting level, so nested transforms never shadow each other. */
const lambdaVar = (depth: number) => `_x${depth}`;

/** Whether a conversion changes anything (a probe expression comes back as it went in). */
const converts = (c: (e: string) => string) => c('__probe__') !== '__probe__';

/**
 * A nested value as the Cassandra agent's JSON decodes it (the job's StructType: arrays, JSON objects for maps and
 * UDTs), converted element by element to the trusted type: transform for arrays, named_struct for UDTs,
 * map_from_entries for map values. Untouched where nothing inside needs converting. An element that does not convert
 * becomes NULL (the nested checks report a required one).
 */
function cassandraNested(t: LogicalType, e: string, str: (s: string) => string, depth: number): string {
  if (t.kind === 'array') {
    const x = lambdaVar(depth);
    const inner = (v: string) => cassandraNested(t.items.type, v, str, depth + 1);
    return converts(inner) ? `transform(${e}, ${x} -> ${inner(x)})` : e;
  }
  if (t.kind === 'map') {
    const k = lambdaVar(depth);
    const inner = (v: string) => cassandraNested(t.value.type, v, str, depth + 1);
    return converts(inner) ? `map_from_entries(transform(map_keys(${e}), ${k} -> named_struct('key', ${k}, 'value', ${inner(`element_at(${e}, ${k})`)})))` : e;
  }
  if (t.kind === 'object') {
    const parts = t.fields.map((f) => ({ f, c: (v: string) => cassandraNested(f.type, v, str, depth + 1) }));
    if (!parts.some((p) => converts(p.c))) return e;
    return `CASE WHEN ${e} IS NULL THEN NULL ELSE named_struct(${parts.map(({ f, c }) => `${str(f.physicalName)}, ${c(`${e}.${sparkIdent(f.physicalName)}`)}`).join(', ')}) END`;
  }
  return mapType(t).sparkFromCdc.cassandraJson.sql(e, str);
}

/** A PostgreSQL native array of scalars from Avro (an array of the element's Avro): its elements converted one by one. */
function avroArray(t: Extract<LogicalType, { kind: 'array' }>, e: string, str: (s: string) => string): string {
  const x = lambdaVar(0);
  const inner = (v: string) => mapType(t.items.type).sparkFromCdc.avro.postgres.sql(v, str);
  return converts(inner) ? `transform(${e}, ${x} -> ${inner(x)})` : e;
}

/**
 * The sparkFromCdc column, per row: Debezium's representation (type table, avro and cassandraJson columns) → Spark.
 * The types on the left are what from_avro and the job's StructType give (test/facts/spark/from-avro.json); the
 * Spark type checker (test/spark-types.test.ts) checks every conversion against Spark's function signatures.
 */
const FROM_CDC: { [K in TypeKind]: (t: Extract<LogicalType, { kind: K }>, cols: Omit<TypeColumns, 'sparkFromCdc'>) => TypeColumns['sparkFromCdc'] } = {
  string: () => ({ avro: bothAvro(asIs), cassandraJson: asIs }),
  uuid: () => ({ avro: bothAvro(asIs), cassandraJson: asIs }),
  // Avro int (connect.type int16) / JSON integer (BIGINT): in range by construction
  int16: () => ({ avro: bothAvro(tryCast('SMALLINT', false)), cassandraJson: tryCast('SMALLINT', false) }),
  int32: () => ({ avro: bothAvro(asIs), cassandraJson: tryCast('INT', false) }),
  int64: () => ({ avro: bothAvro(asIs), cassandraJson: asIs }),
  // a JSON number is read as DOUBLE; Cassandra's float fits FLOAT exactly
  float32: () => ({ avro: bothAvro(asIs), cassandraJson: conv((e) => `CAST(${e} AS FLOAT)`) }),
  float64: () => ({ avro: bothAvro(asIs), cassandraJson: asIs }),
  // Avro decimal → DecimalType already, except an unsized PostgreSQL numeric: a VariableScaleDecimal struct, whose
  // value may not fit the lake's decimal (lake.unsizedDecimal). The Cassandra agent sends the exact decimal as a
  // string, and Cassandra's decimal has no precision: a value that does not fit the contract's is a type violation
  decimal: (t) => ({
    avro: { postgres: t.variableScale ? conv((e) => variableScaleDecimal(e, t.precision, t.scale), true) : asIs, mysql: asIs },
    cassandraJson: tryCast(`DECIMAL(${t.precision},${t.scale})`, true),
  }),
  // MySQL's BOOLEAN is TINYINT(1), an INT16 in Debezium's Avro
  boolean: () => ({ avro: { postgres: asIs, mysql: conv((e) => `CAST(${e} AS BOOLEAN)`) }, cassandraJson: asIs }),
  // io.debezium.time.Date: days since the epoch, an Avro int; the Cassandra agent's JSON integer is read as BIGINT
  date: () => ({ avro: bothAvro(epochDays((e) => e)), cassandraJson: epochDays((e) => `TRY_CAST(${e} AS INT)`) }),
  // io.debezium.time.MicroTime (µs) / Cassandra time (ns): kept as text HH:MM:SS.ffffff, Spark has no time type
  time: () => ({
    avro: bothAvro(conv((e) => `date_format(timestamp_micros(${e}), 'HH:mm:ss.SSSSSS')`)),
    cassandraJson: conv((e) => `date_format(timestamp_micros(TRY_CAST(${e} / 1000 AS BIGINT)), 'HH:mm:ss.SSSSSS')`),
  }),
  // io.debezium.time.ZonedTimestamp: ISO-8601 text; Cassandra io.debezium.time.Timestamp: epoch milliseconds
  timestamp: () => ({ avro: bothAvro(tryCast('TIMESTAMP', true)), cassandraJson: conv((e) => `timestamp_millis(${e})`) }),
  timestamp_ntz: () => ({ avro: bothAvro(conv((e) => `CAST(timestamp_micros(${e}) AS TIMESTAMP_NTZ)`)), cassandraJson: conv((e) => `CAST(timestamp_millis(${e}) AS TIMESTAMP_NTZ)`) }),
  bytes: () => ({ avro: bothAvro(asIs), cassandraJson: conv((e) => `unbase64(${e})`) }),
  // shapeless JSON stays JSON text end to end
  json: () => ({ avro: bothAvro(asIs), cassandraJson: asIs }),
  // a PostgreSQL array of scalars is an Avro array of the element's Debezium type; anything else nested is JSON text
  // (jsonb, MySQL JSON); the Cassandra agent's collections and UDTs are JSON values the job's StructType reads
  array: (t, cols) => ({
    avro: { postgres: isNested(t.items.type) ? fromJson(cols.spark.ddl) : conv((e, str) => avroArray(t, e, str)), mysql: fromJson(cols.spark.ddl) },
    cassandraJson: conv((e, str) => cassandraNested(t, e, str, 0)),
  }),
  map: (t, cols) => ({ avro: bothAvro(fromJson(cols.spark.ddl)), cassandraJson: conv((e, str) => cassandraNested(t, e, str, 0)) }),
  object: (t, cols) => ({ avro: bothAvro(fromJson(cols.spark.ddl)), cassandraJson: conv((e, str) => cassandraNested(t, e, str, 0)) }),
};

/**
 * The row of one type. Model types are immutable and every target asks for the same ones many times, so rows are
 * remembered per type object; they are frozen, so a target that tried to edit a shared row would fail loudly.
 */
const rows = new WeakMap<LogicalType, TypeColumns>();
/** Scalar types are equal when their parameters are: one row serves every field of that type. */
const scalarRows = new Map<string, TypeColumns>();
export function mapType(t: LogicalType): TypeColumns {
  const scalar = t.kind === 'object' || t.kind === 'array' || t.kind === 'map' ? undefined : `${t.kind}|${t.kind === 'string' ? (t.maxLength ?? '') : t.kind === 'decimal' ? `${t.precision},${t.scale},${t.variableScale ? 'v' : ''}` : ''}`;
  let row = scalar === undefined ? rows.get(t) : scalarRows.get(scalar);
  if (!row) {
    const cols = (TABLE[t.kind] as (t: LogicalType) => Omit<TypeColumns, 'sparkFromCdc'>)(t);
    row = deepFreeze({ ...cols, sparkFromCdc: (FROM_CDC[t.kind] as (t: LogicalType, cols: Omit<TypeColumns, 'sparkFromCdc'>) => TypeColumns['sparkFromCdc'])(t, cols) });
    if (scalar === undefined) rows.set(t, row);
    else scalarRows.set(scalar, row);
  }
  return row;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Every row key, for tests and docs that walk the whole table. */
export const TYPE_KINDS = Object.keys(TABLE) as TypeKind[];

/** Canonical text of a logical type, for messages and docs: `decimal(10,2)`, `array<string>` … */
export function typeLabel(t: LogicalType): string {
  switch (t.kind) {
    case 'decimal':
      return t.variableScale ? 'numeric' : `decimal(${t.precision},${t.scale})`;
    case 'string':
      return t.maxLength ? `string(${t.maxLength})` : 'string';
    case 'array':
      return `array<${typeLabel(t.items.type)}>`;
    case 'map':
      return `map<${typeLabel(t.key.type)},${typeLabel(t.value.type)}>`;
    case 'object':
      return `object{${t.fields.map((f) => f.name).join(',')}}`;
    default:
      return t.kind;
  }
}
