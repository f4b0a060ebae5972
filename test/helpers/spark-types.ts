/**
 * Spark data types for the Spark SQL type checker (test/helpers/spark-sql-check.ts): the type value, Spark's DDL
 * spelling of it (parsed and printed), the pyspark.sql.types constructors the generated jobs declare schemas with,
 * and the Avro → Spark mapping of from_avro, read from test/facts/spark/from-avro.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './reference.js';

export type Atomic = 'boolean' | 'tinyint' | 'smallint' | 'int' | 'bigint' | 'float' | 'double' | 'string' | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz' | 'void';
export interface StructField {
  name: string;
  type: SparkType;
  nullable: boolean;
}
export type SparkType =
  | { kind: Atomic }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'array'; element: SparkType; containsNull: boolean }
  | { kind: 'map'; key: SparkType; value: SparkType; valueContainsNull: boolean }
  | { kind: 'struct'; fields: StructField[] };

export const ATOMIC: readonly Atomic[] = ['boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'string', 'binary', 'date', 'timestamp', 'timestamp_ntz', 'void'];
export const INTEGRAL = ['tinyint', 'smallint', 'int', 'bigint'] as const;
export const t = (kind: Atomic): SparkType => ({ kind });
export const decimal = (precision: number, scale: number): SparkType => ({ kind: 'decimal', precision, scale });
export const struct = (fields: StructField[]): SparkType => ({ kind: 'struct', fields });

export const isIntegral = (x: SparkType) => (INTEGRAL as readonly string[]).includes(x.kind);
export const isNumeric = (x: SparkType) => isIntegral(x) || x.kind === 'float' || x.kind === 'double' || x.kind === 'decimal';
export const isFractional = (x: SparkType) => x.kind === 'float' || x.kind === 'double' || x.kind === 'decimal';
export const isDatetime = (x: SparkType) => x.kind === 'date' || x.kind === 'timestamp' || x.kind === 'timestamp_ntz';
export const isAtomic = (x: SparkType) => x.kind !== 'array' && x.kind !== 'map' && x.kind !== 'struct' && x.kind !== 'void';

/**
 * Spark's DataType.simpleString / catalogString spelling: `decimal(10,2)`, `array<string>`, `struct<a:int>`; with
 * `upper`, the type names upper-cased as Spark's error messages print them (field names kept).
 */
export function show(x: SparkType, upper = false): string {
  const u = (s: string) => (upper ? s.toUpperCase() : s);
  switch (x.kind) {
    case 'decimal':
      return u(`decimal(${x.precision},${x.scale})`);
    case 'array':
      return `${u('array')}<${show(x.element, upper)}>`;
    case 'map':
      return `${u('map')}<${show(x.key, upper)},${show(x.value, upper)}>`;
    case 'struct':
      return `${u('struct')}<${x.fields.map((f) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name) ? f.name : `\`${f.name.replace(/`/g, '``')}\``}:${show(f.type, upper)}`).join(',')}>`;
    default:
      return u(x.kind);
  }
}

/** DataType.sameType: equal ignoring nullability (and, for structs, the case of field names is significant). */
export function sameType(a: SparkType, b: SparkType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'decimal' && b.kind === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  if (a.kind === 'array' && b.kind === 'array') return sameType(a.element, b.element);
  if (a.kind === 'map' && b.kind === 'map') return sameType(a.key, b.key) && sameType(a.value, b.value);
  if (a.kind === 'struct' && b.kind === 'struct') return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && sameType(f.type, b.fields[i]!.type));
  return true;
}

export function asNullable(x: SparkType): SparkType {
  if (x.kind === 'array') return { kind: 'array', element: asNullable(x.element), containsNull: true };
  if (x.kind === 'map') return { kind: 'map', key: asNullable(x.key), value: asNullable(x.value), valueContainsNull: true };
  if (x.kind === 'struct') return { kind: 'struct', fields: x.fields.map((f) => ({ name: f.name, type: asNullable(f.type), nullable: true })) };
  return x;
}

// ---------------------------------------------------------------------------------------------- DDL

const ALIASES: Record<string, Atomic> = {
  boolean: 'boolean',
  tinyint: 'tinyint',
  byte: 'tinyint',
  smallint: 'smallint',
  short: 'smallint',
  int: 'int',
  integer: 'int',
  bigint: 'bigint',
  long: 'bigint',
  float: 'float',
  real: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ltz: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
  void: 'void',
};

/** A data type in Spark's DDL syntax (CatalystSqlParser.parseDataType's grammar, the parts the jobs use). */
export function parseDdl(text: string): SparkType {
  const toks = text.match(/`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:]|\S/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const next = () => {
    const x = toks[i++];
    if (x === undefined) throw new Error(`unexpected end of data type ${JSON.stringify(text)}`);
    return x;
  };
  const expect = (s: string) => {
    const x = next();
    if (x !== s) throw new Error(`expected ${s} at ${JSON.stringify(x)} in data type ${JSON.stringify(text)}`);
  };
  const ident = () => {
    const x = next();
    return x.startsWith('`') ? x.slice(1, -1).replace(/``/g, '`') : x;
  };
  const type = (): SparkType => {
    const word = next().toLowerCase();
    if (word === 'array') {
      expect('<');
      const element = type();
      expect('>');
      return { kind: 'array', element, containsNull: true };
    }
    if (word === 'map') {
      expect('<');
      const key = type();
      expect(',');
      const value = type();
      expect('>');
      return { kind: 'map', key, value, valueContainsNull: true };
    }
    if (word === 'struct') {
      expect('<');
      const fields: StructField[] = [];
      while (peek() !== '>') {
        const name = ident();
        if (peek() === ':') next();
        fields.push({ name, type: type(), nullable: true });
        if (peek() === ',') next();
        else break;
      }
      expect('>');
      return { kind: 'struct', fields };
    }
    if (word === 'decimal' || word === 'dec' || word === 'numeric') {
      if (peek() !== '(') return decimal(10, 0);
      next();
      const p = Number(next());
      let s = 0;
      if (peek() === ',') {
        next();
        s = Number(next());
      }
      expect(')');
      if (!(p >= 1 && p <= 38 && s >= 0 && s <= p)) throw new Error(`DECIMAL(${p},${s}) is not a valid decimal type (precision 1 to 38, scale 0 to precision)`);
      return decimal(p, s);
    }
    if (word === 'char' || word === 'varchar') throw new Error(`${word.toUpperCase()} is refused here (CharVarcharUtils.failIfHasCharVarchar)`);
    const a = ALIASES[word];
    if (!a) throw new Error(`unknown data type ${JSON.stringify(word)} in ${JSON.stringify(text)}`);
    return t(a);
  };
  const result = type();
  if (i !== toks.length) throw new Error(`unexpected ${JSON.stringify(toks[i])} after the data type in ${JSON.stringify(text)}`);
  return result;
}

/** DataType.fromDDL: a data type, or else a table schema `a INT, b STRING` (a struct). */
export function fromDdl(text: string): SparkType {
  try {
    return parseDdl(text);
  } catch (first) {
    try {
      return parseDdl(`struct<${text.replace(/^\s+|\s+$/g, '')}>`);
    } catch {
      throw first;
    }
  }
}

// ---------------------------------------------------------------------------------------------- pyspark

/** The generic Python AST JSON that test/helpers/spark-inspect.py prints. */
export type PyNode =
  | { const: string | number | boolean | null; line: number }
  | { name: string; line: number }
  | { attr: string; of: PyNode; line: number }
  | { call: PyNode; args: PyNode[]; kwargs: Record<string, PyNode>; line: number }
  | { list: PyNode[]; line: number }
  | { dict: Array<[PyNode, PyNode]>; line: number }
  | { starred: PyNode; line: number }
  | { compare: string; left: PyNode; right: PyNode; line: number }
  | { listcomp: PyNode; targets: string[]; iter: PyNode; line: number }
  | { subscript: PyNode; index: PyNode; line: number }
  | { other: string; line: number };

const PY_ATOMIC: Record<string, Atomic> = {
  BooleanType: 'boolean',
  ByteType: 'tinyint',
  ShortType: 'smallint',
  IntegerType: 'int',
  LongType: 'bigint',
  FloatType: 'float',
  DoubleType: 'double',
  StringType: 'string',
  BinaryType: 'binary',
  DateType: 'date',
  TimestampType: 'timestamp',
  TimestampNTZType: 'timestamp_ntz',
  NullType: 'void',
};

const pyBool = (n: PyNode | undefined, dflt: boolean): boolean => {
  if (n === undefined) return dflt;
  if ('const' in n && typeof n.const === 'boolean') return n.const;
  throw new Error(`line ${n.line}: expected True or False`);
};

/** A pyspark.sql.types constructor call (StructType([...]), DecimalType(10, 2), ...) as a Spark type. */
export function fromPyspark(n: PyNode): SparkType {
  if (!('call' in n) || !('name' in n.call)) throw new Error(`line ${n.line}: not a pyspark.sql.types constructor`);
  const ctor = n.call.name;
  const args = n.args;
  const kw = n.kwargs;
  if (PY_ATOMIC[ctor]) return t(PY_ATOMIC[ctor]!);
  if (ctor === 'DecimalType') {
    const num = (x: PyNode | undefined, d: number) => (x === undefined ? d : 'const' in x && typeof x.const === 'number' ? x.const : NaN);
    return decimal(num(args[0] ?? kw.precision, 10), num(args[1] ?? kw.scale, 0));
  }
  if (ctor === 'ArrayType') return { kind: 'array', element: fromPyspark(args[0]!), containsNull: pyBool(args[1] ?? kw.containsNull, true) };
  if (ctor === 'MapType') return { kind: 'map', key: fromPyspark(args[0]!), value: fromPyspark(args[1]!), valueContainsNull: pyBool(args[2] ?? kw.valueContainsNull, true) };
  if (ctor === 'StructType') {
    const list = args[0] ?? kw.fields;
    if (list === undefined) return struct([]);
    if (!('list' in list)) throw new Error(`line ${n.line}: StructType takes a list of StructField`);
    return struct(
      list.list.map((f) => {
        if (!('call' in f) || !('name' in f.call) || f.call.name !== 'StructField') throw new Error(`line ${f.line}: expected StructField(...)`);
        const name = f.args[0] ?? f.kwargs.name;
        if (!name || !('const' in name) || typeof name.const !== 'string') throw new Error(`line ${f.line}: StructField needs a literal name`);
        return { name: name.const, type: fromPyspark((f.args[1] ?? f.kwargs.dataType)!), nullable: pyBool(f.args[2] ?? f.kwargs.nullable, true) };
      }),
    );
  }
  throw new Error(`line ${n.line}: ${ctor} is not a pyspark.sql.types type the checker knows`);
}

// ---------------------------------------------------------------------------------------------- from_avro

interface AvroFacts {
  mapping: { primitive: Record<string, string>; logical: Record<string, string> };
}
let avroFacts: AvroFacts | undefined;
const facts = () => (avroFacts ??= JSON.parse(readFileSync(join(ROOT, 'test/facts/spark/from-avro.json'), 'utf8')) as AvroFacts);

type Avro = string | Avro[] | { type: Avro; [k: string]: unknown };

/** SchemaConverters.toSqlType, as from-avro.json records it: the Spark type and nullability of an Avro schema. */
export function fromAvro(schema: Avro, named = new Map<string, Avro>(), namespace = ''): { type: SparkType; nullable: boolean } {
  const { primitive, logical } = facts().mapping;
  const atomic = (name: string): SparkType => {
    const s = primitive[name];
    if (!s) throw new Error(`Avro type ${name} is not in from-avro.json`);
    return parseDdl(s);
  };
  if (typeof schema === 'string') {
    if (primitive[schema]) return { type: atomic(schema), nullable: schema === 'null' };
    const ref = named.get(schema) ?? named.get(`${namespace}.${schema}`);
    if (!ref) throw new Error(`unknown Avro type name ${schema}`);
    return fromAvro(ref, named, namespace);
  }
  if (Array.isArray(schema)) {
    const rest = schema.filter((s) => s !== 'null');
    if (rest.length < schema.length) {
      if (rest.length === 1) return { type: fromAvro(rest[0]!, named, namespace).type, nullable: true };
      return { type: fromAvro(rest, named, namespace).type, nullable: true };
    }
    if (rest.length === 1) return fromAvro(rest[0]!, named, namespace);
    const kinds = rest.map((s) => (typeof s === 'string' ? s : Array.isArray(s) ? 'union' : String(s.type))).sort().join(',');
    if (kinds === 'int,long') return { type: t('bigint'), nullable: false };
    if (kinds === 'double,float') return { type: t('double'), nullable: false };
    return { type: struct(rest.map((s, i) => ({ name: `member${i}`, type: fromAvro(s, named, namespace).type, nullable: true }))), nullable: false };
  }
  const type = schema.type;
  if (typeof type !== 'string') return fromAvro(type, named, namespace);
  const lt = schema.logicalType;
  if (typeof lt === 'string' && logical[`${type}/${lt}`]) {
    const s = logical[`${type}/${lt}`]!.replace('precision', String(schema.precision)).replace('scale', String(schema.scale ?? 0));
    return { type: parseDdl(s), nullable: false };
  }
  if (type === 'record') {
    const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    const full = String(schema.name).includes('.') ? String(schema.name) : ns ? `${ns}.${schema.name}` : String(schema.name);
    named.set(full, schema);
    named.set(String(schema.name), schema);
    const fields = (schema.fields as Array<{ name: string; type: Avro }>).map((f) => {
      const r = fromAvro(f.type, named, ns);
      return { name: f.name, type: r.type, nullable: r.nullable };
    });
    return { type: struct(fields), nullable: false };
  }
  if (type === 'array') {
    const e = fromAvro(schema.items as Avro, named, namespace);
    return { type: { kind: 'array', element: e.type, containsNull: e.nullable }, nullable: false };
  }
  if (type === 'map') {
    const v = fromAvro(schema.values as Avro, named, namespace);
    return { type: { kind: 'map', key: t('string'), value: v.type, valueContainsNull: v.nullable }, nullable: false };
  }
  if (type === 'enum' || type === 'fixed') {
    const ns = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    named.set(ns ? `${ns}.${schema.name}` : String(schema.name), schema);
  }
  return { type: atomic(type), nullable: type === 'null' };
}
