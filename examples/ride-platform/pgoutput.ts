/**
 * A decoder for PostgreSQL's logical replication protocol as the pgoutput plugin writes it (protocol version 1,
 * text-format tuples): https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html.
 * It reads what pg_logical_slot_get_binary_changes returns for the generated publication: Begin, Relation,
 * Insert, Update, Delete, Truncate and Commit. Enough to turn the source's own change stream into Debezium envelopes.
 */

export interface Relation {
  id: number;
  schema: string;
  table: string;
  columns: Array<{ name: string; typeOid: number; key: boolean }>;
}

export type Tuple = Record<string, string | null>;

export type Change =
  | { kind: 'begin'; finalLsn: bigint; commitTimeUs: bigint; xid: number }
  | { kind: 'commit'; lsn: bigint }
  | { kind: 'insert' | 'update' | 'delete'; relation: Relation; before: Tuple | null; after: Tuple | null; lsn: bigint }
  | { kind: 'truncate'; relations: Relation[]; cascade: boolean; restartIdentity: boolean; lsn: bigint }
  /** a Relation message: the table's columns as of the changes that follow it */
  | { kind: 'relation'; relation: Relation };

/** Microseconds from 1970 to 2000-01-01, PostgreSQL's epoch. */
export const PG_EPOCH_US = 946_684_800_000_000n;

export class PgOutputDecoder {
  private readonly relations = new Map<number, Relation>();

  /** One message; `lsn` is the slot row's position. Relation messages update the decoder and are returned too. */
  decode(data: Buffer, lsn: bigint): Change | undefined {
    let at = 1;
    const int16 = () => ((at += 2), data.readInt16BE(at - 2));
    const int32 = () => ((at += 4), data.readInt32BE(at - 4));
    const int64 = () => ((at += 8), data.readBigInt64BE(at - 8));
    const cstring = () => {
      const end = data.indexOf(0, at);
      const s = data.subarray(at, end).toString('utf8');
      at = end + 1;
      return s;
    };
    const tuple = (rel: Relation): Tuple => {
      const n = int16();
      const out: Tuple = {};
      for (let i = 0; i < n; i++) {
        const kind = String.fromCharCode(data[at++]!);
        const name = rel.columns[i]!.name;
        if (kind === 'n' || kind === 'u') out[name] = null;
        else {
          const len = int32();
          out[name] = data.subarray(at, at + len).toString('utf8');
          at += len;
        }
      }
      return out;
    };
    const type = String.fromCharCode(data[0]!);
    switch (type) {
      case 'B':
        return { kind: 'begin', finalLsn: int64(), commitTimeUs: int64() + PG_EPOCH_US, xid: int32() };
      case 'C':
        at += 1; // flags
        return { kind: 'commit', lsn: int64() };
      case 'R': {
        const id = int32();
        const schema = cstring();
        const table = cstring();
        at += 1; // replica identity setting
        const n = int16();
        const columns: Relation['columns'] = [];
        for (let i = 0; i < n; i++) {
          const flags = data[at++]!;
          const name = cstring();
          const typeOid = int32();
          int32(); // atttypmod
          columns.push({ name, typeOid, key: (flags & 1) === 1 });
        }
        const relation = { id, schema, table, columns };
        this.relations.set(id, relation);
        return { kind: 'relation', relation };
      }
      case 'I': {
        const rel = this.relation(int32());
        at += 1; // 'N'
        return { kind: 'insert', relation: rel, before: null, after: tuple(rel), lsn };
      }
      case 'U': {
        const rel = this.relation(int32());
        let before: Tuple | null = null;
        let marker = String.fromCharCode(data[at++]!);
        if (marker === 'K' || marker === 'O') {
          before = tuple(rel);
          marker = String.fromCharCode(data[at++]!);
        }
        return { kind: 'update', relation: rel, before, after: tuple(rel), lsn };
      }
      case 'D': {
        const rel = this.relation(int32());
        at += 1; // 'K' or 'O'
        return { kind: 'delete', relation: rel, before: tuple(rel), after: null, lsn };
      }
      case 'T': {
        const n = int32();
        const options = data[at++]!;
        const relations = Array.from({ length: n }, () => this.relation(int32()));
        return { kind: 'truncate', relations, cascade: (options & 1) === 1, restartIdentity: (options & 2) === 2, lsn };
      }
      default:
        return undefined; // Origin, Type, Message: not produced by this publication
    }
  }

  private relation(id: number): Relation {
    const r = this.relations.get(id);
    if (!r) throw new Error(`pgoutput: change for unknown relation ${id}`);
    return r;
  }
}
