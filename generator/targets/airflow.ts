/**
 * `airflow` target: one DAG per dataset (a dataset is the unit that has a raw topic, a job, a suite and tables,
 * and owners differ per dataset): wait for the raw partition (S3KeySensor on MinIO), the raw → trusted Spark job
 * (SparkSubmitOperator), the quality suite (SparkSubmitOperator running quality_runner.py), then refresh Trino
 * (SQLExecuteQueryOperator on a Trino connection) and Unity Catalog. Schedule from the contract's frequency SLA,
 * SLA from its freshness, owner from its team, the trusted table as a Dataset (Airflow 2) or Asset (Airflow 3)
 * for downstream scheduling. `airflow.version: 3` switches the imports.
 */
import type { PlatformConfig } from '../config/config.js';
import type { Dataset } from '../model/ir.js';
import { cdcTopic, dagId, lakeName, s3Url, trustedLocation } from '../model/naming.js';
import { datasetHeader } from './lang/comments.js';
import { pyString } from './lang/python.js';
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

export function dagSource(ds: Dataset, config: PlatformConfig, template: (v: unknown) => string): string {
  const name = lakeName(ds);
  const topic = cdcTopic(ds, config)!;
  const af3 = config.airflow.version === 3;
  const trusted = trustedLocation(ds, config);
  const sync = (cat: string, schema: string) => `CALL ${cat}.system.sync_partition_metadata(schema_name => '${schema}', table_name => '${name}', mode => 'ADD')`;
  const trinoSql =
    config.trino.tableFormat === 'hive'
      ? [sync(config.trino.catalogs.raw, config.naming.rawSchema), ...(ds.partitionedBy.length ? [sync(config.trino.catalogs.trusted, config.naming.trustedSchema)] : [])]
      : [`SELECT count(*) FROM ${config.trino.catalogs.trusted}.${config.naming.trustedSchema}.${name}`];
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
    slaMinutes: Math.max(1, Math.round((ds.sla.freshnessMs ?? 3_600_000) / 60_000)),
    s3ConnId: pyString(config.airflow.s3ConnId),
    rawBucket: pyString(config.minio.buckets.raw),
    rawKey: pyString(`${config.naming.rawPrefix}/${topic}/dt={{ ds }}/*`),
    sparkConnId: pyString(config.airflow.sparkConnId),
    sparkJob: pyString(`spark/${name}_job.py`),
    packages: pyString(ds.source!.kind === 'cassandra' ? 'org.apache.hadoop:hadoop-aws:3.3.4' : 'org.apache.spark:spark-avro_2.12:3.5.3,org.apache.hadoop:hadoop-aws:3.3.4'),
    sparkName: pyString(`contractgen-${name}`),
    suite: pyString(`quality/${name}.json`),
    trustedPath: pyString(trusted),
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
