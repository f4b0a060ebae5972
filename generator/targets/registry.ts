/** The static registry of targets, in the order they run and are listed. */
import { airflowTarget } from './airflow.js';
import { avroTarget } from './avro.js';
import { cassandraTarget } from './cassandra.js';
import { debeziumTarget } from './debezium.js';
import { docsTarget } from './docs.js';
import { kafkaTarget } from './kafka.js';
import { mysqlTarget } from './mysql.js';
import { parquetTarget } from './parquet.js';
import { postgresTarget } from './postgres.js';
import { qualityTarget } from './quality.js';
import { retentionTarget } from './retention.js';
import { sparkTarget } from './spark.js';
import { syncTarget } from './sync.js';
import { trinoTarget } from './trino.js';
import { unityCatalogTarget } from './unity-catalog.js';
import type { Target } from './target.js';

export const TARGETS: readonly Target[] = [postgresTarget, mysqlTarget, cassandraTarget, debeziumTarget, kafkaTarget, avroTarget, parquetTarget, qualityTarget, trinoTarget, unityCatalogTarget, sparkTarget, airflowTarget, retentionTarget, syncTarget, docsTarget];

export function targetById(id: string): Target | undefined {
  return TARGETS.find((t) => t.id === id);
}
