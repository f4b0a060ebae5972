/**
 * The releases of each consumer the generated artifacts are written and checked for (test/facts/<consumer>/ holds
 * the rules read from each one's source), and the config key that switches between them where they differ.
 * `contractgen targets` prints this list; docs/compatibility.md#supported-versions says the same, and a test keeps
 * the two together.
 */
export interface SupportedVersions {
  consumer: string;
  /** the releases, as a reader would say them */
  versions: string;
  /** the config key that selects among them, where the artifacts differ */
  switch?: string;
  /** the targets whose artifacts it consumes */
  targets: readonly string[];
}

export const SUPPORTED_VERSIONS: readonly SupportedVersions[] = [
  { consumer: 'Debezium', versions: '3.0 to 3.6 (the Source struct is versioned from 3.1, has origin fields from 3.5)', switch: 'debezium.version', targets: ['debezium', 'avro', 'spark'] },
  { consumer: 'Strimzi', versions: '1.x with kafka.strimzi.io/v1 (0.49 to 0.51 serve it too); 0.45 to 0.51 with kafka.strimzi.io/v1beta2', switch: 'kafka.strimziApiVersion', targets: ['kafka', 'debezium', 'sync'] },
  { consumer: 'Kafka Connect', versions: 'Apache Kafka 3.x and 4.x workers (config providers, KIP-297)', targets: ['debezium', 'sync'] },
  { consumer: "Aiven's S3 sink", versions: '3.4 (JSON lines, the raw layout; the only sink offered)', targets: ['sync'] },
  { consumer: 'Spark', versions: '3.5 and 4.0', switch: 'spark.version', targets: ['spark', 'airflow'] },
  { consumer: 'Airflow', versions: '2.9 to 2.11; 3.0 to 3.2 (Deadline Alerts from 3.1)', switch: 'airflow.version', targets: ['airflow'] },
  { consumer: 'Great Expectations', versions: '1.2 to 1.7; 0.18', switch: 'quality.gxVersion', targets: ['quality', 'spark'] },
  { consumer: 'Trino', versions: '461 and later, Hive or Iceberg connector', switch: 'trino.tableFormat', targets: ['trino', 'airflow'] },
  { consumer: 'Apache Iceberg', versions: "1.10.0's Spark runtime (Spark 3.5 and 4.0), with trino.tableFormat: iceberg", switch: 'trino.tableFormat', targets: ['spark', 'airflow'] },
  { consumer: 'Unity Catalog OSS', versions: '0.4.1 to 0.6.0', targets: ['unity-catalog'] },
];
