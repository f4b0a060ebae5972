/**
 * What the relational DDL targets (postgres, mysql) share: the translation of contract constraints into CHECK
 * expressions and defaults, parameterised by a small dialect. One place decides what a contract constraint
 * means in SQL.
 */
import { createHash } from 'node:crypto';
import type { Field } from '../../model/ir.js';
import { FORMAT_PATTERNS } from '../../model/formats.js';

export interface SqlDialect {
  name: 'postgres' | 'mysql';
  ident(name: string): string;
  string(s: string): string;
  column(f: Field): string;
  regex(col: string, pattern: string): string;
  charLength(col: string): string;
  /** typed literal for a string bound (dates, timestamps) */
  typedLiteral(v: string, f: Field): string;
  /** the column as a string value-set CHECK compares it (MySQL: by bytes, not under the table collation) */
  valueSetOperand?(col: string): string;
  maxIdent: number;
}

export interface CheckConstraint {
  name: string;
  expr: string;
}

/** Constraint names within the identifier limit: long ones keep a readable prefix and a stable hash. */
export function constraintName(parts: string[], max: number): string {
  const n = parts.join('_').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (n.length <= max) return n;
  const h = createHash('sha256').update(n).digest('hex').slice(0, 8);
  return `${n.slice(0, max - 9)}_${h}`;
}

const NUMERIC = new Set(['int16', 'int32', 'int64', 'float32', 'float64', 'decimal']);

function bound(d: SqlDialect, f: Field, v: number | string): string {
  if (typeof v === 'number') return String(v);
  return NUMERIC.has(f.type.kind) ? String(Number(v)) : d.typedLiteral(v, f);
}

export function fieldChecks(d: SqlDialect, table: string, f: Field): CheckConstraint[] {
  const c = f.constraints;
  const col = d.ident(f.physicalName);
  const out: CheckConstraint[] = [];
  const add = (suffix: string, expr: string) => out.push({ name: constraintName([table, f.physicalName, suffix], d.maxIdent), expr });
  const isInt = f.type.kind.startsWith('int');
  if (c.enum) add('check', `${isInt || !d.valueSetOperand ? col : d.valueSetOperand(col)} IN (${c.enum.map((v) => (isInt ? String(Number(v)) : d.string(v))).join(', ')})`);
  const range: string[] = [];
  if (c.minimum !== undefined) range.push(`${col} >= ${bound(d, f, c.minimum)}`);
  if (c.exclusiveMinimum !== undefined) range.push(`${col} > ${bound(d, f, c.exclusiveMinimum)}`);
  if (c.maximum !== undefined) range.push(`${col} <= ${bound(d, f, c.maximum)}`);
  if (c.exclusiveMaximum !== undefined) range.push(`${col} < ${bound(d, f, c.exclusiveMaximum)}`);
  if (range.length) add('range', range.join(' AND '));
  const len = d.charLength(col);
  // A varchar(n) column already enforces the maximum; a CHECK would only repeat it.
  const maxLength = f.type.kind === 'string' && f.type.maxLength !== undefined && c.maxLength !== undefined && f.type.maxLength <= c.maxLength ? undefined : c.maxLength;
  if (c.minLength !== undefined && c.minLength === c.maxLength) add('length', `${len} = ${c.minLength}`);
  else {
    const parts: string[] = [];
    if (c.minLength !== undefined && c.minLength > 0) parts.push(`${len} >= ${c.minLength}`);
    if (maxLength !== undefined) parts.push(`${len} <= ${maxLength}`);
    if (parts.length) add('length', parts.join(' AND '));
  }
  if (c.pattern !== undefined) add('pattern', d.regex(col, c.pattern));
  const fmt = c.format !== undefined ? FORMAT_PATTERNS[c.format] : undefined;
  if (fmt !== undefined) add('format', d.regex(col, fmt));
  return out;
}

export function sqlDefault(d: SqlDialect, f: Field): string | undefined {
  const v = f.default;
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  if (NUMERIC.has(f.type.kind)) return String(Number(v));
  // MySQL accepts no literal DEFAULT on TEXT/BLOB/JSON columns, only an expression default (8.0.13+).
  const col = d.column(f);
  return d.name === 'mysql' && /^(text|longblob|json)$/.test(col) ? `(${d.string(v)})` : d.string(v);
}
