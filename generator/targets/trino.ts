/**
 * `trino` target: per dataset, the raw table (the CDC topic's JSON lines), the trusted table (Parquet on
 * `s3a://`, partition columns last) and a view that hides personal data; plus the schemas and the partition
 * refresh Airflow runs. Hive connector by default (Trino's Hive connector cannot create uuid, json or
 * `timestamp with time zone` columns, so the type table gives it varchar and timestamp); Iceberg with
 * `trino.tableFormat: iceberg`. The masked views hash personal text with a key (pii-key.sql: the restricted
 * table it is read from; the key itself never comes from here).
 */
import type { PlatformConfig } from '../config/config.js';
import type { Dataset, Field } from '../model/ir.js';
import { lakeName, rawLocation, trinoNames, trustedLocation } from '../model/naming.js';
import { quoteTrino, sqlString } from '../model/names.js';
import { mapType } from '../model/types.js';
import { columnComment, datasetHeader, datasetNotes } from './lang/comments.js';
import { trinoCatalogFiles } from './lang/trino-catalog.js';
import { served, type OutputFile, type Target, type TargetContext } from './target.js';

/** The table properties contractgen writes, per connector (Trino's Hive and Iceberg docs). */
export const TRINO_TABLE_PROPERTIES = { hive: ['format', 'external_location', 'partitioned_by'], iceberg: ['format', 'location', 'partitioning'] };

export function trinoType(f: Field, config: PlatformConfig): string {
  return mapType(f.type).trino[config.trino.tableFormat];
}

/** The table the masked views read their hash key from: `<trusted catalog>.<maskingKey.schema>.<maskingKey.table>`. */
export function maskingKeyTable(config: PlatformConfig): string {
  return `${config.trino.catalogs.trusted}.${config.trino.maskingKey.schema}.${config.trino.maskingKey.table}`;
}

/** Whether a personal column is hashed in the general-access view (text is; other types are coarsened or nulled). */
function hashed(f: Field, config: PlatformConfig): boolean {
  const k = f.type.kind;
  return f.pii && !['date', 'timestamp', 'timestamp_ntz', 'float32', 'float64', 'decimal'].includes(k) && trinoType(f, config).startsWith('varchar');
}

/**
 * How a personal column appears in the general-access view. Text is hashed with a key (hmac_sha256): an unkeyed
 * hash of a CPF, a phone number or an e-mail address is reversed by hashing every candidate. The key is read
 * from a table only the view's owner may read (the view runs as its owner: SECURITY DEFINER), one row, never in
 * git. No row gives NULL hashes, two rows an error: the view fails closed.
 */
function masked(f: Field, col: string, config: PlatformConfig): string {
  if (!f.pii) return col;
  const k = f.type.kind;
  if (k === 'date') return `date_trunc('year', ${col}) AS ${col}`;
  if (k === 'timestamp' || k === 'timestamp_ntz') return `date_trunc('day', ${col}) AS ${col}`;
  if (k === 'float32' || k === 'float64' || k === 'decimal') return `round(${col}, 2) AS ${col}`;
  if (hashed(f, config)) return `to_hex(hmac_sha256(to_utf8(${col}), (SELECT "key" FROM ${maskingKeyTable(config)}))) AS ${col}`;
  return `CAST(NULL AS ${trinoType(f, config)}) AS ${col}`;
}

export function trinoDatasetSql(ds: Dataset, ctx: TargetContext): string {
  const config = ctx.config;
  const iceberg = config.trino.tableFormat === 'iceberg';
  const { raw: rawTable, trusted: trustedTable, masked: maskedView } = trinoNames(ds, config);
  const commentOf = (f: Field) => {
    const c = columnComment(f);
    return c ? ` COMMENT ${sqlString(c)}` : '';
  };
  // partition columns last, in partition order
  const part = ds.partitionedBy.map((n) => ds.fields.find((f) => f.name === n)!);
  const ordered = [...ds.fields.filter((f) => !ds.partitionedBy.includes(f.name)), ...part];
  const cols = ordered.map((f) => `${quoteTrino(f.physicalName)} ${trinoType(f, config)}${commentOf(f)}`);
  const partNames = part.map((f) => sqlString(f.physicalName));
  const trustedProps = iceberg
    ? [`format = 'PARQUET'`, `location = ${sqlString(trustedLocation(ds, config))}`, ...(partNames.length ? [`partitioning = ARRAY[${partNames.join(', ')}]`] : [])]
    : [`format = 'PARQUET'`, `external_location = ${sqlString(trustedLocation(ds, config))}`, ...(partNames.length ? [`partitioned_by = ARRAY[${partNames.join(', ')}]`] : [])];
  const rawColumns = [
    `"key" varchar COMMENT 'message key, base64 (null for none)'`,
    `"value" varchar COMMENT 'message value, base64 (null for a tombstone)'`,
    `"offset" bigint COMMENT 'Kafka offset'`,
    `"timestamp" varchar COMMENT 'Kafka timestamp, ISO-8601 UTC (null when the record has none)'`,
    `dt varchar COMMENT 'partition: UTC date of the Kafka timestamp'`,
    `hour varchar COMMENT 'partition: UTC hour of the Kafka timestamp'`,
  ];
  // The raw layer is the sync's JSON lines, already in place: a Hive external table in either mode (Iceberg has no
  // JSON format, refuses a table on a non-empty location and reads only the files its snapshots list).
  const rawProps = [`format = 'JSON'`, `external_location = ${sqlString(rawLocation(ds, config) ?? '')}`, `partitioned_by = ARRAY['dt', 'hour']`];
  const comma = (xs: string[]) => xs.map((x, i) => (i < xs.length - 1 ? `${x},` : x));
  return ctx.template('trino/dataset.sql')({
    ...datasetHeader(ds),
    connectorNote: iceberg
      ? `Raw: Hive connector (${config.trino.catalogs.raw}), an external table over the JSON lines. Trusted: Iceberg connector (${config.trino.catalogs.trusted}); the Spark job writes it through Iceberg, so create it before the job's first run.`
      : 'Hive connector: external tables over the MinIO buckets.',
    trustedNote: iceberg ? 'an Iceberg table the Spark job writes through its Iceberg catalog' : 'Parquet written by the Spark job',
    topic: rawLocation(ds, config) ? rawLocation(ds, config)!.split('/').slice(-2, -1)[0] : 'none',
    rawTable,
    rawColumns: comma(rawColumns),
    rawComment: sqlString(`Raw CDC events of ${ds.name}`),
    rawProperties: comma(rawProps),
    trustedTable,
    trustedColumns: comma(cols),
    trustedComment: sqlString(`${ds.description ?? ds.name}${ds.owner.team ? ` Owner: ${ds.owner.team}.` : ''}${datasetNotes(ds)}`),
    trustedProperties: comma(trustedProps),
    viewName: maskedView,
    viewComment: sqlString(`${ds.name} without personal data: PII columns hashed with a key or coarsened`),
    viewColumns: comma(ordered.map((f) => masked(f, quoteTrino(f.physicalName), config))),
  });
}

export const trinoTarget: Target = {
  id: 'trino',
  description: 'Trino DDL: raw (JSON lines) and trusted (Parquet) tables over MinIO, PII-masked views, partition refresh',
  run(model, ctx) {
    const config = ctx.config;
    const files: OutputFile[] = [];
    const datasets = served('trino', model, config);
    if (!datasets.length) return { files, diagnostics: [] };
    const all = datasets.map((d) => d.contract.file);
    const schema = (cat: string, s: string, bucket: string) => `CREATE SCHEMA IF NOT EXISTS ${cat}.${s}\nWITH (location = ${sqlString(`s3a://${bucket}/${s === config.naming.rawSchema ? config.naming.rawPrefix : s}/`)});`;
    files.push({
      path: 'schemas.sql',
      content: [schema(config.trino.catalogs.raw, config.naming.rawSchema, config.minio.buckets.raw), schema(config.trino.catalogs.trusted, config.naming.trustedSchema, config.minio.buckets.trusted)].join('\n\n') + '\n',
      kind: 'sql',
      sources: all,
    });
    // the catalogs the DDL names, as etc/catalog/ files: Parquet timestamps in UTC, MinIO, credentials from the environment
    for (const f of trinoCatalogFiles(config)) files.push({ ...f, kind: 'properties', sources: all });
    const keyed = datasets.filter((ds) => ds.fields.some((f) => hashed(f, config)));
    if (keyed.length) {
      const keySchema = config.trino.maskingKey.schema;
      files.push({
        path: 'pii-key.sql',
        content: ctx.template('trino/pii-key.sql')({
          keyTable: maskingKeyTable(config),
          schema: `${config.trino.catalogs.trusted}.${keySchema}`,
          location: sqlString(`s3a://${config.minio.buckets.trusted}/${keySchema}/`),
          views: keyed.map((ds) => trinoNames(ds, config).masked).join(', '),
        }),
        kind: 'sql',
        sources: keyed.map((d) => d.contract.file),
      });
    }
    for (const ds of datasets) {
      files.push({ path: `${lakeName(ds)}.sql`, content: trinoDatasetSql(ds, ctx), kind: 'sql', sources: [ds.contract.file] });
      {
        const hive = config.trino.tableFormat === 'hive';
        const call = (cat: string, schemaName: string) => `CALL ${cat}.system.sync_partition_metadata(schema_name => ${sqlString(schemaName)}, table_name => ${sqlString(lakeName(ds))}, mode => 'FULL');`;
        files.push({
          path: `${lakeName(ds)}.refresh.sql`,
          content: `-- Partition directories written since the last run become visible to Trino; those the retention expired go.\n${call(config.trino.catalogs.raw, config.naming.rawSchema)}\n${!hive ? `-- ${lakeName(ds)} is an Iceberg table in the trusted layer: Iceberg records its own files, nothing to sync.` : ds.partitionedBy.length ? call(config.trino.catalogs.trusted, config.naming.trustedSchema) : `-- ${lakeName(ds)} is not partitioned: nothing to sync in the trusted layer.`}\n`,
          kind: 'sql',
          sources: [ds.contract.file],
        });
      }
    }
    return { files, diagnostics: [] };
  },
};
