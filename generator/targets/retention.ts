/**
 * `retention` target: a contract's retention SLA in every layer that stores the data, and what carries it out.
 * - raw-lifecycle.json: the raw bucket's S3 lifecycle configuration (PutBucketLifecycleConfiguration, or MinIO's
 *   `mc ilm rule import`), one rule per raw topic prefix that expires objects after the retention. It replaces
 *   the bucket's lifecycle configuration as a whole, so it holds every dataset's rule.
 * - README.md: per dataset, each layer and how its data expires: Kafka (retention.ms, kafka target), Cassandra
 *   (default_time_to_live where the contract opts in, cassandra target), the raw objects (this lifecycle), the
 *   trusted table (the DAG's expire_trusted task for date partitions, the rebuild from raw otherwise).
 * TTL expiry in Cassandra emits no change event: nothing reaches the lake when a row expires there, so each lake
 * layer expires the same rows itself, by the same retention.
 */
import { cmp } from '../diagnostics/diagnostic.js';
import { rawLifecycleRule, rawPrefix, retentionDays, trustedExpiry, type LifecycleRule } from './lang/retention.js';
import { served, type OutputFile, type Target } from './target.js';

export const retentionTarget: Target = {
  id: 'retention',
  description: 'Retention in every layer: the raw objects\' S3 lifecycle rules, and how Kafka, Cassandra and the trusted layer expire each dataset',
  run(model, ctx) {
    const config = ctx.config;
    const datasets = served('retention', model, config);
    const files: OutputFile[] = [];
    if (!datasets.length) return { files, diagnostics: [] };
    const rules = datasets.map((ds) => rawLifecycleRule(ds, config)).filter((r): r is LifecycleRule => r !== undefined).sort((a, b) => cmp(a.ID, b.ID));
    const sources = [...new Set(datasets.map((d) => d.contract.file))];
    if (rules.length) files.push({ path: 'raw-lifecycle.json', content: `${JSON.stringify({ Rules: rules }, null, 2)}\n`, kind: 'json', sources });
    const rows = datasets.map((ds) => {
      const days = retentionDays(ds);
      const expiry = trustedExpiry(ds, config);
      const policy = ds.kafka.cleanupPolicy ?? 'compact';
      return {
        dataset: ds.name,
        retention: days === undefined ? 'none' : `${days} days`,
        kafka: policy === 'delete' ? `\`retention.ms\` = ${ds.sla.retentionMs ?? 7 * 86_400_000}` : 'compacted: the latest event of every key is kept',
        cassandra: ds.source?.kind !== 'cassandra' ? '—' : ds.cassandraTtlSeconds !== undefined ? `\`default_time_to_live\` = ${ds.cassandraTtlSeconds} s, TimeWindowCompactionStrategy` : 'kept (the contract does not set `contractgen.cassandra.ttl`)',
        raw: days === undefined ? 'kept' : `S3 lifecycle: \`${rawPrefix(ds, config)}\` expires after ${days} days`,
        trusted:
          expiry.kind === 'partitions'
            ? `partitions \`${expiry.column}\` older than ${expiry.days} days: deleted by the DAG's \`expire_trusted\` task, dropped from Trino by its refresh`
            : expiry.kind === 'rebuild'
              ? `rebuilt from the raw events on every run: a key goes once the lifecycle has expired all of its events`
              : `kept: ${expiry.why}`,
      };
    });
    files.push({
      path: 'README.md',
      content: ctx.template('retention/README.md')({ bucket: config.minio.buckets.raw, rows, hasRules: rules.length > 0 }),
      kind: 'md',
      sources,
    });
    return { files, diagnostics: [] };
  },
};
