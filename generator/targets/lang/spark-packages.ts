/**
 * The spark-submit --packages of each supported Spark version (the spark target prints both in each job's header;
 * the airflow target submits with the one `spark.version` selects): spark-avro built for the cluster's Scala binary
 * version at its Spark release, and hadoop-aws at the Hadoop version Spark is built with (3.5: Scala 2.12, Hadoop
 * 3.3.4; 4.0: Scala 2.13, Hadoop 3.4.1; test/facts/spark/build.json cites Spark's pom.xml).
 */
import type { SparkVersion } from '../../config/config.js';

export const SPARK_PACKAGES: Readonly<Record<SparkVersion, { avro: string; hadoopAws: string }>> = {
  '3.5': { avro: 'org.apache.spark:spark-avro_2.12:3.5.3', hadoopAws: 'org.apache.hadoop:hadoop-aws:3.3.4' },
  '4.0': { avro: 'org.apache.spark:spark-avro_2.13:4.0.0', hadoopAws: 'org.apache.hadoop:hadoop-aws:3.4.1' },
};

/** The --packages of a job: spark-avro only where it decodes Avro (the relational sources), hadoop-aws always. */
export function sparkPackages(version: SparkVersion, avro: boolean): string {
  const p = SPARK_PACKAGES[version];
  return [...(avro ? [p.avro] : []), p.hadoopAws].join(',');
}
