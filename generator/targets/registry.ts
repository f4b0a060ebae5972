/**
 * The registry of targets, in the order they run and are listed. Light on purpose: each entry is the target's id
 * and description, and a loader that imports the target module only when the target runs. So `contractgen targets`
 * and `--target` checks load no target, and `generate --target avro` loads the avro module alone, never the
 * modules (and through them ts-morph) of the targets it does not run. test/registry.test.ts holds each entry to its
 * module (same id and description).
 */
import type { Target } from './target.js';

export interface TargetInfo {
  readonly id: string;
  /** one line: what the target generates under generated/<id>/ */
  readonly description: string;
  /** imports the target module */
  load(): Promise<Target>;
}

export const TARGETS: readonly TargetInfo[] = [
  {
    id: 'postgres',
    description: 'PostgreSQL DDL: tables, NOT NULL/UNIQUE/CHECK constraints, indexes and comments, per PostgreSQL-sourced dataset',
    load: async () => (await import('./postgres.js')).postgresTarget,
  },
  {
    id: 'mysql',
    description: 'MySQL 8 DDL: tables with constraints, unique keys and comments, per MySQL-sourced dataset',
    load: async () => (await import('./mysql.js')).mysqlTarget,
  },
  {
    id: 'cassandra',
    description: 'Cassandra CQL: keyspace and table with partition and clustering keys and cdc = true, per Cassandra-sourced dataset',
    load: async () => (await import('./cassandra.js')).cassandraTarget,
  },
  {
    id: 'debezium',
    description: 'Debezium connectors: Kafka Connect payloads and Strimzi KafkaConnectors (PostgreSQL, MySQL), Cassandra agent properties, source prerequisites',
    load: async () => (await import('./debezium.js')).debeziumTarget,
  },
  {
    id: 'kafka',
    description: 'Kafka topics: Strimzi KafkaTopic resources and a plain topic list (CDC, heartbeat, schema-history and dead-letter topics)',
    load: async () => (await import('./kafka.js')).kafkaTarget,
  },
  {
    id: 'avro',
    description: 'Event schemas per CDC topic: Avro Key/Value/Envelope as Debezium produces them (relational), JSON Schemas (Cassandra), Schema Registry subjects',
    load: async () => (await import('./avro.js')).avroTarget,
  },
  {
    id: 'parquet',
    description: 'Trusted-layer Parquet schemas: schema text notation and Thrift SchemaElement JSON, with logical annotations',
    load: async () => (await import('./parquet.js')).parquetTarget,
  },
  {
    id: 'quality',
    description: 'Great Expectations suites (GX 1.x, or 0.18): every constraint and quality rule of each dataset, traced to the contract',
    load: async () => (await import('./quality.js')).qualityTarget,
  },
  {
    id: 'trino',
    description: 'Trino DDL: raw (JSON lines) and trusted (Parquet) tables over MinIO, PII-masked views, partition refresh',
    load: async () => (await import('./trino.js')).trinoTarget,
  },
  {
    id: 'unity-catalog',
    description: 'Unity Catalog OSS: REST payloads for the catalog, raw/trusted schemas and EXTERNAL tables, and an idempotent apply script',
    load: async () => (await import('./unity-catalog.js')).unityCatalogTarget,
  },
  {
    id: 'spark',
    description: 'PySpark raw → trusted jobs: explicit StructTypes, Debezium envelope decoding, latest state per key, contract checks with quarantine, partitioned Parquet',
    load: async () => (await import('./spark.js')).sparkTarget,
  },
  {
    id: 'airflow',
    description: 'Airflow DAGs (2.9+ or 3.x): wait for raw data, Spark job, quality suite, Trino and Unity Catalog refresh, per dataset',
    load: async () => (await import('./airflow.js')).airflowTarget,
  },
  {
    id: 'retention',
    description: "Retention in every layer: the raw objects' S3 lifecycle rules, and how Kafka, Cassandra and the trusted layer expire each dataset",
    load: async () => (await import('./retention.js')).retentionTarget,
  },
  {
    id: 'sync',
    description: 'Raw-layer sync: a Kafka Connect S3 sink for MinIO (Aiven) and a TypeScript sync service (kafkajs → S3) with its Kubernetes Deployment',
    load: async () => (await import('./sync.js')).syncTarget,
  },
  {
    id: 'docs',
    description: 'A catalog site: per dataset a Markdown page with a Mermaid lineage and a static HTML page with an SVG lineage, an index with client-side search; offline, no CDN',
    load: async () => (await import('./docs.js')).docsTarget,
  },
];

export function targetById(id: string): TargetInfo | undefined {
  return TARGETS.find((t) => t.id === id);
}

/** A target, or its registry entry: the pipeline runs either (tests hand it a target module directly). */
export type TargetLike = Target | TargetInfo;

export async function loadTarget(t: TargetLike): Promise<Target> {
  return 'run' in t ? t : t.load();
}
