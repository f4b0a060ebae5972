/**
 * Scenarios of real-world change, each run through the generated artifacts and compared with an oracle:
 *
 *   source operations → change events (PostgreSQL's own logical decoding as Debezium writes it; the Cassandra
 *   reference model as the Cassandra agent writes it) → Kafka records → the generated sync engine → raw objects →
 *   the generated Spark job on DuckDB (lake.ts) → the trusted layer (and the quarantine) → the generated quality
 *   suites, and the trusted layer compared with the source's final state: the real PostgreSQL table, the model's
 *   table as a read at the end of the run date returns it.
 *
 * The trusted layer plus this run's quarantine must hold exactly the source's rows (a row breaking a contract rule
 * goes to quarantine, never away); the quality suites must pass on the trusted layer. `runScenarios` returns one
 * result per scenario; `npm run example` prints them and test/oracle.test.ts asserts them. The jobs run are the
 * generated ones, or any other text (`jobs`): how the scenarios were run on the jobs before issue 15.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { PlatformConfig } from '../../generator/config/config.js';
import type { Dataset } from '../../generator/model/ir.js';
import { cdcTopic, lakeName } from '../../generator/model/naming.js';
import { runSuite } from '../../generator/quality/duckdb.js';
import { buildSuite } from '../../generator/quality/suite.js';
import type { Row } from '../../test/helpers/cassandra-model.js';
import { CassandraCdc } from './cassandra-source.js';
import { Topic } from './kafka.js';
import { canonicalRows, diffRows, JobOnDuckdb, readTrusted, type Canonical, type JobOutcome } from './lake.js';
import { PostgresCdc } from './postgres-source.js';
import { syncRecords, syncWithFencedCopies } from './raw.js';
import { SchemaRegistry } from './registry.js';
import { DUCKDB_MACROS, hasPythonSql } from './spark-sql.js';

export interface ScenarioResult {
  name: string;
  /** rows the source holds at the end (the last check) */
  rows: number;
  /** what differs from the oracle, or fails in the quality suites; empty when the scenario passes */
  differences: string[];
}

export interface ScenarioOptions {
  files: ReadonlyMap<string, string>;
  config: PlatformConfig;
  datasets: Dataset[];
  /** the job texts to run, by dataset name (default: the generated ones) */
  jobs?: Record<string, string>;
  /** which scenarios (default: all) */
  only?: string[];
  log?: (line: string) => void;
}

const DAY = 86_400_000;
export const DAY1 = Date.UTC(2024, 2, 1);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const days = (ms: number) => Math.floor(ms / DAY);

// ------------------------------------------------------------------------------------------------ data

/** A deterministic v4-shaped UUID. */
export function uuid(n: number, salt: number): string {
  const h = ((n + 1) * 2654435761 + salt * 40503) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-${(n & 0xffff).toString(16).padStart(4, '0')}-4${(salt & 0xfff).toString(16).padStart(3, '0')}-8${((n >> 16) & 0xfff).toString(16).padStart(3, '0')}-${(n * 7919 + salt).toString(16).padStart(12, '0').slice(-12)}`;
}

/** A valid users row (PostgreSQL text values). */
export function user(i: number, over: Record<string, string | null> = {}): Record<string, string | null> {
  const created = new Date(DAY1 - 30 * DAY + i * 60_000).toISOString();
  return {
    user_id: uuid(i, 1),
    full_name: `User ${i}`,
    email: `user${i}@example.com`,
    phone: `+55119${String(10_000_000 + i).slice(-8)}`,
    document_number: String(10_000_000_000 + i * 7),
    birth_date: '1990-05-17',
    city: 'São Paulo',
    state: 'SP',
    user_type: ['rider', 'driver', 'both'][i % 3]!,
    status: 'active',
    created_at: created,
    updated_at: new Date(Date.parse(created) + 3_600_000).toISOString(),
    ...over,
  };
}

/** A valid rides row as the Cassandra agent renders values (timestamps ms, dates days, decimals text). */
export function ride(i: number, requestedMs: number, over: Row = {}): Row {
  const at = Math.floor(requestedMs / 60_000) * 60_000; // clustering timestamps on whole minutes (range bounds render minutes)
  return {
    city: i % 2 ? 'Rio de Janeiro' : 'São Paulo',
    requested_date: days(at),
    requested_at: at,
    ride_id: uuid(i, 2),
    rider_id: uuid(i, 3),
    driver_id: uuid(i, 4),
    status: 'completed',
    accepted_at: at + 60_000,
    started_at: at + 180_000,
    completed_at: at + 1_380_000,
    pickup_lat: -23.55 - i / 1000,
    pickup_lon: -46.63,
    dropoff_lat: -23.58,
    dropoff_lon: -46.66 + i / 1000,
    distance_km: 7.5 + i,
    duration_s: 1200 + i,
    fare_amount: `${20 + i}.50`,
    currency: 'BRL',
    payment_method: ['card', 'pix', 'cash', 'wallet'][i % 4]!,
    rating: 5,
    ...over,
  };
}

export const keyOf = (r: Row): Row => ({ city: r.city!, requested_date: r.requested_date!, requested_at: r.requested_at!, ride_id: r.ride_id! });
export const partitionOf = (r: Row): Row => ({ city: r.city!, requested_date: r.requested_date! });

// ------------------------------------------------------------------------------------------------ the run

interface Lake {
  ds: Dataset;
  topic: Topic;
  job: JobOnDuckdb;
  rawRoot: string;
  trustedDir: string;
  synced: number;
  runs: number;
}

export class Run {
  readonly differences: string[] = [];
  readonly lakes = new Map<string, Lake>();
  rows = 0;

  constructor(
    readonly o: ScenarioOptions,
    readonly con: DuckDBConnection,
    readonly work: string,
    readonly registry: SchemaRegistry,
  ) {}

  ds(name: string): Dataset {
    return this.o.datasets.find((d) => d.name === name)!;
  }

  lake(name: string): Lake {
    let l = this.lakes.get(name);
    if (!l) {
      const ds = this.ds(name);
      const topic = cdcTopic(ds, this.o.config)!;
      const job = this.o.jobs?.[name] ?? this.o.files.get(`spark/${lakeName(ds)}_job.py`)!;
      const dir = join(this.work, name);
      mkdirSync(dir, { recursive: true });
      l = { ds, topic: new Topic(topic, ds.kafka.partitions ?? 3), job: new JobOnDuckdb(ds, job, this.con, dir), rawRoot: join(dir, 'bucket'), trustedDir: join(dir, 'trusted'), synced: 0, runs: 0 };
      this.lakes.set(name, l);
    }
    return l;
  }

  /** The sync copies the records produced since the last sync (fenced: through two members, without conditional writes). */
  async sync(name: string, how: 'exactly-once' | 'fenced' = 'exactly-once'): Promise<number> {
    const l = this.lake(name);
    const fresh = l.topic.records.slice(l.synced);
    l.synced = l.topic.records.length;
    const o = { bucket: this.o.config.minio.buckets.raw, prefix: this.o.config.naming.rawPrefix, dir: l.rawRoot };
    const r = how === 'fenced' ? await syncWithFencedCopies(fresh, o) : await syncRecords(fresh, { ...o, seed: l.synced * 7 + 1 });
    const copies = r.stored.length - fresh.length;
    if (r.stored.length < fresh.length) this.differences.push(`${name}: the sync stored ${r.stored.length} of ${fresh.length} records`);
    return copies;
  }

  /** Runs the dataset's job for `runDate` and compares the lake with the oracle's rows. */
  async check(name: string, runDate: number, oracle: Canonical[], expect: { schemaIds?: number; quarantined?: number } = {}): Promise<JobOutcome | undefined> {
    const l = this.lake(name);
    const label = `${name} (run ${++l.runs}, ${iso(runDate)})`;
    let out: JobOutcome;
    try {
      out = await l.job.run({ rawDir: join(l.rawRoot, this.o.config.naming.rawPrefix, l.topic.name), runDate: iso(runDate), trustedDir: l.trustedDir, registryUrl: this.registry.url });
    } catch (e) {
      this.differences.push(`${label}: the job failed: ${(e as Error).message.split('\n')[0]}`);
      return undefined;
    }
    const trusted = await readTrusted(this.con, l.ds, l.trustedDir);
    const quarantined = await canonicalRows(this.con, l.ds, `SELECT * FROM checked WHERE _violations <> ''`);
    for (const d of diffRows(l.ds, oracle, [...trusted, ...quarantined])) this.differences.push(`${label}: ${d}`);
    if (expect.quarantined !== undefined && out.quarantined.length !== expect.quarantined) this.differences.push(`${label}: ${out.quarantined.length} rows quarantined (${out.quarantined.map((q) => q.violations).join('; ')}), ${expect.quarantined} expected`);
    if (expect.schemaIds !== undefined && out.schemaIds.length !== expect.schemaIds) this.differences.push(`${label}: the job looked up ${out.schemaIds.length} writer schemas, ${expect.schemaIds} were written`);
    // the generated quality suite on the trusted layer
    await this.con.run(`CREATE OR REPLACE VIEW trusted_${name} AS SELECT * FROM read_parquet('${join(l.trustedDir, '**', '*.parquet')}', hive_partitioning = true)`).catch(() => undefined);
    if (trusted.length) {
      const { suite } = buildSuite(l.ds);
      for (const f of (await runSuite(this.con, suite, `trusted_${name}`)).filter((x) => !x.passed)) this.differences.push(`${label}: quality ${f.rule} failed (${f.type})`);
    }
    this.rows = oracle.length;
    return out;
  }

  /**
   * Right after a check: how many records the job went on with (its `records`, or the raw read itself for a job
   * without RECORDS_SQL), against the distinct Kafka records (partition, offset) the raw layer holds.
   */
  async readOnce(name: string): Promise<void> {
    const count = async (sql: string) => Number(((await this.con.runAndReadAll(sql)).getRowObjectsJson()[0] as { n: string }).n);
    const l = this.lake(name);
    const table = hasPythonSql(l.job.job, 'RECORDS_SQL') ? 'records' : 'raw';
    const read = await count(`SELECT count(*) AS n FROM ${table}`);
    const stored = await count(`SELECT count(*) AS n FROM raw`);
    const distinct = await count(`SELECT count(*) AS n FROM (SELECT DISTINCT regexp_extract(filename, '\\+(\\d{10})\\+\\d{20}', 1), "offset" FROM raw)`);
    if (read !== distinct) this.differences.push(`${name}: the job went on with ${read} records of the ${stored} stored, for ${distinct} distinct Kafka records: ${read - distinct} read twice`);
  }
}

// ------------------------------------------------------------------------------------------------ the scenarios

export type ScenarioFn = (run: Run) => Promise<void>;

/** A Postgres source with its events sent to the users topic as they are captured. */
async function postgres(run: Run): Promise<PostgresCdc & { flush(at: number): Promise<number> }> {
  const ds = run.ds('users');
  const pg = await PostgresCdc.start(ds, run.o.files, run.o.config, run.registry);
  let sent = 0;
  return Object.assign(pg, {
    /** Captures and sends what the slot has, timestamped from `at` on. */
    async flush(at: number): Promise<number> {
      await pg.capture();
      const l = run.lake('users');
      for (const e of pg.events.slice(sent)) l.topic.send(e.key, e.value, at++);
      const n = pg.events.length - sent;
      sent = pg.events.length;
      return n;
    },
  });
}

const INSERT_USER = (u: Record<string, string | null>) => [`INSERT INTO public.users (${Object.keys(u).join(', ')}) VALUES (${Object.keys(u).map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(u)] as const;

export const SCENARIOS: Record<string, { description: string; run: ScenarioFn }> = {
  'postgres-changes': {
    description: 'PostgreSQL: inserts, updates, an update to null, a delete, a delete then re-insert, a primary-key change, then a TRUNCATE and new rows',
    async run(run) {
      const pg = await postgres(run);
      try {
        await pg.createSlot();
        for (let i = 0; i < 8; i++) await pg.sql(...INSERT_USER(user(i)));
        await pg.sql(`UPDATE public.users SET city = 'Campinas', updated_at = updated_at + interval '1 day' WHERE user_id = $1`, [user(1).user_id]);
        await pg.sql(`UPDATE public.users SET birth_date = NULL WHERE user_id = $1`, [user(2).user_id]);
        await pg.sql(`DELETE FROM public.users WHERE user_id = $1`, [user(3).user_id]);
        await pg.sql(`DELETE FROM public.users WHERE user_id = $1`, [user(4).user_id]);
        await pg.sql(...INSERT_USER(user(4, { full_name: 'User 4 again', birth_date: null, status: 'suspended' })));
        await pg.sql(`UPDATE public.users SET user_id = $1 WHERE user_id = $2`, [uuid(105, 1), user(5).user_id]);
        await pg.flush(DAY1 + 8 * 3_600_000);
        await run.sync('users');
        await run.check('users', DAY1, await pg.rows());
        // day 2: the table is truncated, and filled again
        await pg.sql('TRUNCATE public.users');
        for (let i = 20; i < 23; i++) await pg.sql(...INSERT_USER(user(i)));
        await pg.sql(`UPDATE public.users SET status = 'suspended' WHERE user_id = $1`, [user(21).user_id]);
        await pg.flush(DAY1 + DAY + 8 * 3_600_000);
        await run.sync('users');
        await run.check('users', DAY1 + DAY, await pg.rows());
      } finally {
        await pg.stop();
      }
    },
  },

  'cassandra-changes': {
    description: 'Cassandra: inserts, partial updates, updates to null, a row delete, a delete then re-insert, TTLs, two writes in one millisecond',
    async run(run) {
      const l = run.lake('rides');
      const c = new CassandraCdc(l.ds, l.topic, run.o.config.naming.topicPrefix);
      let us = (DAY1 + 9 * 3_600_000) * 1000;
      const at = (step = 1_000_000) => ({ ts: (us += step) });
      const rides = Array.from({ length: 6 }, (_, i) => ride(i, DAY1 + 8 * 3_600_000 + i * 60_000, { status: 'requested', driver_id: null, accepted_at: null, started_at: null, completed_at: null, rating: null }));
      for (const r of rides) c.insert(r, at());
      // the lifecycle of ride 0 as partial updates
      c.update(keyOf(rides[0]!), { status: 'accepted', driver_id: uuid(0, 4), accepted_at: rides[0]!.requested_at as number + 60_000 }, at());
      c.update(keyOf(rides[0]!), { status: 'completed', started_at: rides[0]!.requested_at as number + 120_000, completed_at: rides[0]!.requested_at as number + 900_000, rating: 4 }, at());
      // a driver assigned, then unassigned: the column is cleared (an explicit null write)
      c.update(keyOf(rides[1]!), { status: 'accepted', driver_id: uuid(1, 4) }, at());
      c.update(keyOf(rides[1]!), { status: 'requested', driver_id: null }, at());
      // a rating given then withdrawn (DELETE rating FROM ...)
      c.update(keyOf(rides[2]!), { rating: 3 }, at());
      c.update(keyOf(rides[2]!), { rating: null }, at());
      // deleted
      c.deleteRow(keyOf(rides[3]!), at());
      // deleted, then inserted again with fewer columns: the old values must not come back
      c.deleteRow(keyOf(rides[4]!), at());
      c.insert({ ...keyOf(rides[4]!), rider_id: rides[4]!.rider_id!, status: 'cancelled', pickup_lat: -23.5, pickup_lon: -46.6, currency: 'BRL', payment_method: 'pix' }, at());
      // two updates within one millisecond: the write time in microseconds decides, not the order they arrive in
      c.update(keyOf(rides[5]!), { status: 'accepted' }, { ...at(), processedMs: Math.floor(us / 1000) + 50 });
      c.update(keyOf(rides[5]!), { status: 'cancelled' }, { ...at(300), processedMs: Math.floor(us / 1000) + 10 });
      // a ride requested with a TTL that runs out before the end of the day, and a tip column with one that does not
      const gone = ride(10, DAY1 + 10 * 3_600_000);
      c.insert(gone, { ...at(), ttl: 3600 });
      c.update(keyOf(rides[0]!), { distance_km: 9.25 }, { ...at(), ttl: 7 * 86_400 });
      c.update(keyOf(rides[2]!), { distance_km: 1.5 }, { ...at(), ttl: 60 });
      await run.sync('rides');
      await run.check('rides', DAY1, c.rows(DAY1 + DAY));
    },
  },

  snapshot: {
    description: 'snapshot events (PostgreSQL r, Cassandra i with snapshot true) followed by streaming, older writes read from the commit log after the snapshot',
    async run(run) {
      const pg = await postgres(run);
      try {
        for (let i = 0; i < 5; i++) await pg.sql(...INSERT_USER(user(i)));
        await pg.sql(`UPDATE public.users SET birth_date = NULL WHERE user_id = $1`, [user(1).user_id]);
        await pg.createSlot();
        await pg.snapshot(DAY1 + 7 * 3_600_000);
        await pg.sql(`UPDATE public.users SET status = 'suspended' WHERE user_id = $1`, [user(0).user_id]);
        await pg.sql(`DELETE FROM public.users WHERE user_id = $1`, [user(2).user_id]);
        await pg.sql(...INSERT_USER(user(9)));
        await pg.flush(DAY1 + 8 * 3_600_000);
        await run.sync('users');
        await run.check('users', DAY1, await pg.rows());
      } finally {
        await pg.stop();
      }
      // Cassandra: writes before the agent starts are in the snapshot and, older, in the commit log it reads after
      const l = run.lake('rides');
      const c = new CassandraCdc(l.ds, l.topic, run.o.config.naming.topicPrefix);
      let us = (DAY1 + 6 * 3_600_000) * 1000;
      const at = () => ({ ts: (us += 1_000_000) });
      const rides = Array.from({ length: 4 }, (_, i) => ride(i, DAY1 + 5 * 3_600_000 + i * 60_000, { status: 'requested', driver_id: null, accepted_at: null, started_at: null, completed_at: null, rating: null }));
      const held: Array<() => void> = [];
      const later = (fn: () => void) => held.push(fn);
      for (const r of rides) {
        const e = c.model.insert(r, at());
        later(() => c.send(e, { ts: us }));
      }
      const u1 = c.model.update(keyOf(rides[0]!), { status: 'accepted', driver_id: uuid(0, 4) }, at());
      later(() => c.send(u1, { ts: us }));
      const u2 = c.model.update(keyOf(rides[0]!), { status: 'requested', driver_id: null }, at());
      later(() => c.send(u2, { ts: us }));
      const d = c.model.deleteRow(keyOf(rides[1]!), at());
      later(() => c.send(d, { ts: us }));
      // the agent starts: the snapshot first, then the commit log it had not read, then new writes
      c.snapshot(DAY1 + 7 * 3_600_000);
      for (const fn of held) fn();
      us = (DAY1 + 9 * 3_600_000) * 1000;
      c.update(keyOf(rides[2]!), { status: 'cancelled' }, at());
      c.insert(ride(7, DAY1 + 9 * 3_600_000), at());
      await run.sync('rides');
      await run.check('rides', DAY1, c.rows(DAY1 + DAY));
    },
  },

  redelivery: {
    description: 'redelivered and duplicated events: a Debezium restart replaying events, fenced copies in a store without conditional writes, Cassandra replicas, out-of-order delivery across partitions',
    async run(run) {
      const pg = await postgres(run);
      try {
        await pg.createSlot();
        for (let i = 0; i < 6; i++) await pg.sql(...INSERT_USER(user(i)));
        await pg.sql(`UPDATE public.users SET user_id = $1 WHERE user_id = $2`, [uuid(100, 1), user(0).user_id]);
        await pg.sql(`UPDATE public.users SET status = 'suspended' WHERE user_id = $1`, [uuid(100, 1)]);
        await pg.sql(`DELETE FROM public.users WHERE user_id = $1`, [user(1).user_id]);
        await pg.flush(DAY1 + 8 * 3_600_000);
        // the connector restarts from its last committed source offset: the last events again, at new offsets
        const l = run.lake('users');
        const replay = pg.events.slice(-5);
        let t = DAY1 + 9 * 3_600_000;
        for (const e of replay) l.topic.send(e.key, e.value, t++);
        await pg.sql(`UPDATE public.users SET city = 'Santos' WHERE user_id = $1`, [user(2).user_id]);
        await pg.flush(DAY1 + 10 * 3_600_000);
        const copies = await run.sync('users', 'fenced');
        if (copies === 0) run.differences.push('users: the fenced sync stored no copy (the scenario needs one)');
        await run.check('users', DAY1, await pg.rows());
        await run.readOnce('users');
      } finally {
        await pg.stop();
      }
      const l = run.lake('rides');
      const c = new CassandraCdc(l.ds, l.topic, run.o.config.naming.topicPrefix);
      c.replicas = 3;
      let us = (DAY1 + 9 * 3_600_000) * 1000;
      const at = (step = 1_000_000) => ({ ts: (us += step) });
      const rides = Array.from({ length: 5 }, (_, i) => ride(i, DAY1 + 8 * 3_600_000 + i * 60_000, { status: 'requested', driver_id: null, accepted_at: null, started_at: null, completed_at: null, rating: null }));
      for (const r of rides) c.insert(r, at());
      c.update(keyOf(rides[0]!), { status: 'accepted', driver_id: uuid(0, 4) }, at());
      // within one millisecond: the later write is processed first by one replica's agent
      c.update(keyOf(rides[1]!), { status: 'accepted' }, { ...at(), processedMs: Math.floor(us / 1000) + 90 });
      c.update(keyOf(rides[1]!), { status: 'cancelled' }, { ...at(250), processedMs: Math.floor(us / 1000) + 1 });
      c.deleteRow(keyOf(rides[2]!), at());
      c.update(keyOf(rides[3]!), { driver_id: uuid(3, 4) }, at());
      c.update(keyOf(rides[3]!), { driver_id: null }, at());
      const copies = await run.sync('rides', 'fenced');
      if (copies === 0) run.differences.push('rides: the fenced sync stored no copy (the scenario needs one)');
      await run.check('rides', DAY1, c.rows(DAY1 + DAY));
      await run.readOnce('rides');
    },
  },

  'cassandra-deletes': {
    description: 'Cassandra: a partition delete and range tombstones (clustering DESC, prefix and full bounds), with writes after them',
    async run(run) {
      const l = run.lake('rides');
      const c = new CassandraCdc(l.ds, l.topic, run.o.config.naming.topicPrefix);
      let us = (DAY1 + 12 * 3_600_000) * 1000;
      const at = () => ({ ts: (us += 1_000_000) });
      const base = DAY1 + 8 * 3_600_000;
      // partition A (São Paulo): 4 rides a minute apart; partition B (Rio): 4 rides; partition C (São Paulo, day 2)
      const a = [0, 2, 4, 6].map((i) => ride(i, base + i * 60_000));
      const b = [1, 3, 5, 7].map((i) => ride(i, base + i * 60_000));
      const cc = [8, 10].map((i) => ride(i, base + DAY + i * 60_000));
      for (const r of [...a, ...b, ...cc]) c.insert(r, at());
      // the whole of partition B is deleted; a ride written after the delete survives it
      c.deletePartition(partitionOf(b[0]!), at());
      const back = ride(9, base + 9 * 60_000);
      c.insert(back, at());
      // in partition A: requested_at >= a[1] AND requested_at < a[3] (DESC clustering: start is the later time)
      c.deleteRange(partitionOf(a[0]!), { values: [a[3]!.requested_at!], inclusive: false }, { values: [a[1]!.requested_at!], inclusive: true }, at());
      // in partition C: one exact clustering as a range (a prefix of both columns), then a write to it afterwards
      c.deleteRange(partitionOf(cc[0]!), { values: [cc[1]!.requested_at!, cc[1]!.ride_id!], inclusive: true }, { values: [cc[1]!.requested_at!, cc[1]!.ride_id!], inclusive: true }, at());
      c.update(keyOf(cc[1]!), { status: 'cancelled' }, at());
      await run.sync('rides');
      await run.check('rides', DAY1 + DAY, c.rows(DAY1 + 2 * DAY), { quarantined: 1 });
    },
  },

  'schema-change': {
    description: 'PostgreSQL: a column added and one dropped in the middle of the stream, and a Debezium upgrade changing the source block: two writer schemas, decoded by schema id',
    async run(run) {
      const pg = await postgres(run);
      try {
        // the table as it was before the contract's current version: no birth_date yet, a nickname since dropped
        await pg.sql('ALTER TABLE public.users DROP COLUMN birth_date, ADD COLUMN nickname text');
        await pg.createSlot();
        pg.debezium = '3.0.8.Final';
        for (let i = 0; i < 5; i++) {
          const { birth_date: _, ...u } = user(i);
          await pg.sql(...INSERT_USER({ ...u, nickname: `nick ${i}` }));
        }
        await pg.sql(`UPDATE public.users SET city = 'Osasco' WHERE user_id = $1`, [user(1).user_id]);
        await pg.flush(DAY1 + 8 * 3_600_000);
        // the migration, and Debezium upgraded
        await pg.sql('ALTER TABLE public.users ADD COLUMN birth_date date, DROP COLUMN nickname');
        pg.debezium = '3.6.1.Final';
        await pg.sql(`UPDATE public.users SET birth_date = '1985-02-03' WHERE user_id = $1`, [user(2).user_id]);
        await pg.sql(...INSERT_USER(user(7)));
        await pg.sql(`DELETE FROM public.users WHERE user_id = $1`, [user(3).user_id]);
        await pg.flush(DAY1 + 9 * 3_600_000);
        await run.sync('users');
        await run.check('users', DAY1, await pg.rows(), { schemaIds: 2 });
      } finally {
        await pg.stop();
      }
    },
  },

  'empty-date': {
    description: 'a date whose rows all disappear between two runs (deleted, or quarantined): its old trusted files must go',
    async run(run) {
      const l = run.lake('rides');
      const c = new CassandraCdc(l.ds, l.topic, run.o.config.naming.topicPrefix);
      let us = (DAY1 + 9 * 3_600_000) * 1000;
      const at = () => ({ ts: (us += 1_000_000) });
      const d1 = [0, 2].map((i) => ride(i, DAY1 + 8 * 3_600_000 + i * 60_000));
      const d2 = [4, 6].map((i) => ride(i, DAY1 - DAY + 8 * 3_600_000 + i * 60_000));
      const keep = ride(8, DAY1 - 2 * DAY + 8 * 3_600_000);
      for (const r of [...d1, ...d2, keep]) c.insert(r, at());
      await run.sync('rides');
      await run.check('rides', DAY1, c.rows(DAY1 + DAY));
      // the next day: every ride of one date deleted; of another, one deleted and one made invalid (quarantined)
      us = (DAY1 + DAY + 9 * 3_600_000) * 1000;
      for (const r of d1) c.deleteRow(keyOf(r), at());
      c.deleteRow(keyOf(d2[0]!), at());
      c.update(keyOf(d2[1]!), { status: 'teleported' }, at());
      await run.sync('rides');
      await run.check('rides', DAY1 + DAY, c.rows(DAY1 + 2 * DAY), { quarantined: 1 });
    },
  },
};

/** Runs the scenarios; every one gets its own DuckDB, Schema Registry, sources and lake. */
export async function runScenarios(o: ScenarioOptions): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const [name, s] of Object.entries(SCENARIOS)) {
    if (o.only && !o.only.includes(name)) continue;
    o.log?.(`scenario ${name}: ${s.description}`);
    results.push(await runScenario(o, name, s.run));
  }
  return results;
}

/** One scenario (or any sequence of operations written as one) in a fresh DuckDB, Schema Registry and lake. */
export async function runScenario(o: ScenarioOptions, name: string, fn: ScenarioFn): Promise<ScenarioResult> {
  const work = mkdtempSync(join(tmpdir(), `scenario-${name}-`));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const registry = new SchemaRegistry();
  await registry.start();
  const run = new Run(o, con, work, registry);
  try {
    await con.run(`SET TimeZone = 'UTC'`);
    for (const m of DUCKDB_MACROS) await con.run(m);
    await fn(run);
  } catch (e) {
    run.differences.push(`the scenario failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    con.closeSync();
    db.closeSync();
    await registry.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { name, rows: run.rows, differences: run.differences };
}

/**
 * Operations on the rides table (the Cassandra reference model), then one sync and one run of the rides job at
 * `runDate`, compared with the model's table at the end of that date: what the model-based tests run.
 */
export function cassandraCase(ops: (c: CassandraCdc) => void | Promise<void>, runDate = DAY1): ScenarioFn {
  return async (run) => {
    const l = run.lake('rides');
    const c = new CassandraCdc(l.ds, l.topic, run.o.config.naming.topicPrefix);
    await ops(c);
    await run.sync('rides');
    await run.check('rides', runDate, c.rows(runDate + DAY));
  };
}

/** The line `npm run example` prints for a scenario. */
export function scenarioLine(r: ScenarioResult): string {
  return r.differences.length ? `scenario ${r.name}: trusted ≠ source\n${r.differences.map((d) => `  - ${d}`).join('\n')}` : `scenario ${r.name}: trusted == source (${r.rows} rows)`;
}
