/**
 * What the PostgreSQL DDL reader and the live-catalog reader both produce (tables with PostgreSQL type names,
 * parsed CHECK and default expressions, and the user-defined types), and the one assembly into the import
 * description: types mapped (enums as value sets, domains with their constraints, composites as objects),
 * CHECKs recognized or kept, comments read back.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { quotePg } from '../model/names.js';
import type { SourceRef } from '../model/ir.js';
import { applyChecks, columnLosses, exprLabel, literalDefault, readColumnComment, readTableComment, type ParsedCheck } from './assemble.js';
import { diag, type ColumnDesc, type ColumnType, type ForeignKeyDesc, type TableDesc } from './describe.js';
import type { Expr } from './expr.js';
import { pgBuiltin, spellType, substituteValue, substituteValueText, type PgTypeName } from './pg-sql.js';

export type PgUserType =
  | { kind: 'enum'; name: string; values: string[] }
  | { kind: 'domain'; name: string; base: PgTypeName; notNull: boolean; checks: ParsedCheck[] }
  | { kind: 'composite'; name: string; fields: Array<{ name: string; type: PgTypeName }> };

export interface RawPgColumn {
  name: string;
  type: PgTypeName;
  notNull: boolean;
  default?: Expr;
  comment?: string;
  generated?: string;
  identity?: boolean;
  at: SourceRef;
}

export interface RawPgTable {
  schema: string;
  name: string;
  comment?: string;
  columns: RawPgColumn[];
  primaryKey: string[];
  /** unique constraints and plain unique indexes (no expressions, no predicate) */
  uniques: string[][];
  checks: ParsedCheck[];
  foreignKeys: ForeignKeyDesc[];
  replicaIdentity?: 'default' | 'full' | 'nothing' | 'index';
  partitioning?: string;
  at: SourceRef;
}

/** User types by name, qualified (`public.mood`) or not (`mood`). */
export class UserTypes {
  private byName = new Map<string, PgUserType>();
  add(schema: string, t: PgUserType): void {
    this.byName.set(`${schema}.${t.name}`, t);
    if (!this.byName.has(t.name)) this.byName.set(t.name, t);
  }
  get(base: string): PgUserType | undefined {
    return this.byName.get(base) ?? this.byName.get(base.replace(/"/g, ''));
  }
}

interface Resolved {
  type: ColumnType;
  physical: string;
  enum?: string[];
  notNull: boolean;
  checks: ParsedCheck[];
  userType?: string;
  problems: Array<{ rule: 'IMPORT_TYPE_UNMAPPED' | 'IMPORT_TYPE_LOSSY'; message: string }>;
}

function resolve(t: PgTypeName, users: UserTypes, at: SourceRef, depth = 0): Resolved {
  const physical = spellType(t);
  if (t.arrayDims > 0) {
    const el = resolve({ ...t, arrayDims: t.arrayDims - 1 }, users, at, depth + 1);
    const problems = [...el.problems];
    if (el.enum) problems.push({ rule: 'IMPORT_TYPE_LOSSY', message: `the value set of the array elements (${el.userType}) is not kept: contracts constrain whole columns` });
    return { type: { kind: 'array', items: el.type, itemsPhysical: el.physical }, physical, notNull: false, checks: [], ...(el.userType ? { userType: el.userType } : {}), problems };
  }
  const builtin = pgBuiltin(t.base, t.mods);
  if (builtin) return { type: builtin.type, physical, notNull: false, checks: [], problems: builtin.lossy ? [{ rule: 'IMPORT_TYPE_LOSSY', message: `${physical}: ${builtin.lossy}` }] : [] };
  const user = depth < 8 ? users.get(t.base) : undefined;
  if (user?.kind === 'enum') return { type: { kind: 'string' }, physical, enum: [...user.values], notNull: false, checks: [], userType: `enum ${user.name}`, problems: [] };
  if (user?.kind === 'domain') {
    const base = resolve(user.base, users, at, depth + 1);
    return { ...base, notNull: base.notNull || user.notNull, checks: [...base.checks, ...user.checks], userType: `domain ${user.name} over ${spellType(user.base)}` };
  }
  if (user?.kind === 'composite') {
    const problems: Resolved['problems'] = [];
    const fields: ColumnDesc[] = user.fields.map((f) => {
      const r = resolve(f.type, users, at, depth + 1);
      problems.push(...r.problems);
      return { name: f.name, physicalType: r.physical, type: r.type, nullable: true, constraints: r.enum ? { enum: r.enum } : {}, at };
    });
    return { type: { kind: 'object', fields }, physical, notNull: false, checks: [], userType: `composite type ${user.name}`, problems };
  }
  return { type: { kind: 'string' }, physical, notNull: false, checks: [], problems: [{ rule: 'IMPORT_TYPE_UNMAPPED', message: `type ${physical} has no contractgen mapping; the column is kept as a string with physicalType "${physical}"` }] };
}

/** Raw tables → the import description, with the diagnostics of what a contract cannot carry. */
export function assemblePg(raw: readonly RawPgTable[], users: UserTypes): { tables: TableDesc[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const tables = raw.map((rt): TableDesc => {
    const label = `${rt.schema}.${rt.name}`;
    const domainChecks: ParsedCheck[] = [];
    const columns = rt.columns.map((rc): ColumnDesc => {
      const r = resolve(rc.type, users, rc.at);
      for (const p of r.problems) diagnostics.push(diag(rc.at, p.rule, `${label}.${rc.name}: ${p.message}`));
      const comment = readColumnComment(rc.comment);
      const col: ColumnDesc = {
        name: rc.name,
        physicalType: r.physical,
        type: r.type,
        nullable: !(rc.notNull || r.notNull),
        constraints: r.enum ? { enum: r.enum } : {},
        ...(comment.description !== undefined ? { comment: comment.description } : {}),
        ...(comment.classification ? { classification: comment.classification } : {}),
        ...(comment.piiTagged ? { piiSuggested: 'the column comment marks it PII' } : {}),
        ...(r.userType ? { userType: r.userType } : {}),
        ...(rc.generated !== undefined ? { generated: rc.generated } : {}),
        ...(rc.identity ? { identity: true } : {}),
        at: rc.at,
      };
      if (rc.default && !rc.identity) {
        const v = literalDefault(rc.default, r.type);
        if (v !== undefined) col.default = v;
        else if (rc.default.k !== 'null') col.defaultExpression = exprLabel(rc.default);
      }
      for (const ch of r.checks) domainChecks.push({ ...ch, expr: substituteValue(ch.expr, rc.name), text: substituteValueText(ch.text, quotePg(rc.name)), at: rc.at });
      return col;
    });
    const checks = applyChecks(columns, [...domainChecks, ...rt.checks], 'postgres');
    for (const c of columns) diagnostics.push(...columnLosses(c, label));
    const singles = new Set(rt.uniques.filter((u) => u.length === 1).map((u) => u[0]!));
    for (const c of columns) if (singles.has(c.name) && !(rt.primaryKey.length === 1 && rt.primaryKey[0] === c.name)) c.unique = true;
    const comment = readTableComment(rt.comment);
    const options: TableDesc['options'] = {};
    if (rt.replicaIdentity) options.replicaIdentity = rt.replicaIdentity;
    if (rt.partitioning) {
      options.partitionBy = rt.partitioning;
      diagnostics.push(diag(rt.at, 'IMPORT_NOT_CARRIED', `${label} is partitioned (PARTITION BY ${rt.partitioning}); the contract records it (contractgen.source.options) but the generated DDL creates a plain table`));
    }
    return {
      name: rt.name,
      namespace: rt.schema,
      ...(comment.description !== undefined ? { comment: comment.description } : {}),
      ...(comment.owner ? { owner: comment.owner } : {}),
      columns,
      primaryKey: rt.primaryKey,
      uniques: rt.uniques.filter((u) => u.length > 1),
      foreignKeys: rt.foreignKeys,
      checks,
      options,
      at: rt.at,
    };
  });
  return { tables, diagnostics };
}
