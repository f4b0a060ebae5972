/**
 * Loads and resolves contractgen.config.yaml into a fully-populated PlatformConfig (defaults applied once,
 * here, so targets never guess).
 */
import { isBreakingRuleId } from '../diagnostics/breaking-rules.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml } from '../load/yaml.js';

/** Debezium releases contractgen writes for; their differences are in test/facts/debezium/. */
export const DEBEZIUM_VERSIONS = ['3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6'] as const;
export type DebeziumVersion = (typeof DEBEZIUM_VERSIONS)[number];

/** Spark lines the jobs are written and type-checked for (test/facts/spark/). */
export const SPARK_VERSIONS = ['3.5', '4.0'] as const;
export type SparkVersion = (typeof SPARK_VERSIONS)[number];

/** Great Expectations 1.x minor releases whose rules are known (test/facts/gx/): 1.2 to 1.7. */
export const GX_MINORS = { min: 2, max: 7 } as const;

export interface PlatformConfig {
  version: 1;
  project: { name: string; domain: string };
  naming: { topicPrefix: string; rawPrefix: string; trustedSchema: string; rawSchema: string };
  kafka: {
    bootstrapServers: string;
    cluster: string;
    namespace: string;
    strimziApiVersion: 'kafka.strimzi.io/v1' | 'kafka.strimzi.io/v1beta2';
    topicDefaults: {
      partitions: number;
      replicas: number;
      minInsyncReplicas: number;
      compression: string;
      /**
       * The longest the raw-layer sync (or any consumer that must see every change) may lag behind a compacted
       * topic: its `min.compaction.lag.ms` and `delete.retention.ms`, so no update and no delete is compacted
       * away before it has been read.
       */
      maxSyncLagMs: number;
    };
  };
  connect: {
    url: string;
    cluster: string;
    namespace: string;
    /**
     * The Kubernetes Secret `secretName` with the connectors' credentials, as one properties file under `key`. The KafkaConnect
     * mounts it (kafkaconnect-patch.yaml): under `/mnt/<secret>/` (kafka.strimzi.io/v1: template volumes), or
     * under `/opt/kafka/external-configuration/<secret>/` (v1beta2: externalConfiguration).
     */
    credentials: { secretName: string; key: string };
  };
  schemaRegistry: { url: string; defaultCompatibility: string };
  minio: { endpoint: string; region: string; buckets: { raw: string; trusted: string; quarantine: string } };
  trino: {
    tableFormat: 'hive' | 'iceberg';
    catalogs: { raw: string; trusted: string };
    /**
     * Where the masked views read the key of their keyed hash (hmac_sha256), in the trusted catalog: a one-row
     * table only the views' owner may read. Its value never comes from contractgen (docs/targets/trino.md).
     */
    maskingKey: { schema: string; table: string };
    /**
     * The Hive Metastore of the Hive-connector catalogs (`hive.metastore.uri` of the generated catalog files): the
     * raw catalog, and the trusted one in Hive mode. The Iceberg catalog uses `iceberg.uri`.
     */
    metastoreUri: string;
  };
  /**
   * The Iceberg catalog of the trusted tables with `trino.tableFormat: iceberg`: the Spark jobs write through it, and
   * Trino's Iceberg catalog (`trino.catalogs.trusted`) must use the same metastore or REST catalog.
   */
  iceberg: {
    /** the catalog's name in the Spark session: `spark.sql.catalog.<sparkCatalog>` (org.apache.iceberg.spark.SparkCatalog) */
    sparkCatalog: string;
    /** Iceberg's catalog `type`: `hive` (a Hive Metastore) or `rest` (an Iceberg REST catalog) */
    catalogType: 'hive' | 'rest';
    /** its `uri`: the metastore's thrift URI, or the REST catalog's URL */
    uri: string;
  };
  unityCatalog: { catalog: string; url: string };
  airflow: {
    /** 2: Airflow 2.9+ (airflow.datasets, functional `sla`); 3: Airflow 3.x (airflow.sdk Assets, the standard provider) */
    version: 2 | 3;
    /**
     * Airflow 3.1+: the dotted path of an async function (or notifier) the triggerer can import, called when a
     * DAG run misses the freshness SLA (a Deadline Alert, experimental in Airflow). Unset under Airflow 3: the
     * freshness SLA is not enforced by Airflow (Airflow 3 ignores `sla`).
     */
    deadlineCallback?: string;
    owner: string;
    retries: number;
    retryDelayMinutes: number;
    sparkConnId: string;
    trinoConnId: string;
    s3ConnId: string;
  };
  /** the Spark the jobs run on: the DAGs submit them with the packages built for it (spark-avro's Scala, hadoop-aws's Hadoop) */
  spark: { version: SparkVersion };
  postgres: { defaultSchema: string };
  /** the trusted layer: an unsized numeric (PostgreSQL `numeric`, `NUMBER`) has no variable-scale decimal there */
  lake: { unsizedDecimal: { precision: number; scale: number } };
  /**
   * gxVersion: the Great Expectations that loads the suites. `1.x` (any 1.x from 1.2.0), `0.18` (0.18.21+), or a
   * release from 1.2.0 to 1.7.x (`1.3.2`, `1.7`): the suites use what that release and later ones accept.
   */
  quality: { gxVersion: string };
  /** the raw-layer sync: the Kafka Connect sink to generate (Aiven's: the only one that writes the raw layout), and the batch limits of both sink and service */
  sync: { connector: 'aiven'; maxRecords: number; maxBytes: number; maxAgeMs: number };
  /** `contractgen breaking`: rule IDs switched off */
  breaking: { disabled: string[] };
  debezium: {
    /** the Debezium release the connectors run (3.0 to 3.6): the Avro schemas follow its Source struct */
    version: DebeziumVersion;
    /** the database role / user Debezium connects as */
    user: string;
    /** PostgreSQL's max_slot_wal_keep_size: how much WAL a stalled slot may hold before PostgreSQL invalidates it */
    maxSlotWalKeepSize: string;
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
    topicDefaults: { partitions: 6, replicas: 3, minInsyncReplicas: 2, compression: 'zstd', maxSyncLagMs: 7 * 86_400_000 },
  },
  connect: { url: 'http://connect:8083', cluster: 'connect', namespace: 'kafka', credentials: { secretName: 'cdc-credentials', key: 'credentials.properties' } },
  schemaRegistry: { url: 'http://schema-registry:8081', defaultCompatibility: 'BACKWARD' },
  minio: { endpoint: 'http://minio:9000', region: 'us-east-1', buckets: { raw: 'lake-raw', trusted: 'lake-trusted', quarantine: 'lake-quarantine' } },
  trino: { tableFormat: 'hive', catalogs: { raw: 'hive', trusted: 'hive' }, maskingKey: { schema: 'restricted', table: 'pii_hash_key' }, metastoreUri: 'thrift://hive-metastore:9083' },
  iceberg: { sparkCatalog: 'lake', catalogType: 'hive', uri: 'thrift://hive-metastore:9083' },
  unityCatalog: { catalog: 'lake', url: 'http://unity-catalog:8080' },
  airflow: { version: 2, owner: 'data-platform', retries: 2, retryDelayMinutes: 5, sparkConnId: 'spark_default', trinoConnId: 'trino_default', s3ConnId: 'minio_default' },
  spark: { version: '3.5' },
  postgres: { defaultSchema: 'public' },
  // Spark's own default for a decimal of unknown size (DecimalType.SYSTEM_DEFAULT)
  lake: { unsizedDecimal: { precision: 38, scale: 18 } },
  quality: { gxVersion: '1.x' },
  sync: { connector: 'aiven', maxRecords: 10_000, maxBytes: 16 * 1024 * 1024, maxAgeMs: 60_000 },
  breaking: { disabled: [] },
  debezium: {
    version: '3.6',
    user: 'debezium',
    maxSlotWalKeepSize: '16GB',
    snapshotMode: 'initial',
    publicationAutocreateMode: 'disabled',
    heartbeatIntervalMs: 10_000,
    cassandra: { cassandraYaml: '/etc/cassandra/cassandra.yaml', workDir: '/var/lib/debezium-cassandra', configDir: '/etc/debezium-cassandra' },
  },
};

/** Every key of the config, sections and leaves, as a dotted path: `kafka`, `kafka.topicDefaults.partitions`. */
type KeysOf<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends readonly unknown[] ? `${P}${K}` : T[K] extends object ? `${P}${K}` | KeysOf<T[K], `${P}${K}.`> : `${P}${K}`;
}[keyof T & string];

export type ConfigKey = KeysOf<PlatformConfig>;

/**
 * What each key of contractgen.config.yaml means, once: docs/reference/config.md is generated from these, the
 * schema (validate/schemas/config.ts) and the defaults above. The compiler wants every key of PlatformConfig here
 * and no other; test/reference.test.ts wants the schema's keys to be the same.
 */
export const CONFIG_DOCS: Readonly<Record<ConfigKey, string>> = {
  version: 'The version of the config format. Only 1 exists.',
  project: 'The platform the contracts describe.',
  'project.name': 'Its name: the Unity Catalog catalog comment and the docs site title.',
  'project.domain': 'Its business domain. For the reader: no target uses it yet.',
  naming: 'Prefixes and schema names that every target derives names from (`model/naming.ts`).',
  'naming.topicPrefix': "Debezium's `topic.prefix`: CDC topics are `<topicPrefix>.<schema|database|keyspace>.<table>`, and the heartbeat, schema-history and sync dead-letter topics start with it.",
  'naming.rawPrefix': 'The key prefix of the raw layer in the raw bucket: `s3a://<raw bucket>/<rawPrefix>/<topic>/dt=YYYY-MM-DD/hour=HH/`.',
  'naming.trustedSchema': 'The schema of the trusted tables in Trino and Unity Catalog, and the key prefix of the trusted and quarantine layers.',
  'naming.rawSchema': 'The schema of the raw tables in Trino and Unity Catalog.',
  kafka: 'The Kafka cluster the CDC topics live on.',
  'kafka.bootstrapServers': "Bootstrap servers, as clients reach them: the sync service, the connectors' schema history, the Cassandra agent, the topic list and the docs' console commands.",
  'kafka.cluster': 'The Strimzi Kafka cluster: the `strimzi.io/cluster` label of the KafkaTopic resources.',
  'kafka.namespace': 'The Kubernetes namespace of the KafkaTopic resources.',
  'kafka.strimziApiVersion': 'The apiVersion of the Strimzi resources: `kafka.strimzi.io/v1`, or `kafka.strimzi.io/v1beta2` for Strimzi before 1.0.',
  'kafka.topicDefaults': 'Settings of every CDC topic, unless the contract overrides them (`contractgen.kafka.*`).',
  'kafka.topicDefaults.partitions': 'Partitions of a CDC topic (`contractgen.kafka.partitions` overrides it).',
  'kafka.topicDefaults.replicas': 'Replication factor of a topic (`contractgen.kafka.replicas` overrides it).',
  'kafka.topicDefaults.minInsyncReplicas': '`min.insync.replicas` of a topic; at most `replicas` (else `CONFIG_VALUE`).',
  'kafka.topicDefaults.compression': '`compression.type` of the topics, and of the connectors\' producers.',
  'kafka.topicDefaults.maxSyncLagMs': 'The longest the raw-layer sync (or any consumer that must see every change) may lag a compacted topic: its `min.compaction.lag.ms` and `delete.retention.ms`, so no update and no delete is compacted away unread.',
  connect: 'The Kafka Connect cluster that runs the Debezium connectors and the S3 sink.',
  'connect.url': 'Its REST URL, for the `curl` commands of the connectors\' READMEs.',
  'connect.cluster': 'The Strimzi KafkaConnect cluster: the `strimzi.io/cluster` label of the KafkaConnector resources.',
  'connect.namespace': 'The Kubernetes namespace of the KafkaConnector resources.',
  'connect.credentials': 'The Kubernetes Secret with the connectors\' credentials, one properties file the KafkaConnect mounts (kafkaconnect-patch.yaml) and a FileConfigProvider reads: connectors say `${file:<mounted path>:<key>}`, never a password.',
  'connect.credentials.secretName': 'The name of the Secret.',
  'connect.credentials.key': 'The key of the properties file in the Secret.',
  schemaRegistry: 'The Schema Registry of the CDC topics.',
  'schemaRegistry.url': 'Its URL: the converters of the connectors, the subjects list and the docs.',
  'schemaRegistry.defaultCompatibility': 'The compatibility level of the subjects (`contractgen.schemaRegistry.compatibility` overrides it per dataset); `contractgen breaking` checks Avro changes against it.',
  minio: 'The S3-compatible object store of the lake.',
  'minio.endpoint': 'Its endpoint URL: the sync, the Spark jobs, and `contractgen test` reading `s3://` data.',
  'minio.region': 'Its region.',
  'minio.buckets': 'The lake\'s buckets.',
  'minio.buckets.raw': 'The raw layer: the CDC events byte for byte, as the sync writes them.',
  'minio.buckets.trusted': 'The trusted layer: the current state per key, in Parquet.',
  'minio.buckets.quarantine': 'Rows the Spark jobs refuse, with the reason.',
  trino: 'Trino, over the lake.',
  'trino.tableFormat': '`hive` or `iceberg`: the table format of the trusted tables (the raw tables are Hive JSON external tables either way). With `iceberg`, the Spark jobs write through the Iceberg catalog (`iceberg.*`), `trino.catalogs.raw` must be a Hive-connector catalog and `trino.catalogs.trusted` an Iceberg-connector one.',
  'trino.catalogs': 'The Trino catalogs the tables are created in.',
  'trino.catalogs.raw': 'The catalog of the raw tables: a Hive-connector catalog (the raw layer is JSON lines, which only the Hive connector reads).',
  'trino.catalogs.trusted': 'The catalog of the trusted tables and the masked views: a Hive-connector catalog, or with `trino.tableFormat: iceberg` an Iceberg-connector one.',
  'trino.maskingKey': 'Where the masked views read the key of their keyed hash (`hmac_sha256`), in the trusted catalog: a one-row table only the views\' owner may read. Its value never comes from contractgen.',
  'trino.maskingKey.schema': 'The schema of that table.',
  'trino.maskingKey.table': 'Its name.',
  'trino.metastoreUri': "The Hive Metastore's `thrift://` URI of the Hive-connector catalogs: `hive.metastore.uri` in the generated catalog files (`generated/trino/catalog/`) of the raw catalog and, in Hive mode, the trusted one. With `iceberg.catalogType: hive` it is normally the same metastore as `iceberg.uri`.",
  iceberg: 'The Iceberg catalog of the trusted tables, with `trino.tableFormat: iceberg`: the Spark jobs write through it; `trino.catalogs.trusted` must be a Trino Iceberg catalog on the same metastore or REST catalog.',
  'iceberg.sparkCatalog': 'The catalog\'s name in the Spark session (`spark.sql.catalog.<name>` = `org.apache.iceberg.spark.SparkCatalog`): the jobs write `<name>.<trustedSchema>.<dataset>`.',
  'iceberg.catalogType': 'Iceberg\'s catalog `type`: `hive` (a Hive Metastore) or `rest` (an Iceberg REST catalog).',
  'iceberg.uri': 'Its `uri`: the metastore\'s `thrift://` URI, or the REST catalog\'s URL; the one Trino\'s Iceberg catalog uses.',
  unityCatalog: 'Unity Catalog OSS, which registers the lake\'s tables.',
  'unityCatalog.catalog': 'The catalog the raw and trusted schemas are created in.',
  'unityCatalog.url': "The server's URL: the apply script's default, and the DAGs' refresh calls.",
  airflow: 'The Airflow DAGs, one per dataset.',
  'airflow.version': '2 (2.9 and later) or 3: which imports and operators the DAGs use.',
  'airflow.deadlineCallback': 'Airflow 3.1+: the dotted path of an async callback the triggerer can import, called when a DAG run misses the freshness SLA (a Deadline Alert). Unset under Airflow 3: the freshness SLA is not enforced.',
  'airflow.owner': "The DAGs' owner when a contract names no team.",
  'airflow.retries': 'Retries of each task.',
  'airflow.retryDelayMinutes': 'Minutes between retries.',
  'airflow.sparkConnId': 'The Airflow connection the Spark jobs are submitted through.',
  'airflow.trinoConnId': 'The Airflow connection of the Trino refresh.',
  'airflow.s3ConnId': 'The Airflow connection of the sensor that waits for raw data.',
  spark: 'The Spark cluster the jobs run on.',
  'spark.version': "`3.5` or `4.0`: the DAGs submit the jobs with `--packages` built for it (spark-avro for its Scala and Spark release, hadoop-aws at its Hadoop); each job's header names both.",
  postgres: 'PostgreSQL sources.',
  'postgres.defaultSchema': 'The schema of a table whose server names none.',
  lake: 'The trusted layer (Parquet, Spark, Trino, Unity Catalog) where a source type has no equal there.',
  'lake.unsizedDecimal': 'The decimal the lake stores an unsized numeric as (PostgreSQL `numeric`, `NUMBER`): the source keeps any precision, Debezium sends a `VariableScaleDecimal`, the lake has no variable-scale decimal. Each such field gets a `DECIMAL_UNSIZED` warning naming this choice.',
  'lake.unsizedDecimal.precision': 'Its precision, 1 to 38 (default 38, Spark\'s `DecimalType.SYSTEM_DEFAULT`). A value that does not fit is a `type` violation in the Spark job.',
  'lake.unsizedDecimal.scale': 'Its scale, 0 to the precision (default 18).',
  quality: 'The quality suites.',
  'quality.gxVersion': 'The Great Expectations release that loads the suites: `1.x` (any 1.x from 1.2.0), `0.18` (0.18.21+), or a release from 1.2.0 to 1.7.x; the suites use what it accepts.',
  sync: 'The raw-layer sync, from the CDC topics to the raw bucket.',
  'sync.connector': "The Kafka Connect S3 sink to generate: `aiven` (Aiven's Apache-2.0 sink, the only one that writes the raw layout). The TypeScript sync service is generated too.",
  'sync.maxRecords': 'A raw object closes after this many records (the sinks and the service).',
  'sync.maxBytes': 'A raw object of the sync service closes at this many bytes.',
  'sync.maxAgeMs': 'A raw object of the sync service closes after this many milliseconds, whatever its size.',
  breaking: '`contractgen breaking` and `contractgen changelog`.',
  'breaking.disabled': 'Breaking-change rule IDs to switch off (`contractgen breaking --list-rules` lists them; an unknown one is `CONFIG_VALUE`).',
  debezium: 'The Debezium connectors and the Cassandra agent.',
  'debezium.version': 'The Debezium release the connectors run, `3.0` to `3.6`: the Avro schemas follow its Source struct.',
  'debezium.user': 'The database role the connectors log in as; the prerequisites scripts create it with the least privilege CDC needs.',
  'debezium.snapshotMode': "The connectors' `snapshot.mode`.",
  'debezium.publicationAutocreateMode': '`disabled`: the PostgreSQL publication is created by the prerequisites script (least privilege); `filtered`: by Debezium.',
  'debezium.heartbeatIntervalMs': "The connectors' `heartbeat.interval.ms` (0: no heartbeats).",
  'debezium.maxSlotWalKeepSize': "PostgreSQL's `max_slot_wal_keep_size` (postgresql.conf): how much WAL a stalled slot may hold before PostgreSQL invalidates it.",
  'debezium.cassandra': 'Paths of the Debezium Cassandra agent on each node.',
  'debezium.cassandra.cassandraYaml': "The node's `cassandra.yaml`.",
  'debezium.cassandra.workDir': "The agent's working directory: relocated commit logs and offsets.",
  'debezium.cassandra.configDir': "Where the agent's properties and the driver's `application.conf` are installed.",
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
  const gx = /^1\.(\d+)/.exec(config.quality.gxVersion);
  if (gx && (Number(gx[1]) < GX_MINORS.min || Number(gx[1]) > GX_MINORS.max)) {
    const p = doc.pos(['quality', 'gxVersion']);
    diagnostics.push(diagnostic('CONFIG_VALUE', { file: doc.file, ...p }, `Great Expectations ${config.quality.gxVersion} is not a supported version: 0.18, or 1.${GX_MINORS.min} to 1.${GX_MINORS.max} (docs/compatibility.md)`));
  }
  if (config.trino.tableFormat === 'iceberg' && config.trino.catalogs.raw === config.trino.catalogs.trusted) {
    const p = doc.pos(['trino', 'catalogs', 'trusted']);
    diagnostics.push(diagnostic('CONFIG_VALUE', { file: doc.file, ...p }, `trino.tableFormat: iceberg needs two Trino catalogs: the raw tables in a Hive-connector catalog (JSON lines), the trusted ones in an Iceberg-connector catalog; both are ${config.trino.catalogs.raw}`));
  }
  if (config.airflow.deadlineCallback !== undefined && config.airflow.version !== 3) {
    const p = doc.pos(['airflow', 'deadlineCallback']);
    diagnostics.push(diagnostic('CONFIG_VALUE', { file: doc.file, ...p }, 'airflow.deadlineCallback needs airflow.version: 3 (Deadline Alerts are Airflow 3.1+); Airflow 2 uses the freshness SLA as `sla`'));
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
