/**
 * `avro` target: per CDC topic, the schemas of what is really on the topic.
 * - Relational sources (PostgreSQL, MySQL; Confluent AvroConverter): the Key, the row Value and the full
 *   Debezium Envelope, as AvroData renders Debezium's Connect schemas: names `<topic>.Key|Value|Envelope`
 *   (after schema.name.adjustment.mode=avro), field order before, after, source, transaction, op, ts_ms,
 *   ts_us, ts_ns, semantic types as `connect.name`, decimals as bytes + decimal logical type.
 * - Cassandra (Kafka JsonConverter, schemas disabled; see the debezium target for why): JSON Schemas of the key
 *   and of the event value (ts_ms, op, source, after with one {value, deletion_ts, set} cell per column).
 * - subjects.json: Schema Registry subjects (TopicNameStrategy) with their compatibility level, for a deploy
 *   script; JSON topics are listed apart, as they use no registry.
 */
import type { PlatformConfig } from '../config/config.js';
import { cdcConnectors, subjects, topicOf, type CdcConnector } from '../model/cdc.js';
import { debeziumTopic } from '../model/naming.js';
import type { Dataset, Field } from '../model/ir.js';
import { mapType, type AvroSource, type AvroType, type JsonSchema } from '../model/types.js';
import { skipped, type OutputFile, type Target } from './target.js';

/** Debezium's `avro` schema-name adjustment: every character outside [A-Za-z0-9_.] becomes `_`, and so does a leading digit of a segment. */
export function avroAdjust(name: string): string {
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
export function avroField(f: Field, src: AvroSource): Record<string, unknown> {
  const t = mapType(f.type).avro[src];
  const d = avroDefault(f, t);
  if (f.required) return d.ok ? { name: f.physicalName, type: t, default: d.value } : { name: f.physicalName, type: t };
  if (d.ok) return { name: f.physicalName, type: [t, 'null'], default: d.value };
  return { name: f.physicalName, type: optional(t), default: null };
}

const SNAPSHOT_ENUM = {
  type: [
    { type: 'string', 'connect.version': 1, 'connect.parameters': { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' }, 'connect.default': 'false', 'connect.name': 'io.debezium.data.Enum' },
    'null',
  ],
  default: 'false',
};

/** The `source` block per connector (PostgresSourceInfoStructMaker / BinlogSourceInfoStructMaker, 3.6). */
export function sourceRecord(kind: AvroSource): Record<string, unknown> {
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
          { name: 'origin', ...optString },
          { name: 'origin_lsn', ...optLong },
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
  return { type: 'record', name: 'Source', namespace: ns, fields: [...common, ...specific], 'connect.name': `${ns}.Source` };
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
  const value = { type: 'record', name: 'Value', namespace: ns, fields: captured.map((f) => avroField(f, src)), 'connect.name': `${ns}.Value` };
  const envelope = {
    type: 'record',
    name: 'Envelope',
    namespace: ns,
    fields: [
      { name: 'before', type: optional(value), default: null },
      { name: 'after', type: optional(`${ns}.Value`), default: null },
      { name: 'source', type: sourceRecord(src) },
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

const nullable = (j: JsonSchema): JsonSchema => ({ anyOf: [j, { type: 'null' }] });

/** JSON Schemas of a Cassandra topic's key and value, as JsonConverter (schemas.enable=false) writes them. */
export function cassandraJsonSchemas(ds: Dataset, config: PlatformConfig): { topic: string; key: JsonSchema; value: JsonSchema } {
  const topic = topicOf(ds, config);
  const byName = new Map(ds.fields.map((f) => [f.name, f]));
  const keyCols = ds.primaryKey.map((n) => byName.get(n)!);
  const id = (part: string) => `https://contractgen.dev/schemas/${topic}/${part}.schema.json`;
  const key: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id('key'),
    title: `${topic} key`,
    type: 'object',
    properties: Object.fromEntries(keyCols.map((f) => [f.physicalName, mapType(f.type).cassandraJson])),
    required: keyCols.map((f) => f.physicalName),
    additionalProperties: false,
  };
  const cell = (f: Field): JsonSchema =>
    nullable({
      type: 'object',
      description: f.description ?? f.name,
      properties: { value: nullable(mapType(f.type).cassandraJson), deletion_ts: { type: ['integer', 'null'] }, set: { type: 'boolean' } },
      required: ['value', 'deletion_ts', 'set'],
      additionalProperties: false,
    });
  // Range-tombstone bounds: a {method, values} struct in some connector releases, a string in others.
  const range = { anyOf: [{ type: 'null' }, { type: 'string' }, { type: 'object', properties: { method: { type: 'string' }, values: { type: 'object', additionalProperties: { type: 'string' } } } }] };
  const value: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id('value'),
    title: `${topic} change event (Debezium Cassandra connector)`,
    type: 'object',
    properties: {
      ts_ms: { type: 'integer' },
      op: { enum: ['i', 'u', 'd', 'r'], description: 'i insert, u update, d delete, r range tombstone' },
      source: {
        type: 'object',
        properties: {
          version: { type: 'string' },
          connector: { type: 'string' },
          name: { type: 'string' },
          ts_ms: { type: 'integer' },
          snapshot: { type: ['string', 'null'] },
          db: { type: 'string' },
          sequence: { type: ['string', 'null'] },
          ts_us: { type: ['integer', 'null'] },
          ts_ns: { type: ['integer', 'null'] },
          cluster: { type: 'string' },
          file: { type: 'string' },
          pos: { type: 'integer' },
          keyspace: { const: ds.source!.database },
          table: { const: ds.source!.table },
        },
        required: ['version', 'connector', 'name', 'ts_ms', 'db', 'cluster', 'file', 'pos', 'keyspace', 'table'],
      },
      after: {
        type: 'object',
        properties: {
          ...Object.fromEntries(ds.fields.filter((f) => !f.cdcExcluded).map((f) => [f.physicalName, cell(f)])),
          _range_start: range,
          _range_end: range,
          '.range_start': range,
          '.range_end': range,
        },
        additionalProperties: false,
      },
    },
    required: ['ts_ms', 'op', 'source', 'after'],
    additionalProperties: false,
  };
  return { topic, key, value };
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

export const avroTarget: Target = {
  id: 'avro',
  description: 'Event schemas per CDC topic: Avro Key/Value/Envelope as Debezium produces them (relational), JSON Schemas (Cassandra), Schema Registry subjects',
  run(model, ctx) {
    const files: OutputFile[] = [];
    const diagnostics = model.datasets.filter((ds) => !ds.source || !ds.cdc.enabled).map((ds) => skipped('avro', ds, 'it is not captured by CDC'));
    const registry: Array<Record<string, unknown>> = [];
    const jsonTopics: Array<Record<string, unknown>> = [];
    const connectors: CdcConnector[] = cdcConnectors(model.datasets, ctx.config);
    for (const c of connectors) {
      for (const ds of c.datasets) {
        const sources = [ds.contract.file];
        const compatibility = ds.kafka.compatibility ?? ctx.config.schemaRegistry.defaultCompatibility;
        if (c.converter === 'avro') {
          const s = relationalSchemas(ds, ctx.config);
          files.push({ path: `${s.topic}/Key.avsc`, content: json(s.key), kind: 'avsc', sources });
          files.push({ path: `${s.topic}/Value.avsc`, content: json(s.value), kind: 'avsc', sources });
          files.push({ path: `${s.topic}/Envelope.avsc`, content: json(s.envelope), kind: 'avsc', sources });
          const sub = subjects(s.topic);
          registry.push({ subject: sub.key, schemaType: 'AVRO', schemaFile: `${s.topic}/Key.avsc`, compatibility });
          registry.push({ subject: sub.value, schemaType: 'AVRO', schemaFile: `${s.topic}/Envelope.avsc`, compatibility });
        } else {
          const s = cassandraJsonSchemas(ds, ctx.config);
          files.push({ path: `${s.topic}/key.schema.json`, content: json(s.key), kind: 'json', sources });
          files.push({ path: `${s.topic}/value.schema.json`, content: json(s.value), kind: 'json', sources });
          jsonTopics.push({ topic: s.topic, converter: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: false, keySchema: `${s.topic}/key.schema.json`, valueSchema: `${s.topic}/value.schema.json` });
        }
      }
    }
    if (connectors.length) {
      files.push({
        path: 'subjects.json',
        content: json({ schemaRegistryUrl: ctx.config.schemaRegistry.url, subjectNameStrategy: 'TopicNameStrategy', subjects: registry, jsonTopics }),
        kind: 'json',
        sources: [...new Set(connectors.flatMap((c) => c.datasets.map((d) => d.contract.file)))],
      });
    }
    return { files, diagnostics };
  },
};
