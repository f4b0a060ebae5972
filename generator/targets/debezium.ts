/**
 * `debezium` target: one connector per source database.
 * - PostgreSQL / MySQL: the Kafka Connect REST payload (connector.json for POST /connectors, config.json for
 *   PUT /connectors/<name>/config) and the same as a Strimzi KafkaConnector; the source prerequisites as SQL and
 *   server settings; a README with the order of operations.
 * - Cassandra: the Debezium Cassandra agent's .properties (one agent per Cassandra node) and its driver
 *   application.conf, the cassandra.yaml setting, and a README.
 * Credentials are never literal: Connect reads them through its FileConfigProvider from the credentials Secret,
 * which kafkaconnect-patch.yaml mounts where the configured Strimzi API allows (lang/connect.ts); the Cassandra
 * agent's driver reads them from environment variables.
 *
 * Cassandra and the Avro converter: every cell of a Debezium Cassandra event is a struct with the same Avro name,
 * so AvroConverter cannot serialize a table whose columns have different types (DBZ-7554, open), such as rides.
 * contractgen therefore configures Kafka's JsonConverter (schemas.enable=false) for Cassandra, with
 * decimal.handling.mode=string so decimals stay exact; the avro target emits JSON Schemas for those topics.
 */
import type { PlatformConfig } from '../config/config.js';
import { cdcConnectors, exactRegexList, tableId, topicOf, type CdcConnector } from '../model/cdc.js';
import { debeziumTopic } from '../model/naming.js';
import { quotePg, mysqlString } from '../model/names.js';
import { CONFIG_PROVIDER_ALIAS, credentialsFile, credentialsMountPath, FILE_CONFIG_PROVIDER, secretRef } from './lang/connect.js';
import { toProperties } from './lang/properties.js';
import { toYaml } from './lang/yaml.js';
import type { OutputFile, Target, TargetContext } from './target.js';

const AVRO_CONVERTER = 'io.confluent.connect.avro.AvroConverter';
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

function converters(config: PlatformConfig): Record<string, string> {
  return {
    'key.converter': AVRO_CONVERTER,
    'key.converter.schema.registry.url': config.schemaRegistry.url,
    'value.converter': AVRO_CONVERTER,
    'value.converter.schema.registry.url': config.schemaRegistry.url,
  };
}

function excludedColumns(c: CdcConnector): string[] {
  return c.datasets.flatMap((ds) => ds.fields.filter((f) => f.cdcExcluded).map((f) => `${tableId(ds)}.${f.physicalName}`));
}

/** The Kafka Connect configuration of a relational connector; all values are strings. */
export function connectorConfig(c: CdcConnector, config: PlatformConfig): Record<string, string> {
  const d = config.debezium;
  const tables = c.datasets.map(tableId);
  const excluded = excludedColumns(c);
  // Versioned topics (contract major ≥ 2) and topic overrides: Kafka's RegexRouter renames Debezium's topic.
  const routes = c.datasets
    .map((ds) => ({ from: debeziumTopic(ds, config)!, to: topicOf(ds, config) }))
    .filter((r) => r.from !== r.to);
  const transforms: Record<string, string> = {};
  if (routes.length) {
    transforms.transforms = routes.map((_, i) => `route${i}`).join(',');
    routes.forEach((r, i) => {
      transforms[`transforms.route${i}.type`] = 'org.apache.kafka.connect.transforms.RegexRouter';
      transforms[`transforms.route${i}.regex`] = exactRegexList([r.from]);
      transforms[`transforms.route${i}.replacement`] = r.to;
    });
  }
  const common: Record<string, string> = {
    'tasks.max': '1',
    'database.hostname': c.host,
    'database.port': String(c.port),
    'database.user': d.user,
    'database.password': secretRef(config, `${c.name}.password`),
    'topic.prefix': c.topicPrefix,
    'table.include.list': exactRegexList(tables),
    ...(excluded.length ? { 'column.exclude.list': exactRegexList(excluded) } : {}),
    'snapshot.mode': d.snapshotMode,
    'decimal.handling.mode': 'precise',
    'time.precision.mode': 'adaptive_time_microseconds',
    'schema.name.adjustment.mode': 'avro',
    'tombstones.on.delete': 'true',
    // TRUNCATE as an event (op t; the default "t" skips it): the trusted job drops every row written before it
    'skipped.operations': 'none',
    'heartbeat.interval.ms': String(d.heartbeatIntervalMs),
    ...converters(config),
    ...transforms,
  };
  if (c.kind === 'postgres') {
    return {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      ...common,
      'database.dbname': c.database,
      'plugin.name': 'pgoutput',
      'slot.name': c.slot!,
      'publication.name': c.publication!,
      'publication.autocreate.mode': d.publicationAutocreateMode,
    };
  }
  return {
    'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
    ...common,
    'database.server.id': String(c.serverId!),
    'database.include.list': exactRegexList([c.database]),
    'include.schema.changes': 'false',
    'schema.history.internal.kafka.bootstrap.servers': config.kafka.bootstrapServers,
    'schema.history.internal.kafka.topic': c.schemaHistoryTopic!,
  };
}

function kafkaConnector(c: CdcConnector, cfg: Record<string, string>, config: PlatformConfig): Record<string, unknown> {
  const { 'connector.class': cls, 'tasks.max': tasks, ...rest } = cfg;
  return {
    apiVersion: config.kafka.strimziApiVersion,
    kind: 'KafkaConnector',
    metadata: { name: c.name, namespace: config.connect.namespace, labels: { 'strimzi.io/cluster': config.connect.cluster } },
    spec: { class: cls, tasksMax: Number(tasks), config: rest },
  };
}

/** The Debezium Cassandra agent's properties, in sections. */
export function cassandraProperties(c: CdcConnector, config: PlatformConfig): Array<{ comment: string; entries: Array<[string, string]> }> {
  const cas = config.debezium.cassandra;
  const excluded = excludedColumns(c);
  return [
    {
      comment: `Debezium Cassandra agent ${c.name}: run one per Cassandra node, beside the node.`,
      entries: [
        ['topic.prefix', c.topicPrefix],
        ['schema.name.adjustment.mode', 'avro'],
        ['snapshot.mode', config.debezium.snapshotMode === 'initial' ? 'initial' : 'always'],
        ['snapshot.consistency', 'LOCAL_QUORUM'],
        ['http.port', '8000'],
      ],
    },
    {
      comment: 'The node: its cassandra.yaml, the driver settings, and the agent\'s working directories.',
      entries: [
        ['cassandra.config', cas.cassandraYaml],
        ['cassandra.driver.config.file', `${cas.configDir}/application.conf`],
        ['commit.log.relocation.dir', `${cas.workDir}/relocation`],
        ['offset.backing.store.dir', `${cas.workDir}/offsets`],
        ['commit.log.real.time.processing.enabled', 'true'],
        ['commit.log.transfer.class', 'io.debezium.connector.cassandra.BlackHoleCommitLogTransfer'],
      ],
    },
    {
      comment: 'What is captured. Decimals as exact strings (double would lose cents).',
      entries: [
        ['decimal.handling.mode', 'string'],
        ['tombstones.on.delete', 'false'],
        ...(excluded.length ? ([['field.exclude.list', excluded.join(',')]] as Array<[string, string]>) : []),
      ],
    },
    {
      comment: 'JSON, not Avro: Cassandra cell structs share one Avro name, which AvroConverter cannot serialize\nfor tables with columns of different types (DBZ-7554).',
      entries: [
        ['key.converter', JSON_CONVERTER],
        ['key.converter.schemas.enable', 'false'],
        ['value.converter', JSON_CONVERTER],
        ['value.converter.schemas.enable', 'false'],
      ],
    },
    {
      comment: 'The agent produces to Kafka itself.',
      entries: [
        ['kafka.producer.bootstrap.servers', config.kafka.bootstrapServers],
        ['kafka.producer.acks', 'all'],
        ['kafka.producer.enable.idempotence', 'true'],
        ['kafka.producer.compression.type', config.kafka.topicDefaults.compression === 'producer' || config.kafka.topicDefaults.compression === 'uncompressed' ? 'none' : config.kafka.topicDefaults.compression],
      ],
    },
  ];
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

function relationalFiles(c: CdcConnector, ctx: TargetContext): OutputFile[] {
  const config = ctx.config;
  const sources = [...new Set(c.datasets.map((d) => d.contract.file))];
  const cfg = connectorConfig(c, config);
  const dir = c.name;
  const files: OutputFile[] = [
    { path: `${dir}/connector.json`, content: json({ name: c.name, config: cfg }), kind: 'json', sources },
    { path: `${dir}/config.json`, content: json({ name: c.name, ...cfg }), kind: 'json', sources },
    { path: `${dir}/kafkaconnector.yaml`, content: toYaml(kafkaConnector(c, cfg, config)), kind: 'yaml', sources },
  ];
  const user = config.debezium.user;
  const topics = c.datasets.map((ds) => `\`${topicOf(ds, config)}\``).join(', ');
  const apply = [
    `1. Apply the KafkaTopic resources in \`generated/kafka/topics/\` first, so the connector never lets the broker auto-create a topic with default settings.`,
  ];
  if (c.kind === 'postgres') {
    const schemas = [...new Set(c.datasets.map((ds) => ds.source!.schema!))].sort();
    const tables = c.datasets.map((ds) => `${quotePg(ds.source!.schema!)}.${quotePg(ds.source!.table)}`);
    files.push({
      path: `${dir}/prerequisites.sql`,
      content: ctx.template('debezium/postgres-prerequisites.sql')({
        connector: c.name,
        database: c.database,
        slot: c.slot,
        user,
        userIdent: quotePg(user),
        databaseIdent: quotePg(c.database),
        schemas: schemas.map(quotePg),
        tables,
        createPublication: config.debezium.publicationAutocreateMode === 'disabled',
        publication: c.publication,
        publicationIdent: quotePg(c.publication!),
        tableList: tables.join(', '),
        groupIdent: quotePg(`${c.slot}_owners`),
      }),
      kind: 'sql',
      sources,
    });
    // PostgreSQL's defaults are 10 of each; the connector needs one more of each, beside what the server already
    // runs (physical replicas, backups, other slots): never below the default.
    const senders = Math.max(PG_DEFAULT_WAL_SENDERS, c.datasets.length + 2);
    files.push({
      path: `${dir}/postgresql.conf`,
      content: [
        'Logical decoding for Debezium (pgoutput). Restart PostgreSQL after changing wal_level or the two maxima.',
        '',
        'wal_level = logical',
        `max_wal_senders = ${senders}        # PostgreSQL's default (10) or more: one per connector, plus replicas and backups`,
        `max_replication_slots = ${senders}  # PostgreSQL's default (10) or more: one per connector, plus other slots`,
        `max_slot_wal_keep_size = ${config.debezium.maxSlotWalKeepSize}  # a stalled connector cannot fill the disk with WAL; past it the slot is invalidated and the connector must snapshot again`,
      ]
        .map((l) => (l && !l.includes('=') ? `# ${l}` : l))
        .join('\n'),
      kind: 'conf',
      sources,
    });
    apply.push(
      '2. Set `postgresql.conf` (wal_level = logical) and restart; allow the connector in `pg_hba.conf`.',
      `3. Run \`prerequisites.sql\` as a superuser: role \`${user}\`, grants, \`REPLICA IDENTITY FULL\`, and the publication \`${c.publication}\`, which must exist before the slot \`${c.slot}\`.`,
    );
  } else {
    files.push({
      path: `${dir}/prerequisites.sql`,
      content: ctx.template('debezium/mysql-prerequisites.sql')({ connector: c.name, database: c.database, userAccount: `${mysqlString(user)}@${mysqlString('%')}` }),
      kind: 'sql',
      sources,
    });
    files.push({
      path: `${dir}/mysqld.cnf`,
      content: [
        '# Row-based binlog with full row images, as Debezium needs. Restart MySQL after changing it.',
        '[mysqld]',
        `server-id = 1                      # unique per server; the connector uses ${c.serverId}`,
        'log_bin = mysql-bin',
        'binlog_format = ROW',
        'binlog_row_image = FULL',
        'binlog_expire_logs_seconds = 864000  # keep binlogs longer than the longest connector outage',
        'gtid_mode = ON',
        'enforce_gtid_consistency = ON',
      ].join('\n'),
      kind: 'conf',
      sources,
    });
    apply.push('2. Set `mysqld.cnf` (row-based binlog, GTIDs) and restart MySQL.', `3. Run \`prerequisites.sql\`, then set the password of \`${user}\` and unlock it.`);
  }
  apply.push(
    `4. Store the password under the key \`${c.name}.password\` of the properties file \`${config.connect.credentials.key}\` in the Kubernetes Secret \`${config.connect.credentials.secretName}\` (namespace \`${config.connect.namespace}\`), and apply \`../kafkaconnect-patch.yaml\` to the KafkaConnect \`${config.connect.cluster}\`: it mounts the Secret at \`${credentialsMountPath(config)}\` and declares the config provider \`${CONFIG_PROVIDER_ALIAS}\` that resolves \`\${${CONFIG_PROVIDER_ALIAS}:${credentialsFile(config)}:…}\`.`,
    `5. Create the connector: \`kubectl apply -f kafkaconnector.yaml\` (Strimzi, with \`strimzi.io/use-connector-resources: "true"\` on the KafkaConnect), or \`curl -X POST -H 'Content-Type: application/json' --data @connector.json ${config.connect.url}/connectors\`, or to update: \`curl -X PUT -H 'Content-Type: application/json' --data @config.json ${config.connect.url}/connectors/${c.name}/config\`.`,
    `6. Register the Avro subjects of ${topics} with the compatibility levels in \`generated/avro/subjects.json\` before the first event, so the level applies from version 1.`,
  );
  files.push({
    path: `${dir}/README.md`,
    content: ctx.template('debezium/README.md')({
      connector: c.name,
      kindName: c.kind === 'postgres' ? 'PostgreSQL database' : 'MySQL database',
      database: c.database,
      host: c.host,
      port: c.port,
      datasetList: c.datasets.map((ds) => `\`${tableId(ds)}\` → topic \`${topicOf(ds, config)}\``).join(', '),
      steps: apply,
    }),
    kind: 'md',
    sources,
  });
  return files;
}

function cassandraFiles(c: CdcConnector, ctx: TargetContext): OutputFile[] {
  const config = ctx.config;
  const sources = [...new Set(c.datasets.map((d) => d.contract.file))];
  const src = c.datasets[0]!.source!;
  const dc = src.cassandra?.datacenter ?? Object.keys(src.cassandra?.replication ?? {}).find((k) => k !== 'class') ?? 'datacenter1';
  const cas = config.debezium.cassandra;
  return [
    { path: `${c.name}/${c.name}.properties`, content: toProperties(cassandraProperties(c, config)), kind: 'properties', sources },
    { path: `${c.name}/application.conf`, content: ctx.template('debezium/application.conf')({ connector: c.name, port: c.port, datacenter: dc }), kind: 'conf', sources },
    {
      path: `${c.name}/cassandra.yaml`,
      content: toYaml({ cdc_enabled: true, cdc_raw_directory: '/var/lib/cassandra/cdc_raw' }),
      kind: 'yaml',
      sources,
    },
    {
      path: `${c.name}/README.md`,
      content: ctx.template('debezium/README.md')({
        connector: c.name,
        kindName: 'Cassandra keyspace',
        database: c.database,
        host: c.host,
        port: c.port,
        datasetList: c.datasets.map((ds) => `\`${tableId(ds)}\` → topic \`${topicOf(ds, config)}\``).join(', '),
        steps: [
          '1. Merge `cassandra.yaml` into every node\'s cassandra.yaml (`cdc_enabled: true`) and restart the nodes one by one.',
          '2. Create the table with `cdc = true`: `generated/cassandra/` does (or `ALTER TABLE … WITH cdc = true`).',
          '3. Apply the KafkaTopic resources in `generated/kafka/topics/`.',
          `4. On every node, install the Debezium Cassandra agent with \`${c.name}.properties\` and \`application.conf\` under \`${cas.configDir}/\`, create \`${cas.workDir}/\`, set \`CASSANDRA_USERNAME\` and \`CASSANDRA_PASSWORD\` in the agent's environment, and start it: \`java -jar debezium-connector-cassandra-4-<version>-jar-with-dependencies.jar ${cas.configDir}/${c.name}.properties\`.`,
          '5. Watch the agent: if it stops, `cdc_raw` fills up and Cassandra rejects writes to CDC tables once `cdc_total_space` is reached.',
          '6. Events are JSON (Kafka JsonConverter, schemas disabled), not Avro: every Cassandra cell is a struct with one shared Avro name, which breaks AvroConverter on tables with columns of different types (DBZ-7554). Their JSON Schemas are in `generated/avro/`.',
        ],
      }),
      kind: 'md',
      sources,
    },
  ];
}

/** PostgreSQL's own default of max_wal_senders and max_replication_slots (10 since PostgreSQL 10). */
export const PG_DEFAULT_WAL_SENDERS = 10;

/**
 * The KafkaConnect merge patch that lets the connectors read their credentials: the Secret as a volume where the
 * configured Strimzi API mounts it, and the `file` config provider (Strimzi predefines `strimzifile`, not `file`,
 * and 0.45 predefines none). v1: template volumes under /mnt (Strimzi refuses any other mount path); v1beta2:
 * externalConfiguration, which v1 no longer has.
 */
export function kafkaConnectPatch(config: PlatformConfig): Record<string, unknown> {
  const secret = config.connect.credentials.secretName;
  const volume = { name: secret, secret: { secretName: secret } };
  const mounts =
    config.kafka.strimziApiVersion === 'kafka.strimzi.io/v1'
      ? { template: { pod: { volumes: [volume] }, connectContainer: { volumeMounts: [{ name: secret, mountPath: credentialsMountPath(config), readOnly: true }] } } }
      : { externalConfiguration: { volumes: [volume] } };
  return {
    apiVersion: config.kafka.strimziApiVersion,
    kind: 'KafkaConnect',
    metadata: { name: config.connect.cluster, namespace: config.connect.namespace, annotations: { 'strimzi.io/use-connector-resources': 'true' } },
    spec: {
      config: { 'config.providers': CONFIG_PROVIDER_ALIAS, [`config.providers.${CONFIG_PROVIDER_ALIAS}.class`]: FILE_CONFIG_PROVIDER },
      ...mounts,
    },
  };
}

const PATCH_NOTE = [
  'Merge this into the KafkaConnect the connectors run on, before creating them:',
  '  kubectl patch kafkaconnect <name> -n <namespace> --type merge --patch-file kafkaconnect-patch.yaml',
  'A merge patch replaces lists: if the KafkaConnect already has volumes or mounts of its own, add these entries',
  'to its lists instead. If it already sets config.providers, add `file` to that list (Strimzi appends its own).',
];

export const debeziumTarget: Target = {
  id: 'debezium',
  description: 'Debezium connectors: Kafka Connect payloads and Strimzi KafkaConnectors (PostgreSQL, MySQL), Cassandra agent properties, source prerequisites',
  run(model, ctx) {
    const connectors = cdcConnectors(model.datasets, ctx.config);
    const files = connectors.flatMap((c) => (c.kind === 'cassandra' ? cassandraFiles(c, ctx) : relationalFiles(c, ctx)));
    if (connectors.length) {
      files.push({
        path: 'kafkaconnect-patch.yaml',
        content: `${PATCH_NOTE.map((l) => `# ${l}`).join('\n')}\n${toYaml(kafkaConnectPatch(ctx.config))}`,
        kind: 'yaml',
        sources: [...new Set(connectors.flatMap((c) => c.datasets.map((d) => d.contract.file)))],
      });
    }
    return { files, diagnostics: [] };
  },
};
