/**
 * The steps every SQL reader shares once it has columns and constraints: CHECKs recognized as contract
 * constraints or kept whole, literal defaults, and the comments contractgen itself writes read back
 * (`[PII; classification: restricted] …` on columns, `… Owner: team.` on tables).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRef } from '../model/ir.js';
import { diag, type CheckDesc, type ColumnDesc, type ColumnType } from './describe.js';
import { literal, mergeConstraints, recognizeCheck, type Expr } from './expr.js';

export interface ParsedCheck {
  name?: string;
  expr: Expr;
  /** the expression as the source wrote it, without the surrounding `CHECK (…)` */
  text: string;
  at: SourceRef;
}

/**
 * Recognized CHECKs become constraints of their column (and NOT NULL); the rest are returned, kept whole.
 * A recognized CHECK whose constraint conflicts with one the column already has is kept whole too.
 */
export function applyChecks(columns: ColumnDesc[], checks: readonly ParsedCheck[], dialect: 'postgres' | 'mysql'): CheckDesc[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const kept: CheckDesc[] = [];
  for (const ch of checks) {
    const r = recognizeCheck(ch.expr, (col) => byName.get(col)?.type.kind, dialect);
    const col = r && byName.get(r.column);
    if (r && col && mergeConstraints(col.constraints, r.constraints)) {
      if (r.notNull) col.nullable = false;
      continue;
    }
    kept.push({ ...(ch.name ? { name: ch.name } : {}), expression: ch.text.trim(), at: ch.at });
  }
  return kept;
}

const NUMERIC: ReadonlySet<ColumnType['kind']> = new Set(['int16', 'int32', 'int64', 'float32', 'float64', 'decimal']);

/** A default the contract can carry (`contractgen.default`): a literal that fits the column's type. */
export function literalDefault(e: Expr, type: ColumnType): string | number | boolean | undefined {
  const v = literal(e);
  if (v === undefined) return undefined;
  if (NUMERIC.has(type.kind)) return typeof v === 'number' ? v : undefined;
  if (type.kind === 'boolean') return typeof v === 'boolean' ? v : undefined;
  if (type.kind === 'array' || type.kind === 'object' || type.kind === 'bytes') return undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A short readable form of an expression, for messages. */
export function exprLabel(e: Expr): string {
  switch (e.k) {
    case 'col':
      return e.name;
    case 'str':
      return `'${e.v}'`;
    case 'num':
    case 'bool':
      return String(e.v);
    case 'null':
      return 'NULL';
    case 'cast':
      return `${exprLabel(e.arg)}::${e.type}`;
    case 'call':
      return `${e.fn}(${e.args.map(exprLabel).join(', ')})`;
    default:
      return 'an expression';
  }
}

/**
 * A column comment contractgen generated, read back: the `[PII; classification: X]` prefix becomes a PII
 * suggestion and a classification, the rest the description. Other comments are the description as they are.
 */
export function readColumnComment(comment: string | undefined): { description?: string; piiTagged: boolean; classification?: string } {
  if (comment === undefined || comment.trim() === '') return { piiTagged: false };
  const m = /^\[(PII|PII; classification: ([^\]]+)|classification: ([^\]]+))\](?: (.*))?$/s.exec(comment);
  if (!m) return { description: comment, piiTagged: false };
  const classification = m[2] ?? m[3];
  return { ...(m[4] !== undefined && m[4] !== '' ? { description: m[4] } : {}), piiTagged: m[1]!.startsWith('PII'), ...(classification ? { classification } : {}) };
}

/** A table comment contractgen generated, read back: a trailing ` Owner: team.` names the owner. */
export function readTableComment(comment: string | undefined): { description?: string; owner?: string } {
  if (comment === undefined || comment.trim() === '') return {};
  const m = /^(?:(.*?) )?Owner: ([^\s]+)\.$/s.exec(comment);
  if (!m) return { description: comment };
  return { ...(m[1] ? { description: m[1] } : {}), owner: m[2]! };
}

/** Warnings for what a column's definition says that a contract cannot carry. */
export function columnLosses(c: ColumnDesc, table: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (c.defaultExpression !== undefined) out.push(diag(c.at, 'IMPORT_NOT_CARRIED', `${table}.${c.name}: the default ${c.defaultExpression} is an expression; a contract carries literal defaults only (contractgen.default), so the generated DDL has no default`));
  if (c.identity) out.push(diag(c.at, 'IMPORT_NOT_CARRIED', `${table}.${c.name} is an identity/serial/auto-increment column; the generated DDL declares a plain column that the application fills`));
  if (c.generated !== undefined) out.push(diag(c.at, 'IMPORT_NOT_CARRIED', `${table}.${c.name} is a generated column (${c.generated}); the contract describes its values, the generated DDL declares a plain column`));
  return out;
}
