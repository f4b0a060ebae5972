/**
 * SQL expressions as the importers see them: one small typed tree that the PostgreSQL (libpg-query) and MySQL
 * (ANTLR grammar) readers both build from their parsers' trees, and the recognizer that turns a CHECK expression
 * of a shape contractgen models (a value set, a range, a length, a pattern, a format, NOT NULL) into contract
 * constraints. Anything else is kept whole by the reader (`contractgen.check`).
 */
import type { Constraints } from '../model/ir.js';
import { FORMAT_PATTERNS } from '../model/formats.js';
import type { ColumnType } from './describe.js';

export type Expr =
  | { k: 'col'; name: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'cast'; arg: Expr; type: string }
  | { k: 'and' | 'or'; args: Expr[] }
  | { k: 'not'; arg: Expr }
  /** binary operators: = <> < <= > >= ~ ~* !~ LIKE REGEXP … (lower-case names for words) */
  | { k: 'op'; op: string; l: Expr; r: Expr }
  | { k: 'in'; arg: Expr; list: Expr[]; not: boolean }
  /** `arg op ANY (array)`: how PostgreSQL stores `IN (…)` */
  | { k: 'any'; op: string; arg: Expr; list: Expr }
  | { k: 'between'; arg: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'isnull'; arg: Expr; not: boolean }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'array'; items: Expr[] }
  | { k: 'other' };

const NUMERIC_TYPES = /^(smallint|integer|int|bigint|int2|int4|int8|numeric|decimal|real|double precision|float4|float8|float|double|signed|unsigned|signed integer|unsigned integer)(\(.*\))?$/i;
const STRING_TYPES = /^(text|character varying|varchar|character|char|bpchar|"char"|name|char\(\d+\)|varchar\(\d+\))(\(\d+\))?(\[\])?$/i;

/** The value of a literal, through casts: numbers stay numbers, temporal literals stay their text. */
export function literal(e: Expr): string | number | boolean | undefined {
  switch (e.k) {
    case 'str':
    case 'num':
    case 'bool':
      return e.v;
    case 'cast': {
      const v = literal(e.arg);
      if (v === undefined) return undefined;
      const t = e.type.trim().toLowerCase();
      if (NUMERIC_TYPES.test(t)) {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
        return n;
      }
      if (t === 'boolean' || t === 'bool') return typeof v === 'boolean' ? v : v === 'true' || v === 't' ? true : v === 'false' || v === 'f' ? false : undefined;
      return typeof v === 'number' && !STRING_TYPES.test(t) ? v : String(v);
    }
    default:
      return undefined;
  }
}

/** The column an expression reads, through casts (`(state)::text`). */
export function columnOf(e: Expr): string | undefined {
  if (e.k === 'col') return e.name;
  if (e.k === 'cast') return columnOf(e.arg);
  return undefined;
}

function conjuncts(e: Expr): Expr[] {
  return e.k === 'and' ? e.args.flatMap(conjuncts) : [e];
}

/** `col IS NULL OR rest`, which a CHECK already means by `rest` (NULL passes a CHECK). */
function stripNullGuard(e: Expr): Expr {
  if (e.k !== 'or' || e.args.length !== 2) return e;
  const [a, b] = e.args as [Expr, Expr];
  const isNullOf = (x: Expr) => (x.k === 'isnull' && !x.not ? columnOf(x.arg) : undefined);
  const ca = isNullOf(a);
  if (ca !== undefined && refersOnlyTo(b, ca)) return b;
  const cb = isNullOf(b);
  if (cb !== undefined && refersOnlyTo(a, cb)) return a;
  return e;
}

function columnsIn(e: Expr, out = new Set<string>()): Set<string> {
  const c = columnOf(e);
  if (c !== undefined) {
    out.add(c);
    return out;
  }
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object' && 'k' in x) columnsIn(x as Expr, out);
    if (v && typeof v === 'object' && 'k' in (v as object)) columnsIn(v as Expr, out);
  }
  return out;
}

function refersOnlyTo(e: Expr, col: string): boolean {
  const cs = columnsIn(e);
  return cs.size === 1 && cs.has(col);
}

/** The columns a CHECK expression reads, in name order. */
export function checkColumns(e: Expr): string[] {
  return [...columnsIn(e)].sort();
}

export interface Recognized {
  column: string;
  constraints: Constraints;
  notNull: boolean;
}

type Kind = ColumnType['kind'];
const NUMERIC_KINDS = new Set<Kind>(['int16', 'int32', 'int64', 'float32', 'float64', 'decimal']);
const INTEGER_KINDS = new Set<Kind>(['int16', 'int32', 'int64']);
const TEMPORAL_KINDS = new Set<Kind>(['date', 'timestamp', 'timestamp_ntz', 'time']);

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };
const LENGTH_FUNCTIONS = { postgres: new Set(['char_length', 'character_length', 'length']), mysql: new Set(['char_length', 'character_length']) };

/**
 * A CHECK expression as contract constraints on one column, when every part of it has a shape contractgen
 * models and re-generates: `c IN (…)` / `c = ANY (ARRAY[…])`, `c >= n` … and BETWEEN, `char_length(c) >= n`,
 * `c ~ 'p'` / `REGEXP_LIKE(c, 'p', 'c')`, `c IS NOT NULL`, joined by AND (optionally guarded by `c IS NULL OR`).
 * undefined means: keep the CHECK whole.
 */
export function recognizeCheck(e: Expr, kindOf: (column: string) => Kind | undefined, dialect: 'postgres' | 'mysql'): Recognized | undefined {
  const parts = conjuncts(stripNullGuard(e));
  let column: string | undefined;
  const c: Constraints = {};
  let notNull = false;
  const same = (col: string | undefined): col is string => {
    if (col === undefined) return false;
    if (column === undefined) column = col;
    return column === col;
  };
  const set = <K extends keyof Constraints>(k: K, v: Constraints[K]): boolean => {
    if (c[k] !== undefined && JSON.stringify(c[k]) !== JSON.stringify(v)) return false;
    c[k] = v;
    return true;
  };
  const bound = (op: string, v: string | number | boolean | undefined, kind: Kind): boolean => {
    if (v === undefined || typeof v === 'boolean') return false;
    if (NUMERIC_KINDS.has(kind) ? typeof v !== 'number' : !(TEMPORAL_KINDS.has(kind) && typeof v === 'string')) return false;
    // the IR types bounds as numbers, but holds dates and timestamps as their text (model/build/ does the same)
    const b = v as number;
    if (op === '>=') return set('minimum', b);
    if (op === '>') return set('exclusiveMinimum', b);
    if (op === '<=') return set('maximum', b);
    if (op === '<') return set('exclusiveMaximum', b);
    return false;
  };
  const values = (list: Expr[], kind: Kind): string[] | undefined => {
    if (kind !== 'string' && !INTEGER_KINDS.has(kind)) return undefined;
    const vs = list.map(literal);
    if (vs.some((v) => v === undefined || typeof v === 'boolean')) return undefined;
    if (INTEGER_KINDS.has(kind) && vs.some((v) => typeof v !== 'number' || !Number.isInteger(v))) return undefined;
    if (kind === 'string' && vs.some((v) => typeof v !== 'string')) return undefined;
    return [...new Set(vs.map((v) => String(v)))];
  };
  const pattern = (p: string | number | boolean | undefined, kind: Kind): boolean => {
    if (typeof p !== 'string' || kind !== 'string') return false;
    const format = Object.entries(FORMAT_PATTERNS).find(([f, re]) => re === p && f !== 'uuid')?.[0];
    return format ? set('format', format) : set('pattern', p);
  };
  for (const part of parts) {
    const ok = ((): boolean => {
      switch (part.k) {
        case 'isnull': {
          if (!part.not || !same(columnOf(part.arg))) return false;
          notNull = true;
          return true;
        }
        case 'in': {
          if (part.not || !same(columnOf(part.arg))) return false;
          const vs = values(part.list, kindOf(column!) ?? 'json');
          return vs !== undefined && set('enum', vs);
        }
        case 'any': {
          // `c = ANY (ARRAY[…])`, the array possibly cast (`(ARRAY[…])::text[]`)
          const arr = part.list.k === 'cast' ? part.list.arg : part.list;
          if (part.op !== '=' || arr.k !== 'array' || !same(columnOf(part.arg))) return false;
          const vs = values(arr.items, kindOf(column!) ?? 'json');
          return vs !== undefined && set('enum', vs);
        }
        case 'between': {
          if (part.not || !same(columnOf(part.arg))) return false;
          const kind = kindOf(column!) ?? 'json';
          return bound('>=', literal(part.lo), kind) && bound('<=', literal(part.hi), kind);
        }
        case 'call': {
          const fn = part.fn.toLowerCase();
          if (fn === 'regexp_like' && dialect === 'mysql' && (part.args.length === 2 || part.args.length === 3)) {
            // MySQL's REGEXP_LIKE is case-insensitive under the default collations unless match type 'c' is given
            if (part.args.length !== 3 || literal(part.args[2]!) !== 'c' || !same(columnOf(part.args[0]!))) return false;
            return pattern(literal(part.args[1]!), kindOf(column!) ?? 'json');
          }
          return false;
        }
        case 'op': {
          const op = part.op.toLowerCase();
          const lc = columnOf(part.l);
          const rc = columnOf(part.r);
          if (op === '~' && dialect === 'postgres') return same(lc) && pattern(literal(part.r), kindOf(column!) ?? 'json');
          // a length: char_length(c) <op> n
          const lenOf = (x: Expr) => (x.k === 'call' && LENGTH_FUNCTIONS[dialect].has(x.fn.toLowerCase()) && x.args.length === 1 ? columnOf(x.args[0]!) : undefined);
          const ll = lenOf(part.l);
          const rl = lenOf(part.r);
          if (ll !== undefined || rl !== undefined) {
            const col = ll ?? rl;
            const o = ll !== undefined ? op : FLIP[op];
            const n = literal(ll !== undefined ? part.r : part.l);
            if (!same(col) || o === undefined || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || kindOf(column!) !== 'string') return false;
            if (o === '=') return set('minLength', n) && set('maxLength', n);
            if (o === '>=') return set('minLength', n);
            if (o === '>') return set('minLength', n + 1);
            if (o === '<=') return set('maxLength', n);
            if (o === '<') return n > 0 && set('maxLength', n - 1);
            return false;
          }
          if (lc !== undefined && rc === undefined) {
            if (!same(lc)) return false;
            const kind = kindOf(column!) ?? 'json';
            if (op === '=') {
              const vs = values([part.r], kind);
              return vs !== undefined && set('enum', vs);
            }
            return bound(op, literal(part.r), kind);
          }
          if (rc !== undefined && lc === undefined) {
            const flipped = FLIP[op];
            if (!same(rc) || flipped === undefined) return false;
            const kind = kindOf(column!) ?? 'json';
            if (flipped === '=') {
              const vs = values([part.l], kind);
              return vs !== undefined && set('enum', vs);
            }
            return bound(flipped, literal(part.l), kind);
          }
          return false;
        }
        default:
          return false;
      }
    })();
    if (!ok) return undefined;
  }
  if (column === undefined || kindOf(column) === undefined) return undefined;
  return { column, constraints: c, notNull };
}

/** Merges recognized constraints into a column's, refusing a conflicting value (the CHECK is then kept whole). */
export function mergeConstraints(into: Constraints, add: Constraints): boolean {
  for (const [k, v] of Object.entries(add) as Array<[keyof Constraints, unknown]>) {
    const cur = into[k];
    if (cur !== undefined && JSON.stringify(cur) !== JSON.stringify(v)) return false;
  }
  Object.assign(into, add);
  return true;
}

/**
 * The text inside the first balanced parentheses at or after `from`, skipping quoted strings and identifiers:
 * the expression of `CHECK (…)` as the source wrote it.
 */
export function balancedGroup(text: string, from: number, backslashEscapes: boolean): { start: number; end: number } | undefined {
  const open = text.indexOf('(', from);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      const q = ch;
      // PostgreSQL E'…' strings escape with a backslash too
      const escapes = q === "'" && (backslashEscapes || /[eE]/.test(text[i - 1] ?? ''));
      i++;
      while (i < text.length) {
        if (escapes && text[i] === '\\') {
          i += 2;
          continue;
        }
        if (text[i] === q) {
          if (text[i + 1] === q) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return { start: open + 1, end: i };
    }
  }
  return undefined;
}
