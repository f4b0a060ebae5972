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
import type { Dataset, Field } from '../model/ir.js';
import { mapType, type JsonSchema } from '../model/types.js';
import { relationalSchemas } from './lang/avro-envelope.js';
import type { OutputFile, Target } from './target.js';

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
    return { files, diagnostics: [] };
  },
};
