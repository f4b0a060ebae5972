/**
 * PostgreSQL DDL files (hand-written, pg_dump --schema-only, or contractgen's own) → the import description,
 * parsed by libpg-query. Reads CREATE TABLE (columns, NOT NULL, DEFAULT, CHECK, PRIMARY KEY, UNIQUE, REFERENCES,
 * GENERATED, IDENTITY, PARTITION BY), CREATE TYPE … AS ENUM / composite, CREATE DOMAIN, ALTER TABLE … ADD
 * CONSTRAINT / SET NOT NULL / SET DEFAULT / ADD COLUMN / REPLICA IDENTITY, CREATE UNIQUE INDEX, COMMENT ON and
 * the search_path; every other statement is skipped.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRef } from '../model/ir.js';
import type { ParsedCheck } from './assemble.js';
import { diag, positions, type ForeignKeyDesc, type SourceDescription } from './describe.js';
import { balancedGroup, type Expr } from './expr.js';
import { names, pgErrorOffset, pgExpr, pgParser, str, typeNameOf } from './pg-sql.js';
import { assemblePg, UserTypes, type RawPgColumn, type RawPgTable } from './pg-tables.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const body = (n: unknown, tag: string): Node | undefined => (isNode(n) && isNode(n[tag]) ? (n[tag] as Node) : undefined);

/** libpg-query locations are UTF-8 byte offsets; positions and slices need character offsets. */
function byteToChar(text: string): (b: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const map: number[] = [];
  let ci = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    for (let k = 0; k < n; k++) map.push(ci);
    ci += ch.length;
  }
  map.push(ci);
  return (b) => map[Math.max(0, Math.min(b, map.length - 1))]!;
}

export async function readPgDdl(file: string, text: string): Promise<SourceDescription> {
  const diagnostics: Diagnostic[] = [];
  const { parseSync } = await pgParser();
  const toChar = byteToChar(text);
  const pos = positions(file, text);
  const at = (byteOffset: unknown): SourceRef => pos(toChar(typeof byteOffset === 'number' ? byteOffset : 0));
  let tree: { stmts?: Array<{ stmt: Node; stmt_location?: number }> };
  try {
    tree = parseSync(text) as typeof tree;
  } catch (e) {
    const { message, offset } = pgErrorOffset(e);
    return { format: 'postgres', label: file, tables: [], diagnostics: [diag(at(offset ?? 0), 'IMPORT_SYNTAX', `not valid PostgreSQL: ${message}`)] };
  }
  const users = new UserTypes();
  const tables = new Map<string, RawPgTable>();
  let searchPath = 'public';
  const key = (schema: string | undefined, name: string) => `${schema ?? searchPath}.${name}`;
  const rel = (r: unknown): { schema: string; name: string } | undefined => {
    const b = isNode(r) ? r : undefined;
    return b && typeof b.relname === 'string' ? { schema: typeof b.schemaname === 'string' ? b.schemaname : searchPath, name: b.relname } : undefined;
  };
  const checkText = (location: unknown): string => {
    const start = toChar(typeof location === 'number' ? location : 0);
    const g = balancedGroup(text, text.toUpperCase().indexOf('CHECK', start), false);
    return g ? text.slice(g.start, g.end) : '';
  };
  const parseCheck = (c: Node, conname?: string): ParsedCheck => ({
    ...(conname ? { name: conname } : {}),
    expr: pgExpr(c.raw_expr),
    text: checkText(c.location),
    at: at(c.location),
  });
  const fk = (c: Node, columns: string[]): ForeignKeyDesc | undefined => {
    const target = rel(c.pktable);
    if (!target) return undefined;
    return { ...(typeof c.conname === 'string' ? { name: c.conname } : {}), columns, table: target.name, namespace: target.schema, refColumns: names(c.pk_attrs), at: at(c.location) };
  };
  /** A table-level constraint (in CREATE TABLE or ALTER TABLE … ADD). */
  const tableConstraint = (t: RawPgTable, c: Node) => {
    const conname = typeof c.conname === 'string' ? c.conname : undefined;
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        t.primaryKey = names(c.keys);
        break;
      case 'CONSTR_UNIQUE':
        t.uniques.push(names(c.keys));
        break;
      case 'CONSTR_CHECK':
        t.checks.push(parseCheck(c, conname));
        break;
      case 'CONSTR_FOREIGN': {
        const f = fk(c, names(c.fk_attrs));
        if (f) t.foreignKeys.push(f);
        break;
      }
      default:
        break;
    }
  };
  const column = (t: RawPgTable, cd: Node): RawPgColumn | undefined => {
    if (typeof cd.colname !== 'string' || !isNode(cd.typeName)) return undefined;
    const tn = typeNameOf(cd.typeName);
    const col: RawPgColumn = { name: cd.colname, type: { base: tn.base, mods: tn.mods, arrayDims: tn.arrayDims }, notNull: tn.serial, ...(tn.serial ? { identity: true } : {}), at: at(cd.location) };
    for (const cn of list(cd.constraints)) {
      const c = body(cn, 'Constraint');
      if (!c) continue;
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          break;
        case 'CONSTR_DEFAULT':
          col.default = pgExpr(c.raw_expr);
          break;
        case 'CONSTR_CHECK':
          t.checks.push(parseCheck(c, typeof c.conname === 'string' ? c.conname : undefined));
          break;
        case 'CONSTR_PRIMARY':
          t.primaryKey = [col.name];
          col.notNull = true;
          break;
        case 'CONSTR_UNIQUE':
          t.uniques.push([col.name]);
          break;
        case 'CONSTR_FOREIGN': {
          const f = fk(c, [col.name]);
          if (f) t.foreignKeys.push(f);
          break;
        }
        case 'CONSTR_GENERATED':
          col.generated = 'GENERATED ALWAYS AS (…) STORED';
          break;
        case 'CONSTR_IDENTITY':
          col.identity = true;
          col.notNull = true;
          break;
        default:
          break;
      }
    }
    return col;
  };

  const stmts = tree.stmts ?? [];
  // types first: a dump may declare them after the tables that use them only in odd orders, but never mind
  for (const { stmt } of stmts) {
    const en = body(stmt, 'CreateEnumStmt');
    if (en) {
      const n = names(en.typeName);
      users.add(n.length > 1 ? n[0]! : searchPath, { kind: 'enum', name: n[n.length - 1]!, values: list(en.vals).map((v) => str(v) ?? '') });
    }
    const dom = body(stmt, 'CreateDomainStmt');
    if (dom && isNode(dom.typeName)) {
      const n = names(dom.domainname);
      const tn = typeNameOf(dom.typeName);
      let notNull = false;
      const checks: ParsedCheck[] = [];
      for (const cn of list(dom.constraints)) {
        const c = body(cn, 'Constraint');
        if (c?.contype === 'CONSTR_NOTNULL') notNull = true;
        if (c?.contype === 'CONSTR_CHECK') checks.push(parseCheck(c, typeof c.conname === 'string' ? c.conname : undefined));
      }
      users.add(n.length > 1 ? n[0]! : searchPath, { kind: 'domain', name: n[n.length - 1]!, base: { base: tn.base, mods: tn.mods, arrayDims: tn.arrayDims }, notNull, checks });
    }
    const comp = body(stmt, 'CompositeTypeStmt');
    if (comp) {
      const r = rel(comp.typevar);
      if (r) {
        const fields = list(comp.coldeflist)
          .map((x) => body(x, 'ColumnDef'))
          .filter((cd): cd is Node => !!cd && typeof cd.colname === 'string' && isNode(cd.typeName))
          .map((cd) => {
            const tn = typeNameOf(cd.typeName as Node);
            return { name: cd.colname as string, type: { base: tn.base, mods: tn.mods, arrayDims: tn.arrayDims } };
          });
        users.add(r.schema, { kind: 'composite', name: r.name, fields });
      }
    }
  }
  for (const { stmt, stmt_location } of stmts) {
    const [tag, b] = Object.entries(stmt)[0] ?? [];
    if (!isNode(b)) continue;
    switch (tag) {
      case 'VariableSetStmt': {
        if (b.name === 'search_path') {
          const first = list(b.args).map((a) => pgExpr(a)).find((e): e is Extract<Expr, { k: 'str' }> => e.k === 'str');
          if (first && first.v) searchPath = first.v.split(',')[0]!.trim().replace(/"/g, '') || searchPath;
        }
        break;
      }
      case 'SelectStmt': {
        // pg_dump: SELECT pg_catalog.set_config('search_path', '', false);
        const target = body(list(b.targetList)[0], 'ResTarget');
        const call = target ? pgExpr(target.val) : undefined;
        if (call?.k === 'call' && call.fn === 'set_config' && call.args[0]?.k === 'str' && call.args[0].v === 'search_path' && call.args[1]?.k === 'str' && call.args[1].v) {
          searchPath = call.args[1].v.split(',')[0]!.trim().replace(/"/g, '');
        }
        break;
      }
      case 'CreateStmt': {
        const r = rel(b.relation);
        if (!r) break;
        if (b.partbound) break; // a partition of a partitioned table: the parent describes it
        const t: RawPgTable = { schema: r.schema, name: r.name, columns: [], primaryKey: [], uniques: [], checks: [], foreignKeys: [], at: at(isNode(b.relation) ? b.relation.location : stmt_location) };
        for (const el of list(b.tableElts)) {
          const cd = body(el, 'ColumnDef');
          if (cd) {
            const col = column(t, cd);
            if (col) t.columns.push(col);
          }
          const c = body(el, 'Constraint');
          if (c) tableConstraint(t, c);
        }
        const ps = isNode(b.partspec) ? b.partspec : undefined;
        if (ps) {
          const strategy = String(ps.strategy ?? '').replace('PARTITION_STRATEGY_', '');
          const cols = list(ps.partParams).map((p) => body(p, 'PartitionElem')).map((p) => (typeof p?.name === 'string' ? p.name : '(expression)'));
          t.partitioning = `${strategy} (${cols.join(', ')})`;
        }
        if (t.primaryKey.length) for (const c of t.columns) if (t.primaryKey.includes(c.name)) c.notNull = true;
        tables.set(key(r.schema, r.name), t);
        break;
      }
      case 'AlterTableStmt': {
        const r = rel(b.relation);
        const t = r && tables.get(key(r.schema, r.name));
        if (!t) break;
        for (const cmdNode of list(b.cmds)) {
          const cmd = body(cmdNode, 'AlterTableCmd');
          if (!cmd) continue;
          const target = t.columns.find((c) => c.name === cmd.name);
          switch (cmd.subtype) {
            case 'AT_AddConstraint': {
              const c = body(cmd.def, 'Constraint');
              if (c) tableConstraint(t, c);
              if (c?.contype === 'CONSTR_PRIMARY') for (const col of t.columns) if (t.primaryKey.includes(col.name)) col.notNull = true;
              break;
            }
            case 'AT_AddColumn': {
              const cd = body(cmd.def, 'ColumnDef');
              const col = cd && column(t, cd);
              if (col) t.columns.push(col);
              break;
            }
            case 'AT_SetNotNull':
              if (target) target.notNull = true;
              break;
            case 'AT_DropNotNull':
              if (target) target.notNull = false;
              break;
            case 'AT_ColumnDefault':
              if (target) {
                if (cmd.def === undefined) delete target.default;
                else target.default = pgExpr(cmd.def);
              }
              break;
            case 'AT_AddIdentity':
              if (target) target.identity = true;
              break;
            case 'AT_ReplicaIdentity': {
              const ri = body(cmd.def, 'ReplicaIdentityStmt');
              const kinds: Record<string, RawPgTable['replicaIdentity']> = { d: 'default', f: 'full', n: 'nothing', i: 'index' };
              const k = typeof ri?.identity_type === 'string' ? kinds[ri.identity_type] : undefined;
              if (k) t.replicaIdentity = k;
              break;
            }
            default:
              break;
          }
        }
        break;
      }
      case 'IndexStmt': {
        const r = rel(b.relation);
        const t = r && tables.get(key(r.schema, r.name));
        if (!t || b.unique !== true || b.whereClause) break;
        const cols = list(b.indexParams).map((p) => body(p, 'IndexElem')).map((p) => (typeof p?.name === 'string' ? p.name : undefined));
        if (cols.length && cols.every((c): c is string => c !== undefined)) t.uniques.push(cols);
        break;
      }
      case 'CommentStmt': {
        const items = names(body(b.object, 'List')?.items ?? (isNode(b.object) ? [b.object] : []));
        const comment = typeof b.comment === 'string' ? b.comment : undefined;
        if (b.objtype === 'OBJECT_TABLE' && items.length) {
          const t = tables.get(key(items.length > 1 ? items[items.length - 2] : undefined, items[items.length - 1]!));
          if (t) {
            if (comment === undefined) delete t.comment;
            else t.comment = comment;
          }
        }
        if (b.objtype === 'OBJECT_COLUMN' && items.length >= 2) {
          const t = tables.get(key(items.length > 2 ? items[items.length - 3] : undefined, items[items.length - 2]!));
          const c = t?.columns.find((x) => x.name === items[items.length - 1]);
          if (c) {
            if (comment === undefined) delete c.comment;
            else c.comment = comment;
          }
        }
        break;
      }
      default:
        break;
    }
  }
  const assembled = assemblePg([...tables.values()], users);
  diagnostics.push(...assembled.diagnostics);
  return { format: 'postgres', label: file, server: { kind: 'postgres' }, tables: assembled.tables, diagnostics };
}
