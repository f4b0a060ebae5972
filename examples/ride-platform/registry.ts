/**
 * A Schema Registry on loopback, as far as the platform uses it: producers register a schema under a subject and
 * get its id (the same id for the same schema text), and the Spark job asks `GET /schemas/ids/{id}` for the writer
 * schema of each id it finds in the raw values ({"schema": "<the schema as a string>"}, as Confluent's REST API
 * answers). Nothing else of the API is served.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class SchemaRegistry {
  private readonly byText = new Map<string, number>();
  private readonly byId = new Map<number, string>();
  private server: Server | undefined;
  /** requests answered, for tests: `GET /schemas/ids/<id>` */
  readonly requests: string[] = [];
  url = '';

  /** Registers a schema (its JSON) and returns its id; the same text gets the same id. */
  register(schema: unknown): number {
    const text = JSON.stringify(schema);
    let id = this.byText.get(text);
    if (id === undefined) {
      id = this.byId.size + 1;
      this.byText.set(text, id);
      this.byId.set(id, text);
    }
    return id;
  }

  schema(id: number): string | undefined {
    return this.byId.get(id);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      const m = /^\/schemas\/ids\/(\d+)$/.exec(req.url ?? '');
      const text = m && req.method === 'GET' ? this.byId.get(Number(m[1])) : undefined;
      if (!text) {
        res.writeHead(404, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
        res.end(JSON.stringify({ error_code: 40403, message: 'Schema not found' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
      res.end(JSON.stringify({ schema: text }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The Confluent wire format: magic byte 0, the schema id (4 bytes, big-endian), then the Avro body. */
export function confluent(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}
