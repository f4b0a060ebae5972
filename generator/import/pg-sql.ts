/**
 * PostgreSQL through its own parser (libpg-query, PostgreSQL's parser compiled to WebAssembly), shared by the DDL
 * reader and the live-catalog reader: parse trees → expressions (`expr.ts`), type names → canonical spellings,
 * and the PostgreSQL type mapping. Loaded only by the commands that read PostgreSQL.
 */
import type { SourceRef } from '../model/ir.js';
import type { ColumnType } from './describe.js';
import type { Expr } from './expr.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

let loaded: Promise<{ parseSync: (sql: string) => unknown }> | undefined;

/** libpg-query, loaded once (its WebAssembly module takes tens of milliseconds). */
export function pgParser(): Promise<{ parseSync: (sql: string) => unknown }> {
  loaded ??= (async () => {
    const m = (await import('libpg-query')) as unknown as { loadModule: () => Promise<void>; parseSync: (sql: string) => unknown };
    await m.loadModule();
    return { parseSync: m.parseSync };
  })();
  return loaded;
}

/** A parse error with its 0-based offset into the text, as libpg-query reports it. */
export function pgErrorOffset(e: unknown): { message: string; offset?: number } {
  const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
  const pos = err.sqlDetails?.cursorPosition;
  return { message: String(err.message ?? e), ...(typeof pos === 'number' ? { offset: pos } : {}) };
}

export const str = (n: unknown): string | undefined => (isNode(n) && isNode(n.String) && typeof n.String.sval === 'string' ? n.String.sval : isNode(n) && isNode(n.String) ? '' : undefined);
export const names = (v: unknown): string[] => list(v).map(str).filter((s): s is string => s !== undefined);

// ---------------------------------------------------------------------------------------------- expressions

function constValue(c: Node): Expr {
  if (c.isnull) return { k: 'null' };
  if (isNode(c.ival)) return { k: 'num', v: typeof c.ival.ival === 'number' ? c.ival.ival : 0 };
  if (isNode(c.fval)) return { k: 'num', v: Number(c.fval.fval ?? 0) };
  if (isNode(c.boolval)) return { k: 'bool', v: c.boolval.boolval === true };
  if (isNode(c.sval)) return { k: 'str', v: typeof c.sval.sval === 'string' ? c.sval.sval : '' };
  if (isNode(c.bsval)) return { k: 'str', v: String(c.bsval.bsval ?? '') };
  return { k: 'other' };
}

/** A libpg-query expression node → the importers' expression tree. */
export function pgExpr(n: unknown): Expr {
  if (!isNode(n)) return { k: 'other' };
  const [tag, body] = Object.entries(n)[0] ?? [];
  if (!isNode(body)) return { k: 'other' };
  switch (tag) {
    case 'ColumnRef': {
      const f = names(body.fields);
      return f.length ? { k: 'col', name: f[f.length - 1]! } : { k: 'other' };
    }
    case 'A_Const':
      return constValue(body);
    case 'TypeCast':
      return { k: 'cast', arg: pgExpr(body.arg), type: isNode(body.typeName) ? spellType(typeNameOf(body.typeName)) : '' };
    case 'BoolExpr': {
      const args = list(body.args).map(pgExpr);
      if (body.boolop === 'AND_EXPR') return { k: 'and', args };
      if (body.boolop === 'OR_EXPR') return { k: 'or', args };
      return args.length === 1 ? { k: 'not', arg: args[0]! } : { k: 'other' };
    }
    case 'NullTest':
      return { k: 'isnull', arg: pgExpr(body.arg), not: body.nulltesttype === 'IS_NOT_NULL' };
    case 'FuncCall':
      return { k: 'call', fn: names(body.funcname).filter((s) => s !== 'pg_catalog').join('.'), args: list(body.args).map(pgExpr) };
    case 'A_ArrayExpr':
      return { k: 'array', items: list(body.elements).map(pgExpr) };
    case 'List':
      return { k: 'array', items: list(body.items).map(pgExpr) };
    case 'A_Expr': {
      const op = names(body.name).join('.');
      const l = body.lexpr === undefined ? undefined : pgExpr(body.lexpr);
      switch (body.kind) {
        case 'AEXPR_OP': {
          const r = pgExpr(body.rexpr);
          if (!l) {
            if (op === '-' && r.k === 'num') return { k: 'num', v: -r.v };
            if (op === '+' && r.k === 'num') return r;
            return { k: 'other' };
          }
          return { k: 'op', op, l, r };
        }
        case 'AEXPR_OP_ANY':
          return l ? { k: 'any', op, arg: l, list: pgExpr(body.rexpr) } : { k: 'other' };
        case 'AEXPR_IN': {
          const r = pgExpr(body.rexpr);
          return l && r.k === 'array' ? { k: 'in', arg: l, list: r.items, not: op === '<>' } : { k: 'other' };
        }
        case 'AEXPR_BETWEEN':
        case 'AEXPR_NOT_BETWEEN': {
          const r = pgExpr(body.rexpr);
          return l && r.k === 'array' && r.items.length === 2 ? { k: 'between', arg: l, lo: r.items[0]!, hi: r.items[1]!, not: body.kind === 'AEXPR_NOT_BETWEEN' } : { k: 'other' };
        }
        case 'AEXPR_LIKE':
          return l ? { k: 'op', op: op === '!~~' ? 'not like' : 'like', l, r: pgExpr(body.rexpr) } : { k: 'other' };
        default:
          return { k: 'other' };
      }
    }
    default:
      return { k: 'other' };
  }
}

/** Replaces a domain CHECK's `VALUE` by the column (in the tree). */
export function substituteValue(e: Expr, column: string): Expr {
  const walk = (x: Expr): Expr => {
    if (x.k === 'col') return x.name.toLowerCase() === 'value' ? { k: 'col', name: column } : x;
    const out: Record<string, unknown> = { ...x };
    for (const [key, v] of Object.entries(x)) {
      if (Array.isArray(v)) out[key] = v.map((y) => (y && typeof y === 'object' && 'k' in y ? walk(y as Expr) : y));
      else if (v && typeof v === 'object' && 'k' in (v as object)) out[key] = walk(v as Expr);
    }
    return out as Expr;
  };
  return walk(e);
}

/** Replaces the `VALUE` keyword of a domain CHECK's text by the quoted column, outside string literals. */
export function substituteValueText(text: string, quotedColumn: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < text.length && !(text[j] === ch && text[j + 1] !== ch)) j += text[j] === ch ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i));
    if (m) {
      out += m[0].toLowerCase() === 'value' ? quotedColumn : m[0];
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- types

/** A PostgreSQL type as `format_type` spells it, split: `timestamp(3) with time zone` → base, mods [3]. */
export interface PgTypeName {
  /** canonical base spelling (`character varying`, `timestamp with time zone`, `public.mood`) */
  base: string;
  mods: number[];
  arrayDims: number;
}

/** libpg-query's internal names → format_type's spellings. */
const INTERNAL: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int: 'integer',
  integer: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  timetz: 'time with time zone',
  time: 'time without time zone',
  decimal: 'numeric',
  varbit: 'bit varying',
  char: '"char"',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

const TEMPORAL_WITH_ZONE = /^(timestamp|time) (with|without) time zone$/;

/** The canonical name of a libpg-query TypeName node; `serial` is reported through `serial`. */
export function typeNameOf(t: Node): PgTypeName & { serial: boolean } {
  const ns = names(t.names);
  const builtin = ns.length === 1 || ns[0] === 'pg_catalog';
  const last = ns[ns.length - 1] ?? '';
  const serial = builtin && /^(small|big)?serial[248]?$/.test(last);
  const base = builtin && INTERNAL[last] !== undefined ? INTERNAL[last]! : ns.filter((s, i) => !(i === 0 && s === 'pg_catalog' && ns.length > 1)).join('.');
  const mods = list(t.typmods)
    .map((m) => (isNode(m) && isNode(m.A_Const) && isNode(m.A_Const.ival) ? (typeof m.A_Const.ival.ival === 'number' ? m.A_Const.ival.ival : 0) : undefined))
    .filter((m): m is number => m !== undefined);
  return { base, mods, arrayDims: list(t.arrayBounds).length, serial };
}

/** format_type's spelling of a type: `numeric(10,2)`, `timestamp(3) with time zone`, `integer[]`. */
export function spellType(t: PgTypeName): string {
  const mods = t.mods.length ? `(${t.mods.join(',')})` : '';
  const m = TEMPORAL_WITH_ZONE.exec(t.base);
  const core = m ? `${m[1]}${mods} ${m[2]} time zone` : `${t.base}${mods}`;
  return core + '[]'.repeat(t.arrayDims);
}

/** format_type's text → base, mods and array dimensions. */
export function parseFormatType(s: string): PgTypeName {
  let rest = s.trim();
  let arrayDims = 0;
  while (rest.endsWith('[]')) {
    arrayDims++;
    rest = rest.slice(0, -2).trimEnd();
  }
  const m = /\(([\d\s,]+)\)/.exec(rest);
  const mods = m ? m[1]!.split(',').map((x) => Number(x.trim())) : [];
  const base = (m ? rest.slice(0, m.index) + rest.slice(m.index + m[0].length) : rest).replace(/\s+/g, ' ').trim();
  return { base, mods, arrayDims };
}

export interface MappedType {
  type: ColumnType;
  /** why the mapping loses something, for a warning */
  lossy?: string;
}

/** Builtin PostgreSQL types → the nearest contractgen type. undefined: no mapping (the column is kept as a string). */
export function pgBuiltin(base: string, mods: number[]): MappedType | undefined {
  switch (base) {
    case 'smallint':
      return { type: { kind: 'int16' } };
    case 'integer':
      return { type: { kind: 'int32' } };
    case 'bigint':
    case 'oid':
    case 'xid':
    case 'xid8':
    case 'regclass':
    case 'regtype':
    case 'regproc':
      return { type: { kind: 'int64' } };
    case 'real':
      return { type: { kind: 'float32' } };
    case 'double precision':
      return { type: { kind: 'float64' } };
    case 'numeric': {
      // unsized: the contract keeps physicalType numeric (a DECIMAL_UNSIZED warning names the lake's decimal)
      if (mods.length === 0) return { type: { kind: 'decimal' } };
      const [p, s = 0] = mods as [number, number?];
      if (p > 38) return { type: { kind: 'decimal' }, lossy: `numeric(${p},${s}) is wider than the 38 digits every target holds` };
      return { type: { kind: 'decimal', precision: p, scale: s } };
    }
    case 'money':
      return { type: { kind: 'decimal', precision: 19, scale: 2 } };
    case 'boolean':
      return { type: { kind: 'boolean' } };
    case 'text':
    case 'citext':
    case 'xml':
    case 'interval':
    case 'inet':
    case 'cidr':
    case 'macaddr':
    case 'macaddr8':
    case 'bit varying':
    case 'tsvector':
    case 'tsquery':
    case 'pg_lsn':
    case 'int4range':
    case 'int8range':
    case 'numrange':
    case 'tsrange':
    case 'tstzrange':
    case 'daterange':
    case 'int4multirange':
    case 'int8multirange':
    case 'nummultirange':
    case 'tsmultirange':
    case 'tstzmultirange':
    case 'datemultirange':
      return { type: { kind: 'string' } };
    case 'character varying':
      return { type: mods[0] ? { kind: 'string', maxLength: mods[0] } : { kind: 'string' } };
    case 'character':
      return { type: { kind: 'string', maxLength: mods[0] ?? 1 } };
    case '"char"':
      return { type: { kind: 'string', maxLength: 1 } };
    case 'name':
      return { type: { kind: 'string', maxLength: 63 } };
    case 'bit':
      return { type: (mods[0] ?? 1) === 1 ? { kind: 'boolean' } : { kind: 'string' } };
    case 'uuid':
      return { type: { kind: 'uuid' } };
    case 'date':
      return { type: { kind: 'date' } };
    case 'time without time zone':
      return { type: { kind: 'time' } };
    case 'time with time zone':
      return { type: { kind: 'time' }, lossy: 'time with time zone becomes a time of day: the offset is not kept' };
    case 'timestamp without time zone':
      return { type: { kind: 'timestamp_ntz' } };
    case 'timestamp with time zone':
      return { type: { kind: 'timestamp' } };
    case 'bytea':
      return { type: { kind: 'bytes' } };
    case 'json':
    case 'jsonb':
      return { type: { kind: 'json' } };
    default:
      return undefined;
  }
}

/** Every builtin spelling the mapping above knows, for the docs test. */
export const PG_BUILTINS = [
  'smallint', 'integer', 'bigint', 'oid', 'real', 'double precision', 'numeric', 'money', 'boolean', 'text', 'citext', 'xml', 'interval', 'inet', 'cidr',
  'macaddr', 'bit varying', 'tsvector', 'character varying', 'character', '"char"', 'name', 'bit', 'uuid', 'date', 'time without time zone',
  'time with time zone', 'timestamp without time zone', 'timestamp with time zone', 'bytea', 'json', 'jsonb',
];

/** Location → position, for a statement's nodes. */
export type At = (location: unknown) => SourceRef;
