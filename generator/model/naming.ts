/**
 * Names every target agrees on: one function per concept, so the Debezium config, the topic specs, the Avro
 * subjects, the sync, the lake and the docs can never disagree.
 */
import type { PlatformConfig } from '../config/config.js';
import type { Dataset } from './ir.js';

/** Debezium's DefaultTopicNamingStrategy: <topic.prefix>.<schema|database|keyspace>.<table>. */
export function cdcTopic(ds: Dataset, config: PlatformConfig): string | undefined {
  if (ds.kafka.topic) return ds.kafka.topic;
  const src = ds.source;
  if (!src || !ds.cdc.enabled) return undefined;
  const middle = src.kind === 'postgres' ? src.schema : src.database;
  return `${config.naming.topicPrefix}.${middle}.${src.table}`;
}

/** The physical table identity in its source system, case-folded the way the system folds unquoted names. */
export function sourceTableKey(ds: Dataset): string | undefined {
  const s = ds.source;
  if (!s) return undefined;
  return [s.kind, s.host, s.port, s.database, s.schema ?? '', s.table].join('/').toLowerCase();
}

/** Name of the dataset in the lake (trusted table, Unity Catalog, Trino, file names): lower snake case. */
export function lakeName(ds: Dataset): string {
  return ds.name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();
}

/** Output file stem for per-dataset artifacts. */
export function fileStem(ds: Dataset): string {
  return lakeName(ds);
}
