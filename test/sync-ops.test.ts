/**
 * The sync service as operations run it: the metrics endpoint scraped during a run (two members in a group on
 * the simulated coordinator, writing to the fault-injecting S3 endpoint) and parsed with a Prometheus text-format
 * parser from npm (parse-prometheus-text-format); /healthz and /readyz; and the Kubernetes Deployment and
 * PodDisruptionBudget validated against the Kubernetes API schema that the kubernetes-models package carries
 * (its JSON Schemas are generated from the Kubernetes OpenAPI spec and ship in the package, so the check runs
 * offline; a local schema copy would be ours to keep current).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import { parse as parseYaml } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import * as runtime from '../templates/sync/static/runtime.js';
import { FaultyS3 } from './helpers/s3-faults.js';
import { SimCluster, SimConsumer, SimGroup, type SimMessage } from './helpers/kafka-sim.js';
import { generateFrom } from './helpers/generate.js';
import { ROOT } from './helpers/reference.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
let files: Map<string, string>;
beforeAll(async () => {
  files = (await generateFrom()).files;
});

type Family = { name: string; type: string; help: string; metrics: Array<{ value: string; labels?: Record<string, string> }> };

describe('the operations endpoint during a run', () => {
  const s3 = new FaultyS3({ buckets: ['lake-raw'] });
  const topic = 'ridehailing.public.users';
  const cluster = new SimCluster();
  const log = (p: number): SimMessage[] => Array.from({ length: 400 }, (_, i) => ({ offset: String(i), timestamp: String(Date.UTC(2024, 2, 1, 12) + i), key: Buffer.from(`k${i}`), value: Buffer.from(`v${p}-${i}`), headers: {} }));
  cluster.addTopic(topic, [log(0), log(1), log(2), log(3)]);
  const group = new SimGroup(cluster);
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    group.close();
    await s3.close();
  });

  async function member(name: string) {
    const consumer = new SimConsumer(group, name);
    const source = new runtime.KafkaSource(consumer as never, undefined, 5_000);
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const store = new runtime.S3Store(client, 'lake-raw', true, 1_000);
    const engine = new runtime.SyncEngine(source, store, { send: async () => undefined }, { prefix: 'raw', maxRecords: 40, maxBytes: 1 << 20, maxAgeMs: 150, backoffMs: 5, retries: 8 });
    const server = await runtime.serveOps(engine, source, store, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stop = new AbortController();
    let done: Promise<void> = Promise.resolve();
    stops.push(async () => {
      stop.abort();
      await done;
      server.close();
    });
    return { url, source, engine, start: async () => {
      await source.start([topic]);
      done = engine.run(stop.signal).then(() => source.close());
    } };
  }

  const scrape = async (url: string): Promise<Map<string, Family>> => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const fams = parsePrometheusTextFormat(await res.text()) as Family[];
    return new Map(fams.map((f) => [f.name, f]));
  };
  const sum = (f: Family | undefined) => (f?.metrics ?? []).reduce((a, m) => a + Number(m.value), 0);

  it('is not ready before partitions are assigned, then serves health, readiness and metrics that a Prometheus parser reads', async () => {
    s3.plan = (r) => (r.method === 'PUT' && r.n % 9 === 0 ? { kind: 'slowdown' } : undefined); // some 503s: retries
    await s3.start();
    const a = await member('a');
    expect((await fetch(`${a.url}/readyz`)).status).toBe(503); // no partitions yet
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${a.url}/nothing`)).status).toBe(404);
    await a.start();
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    await sleep(200);
    const b = await member('b'); // a second member: a rebalance, redeliveries, maybe fencing
    await b.start();
    let mid: Map<string, Family> | undefined;
    for (let i = 0; i < 100; i++) {
      mid = await scrape(a.url); // during the run
      if (sum(mid.get('contractgen_sync_records_total')) > 0) break;
      await sleep(20);
    }
    const done = () => [0, 1, 2, 3].every((p) => group.committed.get(`${topic}/${p}`) === '400');
    for (let i = 0; i < 1500 && !done(); i++) await sleep(20);
    expect(done()).toBe(true);
    const [fa, fb] = [await scrape(a.url), await scrape(b.url)];
    const types = Object.fromEntries([...fa].map(([n, f]) => [n, f.type]));
    expect(types).toMatchObject({
      contractgen_sync_records_total: 'COUNTER',
      contractgen_sync_bytes_total: 'COUNTER',
      contractgen_sync_objects_total: 'COUNTER',
      contractgen_sync_retries_total: 'COUNTER',
      contractgen_sync_dead_letters_total: 'COUNTER',
      contractgen_sync_fencing_events_total: 'COUNTER',
      contractgen_sync_consumer_lag: 'GAUGE',
      contractgen_sync_batch_age_seconds: 'GAUGE',
      contractgen_sync_partitions_assigned: 'GAUGE',
    });
    for (const f of fa.values()) expect(f.help.length, f.name).toBeGreaterThan(0);
    // records per topic and partition, over both members, add up to the log: each stored once
    expect(sum(fa.get('contractgen_sync_records_total')) + sum(fb.get('contractgen_sync_records_total'))).toBe(1600);
    for (const m of fa.get('contractgen_sync_records_total')!.metrics) expect(Object.keys(m.labels ?? {}).sort()).toEqual(['partition', 'topic']);
    expect(sum(fa.get('contractgen_sync_objects_total')) + sum(fb.get('contractgen_sync_objects_total'))).toBe(s3.puts.filter((p) => p.outcome === 'written').length);
    expect(sum(fa.get('contractgen_sync_bytes_total')) + sum(fb.get('contractgen_sync_bytes_total'))).toBe(s3.puts.filter((p) => p.outcome === 'written').reduce((x, p) => x + p.bytes, 0));
    expect(sum(fa.get('contractgen_sync_retries_total')) + sum(fb.get('contractgen_sync_retries_total'))).toBeGreaterThan(0);
    expect(sum(fa.get('contractgen_sync_partitions_assigned')) + sum(fb.get('contractgen_sync_partitions_assigned'))).toBe(4);
    // caught up: every partition either member holds at the end reports no lag (which member holds which is the
    // coordinator's choice, and on a loaded machine b may end with none)
    const lags = [fa, fb].flatMap((f) => (f.get('contractgen_sync_consumer_lag')?.metrics ?? []).map((m) => Number(m.value)));
    expect(lags.length).toBeGreaterThan(0);
    expect(Math.max(...lags)).toBe(0);
    expect(mid!.get('contractgen_sync_batch_age_seconds')?.type).toBe('GAUGE'); // its value: the next test, where a batch stays open
    // the store stops answering: not ready (after the readiness cache of 10 s: ask a fresh endpoint)
    await s3.close();
    const c = await member('c');
    await c.start();
    for (let i = 0; i < 100 && (await fetch(`${c.url}/readyz`)).status === 200; i++) await sleep(50);
    expect((await fetch(`${c.url}/readyz`)).status).toBe(503);
  });

  it('reports the age of a batch that is open, and none once it is flushed', async () => {
    // a member of its own whose batch cannot close by count or time while the test looks (a timing-free check:
    // during the run above, batches of 40 records close within milliseconds, so an open one is luck to catch)
    const own = new SimCluster();
    const t = 'ridehailing.public.open_batch';
    own.addTopic(t, [Array.from({ length: 5 }, (_, i) => ({ offset: String(i), timestamp: String(Date.UTC(2024, 2, 1, 12) + i), key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: {} }))]);
    const g = new SimGroup(own);
    const consumer = new SimConsumer(g, 'open');
    const source = new runtime.KafkaSource(consumer as never, undefined, 5_000);
    const store = new FaultyS3({ buckets: ['lake-raw'] });
    await store.start();
    const client = new S3Client({ endpoint: store.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const engine = new runtime.SyncEngine(source, new runtime.S3Store(client, 'lake-raw', true, 1_000), { send: async () => undefined }, { prefix: 'raw', maxRecords: 1_000, maxBytes: 1 << 20, maxAgeMs: 600_000, backoffMs: 5, retries: 8 });
    const server = await runtime.serveOps(engine, source, new runtime.S3Store(client, 'lake-raw', true, 1_000), 0, '127.0.0.1');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stop = new AbortController();
    try {
      await source.start([t]);
      const done = engine.run(stop.signal).then(() => source.close());
      let age = 0;
      for (let i = 0; i < 250 && age <= 0.05; i++) {
        await sleep(20);
        age = sum((await scrape(url)).get('contractgen_sync_batch_age_seconds'));
      }
      expect(age).toBeGreaterThan(0.05);
      stop.abort();
      await done;
      expect(sum((await scrape(url)).get('contractgen_sync_batch_age_seconds'))).toBe(0); // flushed on stop
    } finally {
      stop.abort();
      server.close();
      g.close();
      await store.close();
    }
  });
});

describe('the Kubernetes manifests', () => {
  const yamlOf = (p: string) => parseYaml(files.get(p)!.split('\n').slice(1).join('\n'));

  it('validate against the Kubernetes API schema (kubernetes-models), and a broken one does not', () => {
    const d = yamlOf('sync/k8s/deployment.yaml');
    const pdb = yamlOf('sync/k8s/poddisruptionbudget.yaml');
    expect(() => new Deployment(d).validate()).not.toThrow();
    expect(() => new PodDisruptionBudget(pdb).validate()).not.toThrow();
    const broken = structuredClone(d);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(broken).validate()).toThrow(/containerPort/);
    expect(() => new PodDisruptionBudget({ ...pdb, spec: { ...pdb.spec, maxUnavailable: [1] } }).validate()).toThrow();
  });

  it('carry the environment main.ts reads, probes on the ops port, resources, and a grace period longer than the flush', () => {
    const d = yamlOf('sync/k8s/deployment.yaml');
    const pdb = yamlOf('sync/k8s/poddisruptionbudget.yaml');
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const env = new Map<string, any>(c.env.map((e: any) => [e.name, e]));
    const main = readFileSync(`${ROOT}/templates/sync/static/main.ts`, 'utf8');
    const read = new Set([...main.matchAll(/env\.([A-Z0-9_]+)/g)].map((m) => m[1]));
    for (const name of env.keys()) if (name !== 'NODE_OPTIONS' && !name.startsWith('AWS_')) expect(read, name).toContain(name);
    for (const name of ['KAFKA_BROKERS', 'KAFKA_GROUP_ID', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_CONDITIONAL_WRITES', 'SYNC_HTTP_PORT']) expect(env.has(name), name).toBe(true);
    expect(env.get('AWS_SECRET_ACCESS_KEY').valueFrom.secretKeyRef.name).toMatch(/credentials$/);
    expect(JSON.stringify(d)).not.toMatch(/secret_access_key"?:\s*"[^$]/); // no secret values
    const port = c.ports.find((p: any) => p.name === 'http').containerPort;
    expect(String(port)).toBe(env.get('SYNC_HTTP_PORT').value);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
    // the flush bound, from the service's defaults in topics.ts: an upload in flight and the last batch, each through
    // every retry of a request that times out (with the backoff between), then a commit of up to kafkajs's 30 s
    const topics = files.get('sync/topics.ts')!;
    const num = (k: string) => Number(new RegExp(`\\b${k}: ([\\d_]+)`).exec(topics)![1]!.replace(/_/g, ''));
    const defaults = { retries: num('retries'), backoffMs: num('backoffMs'), s3TimeoutMs: num('s3TimeoutMs') };
    let put = (defaults.retries + 1) * defaults.s3TimeoutMs;
    for (let i = 0; i < defaults.retries; i++) put += Math.min(defaults.backoffMs * 2 ** i, 30_000);
    const flushSeconds = (2 * (put + 30_000)) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(flushSeconds);
    expect(env.get('S3_TIMEOUT_MS').value).toBe(String(defaults.s3TimeoutMs));
    expect(pdb.spec.selector).toEqual(d.spec.selector);
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });
});
