import { appendFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Kafka } from 'kafkajs';
import {
  FileSource,
  FolderStore,
  KafkaDeadLetters,
  KafkaSource,
  S3Store,
  SyncEngine,
  encodeRecord,
  type DeadLetters,
  type ObjectStore,
  type Source,
} from './runtime.js';
import { DEFAULTS, TOPICS } from './topics.js';

async function main(): Promise<void> {
  const env = process.env;
  const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
  const kafka = new Kafka({
    clientId: 'contractgen-sync',
    brokers: (env.KAFKA_BROKERS ?? DEFAULTS.brokers).split(','),
  });
  let source: Source;
  let deadLetters: DeadLetters;
  if ((env.SYNC_SOURCE ?? 'kafka') === 'file') {
    if (!env.SYNC_FILE) throw new Error('SYNC_SOURCE=file needs SYNC_FILE');
    source = new FileSource(env.SYNC_FILE);
    const dlqFile = `${env.SYNC_FILE}.dead-letters.jsonl`;
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
      : new S3Store(
          new S3Client({
            endpoint: env.S3_ENDPOINT ?? DEFAULTS.endpoint,
            region: env.S3_REGION ?? DEFAULTS.region,
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
          }),
          env.S3_BUCKET ?? DEFAULTS.bucket,
        );
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
  console.error(`stored ${engine.stored} records in ${engine.objects} objects`);
}
main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
