/**
 * `sync` target: the raw layer's writer, two ways.
 * - A Kafka Connect sink for MinIO: Aiven's Apache-2.0 S3 sink by default (Confluent's as an option), with
 *   ByteArray converters and JSON lines of key, value, offset, timestamp and headers (base64), tombstones kept,
 *   the object layout `raw/<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<start offset>.jsonl.gz`,
 *   credentials through the Connect worker's config provider.
 * - A TypeScript sync service built with ts-morph: typed per-topic definitions plus a small runtime (kafkajs
 *   consumer with manual commits, @aws-sdk/client-s3 writes, batching by count, bytes and time, commit after
 *   store, SIGTERM flush, retries with backoff, a dead-letter topic), which also runs from a recorded file.
 */
import { Project, Scope, VariableDeclarationKind } from 'ts-morph';
import type { PlatformConfig } from '../config/config.js';
import { cdcConnectors, syncDlqTopic, topicOf } from '../model/cdc.js';
import { secretRef } from './lang/connect.js';
import { toYaml } from './lang/yaml.js';
import { DATA_PLACEHOLDER, type OutputFile, type Target } from './target.js';

export interface SyncTopic {
  topic: string;
  dataset: string;
  source: string;
  valueFormat: 'avro' | 'json';
}

export function syncTopics(datasets: Parameters<typeof cdcConnectors>[0], config: PlatformConfig): SyncTopic[] {
  return cdcConnectors(datasets, config)
    .flatMap((c) => c.datasets.map((ds) => ({ topic: topicOf(ds, config), dataset: ds.name, source: c.kind, valueFormat: c.converter })))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

const BYTES = 'org.apache.kafka.connect.converters.ByteArrayConverter';

export function sinkName(config: PlatformConfig): string {
  return `${config.naming.topicPrefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-raw-sync`;
}

/** The Kafka Connect configuration of the raw-layer sink; all values strings. */
export function sinkConfig(topics: readonly SyncTopic[], config: PlatformConfig): Record<string, string> {
  const s = config.sync;
  const dlq: Record<string, string> = {
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': syncDlqTopic(config),
    'errors.deadletterqueue.topic.replication.factor': String(config.kafka.topicDefaults.replicas),
    'errors.deadletterqueue.context.headers.enable': 'true',
    'errors.log.enable': 'true',
  };
  const common = {
    'tasks.max': '2',
    topics: topics.map((t) => t.topic).join(','),
    'key.converter': BYTES,
    'value.converter': BYTES,
    'header.converter': BYTES,
  };
  if (s.connector === 'aiven') {
    return {
      'connector.class': 'io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector',
      ...common,
      'aws.s3.bucket.name': config.minio.buckets.raw,
      'aws.s3.endpoint': config.minio.endpoint,
      'aws.s3.region': config.minio.region,
      'aws.access.key.id': secretRef(config, 'minio.access_key_id'),
      'aws.secret.access.key': secretRef(config, 'minio.secret_access_key'),
      'format.output.type': 'jsonl',
      'format.output.fields': 'key,value,offset,timestamp,headers',
      'format.output.fields.value.encoding': 'base64',
      'format.output.envelope': 'true',
      'file.compression.type': 'gzip',
      'file.max.records': String(s.maxRecords),
      'file.name.timestamp.timezone': 'UTC',
      'file.name.timestamp.source': 'wallclock',
      'file.name.template': `${config.naming.rawPrefix}/{{topic}}/dt={{timestamp:unit=yyyy}}-{{timestamp:unit=MM}}-{{timestamp:unit=dd}}/hour={{timestamp:unit=HH}}/{{topic}}+{{partition:padding=true}}+{{start_offset:padding=true}}.jsonl.gz`,
      ...dlq,
    };
  }
  // Confluent's S3 sink (Confluent Community License): raw bytes per record, keys and headers stored beside.
  return {
    'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
    ...common,
    'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
    's3.bucket.name': config.minio.buckets.raw,
    'store.url': config.minio.endpoint,
    's3.region': config.minio.region,
    's3.path.style.access.enabled': 'true',
    'aws.access.key.id': secretRef(config, 'minio.access_key_id'),
    'aws.secret.access.key': secretRef(config, 'minio.secret_access_key'),
    'topics.dir': config.naming.rawPrefix,
    'format.class': 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
    'behavior.on.null.values': 'write',
    'store.kafka.keys': 'true',
    'keys.format.class': 'io.confluent.connect.s3.format.bytearray.ByteArrayFormat',
    'store.kafka.headers': 'true',
    'headers.format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
    'flush.size': String(s.maxRecords),
    'rotate.schedule.interval.ms': String(s.maxAgeMs),
    'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
    'partition.duration.ms': '3600000',
    'path.format': "'dt'=YYYY-MM-dd/'hour'=HH",
    locale: 'en-US',
    timezone: 'UTC',
    'timestamp.extractor': 'Record',
    ...dlq,
  };
}

// ------------------------------------------------------------------------------------------------ service

/** topics.ts around the placeholder for the topic list, which emit splices in as data. */
function topicsFile(config: PlatformConfig): string {
  const sf = new Project({ useInMemoryFileSystem: true }).createSourceFile('topics.ts', '');
  sf.addInterface({
    name: 'TopicDefinition',
    isExported: true,
    docs: ['A CDC topic the sync copies.'],
    properties: [
      { name: 'topic', isReadonly: true, type: 'string' },
      { name: 'dataset', isReadonly: true, type: 'string', docs: ['the contract dataset it carries'] },
      { name: 'source', isReadonly: true, type: "'postgres' | 'mysql' | 'cassandra'" },
      { name: 'valueFormat', isReadonly: true, type: "'avro' | 'json'", docs: ['Confluent-framed Avro, or JSON (Cassandra): stored as bytes either way'] },
    ],
  });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'TOPICS', initializer: `${DATA_PLACEHOLDER} as const satisfies readonly TopicDefinition[]` }],
  });
  sf.addTypeAlias({ name: 'TopicName', isExported: true, type: '(typeof TOPICS)[number]["topic"]' });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: 'DEFAULTS',
        initializer: JSON.stringify(
          {
            brokers: config.kafka.bootstrapServers,
            groupId: sinkName(config),
            deadLetterTopic: syncDlqTopic(config),
            endpoint: config.minio.endpoint,
            bucket: config.minio.buckets.raw,
            region: config.minio.region,
            prefix: config.naming.rawPrefix,
            maxRecords: config.sync.maxRecords,
            maxBytes: config.sync.maxBytes,
            maxAgeMs: config.sync.maxAgeMs,
          },
          null,
          2,
        ),
      },
    ],
  });
  return sf.getFullText();
}

function runtimeFile(): string {
  const sf = new Project({ useInMemoryFileSystem: true }).createSourceFile('runtime.ts', '');
  sf.addImportDeclarations([
    { moduleSpecifier: 'node:fs/promises', namedImports: ['mkdir', 'readFile', 'rename', 'writeFile'] },
    { moduleSpecifier: 'node:path', namedImports: ['dirname', 'join'] },
    { moduleSpecifier: '@aws-sdk/client-s3', namedImports: ['PutObjectCommand', { name: 'S3Client', isTypeOnly: true }] },
    { moduleSpecifier: 'kafkajs', namedImports: [{ name: 'Consumer', isTypeOnly: true }, { name: 'Producer', isTypeOnly: true }, { name: 'KafkaMessage', isTypeOnly: true }] },
  ]);
  sf.addInterface({
    name: 'RawRecord',
    isExported: true,
    docs: ['A Kafka record as bytes: nothing decoded, nothing lost.'],
    properties: [
      { name: 'topic', type: 'string' },
      { name: 'partition', type: 'number' },
      { name: 'offset', type: 'string', docs: ['Kafka offsets are 64-bit: kept as decimal strings'] },
      { name: 'timestamp', type: 'string', docs: ['epoch milliseconds, as Kafka gives it'] },
      { name: 'key', type: 'Buffer | null' },
      { name: 'value', type: 'Buffer | null', docs: ['null for a tombstone'] },
      { name: 'headers', type: 'Array<{ key: string; value: Buffer | null }>' },
    ],
  });
  sf.addInterface({ name: 'Position', isExported: true, properties: [{ name: 'topic', type: 'string' }, { name: 'partition', type: 'number' }, { name: 'offset', type: 'string', docs: ['the next offset to read'] }] });
  sf.addInterface({
    name: 'Source',
    isExported: true,
    docs: ['Where records come from: Kafka in production, a recorded file in tests and examples.'],
    methods: [
      { name: 'poll', parameters: [{ name: 'max', type: 'number' }, { name: 'waitMs', type: 'number' }], returnType: 'Promise<RawRecord[]>', docs: ['up to `max` records; an empty array when none came within `waitMs`'] },
      { name: 'commit', parameters: [{ name: 'positions', type: 'Position[]' }], returnType: 'Promise<void>' },
      { name: 'close', returnType: 'Promise<void>' },
    ],
  });
  sf.addInterface({ name: 'ObjectStore', isExported: true, methods: [{ name: 'put', parameters: [{ name: 'key', type: 'string' }, { name: 'body', type: 'Buffer' }], returnType: 'Promise<void>' }] });
  sf.addInterface({ name: 'DeadLetters', isExported: true, methods: [{ name: 'send', parameters: [{ name: 'record', type: 'RawRecord' }, { name: 'error', type: 'Error' }], returnType: 'Promise<void>' }] });
  sf.addInterface({
    name: 'SyncOptions',
    isExported: true,
    properties: [
      { name: 'prefix', type: 'string', docs: ['the raw layer prefix inside the bucket, e.g. "raw"'] },
      { name: 'maxRecords', type: 'number' },
      { name: 'maxBytes', type: 'number' },
      { name: 'maxAgeMs', type: 'number' },
      { name: 'retries', hasQuestionToken: true, type: 'number' },
      { name: 'backoffMs', hasQuestionToken: true, type: 'number' },
      { name: 'maxInFlight', hasQuestionToken: true, type: 'number', docs: ['uploads in flight at once (default 4); one at a time per partition'] },
      { name: 'log', hasQuestionToken: true, type: '(line: string) => void' },
    ],
  });
  sf.addFunction({
    name: 'recordPieces',
    isExported: true,
    docs: [
      'A record as the flat ASCII strings of its JSON line: bytes as base64, null as null, offset and timestamp',
      'digit for digit (64-bit, never through a double), non-ASCII names escaped as \\uXXXX. Being ASCII, a latin1',
      'copy of the line is its UTF-8 bytes.',
    ],
    parameters: [{ name: 'r', type: 'RawRecord' }],
    returnType: 'string[]',
    statements: `if (!/^\\d+$/.test(r.offset) || !/^-?\\d+$/.test(r.timestamp)) throw new Error(\`bad offset or timestamp in \${r.topic}/\${r.partition}\`);
const str = (x: string) => JSON.stringify(x).replace(/[\\u0080-\\uffff]/g, (c) => \`\\\\u\${c.charCodeAt(0).toString(16).padStart(4, '0')}\`);
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
out.push('],"partition":', String(r.partition), ',"topic":', str(r.topic), '}\\n');
return out;`,
  });
  sf.addFunction({
    name: 'encodeRecord',
    isExported: true,
    docs: ['One JSON line (see recordPieces).'],
    parameters: [{ name: 'r', type: 'RawRecord' }],
    returnType: 'string',
    statements: "return recordPieces(r).join('');",
  });
  sf.addFunction({
    name: 'decodeRecord',
    isExported: true,
    docs: ['The inverse of encodeRecord.'],
    parameters: [{ name: 'line', type: 'string' }],
    returnType: 'RawRecord',
    statements: `const o = JSON.parse(line) as { key: string | null; value: string | null; headers: Array<{ key: string; value: string | null }>; partition: number; topic: string };
// the 64-bit numbers, digit for digit (JSON.parse would round them through a double)
const offset = /"offset":(\\d+)/.exec(line)?.[1];
const timestamp = /"timestamp":(-?\\d+)/.exec(line)?.[1];
if (offset === undefined || timestamp === undefined) throw new Error('a raw record needs offset and timestamp');
const buf = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
return { topic: o.topic, partition: o.partition, offset, timestamp, key: buf(o.key), value: buf(o.value), headers: o.headers.map((h) => ({ key: h.key, value: buf(h.value) })) };`,
  });
  sf.addFunction({
    name: 'objectKey',
    isExported: true,
    docs: ['Deterministic from topic, partition and first offset (a retry overwrites), in dt/hour folders of the first record.'],
    parameters: [{ name: 'prefix', type: 'string' }, { name: 'first', type: 'RawRecord' }],
    returnType: 'string',
    statements: `const t = new Date(Number(first.timestamp)).toISOString();
return \`\${prefix}/\${first.topic}/dt=\${t.slice(0, 10)}/hour=\${t.slice(11, 13)}/\${first.topic}+\${String(first.partition).padStart(10, '0')}+\${first.offset.padStart(20, '0')}.jsonl\`;`,
  });
  sf.addVariableStatement({ declarationKind: VariableDeclarationKind.Const, docs: ['Batch buffers grow in chunks of this many bytes.'], declarations: [{ name: 'CHUNK', initializer: '1 << 20' }] });
  sf.addFunction({
    name: 'sleep',
    parameters: [{ name: 'ms', type: 'number' }],
    returnType: 'Promise<void>',
    statements: 'return new Promise((resolve) => setTimeout(resolve, ms));',
  });
  sf.addClass({
    name: 'SyncEngine',
    isExported: true,
    docs: [
      'Batches records per topic-partition, stores each batch as one object, and commits only what is stored.',
      'Uploads are pipelined (up to `maxInFlight` at once) while the next batches fill, but within one partition',
      'every upload and commit waits for the previous one: at most one object per partition is ever uncommitted.',
    ],
    ctors: [
      {
        parameters: [
          { name: 'source', type: 'Source', scope: Scope.Private, isReadonly: true },
          { name: 'store', type: 'ObjectStore', scope: Scope.Private, isReadonly: true },
          { name: 'deadLetters', type: 'DeadLetters', scope: Scope.Private, isReadonly: true },
          { name: 'opts', type: 'SyncOptions', scope: Scope.Private, isReadonly: true },
        ],
      },
    ],
    properties: [
      { name: 'batches', scope: Scope.Private, isReadonly: true, type: 'Map<string, { records: RawRecord[]; bytes: number; openedAt: number; chunks: Buffer[]; chunk: Buffer; at: number; hour: number }>', initializer: 'new Map()' },
      { name: 'chains', scope: Scope.Private, isReadonly: true, type: 'Map<string, Promise<void>>', initializer: 'new Map()', docs: ['per partition: the last upload-and-commit'] },
      { name: 'inflight', scope: Scope.Private, isReadonly: true, type: 'Set<Promise<void>>', initializer: 'new Set()' },
      { name: 'failure', scope: Scope.Private, type: 'Error | undefined' },
      { name: 'stored', type: 'number', initializer: '0', docs: ['records stored so far'] },
      { name: 'objects', type: 'number', initializer: '0', docs: ['objects written so far'] },
    ],
    methods: [
      {
        name: 'run',
        isAsync: true,
        docs: ['Copies until `signal` aborts, then flushes every open batch and waits for every commit.'],
        parameters: [{ name: 'signal', type: 'AbortSignal' }],
        returnType: 'Promise<void>',
        statements: `while (!signal.aborted) {
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
await this.flushAll();`,
      },
      {
        name: 'append',
        scope: Scope.Private,
        docs: ['Adds a record to its batch (synchronously); returns the batch id when the batch is full.'],
        parameters: [{ name: 'r', type: 'RawRecord' }],
        returnType: 'string | undefined',
        statements: `const id = \`\${r.topic}\\u0000\${r.partition}\`;
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
return b.records.length >= this.opts.maxRecords || b.bytes >= this.opts.maxBytes ? id : undefined;`,
      },
      {
        name: 'flushExpired',
        isAsync: true,
        returnType: 'Promise<void>',
        statements: `const now = Date.now();
for (const [id, b] of [...this.batches]) if (now - b.openedAt >= this.opts.maxAgeMs) await this.flush(id);`,
      },
      {
        name: 'flushAll',
        isAsync: true,
        docs: ['Closes every open batch and waits until every object is stored and committed.'],
        returnType: 'Promise<void>',
        statements: `for (const id of [...this.batches.keys()]) this.close(id);
await Promise.all([...this.chains.values()]);
if (this.failure) throw this.failure;`,
      },
      {
        name: 'flush',
        scope: Scope.Private,
        isAsync: true,
        docs: ['Closes a batch, then waits only if too many uploads are in flight.'],
        parameters: [{ name: 'id', type: 'string' }],
        returnType: 'Promise<void>',
        statements: `this.close(id);
while (this.inflight.size >= (this.opts.maxInFlight ?? 4)) await Promise.race(this.inflight);`,
      },
      {
        name: 'close',
        scope: Scope.Private,
        docs: ["Hands a batch to its partition's chain: upload after the previous one, then commit."],
        parameters: [{ name: 'id', type: 'string' }],
        returnType: 'void',
        statements: `const b = this.batches.get(id);
this.batches.delete(id);
if (!b || b.records.length === 0) return;
const first = b.records[0]!;
const last = b.records[b.records.length - 1]!;
const body = b.chunks.length === 0 ? b.chunk.subarray(0, b.at) : Buffer.concat([...b.chunks, b.chunk.subarray(0, b.at)], b.bytes);
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
  await this.withRetries(() => this.source.commit([{ topic: first.topic, partition: first.partition, offset: (BigInt(last.offset) + 1n).toString() }]));
});
const tracked = step.catch((e: unknown) => {
  this.failure ??= e instanceof Error ? e : new Error(String(e));
});
this.chains.set(id, tracked);
this.inflight.add(tracked);
void tracked.finally(() => this.inflight.delete(tracked));`,
      },
      {
        name: 'salvage',
        scope: Scope.Private,
        isAsync: true,
        parameters: [{ name: 'records', type: 'RawRecord[]' }, { name: 'error', type: 'Error' }],
        returnType: 'Promise<void>',
        statements: `this.opts.log?.(\`batch of \${records.length} rejected (\${error.message}): storing record by record\`);
for (const r of records) {
  try {
    await this.store.put(objectKey(this.opts.prefix, r), Buffer.from(encodeRecord(r)));
  } catch (e) {
    await this.withRetries(() => this.deadLetters.send(r, e as Error));
  }
}`,
      },
      {
        name: 'withRetries',
        scope: Scope.Private,
        isAsync: true,
        typeParameters: ['T'],
        parameters: [{ name: 'fn', type: '() => Promise<T>' }],
        returnType: 'Promise<T>',
        statements: `const retries = this.opts.retries ?? 5;
const base = this.opts.backoffMs ?? 200;
for (let attempt = 0; ; attempt++) {
  try {
    return await fn();
  } catch (e) {
    if (attempt >= retries) throw e;
    const wait = Math.min(base * 2 ** attempt, 30_000) * (0.5 + Math.random() / 2);
    this.opts.log?.(\`retry \${attempt + 1}/\${retries} in \${Math.round(wait)} ms: \${(e as Error).message}\`);
    await sleep(wait);
  }
}`,
      },
    ],
  });
  sf.addClass({
    name: 'S3Store',
    isExported: true,
    docs: ['Objects on any S3 endpoint (MinIO, or a local S3-compatible server in development).'],
    implements: ['ObjectStore'],
    ctors: [{ parameters: [
      { name: 'client', type: 'S3Client', scope: Scope.Private, isReadonly: true },
      { name: 'bucket', type: 'string', scope: Scope.Private, isReadonly: true },
    ] }],
    methods: [
      {
        name: 'put',
        isAsync: true,
        parameters: [{ name: 'key', type: 'string' }, { name: 'body', type: 'Buffer' }],
        returnType: 'Promise<void>',
        statements: "await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));",
      },
    ],
  });
  sf.addClass({
    name: 'FolderStore',
    isExported: true,
    docs: ['Objects as files under a local folder, written atomically (temporary file, then rename).'],
    implements: ['ObjectStore'],
    ctors: [{ parameters: [{ name: 'root', type: 'string', scope: Scope.Private, isReadonly: true }]}],
    methods: [
      {
        name: 'put',
        isAsync: true,
        parameters: [{ name: 'key', type: 'string' }, { name: 'body', type: 'Buffer' }],
        returnType: 'Promise<void>',
        statements: `const path = join(this.root, ...key.split('/'));
await mkdir(dirname(path), { recursive: true });
await writeFile(\`\${path}.tmp\`, body);
await rename(\`\${path}.tmp\`, path);`,
      },
    ],
  });
  sf.addClass({
    name: 'KafkaSource',
    isExported: true,
    docs: ['A kafkajs consumer with manual commits, turned into a pull source with a bounded buffer.'],
    implements: ['Source'],
    ctors: [{ parameters: [{ name: 'consumer', type: 'Consumer', scope: Scope.Private, isReadonly: true }]}],
    properties: [
      { name: 'buffer', scope: Scope.Private, type: 'RawRecord[]', initializer: '[]' },
      { name: 'paused', scope: Scope.Private, type: 'boolean', initializer: 'false' },
    ],
    methods: [
      {
        name: 'start',
        isAsync: true,
        parameters: [{ name: 'topics', type: 'string[]' }],
        returnType: 'Promise<void>',
        statements: `await this.consumer.subscribe({ topics, fromBeginning: true });
await this.consumer.run({
  autoCommit: false,
  eachMessage: async ({ topic, partition, message }) => {
    this.buffer.push(KafkaSource.toRecord(topic, partition, message));
    if (this.buffer.length > 50_000 && !this.paused) {
      this.paused = true;
      this.consumer.pause(topics.map((t) => ({ topic: t })));
    }
  },
});`,
      },
      {
        name: 'toRecord',
        isStatic: true,
        parameters: [{ name: 'topic', type: 'string' }, { name: 'partition', type: 'number' }, { name: 'm', type: 'KafkaMessage' }],
        returnType: 'RawRecord',
        statements: `const headers = Object.entries(m.headers ?? {}).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((x) => ({ key, value: x === undefined || x === null ? null : Buffer.isBuffer(x) ? x : Buffer.from(x) })));
return { topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key ?? null, value: m.value ?? null, headers };`,
      },
      {
        name: 'poll',
        isAsync: true,
        parameters: [{ name: 'max', type: 'number' }, { name: 'waitMs', type: 'number' }],
        returnType: 'Promise<RawRecord[]>',
        statements: `const deadline = Date.now() + waitMs;
while (this.buffer.length === 0 && Date.now() < deadline) await sleep(20);
const out = this.buffer.splice(0, max);
if (this.paused && this.buffer.length < 10_000) {
  this.paused = false;
  this.consumer.resume(this.consumer.paused());
}
return out;`,
      },
      {
        name: 'commit',
        isAsync: true,
        parameters: [{ name: 'positions', type: 'Position[]' }],
        returnType: 'Promise<void>',
        statements: 'await this.consumer.commitOffsets(positions);',
      },
      { name: 'close', isAsync: true, returnType: 'Promise<void>', statements: 'await this.consumer.disconnect();' },
    ],
  });
  sf.addClass({
    name: 'KafkaDeadLetters',
    isExported: true,
    docs: ['Sends a record that cannot be stored to the dead-letter topic, bytes unchanged, the failure in headers.'],
    implements: ['DeadLetters'],
    ctors: [{ parameters: [
      { name: 'producer', type: 'Producer', scope: Scope.Private, isReadonly: true },
      { name: 'topic', type: 'string', scope: Scope.Private, isReadonly: true },
    ] }],
    methods: [
      {
        name: 'send',
        isAsync: true,
        parameters: [{ name: 'r', type: 'RawRecord' }, { name: 'error', type: 'Error' }],
        returnType: 'Promise<void>',
        statements: `const headers: Record<string, Buffer> = {};
for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value;
headers['contractgen.sync.error'] = Buffer.from(error.message);
headers['contractgen.sync.origin'] = Buffer.from(\`\${r.topic}/\${r.partition}/\${r.offset}\`);
await this.producer.send({ topic: this.topic, messages: [{ key: r.key, value: r.value, timestamp: r.timestamp, headers }] });`,
      },
    ],
  });
  sf.addClass({
    name: 'FileSource',
    isExported: true,
    docs: ['Replays a recorded JSON-lines file of records (encodeRecord format); commits go to an offsets file beside it.'],
    implements: ['Source'],
    ctors: [{ parameters: [{ name: 'file', type: 'string', scope: Scope.Private, isReadonly: true }]}],
    properties: [
      { name: 'records', scope: Scope.Private, type: 'RawRecord[] | undefined' },
      { name: 'next', scope: Scope.Private, type: 'number', initializer: '0' },
      { name: 'committed', scope: Scope.Private, type: 'Record<string, string>', initializer: '{}' },
      { name: 'saving', scope: Scope.Private, type: 'Promise<void>', initializer: 'Promise.resolve()' },
    ],
    methods: [
      {
        name: 'load',
        scope: Scope.Private,
        isAsync: true,
        returnType: 'Promise<RawRecord[]>',
        statements: `if (this.records) return this.records;
try {
  this.committed = JSON.parse(await readFile(\`\${this.file}.offsets.json\`, 'utf8')) as Record<string, string>;
} catch {
  this.committed = {};
}
const all = (await readFile(this.file, 'utf8')).split('\\n').filter((l) => l.length > 0).map(decodeRecord);
// resume after what was committed, per topic-partition
this.records = all.filter((r) => BigInt(r.offset) >= BigInt(this.committed[\`\${r.topic}/\${r.partition}\`] ?? '0'));
return this.records;`,
      },
      {
        name: 'poll',
        isAsync: true,
        parameters: [{ name: 'max', type: 'number' }, { name: '_waitMs', type: 'number' }],
        returnType: 'Promise<RawRecord[]>',
        statements: `const records = await this.load();
const out = records.slice(this.next, this.next + max);
this.next += out.length;
return out;`,
      },
      {
        name: 'commit',
        isAsync: true,
        parameters: [{ name: 'positions', type: 'Position[]' }],
        returnType: 'Promise<void>',
        statements: `for (const p of positions) this.committed[\`\${p.topic}/\${p.partition}\`] = p.offset;
const snapshot = JSON.stringify(this.committed);
// partitions commit concurrently: one write of the offsets file at a time, in commit order
this.saving = this.saving
  .catch(() => undefined)
  .then(async () => {
    await writeFile(\`\${this.file}.offsets.json.tmp\`, snapshot);
    await rename(\`\${this.file}.offsets.json.tmp\`, \`\${this.file}.offsets.json\`);
  });
await this.saving;`,
      },
      {
        name: 'done',
        docs: ['True when every record of the file was handed out.'],
        returnType: 'boolean',
        statements: 'return this.records !== undefined && this.next >= this.records.length;',
      },
      { name: 'close', isAsync: true, returnType: 'Promise<void>', statements: 'return;' },
    ],
  });
  return sf.getFullText();
}

function mainFile(): string {
  const sf = new Project({ useInMemoryFileSystem: true }).createSourceFile('main.ts', '');
  sf.addImportDeclarations([
    { moduleSpecifier: 'node:fs/promises', namedImports: ['appendFile'] },
    { moduleSpecifier: '@aws-sdk/client-s3', namedImports: ['S3Client'] },
    { moduleSpecifier: 'kafkajs', namedImports: ['Kafka'] },
    { moduleSpecifier: './runtime.js', namedImports: ['FileSource', 'FolderStore', 'KafkaDeadLetters', 'KafkaSource', 'S3Store', 'SyncEngine', 'encodeRecord', { name: 'DeadLetters', isTypeOnly: true }, { name: 'ObjectStore', isTypeOnly: true }, { name: 'Source', isTypeOnly: true }] },
    { moduleSpecifier: './topics.js', namedImports: ['DEFAULTS', 'TOPICS'] },
  ]);
  sf.addFunction({
    name: 'main',
    isAsync: true,
    returnType: 'Promise<void>',
    statements: `const env = process.env;
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const kafka = new Kafka({ clientId: 'contractgen-sync', brokers: (env.KAFKA_BROKERS ?? DEFAULTS.brokers).split(',') });
let source: Source;
let deadLetters: DeadLetters;
if ((env.SYNC_SOURCE ?? 'kafka') === 'file') {
  if (!env.SYNC_FILE) throw new Error('SYNC_SOURCE=file needs SYNC_FILE');
  source = new FileSource(env.SYNC_FILE);
  const dlqFile = \`\${env.SYNC_FILE}.dead-letters.jsonl\`;
  deadLetters = { send: async (r) => appendFile(dlqFile, encodeRecord(r)) };
} else {
  const consumer = kafka.consumer({ groupId: env.KAFKA_GROUP_ID ?? DEFAULTS.groupId });
  await consumer.connect();
  const kafkaSource = new KafkaSource(consumer);
  await kafkaSource.start(TOPICS.map((t) => t.topic));
  source = kafkaSource;
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  deadLetters = new KafkaDeadLetters(producer, DEFAULTS.deadLetterTopic);
}
const store: ObjectStore =
  (env.SYNC_STORE ?? 's3') === 'folder'
    ? new FolderStore(env.SYNC_FOLDER ?? './raw')
    : new S3Store(new S3Client({ endpoint: env.S3_ENDPOINT ?? DEFAULTS.endpoint, region: env.S3_REGION ?? DEFAULTS.region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' }), env.S3_BUCKET ?? DEFAULTS.bucket);
const engine = new SyncEngine(source, store, deadLetters, {
  prefix: DEFAULTS.prefix,
  maxRecords: num(env.SYNC_MAX_RECORDS, DEFAULTS.maxRecords),
  maxBytes: num(env.SYNC_MAX_BYTES, DEFAULTS.maxBytes),
  maxAgeMs: num(env.SYNC_MAX_AGE_MS, DEFAULTS.maxAgeMs),
  log: (line) => console.error(line),
});
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());
if (source instanceof FileSource) {
  const file = source;
  const timer = setInterval(() => {
    if (file.done()) stop.abort();
  }, 100);
  await engine.run(stop.signal);
  clearInterval(timer);
} else await engine.run(stop.signal);
await source.close();
console.error(\`stored \${engine.stored} records in \${engine.objects} objects\`);`,
  });
  sf.addStatements(`main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});`);
  return sf.getFullText();
}

export const syncTarget: Target = {
  id: 'sync',
  description: 'Raw-layer sync: a Kafka Connect S3 sink for MinIO (Aiven, or Confluent) and a TypeScript sync service (kafkajs → S3)',
  run(model, ctx) {
    const config = ctx.config;
    const topics = syncTopics(model.datasets, config);
    if (!topics.length) return { files: [], diagnostics: [] };
    const synced = new Set(topics.map((t) => t.dataset));
    const sources = [...new Set(model.datasets.filter((d) => synced.has(d.name)).map((d) => d.contract.file))];
    const cfg = sinkConfig(topics, config);
    const name = sinkName(config);
    const { 'connector.class': cls, 'tasks.max': tasks, ...rest } = cfg;
    const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
    const files: OutputFile[] = [
      { path: 'sink-connector.json', content: json({ name, config: cfg }), kind: 'json', sources },
      {
        path: 'kafkaconnector.yaml',
        content: toYaml({
          apiVersion: config.kafka.strimziApiVersion,
          kind: 'KafkaConnector',
          metadata: { name, namespace: config.connect.namespace, labels: { 'strimzi.io/cluster': config.connect.cluster } },
          spec: { class: cls, tasksMax: Number(tasks), config: rest },
        }),
        kind: 'yaml',
        sources,
      },
      { path: 'topics.ts', content: topicsFile(config), data: JSON.stringify(topics, null, 2), kind: 'ts', sources },
      { path: 'runtime.ts', content: runtimeFile(), kind: 'ts', sources },
      { path: 'main.ts', content: mainFile(), kind: 'ts', sources },
      {
        path: 'package.json',
        content: json({
          name: `${name}-service`,
          private: true,
          type: 'module',
          engines: { node: '>=20' },
          scripts: { start: 'tsx main.ts', typecheck: 'tsc --noEmit' },
          dependencies: { '@aws-sdk/client-s3': '^3.600.0', kafkajs: '^2.2.4' },
          devDependencies: { tsx: '^4.19.0', typescript: '^5.9.0', '@types/node': '^20.0.0' },
        }),
        kind: 'json',
        sources,
      },
      {
        path: 'README.md',
        content: ctx.template('sync/README.md')({
          bucket: config.minio.buckets.raw,
          prefix: config.naming.rawPrefix,
          topicList: topics.map((t) => `\`${t.topic}\``).join(', '),
          maxRecords: config.sync.maxRecords,
          maxBytes: config.sync.maxBytes,
          maxAgeMs: config.sync.maxAgeMs,
          dlq: syncDlqTopic(config),
          brokers: config.kafka.bootstrapServers,
          group: name,
          endpoint: config.minio.endpoint,
          region: config.minio.region,
        }),
        kind: 'md',
        sources,
      },
    ];
    return { files, diagnostics: [] };
  },
};
