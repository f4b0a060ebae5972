/**
 * The CDC targets (debezium, kafka, avro) against real references: Debezium 3.6.1's property lists and enum
 * values, the Kafka Connect framework list, java.util.Properties, the Strimzi KafkaTopic CRD schemas, Kafka's
 * topic-config table, avsc (parse, encode/decode round trip, schema resolution) and Ajv for the JSON Schemas.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import avro from 'avsc';
import { parse as parseYaml } from 'yaml';
import type { Dataset } from '../generator/model/ir.js';
import { DEFAULT_CONFIG, mergeConfig } from '../generator/config/config.js';
import { kafkaTarget } from '../generator/targets/kafka.js';
import { generateFrom } from './helpers/generate.js';
import { debeziumConfigProblems, type DebeziumKind } from './helpers/platform-refs.js';
import { reference, ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats');

type Files = Map<string, string>;
let files: Files;
let mysqlFiles: Files;
let users: Dataset;
let rides: Dataset;

beforeAll(async () => {
  const g = await generateFrom();
  files = g.files;
  users = g.analysis.model.datasets.find((d) => d.name === 'users')!;
  rides = g.analysis.model.datasets.find((d) => d.name === 'rides')!;
  mysqlFiles = (await generateFrom(['examples/mysql-source/contracts'])).files;
});

function checkNames(cfg: Record<string, string>, kind: DebeziumKind) {
  expect(debeziumConfigProblems(cfg, kind)).toEqual([]);
}

describe('debezium target', () => {
  it('uses only Debezium 3.6.1 PostgreSQL and Kafka Connect property names, with valid enum values', () => {
    const c = JSON.parse(files.get('debezium/ridehailing-postgres-app/connector.json')!);
    expect(Object.values(c.config).every((v) => typeof v === 'string')).toBe(true);
    checkNames(c.config, 'postgres');
    expect(c.config).toMatchObject({
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'plugin.name': 'pgoutput',
      'slot.name': 'ridehailing_app',
      'publication.name': 'ridehailing_app_pub',
      'publication.autocreate.mode': 'disabled',
      'schema.name.adjustment.mode': 'avro',
      'decimal.handling.mode': 'precise',
      'table.include.list': 'public\\.users',
      'key.converter': 'io.confluent.connect.avro.AvroConverter',
    });
    expect(c.config['slot.name']).toMatch(/^[a-z0-9_]{1,63}$/); // PostgresConnectorConfig.validateReplicationSlotName
    expect(c.config['topic.prefix']).toMatch(/^[A-Za-z0-9._-]+$/); // CommonConnectorConfig.validateTopicName
  });

  it('keeps PUT config, POST payload and the Strimzi KafkaConnector in agreement', () => {
    const post = JSON.parse(files.get('debezium/ridehailing-postgres-app/connector.json')!);
    const put = JSON.parse(files.get('debezium/ridehailing-postgres-app/config.json')!);
    const kc = parseYaml(files.get('debezium/ridehailing-postgres-app/kafkaconnector.yaml')!);
    expect(put).toEqual({ name: post.name, ...post.config });
    expect(kc).toMatchObject({ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaConnector', metadata: { name: post.name, labels: { 'strimzi.io/cluster': 'ride-connect' } } });
    expect(kc.spec.class).toBe(post.config['connector.class']);
    expect({ ...kc.spec.config, 'connector.class': kc.spec.class, 'tasks.max': String(kc.spec.tasksMax) }).toEqual(post.config);
  });

  it('uses only Debezium 3.6.1 MySQL property names for a MySQL source', () => {
    const c = JSON.parse(mysqlFiles.get('debezium/ridehailing-mysql-payments/connector.json')!);
    checkNames(c.config, 'mysql');
    expect(c.config).toMatchObject({ 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'schema.history.internal.kafka.topic': '__debezium-schema-history.ridehailing-mysql-payments' });
    expect(Number(c.config['database.server.id'])).toBeGreaterThan(0);
  });

  it('references every credential through a config provider, never literally', () => {
    let sqlChecked = 0;
    let credentials = 0;
    for (const [path, content] of [...files, ...mysqlFiles]) {
      if (!path.startsWith('debezium/')) continue;
      // SQL: no password literal (psql variables and locked accounts instead)
      const code = content.split('\n').filter((l) => !/^\s*--/.test(l)).join('\n');
      if (path.endsWith('.sql')) {
        expect(code, path).not.toMatch(/(PASSWORD|IDENTIFIED BY)\s+'/i);
        sqlChecked++;
      }
      // JSON and properties: every credential-looking key holds a provider reference
      for (const m of content.matchAll(/"?([\w.-]*(?:password|secret|token)[\w.-]*)"?\s*[:=]\s*"?([^",\n]*)/gi)) {
        if (path.endsWith('.json') || path.endsWith('.properties')) {
          expect(m[2], `${path}: ${m[1]}`).toMatch(/^\$\{(file|env):/);
          credentials++;
        }
      }
    }
    // the loops above must have seen the prerequisites scripts and the credential settings they check
    expect(sqlChecked).toBeGreaterThanOrEqual(2);
    expect(credentials).toBeGreaterThanOrEqual(3);
    const c = JSON.parse(files.get('debezium/ridehailing-postgres-app/connector.json')!);
    expect(c.config['database.password']).toMatch(/^\$\{file:[^:}]+:ridehailing-postgres-app\.password\}$/);
  });

  it('writes Cassandra agent properties that java.util.Properties loads, with Debezium Cassandra 3.6.1 names only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-props-'));
    const file = join(dir, 'agent.properties');
    writeFileSync(file, files.get('debezium/ridehailing-cassandra-mobility/ridehailing-cassandra-mobility.properties')!);
    const r = spawnSync('java', [join(ROOT, 'test/helpers/PropsCheck.java'), file], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`java.util.Properties check failed (needs a JDK: apt-get install -y openjdk-17-jdk-headless, which .ci/run does): ${r.stderr || r.error}`);
    const entries = JSON.parse(r.stdout.trim()).entries as Record<string, string>;
    checkNames(entries, 'cassandra');
    expect(entries).toMatchObject({ 'topic.prefix': 'ridehailing', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'decimal.handling.mode': 'string' });
    for (const stale of ['connector.name', 'cassandra.hosts', 'cassandra.port', 'kafka.topic.prefix', 'cassandra.username', 'cassandra.password']) expect(entries).not.toHaveProperty(stale);
    expect(files.get('debezium/ridehailing-cassandra-mobility/application.conf')).toContain('username = ${?CASSANDRA_USERNAME}');
  });

  it('writes the Cassandra prerequisite: cdc_enabled in cassandra.yaml', () => {
    expect(parseYaml(files.get('debezium/ridehailing-cassandra-mobility/cassandra.yaml')!)).toMatchObject({ cdc_enabled: true });
    expect(files.get('cassandra/rides.cql')).toContain('AND cdc = true');
  });
});

describe('kafka target', () => {
  const crd = (file: string, version: string) => {
    const doc = parseYaml(readFileSync(reference(`kafka/${file}`).path, 'utf8'));
    const v = doc.spec.versions.find((x: { name: string }) => x.name === version);
    const ajv = new Ajv({ strict: false, allErrors: true });
    return ajv.compile(v.schema.openAPIV3Schema);
  };
  const topicConfigNames = () => new Map(readFileSync(reference('kafka/kafka-topic-config-properties.tsv').path, 'utf8').trim().split('\n').slice(1).map((l) => [l.split('\t')[0]!, l.split('\t')[3] ?? '']));
  const RFC1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

  it('emits KafkaTopic resources that validate against the Strimzi 1.2.0 CRD (kafka.strimzi.io/v1)', () => {
    const validate = crd('strimzi-kafkatopic-crd-1.2.0.yaml', 'v1');
    const known = topicConfigNames();
    const topics = [...files.keys()].filter((p) => p.startsWith('kafka/topics/'));
    expect(topics.length).toBe(4);
    for (const p of topics) {
      const r = parseYaml(files.get(p)!);
      expect(validate(r), `${p}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(r.apiVersion).toBe('kafka.strimzi.io/v1');
      expect(r.metadata.name, p).toMatch(RFC1123);
      expect(r.metadata.name.length).toBeLessThanOrEqual(253);
      for (const k of Object.keys(r.spec.config)) expect(known.has(k), `${p}: ${k}`).toBe(true);
      expect(r.spec.config['min.insync.replicas']).toBeLessThanOrEqual(r.spec.replicas);
    }
  });

  it('names topics as Debezium does, and gives each the right policy', () => {
    const list = JSON.parse(files.get('kafka/topics.json')!).topics as Array<{ name: string; partitions: number; config: Record<string, string> }>;
    const byName = new Map(list.map((t) => [t.name, t]));
    expect([...byName.keys()]).toEqual(['__debezium-heartbeat.ridehailing', 'ridehailing.mobility.rides', 'ridehailing.public.users', 'ridehailing.raw-sync.dlq']);
    expect(byName.get('ridehailing.public.users')!.config['cleanup.policy']).toBe('compact');
    expect(byName.get('ridehailing.mobility.rides')!.config).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': String(2 * 365 * 86_400_000) });
    expect(byName.get('ridehailing.mobility.rides')!.partitions).toBe(12);
    expect(parseYaml(files.get('kafka/topics/debezium-heartbeat.ridehailing.yaml')!).spec.topicName).toBe('__debezium-heartbeat.ridehailing');
  });

  it('emits the MySQL schema-history topic with Debezium\'s settings (1 partition, kept forever)', () => {
    const list = JSON.parse(mysqlFiles.get('kafka/topics.json')!).topics as Array<{ name: string; partitions: number; config: Record<string, string> }>;
    const h = list.find((t) => t.name === '__debezium-schema-history.ridehailing-mysql-payments')!;
    expect(h).toMatchObject({ partitions: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' } });
  });

  it('switches to kafka.strimzi.io/v1beta2, which the Strimzi 0.51.0 CRD validates', async () => {
    const { analysis } = await generateFrom();
    const config = mergeConfig(DEFAULT_CONFIG, { ...analysis.config, kafka: { ...analysis.config.kafka, strimziApiVersion: 'kafka.strimzi.io/v1beta2' } });
    const r = kafkaTarget.run(analysis.model, { config, template: () => () => '', copies: () => [] });
    const validate = crd('strimzi-kafkatopic-crd-0.51.0.yaml', 'v1beta2');
    for (const f of r.files.filter((x) => x.path.endsWith('.yaml'))) {
      const res = parseYaml(f.content);
      expect(res.apiVersion).toBe('kafka.strimzi.io/v1beta2');
      expect(validate(res), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

class DecimalType extends avro.types.LogicalType {
  override _fromValue(v: unknown) { return v; }
  override _toValue(v: unknown) { return v; }
}
/** Fresh options per parse: avsc keeps its registry of named types on the options object. */
const avroOpts = () => ({ logicalTypes: { decimal: DecimalType }, assertLogicalTypes: true }) as never;

/** A contract example value in the representation Debezium gives the column (type table, relational). */
function debeziumValue(kind: string, v: unknown): unknown {
  switch (kind) {
    case 'date':
      return Math.round(Date.parse(`${String(v)}T00:00:00Z`) / 86_400_000);
    case 'timestamp':
      return new Date(String(v)).toISOString(); // io.debezium.time.ZonedTimestamp
    case 'int16':
    case 'int32':
    case 'int64':
      return Number(v);
    default:
      return v;
  }
}

describe('avro target', () => {
  const schema = (p: string) => JSON.parse(files.get(`avro/ridehailing.public.users/${p}.avsc`)!);

  it('parses every Avro schema with avsc, logical types asserted, under Debezium\'s names', () => {
    for (const p of ['Key', 'Value', 'Envelope']) {
      const t = avro.Type.forSchema(schema(p), avroOpts()) as avro.types.RecordType;
      expect(t.name).toBe(`ridehailing.public.users.${p}`);
    }
    const env = schema('Envelope');
    expect(env.fields.map((f: { name: string }) => f.name)).toEqual(['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
    expect(env['connect.name']).toBe('ridehailing.public.users.Envelope');
    expect(env.fields[2].type.name).toBe('Source');
    expect(env.fields[2].type.namespace).toBe('io.debezium.connector.postgresql');
    const value = schema('Value');
    const byName = Object.fromEntries(value.fields.map((f: { name: string; type: unknown }) => [f.name, f.type]));
    expect(byName.user_id).toEqual({ type: 'string', 'connect.version': 1, 'connect.name': 'io.debezium.data.Uuid' });
    expect(byName.birth_date).toEqual(['null', { type: 'int', 'connect.version': 1, 'connect.name': 'io.debezium.time.Date' }]);
    expect(byName.created_at).toMatchObject({ type: 'string', 'connect.name': 'io.debezium.time.ZonedTimestamp' });
    expect(schema('Key').fields).toEqual([{ name: 'user_id', type: { type: 'string', 'connect.version': 1, 'connect.name': 'io.debezium.data.Uuid' } }]);
  });

  it("round-trips a change event built from the contract's example row through the Envelope schema", () => {
    const env = avro.Type.forSchema(schema('Envelope'), avroOpts());
    const row = Object.fromEntries(users.fields.map((f) => [f.physicalName, debeziumValue(f.type.kind, f.examples[0])]));
    const event = {
      before: null,
      after: row,
      source: { version: '3.6.1.Final', connector: 'postgresql', name: 'ridehailing', ts_ms: 1709296496123, snapshot: 'false', db: 'app', sequence: '["24023120",null]', ts_us: 1709296496123000, ts_ns: null, schema: 'public', table: 'users', txId: 771, lsn: 24023128, xmin: null, origin: null, origin_lsn: null },
      transaction: null,
      op: 'c',
      ts_ms: 1709296496200,
      ts_us: 1709296496200000,
      ts_ns: null, // nanoseconds since the epoch exceed 2^53: a JS number cannot hold them exactly
    };
    const wrap = (e: typeof event) => ({ ...e, after: Object.fromEntries(Object.entries(e.after).map(([k, v]) => [k, v])) });
    expect(env.isValid(event), 'event must be valid for the schema').toBe(true);
    const decoded = env.fromBuffer(env.toBuffer(event));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(wrap(event))));
    // a row violating the schema (a missing NOT NULL column) is not valid
    expect(env.isValid({ ...event, after: { ...row, email: null } })).toBe(false);
  });

  it('proves evolution rules with avsc\'s resolver', () => {
    const v1 = schema('Value');
    const addOptional = { ...v1, fields: [...v1.fields, { name: 'nickname', type: ['null', 'string'], default: null }] };
    const addRequired = { ...v1, fields: [...v1.fields, { name: 'tier', type: 'string' }] };
    const removeRequired = { ...v1, fields: v1.fields.filter((f: { name: string }) => f.name !== 'email') };
    const T = (s: unknown) => avro.Type.forSchema(s as never, avroOpts());
    // BACKWARD: the new schema reads data written with the old one
    expect(() => T(addOptional).createResolver(T(v1))).not.toThrow();
    expect(() => T(addRequired).createResolver(T(v1))).toThrow(/tier/);
    // removing a required field: the old schema can no longer read new data (not FORWARD compatible)
    expect(() => T(v1).createResolver(T(removeRequired))).toThrow(/email/);
    // and reading really works across versions
    const row = Object.fromEntries(users.fields.map((f) => [f.physicalName, debeziumValue(f.type.kind, f.examples[0])]));
    const old = T(v1).toBuffer(row);
    const reader = T(addOptional);
    const resolved = reader.fromBuffer(old, reader.createResolver(T(v1))) as Record<string, unknown>;
    expect(resolved.nickname).toBeNull();
    expect(resolved.email).toBe(row.email);
  });

  it('lists the Schema Registry subjects with their compatibility, and the JSON topics apart', () => {
    const s = JSON.parse(files.get('avro/subjects.json')!);
    expect(s.subjects).toEqual([
      { subject: 'ridehailing.public.users-key', schemaType: 'AVRO', schemaFile: 'ridehailing.public.users/Key.avsc', compatibility: 'BACKWARD' },
      { subject: 'ridehailing.public.users-value', schemaType: 'AVRO', schemaFile: 'ridehailing.public.users/Envelope.avsc', compatibility: 'BACKWARD' },
    ]);
    expect(s.jsonTopics.map((t: { topic: string }) => t.topic)).toEqual(['ridehailing.mobility.rides']);
    for (const sub of s.subjects) expect(files.has(`avro/${sub.schemaFile}`)).toBe(true);
  });

  it("validates a Cassandra change event built from rides' examples with the JSON Schemas, and rejects a malformed one", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const key = ajv.compile(JSON.parse(files.get('avro/ridehailing.mobility.rides/key.schema.json')!));
    const value = ajv.compile(JSON.parse(files.get('avro/ridehailing.mobility.rides/value.schema.json')!));
    const jsonValue = (kind: string, v: unknown) => (kind === 'date' ? Math.round(Date.parse(`${String(v)}T00:00:00Z`) / 86_400_000) : kind === 'timestamp' ? Date.parse(String(v)) : kind === 'decimal' ? Number(v).toFixed(2) : v);
    const after = Object.fromEntries(rides.fields.map((f) => [f.physicalName, { value: jsonValue(f.type.kind, f.examples[0]), deletion_ts: null, set: true }]));
    const event = {
      ts_ms: 1709294400123,
      op: 'i',
      source: { version: '3.6.1.Final', connector: 'cassandra', name: 'ridehailing', ts_ms: 1709294400000, snapshot: 'false', db: 'mobility', sequence: null, ts_us: null, ts_ns: null, cluster: 'ride-cluster', file: 'CommitLog-7-1709294000000.log', pos: 1234, keyspace: 'mobility', table: 'rides' },
      after: { ...after, _range_start: null, _range_end: null },
    };
    expect(value(event), JSON.stringify(value.errors)).toBe(true);
    const k = Object.fromEntries(rides.primaryKey.map((n) => [n, (after[n] as { value: unknown }).value]));
    expect(key(k), JSON.stringify(key.errors)).toBe(true);
    expect(value({ ...event, after: { ...event.after, fare_amount: { value: 32.5, deletion_ts: null, set: true } } })).toBe(false); // decimals are strings
    expect(value({ ...event, op: 'c' })).toBe(false); // Cassandra ops are i/u/d/r
    expect(value({ ...event, before: {} })).toBe(false); // Cassandra events have no before
  });
});
