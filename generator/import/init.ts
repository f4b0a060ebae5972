/**
 * `contractgen init`: the files of a new repository of contracts, as text (the CLI writes them). The config is
 * derived from the config type and its defaults (config/config.ts): CONFIG_DOCS must document every key of
 * PlatformConfig — the compiler enforces it — so the scaffolded file cannot drift from what contractgen reads.
 */
import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import { DEFAULT_CONFIG, mergeConfig, type PlatformConfig } from '../config/config.js';

/** A comment for every key, and for every section (`_`). */
type Docs<T> = { [K in keyof T]-?: T[K] extends readonly unknown[] ? string : T[K] extends object ? { _: string } & Docs<T[K]> : string };

export const CONFIG_DOCS: Docs<PlatformConfig> = {
  version: 'Version of this file’s format. Always 1.',
  project: { _: 'The project.', name: 'Project name: a lower-case identifier ([a-z_][a-z0-9_]*), used in generated names.', domain: 'Business domain, shown in the docs site.' },
  naming: {
    _: 'Names every target shares.',
    topicPrefix: "Debezium's topic.prefix: CDC topics are <topicPrefix>.<schema|database|keyspace>.<table>.",
    rawPrefix: 'Folder of the raw layer in the raw bucket (byte-exact CDC events).',
    trustedSchema: 'Schema (Trino, Unity Catalog) and folder of the trusted layer.',
    rawSchema: 'Schema (Trino, Unity Catalog) of the raw layer.',
  },
  kafka: {
    _: 'The Kafka cluster (Strimzi).',
    bootstrapServers: 'Bootstrap servers, host:port[,host:port].',
    cluster: 'Strimzi Kafka cluster name (the strimzi.io/cluster label of KafkaTopic resources).',
    namespace: 'Kubernetes namespace of the KafkaTopic resources.',
    strimziApiVersion: 'KafkaTopic API version: kafka.strimzi.io/v1 (Strimzi 0.49+) or kafka.strimzi.io/v1beta2.',
    topicDefaults: {
      _: 'Defaults of every CDC topic; a contract overrides them with contractgen.kafka.*.',
      partitions: 'Partitions per topic.',
      replicas: 'Replication factor.',
      minInsyncReplicas: 'min.insync.replicas; at most replicas.',
      compression: 'compression.type: zstd, lz4, snappy, gzip, producer or uncompressed.',
      maxSyncLagMs: 'Longest the raw-layer sync may lag a compacted topic: its min.compaction.lag.ms and delete.retention.ms.',
    },
  },
  connect: {
    _: 'Kafka Connect, where the Debezium connectors and the S3 sink run.',
    url: 'REST URL of Kafka Connect.',
    cluster: 'Strimzi KafkaConnect cluster name.',
    namespace: 'Kubernetes namespace of the KafkaConnector resources.',
    credentials: {
      _: 'The Kubernetes Secret with the connectors’ credentials (one properties file), mounted by the KafkaConnect and read through a FileConfigProvider (never a literal password).',
      secretName: 'Name of the Secret.',
      key: 'Key of the properties file in the Secret.',
    },
  },
  schemaRegistry: { _: 'The Schema Registry.', url: 'URL of the Schema Registry.', defaultCompatibility: 'Compatibility level of the subjects: BACKWARD, FORWARD, FULL (optionally _TRANSITIVE) or NONE.' },
  minio: {
    _: 'The object store of the lake (MinIO or any S3).',
    endpoint: 'S3 endpoint URL.',
    region: 'S3 region.',
    buckets: { _: 'Buckets of the lake layers.', raw: 'Raw layer: CDC events as they arrived.', trusted: 'Trusted layer: Parquet tables.', quarantine: 'Rows that break their contract.' },
  },
  trino: {
    _: 'Trino over the lake.',
    tableFormat: 'Table format of the trusted layer: hive or iceberg.',
    catalogs: { _: 'Trino catalogs.', raw: 'Catalog of the raw tables.', trusted: 'Catalog of the trusted tables.' },
    maskingKey: { _: 'One-row table, in the trusted catalog, holding the key of the masked views’ keyed hash; only the views’ owner reads it.', schema: 'Its schema.', table: 'Its table.' },
  },
  unityCatalog: { _: 'Unity Catalog.', catalog: 'Catalog the tables are registered in.', url: 'URL of the Unity Catalog server.' },
  airflow: {
    _: 'The Airflow DAGs.',
    version: 'Airflow major version: 2 or 3.',
    deadlineCallback: 'Airflow 3.1+: dotted path of the async callback of the freshness Deadline Alert (unset: no alert).',
    owner: 'DAG owner.',
    retries: 'Retries per task.',
    retryDelayMinutes: 'Minutes between retries.',
    sparkConnId: 'Connection id of Spark.',
    trinoConnId: 'Connection id of Trino.',
    s3ConnId: 'Connection id of the object store.',
  },
  postgres: { _: 'PostgreSQL sources.', defaultSchema: 'Schema of a PostgreSQL source whose contract names none.' },
  quality: { _: 'The quality suites.', gxVersion: 'Great Expectations version the suites are written for: 1.x or 0.18.' },
  sync: {
    _: 'The raw-layer sync (Kafka Connect S3 sink, or the TypeScript service).',
    connector: 'S3 sink connector: aiven or confluent.',
    maxRecords: 'Records per object before a flush.',
    maxBytes: 'Bytes per object before a flush.',
    maxAgeMs: 'Milliseconds before a flush, whatever the size.',
  },
  breaking: { _: '`contractgen breaking` and `contractgen drift`.', disabled: 'Rule IDs switched off (`contractgen breaking --list-rules` lists them).' },
  debezium: {
    _: 'The Debezium connectors.',
    version: 'Debezium release the connectors run: 3.0 to 3.6.',
    user: 'Database role / user Debezium connects as.',
    maxSlotWalKeepSize: 'PostgreSQL max_slot_wal_keep_size: WAL a stalled slot may hold before PostgreSQL invalidates it.',
    snapshotMode: 'snapshot.mode: initial, always, no_data, initial_only or when_needed.',
    publicationAutocreateMode: 'PostgreSQL: disabled (the prerequisites script creates the publication) or filtered (Debezium does).',
    heartbeatIntervalMs: 'heartbeat.interval.ms; 0 turns heartbeats off.',
    cassandra: { _: 'The Debezium Cassandra agent.', cassandraYaml: 'Path of cassandra.yaml on the Cassandra node.', workDir: 'Working directory of the agent.', configDir: 'Directory of the agent’s configuration.' },
  },
};

/** Every key path of the config, for tests: `kafka.topicDefaults.partitions` … */
export function configPaths(v: unknown = DEFAULT_CONFIG, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => configPaths(x, prefix ? `${prefix}.${k}` : k));
}

/** contractgen.config.yaml with every setting, each with its comment, at its default unless overridden. */
export function configYaml(overrides: Partial<{ project: Partial<PlatformConfig['project']> }> = {}): string {
  const config = mergeConfig(DEFAULT_CONFIG, overrides) as PlatformConfig;
  const doc = new Document(config);
  const annotate = (node: YAMLMap, docs: Record<string, unknown>) => {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const d = docs[key];
      const text = typeof d === 'string' ? d : d && typeof d === 'object' ? String((d as { _: string })._) : undefined;
      if (text && isScalar(pair.key)) pair.key.commentBefore = ` ${text}`;
      if (isMap(pair.value) && d && typeof d === 'object') annotate(pair.value, d as Record<string, unknown>);
    }
  };
  if (isMap(doc.contents)) annotate(doc.contents, CONFIG_DOCS as unknown as Record<string, unknown>);
  doc.commentBefore = ' contractgen platform settings. Every setting is here with its default; change what differs on your platform.\n Strictly validated: an unknown key is an error (contractgen lint).';
  return doc.toString({ lineWidth: 0 });
}

export interface InitOptions {
  project: string;
  domain: string;
  /** contractgen's version, pinned in the hooks and the CI workflow */
  version: string;
}

/** The example contract: a PostgreSQL table captured by CDC, lint-clean, showing the common parts. */
function exampleContract(o: InitOptions): string {
  return `# An example data contract (ODCS v3.1.0). Copy it for each table, or let \`contractgen import\` write them.
apiVersion: v3.1.0
kind: DataContract
id: customers
name: Customers
version: 1.0.0
status: active
domain: ${o.domain}
description:
  purpose: One row per customer, in its current state.
servers:
  - server: app-postgres
    type: postgres
    host: app-db.internal
    port: 5432
    database: app
    schema: public
team:
  name: customer-team
schema:
  - name: customers
    physicalType: table
    description: Registered customers.
    properties:
      - name: customer_id
        logicalType: string
        physicalType: uuid
        logicalTypeOptions:
          format: uuid
        primaryKey: true
        required: true
        description: Identifier of the customer.
      - name: email
        logicalType: string
        physicalType: varchar(320)
        logicalTypeOptions:
          format: email
        required: true
        unique: true
        classification: restricted
        description: Login e-mail address.
        customProperties:
          - property: contractgen.pii
            value: true
      - name: status
        logicalType: string
        required: true
        description: Account status.
        quality:
          - type: library
            metric: invalidValues
            arguments:
              validValues: [active, suspended, closed]
            mustBe: 0
      - name: created_at
        logicalType: timestamp
        logicalTypeOptions:
          timezone: true
        required: true
        description: When the customer signed up.
slaProperties:
  - property: freshness
    value: 15
    unit: m
  - property: retention
    value: 5
    unit: y
`;
}

function preCommit(o: InitOptions): string {
  return `# pre-commit (https://pre-commit.com): \`pre-commit install\`, then every commit is linted and checked.
repos:
  - repo: local
    hooks:
      - id: contractgen-lint
        name: contractgen lint
        entry: contractgen lint
        language: node
        additional_dependencies: ['contractgen@${o.version}']
        files: ^contracts/.*\\.(ya?ml|json)$
      - id: contractgen-check
        name: contractgen generate --check
        entry: contractgen generate --check
        language: node
        additional_dependencies: ['contractgen@${o.version}']
        pass_filenames: false
        always_run: true
`;
}

function workflow(o: InitOptions): string {
  const cg = `npx --yes contractgen@${o.version}`;
  return `# The contracts in CI: lint, the generated files up to date, and no breaking change against the target branch.
name: contracts
on:
  pull_request:
  push:
    branches: [main]
jobs:
  contracts:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # breaking reads the target branch from git
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: ${cg} lint --format github
      - run: ${cg} generate --check
      - if: github.event_name == 'pull_request'
        run: ${cg} breaking --against origin/\${{ github.base_ref }} --format github
`;
}

/** The files `init` writes, by path relative to the repository root, in the order they are written. */
export function scaffold(o: InitOptions): Array<{ path: string; text: string }> {
  return [
    { path: 'contractgen.config.yaml', text: configYaml({ project: { name: o.project, domain: o.domain } }) },
    { path: 'contracts/customers.odcs.yaml', text: exampleContract(o) },
    { path: '.pre-commit-config.yaml', text: preCommit(o) },
    { path: '.github/workflows/contracts.yml', text: workflow(o) },
  ];
}

/** A project name from a directory name: lower-case identifier. */
export function projectName(dir: string): string {
  const n = dir.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(n) ? n.slice(0, 63) : `p_${n}`.slice(0, 63) || 'platform';
}
