/**
 * Cassandra CQL files (`DESCRIBE KEYSPACE` output, hand-written schema files, or contractgen's own) → the import
 * description. No CQL parser exists on npm, so this is one for the DDL subset, after the CQL reference
 * (cassandra.apache.org/doc/latest/cassandra/developing/cql/ddl.html and types.html): CREATE KEYSPACE (its
 * replication), CREATE TYPE, CREATE TABLE (columns, STATIC, PRIMARY KEY inline or with a composite partition
 * key, WITH CLUSTERING ORDER BY, comment, default_time_to_live, cdc and any other option), ALTER TABLE ADD/DROP,
 * COMMENT ON TABLE/COLUMN, USE. Every other statement (INSERT, CREATE INDEX, functions with $$ bodies, cqlsh's
 * SOURCE …) is skipped to its `;`. Types: the native ones, list/set/map/tuple/vector, frozen<…> and UDTs.
 * `--` comment lines right above a column are its description (the shape the cassandra target writes).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRef } from '../model/ir.js';
import { readColumnComment, readTableComment } from './assemble.js';
import { diag, type ColumnDesc, type ColumnType, type SourceDescription, type TableDesc } from './describe.js';

type TokKind = 'ident' | 'qident' | 'string' | 'number' | 'punct' | 'eof';
interface Tok {
  kind: TokKind;
  text: string;
  /** identifiers: the name (unquoted lower-cased, quoted as written); strings: the value */
  value: string;
  line: number;
  col: number;
}

export class CqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

/** Tokens, and the `--`/`//` comment lines by line number. */
export function tokenize(text: string): { tokens: Tok[]; comments: Map<number, string> } {
  const tokens: Tok[] = [];
  const comments = new Map<number, string>();
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const advance = (to: number) => {
    for (; i < to; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      advance(i + 1);
      continue;
    }
    if ((ch === '-' && text[i + 1] === '-') || (ch === '/' && text[i + 1] === '/')) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      comments.set(line, text.slice(i + 2, stop).replace(/^ /, '').replace(/\r$/, ''));
      advance(stop);
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new CqlSyntaxError('unterminated /* comment', line, col());
      advance(end + 2);
      continue;
    }
    const startLine = line;
    const startCol = col();
    const push = (kind: TokKind, end: number, value: string) => {
      tokens.push({ kind, text: text.slice(i, end), value, line: startLine, col: startCol });
      advance(end);
    };
    if (ch === "'") {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= text.length) throw new CqlSyntaxError('unterminated string', startLine, startCol);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            v += "'";
            j += 2;
            continue;
          }
          break;
        }
        v += text[j];
        j++;
      }
      push('string', j + 1, v);
      continue;
    }
    if (ch === '$' && text[i + 1] === '$') {
      const end = text.indexOf('$$', i + 2);
      if (end < 0) throw new CqlSyntaxError('unterminated $$ string', startLine, startCol);
      push('string', end + 2, text.slice(i + 2, end));
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= text.length) throw new CqlSyntaxError('unterminated quoted identifier', startLine, startCol);
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            v += '"';
            j += 2;
            continue;
          }
          break;
        }
        v += text[j];
        j++;
      }
      push('qident', j + 1, v);
      continue;
    }
    const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/.exec(text.slice(i, i + 36));
    if (uuid) {
      push('number', i + 36, uuid[0]);
      continue;
    }
    const num = /^-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NaN|Infinity)/.exec(text.slice(i, i + 64));
    if (num && (ch !== '-' || /\d|N|I/.test(text[i + 1] ?? ''))) {
      push('number', i + num[0].length, num[0]);
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
    if (id) {
      push('ident', i + id[0].length, id[0].toLowerCase());
      continue;
    }
    if ('(),;.<>={}[]:?+-*/'.includes(ch)) {
      push('punct', i + 1, ch);
      continue;
    }
    throw new CqlSyntaxError(`unexpected character ${JSON.stringify(ch)}`, startLine, startCol);
  }
  tokens.push({ kind: 'eof', text: '', value: '', line, col: col() });
  return { tokens, comments };
}

/** A CQL type, as written. */
export interface CqlType {
  name: string;
  args: CqlType[];
  keyspace?: string;
  /** a number argument (vector<float, 3>): name is '#' */
  value?: string;
}

export function spellCql(t: CqlType): string {
  if (t.name === '#') return t.value ?? '';
  const n = t.keyspace ? `${t.keyspace}.${t.name}` : t.name;
  return t.args.length ? `${n}<${t.args.map(spellCql).join(', ')}>` : n;
}

interface RawColumn {
  name: string;
  type: CqlType;
  isStatic: boolean;
  comment?: string;
  at: SourceRef;
}
interface RawTable {
  keyspace?: string;
  name: string;
  columns: RawColumn[];
  partition: string[];
  clustering: string[];
  order: Map<string, 'ASC' | 'DESC'>;
  options: Map<string, unknown>;
  at: SourceRef;
}
interface RawType {
  keyspace?: string;
  name: string;
  fields: Array<{ name: string; type: CqlType }>;
}

/** Parses a CQL file's DDL statements. */
export function parseCql(file: string, text: string): { tables: RawTable[]; types: RawType[]; keyspaces: Map<string, Record<string, string | number>> } {
  const { tokens, comments } = tokenize(text);
  let p = 0;
  let keyspace: string | undefined;
  const tables = new Map<string, RawTable>();
  const types: RawType[] = [];
  const keyspaces = new Map<string, Record<string, string | number>>();
  const peek = (k = 0) => tokens[Math.min(p + k, tokens.length - 1)]!;
  const next = () => tokens[Math.min(p++, tokens.length - 1)]!;
  const err = (t: Tok, what: string): never => {
    throw new CqlSyntaxError(`expected ${what}, found ${t.kind === 'eof' ? 'the end of the file' : JSON.stringify(t.text)}`, t.line, t.col);
  };
  const isWord = (t: Tok, w: string) => t.kind === 'ident' && t.value === w;
  const accept = (w: string): boolean => {
    const t = peek();
    if ((t.kind === 'punct' && t.text === w) || isWord(t, w)) {
      p++;
      return true;
    }
    return false;
  };
  const expect = (w: string) => {
    if (!accept(w)) err(peek(), JSON.stringify(w));
  };
  const name = (): Tok => {
    const t = next();
    if (t.kind !== 'ident' && t.kind !== 'qident') err(t, 'a name');
    return t;
  };
  /** [keyspace.]name */
  const qualifiedName = (): { keyspace?: string; name: string; tok: Tok } => {
    const a = name();
    if (accept('.')) {
      const b = name();
      return { keyspace: a.value, name: b.value, tok: b };
    }
    return { name: a.value, tok: a };
  };
  const ifNotExists = () => {
    if (isWord(peek(), 'if')) {
      p++;
      expect('not');
      expect('exists');
    }
  };
  const type = (): CqlType => {
    const t = peek();
    if (t.kind === 'number') {
      p++;
      return { name: '#', value: t.text, args: [] };
    }
    const q = qualifiedName();
    const args: CqlType[] = [];
    if (accept('<')) {
      do args.push(type());
      while (accept(','));
      expect('>');
    }
    return { name: q.name, args, ...(q.keyspace ? { keyspace: q.keyspace } : {}) };
  };
  /** A literal value of an option: string, number, boolean, map or list. */
  const value = (): unknown => {
    const t = next();
    if (t.kind === 'string') return t.value;
    if (t.kind === 'number') return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t.text) ? Number(t.text) : t.text;
    if (t.kind === 'ident' && (t.value === 'true' || t.value === 'false')) return t.value === 'true';
    if (t.kind === 'ident' || t.kind === 'qident') return t.value;
    if (t.kind === 'punct' && t.text === '{') {
      const m: Record<string, unknown> = {};
      if (accept('}')) return m;
      do {
        const k = value();
        expect(':');
        m[String(k)] = value();
      } while (accept(','));
      expect('}');
      return m;
    }
    if (t.kind === 'punct' && t.text === '[') {
      const l: unknown[] = [];
      if (accept(']')) return l;
      do l.push(value());
      while (accept(','));
      expect(']');
      return l;
    }
    return err(t, 'a value');
  };
  const skipStatement = () => {
    while (peek().kind !== 'eof' && !(peek().kind === 'punct' && peek().text === ';')) p++;
    accept(';');
  };
  const end = () => {
    if (!accept(';') && peek().kind !== 'eof') err(peek(), '";"');
  };
  /** The `--` comment lines directly above `line`, down to (not including) `floor`. */
  const commentAbove = (line: number, floor: number): string | undefined => {
    const lines: string[] = [];
    for (let l = line - 1; l > floor && comments.has(l); l--) lines.unshift(comments.get(l)!);
    return lines.length ? lines.join('\n') : undefined;
  };
  const keyOf = (ks: string | undefined, n: string) => `${ks ?? keyspace ?? ''}.${n}`;

  while (peek().kind !== 'eof') {
    const t = peek();
    if (t.kind === 'punct' && t.text === ';') {
      p++;
      continue;
    }
    if (isWord(t, 'use')) {
      p++;
      keyspace = name().value;
      end();
      continue;
    }
    if (isWord(t, 'create') && isWord(peek(1), 'keyspace')) {
      p += 2;
      ifNotExists();
      const ks = name().value;
      if (accept('with')) {
        do {
          const opt = name().value;
          expect('=');
          const v = value();
          if (opt === 'replication' && v && typeof v === 'object' && !Array.isArray(v)) {
            const rep: Record<string, string | number> = {};
            for (const [k, x] of Object.entries(v as Record<string, unknown>)) rep[k] = typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : (x as string | number);
            keyspaces.set(ks, rep);
          }
        } while (accept('and'));
      }
      end();
      continue;
    }
    if (isWord(t, 'create') && isWord(peek(1), 'type')) {
      p += 2;
      ifNotExists();
      const q = qualifiedName();
      expect('(');
      const fields: RawType['fields'] = [];
      while (!accept(')')) {
        const f = name().value;
        fields.push({ name: f, type: type() });
        if (!accept(',')) {
          expect(')');
          break;
        }
      }
      types.push({ ...(q.keyspace ?? keyspace ? { keyspace: q.keyspace ?? keyspace } : {}), name: q.name, fields });
      end();
      continue;
    }
    if (isWord(t, 'create') && (isWord(peek(1), 'table') || isWord(peek(1), 'columnfamily'))) {
      p += 2;
      ifNotExists();
      const q = qualifiedName();
      const open = peek();
      expect('(');
      const table: RawTable = { ...(q.keyspace ?? keyspace ? { keyspace: q.keyspace ?? keyspace } : {}), name: q.name, columns: [], partition: [], clustering: [], order: new Map(), options: new Map(), at: { file, line: q.tok.line, col: q.tok.col } };
      let lastLine = open.line;
      while (!accept(')')) {
        if (isWord(peek(), 'primary') && isWord(peek(1), 'key')) {
          p += 2;
          expect('(');
          if (accept('(')) {
            do table.partition.push(name().value);
            while (accept(','));
            expect(')');
          } else table.partition.push(name().value);
          while (accept(',')) table.clustering.push(name().value);
          expect(')');
        } else {
          const n = name();
          const ty = type();
          const col: RawColumn = { name: n.value, type: ty, isStatic: false, at: { file, line: n.line, col: n.col } };
          const c = commentAbove(n.line, lastLine);
          if (c !== undefined) col.comment = c;
          for (;;) {
            if (accept('static')) col.isStatic = true;
            else if (isWord(peek(), 'primary') && isWord(peek(1), 'key')) {
              p += 2;
              table.partition = [col.name];
            } else break;
          }
          table.columns.push(col);
        }
        lastLine = tokens[p - 1]!.line;
        if (!accept(',')) {
          expect(')');
          break;
        }
      }
      if (accept('with')) {
        do {
          if (isWord(peek(), 'clustering') && isWord(peek(1), 'order')) {
            p += 2;
            expect('by');
            expect('(');
            do {
              const c = name().value;
              const dir = accept('desc') ? 'DESC' : (accept('asc'), 'ASC');
              table.order.set(c, dir);
            } while (accept(','));
            expect(')');
          } else if (isWord(peek(), 'compact') && isWord(peek(1), 'storage')) {
            p += 2;
            table.options.set('compact_storage', true);
          } else {
            const opt = name().value;
            expect('=');
            table.options.set(opt, value());
          }
        } while (accept('and'));
      }
      end();
      tables.set(keyOf(table.keyspace, table.name), table);
      continue;
    }
    if (isWord(t, 'alter') && (isWord(peek(1), 'table') || isWord(peek(1), 'columnfamily'))) {
      p += 2;
      const q = qualifiedName();
      const table = tables.get(keyOf(q.keyspace, q.name));
      if (table && accept('add')) {
        const multi = accept('(');
        do {
          const n = name();
          table.columns.push({ name: n.value, type: type(), isStatic: accept('static'), at: { file, line: n.line, col: n.col } });
        } while (accept(','));
        if (multi) expect(')');
        end();
      } else if (table && accept('drop')) {
        const multi = accept('(');
        do {
          const n = name().value;
          table.columns = table.columns.filter((c) => c.name !== n);
        } while (accept(','));
        if (multi) expect(')');
        end();
      } else skipStatement();
      continue;
    }
    if (isWord(t, 'comment') && isWord(peek(1), 'on')) {
      p += 2;
      const what = name().value;
      const parts = [name().value];
      while (accept('.')) parts.push(name().value);
      expect('is');
      const v = next();
      const text2 = v.kind === 'string' ? v.value : undefined;
      if (what === 'table') {
        const table = tables.get(parts.length > 1 ? `${parts[0]}.${parts[1]}` : keyOf(undefined, parts[0]!));
        if (table && text2 !== undefined) table.options.set('comment', text2);
      } else if (what === 'column' && parts.length >= 2) {
        const cn = parts[parts.length - 1]!;
        const tn = parts[parts.length - 2]!;
        const table = tables.get(parts.length > 2 ? `${parts[0]}.${tn}` : keyOf(undefined, tn));
        const c = table?.columns.find((x) => x.name === cn);
        if (c && text2 !== undefined) c.comment = text2;
      }
      end();
      continue;
    }
    skipStatement();
  }
  return { tables: [...tables.values()], types, keyspaces };
}

// ---------------------------------------------------------------------------------------------- types

const NATIVE: Record<string, ColumnType> = {
  ascii: { kind: 'string' },
  text: { kind: 'string' },
  varchar: { kind: 'string' },
  inet: { kind: 'string' },
  duration: { kind: 'string' },
  bigint: { kind: 'int64' },
  counter: { kind: 'int64' },
  int: { kind: 'int32' },
  smallint: { kind: 'int16' },
  tinyint: { kind: 'int16' },
  float: { kind: 'float32' },
  double: { kind: 'float64' },
  boolean: { kind: 'boolean' },
  date: { kind: 'date' },
  time: { kind: 'time' },
  timestamp: { kind: 'timestamp' },
  uuid: { kind: 'uuid' },
  timeuuid: { kind: 'uuid' },
  blob: { kind: 'bytes' },
};

/** Every CQL type the mapping knows, for the docs test. */
export const CQL_TYPES = [...Object.keys(NATIVE), 'varint', 'decimal', 'list', 'set', 'map', 'tuple', 'vector', 'frozen'];

interface Mapped {
  type: ColumnType;
  physical: string;
  userType?: string;
  problems: Array<{ rule: 'IMPORT_TYPE_UNMAPPED' | 'IMPORT_TYPE_LOSSY'; message: string }>;
}

function mapCql(t: CqlType, udts: Map<string, RawType>, at: SourceRef, depth = 0): Mapped {
  const physical = spellCql(t);
  const native = NATIVE[t.name];
  if (native && t.args.length === 0) return { type: native, physical, problems: [] };
  switch (t.name) {
    case 'frozen':
      return t.args[0] ? { ...mapCql(t.args[0], udts, at, depth + 1), physical } : { type: { kind: 'string' }, physical, problems: [] };
    case 'varint':
      return { type: { kind: 'decimal', precision: 38, scale: 0 }, physical, problems: [{ rule: 'IMPORT_TYPE_LOSSY', message: 'varint holds integers of any size; it becomes decimal(38,0), the widest every target holds' }] };
    case 'decimal':
      // no precision in CQL: an unsized decimal (DECIMAL_UNSIZED names the lake's decimal)
      return { type: { kind: 'decimal' }, physical, problems: [] };
    case 'list':
    case 'set':
    case 'vector': {
      const el = t.args[0] ? mapCql(t.args[0], udts, at, depth + 1) : { type: { kind: 'string' } as ColumnType, physical: 'text', problems: [] };
      return { type: { kind: 'array', items: el.type, itemsPhysical: el.physical }, physical, ...(el.userType ? { userType: el.userType } : {}), problems: el.problems };
    }
    case 'map':
    case 'tuple':
      return { type: { kind: 'string' }, physical, problems: [{ rule: 'IMPORT_TYPE_LOSSY', message: `${physical} is kept as a string (its JSON text): contracts have no ${t.name} type in ODCS v3.1` }] };
    default: {
      const udt = depth < 8 ? (udts.get(`${t.keyspace ?? ''}.${t.name}`) ?? [...udts.values()].find((u) => u.name === t.name)) : undefined;
      if (udt && t.args.length === 0) {
        const problems: Mapped['problems'] = [];
        const fields: ColumnDesc[] = udt.fields.map((f) => {
          const m = mapCql(f.type, udts, at, depth + 1);
          problems.push(...m.problems);
          return { name: f.name, physicalType: m.physical, type: m.type, nullable: true, constraints: {}, at };
        });
        return { type: { kind: 'object', fields }, physical, userType: `user-defined type ${udt.name}`, problems };
      }
      return { type: { kind: 'string' }, physical, problems: [{ rule: 'IMPORT_TYPE_UNMAPPED', message: `type ${physical} has no contractgen mapping; the column is kept as a string with physicalType "${physical}"` }] };
    }
  }
}

export function readCql(file: string, text: string): SourceDescription {
  let parsed: ReturnType<typeof parseCql>;
  try {
    parsed = parseCql(file, text);
  } catch (e) {
    if (e instanceof CqlSyntaxError) return { format: 'cassandra', label: file, tables: [], diagnostics: [diag({ file, line: e.line, col: e.col }, 'IMPORT_SYNTAX', `not valid CQL: ${e.message}`)] };
    throw e;
  }
  const diagnostics: Diagnostic[] = [];
  const udts = new Map(parsed.types.map((u) => [`${u.keyspace ?? ''}.${u.name}`, u]));
  const tables = parsed.tables.map((rt): TableDesc => {
    const label = rt.keyspace ? `${rt.keyspace}.${rt.name}` : rt.name;
    const key = new Set([...rt.partition, ...rt.clustering]);
    const columns = rt.columns.map((rc): ColumnDesc => {
      const m = mapCql(rc.type, udts, rc.at);
      for (const pr of m.problems) diagnostics.push(diag(rc.at, pr.rule, `${label}.${rc.name}: ${pr.message}`));
      const comment = readColumnComment(rc.comment);
      return {
        name: rc.name,
        physicalType: m.physical,
        type: m.type,
        // Cassandra has no NOT NULL; key columns are never null
        nullable: !key.has(rc.name),
        constraints: {},
        ...(comment.description !== undefined ? { comment: comment.description } : {}),
        ...(comment.classification ? { classification: comment.classification } : {}),
        ...(comment.piiTagged ? { piiSuggested: 'the column comment marks it PII' } : {}),
        ...(m.userType || rc.isStatic ? { userType: [m.userType, rc.isStatic ? 'static column' : undefined].filter(Boolean).join(', ') } : {}),
        at: rc.at,
      };
    });
    const missing = [...key].filter((k) => !rt.columns.some((c) => c.name === k));
    if (missing.length) diagnostics.push(diag(rt.at, 'IMPORT_SYNTAX', `${label}: the primary key names unknown column(s) ${missing.join(', ')}`));
    const options: TableDesc['options'] = {};
    const ttl = rt.options.get('default_time_to_live');
    if (typeof ttl === 'number' && ttl > 0) options.default_time_to_live = ttl;
    const cdc = rt.options.get('cdc');
    if (typeof cdc === 'boolean') options.cdc = cdc;
    if (cdc !== true) diagnostics.push(diag(rt.at, 'IMPORT_NOT_CARRIED', `${label}: cdc is not enabled on this table; Debezium's Cassandra connector reads only tables with cdc = true (the CQL contractgen generates enables it)`));
    const tc = readTableComment(typeof rt.options.get('comment') === 'string' ? (rt.options.get('comment') as string) : undefined);
    return {
      name: rt.name,
      ...(rt.keyspace ? { namespace: rt.keyspace } : {}),
      ...(tc.description !== undefined ? { comment: tc.description } : {}),
      ...(tc.owner ? { owner: tc.owner } : {}),
      columns,
      primaryKey: [...rt.partition, ...rt.clustering],
      uniques: [],
      foreignKeys: [],
      checks: [],
      cassandra: { partition: rt.partition, clustering: rt.clustering.map((c) => ({ column: c, order: rt.order.get(c) ?? 'ASC' })) },
      options,
      at: rt.at,
    };
  });
  const replication: Record<string, Record<string, string | number>> = Object.fromEntries(parsed.keyspaces);
  return { format: 'cassandra', label: file, server: { kind: 'cassandra', ...(Object.keys(replication).length ? { replication } : {}) }, tables, diagnostics };
}
