/**
 * Names every target agrees on: one function per concept, so the Debezium config, the topic specs, the Avro
 * subjects, the sync, the lake and the docs can never disagree.
 */
import type { PlatformConfig } from '../config/config.js';
import type { Dataset } from './ir.js';
import { quoteTrino } from './names.js';

/** Kubernetes object names: lower-case RFC 1123 subdomains. Topic names that are not valid get a derived name. */
export function k8sName(topic: string): string {
  const n = topic
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .split('.')
    .map((seg) => seg.replace(/^-+|-+$/g, '') || 'x')
    .join('.');
  return n.slice(0, 253);
}

/** The contract's major version (0 when it is not semver). */
export function majorVersion(ds: Dataset): number {
  const m = /^(\d+)\./.exec(ds.contract.version);
  return m ? Number(m[1]) : 0;
}

/**
 * Naming for new major versions: from 2.0.0 on, a contract's artifacts carry the major version, so the old and
 * the new shape can live side by side while consumers migrate (topics `<topic>.v2`, lake tables `<name>_v2`).
 */
export function versionSuffix(ds: Dataset, sep: '.' | '_'): string {
  const major = majorVersion(ds);
  return major >= 2 ? `${sep}v${major}` : '';
}

/** The topic Debezium itself writes to: <topic.prefix>.<schema|database|keyspace>.<table> (its topic naming strategies). */
export function debeziumTopic(ds: Dataset, config: PlatformConfig): string | undefined {
  const src = ds.source;
  if (!src || !ds.cdc.enabled) return undefined;
  const middle = src.kind === 'postgres' ? src.schema : src.database;
  return `${config.naming.topicPrefix}.${middle}.${src.table}`;
}

/**
 * The CDC topic: the contract's override, else Debezium's name, with the major-version suffix for relational
 * sources (routed there by a RegexRouter in the connector; the Cassandra agent has no transforms, so its
 * topics keep Debezium's name).
 */
export function cdcTopic(ds: Dataset, config: PlatformConfig): string | undefined {
  if (ds.kafka.topic) return ds.kafka.topic;
  const t = debeziumTopic(ds, config);
  if (t === undefined) return undefined;
  return ds.source!.kind === 'cassandra' ? t : `${t}${versionSuffix(ds, '.')}`;
}

/** The physical table identity in its source system, case-folded the way the system folds unquoted names. */
export function sourceTableKey(ds: Dataset): string | undefined {
  const s = ds.source;
  if (!s) return undefined;
  return [s.kind, s.host, s.port, s.database, s.schema ?? '', s.table].join('/').toLowerCase();
}

/** Name of the dataset in the lake (trusted table, Unity Catalog, Trino, file names): lower snake case. */
export function lakeName(ds: Dataset): string {
  return (
    ds.name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9_]+/g, '_')
      .toLowerCase() + versionSuffix(ds, '_')
  );
}

/** Output file stem for per-dataset artifacts. */
export function fileStem(ds: Dataset): string {
  return lakeName(ds);
}

/**
 * The raw layer: one folder per CDC topic, written byte-exact by the sync as JSON lines
 * `{"key": <base64|null>, "value": <base64|null>, "offset": n, "timestamp": ms, "headers": [...]}`
 * (Aiven's jsonl output) under `dt=YYYY-MM-DD/hour=HH/`.
 */
export function rawLocation(ds: Dataset, config: PlatformConfig): string | undefined {
  const topic = cdcTopic(ds, config);
  return topic ? `s3a://${config.minio.buckets.raw}/${config.naming.rawPrefix}/${topic}/` : undefined;
}

/** The trusted layer: Parquet, partitioned as the contract says. */
export function trustedLocation(ds: Dataset, config: PlatformConfig): string {
  return `s3a://${config.minio.buckets.trusted}/${config.naming.trustedSchema}/${lakeName(ds)}/`;
}

/** Rows that break the contract, kept for inspection. */
export function quarantineLocation(ds: Dataset, config: PlatformConfig): string {
  return `s3a://${config.minio.buckets.quarantine}/${config.naming.trustedSchema}/${lakeName(ds)}/`;
}

/** The same location for S3 clients that want `s3://` (Unity Catalog, Airflow's S3 sensor). */
export function s3Url(s3a: string): string {
  return s3a.replace(/^s3a:\/\//, 's3://');
}

/** The dataset's tables in Trino: raw (JSON lines), trusted (Parquet) and the general-access masked view. */
export function trinoNames(ds: Dataset, config: PlatformConfig): { raw: string; trusted: string; masked: string } {
  const name = lakeName(ds);
  const { raw, trusted } = config.trino.catalogs;
  return {
    raw: `${raw}.${config.naming.rawSchema}.${quoteTrino(name)}`,
    trusted: `${trusted}.${config.naming.trustedSchema}.${quoteTrino(name)}`,
    masked: `${trusted}.${config.naming.trustedSchema}.${quoteTrino(`${name}_masked`)}`,
  };
}

/** The dataset's tables in Unity Catalog: catalog.schema.table for the raw and the trusted layer. */
export function ucNames(ds: Dataset, config: PlatformConfig): { raw: string; trusted: string } {
  const c = config.unityCatalog.catalog;
  return { raw: `${c}.${config.naming.rawSchema}.${lakeName(ds)}`, trusted: `${c}.${config.naming.trustedSchema}.${lakeName(ds)}` };
}

/** The Airflow DAG id of the dataset's raw → trusted pipeline. */
export function dagId(ds: Dataset): string {
  return `contractgen_${lakeName(ds)}`;
}
