/**
 * The raw layer, written by the generated sync engine (generated/sync/runtime.ts) to an S3 endpoint on loopback
 * (test/helpers/s3-faults.ts: MinIO's conditional writes, faults on demand), then mirrored to a local folder for
 * the job to read as Spark reads the bucket.
 *
 * - `syncRecords`: one engine copies the records, in an interleaving of their partitions (each partition's own
 *   order kept, as Kafka delivers them), onto a store with conditional writes: exactly once.
 * - `syncWithFencedCopies`: two engines in one consumer group (the simulated group coordinator of
 *   test/helpers/kafka-sim.ts) on a store without conditional writes (S3_CONDITIONAL_WRITES=false). The first
 *   member's first upload is held until it has lost its partitions and the second member has stored and committed
 *   everything again; then it lands: the late, fenced copy the sync's README says readers must drop by topic,
 *   partition and offset.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { KafkaSource, S3Store, SyncEngine, decodeObject, type RawRecord, type Source } from '../../generated/sync/runtime.js';
import { SimCluster, SimConsumer, SimGroup, type SimMessage } from '../../test/helpers/kafka-sim.js';
import { FaultyS3 } from '../../test/helpers/s3-faults.js';

/** Records in the order a consumer might get them: partitions interleaved by a seeded draw, each in its order. */
export function interleave(records: RawRecord[], seed: number): RawRecord[] {
  const queues = new Map<number, RawRecord[]>();
  for (const r of records) queues.set(r.partition, [...(queues.get(r.partition) ?? []), r]);
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out: RawRecord[] = [];
  for (;;) {
    const live = [...queues.values()].filter((q) => q.length);
    if (!live.length) return out;
    out.push(live[Math.floor(rand() * live.length)]!.shift()!);
  }
}

class MemorySource implements Source {
  private next = 0;
  constructor(
    private readonly records: RawRecord[],
    private readonly drained: () => void,
    private readonly batch: number,
  ) {}
  async poll(max: number): Promise<RawRecord[]> {
    const out = this.records.slice(this.next, this.next + Math.min(max, this.batch));
    this.next += out.length;
    if (this.next >= this.records.length) this.drained();
    return out;
  }
  async commit(): Promise<void> {}
  async close(): Promise<void> {}
}

const client = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });

/** Writes the bucket's objects (under `prefix/`) into `dir`, at their keys; returns how many. */
function mirror(s3: FaultyS3, bucket: string, prefix: string, dir: string): { objects: number; stored: RawRecord[] } {
  let objects = 0;
  const stored: RawRecord[] = [];
  for (const [key, body] of s3.contents(bucket)) {
    if (!key.startsWith(`${prefix}/`) || key.includes('/_sync/')) continue;
    const path = join(dir, ...key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    stored.push(...decodeObject(key, body));
    objects++;
  }
  return { objects, stored };
}

export interface SyncResult {
  objects: number;
  /** every record stored, copies included */
  stored: RawRecord[];
}

/** One sync engine copies `records` to a conditional store; the bucket is mirrored to `dir`. */
export async function syncRecords(records: RawRecord[], o: { bucket: string; prefix: string; dir: string; seed: number; maxRecords?: number }): Promise<SyncResult> {
  const s3 = new FaultyS3({ buckets: [o.bucket], conditional: 'minio' });
  await s3.start();
  const c = client(s3.endpoint);
  try {
    const stop = new AbortController();
    const source = new MemorySource(interleave(records, o.seed), () => stop.abort(), 7);
    const engine = new SyncEngine(source, new S3Store(c, o.bucket), { send: async (_r, e) => Promise.reject(e) }, { prefix: o.prefix, maxRecords: o.maxRecords ?? 25, maxBytes: 4 << 20, maxAgeMs: 50 });
    if (records.length) await engine.run(stop.signal);
    return mirror(s3, o.bucket, o.prefix, o.dir);
  } finally {
    c.destroy();
    await s3.close();
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Two sync engines in one group on a store without conditional writes; the first member's first upload lands
 * after it was fenced and the second member had stored everything: that object's records are stored twice.
 */
export async function syncWithFencedCopies(records: RawRecord[], o: { bucket: string; prefix: string; dir: string }): Promise<SyncResult> {
  const topics = [...new Set(records.map((r) => r.topic))];
  const cluster = new SimCluster();
  for (const t of topics) {
    const mine = records.filter((r) => r.topic === t);
    const partitions = Math.max(...mine.map((r) => r.partition)) + 1;
    cluster.addTopic(
      t,
      Array.from({ length: partitions }, (_, p) =>
        mine
          .filter((r) => r.partition === p)
          .sort((a, b) => Number(a.offset) - Number(b.offset))
          .map((r) => ({ topic: t, partition: p, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: {} }) as SimMessage & { topic: string; partition: number }),
      ),
    );
  }
  const group = new SimGroup(cluster);
  const s3 = new FaultyS3({ buckets: [o.bucket], conditional: 'ignored' });
  await s3.start();
  let release!: () => void;
  const late = new Promise<void>((r) => (release = r));
  let firstPut = true;
  s3.plan = (r) => {
    if (r.method !== 'PUT' || !firstPut || r.key.includes('/_sync/')) return undefined;
    firstPut = false;
    return { kind: 'delay', until: late };
  };
  const clients: S3Client[] = [];
  const members: Array<{ stop: AbortController; done: Promise<void> | undefined }> = [];
  const member = (name: string, maxRecords: number, maxAgeMs: number) => {
    const consumer = new SimConsumer(group, name);
    const source = new KafkaSource(consumer as never, undefined, 5_000);
    const c = client(s3.endpoint);
    clients.push(c);
    const engine = new SyncEngine(source, new S3Store(c, o.bucket, false, 60_000), { send: async (_r, e) => Promise.reject(e) }, { prefix: o.prefix, maxRecords, maxBytes: 1 << 20, maxAgeMs, retries: 10, backoffMs: 5 });
    const stop = new AbortController();
    const m = { consumer, source, engine, stop, done: undefined as Promise<void> | undefined };
    members.push(m);
    return m;
  };
  // every partition committed to its end (a partition without records has nothing to commit)
  const committed = () => topics.every((t) => Array.from({ length: cluster.partitions(t) }, (_, p) => cluster.end(t, p) === 0 || group.committed.get(`${t}/${p}`) === String(cluster.end(t, p))).every(Boolean));
  try {
    const a = member('a', 1000, 30);
    await a.source.start(topics);
    a.done = a.engine.run(a.stop.signal).catch(() => undefined);
    for (let i = 0; i < 500 && firstPut; i++) await sleep(10); // A's first upload is under way
    a.consumer.freeze(60_000); // A stalls: the group removes it, its upload still in flight
    const b = member('b', 1000, 30);
    await b.source.start(topics);
    b.done = b.engine.run(b.stop.signal);
    for (let i = 0; i < 1000 && !committed(); i++) await sleep(10);
    if (!committed()) throw new Error('the second sync member did not commit every record');
    release();
    await sleep(200); // A's late upload lands under its own fenced name
    b.stop.abort();
    await b.done;
    await b.source.close();
    a.consumer.crash();
    a.stop.abort();
    return mirror(s3, o.bucket, o.prefix, o.dir);
  } finally {
    release();
    for (const m of members) m.stop.abort();
    // a member whose consumer crashed may sit in a poll: its engine is given a moment, not waited for
    await Promise.race([Promise.all(members.map((m) => m.done?.catch(() => undefined))), sleep(1000)]);
    group.close();
    for (const c of clients) c.destroy();
    await s3.close();
  }
}
