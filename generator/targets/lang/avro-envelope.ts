/**
 * The Avro schemas on a relational CDC topic (PostgreSQL, MySQL; Confluent AvroConverter): the Key, the row Value
 * and the full Debezium Envelope, as AvroData renders Debezium's Connect schemas. The avro target writes them,
 * the Spark job decodes the topic with them, and `contractgen breaking` checks Schema Registry compatibility on them.
 */
import type { DebeziumVersion, PlatformConfig } from '../../config/config.js';
import { topicOf } from '../../model/cdc.js';
import type { Dataset, Field } from '../../model/ir.js';
import { debeziumTopic } from '../../model/naming.js';
import { mapType, type AvroSource, type AvroType } from '../../model/types.js';

/** Debezium's `avro` schema-name adjustment: every character outside [A-Za-z0-9_.] becomes `_`, and so does a leading digit of a segment. */
function avroAdjust(name: string): string {
  return name
    .split('.')
    .map((seg) => seg.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1'))
    .join('.');
}

const optional = (t: AvroType | Record<string, unknown>): unknown[] => ['null', t];
const optLong = { type: optional('long'), default: null };
const optString = { type: optional('string'), default: null };

/** Avro default for a column default, where Avro can state it (strings, numbers, booleans). */
function avroDefault(f: Field, t: AvroType): { ok: boolean; value?: unknown } {
  const v = f.default;
  if (v === undefined) return { ok: false };
  const base = typeof t === 'string' ? t : Array.isArray(t) ? undefined : t.type;
  if (base === 'string' && typeof v === 'string') return { ok: true, value: v };
  if ((base === 'int' || base === 'long' || base === 'float' || base === 'double') && typeof v === 'number') return { ok: true, value: v };
  if (base === 'boolean' && typeof v === 'boolean') return { ok: true, value: v };
  return { ok: false };
}

/** A column as a field of Debezium's row struct: NOT NULL → T; nullable → ["null", T]; nullable with a DB default → [T, "null"]. */
function avroField(f: Field, src: AvroSource): Record<string, unknown> {
  const t = mapType(f.type).avro[src];
  const d = avroDefault(f, t);
  if (f.required) return d.ok ? { name: f.physicalName, type: t, default: d.value } : { name: f.physicalName, type: t };
  if (d.ok) return { name: f.physicalName, type: [t, 'null'], default: d.value };
  return { name: f.physicalName, type: optional(t), default: null };
}

/**
 * A named Avro type (Debezium's VariableScaleDecimal record) may be defined once per schema: later uses refer to
 * it by its full name, as Confluent's AvroData writes it.
 */
function referOnce(t: unknown, seen: Set<string>): unknown {
  if (Array.isArray(t)) return t.map((x) => referOnce(x, seen));
  if (!t || typeof t !== 'object') return t;
  const o = t as Record<string, unknown>;
  if (o.type === 'record' && typeof o.name === 'string') {
    const full = typeof o.namespace === 'string' ? `${o.namespace}.${o.name}` : o.name;
    if (seen.has(full)) return full;
    seen.add(full);
    return { ...o, fields: (o.fields as Array<Record<string, unknown>>).map((f) => ({ ...f, type: referOnce(f.type, seen) })) };
  }
  if (o.type === 'array') return { ...o, items: referOnce(o.items, seen) };
  return o;
}

const SNAPSHOT_ENUM = {
  type: [
    { type: 'string', 'connect.version': 1, 'connect.parameters': { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' }, 'connect.default': 'false', 'connect.name': 'io.debezium.data.Enum' },
    'null',
  ],
  default: 'false',
};

/** A Debezium release as a number to compare: 3.1 → 301. */
const release = (v: DebeziumVersion): number => {
  const [major = 0, minor = 0] = v.split('.').map(Number);
  return major * 100 + minor;
};

/**
 * The `source` block per connector (PostgresSourceInfoStructMaker / BinlogSourceInfoStructMaker) of the configured
 * Debezium release: the struct is versioned (`connect.version: 1`) from 3.1.0.Alpha1 (DBZ-8499), and PostgreSQL's
 * has `origin` and `origin_lsn` from 3.5.0.Beta1. A schema that differs from the converter's is registered as a
 * second subject version at the first event.
 */
function sourceRecord(kind: AvroSource, version: DebeziumVersion): Record<string, unknown> {
  const common = [
    { name: 'version', type: 'string' },
    { name: 'connector', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'ts_ms', type: 'long' },
    { name: 'snapshot', ...SNAPSHOT_ENUM },
    { name: 'db', type: 'string' },
    { name: 'sequence', ...optString },
    { name: 'ts_us', ...optLong },
    { name: 'ts_ns', ...optLong },
  ];
  const specific =
    kind === 'postgres'
      ? [
          { name: 'schema', type: 'string' },
          { name: 'table', type: 'string' },
          { name: 'txId', ...optLong },
          { name: 'lsn', ...optLong },
          { name: 'xmin', ...optLong },
          ...(release(version) >= 305 ? [{ name: 'origin', ...optString }, { name: 'origin_lsn', ...optLong }] : []),
        ]
      : [
          { name: 'table', ...optString },
          { name: 'server_id', type: 'long' },
          { name: 'gtid', ...optString },
          { name: 'file', type: 'string' },
          { name: 'pos', type: 'long' },
          { name: 'row', type: 'int' },
          { name: 'thread', ...optLong },
          { name: 'query', ...optString },
        ];
  const ns = kind === 'postgres' ? 'io.debezium.connector.postgresql' : 'io.debezium.connector.mysql';
  return { type: 'record', name: 'Source', namespace: ns, fields: [...common, ...specific], ...(release(version) >= 301 ? { 'connect.version': 1 } : {}), 'connect.name': `${ns}.Source` };
}

export interface RelationalSchemas {
  topic: string;
  key: Record<string, unknown>;
  value: Record<string, unknown>;
  envelope: Record<string, unknown>;
}

export function relationalSchemas(ds: Dataset, config: PlatformConfig): RelationalSchemas {
  const src = ds.source!.kind as AvroSource;
  const topic = topicOf(ds, config);
  // Connect schema names come from the topic Debezium writes to, before any routing to a versioned topic.
  const ns = avroAdjust(debeziumTopic(ds, config) ?? topic);
  const byName = new Map(ds.fields.map((f) => [f.name, f]));
  const captured = ds.fields.filter((f) => !f.cdcExcluded);
  const key = {
    type: 'record',
    name: 'Key',
    namespace: ns,
    fields: ds.primaryKey.map((n) => ({ name: byName.get(n)!.physicalName, type: mapType(byName.get(n)!.type).avro[src] })),
    'connect.name': `${ns}.Key`,
  };
  const value = referOnce({ type: 'record', name: 'Value', namespace: ns, fields: captured.map((f) => avroField(f, src)), 'connect.name': `${ns}.Value` }, new Set()) as Record<string, unknown>;
  const envelope = {
    type: 'record',
    name: 'Envelope',
    namespace: ns,
    fields: [
      { name: 'before', type: optional(value), default: null },
      { name: 'after', type: optional(`${ns}.Value`), default: null },
      { name: 'source', type: sourceRecord(src, config.debezium.version) },
      {
        name: 'transaction',
        type: optional({
          type: 'record',
          name: 'block',
          namespace: 'event',
          fields: [
            { name: 'id', type: 'string' },
            { name: 'total_order', type: 'long' },
            { name: 'data_collection_order', type: 'long' },
          ],
          'connect.version': 1,
          'connect.name': 'event.block',
        }),
        default: null,
      },
      { name: 'op', type: 'string' },
      { name: 'ts_ms', ...optLong },
      { name: 'ts_us', ...optLong },
      { name: 'ts_ns', ...optLong },
    ],
    'connect.version': 2,
    'connect.name': `${ns}.Envelope`,
  };
  return { topic, key, value, envelope };
}
