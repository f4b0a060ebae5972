/**
 * Issue 14's findings that are not about a consumer's version rules (those are test/facts-*.test.ts): each is
 * right by the rules its real consumer applies.
 * - postgresql.conf, on a real PostgreSQL: max_wal_senders and max_replication_slots not below the server's own
 *   defaults, and max_slot_wal_keep_size set;
 * - the compacted CDC topics keep every change (min.compaction.lag.ms) and every tombstone (delete.retention.ms)
 *   as long as the raw-layer sync may lag;
 * - MySQL value-set CHECKs compare bytes, not under utf8mb4_0900_ai_ci (where 'brl' = 'BRL');
 * - lint warns on a freshness SLA shorter than the update frequency, and the repository's contracts have none;
 * - retention reaches every layer that stores data: Cassandra TTL with time-window compaction where the contract
 *   opts in, the raw objects' S3 lifecycle, the trusted partitions' expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MySQL } from 'dt-sql-parser';
import { readFileSync } from 'node:fs';
import { analyzeSources, loadConfigText } from '../generator/analyze.js';
import { DEFAULT_CONFIG } from '../generator/config/config.js';
import { cli } from './helpers/cli.js';
import { generateFrom } from './helpers/generate.js';
import { startPg, type PgCluster } from './helpers/pg.js';
import { reference, ROOT } from './helpers/reference.js';

let files: Map<string, string>;
let mysqlFiles: Map<string, string>;
const DAY = 86_400_000;

beforeAll(async () => {
  files = (await generateFrom()).files;
  mysqlFiles = (await generateFrom(['examples/mysql-source/contracts'])).files;
});

describe('postgresql.conf on a real PostgreSQL', () => {
  let cluster: PgCluster | undefined;
  afterAll(() => cluster?.stop());

  it('starts with the generated settings, none of them below the server default, with max_slot_wal_keep_size set', async () => {
    const conf = files.get('debezium/ridehailing-postgres-app/postgresql.conf')!;
    const settings = Object.fromEntries(
      conf
        .split('\n')
        .map((l) => l.replace(/#.*$/, '').trim())
        .filter(Boolean)
        .map((l) => l.split(/\s*=\s*/) as [string, string]),
    );
    expect(Object.keys(settings).sort()).toEqual(['max_replication_slots', 'max_slot_wal_keep_size', 'max_wal_senders', 'wal_level']);
    cluster = await startPg(settings);
    const c = await cluster.client();
    const { rows } = await c.query<{ name: string; setting: string; boot_val: string; unit: string | null }>(
      `SELECT name, setting, boot_val, unit FROM pg_settings WHERE name IN ('max_wal_senders', 'max_replication_slots', 'max_slot_wal_keep_size', 'wal_level') ORDER BY name`,
    );
    await c.end();
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    for (const n of ['max_wal_senders', 'max_replication_slots']) expect(Number(by[n]!.setting), n).toBeGreaterThanOrEqual(Number(by[n]!.boot_val));
    expect(by.wal_level!.setting).toBe('logical');
    expect(by.max_slot_wal_keep_size!.boot_val).toBe('-1'); // unlimited by default: a stalled slot fills the disk
    expect(Number(by.max_slot_wal_keep_size!.setting)).toBeGreaterThan(0);
  }, 120_000);
});

describe('compacted CDC topics', () => {
  it('keep every change and every tombstone as long as the sync may lag (Kafka topic configs that exist)', () => {
    const names = new Set(readFileSync(reference('kafka/kafka-topic-config-properties.tsv').path, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]!));
    const topics = JSON.parse(files.get('kafka/topics.json')!).topics as Array<{ name: string; config: Record<string, string> }>;
    const compacted = topics.filter((t) => t.config['cleanup.policy'] === 'compact');
    expect(compacted.map((t) => t.name)).toEqual(['ridehailing.public.users']);
    for (const t of compacted) {
      for (const k of Object.keys(t.config)) expect(names.has(k), k).toBe(true);
      expect(Number(t.config['delete.retention.ms'])).toBeGreaterThanOrEqual(DEFAULT_CONFIG.kafka.topicDefaults.maxSyncLagMs);
      expect(Number(t.config['min.compaction.lag.ms'])).toBeGreaterThanOrEqual(DEFAULT_CONFIG.kafka.topicDefaults.maxSyncLagMs);
      expect(Number(t.config['delete.retention.ms'])).toBeGreaterThan(DAY); // a sync that lags a day still sees the deletes
    }
  });
});

describe('MySQL value-set CHECKs', () => {
  it('compare the bytes of the value, as the lake does, not under the table collation (ai_ci: brl = BRL)', () => {
    const sql = mysqlFiles.get('mysql/payments.sql')!;
    expect(new MySQL().validate(sql)).toEqual([]);
    const checks = [...sql.matchAll(/CHECK \((.*) IN \(/g)].map((m) => m[1]);
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) expect(c).toMatch(/^CAST\(`[^`]+` AS BINARY\)$/);
  });
});

describe('lint: a freshness SLA shorter than the update frequency', () => {
  const contract = (freshness: string, frequency: string) => `apiVersion: v3.1.0
kind: DataContract
id: t
version: 1.0.0
status: active
schema:
  - name: t
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
slaProperties:
  - {property: frequency, value: ${frequency.split(' ')[0]}, unit: ${frequency.split(' ')[1]}}
  - {property: freshness, value: ${freshness.split(' ')[0]}, unit: ${freshness.split(' ')[1]}}
`;
  const lint = (text: string) => analyzeSources([{ file: 'contracts/t.odcs.yaml', text }], DEFAULT_CONFIG).diagnostics.filter((d) => d.rule === 'SLA_FRESHNESS_UNREACHABLE');

  it('is a warning at the freshness property, naming both durations', () => {
    const found = lint(contract('15 m', '1 h'));
    expect(found.map((d) => `${d.severity} ${d.line}:${d.col}`)).toEqual(['warning 12:16']); // the freshness property
    expect(found[0]!.message).toMatch(/15 minutes.*1 hour/);
    expect(lint(contract('90 m', '1 h'))).toEqual([]);
  });

  it('is not in the repository contracts', async () => {
    const { analysis } = await generateFrom();
    expect(analysis.diagnostics.filter((d) => d.rule === 'SLA_FRESHNESS_UNREACHABLE')).toEqual([]);
  });
});

describe('supported versions', () => {
  it('the config refuses a GX release whose rules are unknown, a Deadline Alert outside Airflow 3, and a secretsFile', () => {
    const errors = (text: string) => loadConfigText('contractgen.config.yaml', `version: 1\n${text}`).diagnostics.map((d) => `${d.rule} ${d.line}`);
    expect(errors('quality:\n  gxVersion: "1.9"\n')).toEqual(['CONFIG_VALUE 3']);
    expect(errors('quality:\n  gxVersion: "1.3.2"\n')).toEqual([]);
    expect(errors('quality:\n  gxVersion: "2.0"\n')).toEqual(['SCHEMA_VALUE 3']);
    expect(errors('airflow:\n  version: 2\n  deadlineCallback: a.b\n')).toEqual(['CONFIG_VALUE 4']);
    expect(errors('airflow:\n  version: 3\n  deadlineCallback: a.b\n')).toEqual([]);
    expect(errors('debezium:\n  version: "2.7"\n')).toEqual(['SCHEMA_ENUM 3']);
    expect(errors('connect:\n  secretsFile: /opt/kafka/x\n').map((e) => e.split(' ')[0])).toEqual(['SCHEMA_UNKNOWN_KEY']);
  });

  it('are the same in `contractgen targets` and docs/compatibility.md', async () => {
    const { SUPPORTED_VERSIONS } = await import('../generator/config/versions.js');
    const out = (await cli(['targets'], ROOT)).stdout;
    const page = readFileSync(`${ROOT}/docs/compatibility.md`, 'utf8');
    for (const s of SUPPORTED_VERSIONS) {
      expect(out).toMatch(new RegExp(`^${s.consumer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${s.versions.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
      expect(page, s.consumer).toContain(`| ${s.consumer} | ${s.versions} | ${s.switch ? `\`${s.switch}\`` : '—'} | ${s.targets.map((t) => `\`${t}\``).join(', ')} |`);
    }
    for (const c of ['Debezium', 'Strimzi', 'Kafka Connect', "Aiven's S3 sink", 'Spark', 'Airflow', 'Great Expectations', 'Trino', 'Unity Catalog OSS']) expect(SUPPORTED_VERSIONS.map((s) => s.consumer)).toContain(c);
  });
});

describe('retention in every layer that stores data', () => {
  const YEAR_DAYS = 365;

  it('Cassandra: the opted-in rides table expires rows after the retention, with time-window compaction', () => {
    const cql = files.get('cassandra/rides.cql')!;
    expect(cql).toContain(`default_time_to_live = ${2 * YEAR_DAYS * 86_400}`);
    expect(cql).toMatch(/compaction = \{'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': \d+\}/);
  });

  it('Cassandra: refuses a TTL beyond what Cassandra allows (20 years), and a TTL without a retention SLA', () => {
    const rides = readFileSync(`${ROOT}/contracts/rides.odcs.yaml`, 'utf8');
    const long = rides.replace(/property: retention\n(\s+)value: 2\n(\s+)unit: y/, 'property: retention\n$1value: 21\n$2unit: y');
    expect(long).not.toBe(rides);
    const none = rides.replace(/ {2}- property: retention\n( {4}\w+: .*\n){4}/, '');
    expect(none).not.toBe(rides);
    for (const text of [long, none]) {
      const users = { file: 'contracts/users.odcs.yaml', text: readFileSync(`${ROOT}/contracts/users.odcs.yaml`, 'utf8') };
      const errors = analyzeSources([{ file: 'contracts/rides.odcs.yaml', text }, users], DEFAULT_CONFIG).diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.rule)).toEqual(['EXT_VALUE']);
    }
  });

  it('raw layer: an S3 lifecycle rule per raw topic prefix that expires objects after the retention', () => {
    const lifecycle = JSON.parse(files.get('retention/raw-lifecycle.json')!) as { Rules: Array<{ ID: string; Status: string; Filter: { Prefix: string }; Expiration: { Days: number } }> };
    expect(lifecycle.Rules).toEqual([
      { ID: 'raw-ridehailing.mobility.rides', Status: 'Enabled', Filter: { Prefix: 'raw/ridehailing.mobility.rides/' }, Expiration: { Days: 2 * YEAR_DAYS } },
      { ID: 'raw-ridehailing.public.users', Status: 'Enabled', Filter: { Prefix: 'raw/ridehailing.public.users/' }, Expiration: { Days: 5 * YEAR_DAYS } },
    ]);
  });

  it('trusted layer: the DAG of a date-partitioned table expires partitions older than the retention, then Trino drops them', () => {
    const dag = files.get('airflow/rides_dag.py')!;
    expect(dag).toContain(`RETENTION_DAYS = ${2 * YEAR_DAYS}`);
    expect(dag).toMatch(/expire_trusted = PythonOperator\(/);
    expect(dag).toContain("mode => 'FULL'");
    // users is not partitioned: the job rebuilds it from the raw events, which the lifecycle expires
    expect(files.get('airflow/users_dag.py')).not.toContain('expire_trusted');
  });
});
