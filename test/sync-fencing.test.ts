/**
 * The sync under rebalances and S3 faults. Two or three sync engines (the generated runtime: KafkaSource,
 * SyncEngine, S3Store) share one consumer group on a simulated group coordinator that follows Kafka's rules
 * (test/helpers/kafka-sim.ts), and write through @aws-sdk/client-s3 to an S3 endpoint on loopback that injects
 * faults and implements conditional writes as MinIO does (test/helpers/s3-faults.ts). The invariant, over
 * scenarios that fast-check draws (members joining, leaving, crashing and stalling; 503 SlowDown, timeouts, lost
 * answers, uploads that land after a rebalance): no record is lost, every stored copy is byte-identical to Kafka's
 * record, with conditional writes every record is stored exactly once, without them duplicates only (which readers
 * drop by topic, partition and offset); every accepted commit came from the partition's owner in that generation
 * and no offset moves backwards. A fixed seed in `npm test`; SYNC_FENCING_RUNS=<n> runs more, SYNC_FENCING_SEED
 * another seed. SYNC_RUNTIME=<path> runs the same tests against another runtime.ts (how the failures of the
 * runtime before the fencing were seen).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { S3Client } from '@aws-sdk/client-s3';
import { FaultyS3, type Fault } from './helpers/s3-faults.js';
import { SimCluster, SimConsumer, SimGroup, SimNonRetriableError, type SimMessage } from './helpers/kafka-sim.js';

const runtime: any = await import(process.env.SYNC_RUNTIME ?? '../templates/sync/static/runtime.js');
const BUCKET = 'lake-raw';
const facts = {
  kafkajs: JSON.parse(readFileSync(new URL('./facts/kafkajs/rebalance.json', import.meta.url), 'utf8')),
  s3: JSON.parse(readFileSync(new URL('./facts/s3/conditional-writes.json', import.meta.url), 'utf8')),
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Waits for `p` at most `ms`; says so in `problems` when it did not end. */
async function within(ms: number, p: Promise<unknown>, what: string, problems: string[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  clearTimeout(timer);
  if (!ended) problems.push(`${what} did not end within ${ms} ms`);
}

// ------------------------------------------------------------------------------------------------ the data

function makeLog(seed: number, topic: string, partition: number, n: number, t0: number, odd: boolean): SimMessage[] {
  return Array.from({ length: n }, (_, i) => {
    const s = seed + i;
    return {
      offset: String(i),
      // crosses an hour boundary; now and then a record without a timestamp (-1)
      timestamp: odd && s % 97 === 13 ? '-1' : String(t0 + i * 37),
      key: s % 7 === 0 ? null : randomBytes(1 + (s % 16)),
      value: s % 11 === 0 ? null : Buffer.concat([Buffer.from([0, 0xff, 0x0a]), randomBytes(s % 90)]),
      headers: s % 5 === 0 ? { trace: randomBytes(6) } : {},
    };
  }).map((m) => ({ ...m, topic, partition }) as SimMessage);
}

interface Cluster {
  cluster: SimCluster;
  topics: string[];
}

/** Partitions of the given sizes; by default their records cross an hour boundary after 54 records, and some have no timestamp. */
function makeCluster(seed: number, sizes: number[], t0?: number): Cluster {
  const cluster = new SimCluster();
  const topic = 'ridehailing.public.users';
  cluster.addTopic(topic, sizes.map((n, p) => makeLog(seed * 1000 + p * 100, topic, p, n, t0 ?? Date.UTC(2024, 2, 1, 11, 59, 58), t0 === undefined)));
  return { cluster, topics: [topic] };
}

// ------------------------------------------------------------------------------------------------ the members

interface EngineOpts {
  maxRecords: number;
  maxAgeMs: number;
  /** one S3 request's time limit (default 300 ms) */
  s3TimeoutMs?: number;
}

class Member {
  readonly consumer: SimConsumer;
  readonly source: any;
  readonly engine: any;
  private readonly stop = new AbortController();
  private crashed = false;
  done: Promise<void> | undefined;
  error: unknown;

  constructor(
    readonly name: string,
    group: SimGroup,
    s3: FaultyS3,
    conditional: boolean,
    opts: EngineOpts,
  ) {
    this.consumer = new SimConsumer(group, name);
    this.source = new runtime.KafkaSource(this.consumer, undefined, 5_000);
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const real = new runtime.S3Store(client, BUCKET, conditional, opts.s3TimeoutMs ?? 300);
    const never = () => new Promise<never>(() => undefined);
    // a crashed process: nothing it started comes back to it, and it starts nothing new
    const gate = async <T>(fn: () => Promise<T>): Promise<T> => {
      if (this.crashed) return never();
      const r = await fn();
      if (this.crashed) return never();
      return r;
    };
    const store = { conditional, put: (k: string, b: Buffer) => gate(() => real.put(k, b)), get: (k: string) => gate(() => real.get(k)) };
    this.engine = new runtime.SyncEngine(this.source, store, { send: async (_r: unknown, e: Error) => Promise.reject(new Error(`no dead letters expected: ${e.message}`)) }, { prefix: 'raw', maxRecords: opts.maxRecords, maxBytes: 1 << 20, maxAgeMs: opts.maxAgeMs, retries: 10, backoffMs: 5 });
  }

  async start(topics: string[]): Promise<void> {
    await this.source.start(topics);
    this.done = this.engine.run(this.stop.signal).then(
      () => this.source.close(),
      (e: unknown) => {
        this.error = e;
      },
    );
  }

  async shutdown(): Promise<void> {
    this.stop.abort();
    await this.done;
  }

  crash(): void {
    this.crashed = true;
    this.consumer.crash();
    this.stop.abort(); // its loop ends; whatever it then flushes never reaches the store
  }
}

// ------------------------------------------------------------------------------------------------ the checks

interface Stored {
  key: string;
  records: Array<{ topic: string; partition: number; offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Array<{ key: string; value: Buffer | null }> }>;
}

function storedObjects(s3: FaultyS3): Stored[] {
  return [...s3.contents(BUCKET)]
    .filter(([k]) => !k.includes('/_sync/'))
    .map(([key, body]) => ({ key, records: runtime.decodeObject ? runtime.decodeObject(key, body) : body.toString('utf8').split('\n').filter(Boolean).map((l: string) => runtime.decodeRecord(l)) }));
}

/** Everything the invariant says; returns the problems found (empty when it holds). */
function check(c: Cluster, s3: FaultyS3, group: SimGroup, conditional: boolean): string[] {
  const problems: string[] = [];
  const copies = new Map<string, number>();
  for (const o of storedObjects(s3)) {
    for (const r of o.records) {
      const id = `${r.topic}/${r.partition}/${r.offset}`;
      copies.set(id, (copies.get(id) ?? 0) + 1);
      const m = c.cluster.logs.get(r.topic)?.[r.partition]?.[Number(r.offset)];
      const headers = Object.entries(m?.headers ?? {}).map(([k, v]) => [k, v.toString('hex')]);
      if (!m) problems.push(`${o.key}: ${id} is not in the log`);
      else if (
        !(m.key === null ? r.key === null : r.key?.equals(m.key)) ||
        !(m.value === null ? r.value === null : r.value?.equals(m.value)) ||
        r.timestamp !== m.timestamp ||
        JSON.stringify(r.headers.map((h) => [h.key, h.value?.toString('hex') ?? null])) !== JSON.stringify(headers)
      )
        problems.push(`${o.key}: ${id} is not byte-identical to Kafka's record`);
    }
  }
  for (const t of c.topics)
    for (let p = 0; p < c.cluster.partitions(t); p++)
      for (let o = 0; o < c.cluster.end(t, p); o++) {
        const n = copies.get(`${t}/${p}/${o}`) ?? 0;
        if (n === 0) problems.push(`${t}/${p}/${o} lost`);
        if (n > 1 && conditional) problems.push(`${t}/${p}/${o} stored ${n} times`);
      }
  for (const put of s3.puts) if (put.outcome === 'overwritten' && !put.same) problems.push(`${put.key} overwritten with other bytes`);
  const last = new Map<string, bigint>();
  for (const e of group.commits) {
    const id = `${e.topic}/${e.partition}`;
    if (e.owner !== e.memberId) problems.push(`${e.memberId} committed ${id}@${e.offset} in generation ${e.generation}, owned by ${e.owner}`);
    if (last.has(id) && BigInt(e.offset) < last.get(id)!) problems.push(`${id}: commit moved back from ${last.get(id)} to ${e.offset}`);
    last.set(id, BigInt(e.offset));
  }
  for (const t of c.topics)
    for (let p = 0; p < c.cluster.partitions(t); p++)
      if (group.committed.get(`${t}/${p}`) !== String(c.cluster.end(t, p))) problems.push(`${t}/${p}: committed ${group.committed.get(`${t}/${p}`)}, log ends at ${c.cluster.end(t, p)}`);
  return problems;
}

async function allCommitted(c: Cluster, group: SimGroup, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (c.topics.every((t) => Array.from({ length: c.cluster.partitions(t) }, (_, p) => group.committed.get(`${t}/${p}`) === String(c.cluster.end(t, p))).every(Boolean))) return true;
    await sleep(20);
  }
  return false;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(conditional: 'minio' | 'ignored', sizes: number[], seed: number, t0?: number) {
  const s3 = new FaultyS3({ buckets: [BUCKET], conditional });
  await s3.start();
  const c = makeCluster(seed, sizes, t0);
  const group = new SimGroup(c.cluster);
  cleanups.push(() => group.close(), () => s3.close());
  return { s3, c, group };
}

// ------------------------------------------------------------------------------------------------ the simulation itself

describe('the simulated group and S3 endpoint follow the facts', () => {
  it('refuses commits with the error codes kafkajs reads from the broker, wrapped as kafkajs wraps them', async () => {
    const codes = facts.kafkajs.broker_errors.codes;
    const { c, group } = await setUp('minio', [5], 1);
    const a = new SimConsumer(group, 'a');
    await a.run({ eachBatch: async () => undefined });
    const gen = a.generationId;
    const b = new SimConsumer(group, 'b');
    const joining = b.run({ eachBatch: async () => undefined });
    await sleep(20);
    // PreparingRebalance, a's generation still current: accepted (Kafka does not check ownership either)
    expect(group.state).toBe('PreparingRebalance');
    group.commit(a.memberId!, gen, [{ topic: c.topics[0]!, partition: 0, offset: '1' }]);
    await joining;
    await group.afterGeneration(gen);
    let err: any;
    try {
      group.commit(a.memberId!, gen, [{ topic: c.topics[0]!, partition: 0, offset: '2' }]);
    } catch (e) {
      err = e;
    }
    expect([err.type, err.code]).toEqual(['ILLEGAL_GENERATION', codes.ILLEGAL_GENERATION.code]);
    expect(err.message).toBe(codes.ILLEGAL_GENERATION.message);
    try {
      group.commit('nobody', group.generation, []);
    } catch (e) {
      err = e;
    }
    expect([err.type, err.code]).toEqual(['UNKNOWN_MEMBER_ID', codes.UNKNOWN_MEMBER_ID.code]);
    // through the consumer: a KafkaJSNonRetriableError whose cause is the protocol error
    a.generationId = gen;
    const thrown = await a.commitOffsets([{ topic: c.topics[0]!, partition: 0, offset: '3' }]).catch((e) => e);
    expect(thrown).toBeInstanceOf(SimNonRetriableError);
    expect([thrown.name, thrown.cause.name, thrown.cause.retriable]).toEqual(['KafkaJSNonRetriableError', 'KafkaJSProtocolError', codes.ILLEGAL_GENERATION.kafkajs_retriable]);
    await a.disconnect();
    await b.disconnect();
  });

  it('answers a conditional write to an existing key with 412 as MinIO does, never 409; the SDK sends If-None-Match', async () => {
    expect(facts.s3.minio.error).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(facts.s3.aws_sdk_js_v3.has_IfNoneMatch).toBe(true);
    const { s3 } = await setUp('minio', [1], 2);
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const store = new runtime.S3Store(client, BUCKET, true, 1000);
    await store.put('raw/a', Buffer.from('1'));
    const twice = await Promise.allSettled([store.put('raw/b', Buffer.from('x')), store.put('raw/b', Buffer.from('y'))]);
    expect(twice.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = twice.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(runtime.ObjectExistsError);
    await expect(store.put('raw/a', Buffer.from('2'))).rejects.toBeInstanceOf(runtime.ObjectExistsError);
    expect((await store.get('raw/a')).toString()).toBe('1');
    await store.checkConditionalWrites('raw');
    // a store that ignores the header (MinIO before RELEASE.2024-05-07T06-41-25Z), or refuses new keys (2025-09-06)
    s3.conditional = 'ignored';
    await expect(store.checkConditionalWrites('raw')).rejects.toThrow(/ignores If-None-Match/);
    s3.conditional = 'new-keys-refused';
    await expect(store.checkConditionalWrites('raw')).rejects.toThrow(/refuses a conditional write to a new key/);
    expect([...s3.contents(BUCKET).keys()].filter((k) => k.includes('_sync'))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------ named scenarios

describe('the sync across a rebalance', () => {
  it('a member that lost its partition cannot clobber the new owner\'s larger object with its late upload', async () => {
    const { s3, c, group } = await setUp('minio', [200], 3, Date.UTC(2024, 2, 1, 12));
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    // A's second object (offsets 50..99) reaches the store only after B took the partition over and stored past it
    s3.plan = (r) => (r.method === 'PUT' && r.key.endsWith('+00000000000000000050.jsonl') && r.n === 2 ? { kind: 'delay', until: late } : undefined);
    const a = new Member('a', group, s3, true, { maxRecords: 50, maxAgeMs: 60_000, s3TimeoutMs: 60_000 });
    await a.start(c.topics);
    for (let i = 0; i < 200 && group.committed.get(`${c.topics[0]}/0`) !== '50'; i++) await sleep(10);
    expect(group.committed.get(`${c.topics[0]}/0`), JSON.stringify([s3.faults, s3.puts])).toBe("50");
    a.consumer.freeze(60_000); // A stalls: the group removes it; its upload is still under way
    const b = new Member('b', group, s3, true, { maxRecords: 120, maxAgeMs: 100 });
    await b.start(c.topics);
    expect(await allCommitted(c, group, 10_000)).toBe(true);
    release();
    await sleep(200); // the late upload lands (or is refused)
    await b.shutdown();
    a.crash();
    expect(check(c, s3, group, true)).toEqual([]);
  });

  it('records delivered again after a rebalance are stored once, and a lost partition is never committed', async () => {
    const { s3, c, group } = await setUp('minio', [120, 120], 4, Date.UTC(2024, 2, 1, 12));
    const a = new Member('a', group, s3, true, { maxRecords: 1000, maxAgeMs: 400 });
    await a.start(c.topics);
    await sleep(150); // A holds both partitions with open batches
    const b = new Member('b', group, s3, true, { maxRecords: 1000, maxAgeMs: 400 });
    await b.start(c.topics); // A keeps one partition (delivered again from offset 0) and loses the other
    expect(await allCommitted(c, group, 10_000)).toBe(true);
    await a.shutdown();
    await b.shutdown();
    expect(check(c, s3, group, true)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------ the property

type Action = { wait: number; member: number; what: 'start' | 'stop' | 'crash' | 'freeze'; ms: number };

const scenario = fc.record({
  conditional: fc.boolean(),
  sizes: fc.array(fc.integer({ min: 1, max: 160 }), { minLength: 1, maxLength: 4 }),
  members: fc.array(fc.record({ maxRecords: fc.integer({ min: 3, max: 60 }), maxAgeMs: fc.integer({ min: 10, max: 200 }) }), { minLength: 3, maxLength: 3 }),
  actions: fc.array(
    fc.record({ wait: fc.integer({ min: 0, max: 250 }), member: fc.integer({ min: 0, max: 2 }), what: fc.constantFrom('start', 'start', 'stop', 'crash', 'freeze'), ms: fc.integer({ min: 100, max: 900 }) }),
    { minLength: 1, maxLength: 7 },
  ) as fc.Arbitrary<Action[]>,
  faults: fc.dictionary(fc.integer({ min: 1, max: 80 }).map(String), fc.constantFrom('slowdown', 'timeout', 'lost-response', 'late') as fc.Arbitrary<string>, { maxKeys: 12 }),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

describe('the sync invariant over interleavings of rebalances and S3 faults', () => {
  const runs = Number(process.env.SYNC_FENCING_RUNS ?? 8);
  it(`holds in ${runs} drawn scenarios (fast-check)`, { timeout: 60_000 + runs * 30_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const { s3, c, group } = await setUp(sc.conditional ? 'minio' : 'ignored', sc.sizes, sc.seed);
        let releaseAll!: () => void;
        const end = new Promise<void>((r) => (releaseAll = r));
        s3.plan = (r) => {
          if (r.method !== 'PUT') return undefined;
          const f = sc.faults[String(r.n)];
          if (f === 'late') return { kind: 'delay', until: Promise.race([group.afterGeneration(group.generation).then(() => sleep(50)), end]) };
          return f ? ({ kind: f } as Fault) : undefined;
        };
        const members: Array<Member | undefined> = [undefined, undefined, undefined];
        const all: Member[] = [];
        const start = async (i: number) => {
          if (members[i]) return;
          const m = new Member(`m${i}`, group, s3, sc.conditional, sc.members[i]!);
          members[i] = m;
          all.push(m);
          await m.start(c.topics);
        };
        try {
          await start(0);
          for (const a of sc.actions) {
            await sleep(a.wait);
            const m = members[a.member];
            if (a.what === 'start') await start(a.member);
            else if (!m) continue;
            else if (a.what === 'stop') {
              members[a.member] = undefined;
              await m.shutdown();
            } else if (a.what === 'crash') {
              members[a.member] = undefined;
              m.crash();
            } else m.consumer.freeze(a.ms);
          }
          if (!members.some(Boolean)) await start(2);
          const finished = await allCommitted(c, group, 20_000);
          const problems: string[] = [];
          for (const m of members) if (m) await within(15_000, m.shutdown(), `${m.name}'s shutdown`, problems);
          releaseAll();
          await sleep(100); // late uploads land (or are refused)
          problems.push(...check(c, s3, group, sc.conditional));
          if (!finished) problems.push('not everything was committed within 20 s');
          for (const m of all) if (m.error) problems.push(`${m.name} failed: ${(m.error as Error).message}`);
          expect(problems, JSON.stringify({ faults: s3.faults.map((f) => `${f.n}:${f.fault}`), generation: group.generation })).toEqual([]);
        } finally {
          releaseAll();
          for (const m of all) if (members.includes(m)) m.crash();
          for (const x of cleanups.splice(0).reverse()) await x();
        }
      }),
      { numRuns: runs, seed: Number(process.env.SYNC_FENCING_SEED ?? 20_240_301), endOnFailure: true },
    );
  });
});
