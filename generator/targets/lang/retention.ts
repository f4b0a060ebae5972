/**
 * A retention SLA in every layer that stores the data, in one place: the airflow target (the trusted layer's
 * expiry) and the retention target (the raw objects' S3 lifecycle, the summary) read it from here. Kafka's
 * retention.ms (kafka target) and Cassandra's default_time_to_live (cassandra target, where the contract opts in)
 * come from the same `sla.retentionMs`.
 */
import type { PlatformConfig } from '../../config/config.js';
import type { Dataset } from '../../model/ir.js';
import { cdcTopic, lakeName } from '../../model/naming.js';

const DAY = 86_400_000;

/** The retention SLA in whole days (rounded up: nothing goes before its time), or undefined when the contract has none. */
export function retentionDays(ds: Dataset): number | undefined {
  return ds.sla.retentionMs === undefined ? undefined : Math.ceil(ds.sla.retentionMs / DAY);
}

/** The raw objects of a dataset: its key prefix in the raw bucket, as the sync writes them. */
export function rawPrefix(ds: Dataset, config: PlatformConfig): string | undefined {
  const topic = cdcTopic(ds, config);
  return topic === undefined ? undefined : `${config.naming.rawPrefix}/${topic}/`;
}

/** An S3 lifecycle rule (PutBucketLifecycleConfiguration) that expires a dataset's raw objects after its retention. */
export interface LifecycleRule {
  ID: string;
  Status: 'Enabled';
  Filter: { Prefix: string };
  Expiration: { Days: number };
}

export function rawLifecycleRule(ds: Dataset, config: PlatformConfig): LifecycleRule | undefined {
  const days = retentionDays(ds);
  const prefix = rawPrefix(ds, config);
  if (days === undefined || prefix === undefined) return undefined;
  return { ID: `raw-${cdcTopic(ds, config)}`, Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: days } };
}

/**
 * How the trusted layer expires a dataset's old rows. The job rewrites the whole table from the raw events on every
 * run, so a key goes once the raw lifecycle has expired all of its events; a table whose first partition column is
 * a date also expires whole partitions older than the retention (the DAG's expire_trusted task).
 */
export type TrustedExpiry =
  | { kind: 'partitions'; column: string; days: number; bucket: string; prefix: string }
  | { kind: 'rebuild'; days: number }
  | { kind: 'none'; why: string };

export function trustedExpiry(ds: Dataset, config: PlatformConfig): TrustedExpiry {
  const days = retentionDays(ds);
  if (days === undefined) return { kind: 'none', why: 'the contract has no retention SLA' };
  if (!ds.partitionedBy.length) return { kind: 'rebuild', days };
  const first = ds.fields.find((f) => f.name === ds.partitionedBy[0]);
  if (!first || first.type.kind !== 'date') return { kind: 'none', why: `its first partition column ${ds.partitionedBy[0]} is not a date` };
  return { kind: 'partitions', column: first.physicalName, days, bucket: config.minio.buckets.trusted, prefix: `${config.naming.trustedSchema}/${lakeName(ds)}/` };
}
