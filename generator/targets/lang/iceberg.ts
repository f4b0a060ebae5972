/**
 * The trusted tables with `trino.tableFormat: iceberg`, as the spark and airflow targets share them: the table the
 * jobs write through Iceberg's Spark catalog, the Spark config of that catalog, and the Iceberg runtime each Spark
 * version needs (apache/iceberg 1.10.0: iceberg-spark-runtime-<spark>_<scala>; test/facts/iceberg/).
 */
import type { PlatformConfig } from '../../config/config.js';
import type { Dataset } from '../../model/ir.js';
import { lakeName } from '../../model/naming.js';

export const icebergMode = (config: PlatformConfig): boolean => config.trino.tableFormat === 'iceberg';

/** The Iceberg release whose Spark runtime the jobs are submitted with. */
export const ICEBERG_RUNTIME_VERSION = '1.10.0';

/** iceberg-spark-runtime for a Spark version, built for that Spark's Scala binary version (3.5: 2.12; 4.0: 2.13). */
export function icebergRuntime(spark: '3.5' | '4.0'): string {
  return `org.apache.iceberg:iceberg-spark-runtime-${spark}_${spark === '3.5' ? '2.12' : '2.13'}:${ICEBERG_RUNTIME_VERSION}`;
}

/** The trusted table as Spark names it: `<iceberg.sparkCatalog>.<trustedSchema>.<dataset>` (Trino: the same schema and name). */
export function sparkTrustedTable(ds: Dataset, config: PlatformConfig): string {
  return `${config.iceberg.sparkCatalog}.${config.naming.trustedSchema}.${lakeName(ds)}`;
}

/** The Spark config of the Iceberg catalog: the keys Iceberg's SparkCatalog reads (`type`, `uri`). */
export function icebergSparkConf(config: PlatformConfig): Array<[string, string]> {
  const prefix = `spark.sql.catalog.${config.iceberg.sparkCatalog}`;
  return [
    [prefix, 'org.apache.iceberg.spark.SparkCatalog'],
    [`${prefix}.type`, config.iceberg.catalogType],
    [`${prefix}.uri`, config.iceberg.uri],
  ];
}
