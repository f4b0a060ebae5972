/**
 * The CDC plan: which Debezium connector captures which datasets, and every name the CDC artifacts share
 * (connector, slot, publication, topics, subjects). The debezium, kafka and avro targets all read it, so their
 * names cannot drift apart.
 */
import { createHash } from 'node:crypto';
import type { PlatformConfig } from '../config/config.js';
import { cmp } from '../diagnostics/diagnostic.js';
import type { Dataset, SourceKind } from './ir.js';
import { cdcTopic } from './naming.js';

export interface CdcConnector {
  kind: SourceKind;
  /** Kafka Connect / Strimzi name, also the agent name for Cassandra */
  name: string;
  /** Debezium topic.prefix */
  topicPrefix: string;
  host: string;
  port: number;
  database: string;
  datasets: Dataset[];
  /** PostgreSQL only */
  slot?: string;
  publication?: string;
  /** MySQL only */
  serverId?: number;
  schemaHistoryTopic?: string;
  heartbeatTopic?: string;
  /** how keys and values are serialized on the connector's topics */
  converter: 'avro' | 'json';
}

const ident = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
const kebab = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

/** A deterministic MySQL server id (the binlog client id must be unique among the server's replicas). */
export function mysqlServerId(name: string): number {
  return 5400 + (createHash('sha256').update(name).digest().readUInt32BE(0) % 100_000);
}

/** One connector per source database; datasets in name order; connectors in name order. */
export function cdcConnectors(datasets: readonly Dataset[], config: PlatformConfig): CdcConnector[] {
  const groups = new Map<string, Dataset[]>();
  for (const ds of datasets) {
    const s = ds.source;
    if (!s || !ds.cdc.enabled || ds.primaryKey.length === 0) continue;
    const key = [s.kind, s.host, s.port, s.database].join('\0');
    groups.set(key, [...(groups.get(key) ?? []), ds]);
  }
  const prefix = config.naming.topicPrefix;
  const out: CdcConnector[] = [];
  for (const members of groups.values()) {
    const s = members[0]!.source!;
    const name = kebab(`${prefix}-${s.kind}-${s.database}`);
    const base: CdcConnector = {
      kind: s.kind,
      name,
      topicPrefix: prefix,
      host: s.host,
      port: s.port,
      database: s.database,
      datasets: [...members].sort((a, b) => cmp(a.name, b.name)),
      converter: s.kind === 'cassandra' ? 'json' : 'avro',
    };
    if (s.kind === 'postgres') {
      const slot = ident(`${prefix}_${s.database}`).slice(0, 59);
      out.push({ ...base, slot, publication: `${slot}_pub`, heartbeatTopic: `__debezium-heartbeat.${prefix}` });
    } else if (s.kind === 'mysql') {
      out.push({ ...base, serverId: mysqlServerId(name), schemaHistoryTopic: `__debezium-schema-history.${name}`, heartbeatTopic: `__debezium-heartbeat.${prefix}` });
    } else out.push(base);
  }
  return out.sort((a, b) => cmp(a.name, b.name));
}

/** The Debezium table identifier used in include/exclude lists: <schema>.<table> or <database>.<table>. */
export function tableId(ds: Dataset): string {
  const s = ds.source!;
  return `${s.kind === 'postgres' ? s.schema : s.database}.${s.table}`;
}

/** A Debezium filter regex matching exactly the given identifiers (dots escaped). */
export function exactRegexList(ids: readonly string[]): string {
  return ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(',');
}

/** Schema Registry subjects under TopicNameStrategy. */
export function subjects(topic: string): { key: string; value: string } {
  return { key: `${topic}-key`, value: `${topic}-value` };
}

/** The dead-letter topic of the raw-layer sync. */
export function syncDlqTopic(config: PlatformConfig): string {
  return `${config.naming.topicPrefix}.raw-sync.dlq`;
}

export function topicOf(ds: Dataset, config: PlatformConfig): string {
  return cdcTopic(ds, config)!;
}
