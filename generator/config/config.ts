/**
 * Loads and resolves contractgen.config.yaml into a fully-populated PlatformConfig (defaults applied once,
 * here, so targets never guess).
 */
import { isBreakingRuleId } from '../diagnostics/breaking-rules.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml } from '../load/yaml.js';

export interface PlatformConfig {
  version: 1;
  project: { name: string; domain: string };
  naming: { topicPrefix: string; rawPrefix: string; trustedSchema: string; rawSchema: string };
  kafka: {
    bootstrapServers: string;
    cluster: string;
    namespace: string;
    strimziApiVersion: 'kafka.strimzi.io/v1' | 'kafka.strimzi.io/v1beta2';
    topicDefaults: { partitions: number; replicas: number; minInsyncReplicas: number; compression: string };
  };
  connect: { url: string; cluster: string; namespace: string; secretsFile: string };
  schemaRegistry: { url: string; defaultCompatibility: string };
  minio: { endpoint: string; region: string; buckets: { raw: string; trusted: string; quarantine: string } };
  trino: { tableFormat: 'hive' | 'iceberg'; catalogs: { raw: string; trusted: string } };
  unityCatalog: { catalog: string; url: string };
  airflow: {
    version: 2 | 3;
    owner: string;
    retries: number;
    retryDelayMinutes: number;
    sparkConnId: string;
    trinoConnId: string;
    s3ConnId: string;
  };
  postgres: { defaultSchema: string };
  /** the trusted layer: an unsized numeric (PostgreSQL `numeric`, `NUMBER`) has no variable-scale decimal there */
  lake: { unsizedDecimal: { precision: number; scale: number } };
  quality: { gxVersion: '1.x' | '0.18' };
  /** the raw-layer sync: the Kafka Connect sink to generate, and the batch limits of both sink and service */
  sync: { connector: 'aiven' | 'confluent'; maxRecords: number; maxBytes: number; maxAgeMs: number };
  /** `contractgen breaking`: rule IDs switched off */
  breaking: { disabled: string[] };
  debezium: {
    /** the database role / user Debezium connects as */
    user: string;
    snapshotMode: string;
    /** disabled: the publication is created by the prerequisites script (least privilege); filtered: by Debezium */
    publicationAutocreateMode: 'disabled' | 'filtered';
    heartbeatIntervalMs: number;
    cassandra: { cassandraYaml: string; workDir: string; configDir: string };
  };
}

export const DEFAULT_CONFIG: PlatformConfig = {
  version: 1,
  project: { name: 'platform', domain: 'data' },
  naming: { topicPrefix: 'cdc', rawPrefix: 'raw', trustedSchema: 'trusted', rawSchema: 'raw' },
  kafka: {
    bootstrapServers: 'kafka:9092',
    cluster: 'kafka',
    namespace: 'kafka',
    strimziApiVersion: 'kafka.strimzi.io/v1',
    topicDefaults: { partitions: 6, replicas: 3, minInsyncReplicas: 2, compression: 'zstd' },
  },
  connect: { url: 'http://connect:8083', cluster: 'connect', namespace: 'kafka', secretsFile: '/opt/kafka/external-configuration/cdc-credentials/credentials.properties' },
  schemaRegistry: { url: 'http://schema-registry:8081', defaultCompatibility: 'BACKWARD' },
  minio: { endpoint: 'http://minio:9000', region: 'us-east-1', buckets: { raw: 'lake-raw', trusted: 'lake-trusted', quarantine: 'lake-quarantine' } },
  trino: { tableFormat: 'hive', catalogs: { raw: 'hive', trusted: 'hive' } },
  unityCatalog: { catalog: 'lake', url: 'http://unity-catalog:8080' },
  airflow: { version: 2, owner: 'data-platform', retries: 2, retryDelayMinutes: 5, sparkConnId: 'spark_default', trinoConnId: 'trino_default', s3ConnId: 'minio_default' },
  postgres: { defaultSchema: 'public' },
  // Spark's own default for a decimal of unknown size (DecimalType.SYSTEM_DEFAULT)
  lake: { unsizedDecimal: { precision: 38, scale: 18 } },
  quality: { gxVersion: '1.x' },
  sync: { connector: 'aiven', maxRecords: 10_000, maxBytes: 16 * 1024 * 1024, maxAgeMs: 60_000 },
  breaking: { disabled: [] },
  debezium: {
    user: 'debezium',
    snapshotMode: 'initial',
    publicationAutocreateMode: 'disabled',
    heartbeatIntervalMs: 10_000,
    cassandra: { cassandraYaml: '/etc/cassandra/cassandra.yaml', workDir: '/var/lib/debezium-cassandra', configDir: '/etc/debezium-cassandra' },
  },
};

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge of a validated partial config over the defaults. */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (!isPlain(base) || !isPlain(over)) return (over === undefined ? base : over) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig((base as Plain)[k], v);
  return out as T;
}

export function resolveConfig(doc: LoadedYaml | undefined): { config: PlatformConfig; diagnostics: Diagnostic[] } {
  if (!doc) return { config: DEFAULT_CONFIG, diagnostics: [] };
  const config = mergeConfig(DEFAULT_CONFIG, doc.data);
  const diagnostics: Diagnostic[] = [];
  const td = config.kafka.topicDefaults;
  if (td.minInsyncReplicas > td.replicas) {
    const p = doc.pos(['kafka', 'topicDefaults', 'minInsyncReplicas']);
    diagnostics.push(diagnostic('CONFIG_VALUE', { file: doc.file, ...p }, `minInsyncReplicas (${td.minInsyncReplicas}) cannot exceed replicas (${td.replicas})`));
  }
  const ud = config.lake.unsizedDecimal;
  if (ud.scale > ud.precision) {
    const p = doc.pos(['lake', 'unsizedDecimal', 'scale']);
    diagnostics.push(diagnostic('CONFIG_VALUE', { file: doc.file, ...p }, `lake.unsizedDecimal: scale (${ud.scale}) cannot exceed precision (${ud.precision})`));
  }
  config.breaking.disabled.forEach((id, i) => {
    if (!isBreakingRuleId(id)) {
      const p = doc.pos(['breaking', 'disabled', i]);
      diagnostics.push(diagnostic('CONFIG_VALUE', { file: doc.file, ...p }, `unknown breaking-change rule ${id}; \`contractgen breaking --list-rules\` lists them`));
    }
  });
  return { config, diagnostics };
}
