/**
 * Schema of contractgen.config.yaml: platform-wide settings. Versioned, and strict: every object rejects
 * unknown keys, so a typo never silently falls back to a default.
 */
import { DEBEZIUM_VERSIONS, SPARK_VERSIONS } from '../../config/config.js';

type S = Record<string, unknown>;

const str = { type: 'string', minLength: 1 };
const posInt = { type: 'integer', minimum: 1 };
const obj = (properties: S, required: string[] = []): S => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...(required.length ? { required } : {}),
});
const url = { type: 'string', pattern: '^https?://[^\\s]+$' };
/** SQL / Kafka-safe lowercase name. */
const ident = { type: 'string', pattern: '^[a-z_][a-z0-9_]*$', maxLength: 63 };
const bucket = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' };

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'];

export const configSchema: S = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://contractgen.dev/schemas/config-1.json',
  ...obj(
    {
      version: { const: 1 },
      project: obj({ name: ident, domain: str }, ['name']),
      naming: obj({
        topicPrefix: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', maxLength: 100 },
        rawPrefix: { type: 'string', pattern: '^[a-z0-9_-]+$' },
        trustedSchema: ident,
        rawSchema: ident,
      }),
      kafka: obj({
        bootstrapServers: str,
        cluster: str,
        namespace: str,
        strimziApiVersion: { enum: ['kafka.strimzi.io/v1', 'kafka.strimzi.io/v1beta2'] },
        topicDefaults: obj({
          partitions: posInt,
          replicas: posInt,
          minInsyncReplicas: posInt,
          compression: { enum: ['zstd', 'lz4', 'snappy', 'gzip', 'producer', 'uncompressed'] },
          maxSyncLagMs: posInt,
        }),
      }),
      connect: obj({
        url,
        cluster: str,
        namespace: str,
        // a Kubernetes Secret name (DNS-1123 subdomain) and a key of it (a file name under the mount)
        credentials: obj({ secretName: { type: 'string', pattern: '^[a-z0-9][-a-z0-9]*[a-z0-9]$', maxLength: 63 }, key: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253 } }),
      }),
      schemaRegistry: obj({ url, defaultCompatibility: { enum: COMPATIBILITY_LEVELS } }),
      minio: obj({
        endpoint: url,
        region: str,
        buckets: obj({ raw: bucket, trusted: bucket, quarantine: bucket }),
      }),
      trino: obj({
        tableFormat: { enum: ['hive', 'iceberg'] },
        catalogs: obj({ raw: ident, trusted: ident }),
        maskingKey: obj({ schema: ident, table: ident }),
        metastoreUri: { type: 'string', pattern: '^thrift://[^\\s,]+$' },
      }),
      iceberg: obj({
        sparkCatalog: ident,
        catalogType: { enum: ['hive', 'rest'] },
        uri: { type: 'string', pattern: '^(thrift|https?)://[^\\s]+$' },
      }),
      unityCatalog: obj({ catalog: ident, url }),
      airflow: obj({
        version: { enum: [2, 3] },
        owner: str,
        retries: { type: 'integer', minimum: 0 },
        retryDelayMinutes: { type: 'integer', minimum: 0 },
        sparkConnId: str,
        trinoConnId: str,
        s3ConnId: str,
        deadlineCallback: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$' },
      }),
      spark: obj({ version: { enum: [...SPARK_VERSIONS] } }),
      postgres: obj({ defaultSchema: ident }),
      lake: obj({ unsizedDecimal: obj({ precision: { type: 'integer', minimum: 1, maximum: 38 }, scale: { type: 'integer', minimum: 0, maximum: 38 } }, ['precision', 'scale']) }),
      quality: obj({ gxVersion: { type: 'string', pattern: '^(0\\.18(\\.[0-9]+)?|1\\.x|1\\.[0-9]+(\\.[0-9]+)?)$' } }),
      sync: obj({ connector: { enum: ['aiven'] }, maxRecords: posInt, maxBytes: posInt, maxAgeMs: posInt }),
      breaking: obj({ disabled: { type: 'array', items: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' }, uniqueItems: true } }),
      debezium: obj({
        version: { enum: [...DEBEZIUM_VERSIONS] },
        user: ident,
        maxSlotWalKeepSize: { type: 'string', pattern: '^[1-9][0-9]*(kB|MB|GB|TB)$' },
        snapshotMode: { enum: ['initial', 'always', 'no_data', 'initial_only', 'when_needed'] },
        publicationAutocreateMode: { enum: ['disabled', 'filtered'] },
        heartbeatIntervalMs: { type: 'integer', minimum: 0 },
        cassandra: obj({ cassandraYaml: str, workDir: str, configDir: str }),
      }),
    },
    ['version'],
  ),
};
