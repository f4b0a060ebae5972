/**
 * The Trino catalog files the trino target's DDL assumes, one per catalog it names (`etc/catalog/<catalog>.properties`:
 * the file name is the catalog's name): the raw catalog and, in Hive mode, the trusted one on the Hive connector;
 * with `trino.tableFormat: iceberg` the trusted one on the Iceberg connector. Property names, types and defaults
 * are Trino 461's (test/facts/trino/trino.json `catalogFiles`); a connector refuses a property it does not bind, so
 * each file holds only its connector's. Credentials are `${ENV:…}` references Trino resolves at load time.
 */
import type { PlatformConfig } from '../../config/config.js';
import { toProperties, type PropertiesSection } from './properties.js';

/**
 * The environment variables the catalogs read MinIO's credentials from (Trino's `${ENV:NAME}`): the names the
 * Spark jobs read them from too.
 */
export const TRINO_S3_CREDENTIAL_ENV = { accessKey: 'MINIO_ACCESS_KEY', secretKey: 'MINIO_SECRET_KEY' } as const;

/**
 * The Hive timestamp precision the DDL assumes: the type table gives Hive a plain `timestamp` (Trino's
 * `timestamp(3)`), and the Hive connector refuses to create a column of any precision but its configured one.
 */
export const HIVE_TIMESTAMP_PRECISION = 'MILLISECONDS';

export type TrinoConnector = 'hive' | 'iceberg';

/** The catalogs the DDL names, each with its connector: `trino.catalogs.raw` (Hive) and `trino.catalogs.trusted`. */
export function trinoCatalogs(config: PlatformConfig): Array<{ name: string; connector: TrinoConnector }> {
  const { raw, trusted } = config.trino.catalogs;
  const trustedConnector: TrinoConnector = config.trino.tableFormat === 'iceberg' ? 'iceberg' : 'hive';
  return raw === trusted ? [{ name: raw, connector: 'hive' }] : [{ name: raw, connector: 'hive' }, { name: trusted, connector: trustedConnector }];
}

function s3Section(config: PlatformConfig): PropertiesSection {
  return {
    comment: [
      "MinIO through Trino's native S3 file system, which serves the s3a:// locations of the DDL (and s3://, s3n://);",
      'the s3.* properties are bound only when it is enabled. MinIO is one endpoint with the buckets in the path, hence',
      "path-style access. The credentials are read from Trino's environment when the catalog loads (${ENV:NAME}; an",
      `unset variable fails the catalog): set ${TRINO_S3_CREDENTIAL_ENV.accessKey} and ${TRINO_S3_CREDENTIAL_ENV.secretKey} on every Trino node, never write them here.`,
    ].join('\n'),
    entries: [
      ['fs.native-s3.enabled', 'true'],
      ['s3.endpoint', config.minio.endpoint],
      ['s3.region', config.minio.region],
      ['s3.path-style-access', 'true'],
      ['s3.aws-access-key', `\${ENV:${TRINO_S3_CREDENTIAL_ENV.accessKey}}`],
      ['s3.aws-secret-key', `\${ENV:${TRINO_S3_CREDENTIAL_ENV.secretKey}}`],
    ],
  };
}

function roles(name: string, config: PlatformConfig): string {
  const { raw, trusted } = config.trino.catalogs;
  if (name === raw && name === trusted) return 'the raw tables, the trusted tables, the masked views and their key table';
  return name === raw ? 'the raw tables (the JSON lines of the sync)' : 'the trusted tables, the masked views and their key table';
}

function hiveCatalog(name: string, config: PlatformConfig): PropertiesSection[] {
  return [
    { comment: `Trino catalog "${name}": ${roles(name, config)},\non the Hive connector. Copy to etc/catalog/${name}.properties on every Trino node.`, entries: [['connector.name', 'hive']] },
    { comment: 'The Hive Metastore the tables are registered in (trino.metastoreUri).', entries: [['hive.metastore.uri', config.trino.metastoreUri]] },
    {
      comment: [
        'The Spark jobs write timestamps as Parquet INT64 TIMESTAMP(MICROS) with isAdjustedToUTC=true (UTC instants).',
        'Trino converts such values from UTC into this zone when it reads them; its default is the JVM default zone,',
        'so on a Trino not running in UTC every trusted timestamp would be shifted silently.',
      ].join('\n'),
      entries: [['hive.parquet.time-zone', 'UTC']],
    },
    {
      comment: [
        'The DDL declares plain `timestamp` (timestamp(3)); the Hive connector creates timestamp columns only at this',
        'precision and reads them at it, rounding the jobs\' microseconds half-up to milliseconds.',
      ].join('\n'),
      entries: [['hive.timestamp-precision', HIVE_TIMESTAMP_PRECISION]],
    },
    {
      comment: 'The raw and trusted tables are external (external_location over the buckets): allowed by default, set here so\nthat a site-wide catalog template cannot turn it off.',
      entries: [['hive.non-managed-table-creates-enabled', 'true']],
    },
    s3Section(config),
  ];
}

function icebergCatalog(name: string, config: PlatformConfig): PropertiesSection[] {
  const rest = config.iceberg.catalogType === 'rest';
  return [
    {
      comment: [
        `Trino catalog "${name}": ${roles(name, config)},`,
        `on the Iceberg connector. Copy to etc/catalog/${name}.properties on every Trino node.`,
        'Iceberg stores timestamps as UTC microseconds and has no time-zone or precision setting: the Hive lines of',
        'the raw catalog do not apply here (a property the connector does not bind fails the catalog).',
      ].join('\n'),
      entries: [['connector.name', 'iceberg']],
    },
    {
      comment: rest
        ? 'The Iceberg REST catalog the Spark jobs write through (iceberg.catalogType: rest, iceberg.uri).'
        : 'The Hive Metastore the Spark jobs\' Iceberg catalog writes to (iceberg.catalogType: hive, iceberg.uri).',
      entries: rest
        ? [
            ['iceberg.catalog.type', 'REST'],
            ['iceberg.rest-catalog.uri', config.iceberg.uri],
          ]
        : [
            ['iceberg.catalog.type', 'HIVE_METASTORE'],
            ['hive.metastore.uri', config.iceberg.uri],
          ],
    },
    s3Section(config),
  ];
}

/** The catalog files, at `catalog/<catalog>.properties` under the target's folder. */
export function trinoCatalogFiles(config: PlatformConfig): Array<{ path: string; content: string }> {
  return trinoCatalogs(config).map(({ name, connector }) => ({
    path: `catalog/${name}.properties`,
    content: `${toProperties(connector === 'hive' ? hiveCatalog(name, config) : icebergCatalog(name, config))}\n`,
  }));
}
