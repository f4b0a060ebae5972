import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Consumer, type Producer, type KafkaMessage } from 'kafkajs';

/** A Kafka record as bytes: nothing decoded, nothing lost. */
export interface RawRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings */
  offset: string;
  /** epoch milliseconds, as Kafka gives it */
  timestamp: string;
  key: Buffer | null;
  /** null for a tombstone */
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export interface Position {
  topic: string;
  partition: number;
  /** the next offset to read */
  offset: string;
}

/** Where records come from: Kafka in production, a recorded file in tests and examples. */
export interface Source {
  /** up to `max` records; an empty array when none came within `waitMs` */
  poll(max: number, waitMs: number): Promise<RawRecord[]>;
  commit(positions: Position[]): Promise<void>;
  close(): Promise<void>;
}

export interface ObjectStore {
  put(key: string, body: Buffer): Promise<void>;
}

export interface DeadLetters {
  send(record: RawRecord, error: Error): Promise<void>;
}

export interface SyncOptions {
  /** the raw layer prefix inside the bucket, e.g. "raw" */
  prefix: string;
  maxRecords: number;
  maxBytes: number;
  maxAgeMs: number;
  retries?: number;
  backoffMs?: number;
  /** uploads in flight at once (default 4); one at a time per partition */
  maxInFlight?: number;
  log?: (line: string) => void;
}

/** A record as the flat ASCII strings of its JSON line: bytes as base64, null as null, offset and timestamp */
/** digit for digit (64-bit, never through a double), non-ASCII names escaped as \uXXXX. Being ASCII, a latin1 */
/** copy of the line is its UTF-8 bytes. */
export function recordPieces(r: RawRecord): string[] {
  if (!/^\d+$/.test(r.offset) || !/^-?\d+$/.test(r.timestamp))
    throw new Error(`bad offset or timestamp in ${r.topic}/${r.partition}`);
  const str = (x: string) =>
    JSON.stringify(x).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const out: string[] = ['{"key":'];
  const b64 = (b: Buffer | null) => (b === null ? out.push('null') : out.push('"', b.toString('base64'), '"'));
  b64(r.key);
  out.push(',"value":');
  b64(r.value);
  out.push(',"offset":', r.offset, ',"timestamp":', r.timestamp, ',"headers":[');
  r.headers.forEach((h, i) => {
    out.push(i ? ',{"key":' : '{"key":', str(h.key), ',"value":');
    b64(h.value);
    out.push('}');
  });
  out.push('],"partition":', String(r.partition), ',"topic":', str(r.topic), '}\n');
  return out;
}

/** One JSON line (see recordPieces). */
export function encodeRecord(r: RawRecord): string {
  return recordPieces(r).join('');
}

/** The inverse of encodeRecord. */
export function decodeRecord(line: string): RawRecord {
  const o = JSON.parse(line) as {
    key: string | null;
    value: string | null;
    headers: Array<{ key: string; value: string | null }>;
    partition: number;
    topic: string;
  };
  // the 64-bit numbers, digit for digit (JSON.parse would round them through a double)
  const offset = /"offset":(\d+)/.exec(line)?.[1];
  const timestamp = /"timestamp":(-?\d+)/.exec(line)?.[1];
  if (offset === undefined || timestamp === undefined) throw new Error('a raw record needs offset and timestamp');
  const buf = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
  return {
    topic: o.topic,
    partition: o.partition,
    offset,
    timestamp,
    key: buf(o.key),
    value: buf(o.value),
    headers: o.headers.map((h) => ({ key: h.key, value: buf(h.value) })),
  };
}

/** Deterministic from topic, partition and first offset (a retry overwrites), in dt/hour folders of the first record. */
export function objectKey(prefix: string, first: RawRecord): string {
  const t = new Date(Number(first.timestamp)).toISOString();
  return `${prefix}/${first.topic}/dt=${t.slice(0, 10)}/hour=${t.slice(11, 13)}/${first.topic}+${String(first.partition).padStart(10, '0')}+${first.offset.padStart(20, '0')}.jsonl`;
}

/** Batch buffers grow in chunks of this many bytes. */
const CHUNK = 1 << 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Batches records per topic-partition, stores each batch as one object, and commits only what is stored. */
/** Uploads are pipelined (up to `maxInFlight` at once) while the next batches fill, but within one partition */
/** every upload and commit waits for the previous one: at most one object per partition is ever uncommitted. */
export class SyncEngine {
  private readonly batches: Map<
    string,
    { records: RawRecord[]; bytes: number; openedAt: number; chunks: Buffer[]; chunk: Buffer; at: number; hour: number }
  > = new Map();
  /** per partition: the last upload-and-commit */
  private readonly chains: Map<string, Promise<void>> = new Map();
  private readonly inflight: Set<Promise<void>> = new Set();
  private failure: Error | undefined;
  /** records stored so far */
  stored: number = 0;
  /** objects written so far */
  objects: number = 0;

  constructor(
    private readonly source: Source,
    private readonly store: ObjectStore,
    private readonly deadLetters: DeadLetters,
    private readonly opts: SyncOptions,
  ) {}

  /** Copies until `signal` aborts, then flushes every open batch and waits for every commit. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.failure) throw this.failure;
      const records = await this.source.poll(this.opts.maxRecords, Math.min(this.opts.maxAgeMs, 1000));
      for (const r of records) {
        const full = this.append(r);
        if (full !== undefined) await this.flush(full);
      }
      await this.flushExpired();
      // a source with nothing to give must not spin: yield to timers and signals (SIGTERM) before polling again
      if (records.length === 0) await sleep(Math.min(this.opts.maxAgeMs, 50));
    }
    await this.flushAll();
  }

  /** Adds a record to its batch (synchronously); returns the batch id when the batch is full. */
  private append(r: RawRecord): string | undefined {
    const id = `${r.topic}\u0000${r.partition}`;
    const hour = Math.floor(Number(r.timestamp) / 3_600_000);
    let b = this.batches.get(id);
    if (b && b.hour !== hour) {
      // never let an object span two hour= folders: close the old batch first
      this.close(id);
      b = undefined;
    }
    if (!b) {
      b = { records: [], bytes: 0, openedAt: Date.now(), chunks: [], chunk: Buffer.allocUnsafe(CHUNK), at: 0, hour };
      this.batches.set(id, b);
    }
    // The line goes into the batch's buffer now (a latin1 copy of an ASCII line is its UTF-8), so the string dies
    // young; keeping thousands of lines alive until the batch closes made the garbage collector the bottleneck.
    const line = encodeRecord(r);
    if (b.at + line.length > b.chunk.length) {
      if (b.at > 0) b.chunks.push(b.chunk.subarray(0, b.at));
      b.chunk = Buffer.allocUnsafe(Math.max(CHUNK, line.length));
      b.at = 0;
    }
    b.at += b.chunk.write(line, b.at, 'latin1');
    b.records.push(r);
    b.bytes += line.length;
    return b.records.length >= this.opts.maxRecords || b.bytes >= this.opts.maxBytes ? id : undefined;
  }

  async flushExpired(): Promise<void> {
    const now = Date.now();
    for (const [id, b] of [...this.batches]) if (now - b.openedAt >= this.opts.maxAgeMs) await this.flush(id);
  }

  /** Closes every open batch and waits until every object is stored and committed. */
  async flushAll(): Promise<void> {
    for (const id of [...this.batches.keys()]) this.close(id);
    await Promise.all([...this.chains.values()]);
    if (this.failure) throw this.failure;
  }

  /** Closes a batch, then waits only if too many uploads are in flight. */
  private async flush(id: string): Promise<void> {
    this.close(id);
    while (this.inflight.size >= (this.opts.maxInFlight ?? 4)) await Promise.race(this.inflight);
  }

  /** Hands a batch to its partition's chain: upload after the previous one, then commit. */
  private close(id: string): void {
    const b = this.batches.get(id);
    this.batches.delete(id);
    if (!b || b.records.length === 0) return;
    const first = b.records[0]!;
    const last = b.records[b.records.length - 1]!;
    const body =
      b.chunks.length === 0
        ? b.chunk.subarray(0, b.at)
        : Buffer.concat([...b.chunks, b.chunk.subarray(0, b.at)], b.bytes);
    const step = (this.chains.get(id) ?? Promise.resolve()).then(async () => {
      try {
        await this.withRetries(() => this.store.put(objectKey(this.opts.prefix, first), body));
      } catch (e) {
        // the store keeps rejecting this batch: store what it accepts record by record; the rest is dead-lettered
        await this.salvage(b.records, e as Error);
      }
      this.stored += b.records.length;
      this.objects += 1;
      // only now is it safe to move on: the next read starts after the last stored record
      await this.withRetries(() =>
        this.source.commit([
          { topic: first.topic, partition: first.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]),
      );
    });
    const tracked = step.catch((e: unknown) => {
      this.failure ??= e instanceof Error ? e : new Error(String(e));
    });
    this.chains.set(id, tracked);
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  private async salvage(records: RawRecord[], error: Error): Promise<void> {
    this.opts.log?.(`batch of ${records.length} rejected (${error.message}): storing record by record`);
    for (const r of records) {
      try {
        await this.store.put(objectKey(this.opts.prefix, r), Buffer.from(encodeRecord(r)));
      } catch (e) {
        await this.withRetries(() => this.deadLetters.send(r, e as Error));
      }
    }
  }

  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    const retries = this.opts.retries ?? 5;
    const base = this.opts.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (attempt >= retries) throw e;
        const wait = Math.min(base * 2 ** attempt, 30_000) * (0.5 + Math.random() / 2);
        this.opts.log?.(`retry ${attempt + 1}/${retries} in ${Math.round(wait)} ms: ${(e as Error).message}`);
        await sleep(wait);
      }
    }
  }
}

/** Objects on any S3 endpoint (MinIO, or a local S3-compatible server in development). */
export class S3Store implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
    );
  }
}

/** Objects as files under a local folder, written atomically (temporary file, then rename). */
export class FolderStore implements ObjectStore {
  constructor(private readonly root: string) {}

  async put(key: string, body: Buffer): Promise<void> {
    const path = join(this.root, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, body);
    await rename(`${path}.tmp`, path);
  }
}

/** A kafkajs consumer with manual commits, turned into a pull source with a bounded buffer. */
export class KafkaSource implements Source {
  private buffer: RawRecord[] = [];
  private paused: boolean = false;

  constructor(private readonly consumer: Consumer) {}

  async start(topics: string[]): Promise<void> {
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        this.buffer.push(KafkaSource.toRecord(topic, partition, message));
        if (this.buffer.length > 50_000 && !this.paused) {
          this.paused = true;
          this.consumer.pause(topics.map((t) => ({ topic: t })));
        }
      },
    });
  }

  static toRecord(topic: string, partition: number, m: KafkaMessage): RawRecord {
    const headers = Object.entries(m.headers ?? {}).flatMap(([key, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => ({
        key,
        value: x === undefined || x === null ? null : Buffer.isBuffer(x) ? x : Buffer.from(x),
      })),
    );
    return {
      topic,
      partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key ?? null,
      value: m.value ?? null,
      headers,
    };
  }

  async poll(max: number, waitMs: number): Promise<RawRecord[]> {
    const deadline = Date.now() + waitMs;
    while (this.buffer.length === 0 && Date.now() < deadline) await sleep(20);
    const out = this.buffer.splice(0, max);
    if (this.paused && this.buffer.length < 10_000) {
      this.paused = false;
      this.consumer.resume(this.consumer.paused());
    }
    return out;
  }

  async commit(positions: Position[]): Promise<void> {
    await this.consumer.commitOffsets(positions);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Sends a record that cannot be stored to the dead-letter topic, bytes unchanged, the failure in headers. */
export class KafkaDeadLetters implements DeadLetters {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async send(r: RawRecord, error: Error): Promise<void> {
    const headers: Record<string, Buffer> = {};
    for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value;
    headers['contractgen.sync.error'] = Buffer.from(error.message);
    headers['contractgen.sync.origin'] = Buffer.from(`${r.topic}/${r.partition}/${r.offset}`);
    await this.producer.send({
      topic: this.topic,
      messages: [{ key: r.key, value: r.value, timestamp: r.timestamp, headers }],
    });
  }
}

/** Replays a recorded JSON-lines file of records (encodeRecord format); commits go to an offsets file beside it. */
export class FileSource implements Source {
  private records: RawRecord[] | undefined;
  private next: number = 0;
  private committed: Record<string, string> = {};
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async load(): Promise<RawRecord[]> {
    if (this.records) return this.records;
    try {
      this.committed = JSON.parse(await readFile(`${this.file}.offsets.json`, 'utf8')) as Record<string, string>;
    } catch {
      this.committed = {};
    }
    const all = (await readFile(this.file, 'utf8'))
      .split('\n')
      .filter((l) => l.length > 0)
      .map(decodeRecord);
    // resume after what was committed, per topic-partition
    this.records = all.filter((r) => BigInt(r.offset) >= BigInt(this.committed[`${r.topic}/${r.partition}`] ?? '0'));
    return this.records;
  }

  async poll(max: number, _waitMs: number): Promise<RawRecord[]> {
    const records = await this.load();
    const out = records.slice(this.next, this.next + max);
    this.next += out.length;
    return out;
  }

  async commit(positions: Position[]): Promise<void> {
    for (const p of positions) this.committed[`${p.topic}/${p.partition}`] = p.offset;
    const snapshot = JSON.stringify(this.committed);
    // partitions commit concurrently: one write of the offsets file at a time, in commit order
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        await writeFile(`${this.file}.offsets.json.tmp`, snapshot);
        await rename(`${this.file}.offsets.json.tmp`, `${this.file}.offsets.json`);
      });
    await this.saving;
  }

  /** True when every record of the file was handed out. */
  done(): boolean {
    return this.records !== undefined && this.next >= this.records.length;
  }

  async close(): Promise<void> {
    return;
  }
}
