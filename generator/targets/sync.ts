/**
 * `sync` target: the raw layer's writer, two ways that write one layout.
 * - A Kafka Connect sink for MinIO: Aiven's Apache-2.0 S3 sink, with ByteArray converters and JSON lines of
 *   headers, offset, value, key and timestamp (base64 bytes, ISO-8601 time), tombstones kept, the object layout
 *   `raw/<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<start offset>.jsonl` by record time, credentials
 *   through the Connect worker's config provider.
 * - A TypeScript sync service: `topics.ts`, the typed per-topic definitions and defaults, built with ts-morph
 *   (they depend on the contracts and the config); `runtime.ts` and `main.ts`, copied unchanged from
 *   templates/sync/static/ (kafkajs consumer with manual commits and leases per partition, conditional
 *   @aws-sdk/client-s3 writes, batching by count, bytes and time, commit after store, SIGTERM flush, retries with
 *   backoff, a dead-letter topic, Prometheus metrics and health endpoints; it also runs from a recorded file);
 *   and its Kubernetes Deployment and PodDisruptionBudget.
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

/**
 * The Kafka Connect configuration of the raw-layer sink (Aiven's S3 sink); all values strings. It writes the raw
 * layout the service writes (test/facts/aiven-s3-sink/): JSON lines of all five fields, objects named by topic,
 * partition and first offset, in dt/hour folders of the record's own timestamp (`file.name.timestamp.source: event`,
 * so a redelivered record lands in the same folder), uncompressed so that both paths write the same bytes.
 */
export function sinkConfig(topics: readonly SyncTopic[], config: PlatformConfig): Record<string, string> {
  const s = config.sync;
  return {
    'connector.class': 'io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector',
    'tasks.max': '2',
    topics: topics.map((t) => t.topic).join(','),
    'key.converter': BYTES,
    'value.converter': BYTES,
    'header.converter': BYTES,
    'aws.s3.bucket.name': config.minio.buckets.raw,
    'aws.s3.endpoint': config.minio.endpoint,
    'aws.s3.region': config.minio.region,
    'aws.access.key.id': secretRef(config, 'minio.access_key_id'),
    'aws.secret.access.key': secretRef(config, 'minio.secret_access_key'),
    'format.output.type': 'jsonl',
    'format.output.fields': 'key,value,offset,timestamp,headers',
    'format.output.envelope': 'true',
    'file.compression.type': 'none',
    'file.max.records': String(s.maxRecords),
    'file.name.timestamp.timezone': 'UTC',
    'file.name.timestamp.source': 'event',
    'file.name.template': `${config.naming.rawPrefix}/{{topic}}/dt={{timestamp:unit=yyyy}}-{{timestamp:unit=MM}}-{{timestamp:unit=dd}}/hour={{timestamp:unit=HH}}/{{topic}}+{{partition:padding=true}}+{{start_offset:padding=true}}.jsonl`,
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': syncDlqTopic(config),
    'errors.deadletterqueue.topic.replication.factor': String(config.kafka.topicDefaults.replicas),
    'errors.deadletterqueue.context.headers.enable': 'true',
    'errors.log.enable': 'true',
  };
}

// ------------------------------------------------------------------------------------------------ service

/** The service's fixed defaults (topics.ts DEFAULTS), from which the Deployment's grace period is computed. */
export const SERVICE = {
  retries: 5,
  backoffMs: 200,
  /** one S3 request, before it is aborted and retried */
  s3TimeoutMs: 10_000,
  /** kafkajs's retrier gives up a commit after this long (its maxRetryTime default) */
  commitMs: 30_000,
  httpPort: 8080,
} as const;

/**
 * The longest a SIGTERM flush can take, in seconds: per partition, an upload already in flight and then its last
 * batch, each through every retry of a put that times out (and the backoff between), then its commit.
 */
export function flushBoundSeconds(): number {
  const put = (SERVICE.retries + 1) * SERVICE.s3TimeoutMs + Array.from({ length: SERVICE.retries }, (_, i) => Math.min(SERVICE.backoffMs * 2 ** i, 30_000)).reduce((a, b) => a + b, 0);
  return Math.ceil((2 * (put + SERVICE.commitMs)) / 1000);
}

/** The Deployment and PodDisruptionBudget of the sync service. */
function kubernetes(config: PlatformConfig): { deployment: object; pdb: object } {
  const name = `${sinkName(config)}-service`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'raw-sync', 'app.kubernetes.io/part-of': config.project.name };
  const secret = `${sinkName(config)}-credentials`;
  const env = (k: string, v: string | number) => ({ name: k, value: String(v) });
  const fromSecret = (k: string, key: string) => ({ name: k, valueFrom: { secretKeyRef: { name: secret, key } } });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: config.connect.namespace, labels: { ...labels } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      // one member at a time leaves the consumer group, so each rebalance moves few partitions
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        metadata: {
          labels: { ...labels },
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(SERVICE.httpPort), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          // longer than the longest SIGTERM flush (flushBoundSeconds), so no stored batch is left uncommitted by a kill
          terminationGracePeriodSeconds: flushBoundSeconds() + 30,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'sync',
              image: `${name}:latest`,
              imagePullPolicy: 'IfNotPresent',
              // an image of this folder at /app after `npm ci` (see the README)
              workingDir: '/app',
              command: ['npx', 'tsx', 'main.ts'],
              ports: [{ name: 'http', containerPort: SERVICE.httpPort, protocol: 'TCP' }],
              env: [
                env('KAFKA_BROKERS', config.kafka.bootstrapServers),
                env('KAFKA_GROUP_ID', sinkName(config)),
                env('S3_ENDPOINT', config.minio.endpoint),
                env('S3_BUCKET', config.minio.buckets.raw),
                env('S3_REGION', config.minio.region),
                env('S3_CONDITIONAL_WRITES', 'true'),
                env('S3_TIMEOUT_MS', SERVICE.s3TimeoutMs),
                env('SYNC_MAX_RECORDS', config.sync.maxRecords),
                env('SYNC_MAX_BYTES', config.sync.maxBytes),
                env('SYNC_MAX_AGE_MS', config.sync.maxAgeMs),
                env('SYNC_HTTP_PORT', SERVICE.httpPort),
                env('NODE_OPTIONS', '--max-old-space-size=768'),
                fromSecret('AWS_ACCESS_KEY_ID', 'minio.access_key_id'),
                fromSecret('AWS_SECRET_ACCESS_KEY', 'minio.secret_access_key'),
              ],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: config.connect.namespace, labels: { ...labels } },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
  };
  return { deployment, pdb };
}

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
            retries: SERVICE.retries,
            backoffMs: SERVICE.backoffMs,
            s3TimeoutMs: SERVICE.s3TimeoutMs,
            httpPort: SERVICE.httpPort,
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
  description: 'Raw-layer sync: a Kafka Connect S3 sink for MinIO (Aiven) and a TypeScript sync service (kafkajs → S3) with its Kubernetes Deployment',
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
    const k8s = kubernetes(config);
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
      { path: 'k8s/deployment.yaml', content: toYaml(k8s.deployment), kind: 'yaml', sources },
      { path: 'k8s/poddisruptionbudget.yaml', content: toYaml(k8s.pdb), kind: 'yaml', sources },
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
          httpPort: SERVICE.httpPort,
          s3TimeoutMs: SERVICE.s3TimeoutMs,
          retries: SERVICE.retries,
          grace: flushBoundSeconds() + 30,
          flushBound: flushBoundSeconds(),
          secret: `${name}-credentials`,
          service: `${name}-service`,
        }),
        kind: 'md',
        sources,
      },
    ];
    return { files, diagnostics: [] };
  },
};
