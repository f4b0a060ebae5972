/**
 * Issue 15, the data half: the pipeline proven against an oracle. Every scenario of examples/ride-platform/scenarios.ts
 * runs through the generated artifacts (the sources' change events, the generated sync engine, the raw objects, the
 * generated Spark job's SQL on DuckDB, the generated quality suites) and the trusted layer is compared with the
 * source's final state: the real PostgreSQL table, or the Cassandra reference model (test/helpers/cassandra-model.ts).
 *
 * - each scenario passes on the generated jobs, and fails on the jobs as they were generated before issue 15
 *   (test/fixtures/pre-issue-15: the failures named in docs/reliability.md);
 * - the reference model emits the events test/facts/debezium/cassandra.json describes;
 * - model-based: fast-check's commands generate random sequences of Cassandra operations (writes with and without
 *   TTL, null writes, row, partition and range deletes, write times out of order and within one millisecond),
 *   the lake must equal the model's table, and a failure shrinks to a minimal sequence. Fixed seed; more runs with
 *   ORACLE_RUNS=<n> (and ORACLE_SEED=<n> for another seed); ORACLE_VERBOSE=1 prints the pre-fix counterexample.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../generator/analyze.js';
import { generateFiles, selectTargets } from '../generator/pipeline.js';
import { CassandraCdc } from '../examples/ride-platform/cassandra-source.js';
import { cassandraCase, DAY1, keyOf, partitionOf, ride, runScenario, runScenarios, SCENARIOS, scenarioLine, uuid, type ScenarioOptions } from '../examples/ride-platform/scenarios.js';
import type { Row } from './helpers/cassandra-model.js';
import { ROOT } from './helpers/reference.js';

let options: ScenarioOptions;
beforeAll(async () => {
  const analysis = analyze({ cwd: ROOT, contracts: ['contracts'] });
  const { files } = await generateFiles(analysis, selectTargets(undefined));
  options = { files, config: analysis.config, datasets: analysis.model.datasets };
});

const preFix = (name: string) => readFileSync(join(ROOT, 'test/fixtures/pre-issue-15', `${name}_job.py`), 'utf8');

describe('scenarios against the oracle', () => {
  for (const name of Object.keys(SCENARIOS)) {
    it(`scenario ${name}: trusted == source`, async () => {
      const [r] = await runScenarios({ ...options, only: [name] });
      expect(scenarioLine(r!)).toBe(`scenario ${name}: trusted == source (${r!.rows} rows)`);
      expect(r!.rows).toBeGreaterThan(0);
    });
  }

  // what each scenario shows on the jobs generated before issue 15 (docs/reliability.md, "Issue 15: before the fixes")
  const before: Record<string, RegExp> = {
    'postgres-changes': /users \(run 2, 2024-03-02\): extra /,
    'cassandra-changes': /rides \(run 1, 2024-03-01\): .*driver_id "[0-9a-f-]+" ≠ null/,
    snapshot: /rides \(run 1, 2024-03-01\): .*driver_id "[0-9a-f-]+" ≠ null/,
    redelivery: /users: the job went on with \d+ records of the \d+ stored, for \d+ distinct Kafka records/,
    'cassandra-deletes': /rides \(run 1, 2024-03-02\): extra \["Rio de Janeiro"/,
    'schema-change': /the job failed: from_avro FAILFAST: Malformed records/,
    'empty-date': /rides \(run 2, 2024-03-02\): extra \["São Paulo","2024-03-01"/,
  };
  it('every scenario fails on the jobs generated before issue 15', async () => {
    const results = await runScenarios({ ...options, jobs: { users: preFix('users'), rides: preFix('rides') } });
    expect(results.map((r) => r.name)).toEqual(Object.keys(SCENARIOS));
    for (const r of results) {
      expect(r.differences.length, r.name).toBeGreaterThan(0);
      expect(r.differences.join('\n'), r.name).toMatch(before[r.name]!);
    }
  }, 600_000);
});

describe('the Cassandra reference model', () => {
  const facts = JSON.parse(readFileSync(join(ROOT, 'test/facts/debezium/cassandra.json'), 'utf8'));
  it('follows the facts convention (sources cited with full commits, every group citing known sources)', () => {
    const ids = new Set<string>();
    for (const s of facts.sources) {
      expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
      ids.add(s.id);
    }
    for (const [k, g] of Object.entries(facts as Record<string, { sources?: string[]; file?: string; limit?: string }>)) {
      if (k === 'about' || k === 'sources') continue;
      expect(g.file, k).toBeTruthy();
      for (const id of g.sources ?? []) expect(ids.has(id), `${k}: ${id}`).toBe(true);
      if (!g.sources?.length) expect(g.limit, `${k} cites no pinned source: it must say so`).toBeTruthy();
    }
  });

  it('emits the events the facts describe, for each operation', () => {
    const ds = options.datasets.find((d) => d.name === 'rides')!;
    const sent: Array<Record<string, any>> = [];
    const topic = { send: (_k: Buffer | null, v: Buffer | null) => void sent.push(JSON.parse(v!.toString('utf8').replace(/"ts_ns":(\d+)/, '"ts_ns":"$1"'))) };
    const c = new CassandraCdc(ds, topic as never, 'ridehailing');
    const r = ride(0, DAY1 + 8 * 3_600_000);
    let ts = (DAY1 + 9 * 3_600_000) * 1000;
    c.insert(r, { ts: (ts += 1000), ttl: 3600 });
    c.update(keyOf(r), { driver_id: null }, { ts: (ts += 1000) });
    c.deleteRow(keyOf(r), { ts: (ts += 1000) });
    c.deletePartition(partitionOf(r), { ts: (ts += 1000) });
    c.deleteRange(partitionOf(r), { values: [r.requested_at!], inclusive: true }, { values: [r.requested_at!, r.ride_id!], inclusive: false }, { ts: (ts += 1000) });
    c.insert(ride(1, DAY1 + 8 * 3_600_000), { ts: (ts += 1000) });
    c.snapshot(DAY1 + 10 * 3_600_000);
    const ops = facts.operations;
    expect(sent.map((e) => e.op)).toEqual([ops.insert.op, ops.update.op, ops.row_delete.op, ops.partition_delete.op, ops.range_tombstone.op, ops.insert.op, facts.snapshot.op]);
    for (const e of sent) {
      expect(Object.keys(e)).toEqual(facts.envelope.fields);
      expect(Object.keys(e.source)).toEqual(facts.source.fields);
      expect(facts.source.snapshot_values).toContain(e.source.snapshot);
      expect(e.source.ts_ms).toBe(Math.floor(e.source.ts_us / 1000));
      for (const [name, cell] of Object.entries(e.after as Record<string, any>)) {
        if (cell === null || name.startsWith('_range_')) continue;
        expect(Object.keys(cell), name).toEqual(facts.cell.fields);
        expect(cell.set).toBe(true);
      }
    }
    const [ins, upd, del, part, range, , snap] = sent as [any, any, any, any, any, any, any];
    // a TTL write: deletion_ts the expiry in microseconds; a null write: no deletion_ts
    expect(ins.after.status.deletion_ts).toBe((Math.floor(ins.source.ts_us / 1e6) + 3600) * 1e6);
    expect(upd.after.driver_id).toEqual(ops.null_write);
    expect(upd.after.status).toBeNull();
    expect(del.after.status).toEqual({ value: null, deletion_ts: del.source.ts_us, set: true });
    expect(part.after.requested_at).toEqual({ value: null, deletion_ts: part.source.ts_us, set: true });
    expect(part.after.ride_id).toEqual({ value: null, deletion_ts: part.source.ts_us, set: true });
    expect(range.after.status).toBeNull();
    expect(range.after.requested_at).toBeNull();
    expect(Object.keys(range.after._range_start)).toEqual(ops.range_bound.fields);
    expect(facts.bound_kinds.values).toContain(range.after._range_start.method);
    expect(facts.bound_kinds.values).toContain(range.after._range_end.method);
    for (const v of range.after._range_end.values) expect(Object.keys(v)).toEqual(ops.range_bound.value_fields);
    expect(snap.source.snapshot).toBe(facts.snapshot.source_snapshot);
    expect([snap.source.file, snap.source.pos]).toEqual(['', -1]);
  });
});

// ------------------------------------------------------------------------------------------------ model-based

/** The rows the commands touch: 2 partitions (cities) × 3 clustering rows each. */
const CITIES = ['São Paulo', 'Rio de Janeiro'];
const rowOf = (n: number): Row => ride(n, DAY1 + 8 * 3_600_000 + Math.floor(n / 2) * 60_000, { city: CITIES[n % 2]! });
interface Clock {
  i: number;
  used: Set<number>;
}
/** Write times (µs): roughly one per 2 ms, each moved by up to ±3 ms (so out of order), never two the same. */
const writeTime = (clock: Clock, jitter: number) => {
  let ts = (DAY1 + 9 * 3_600_000) * 1000 + 2000 * clock.i++ + jitter;
  while (clock.used.has(ts)) ts++;
  clock.used.add(ts);
  return ts;
};
const TTLS = [undefined, 1800, 3 * 86_400];
type Real = { c: CassandraCdc; clock: Clock };
type Cmd = fc.AsyncCommand<object, Real>;
const cmd = (label: string, apply: (r: Real) => void): Cmd => ({ check: () => true, run: async (_m, r) => apply(r), toString: () => label });

const arbitraryCommands = [
  fc.record({ n: fc.nat(5), jitter: fc.integer({ min: -3000, max: 3000 }), ttl: fc.nat(2), status: fc.constantFrom('requested', 'completed'), noDriver: fc.boolean() }).map(({ n, jitter, ttl, status, noDriver }) =>
    cmd(`insert(${n}, ${status}${noDriver ? ', driver null' : ''}, ttl ${TTLS[ttl] ?? '-'}, ${jitter})`, (r) => r.c.insert({ ...rowOf(n), status, ...(noDriver ? { driver_id: null } : {}) }, { ts: writeTime(r.clock, jitter), ...(TTLS[ttl] ? { ttl: TTLS[ttl] } : {}) })),
  ),
  fc.record({ n: fc.nat(5), jitter: fc.integer({ min: -3000, max: 3000 }), ttl: fc.nat(2), driver: fc.option(fc.nat(3)), rating: fc.option(fc.integer({ min: 1, max: 5 })), which: fc.nat(2) }).map(({ n, jitter, ttl, driver, rating, which }) => {
    const set: Row = which === 0 ? { driver_id: driver === null ? null : uuid(driver, 4) } : which === 1 ? { rating } : { driver_id: driver === null ? null : uuid(driver, 4), rating, status: 'accepted' };
    return cmd(`update(${n}, ${JSON.stringify(set)}, ttl ${TTLS[ttl] ?? '-'}, ${jitter})`, (r) => r.c.update(keyOf(rowOf(n)), set, { ts: writeTime(r.clock, jitter), ...(TTLS[ttl] ? { ttl: TTLS[ttl] } : {}) }));
  }),
  fc.record({ n: fc.nat(5), jitter: fc.integer({ min: -3000, max: 3000 }) }).map(({ n, jitter }) => cmd(`deleteRow(${n}, ${jitter})`, (r) => r.c.deleteRow(keyOf(rowOf(n)), { ts: writeTime(r.clock, jitter) }))),
  fc.record({ p: fc.nat(1), jitter: fc.integer({ min: -3000, max: 3000 }) }).map(({ p, jitter }) => cmd(`deletePartition(${CITIES[p]}, ${jitter})`, (r) => r.c.deletePartition(partitionOf(rowOf(p)), { ts: writeTime(r.clock, jitter) }))),
  fc.record({ p: fc.nat(1), a: fc.nat(2), b: fc.nat(2), startIn: fc.boolean(), endIn: fc.boolean(), full: fc.boolean(), jitter: fc.integer({ min: -3000, max: 3000 }) }).map(({ p, a, b, startIn, endIn, full, jitter }) => {
    // requested_at DESC: the start bound is the later minute
    const [hi, lo] = [rowOf(p + 2 * Math.max(a, b)), rowOf(p + 2 * Math.min(a, b))];
    const bound = (x: Row, inclusive: boolean) => ({ values: full ? [x.requested_at!, x.ride_id!] : [x.requested_at!], inclusive });
    return cmd(`deleteRange(${CITIES[p]}, rows ${p + 2 * Math.max(a, b)}..${p + 2 * Math.min(a, b)}, ${startIn ? '[' : '('}${endIn ? ']' : ')'}${full ? ' full' : ' prefix'}, ${jitter})`, (r) =>
      r.c.deleteRange(partitionOf(rowOf(p)), bound(hi, startIn), bound(lo, endIn), { ts: writeTime(r.clock, jitter) }),
    );
  }),
];

/** Runs `cmds` on the model and the lake; returns what differs. */
async function lakeAfter(o: ScenarioOptions, cmds: Iterable<Cmd>): Promise<string[]> {
  const r = await runScenario(o, 'model-based', cassandraCase((c) => fc.asyncModelRun(() => ({ model: {}, real: { c, clock: { i: 0, used: new Set<number>() } } }), cmds)));
  return r.differences;
}

describe('model-based: random Cassandra operations against the reference model', () => {
  const runs = Number(process.env.ORACLE_RUNS ?? 25);
  const seed = Number(process.env.ORACLE_SEED ?? 1515);
  it(`the trusted layer equals the model's table (${runs} sequences, seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(arbitraryCommands, { maxCommands: 12 }), async (cmds) => {
        expect(await lakeAfter(options, cmds)).toEqual([]);
      }),
      { numRuns: runs, seed, endOnFailure: false },
    );
  }, 600_000);

  it('finds and shrinks a failure on the rides job generated before issue 15', async () => {
    const old = { ...options, jobs: { rides: preFix('rides') } };
    const details = await fc.check(
      fc.asyncProperty(fc.commands(arbitraryCommands, { maxCommands: 12 }), async (cmds) => (await lakeAfter(old, cmds)).length === 0),
      { numRuns: 20, seed: 1515, maxSkipsPerRun: 0, endOnFailure: false, interruptAfterTimeLimit: 300_000 },
    );
    expect(details.failed).toBe(true);
    if (process.env.ORACLE_VERBOSE) console.log(`pre-fix rides job, shrunk counterexample: ${String(details.counterexample?.[0])}`);
    // shrunk to a short sequence (a write, then the operation the old job gets wrong)
    expect([...details.counterexample![0]].length).toBeLessThanOrEqual(3);
  }, 600_000);
});

