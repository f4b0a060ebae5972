import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type Consumer, type Producer } from 'kafkajs';

/** A Kafka record as bytes: nothing decoded, nothing lost. */
export interface RawRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings */
  offset: string;
  /** epoch milliseconds, as Kafka gives it; "-1" when the record has none */
  timestamp: string;
  key: Buffer | null;
  /** null for a tombstone */
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  /** the source's lease on the partition when the record was fetched (group sources only, see Source.lease) */
  lease?: number;
}

export interface Position {
  topic: string;
  partition: number;
  /** the next offset to read */
  offset: string;
  /** the lease the committed records were fetched under */
  lease?: number;
}

/** Where records come from: Kafka in production, a recorded file in tests and examples. */
export interface Source {
  /** up to `max` records; an empty array when none came within `waitMs` */
  poll(max: number, waitMs: number): Promise<RawRecord[]>;
  /** commits; throws FencedError when a position's lease is no longer held (nothing is committed then) */
  commit(positions: Position[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Group sources: the lease this member holds on the partition now, or undefined when the partition is not
   * assigned to it. A lease number changes whenever ownership was not continuous (revoked, or the member
   * lost its membership), and never otherwise. Sources without a group leave this out.
   */
  lease?(topic: string, partition: number): number | undefined;
  /** the partitions assigned now (readiness, metrics) */
  assigned?(): Array<{ topic: string; partition: number }>;
  /** records behind the high watermark, per assigned partition (metrics) */
  lag?(): Array<{ topic: string; partition: number; lag: number }>;
}

export interface ObjectStore {
  /**
   * Stores `body` under `key`. On a conditional store (`conditional` true) the write happens only if no object has
   * that key (S3 `If-None-Match: *`), and an existing object makes it throw ObjectExistsError.
   */
  put(key: string, body: Buffer): Promise<void>;
  /** true when put is put-if-absent */
  readonly conditional?: boolean;
  /** the object's bytes, undefined when there is none (needed by conditional stores) */
  get?(key: string): Promise<Buffer | undefined>;
  /** resolves when the store answers (readiness) */
  ping?(): Promise<void>;
}

export interface DeadLetters {
  send(record: RawRecord, error: Error): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

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
  log?: Log;
  metrics?: Metrics;
}

/** A write refused because an object with that key exists (S3 412 PreconditionFailed). */
export class ObjectExistsError extends Error {
  override readonly name = 'ObjectExistsError';
  constructor(readonly key: string) {
    super(`an object exists at ${key}`);
  }
}

/** A commit refused because this member no longer holds the partition's lease: nothing was committed. */
export class FencedError extends Error {
  override readonly name = 'FencedError';
}

// ------------------------------------------------------------------------------------------------ the raw line

/** Jackson's escaping of a JSON string: ", \ and the C0 controls (\b \t \n \f \r, else \u00XX upper case). */
function jsonString(s: string): string {
  if (!/["\\\u0000-\u001f]/.test(s)) return `"${s}"`;
  let out = '"';
  for (const c of s) {
    const n = c.charCodeAt(0);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (n === 8) out += '\\b';
    else if (n === 9) out += '\\t';
    else if (n === 10) out += '\\n';
    else if (n === 12) out += '\\f';
    else if (n === 13) out += '\\r';
    else if (n < 32) out += `\\u00${n.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** The last millisecond that Java's ISO_INSTANT writes as a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_MS = 253_402_300_799_999;

/** The last second formatted by isoInstant, and its text up to the seconds: records of one second share it. */
let isoSecond = NaN;
let isoPrefix = '';

/** Java's DateTimeFormatter.ISO_INSTANT of epoch milliseconds: UTC, "Z", the fraction only when not zero. */
export function isoInstant(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < -62_167_219_200_000 || ms > MAX_MS)
    throw new Error(`timestamp ${ms} is outside the years 0000-9999`);
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const fraction = ms - second * 1000;
  return fraction === 0 ? `${isoPrefix}Z` : `${isoPrefix}.${String(fraction).padStart(3, '0')}Z`;
}

/**
 * A record as the JSON line Aiven's S3 sink (v3.4.2) writes for `format.output.type=jsonl`, all five fields and
 * ByteArrayConverter keys, values and headers: members in its order `headers, offset, value, key, timestamp`,
 * bytes as base64 (JsonConverter's rendering of BYTES), null as null, the offset digit for digit, the timestamp as
 * ISO_INSTANT (null when Kafka has none, -1). No newline: lines are joined by "\n", none after the last.
 */
export function encodeRecord(r: RawRecord): string {
  if (!/^\d+$/.test(r.offset) || !/^-?\d+$/.test(r.timestamp))
    throw new Error(`bad offset or timestamp in ${r.topic}/${r.partition}`);
  const b64 = (b: Buffer | null) => (b === null ? 'null' : `"${b.toString('base64')}"`);
  let headers = '[';
  for (let i = 0; i < r.headers.length; i++) {
    const h = r.headers[i]!;
    headers += `${i ? ',' : ''}{"key":${jsonString(h.key)},"value":${b64(h.value)}}`;
  }
  const ts = r.timestamp === '-1' ? 'null' : `"${isoInstant(Number(r.timestamp))}"`;
  return `{"headers":${headers}],"offset":${r.offset},"value":${b64(r.value)},"key":${b64(r.key)},"timestamp":${ts}}`;
}

/** The inverse of encodeRecord, given the topic and partition that the object's name carries. */
export function decodeRecord(line: string, topic: string, partition: number): RawRecord {
  const o = JSON.parse(line) as {
    key: string | null;
    value: string | null;
    timestamp: string | null;
    headers: Array<{ key: string; value: string | null }>;
  };
  // the 64-bit offset, digit for digit (JSON.parse would round it through a double)
  const offset = /"offset":(\d+)/.exec(line)?.[1];
  if (offset === undefined) throw new Error('a raw record needs an offset');
  const buf = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
  return {
    topic,
    partition,
    offset,
    timestamp: o.timestamp === null ? '-1' : String(Date.parse(o.timestamp)),
    key: buf(o.key),
    value: buf(o.value),
    headers: o.headers.map((h) => ({ key: h.key, value: buf(h.value) })),
  };
}

/** What an object's name says: `<prefix>/<topic>/dt=…/hour=…/<topic>+<partition>+<start offset>[+<fence>].jsonl`. */
export function parseObjectKey(key: string): { topic: string; partition: number; start: string; fence?: string } {
  const m = /(?:^|\/)([^/]+)\+(\d{10})\+(\d{20})(?:\+([0-9a-z-]+))?\.jsonl$/.exec(key);
  if (!m) throw new Error(`not a raw object name: ${key}`);
  return {
    topic: m[1]!,
    partition: Number(m[2]),
    start: m[3]!.replace(/^0+(?=\d)/, ''),
    ...(m[4] ? { fence: m[4] } : {}),
  };
}

/** Every record of a raw object, topic and partition from its name. */
export function decodeObject(key: string, body: Buffer | string): RawRecord[] {
  const { topic, partition } = parseObjectKey(key);
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return text.length === 0 ? [] : text.split('\n').map((line) => decodeRecord(line, topic, partition));
}

/**
 * The object name of Aiven's `file.name.template` as the sync target configures it (`file.name.timestamp.source:
 * event`, UTC, no compression): folders by the UTC date and hour of the first record's Kafka timestamp (the epoch
 * when it has none), named by topic, partition (10 digits) and first offset (20 digits). `fence` is added only on
 * stores without conditional writes, where two writers' objects must never share a name.
 */
export function objectKey(prefix: string, first: RawRecord, fence?: string): string {
  const ms = first.timestamp === '-1' ? 0 : Number(first.timestamp);
  const t = new Date(ms).toISOString();
  const name = `${first.topic}+${String(first.partition).padStart(10, '0')}+${first.offset.padStart(20, '0')}`;
  return `${prefix}/${first.topic}/dt=${t.slice(0, 10)}/hour=${t.slice(11, 13)}/${name}${fence ? `+${fence}` : ''}.jsonl`;
}

/** Compares two decimal offsets. */
function cmp(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function plusOne(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

// ------------------------------------------------------------------------------------------------ metrics

type Labels = Record<string, string | number>;

/** Prometheus metrics in the text exposition format (version 0.0.4), without a dependency. */
export class Metrics {
  private readonly families: Map<
    string,
    { help: string; type: 'counter' | 'gauge'; values: Map<string, number>; collect?: () => Array<[Labels, number]> }
  > = new Map();

  constructor() {
    const c = (name: string, help: string) => this.define(name, 'counter', help);
    c('contractgen_sync_records_total', 'Records stored in the raw layer (first copy only).');
    c('contractgen_sync_bytes_total', 'Bytes of the objects stored.');
    c('contractgen_sync_objects_total', 'Objects stored.');
    c('contractgen_sync_commits_total', 'Offset commits that the group accepted.');
    c('contractgen_sync_retries_total', 'Retries of a failed store, dead-letter or commit call.');
    c('contractgen_sync_dead_letters_total', 'Records sent to the dead-letter topic.');
    c('contractgen_sync_fencing_events_total', 'Work dropped or reconciled because ownership moved; see the README.');
    c('contractgen_sync_redelivered_total', 'Records delivered again after a rebalance and dropped as already taken.');
  }

  define(name: string, type: 'counter' | 'gauge', help: string, collect?: () => Array<[Labels, number]>): void {
    this.families.set(name, { help, type, values: new Map(), ...(collect ? { collect } : {}) });
  }

  inc(name: string, labels: Labels, by: number = 1): void {
    const f = this.families.get(name);
    if (!f) throw new Error(`no metric ${name}`);
    const k = labelText(labels);
    f.values.set(k, (f.values.get(k) ?? 0) + by);
  }

  /** The value of one series (tests, logs). */
  get(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(labelText(labels)) ?? 0;
  }

  /** Sum of a metric over every label set. */
  total(name: string): number {
    let s = 0;
    for (const v of this.families.get(name)?.values.values() ?? []) s += v;
    return s;
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of [...this.families].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      const values = f.collect ? f.collect().map(([l, v]) => [labelText(l), v] as const) : [...f.values];
      for (const [l, v] of values) out.push(`${name}${l} ${Number.isFinite(v) ? v : 'NaN'}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (!keys.length) return '';
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${esc(String(labels[k]))}"`).join(',')}}`;
}

/** JSON lines, one object per event: time, level, msg, then the fields. */
export function jsonLog(write: (line: string) => void = (l) => process.stdout.write(l)): Log {
  return (level, msg, fields) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

// ------------------------------------------------------------------------------------------------ the engine

/** Batch buffers grow in chunks of this many bytes. */
const CHUNK = 1 << 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Batch {
  records: RawRecord[];
  /** the last offset the batch accounts for: its last record, or a dead-lettered record after it */
  last: string;
  bytes: number;
  openedAt: number;
  chunks: Buffer[];
  chunk: Buffer;
  at: number;
  hour: number;
}

/** One partition under one lease: what was taken, what is known stored, what was committed. */
interface Part {
  topic: string;
  partition: number;
  lease: number | undefined;
  /** the last offset taken into a batch: anything at or below it is a redelivery */
  taken: string | undefined;
  /** the last offset known to be stored (by this member or, found through a refused conditional write, another) */
  stored: string | undefined;
  /** the last offset committed under this lease */
  committed: string | undefined;
  batch: Batch | undefined;
  /** the last upload-and-commit of this partition */
  chain: Promise<void>;
}

/**
 * Batches records per topic-partition, stores each batch as one object, and commits only what is stored.
 * Uploads are pipelined (up to `maxInFlight` at once) while the next batches fill, but within one partition
 * every upload and commit waits for the previous one. Fencing (see the README): the partition's lease is checked
 * before each upload and commit; a conditional store refuses a second object at a name, and the engine then reads
 * what is there and goes on after it; records delivered again after a rebalance are dropped; a commit never goes
 * backwards within a lease and never happens for a lease that is gone.
 */
export class SyncEngine {
  private readonly parts: Map<string, Part> = new Map();
  private readonly pending: Set<Promise<void>> = new Set();
  private failure: Error | undefined;
  /** records Aiven's format cannot hold, on their way to the dead letters */
  private readonly unencodable: Array<[RawRecord, Error]> = [];
  /** a random name of this engine: the fence in object names on stores without conditional writes */
  private readonly writer: string = randomBytes(4).toString('hex');
  readonly metrics: Metrics;
  /** records stored so far (by this engine) */
  stored: number = 0;
  /** objects written so far */
  objects: number = 0;
  /** when the run loop last went round (liveness) */
  lastLoop: number = Date.now();

  constructor(
    private readonly source: Source,
    private readonly store: ObjectStore,
    private readonly deadLetters: DeadLetters,
    private readonly opts: SyncOptions,
  ) {
    this.metrics = opts.metrics ?? new Metrics();
    this.metrics.define('contractgen_sync_batch_age_seconds', 'gauge', 'Age of the open batch.', () =>
      [...this.parts.values()]
        .filter((p) => p.batch)
        .map((p) => [{ topic: p.topic, partition: p.partition }, (Date.now() - p.batch!.openedAt) / 1000]),
    );
    this.metrics.define('contractgen_sync_consumer_lag', 'gauge', 'Records behind the high watermark.', () =>
      (source.lag?.() ?? []).map((l) => [{ topic: l.topic, partition: l.partition }, l.lag]),
    );
    this.metrics.define('contractgen_sync_partitions_assigned', 'gauge', 'Partitions assigned to this member.', () => [
      [{}, source.assigned?.().length ?? 0],
    ]);
    this.metrics.define('contractgen_sync_uploads_in_flight', 'gauge', 'Uploads and commits under way.', () => [
      [{}, this.pending.size],
    ]);
  }

  /** Copies until `signal` aborts, then flushes every open batch and waits for every commit. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.lastLoop = Date.now();
      if (this.failure) throw this.failure;
      this.dropRevoked();
      const records = await this.source.poll(this.opts.maxRecords, Math.min(this.opts.maxAgeMs, 1000));
      for (const r of records) {
        const full = this.append(r);
        while (this.unencodable.length) {
          const [bad, error] = this.unencodable.shift()!;
          await this.deadLetter(bad, error);
        }
        if (full !== undefined) await this.flush(full);
      }
      await this.flushExpired();
      // a source with nothing to give must not spin: yield to timers and signals (SIGTERM) before polling again
      if (records.length === 0) await sleep(Math.min(this.opts.maxAgeMs, 50));
    }
    await this.flushAll();
  }

  /** True while the loop goes round and nothing failed for good (liveness). */
  healthy(staleMs: number = 300_000): boolean {
    return this.failure === undefined && Date.now() - this.lastLoop < staleMs;
  }

  private owns(p: Part): boolean {
    return p.lease === undefined || this.source.lease?.(p.topic, p.partition) === p.lease;
  }

  private fenced(p: Part, reason: string, records: number): void {
    this.metrics.inc('contractgen_sync_fencing_events_total', { topic: p.topic, partition: p.partition, reason });
    this.opts.log?.('warn', 'fenced', { topic: p.topic, partition: p.partition, lease: p.lease, reason, records });
  }

  /** Open batches of partitions whose lease is gone are dropped: their records go to the new owner. */
  private dropRevoked(): void {
    if (!this.source.lease) return;
    for (const [id, p] of this.parts) {
      if (this.owns(p)) continue;
      if (p.batch) this.fenced(p, 'revoked_batch_dropped', p.batch.records.length);
      p.batch = undefined;
      this.parts.delete(id);
    }
  }

  /** Adds a record to its batch; returns the batch id when the batch is full. */
  private append(r: RawRecord): string | undefined {
    const id = `${r.topic}\u0000${r.partition}`;
    let p = this.parts.get(id);
    if (r.lease !== undefined) {
      if (this.source.lease?.(r.topic, r.partition) !== r.lease) {
        // fetched under a lease that is gone: the partition's new owner reads it again
        this.metrics.inc('contractgen_sync_fencing_events_total', {
          topic: r.topic,
          partition: r.partition,
          reason: 'stale_record_dropped',
        });
        return undefined;
      }
      if (p && p.lease !== r.lease) {
        if (p.batch) this.fenced(p, 'revoked_batch_dropped', p.batch.records.length);
        p.batch = undefined;
        p = undefined;
      }
    }
    if (!p) {
      p = {
        topic: r.topic,
        partition: r.partition,
        lease: r.lease,
        taken: undefined,
        stored: undefined,
        committed: undefined,
        batch: undefined,
        chain: Promise.resolve(),
      };
      this.parts.set(id, p);
    }
    if (
      (p.taken !== undefined && cmp(r.offset, p.taken) <= 0) ||
      (p.stored !== undefined && cmp(r.offset, p.stored) <= 0)
    ) {
      // a rebalance restarted the partition from its committed offset: this record is in a batch already
      this.metrics.inc('contractgen_sync_redelivered_total', { topic: r.topic, partition: r.partition });
      return undefined;
    }
    p.taken = r.offset;
    let line: string;
    try {
      line = encodeRecord(r);
    } catch (e) {
      // a record Aiven's format cannot hold (a timestamp beyond the year 9999): to the dead letters, then on
      this.unencodable.push([r, e as Error]);
      if (p.batch) p.batch.last = r.offset;
      else this.openBatch(p, r).last = r.offset;
      return undefined;
    }
    const hour = Math.floor((r.timestamp === '-1' ? 0 : Number(r.timestamp)) / 3_600_000);
    if (p.batch && p.batch.hour !== hour && p.batch.records.length > 0) {
      // never let an object span two hour= folders: close the old batch first
      this.close(id);
    }
    const b = p.batch ?? this.openBatch(p, r);
    b.hour = hour;
    // The line goes into the batch's buffer now (a latin1 copy of an ASCII line is its UTF-8), so the string dies
    // young; keeping thousands of lines alive until the batch closes made the garbage collector the bottleneck.
    const sep = b.records.length ? 1 : 0;
    // only header names can be other than ASCII (base64, digits and the ISO time are ASCII)
    const ascii = r.headers.every((h) => !/[^\x00-\x7f]/.test(h.key));
    const size = sep + (ascii ? line.length : Buffer.byteLength(line));
    if (b.at + size > b.chunk.length) {
      if (b.at > 0) b.chunks.push(b.chunk.subarray(0, b.at));
      b.chunk = Buffer.allocUnsafe(Math.max(CHUNK, size));
      b.at = 0;
    }
    if (sep) b.chunk[b.at++] = 10;
    b.at += b.chunk.write(line, b.at, ascii ? 'latin1' : 'utf8');
    b.records.push(r);
    b.last = r.offset;
    b.bytes += size;
    return b.records.length >= this.opts.maxRecords || b.bytes >= this.opts.maxBytes ? id : undefined;
  }

  private openBatch(p: Part, r: RawRecord): Batch {
    p.batch = {
      records: [],
      last: r.offset,
      bytes: 0,
      openedAt: Date.now(),
      chunks: [],
      chunk: Buffer.allocUnsafe(CHUNK),
      at: 0,
      hour: Math.floor((r.timestamp === '-1' ? 0 : Number(r.timestamp)) / 3_600_000),
    };
    return p.batch;
  }

  async flushExpired(): Promise<void> {
    const now = Date.now();
    for (const [id, p] of [...this.parts])
      if (p.batch && now - p.batch.openedAt >= this.opts.maxAgeMs) await this.flush(id);
  }

  /** Closes every open batch and waits until every object is stored and committed. */
  async flushAll(): Promise<void> {
    this.dropRevoked();
    for (const id of [...this.parts.keys()]) this.close(id);
    while (this.pending.size) await Promise.all([...this.pending]);
    if (this.failure) throw this.failure;
  }

  /** Closes a batch, then waits only if too many uploads are in flight. */
  private async flush(id: string): Promise<void> {
    this.close(id);
    while (this.pending.size >= (this.opts.maxInFlight ?? 4)) await Promise.race(this.pending);
  }

  /** Hands a batch to its partition's chain: upload after the previous one, then commit. */
  private close(id: string): void {
    const p = this.parts.get(id);
    const b = p?.batch;
    if (!p || !b) return;
    p.batch = undefined;
    const body =
      b.chunks.length === 0 ? b.chunk.subarray(0, b.at) : Buffer.concat([...b.chunks, b.chunk.subarray(0, b.at)]);
    const step = p.chain.then(() => this.storeAndCommit(p, b, body));
    const tracked = step.catch((e: unknown) => {
      this.failure ??= e instanceof Error ? e : new Error(String(e));
    });
    p.chain = tracked;
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async storeAndCommit(p: Part, b: Batch, body: Buffer): Promise<void> {
    // what a refused conditional write showed to be stored already is not written again
    let records = b.records;
    if (p.stored !== undefined && records.length && cmp(records[0]!.offset, p.stored) <= 0) {
      records = records.filter((r) => cmp(r.offset, p.stored!) > 0);
      body = joinLines(records);
    }
    if (records.length) {
      if (!this.owns(p)) return this.fenced(p, 'upload_skipped', records.length);
      try {
        await this.upload(p, records, body);
      } catch (e) {
        if (e instanceof FencedError) return this.fenced(p, 'upload_skipped', records.length);
        // the store keeps rejecting this batch: store what it accepts record by record; the rest is dead-lettered
        await this.salvage(p, records, e as Error);
      }
    }
    const last = p.stored !== undefined && cmp(p.stored, b.last) > 0 ? p.stored : b.last;
    const next = plusOne(last);
    if (p.committed !== undefined && cmp(next, p.committed) <= 0) return; // never backwards
    if (!this.owns(p)) return this.fenced(p, 'commit_skipped', 0);
    try {
      // only now is it safe to move on: the next read starts after the last stored record
      await this.withRetries('commit', () =>
        this.source.commit([{ topic: p.topic, partition: p.partition, offset: next, lease: p.lease }]),
      );
      p.committed = next;
      this.metrics.inc('contractgen_sync_commits_total', { topic: p.topic, partition: p.partition });
    } catch (e) {
      if (e instanceof FencedError) return this.fenced(p, 'commit_refused', 0);
      throw e;
    }
  }

  /**
   * Writes records as objects until all are stored. On a conditional store a refused write means an object
   * starts at the same offset (this partition's previous owner, or this member before a crash): it holds the same
   * records byte for byte, so what it covers is skipped and the rest is written after it.
   */
  private async upload(p: Part, records: RawRecord[], body: Buffer): Promise<void> {
    const fence = !this.store.conditional && p.lease !== undefined ? `${this.writer}-${p.lease}` : undefined;
    let i = 0;
    while (i < records.length) {
      const rest = i === 0 ? records : records.slice(i);
      const part = i === 0 ? body : joinLines(rest);
      const key = objectKey(this.opts.prefix, rest[0]!, fence);
      try {
        await this.withRetries('put', () => this.store.put(key, part));
      } catch (e) {
        if (!(e instanceof ObjectExistsError)) throw e;
        this.metrics.inc('contractgen_sync_fencing_events_total', {
          topic: p.topic,
          partition: p.partition,
          reason: 'conditional_write_refused',
        });
        const existing = this.store.get ? await this.withRetries('get', () => this.store.get!(key)) : undefined;
        if (existing === undefined) throw new Error(`${key}: the store refused the write but has no such object`);
        const lines = existing.toString('utf8').split('\n');
        const n = Math.min(lines.length, rest.length);
        for (let j = 0; j < n; j++)
          if (lines[j] !== encodeRecord(rest[j]!))
            throw new Error(
              `${key} holds other bytes than Kafka gave for offset ${rest[j]!.offset}: refusing to go on`,
            );
        const lastThere = /"offset":(\d+)/.exec(lines[lines.length - 1]!)?.[1];
        if (lastThere === undefined) throw new Error(`${key}: not a raw object`);
        p.stored = p.stored !== undefined && cmp(p.stored, lastThere) > 0 ? p.stored : lastThere;
        this.opts.log?.('info', 'object exists: going on after it', { key, records: lines.length });
        if (!this.owns(p)) throw new FencedError(`lease on ${p.topic}/${p.partition} lost`);
        i += n;
        continue;
      }
      this.stored += rest.length;
      this.objects += 1;
      const labels = { topic: p.topic, partition: p.partition };
      this.metrics.inc('contractgen_sync_records_total', labels, rest.length);
      this.metrics.inc('contractgen_sync_bytes_total', labels, part.length);
      this.metrics.inc('contractgen_sync_objects_total', labels);
      const last = rest[rest.length - 1]!.offset;
      p.stored = p.stored !== undefined && cmp(p.stored, last) > 0 ? p.stored : last;
      i = records.length;
    }
  }

  private async salvage(p: Part, records: RawRecord[], error: Error): Promise<void> {
    this.opts.log?.('warn', 'batch rejected: storing record by record', {
      topic: p.topic,
      partition: p.partition,
      records: records.length,
      error: error.message,
    });
    for (const r of records) {
      try {
        await this.upload(p, [r], Buffer.from(encodeRecord(r)));
      } catch (e) {
        if (e instanceof FencedError) throw e;
        await this.deadLetter(r, e as Error);
      }
    }
  }

  private async deadLetter(r: RawRecord, error: Error): Promise<void> {
    await this.withRetries('dead_letter', () => this.deadLetters.send(r, error));
    this.stored += 1;
    this.metrics.inc('contractgen_sync_dead_letters_total', { topic: r.topic, partition: r.partition });
    this.opts.log?.('error', 'dead-lettered', {
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      error: error.message,
    });
  }

  private async withRetries<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const retries = this.opts.retries ?? 5;
    const base = this.opts.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        // a refused conditional write and a lost lease are answers, not failures
        if (attempt >= retries || e instanceof ObjectExistsError || e instanceof FencedError) throw e;
        const wait = Math.min(base * 2 ** attempt, 30_000) * (0.5 + Math.random() / 2);
        this.metrics.inc('contractgen_sync_retries_total', { operation });
        this.opts.log?.('warn', 'retrying', {
          operation,
          attempt: attempt + 1,
          retries,
          waitMs: Math.round(wait),
          error: (e as Error).message,
        });
        await sleep(wait);
      }
    }
  }
}

/** Records as an object's body: lines joined by "\n", none after the last (as Aiven writes them). */
export function joinLines(records: RawRecord[]): Buffer {
  return Buffer.from(records.map(encodeRecord).join('\n'));
}

// ------------------------------------------------------------------------------------------------ stores

/** Objects on any S3 endpoint (MinIO, or a local S3-compatible server in development). */
export class S3Store implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    readonly conditional: boolean = true,
    private readonly timeoutMs: number = 10_000,
  ) {}

  async put(key: string, body: Buffer): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/x-ndjson',
          ...(this.conditional ? { IfNoneMatch: '*' } : {}),
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
    } catch (e) {
      // 412 PreconditionFailed (AWS and MinIO): the object exists. AWS's 409 ConditionalRequestConflict (a
      // concurrent conditional write) is retried like any other failure.
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (this.conditional && (err.name === 'PreconditionFailed' || err.$metadata?.httpStatusCode === 412))
        throw new ObjectExistsError(key);
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404) return undefined;
      throw e;
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  /**
   * Checks that the endpoint really honours `If-None-Match: *`: MinIO before RELEASE.2024-05-07T06-41-25Z takes
   * "*" for an ETag and writes anyway, and RELEASE.2025-09-06T17-38-46Z refuses every conditional write to a new
   * key. Writes and deletes one object under `<prefix>/_sync/`.
   */
  async checkConditionalWrites(prefix: string): Promise<void> {
    const key = `${prefix}/_sync/conditional-write-check-${randomBytes(8).toString('hex')}`;
    try {
      await this.put(key, Buffer.from('1'));
    } catch (e) {
      throw new Error(`the store refuses a conditional write to a new key (${(e as Error).message})`);
    }
    let second: unknown;
    try {
      await this.put(key, Buffer.from('2'));
    } catch (e) {
      second = e;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!(second instanceof ObjectExistsError))
      throw new Error(
        second
          ? `a conditional write to an existing key failed with ${(second as Error).message}, not 412`
          : 'the store ignores If-None-Match: * (MinIO before RELEASE.2024-05-07T06-41-25Z?)',
      );
  }
}

/** Objects as files under a local folder, written atomically; a hard link makes the write put-if-absent. */
export class FolderStore implements ObjectStore {
  readonly conditional: boolean = true;
  constructor(private readonly root: string) {}

  private path(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, body);
    try {
      await link(tmp, path);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') throw new ObjectExistsError(key);
      throw e;
    } finally {
      await unlink(tmp);
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
}

// ------------------------------------------------------------------------------------------------ Kafka

/** kafkajs's rebalance answers to a commit (ILLEGAL_GENERATION 22, UNKNOWN_MEMBER_ID 25, REBALANCE_IN_PROGRESS 27). */
function isRebalanceError(e: unknown): boolean {
  const types = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS']);
  const err = e as { type?: string; cause?: { type?: string } } | undefined;
  return types.has(err?.type ?? '') || types.has(err?.cause?.type ?? '');
}

/**
 * A kafkajs consumer with manual commits, turned into a pull source with a bounded buffer. kafkajs has no revoke
 * callback, and its commitOffsets uses whatever generation is current when it runs: so this source keeps a lease
 * per partition from the group-join events (a partition assigned again to the same member keeps its lease; a new
 * member id means every lease is new), stamps each record with it, drops buffered records of lost leases, holds
 * commits while a rebalance is in progress, and commits only for leases still held.
 */
export class KafkaSource implements Source {
  private buffer: RawRecord[] = [];
  private paused: boolean = false;
  private topics: string[] = [];
  private memberId: string | undefined;
  private leases: Map<string, number> = new Map();
  private nextLease: number = 1;
  private joins: number = 0;
  private rebalancing: boolean = false;
  private waiters: Array<() => void> = [];
  private closed: boolean = false;
  private readonly highWatermarks: Map<string, string> = new Map();
  private readonly positions: Map<string, string> = new Map();

  constructor(
    private readonly consumer: Consumer,
    private readonly log?: Log,
    /** how long a commit waits for a rebalance to end before it fails (and is retried) */
    private readonly rebalanceWaitMs: number = 120_000,
  ) {}

  async start(topics: string[]): Promise<void> {
    this.topics = topics;
    const { GROUP_JOIN, REBALANCING } = this.consumer.events;
    this.consumer.on(REBALANCING, () => {
      this.rebalancing = true;
    });
    this.consumer.on(GROUP_JOIN, (e) => this.joined(e.payload.memberId, e.payload.memberAssignment));
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const tp = `${batch.topic}\u0000${batch.partition}`;
        const lease = this.leases.get(tp);
        this.highWatermarks.set(tp, batch.highWatermark);
        if (lease === undefined) return;
        for (const m of batch.messages) {
          this.buffer.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: m.key ?? null,
            value: m.value ?? null,
            headers: KafkaSource.headers(m.headers),
            lease,
          });
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last && !this.positions.has(tp)) this.positions.set(tp, batch.messages[0]!.offset);
        if (this.buffer.length > 50_000 && !this.paused) {
          this.paused = true;
          // whole topics, resumed as whole topics: resuming listed partitions would leave later ones paused
          this.consumer.pause(this.topics.map((topic) => ({ topic })));
        }
      },
    });
  }

  static headers(h: Record<string, unknown> | undefined): RawRecord['headers'] {
    return Object.entries(h ?? {}).flatMap(([key, v]) =>
      (Array.isArray(v) ? v : [v]).map((x: unknown) => ({
        key,
        value: x === undefined || x === null ? null : Buffer.isBuffer(x) ? x : Buffer.from(String(x)),
      })),
    );
  }

  /** The group-join event: the new assignment. */
  private joined(memberId: string, assignment: Record<string, number[]>): void {
    const fresh = memberId !== this.memberId;
    this.memberId = memberId;
    const next = new Map<string, number>();
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions) {
        const tp = `${topic}\u0000${partition}`;
        const old = this.leases.get(tp);
        next.set(tp, !fresh && old !== undefined ? old : this.nextLease++);
      }
    for (const tp of this.leases.keys())
      if (next.get(tp) !== this.leases.get(tp)) {
        this.positions.delete(tp);
        this.highWatermarks.delete(tp);
      }
    this.leases = next;
    const before = this.buffer.length;
    this.buffer = this.buffer.filter((r) => this.leases.get(`${r.topic}\u0000${r.partition}`) === r.lease);
    this.joins++;
    this.rebalancing = false;
    this.log?.('info', 'assigned', {
      memberId,
      partitions: [...next.keys()].map((k) => k.replace('\u0000', '/')),
      droppedBuffered: before - this.buffer.length,
    });
    for (const w of this.waiters.splice(0)) w();
  }

  lease(topic: string, partition: number): number | undefined {
    return this.leases.get(`${topic}\u0000${partition}`);
  }

  assigned(): Array<{ topic: string; partition: number }> {
    return [...this.leases.keys()].map((k) => {
      const [topic, partition] = k.split('\u0000');
      return { topic: topic!, partition: Number(partition) };
    });
  }

  lag(): Array<{ topic: string; partition: number; lag: number }> {
    return this.assigned().flatMap(({ topic, partition }) => {
      const tp = `${topic}\u0000${partition}`;
      const hw = this.highWatermarks.get(tp);
      const at = this.positions.get(tp);
      return hw === undefined || at === undefined ? [] : [{ topic, partition, lag: Number(BigInt(hw) - BigInt(at)) }];
    });
  }

  async poll(max: number, waitMs: number): Promise<RawRecord[]> {
    const deadline = Date.now() + waitMs;
    while (this.buffer.length === 0 && Date.now() < deadline) await sleep(20);
    const out = this.buffer.splice(0, max);
    if (this.paused && this.buffer.length < 10_000) {
      this.paused = false;
      this.consumer.resume(this.topics.map((topic) => ({ topic })));
    }
    return out;
  }

  /** Waits for the next group join (or close), at most rebalanceWaitMs. */
  private async nextJoin(after: number): Promise<void> {
    if (this.joins !== after || this.closed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.waiters.push(resolve)),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no group join after a rebalance')), this.rebalanceWaitMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async commit(positions: Position[]): Promise<void> {
    for (;;) {
      if (this.rebalancing) await this.nextJoin(this.joins);
      const lost = positions.filter((p) => p.lease !== undefined && this.lease(p.topic, p.partition) !== p.lease);
      if (lost.length)
        throw new FencedError(`no longer assigned: ${lost.map((p) => `${p.topic}/${p.partition}`).join(', ')}`);
      const joins = this.joins;
      try {
        await this.consumer.commitOffsets(
          positions.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
        );
      } catch (e) {
        // the group moved on: after it settles, commit again what is still ours (the lease check above)
        if (!isRebalanceError(e)) throw e;
        this.log?.('warn', 'commit refused by the group', { error: (e as Error).message });
        this.rebalancing = true;
        await this.nextJoin(joins);
        continue;
      }
      for (const p of positions) this.positions.set(`${p.topic}\u0000${p.partition}`, p.offset);
      return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
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

// ------------------------------------------------------------------------------------------------ a recorded file

/** A recorded stream as JSON lines: a raw line (encodeRecord) with the record's "topic" and "partition" after it. */
export function encodeRecorded(r: RawRecord): string {
  return `${encodeRecord(r).slice(0, -1)},"topic":${jsonString(r.topic)},"partition":${r.partition}}`;
}

/** Replays a recorded JSON-lines file of records (encodeRecorded); commits go to an offsets file beside it. */
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
      .map((l) => {
        const { topic, partition } = JSON.parse(l) as { topic: string; partition: number };
        return decodeRecord(l, topic, partition);
      });
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

  assigned(): Array<{ topic: string; partition: number }> {
    const seen = new Map<string, { topic: string; partition: number }>();
    for (const r of this.records ?? [])
      seen.set(`${r.topic}/${r.partition}`, { topic: r.topic, partition: r.partition });
    return [...seen.values()];
  }

  /** True when every record of the file was handed out. */
  done(): boolean {
    return this.records !== undefined && this.next >= this.records.length;
  }

  async close(): Promise<void> {
    return;
  }
}

// ------------------------------------------------------------------------------------------------ operations

/**
 * The operations endpoint: `/metrics` (Prometheus text format), `/healthz` (the engine's loop goes round and
 * nothing failed for good), `/readyz` (partitions are assigned and the store answered within the last 10 s).
 */
export function serveOps(
  engine: SyncEngine,
  source: Source,
  store: ObjectStore,
  port: number,
  host: string = '0.0.0.0',
): Promise<Server> {
  let storeOk = 0;
  const storeAnswers = async (): Promise<boolean> => {
    if (Date.now() - storeOk < 10_000) return true;
    try {
      await store.ping?.();
      storeOk = Date.now();
      return true;
    } catch {
      return false;
    }
  };
  const server = createServer((req, res) => {
    const reply = (status: number, body: string, type: string = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return reply(200, engine.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    if (path === '/healthz') return engine.healthy() ? reply(200, 'ok\n') : reply(503, 'unhealthy\n');
    if (path === '/readyz') {
      const partitions = source.assigned?.().length ?? 1;
      void storeAnswers().then((ok) =>
        ok && partitions > 0
          ? reply(200, 'ready\n')
          : reply(503, `${partitions > 0 ? '' : 'no partitions assigned; '}${ok ? '' : 'the store does not answer'}\n`),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
