import { appendFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import {
  FileSource,
  FolderStore,
  KafkaDeadLetters,
  KafkaSource,
  Metrics,
  S3Store,
  SyncEngine,
  encodeRecorded,
  jsonLog,
  serveOps,
  type DeadLetters,
  type ObjectStore,
  type Source,
} from './runtime.js';
import { DEFAULTS, TOPICS } from './topics.js';

const log = jsonLog();

async function main(): Promise<void> {
  const env = process.env;
  const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
  const kafka = new Kafka({
    clientId: 'contractgen-sync',
    brokers: (env.KAFKA_BROKERS ?? DEFAULTS.brokers).split(','),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...fields } = entry;
        log(level <= logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info', String(message), {
          ...fields,
          component: 'kafkajs',
        });
      },
  });
  let source: Source;
  let deadLetters: DeadLetters;
  if ((env.SYNC_SOURCE ?? 'kafka') === 'file') {
    if (!env.SYNC_FILE) throw new Error('SYNC_SOURCE=file needs SYNC_FILE');
    source = new FileSource(env.SYNC_FILE);
    const dlqFile = `${env.SYNC_FILE}.dead-letters.jsonl`;
    deadLetters = { send: async (r) => appendFile(dlqFile, `${encodeRecorded(r)}\n`) };
  } else {
    const consumer = kafka.consumer({ groupId: env.KAFKA_GROUP_ID ?? DEFAULTS.groupId });
    await consumer.connect();
    const kafkaSource = new KafkaSource(consumer, log);
    await kafkaSource.start(TOPICS.map((t) => t.topic));
    source = kafkaSource;
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    deadLetters = new KafkaDeadLetters(producer, DEFAULTS.deadLetterTopic);
  }
  const conditional = (env.S3_CONDITIONAL_WRITES ?? 'true') !== 'false';
  let store: ObjectStore;
  if ((env.SYNC_STORE ?? 's3') === 'folder') store = new FolderStore(env.SYNC_FOLDER ?? './raw');
  else {
    const s3 = new S3Store(
      new S3Client({
        endpoint: env.S3_ENDPOINT ?? DEFAULTS.endpoint,
        region: env.S3_REGION ?? DEFAULTS.region,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      }),
      env.S3_BUCKET ?? DEFAULTS.bucket,
      conditional,
      num(env.S3_TIMEOUT_MS, DEFAULTS.s3TimeoutMs),
    );
    // exactly once rests on If-None-Match: * being honoured: refuse to start on a store that ignores it
    if (conditional) await s3.checkConditionalWrites(DEFAULTS.prefix);
    store = s3;
  }
  const engine = new SyncEngine(source, store, deadLetters, {
    prefix: DEFAULTS.prefix,
    maxRecords: num(env.SYNC_MAX_RECORDS, DEFAULTS.maxRecords),
    maxBytes: num(env.SYNC_MAX_BYTES, DEFAULTS.maxBytes),
    maxAgeMs: num(env.SYNC_MAX_AGE_MS, DEFAULTS.maxAgeMs),
    retries: DEFAULTS.retries,
    backoffMs: DEFAULTS.backoffMs,
    log,
    metrics: new Metrics(),
  });
  const port = num(env.SYNC_HTTP_PORT, DEFAULTS.httpPort);
  const ops = port > 0 ? await serveOps(engine, source, store, port) : undefined;
  log('info', 'started', { source: env.SYNC_SOURCE ?? 'kafka', conditionalWrites: conditional, httpPort: port });
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
  ops?.close();
  log('info', `stored ${engine.stored} records in ${engine.objects} objects`, {
    records: engine.stored,
    objects: engine.objects,
  });
}
main().catch((e: unknown) => {
  log('error', e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
