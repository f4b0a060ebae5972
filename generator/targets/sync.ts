/**
 * `sync` target: the raw layer's writer, two ways.
 * - A Kafka Connect sink for MinIO: Aiven's Apache-2.0 S3 sink by default (Confluent's as an option), with
 *   ByteArray converters and JSON lines of key, value, offset, timestamp and headers (base64), tombstones kept,
 *   the object layout `raw/<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<start offset>.jsonl.gz`,
 *   credentials through the Connect worker's config provider.
 * - A TypeScript sync service: `topics.ts`, the typed per-topic definitions and defaults, built with ts-morph
 *   (they depend on the contracts and the config); `runtime.ts` and `main.ts`, copied unchanged from
 *   templates/sync/static/ (kafkajs consumer with manual commits, @aws-sdk/client-s3 writes, batching by count,
 *   bytes and time, commit after store, SIGTERM flush, retries with backoff, a dead-letter topic; it also runs
 *   from a recorded file).
 */
import { Project, VariableDeclarationKind } from 'ts-morph';
import type { PlatformConfig } from '../config/config.js';
import { cdcConnectors, syncDlqTopic, topicOf } from '../model/cdc.js';
import { secretRef } from './lang/connect.js';
import { toYaml } from './lang/yaml.js';
import { DATA_PLACEHOLDER, type OutputFile, type Target } from './target.js';

export interface SyncTopic {
  topic: string;
  dataset: string;
  source: string;
  valueFormat: 'avro' | 'json';
}

export function syncTopics(datasets: Parameters<typeof cdcConnectors>[0], config: PlatformConfig): SyncTopic[] {
  return cdcConnectors(datasets, config)
    .flatMap((c) => c.datasets.map((ds) => ({ topic: topicOf(ds, config), dataset: ds.name, source: c.kind, valueFormat: c.converter })))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

const BYTES = 'org.apache.kafka.connect.converters.ByteArrayConverter';

export function sinkName(config: PlatformConfig): string {
  return `${config.naming.topicPrefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-raw-sync`;
}

/** The Kafka Connect configuration of the raw-layer sink; all values strings. */
export function sinkConfig(topics: readonly SyncTopic[], config: PlatformConfig): Record<string, string> {
  const s = config.sync;
  const dlq: Record<string, string> = {
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': syncDlqTopic(config),
    'errors.deadletterqueue.topic.replication.factor': String(config.kafka.topicDefaults.replicas),
    'errors.deadletterqueue.context.headers.enable': 'true',
    'errors.log.enable': 'true',
  };
  const common = {
    'tasks.max': '2',
    topics: topics.map((t) => t.topic).join(','),
    'key.converter': BYTES,
    'value.converter': BYTES,
    'header.converter': BYTES,
  };
  if (s.connector === 'aiven') {
    return {
      'connector.class': 'io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector',
      ...common,
      'aws.s3.bucket.name': config.minio.buckets.raw,
      'aws.s3.endpoint': config.minio.endpoint,
      'aws.s3.region': config.minio.region,
      'aws.access.key.id': secretRef(config, 'minio.access_key_id'),
      'aws.secret.access.key': secretRef(config, 'minio.secret_access_key'),
      'format.output.type': 'jsonl',
      'format.output.fields': 'key,value,offset,timestamp,headers',
      'format.output.fields.value.encoding': 'base64',
      'format.output.envelope': 'true',
      'file.compression.type': 'gzip',
      'file.max.records': String(s.maxRecords),
      'file.name.timestamp.timezone': 'UTC',
      'file.name.timestamp.source': 'wallclock',
      'file.name.template': `${config.naming.rawPrefix}/{{topic}}/dt={{timestamp:unit=yyyy}}-{{timestamp:unit=MM}}-{{timestamp:unit=dd}}/hour={{timestamp:unit=HH}}/{{topic}}+{{partition:padding=true}}+{{start_offset:padding=true}}.jsonl.gz`,
      ...dlq,
    };
  }
  // Confluent's S3 sink (Confluent Community License): raw bytes per record, keys and headers stored beside.
  return {
    'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
    ...common,
    'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
    's3.bucket.name': config.minio.buckets.raw,
    'store.url': config.minio.endpoint,
    's3.region': config.minio.region,
    's3.path.style.access.enabled': 'true',
    'aws.access.key.id': secretRef(config, 'minio.access_key_id'),
    'aws.secret.access.key': secretRef(config, 'minio.secret_access_key'),
    'topics.dir': config.naming.rawPrefix,
    'format.class': 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
    'behavior.on.null.values': 'write',
    'store.kafka.keys': 'true',
    'keys.format.class': 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
    'store.kafka.headers': 'true',
    'headers.format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
    'flush.size': String(s.maxRecords),
    'rotate.schedule.interval.ms': String(s.maxAgeMs),
    'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
    'partition.duration.ms': '3600000',
    'path.format': "'dt'=YYYY-MM-dd/'hour'=HH",
    locale: 'en-US',
    timezone: 'UTC',
    'timestamp.extractor': 'Record',
    ...dlq,
  };
}

// ------------------------------------------------------------------------------------------------ service

/** topics.ts around the placeholder for the topic list, which emit splices in as data. */
function topicsFile(config: PlatformConfig): string {
  const sf = new Project({ useInMemoryFileSystem: true }).createSourceFile('topics.ts', '');
  sf.addInterface({
    name: 'TopicDefinition',
    isExported: true,
    docs: ['A CDC topic the sync copies.'],
    properties: [
      { name: 'topic', isReadonly: true, type: 'string' },
      { name: 'dataset', isReadonly: true, type: 'string', docs: ['the contract dataset it carries'] },
      { name: 'source', isReadonly: true, type: "'postgres' | 'mysql' | 'cassandra'" },
      { name: 'valueFormat', isReadonly: true, type: "'avro' | 'json'", docs: ['Confluent-framed Avro, or JSON (Cassandra): stored as bytes either way'] },
    ],
  });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'TOPICS', initializer: `${DATA_PLACEHOLDER} as const satisfies readonly TopicDefinition[]` }],
  });
  sf.addTypeAlias({ name: 'TopicName', isExported: true, type: '(typeof TOPICS)[number]["topic"]' });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: 'DEFAULTS',
        initializer: JSON.stringify(
          {
            brokers: config.kafka.bootstrapServers,
            groupId: sinkName(config),
            deadLetterTopic: syncDlqTopic(config),
            endpoint: config.minio.endpoint,
            bucket: config.minio.buckets.raw,
            region: config.minio.region,
            prefix: config.naming.rawPrefix,
            maxRecords: config.sync.maxRecords,
            maxBytes: config.sync.maxBytes,
            maxAgeMs: config.sync.maxAgeMs,
          },
          null,
          2,
        ),
      },
    ],
  });
  return sf.getFullText();
}

export const syncTarget: Target = {
  id: 'sync',
  description: 'Raw-layer sync: a Kafka Connect S3 sink for MinIO (Aiven, or Confluent) and a TypeScript sync service (kafkajs → S3)',
  run(model, ctx) {
    const config = ctx.config;
    const topics = syncTopics(model.datasets, config);
    if (!topics.length) return { files: [], diagnostics: [] };
    const synced = new Set(topics.map((t) => t.dataset));
    const sources = [...new Set(model.datasets.filter((d) => synced.has(d.name)).map((d) => d.contract.file))];
    const cfg = sinkConfig(topics, config);
    const name = sinkName(config);
    const { 'connector.class': cls, 'tasks.max': tasks, ...rest } = cfg;
    const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
    const files: OutputFile[] = [
      { path: 'sink-connector.json', content: json({ name, config: cfg }), kind: 'json', sources },
      {
        path: 'kafkaconnector.yaml',
        content: toYaml({
          apiVersion: config.kafka.strimziApiVersion,
          kind: 'KafkaConnector',
          metadata: { name, namespace: config.connect.namespace, labels: { 'strimzi.io/cluster': config.connect.cluster } },
          spec: { class: cls, tasksMax: Number(tasks), config: rest },
        }),
        kind: 'yaml',
        sources,
      },
      { path: 'topics.ts', content: topicsFile(config), data: JSON.stringify(topics, null, 2), kind: 'ts', sources },
      ...ctx.copies('sync', sources), // runtime.ts, main.ts: templates/sync/static/
      {
        path: 'package.json',
        content: json({
          name: `${name}-service`,
          private: true,
          type: 'module',
          engines: { node: '>=20' },
          scripts: { start: 'tsx main.ts', typecheck: 'tsc --noEmit' },
          dependencies: { '@aws-sdk/client-s3': '^3.600.0', kafkajs: '^2.2.4' },
          devDependencies: { tsx: '^4.19.0', typescript: '^5.9.0', '@types/node': '^20.0.0' },
        }),
        kind: 'json',
        sources,
      },
      {
        path: 'README.md',
        content: ctx.template('sync/README.md')({
          bucket: config.minio.buckets.raw,
          prefix: config.naming.rawPrefix,
          topicList: topics.map((t) => `\`${t.topic}\``).join(', '),
          maxRecords: config.sync.maxRecords,
          maxBytes: config.sync.maxBytes,
          maxAgeMs: config.sync.maxAgeMs,
          dlq: syncDlqTopic(config),
          brokers: config.kafka.bootstrapServers,
          group: name,
          endpoint: config.minio.endpoint,
          region: config.minio.region,
        }),
        kind: 'md',
        sources,
      },
    ];
    return { files, diagnostics: [] };
  },
};
