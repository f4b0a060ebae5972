/**
 * A small S3 endpoint for tests (path-style PutObject, GetObject, HeadObject, DeleteObject, HeadBucket,
 * ListObjectsV2 on loopback, objects in memory) that injects faults and implements conditional writes as MinIO
 * does (test/facts/s3/conditional-writes.json):
 * - `If-None-Match: *` on PutObject writes only if the key is absent, else 412 PreconditionFailed; the check and the
 *   write happen together once the body has arrived (MinIO holds the object's namespace lock over both), so of
 *   two concurrent conditional writes the second gets 412; there is no 409 ConditionalRequestConflict;
 * - `conditional: 'ignored'` behaves like MinIO before RELEASE.2024-05-07T06-41-25Z (and like s3rver): "*" is
 *   taken for an ETag, so the write goes through;
 * - `conditional: 'new-keys-refused'` behaves like RELEASE.2025-09-06T17-38-46Z: a conditional write to a missing
 *   key fails with NoSuchKey.
 * Faults are chosen per request by `plan`: 503 SlowDown, a request that never answers (the client times out), a
 * write applied only once a promise resolves (a slow upload that finishes after its owner lost the partition),
 * and a write applied whose answer is lost (the connection drops, as when the writer crashes right after).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'slowdown' }
  | { kind: 'timeout' }
  | { kind: 'delay'; until: Promise<unknown> }
  | { kind: 'lost-response' };

export interface RequestInfo {
  method: string;
  bucket: string;
  key: string;
  /** 1-based count of requests of this method so far */
  n: number;
  conditional: boolean;
}

export interface PutEvent {
  key: string;
  outcome: 'written' | 'refused' | 'overwritten';
  bytes: number;
  /** for an overwrite: whether the new bytes equal the old */
  same?: boolean;
}

export interface FaultyS3Options {
  buckets: string[];
  conditional?: 'minio' | 'ignored' | 'new-keys-refused';
  plan?: (req: RequestInfo) => Fault | undefined;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class FaultyS3 {
  readonly objects: Map<string, Map<string, { body: Buffer; etag: string; modified: Date }>> = new Map();
  readonly puts: PutEvent[] = [];
  readonly faults: Array<RequestInfo & { fault: Fault['kind'] }> = [];
  private readonly counts: Map<string, number> = new Map();
  private readonly held: Set<ServerResponse> = new Set();
  private server: Server | undefined;
  plan: ((req: RequestInfo) => Fault | undefined) | undefined;
  conditional: 'minio' | 'ignored' | 'new-keys-refused';
  endpoint = '';

  constructor(opts: FaultyS3Options) {
    for (const b of opts.buckets) this.objects.set(b, new Map());
    this.conditional = opts.conditional ?? 'minio';
    this.plan = opts.plan;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Every object of a bucket, by key. */
  contents(bucket: string): Map<string, Buffer> {
    return new Map([...(this.objects.get(bucket) ?? new Map())].map(([k, v]) => [k, v.body]));
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message><RequestId>faulty-s3</RequestId></Error>`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const objects = this.objects.get(decodeURIComponent(bucket));
    if (!objects) return this.error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const n = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, n);
    const conditional = req.headers['if-none-match'] === '*';
    const info: RequestInfo = { method, bucket, key, n, conditional };
    const fault = key ? this.plan?.(info) : undefined;
    if (fault) this.faults.push({ ...info, fault: fault.kind });
    if (fault?.kind === 'slowdown') return this.error(res, 503, 'SlowDown', 'Please reduce your request rate.');
    if (fault?.kind === 'timeout') {
      // never answers: the client gives up; the write never happens
      this.held.add(res);
      res.once('close', () => this.held.delete(res));
      return;
    }
    if (fault?.kind === 'delay') await fault.until;

    if (method === 'HEAD' && !key) {
      res.writeHead(200);
      return void res.end();
    }
    if (method === 'GET' && !key) return this.list(url, bucket, objects, res);
    if (method === 'PUT') {
      const exists = objects.has(key);
      if (conditional && this.conditional === 'minio' && exists) {
        this.puts.push({ key, outcome: 'refused', bytes: body.length });
        return this.error(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      }
      if (conditional && this.conditional === 'new-keys-refused' && !exists)
        return this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      const prev = objects.get(key);
      objects.set(key, { body, etag, modified: new Date() });
      this.puts.push({ key, outcome: prev ? 'overwritten' : 'written', bytes: body.length, ...(prev ? { same: prev.body.equals(body) } : {}) });
      if (fault?.kind === 'lost-response') return void res.destroy();
      res.writeHead(200, { etag });
      return void res.end();
    }
    const o = objects.get(key);
    if (method === 'DELETE') {
      objects.delete(key);
      res.writeHead(204);
      return void res.end();
    }
    if (!o) {
      if (method === 'HEAD') {
        res.writeHead(404);
        return void res.end();
      }
      return this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    res.writeHead(200, { etag: o.etag, 'content-length': String(o.body.length), 'last-modified': o.modified.toUTCString(), 'content-type': 'application/octet-stream' });
    res.end(method === 'HEAD' ? undefined : o.body);
  }

  private list(url: URL, bucket: string, objects: Map<string, { body: Buffer; etag: string; modified: Date }>, res: ServerResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    const max = Number(url.searchParams.get('max-keys') ?? 1000);
    const after = url.searchParams.get('continuation-token') ?? url.searchParams.get('start-after') ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page
      .map((k) => {
        const o = objects.get(k)!;
        return `<Contents><Key>${xml(k)}</Key><LastModified>${o.modified.toISOString()}</LastModified><ETag>${xml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xml(page[page.length - 1]!)}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
    );
  }
}
