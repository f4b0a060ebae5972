/**
 * `kafka` target: the topics the CDC flow needs, as Strimzi KafkaTopic resources (kubectl apply) and as a
 * plain list for any admin client: every CDC topic (named as Debezium names it), the heartbeat topics, the
 * MySQL schema-history topics and the sync's dead-letter topic.
 */
import type { PlatformConfig } from '../config/config.js';
import { cmp } from '../diagnostics/diagnostic.js';
import { cdcConnectors, syncDlqTopic, topicOf } from '../model/cdc.js';
import type { Dataset, Model } from '../model/ir.js';
import { k8sName } from '../model/naming.js';
import { toYaml } from './lang/yaml.js';
import type { OutputFile, Target } from './target.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicas: number;
  config: Record<string, string | number>;
  /** why the topic exists, for the list and comments */
  purpose: string;
  sources: string[];
}

const DAY = 86_400_000;

function cdcTopicSpec(ds: Dataset, config: PlatformConfig): TopicSpec {
  const d = config.kafka.topicDefaults;
  const replicas = ds.kafka.replicas ?? d.replicas;
  const policy = ds.kafka.cleanupPolicy ?? 'compact';
  const cfg: Record<string, string | number> = {
    'cleanup.policy': policy,
    'min.insync.replicas': Math.min(d.minInsyncReplicas, replicas),
    'compression.type': d.compression,
  };
  if (policy === 'delete') cfg['retention.ms'] = ds.sla.retentionMs ?? 7 * DAY;
  else {
    // The raw layer stores every change event: the sync must read each update before compaction replaces it
    // (min.compaction.lag.ms) and each delete's tombstone before compaction removes it (delete.retention.ms),
    // however far it lags, up to kafka.topicDefaults.maxSyncLagMs.
    cfg['min.compaction.lag.ms'] = d.maxSyncLagMs;
    cfg['delete.retention.ms'] = Math.max(DAY, d.maxSyncLagMs);
  }
  if (ds.kafka.maxMessageBytes) cfg['max.message.bytes'] = ds.kafka.maxMessageBytes;
  return {
    name: topicOf(ds, config),
    partitions: ds.kafka.partitions ?? d.partitions,
    replicas,
    config: cfg,
    purpose: `CDC events of ${ds.name} (${ds.source!.kind})`,
    sources: [ds.contract.file],
  };
}

/** Every topic of the CDC flow, sorted by name. */
export function topicSpecs(model: Model, config: PlatformConfig): TopicSpec[] {
  const d = config.kafka.topicDefaults;
  const infra = (name: string, purpose: string, partitions: number, cfg: Record<string, string | number>, sources: string[]): TopicSpec => ({
    name,
    partitions,
    replicas: d.replicas,
    config: { 'min.insync.replicas': d.minInsyncReplicas, ...cfg },
    purpose,
    sources,
  });
  const specs = new Map<string, TopicSpec>();
  const connectors = cdcConnectors(model.datasets, config);
  for (const c of connectors) {
    const sources = c.datasets.map((ds) => ds.contract.file);
    for (const ds of c.datasets) specs.set(topicOf(ds, config), cdcTopicSpec(ds, config));
    if (c.heartbeatTopic && !specs.has(c.heartbeatTopic)) {
      specs.set(c.heartbeatTopic, infra(c.heartbeatTopic, `Debezium heartbeats of topic prefix ${c.topicPrefix}`, 1, { 'cleanup.policy': 'delete', 'retention.ms': DAY }, sources));
    }
    if (c.schemaHistoryTopic) {
      // Debezium's own settings for the history topic: one partition, kept forever (KafkaSchemaHistory).
      specs.set(c.schemaHistoryTopic, infra(c.schemaHistoryTopic, `MySQL schema history of connector ${c.name}`, 1, { 'cleanup.policy': 'delete', 'retention.ms': -1, 'retention.bytes': -1 }, sources));
    }
  }
  if (connectors.length) {
    const dlq = syncDlqTopic(config);
    specs.set(dlq, infra(dlq, 'records the raw-layer sync could not store', d.partitions, { 'cleanup.policy': 'delete', 'retention.ms': 14 * DAY }, [...new Set(connectors.flatMap((c) => c.datasets.map((x) => x.contract.file)))]));
  }
  return [...specs.values()].sort((a, b) => cmp(a.name, b.name));
}

export function kafkaTopicResource(t: TopicSpec, config: PlatformConfig): Record<string, unknown> {
  const name = k8sName(t.name);
  return {
    apiVersion: config.kafka.strimziApiVersion,
    kind: 'KafkaTopic',
    metadata: { name, namespace: config.kafka.namespace, labels: { 'strimzi.io/cluster': config.kafka.cluster } },
    spec: {
      ...(name !== t.name ? { topicName: t.name } : {}),
      partitions: t.partitions,
      replicas: t.replicas,
      config: Object.fromEntries(Object.entries(t.config).map(([k, v]) => [k, v])),
    },
  };
}

export const kafkaTarget: Target = {
  id: 'kafka',
  description: 'Kafka topics: Strimzi KafkaTopic resources and a plain topic list (CDC, heartbeat, schema-history and dead-letter topics)',
  run(model, ctx) {
    const specs = topicSpecs(model, ctx.config);
    const files: OutputFile[] = specs.map((t) => ({
      path: `topics/${k8sName(t.name)}.yaml`,
      content: `# ${t.purpose}\n${toYaml(kafkaTopicResource(t, ctx.config))}`,
      kind: 'yaml' as const,
      sources: t.sources,
    }));
    if (specs.length) {
      files.push({
        path: 'topics.json',
        content:
          JSON.stringify(
            {
              bootstrapServers: ctx.config.kafka.bootstrapServers,
              topics: specs.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicas, config: Object.fromEntries(Object.entries(t.config).map(([k, v]) => [k, String(v)])), purpose: t.purpose })),
            },
            null,
            2,
          ) + '\n',
        kind: 'json',
        sources: [...new Set(specs.flatMap((t) => t.sources))],
      });
    }
    return { files, diagnostics: [] };
  },
};
