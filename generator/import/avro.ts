/**
 * Avro schemas → the import description: `.avsc` files, or Schema Registry subject JSON (`{"subject", "version",
 * "id", "schema": "<the schema as a string>"}`). A Debezium envelope (before/after/source/op) is unwrapped to the
 * row, its `source` record names the connector (PostgreSQL or MySQL), and its namespace
 * `<topic.prefix>.<schema|database>.<table>` the table; the `Key` record (or the `<topic>-key` subject) of the
 * same namespace gives the primary key. Debezium's semantic types (`connect.name`: Uuid, Date, MicroTime,
 * ZonedTimestamp, MicroTimestamp, Decimal, VariableScaleDecimal, Json, Enum …) and Avro's logical types recover
 * uuid, dates, times, timestamps and decimals.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml, PathSeg } from '../load/yaml.js';
import type { SourceRef } from '../model/ir.js';
import { diag, loadJsonDoc, type ColumnDesc, type ColumnType, type ServerKind, type SourceDescription, type TableDesc } from './describe.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AvroInput {
  file: string;
  text: string;
}

interface Mapped {
  type: ColumnType;
  physical?: string;
  enum?: string[];
  nullable: boolean;
  problem?: { rule: 'IMPORT_TYPE_UNMAPPED' | 'IMPORT_TYPE_LOSSY'; message: string };
}

/** Debezium's semantic types (connect.name) → contractgen types. */
const CONNECT: Record<string, ColumnType> = {
  'io.debezium.data.Uuid': { kind: 'uuid' },
  'io.debezium.time.Date': { kind: 'date' },
  'io.debezium.time.Time': { kind: 'time' },
  'io.debezium.time.MicroTime': { kind: 'time' },
  'io.debezium.time.NanoTime': { kind: 'time' },
  'io.debezium.time.ZonedTime': { kind: 'time' },
  'io.debezium.time.Timestamp': { kind: 'timestamp_ntz' },
  'io.debezium.time.MicroTimestamp': { kind: 'timestamp_ntz' },
  'io.debezium.time.NanoTimestamp': { kind: 'timestamp_ntz' },
  'io.debezium.time.ZonedTimestamp': { kind: 'timestamp' },
  'io.debezium.time.Year': { kind: 'int16' },
  'io.debezium.data.Json': { kind: 'json' },
  'io.debezium.data.Xml': { kind: 'string' },
  'io.debezium.data.Bits': { kind: 'bytes' },
  'io.debezium.data.EnumSet': { kind: 'string' },
  'io.debezium.time.Interval': { kind: 'string' },
  'io.debezium.time.MicroDuration': { kind: 'int64' },
};

/** Avro logical types → contractgen types. */
const LOGICAL: Record<string, ColumnType> = {
  uuid: { kind: 'uuid' },
  date: { kind: 'date' },
  'time-millis': { kind: 'time' },
  'time-micros': { kind: 'time' },
  'timestamp-millis': { kind: 'timestamp' },
  'timestamp-micros': { kind: 'timestamp' },
  'timestamp-nanos': { kind: 'timestamp' },
  'local-timestamp-millis': { kind: 'timestamp_ntz' },
  'local-timestamp-micros': { kind: 'timestamp_ntz' },
  'local-timestamp-nanos': { kind: 'timestamp_ntz' },
};

/** Every connect.name and logical type the mapping knows, for the docs test. */
export const AVRO_TYPES = [...Object.keys(CONNECT), 'org.apache.kafka.connect.data.Decimal', 'io.debezium.data.VariableScaleDecimal', 'io.debezium.data.Enum', ...Object.keys(LOGICAL), 'decimal'];

class Reader {
  /** named types by full name, for references */
  named = new Map<string, Obj>();
  diagnostics: Diagnostic[] = [];
  constructor(readonly doc: LoadedYaml | undefined, readonly file: string) {}

  at(path: readonly PathSeg[]): SourceRef {
    return this.doc ? { file: this.file, ...this.doc.pos(path) } : { file: this.file, line: 1, col: 1 };
  }

  /** Registers every named type inside a schema, with its namespace resolved. */
  collect(s: unknown, ns: string | undefined): void {
    if (Array.isArray(s)) return s.forEach((x) => this.collect(x, ns));
    if (!isObj(s)) return;
    if (typeof s.name === 'string' && (s.type === 'record' || s.type === 'enum' || s.type === 'fixed' || s.type === 'error')) {
      const own = typeof s.namespace === 'string' ? s.namespace : s.name.includes('.') ? s.name.slice(0, s.name.lastIndexOf('.')) : ns;
      const full = s.name.includes('.') ? s.name : own ? `${own}.${s.name}` : s.name;
      this.named.set(full, s);
      if (!this.named.has(s.name)) this.named.set(s.name, s);
      if (Array.isArray(s.fields)) for (const f of s.fields) if (isObj(f)) this.collect(f.type, own);
      return;
    }
    this.collect(s.type, ns);
    this.collect(s.items, ns);
    this.collect(s.values, ns);
  }

  resolve(t: unknown, ns: string | undefined): unknown {
    if (typeof t !== 'string') return t;
    if (['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'].includes(t)) return t;
    return this.named.get(t.includes('.') || !ns ? t : `${ns}.${t}`) ?? this.named.get(t) ?? t;
  }

  map(raw: unknown, ns: string | undefined, depth = 0): Mapped {
    let t = this.resolve(raw, ns);
    let nullable = false;
    if (Array.isArray(t)) {
      const branches = t.filter((b) => b !== 'null');
      nullable = branches.length !== t.length;
      if (branches.length !== 1) return { type: { kind: 'string' }, nullable, problem: { rule: 'IMPORT_TYPE_UNMAPPED', message: `a union of ${JSON.stringify(t)} has no contractgen mapping; it is kept as a string` } };
      t = this.resolve(branches[0], ns);
    }
    const m = this.mapOne(t, ns, depth);
    return { ...m, nullable };
  }

  private mapOne(t: unknown, ns: string | undefined, depth: number): Omit<Mapped, 'nullable'> {
    if (typeof t === 'string') {
      switch (t) {
        case 'string':
          return { type: { kind: 'string' } };
        case 'int':
          return { type: { kind: 'int32' } };
        case 'long':
          return { type: { kind: 'int64' } };
        case 'float':
          return { type: { kind: 'float32' } };
        case 'double':
          return { type: { kind: 'float64' } };
        case 'boolean':
          return { type: { kind: 'boolean' } };
        case 'bytes':
          return { type: { kind: 'bytes' }, physical: 'bytes' };
        default:
          return { type: { kind: 'string' }, problem: { rule: 'IMPORT_TYPE_UNMAPPED', message: `type ${t} is not defined in this schema; the field is kept as a string` } };
      }
    }
    if (!isObj(t)) return { type: { kind: 'string' }, problem: { rule: 'IMPORT_TYPE_UNMAPPED', message: 'a field without a type; it is kept as a string' } };
    const connect = typeof t['connect.name'] === 'string' ? t['connect.name'] : undefined;
    const params = isObj(t['connect.parameters']) ? (t['connect.parameters'] as Record<string, string>) : {};
    if (connect === 'org.apache.kafka.connect.data.Decimal' || t.logicalType === 'decimal') {
      const p = typeof t.precision === 'number' ? t.precision : params['connect.decimal.precision'] !== undefined ? Number(params['connect.decimal.precision']) : undefined;
      const s = typeof t.scale === 'number' ? t.scale : params.scale !== undefined ? Number(params.scale) : 0;
      // without a precision: an unsized decimal (physicalType decimal; DECIMAL_UNSIZED names the lake's decimal)
      if (p === undefined) return { type: { kind: 'decimal' }, physical: 'decimal' };
      if (p > 38) return { type: { kind: 'decimal' }, physical: 'decimal', problem: { rule: 'IMPORT_TYPE_LOSSY', message: `a decimal of ${p} digits is wider than the 38 digits every target holds; it is imported unsized` } };
      return { type: { kind: 'decimal', precision: p, scale: s }, physical: `decimal(${p},${s})` };
    }
    if (connect === 'io.debezium.data.VariableScaleDecimal') {
      // an unsized PostgreSQL numeric, as contractgen generates it back (physicalType numeric)
      return { type: { kind: 'decimal' }, physical: 'numeric' };
    }
    if (connect === 'io.debezium.data.Enum') {
      const allowed = typeof params.allowed === 'string' ? params.allowed.split(',') : undefined;
      return { type: { kind: 'string' }, ...(allowed ? { enum: allowed } : {}) };
    }
    if (connect && CONNECT[connect]) {
      const type = CONNECT[connect]!;
      return { type, ...(type.kind === 'json' ? { physical: 'json' } : type.kind === 'bytes' ? { physical: 'bytes' } : {}), ...(connect === 'io.debezium.time.ZonedTime' ? { problem: { rule: 'IMPORT_TYPE_LOSSY' as const, message: 'a time with a zone offset becomes a time of day: the offset is not kept' } } : {}) };
    }
    if (connect && /^io\.debezium\.data\.geometry\./.test(connect)) return { type: { kind: 'string' }, problem: { rule: 'IMPORT_TYPE_UNMAPPED', message: `${connect} has no contractgen mapping; it is kept as a string` } };
    if (typeof t.logicalType === 'string' && LOGICAL[t.logicalType]) return { type: LOGICAL[t.logicalType]! };
    if (t['connect.type'] === 'int16' || t['connect.type'] === 'int8') return { type: { kind: 'int16' } };
    switch (t.type) {
      case 'array': {
        const items = this.map(t.items, ns, depth + 1);
        return { type: { kind: 'array', items: items.type, ...(items.physical ? { itemsPhysical: items.physical } : {}) }, ...(items.problem ? { problem: items.problem } : {}) };
      }
      case 'map':
        return { type: { kind: 'string' }, problem: { rule: 'IMPORT_TYPE_LOSSY', message: 'an Avro map is kept as a string (its JSON text): contracts have no map type in ODCS v3.1' } };
      case 'enum':
        return { type: { kind: 'string' }, enum: Array.isArray(t.symbols) ? t.symbols.map(String) : [] };
      case 'fixed':
        return { type: { kind: 'bytes' }, physical: 'bytes' };
      case 'record':
      case 'error': {
        if (depth > 16) return { type: { kind: 'json' }, physical: 'json' };
        const own = typeof t.namespace === 'string' ? t.namespace : ns;
        const fields = Array.isArray(t.fields) ? t.fields.filter(isObj).map((f) => this.column(f, own, [], depth + 1)) : [];
        return { type: { kind: 'object', fields } };
      }
      default:
        // {"type": "string", "connect.name": …} and other annotated primitives
        return typeof t.type === 'string' || Array.isArray(t.type) ? this.mapOne(this.resolve(t.type, ns), ns, depth) : { type: { kind: 'string' } };
    }
  }

  column(f: Obj, ns: string | undefined, path: PathSeg[], depth = 0): ColumnDesc {
    const m = this.map(f.type, ns, depth);
    const at = this.at(path);
    const name = String(f.name ?? '');
    if (m.problem) this.diagnostics.push(diag(at, m.problem.rule, `${name}: ${m.problem.message}`));
    const def = f.default;
    return {
      name,
      ...(m.physical ? { physicalType: m.physical } : {}),
      type: m.type,
      nullable: m.nullable,
      constraints: m.enum ? { enum: m.enum } : {},
      ...(typeof f.doc === 'string' && f.doc.trim() ? { comment: f.doc } : {}),
      ...((typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean') && ['string', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean'].includes(m.type.kind) ? { default: def } : {}),
      at,
    };
  }
}

const SOURCE_RECORDS: Record<string, ServerKind> = { 'io.debezium.connector.postgresql.Source': 'postgres', 'io.debezium.connector.mysql.Source': 'mysql' };

interface Found {
  kind?: ServerKind;
  namespace?: string;
  table: string;
  columns: ColumnDesc[];
  key?: string[];
  topicNs?: string;
  /** unwrapped from a Debezium envelope */
  envelope?: boolean;
  at: SourceRef;
}

/** One schema (already parsed), as a table or a key; `path` locates it in its file. */
function readSchema(r: Reader, schema: unknown, path: PathSeg[], subject: string | undefined): { table?: Found; key?: { ns: string; columns: string[] } } {
  if (!isObj(schema) || schema.type !== 'record' || !Array.isArray(schema.fields)) {
    r.diagnostics.push(diag(r.at(path), 'IMPORT_SYNTAX', 'not an Avro record schema'));
    return {};
  }
  r.collect(schema, undefined);
  const ns = typeof schema.namespace === 'string' ? schema.namespace : undefined;
  const fields = schema.fields.filter(isObj);
  const fieldPath = (i: number) => [...path, 'fields', i];
  const names = new Set(fields.map((f) => f.name));
  const isEnvelope = names.has('after') && names.has('op') && names.has('source');
  const isKey = schema.name === 'Key' || (subject !== undefined && subject.endsWith('-key'));
  if (isKey && !isEnvelope) return { key: { ns: ns ?? '', columns: fields.map((f) => String(f.name)) } };
  if (isEnvelope) {
    const afterIndex = fields.findIndex((f) => f.name === 'after');
    const after = fields[afterIndex]!;
    const union = Array.isArray(after.type) ? after.type : [after.type];
    const row = union.map((b) => r.resolve(b, ns)).find((b) => isObj(b) && b.type === 'record') as Obj | undefined;
    const beforeIndex = fields.findIndex((f) => f.name === 'before');
    const rowPath = Array.isArray(fields[beforeIndex]?.type) ? [...fieldPath(beforeIndex), 'type', 1] : fieldPath(afterIndex);
    const src = fields.find((f) => f.name === 'source');
    const srcType = src ? r.resolve(src.type, ns) : undefined;
    const srcName = isObj(srcType) ? `${typeof srcType.namespace === 'string' ? `${srcType.namespace}.` : ''}${String(srcType.name)}` : '';
    const kind = SOURCE_RECORDS[srcName];
    const parts = (ns ?? '').split('.');
    const table = parts.length >= 1 && parts[parts.length - 1] ? parts[parts.length - 1]! : String(schema.name);
    const middle = parts.length >= 3 ? parts[parts.length - 2] : undefined;
    if (!row) {
      r.diagnostics.push(diag(r.at(fieldPath(afterIndex)), 'IMPORT_SYNTAX', 'a Debezium envelope whose "after" is not a record'));
      return {};
    }
    const rowFields = Array.isArray(row.fields) ? row.fields.filter(isObj) : [];
    const columns = rowFields.map((f, i) => r.column(f, typeof row.namespace === 'string' ? row.namespace : ns, [...rowPath, 'fields', i]));
    return { table: { ...(kind ? { kind } : {}), ...(middle ? { namespace: middle } : {}), table, columns, ...(ns ? { topicNs: ns } : {}), envelope: true, at: r.at(path) } };
  }
  return { table: { table: String(schema.name), ...(ns ? { namespace: ns } : {}), columns: fields.map((f, i) => r.column(f, ns, fieldPath(i))), ...(ns ? { topicNs: `${ns}.${String(schema.name)}` } : {}), at: r.at(path) } };
}

export function readAvro(label: string, inputs: readonly AvroInput[]): SourceDescription {
  const diagnostics: Diagnostic[] = [];
  const found: Found[] = [];
  const keys: Array<{ ns: string; columns: string[] }> = [];
  for (const { file, text } of inputs) {
    const doc = loadJsonDoc(file, text, diagnostics);
    if (!doc) continue;
    const r = new Reader(doc, file);
    let data = doc.data;
    let path: PathSeg[] = [];
    let subject: string | undefined;
    // a Schema Registry subject version: the schema is a string inside
    if (isObj(data) && typeof data.schema === 'string') {
      subject = typeof data.subject === 'string' ? data.subject : undefined;
      if (data.schemaType !== undefined && data.schemaType !== 'AVRO') {
        diagnostics.push(diag(r.at(['schemaType']), 'IMPORT_SOURCE', `subject ${subject ?? ''} holds a ${String(data.schemaType)} schema, not Avro`));
        continue;
      }
      try {
        data = JSON.parse(data.schema) as unknown;
      } catch (e) {
        diagnostics.push(diag(r.at(['schema']), 'IMPORT_SYNTAX', `the subject's schema is not valid JSON: ${(e as Error).message}`));
        continue;
      }
      path = ['schema'];
      const inner = new Reader(undefined, file);
      const res = readSchema(inner, data, path, subject);
      for (const d of inner.diagnostics) diagnostics.push({ ...d, ...r.at(path) });
      if (res.table) found.push({ ...res.table, at: r.at(path) });
      if (res.key) keys.push(res.key);
      continue;
    }
    const res = readSchema(r, data, path, subject);
    diagnostics.push(...r.diagnostics);
    if (res.table) found.push(res.table);
    if (res.key) keys.push(res.key);
  }
  const kinds = new Set(found.map((f) => f.kind).filter(Boolean));
  // Debezium's Value record sits next to its envelope (Value.avsc): the envelope describes the table
  const envelopes = new Set(found.filter((f) => f.envelope).map((f) => f.topicNs));
  const rows = found.filter((f) => f.envelope || !(f.namespace !== undefined && envelopes.has(f.namespace)));
  const tables: TableDesc[] = rows.map((f) => {
    const key = keys.find((k) => k.ns === f.topicNs)?.columns ?? [];
    for (const c of f.columns) if (key.includes(c.name)) c.nullable = false;
    return { name: f.table, ...(f.namespace ? { namespace: f.namespace } : {}), columns: f.columns, primaryKey: key, uniques: [], foreignKeys: [], checks: [], options: {}, at: f.at };
  });
  const kind = kinds.size === 1 ? [...kinds][0] : undefined;
  return { format: 'avro', label, ...(kind ? { server: { kind } } : {}), tables, diagnostics };
}
