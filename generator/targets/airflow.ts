/**
 * `airflow` target: one DAG per dataset (a dataset is the unit that has a raw topic, a job, a suite and tables,
 * and owners differ per dataset): wait for the raw partition (S3KeySensor on MinIO), the raw → trusted Spark job
 * (SparkSubmitOperator), the quality suite (SparkSubmitOperator running quality_runner.py), the expiry of trusted
 * partitions past the retention SLA (date-partitioned tables), then refresh Trino (SQLExecuteQueryOperator on a
 * Trino connection) and Unity Catalog. Schedule from the contract's frequency SLA, owner from its team.
 *
 * The trusted table is a Dataset (Airflow 2) or Asset (Airflow 3) on refresh_trino: an event is recorded only when
 * the declaring task succeeds, so downstream DAGs start after the quality suite passed and Trino sees the data.
 *
 * The freshness SLA: data changed just after a run waits one update interval, so a run must end within
 * freshness − frequency of its scheduled time (the whole freshness when the contract gives no frequency). Airflow
 * 2 checks that as the tasks' `sla`. Airflow 3 ignores `sla` (a warning in the logs only); there it is a
 * DAG-level Deadline Alert (Airflow 3.1+, experimental) calling `airflow.deadlineCallback`, or nothing when that
 * is unset (the DAG's docstring says so). `airflow.version: 3` switches to the Airflow 3 modules: airflow.sdk and
 * the standard provider's operators, not the shims Airflow 3.2 announces removing.
 */
import type { PlatformConfig } from '../config/config.js';
import type { Dataset } from '../model/ir.js';
import { quoteTrino } from '../model/names.js';
import { cdcTopic, dagId, lakeName, s3Url, trinoNames, trustedLocation } from '../model/naming.js';
import { datasetHeader } from './lang/comments.js';
import { icebergRuntime, icebergSparkConf, sparkTrustedTable } from './lang/iceberg.js';
import { pyString } from './lang/python.js';
import { trustedExpiry } from './lang/retention.js';
import { sparkPackages } from './lang/spark-packages.js';
import { served, type OutputFile, type Target } from './target.js';

/** Cron for a frequency SLA (`15m`, `1h`, `1d` …); hourly when the contract gives none. */
export function scheduleOf(ds: Dataset): string {
  const m = /^(\d+)\s*(m|min|minutes?|h|hours?|d|days?)$/i.exec(ds.sla.frequency ?? '');
  if (!m) return '@hourly';
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase()[0];
  if (unit === 'm') return n >= 60 ? '@hourly' : `*/${n} * * * *`;
  if (unit === 'h') return n === 1 ? '@hourly' : `0 */${n} * * *`;
  return '@daily';
}

/** How long a run may take and still meet the freshness SLA, in minutes (see the module comment). */
export function freshnessBudgetMinutes(ds: Dataset): number {
  const freshness = ds.sla.freshnessMs ?? 3_600_000;
  const frequency = ds.sla.frequencyMs;
  const budget = frequency !== undefined && frequency < freshness ? freshness - frequency : freshness;
  return Math.max(1, Math.round(budget / 60_000));
}

export function dagSource(ds: Dataset, config: PlatformConfig, template: (v: unknown) => string): string {
  const name = lakeName(ds);
  const topic = cdcTopic(ds, config)!;
  const af3 = config.airflow.version === 3;
  const trusted = trustedLocation(ds, config);
  const hive = config.trino.tableFormat === 'hive';
  const expiry = trustedExpiry(ds, config);
  // FULL: partitions the job wrote are added, partitions the raw lifecycle or the expiry deleted are dropped
  const sync = (cat: string, schema: string) => `CALL ${cat}.system.sync_partition_metadata(schema_name => '${schema}', table_name => '${name}', mode => 'FULL')`;
  const trustedTable = trinoNames(ds, config).trusted;
  const trinoSql = hive
    ? [sync(config.trino.catalogs.raw, config.naming.rawSchema), ...(ds.partitionedBy.length ? [sync(config.trino.catalogs.trusted, config.naming.trustedSchema)] : [])]
    : [
        // the raw layer is a Hive table in either mode; the trusted Iceberg table needs no partition sync
        sync(config.trino.catalogs.raw, config.naming.rawSchema),
        // Iceberg tracks its own files: the expiry is a DELETE of whole partitions, by the run's date (UTC), not
        // Trino's session clock, so a rerun or backfill expires the same rows
        ...(expiry.kind === 'partitions' ? [`DELETE FROM ${trustedTable} WHERE ${quoteTrino(expiry.column)} < DATE '{{ ds }}' - INTERVAL '${expiry.days}' DAY`] : []),
        // each run's snapshot replaces the whole table: older snapshots (deleted and expired rows, readable by time
        // travel) and the files only they hold go after Trino's minimum retention (iceberg.expire-snapshots.min-retention
        // and iceberg.remove-orphan-files.min-retention, 7 days by default)
        `ALTER TABLE ${trustedTable} EXECUTE expire_snapshots(retention_threshold => '7d')`,
        `ALTER TABLE ${trustedTable} EXECUTE remove_orphan_files(retention_threshold => '7d')`,
        `SELECT count(*) FROM ${trustedTable}`,
      ];
  const budget = freshnessBudgetMinutes(ds);
  const callback = config.airflow.deadlineCallback;
  const freshnessNote = !af3
    ? `Freshness SLA: each task must end within ${budget} minutes of its scheduled time (Airflow 2 \`sla\`).`
    : callback
      ? `Freshness SLA: a Deadline Alert (Airflow 3.1+, experimental) calls ${callback} when a run has not ended ${budget} minutes after it was queued.`
      : 'Freshness SLA: not enforced here. Airflow 3 ignores `sla`; set airflow.deadlineCallback for a Deadline Alert (Airflow 3.1+).';
  return template({
    ...datasetHeader(ds),
    af3,
    airflowVersion: af3 ? '3.x' : '2.9+',
    assetClass: af3 ? 'Asset' : 'Dataset',
    trustedUri: pyString(s3Url(trusted)),
    ucTableFile: pyString(`unity-catalog/tables/${config.naming.trustedSchema}.${name}.json`),
    ucUrl: pyString(`${config.unityCatalog.url}/api/2.1/unity-catalog`),
    dagId: pyString(dagId(ds)),
    description: pyString(`${ds.name}: raw CDC events of ${topic} -> trusted ${name}`),
    schedule: pyString(scheduleOf(ds)),
    tags: ['contractgen', ds.contract.domain ?? 'data', name].map(pyString).join(', '),
    ownerLiteral: pyString(ds.owner.team ?? config.airflow.owner),
    retries: config.airflow.retries,
    retryDelay: config.airflow.retryDelayMinutes,
    slaMinutes: af3 ? false : budget,
    freshnessNote,
    deadline: af3 && callback ? { minutes: budget, callback: pyString(callback), kwargs: `{"dag_id": ${pyString(dagId(ds))}, "freshness_minutes": ${Math.round((ds.sla.freshnessMs ?? 3_600_000) / 60_000)}}` } : false,
    expiry:
      hive && expiry.kind === 'partitions'
        ? { bucket: pyString(expiry.bucket), prefix: pyString(expiry.prefix), column: pyString(expiry.column), days: expiry.days }
        : false,
    s3ConnId: pyString(config.airflow.s3ConnId),
    s3Endpoint: pyString(config.minio.endpoint),
    rawBucket: pyString(config.minio.buckets.raw),
    rawKey: pyString(`${config.naming.rawPrefix}/${topic}/dt={{ ds }}/*`),
    sparkConnId: pyString(config.airflow.sparkConnId),
    sparkJob: pyString(`spark/${name}_job.py`),
    packages: pyString([sparkPackages(config.spark.version, ds.source!.kind !== 'cassandra'), ...(hive ? [] : [icebergRuntime(config.spark.version)])].join(',')),
    qualityPackages: pyString([sparkPackages(config.spark.version, false), ...(hive ? [] : [icebergRuntime(config.spark.version)])].join(',')),
    // Iceberg: the suite reads the table through the catalog (the files under its location include replaced snapshots')
    qualityConf: hive ? false : `{${icebergSparkConf(config).map(([k, v]) => `${pyString(k)}: ${pyString(v)}`).join(', ')}}`,
    // Unity Catalog OSS has no Iceberg format: the trusted Iceberg table is not registered there
    uc: hive,
    pythonOperator: hive, // refresh_unity_catalog and expire_trusted are Hive-mode tasks
    sparkName: pyString(`contractgen-${name}`),
    suite: pyString(`quality/${name}.json`),
    trustedPath: pyString(hive ? trusted : sparkTrustedTable(ds, config)),
    qualityName: pyString(`contractgen-quality-${name}`),
    trinoConnId: pyString(config.airflow.trinoConnId),
    trinoSql: trinoSql.map(pyString),
  });
}

export const airflowTarget: Target = {
  id: 'airflow',
  description: 'Airflow DAGs (2.9+ or 3.x): wait for raw data, Spark job, quality suite, Trino and Unity Catalog refresh, per dataset',
  run(model, ctx) {
    const files: OutputFile[] = [];
    const datasets = served('airflow', model, ctx.config);
    for (const ds of datasets) {
      files.push({ path: `${lakeName(ds)}_dag.py`, content: dagSource(ds, ctx.config, ctx.template('airflow/dag.py')), kind: 'py', sources: [ds.contract.file] });
    }
    return { files, diagnostics: [] };
  },
};
