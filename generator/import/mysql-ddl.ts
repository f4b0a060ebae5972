/**
 * MySQL DDL files (mysqldump output, SHOW CREATE TABLE, hand-written, or contractgen's own) → the import
 * description, parsed by a real MySQL grammar: dt-sql-parser's ANTLR MySqlParser (from the grammars-v4 MySQL
 * grammar). Reads CREATE TABLE (columns with NULL/NOT NULL, DEFAULT, AUTO_INCREMENT, COMMENT, GENERATED,
 * PRIMARY KEY, UNIQUE, REFERENCES, CHECK; table PRIMARY KEY, UNIQUE KEY, FOREIGN KEY, CHECK and COMMENT),
 * ALTER TABLE … ADD, CREATE UNIQUE INDEX, CREATE DATABASE and USE; everything else (mysqldump's SET, LOCK,
 * conditional comments …) is skipped.
 *
 * dt-sql-parser's dist is ESM without `"type": "module"` and with extension-less imports, which plain `node`
 * refuses; a resolve hook registered at run time (node:module `register`) maps those imports before the lazy
 * import. Only the MySQL lexer and parser are loaded, never the package's other grammars.
 */
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRef } from '../model/ir.js';
import { applyChecks, columnLosses, literalDefault, readColumnComment, readTableComment, type ParsedCheck } from './assemble.js';
import { diag, positions, type ColumnDesc, type ColumnType, type ForeignKeyDesc, type SourceDescription, type TableDesc } from './describe.js';
import type { Expr } from './expr.js';

// ---------------------------------------------------------------------------------------------- the grammar

interface Token {
  start: number;
  stop: number;
  line: number;
  column: number;
  text?: string;
}
interface Ctx {
  start: Token | null;
  stop: Token | null;
  children: Array<Ctx | Terminal> | null;
}
interface Terminal {
  symbol: Token;
  getText(): string;
}

interface Grammar {
  parse(text: string): { tree: Ctx; errors: Array<{ line: number; col: number; message: string }> };
}

const HOOK = `
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const MARK = '/dt-sql-parser/dist/';
export async function resolve(spec, ctx, next) {
  if (ctx.parentURL && ctx.parentURL.includes(MARK) && (spec.startsWith('./') || spec.startsWith('../'))) {
    const u = new URL(spec, ctx.parentURL);
    const p = fileURLToPath(u);
    if (!existsSync(p) || statSync(p).isDirectory()) {
      return { url: existsSync(p + '.js') ? u.href + '.js' : u.href + '/index.js', format: 'module', shortCircuit: true };
    }
    return { url: u.href, format: 'module', shortCircuit: true };
  }
  return next(spec, ctx);
}
export async function load(url, ctx, next) {
  return next(url, url.includes(MARK) ? { ...ctx, format: 'module' } : ctx);
}`;

let grammar: Promise<Grammar> | undefined;

/** The MySQL grammar, loaded once, on first use. */
export function mysqlGrammar(): Promise<Grammar> {
  grammar ??= (async () => {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('dt-sql-parser'));
    // vitest loads the package through its own transform; plain node needs the hook
    if (!process.env.VITEST) register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    // a real import() (load/dynamic-import.cts) even from the bundled CLI, where import() becomes require(): the
    // grammar is ES modules only, and antlr4ng must be the ES build the grammar itself imports
    // (under vitest, which runs the sources and transforms the package itself, a plain import())
    const importModule: (specifier: string) => Promise<unknown> = process.env.VITEST
      ? (specifier) => import(specifier)
      : (require('../load/dynamic-import.cjs') as { importModule(specifier: string): Promise<unknown> }).importModule;
    const [lexerMod, parserMod, antlr] = await Promise.all([
      importModule(pathToFileURL(join(dist, 'lib', 'mysql', 'MySqlLexer.js')).href) as Promise<{ MySqlLexer: new (input: unknown) => unknown }>,
      importModule(pathToFileURL(join(dist, 'lib', 'mysql', 'MySqlParser.js')).href) as Promise<{ MySqlParser: new (tokens: unknown) => Record<string, unknown> & { program(): Ctx } }>,
      importModule('antlr4ng') as Promise<Record<string, unknown>>,
    ]);
    const { CharStreams, CommonTokenStream, PredictionMode } = antlr as unknown as {
      CharStreams: { fromString(s: string): unknown };
      CommonTokenStream: new (l: unknown) => unknown;
      PredictionMode: { SLL: number; LL: number };
    };
    return {
      parse(text: string) {
        const run = (mode: number) => {
          const errors: Array<{ line: number; col: number; message: string }> = [];
          const listener = {
            syntaxError: (_r: unknown, _s: unknown, line: number, col: number, message: string) => errors.push({ line, col: col + 1, message }),
            reportAmbiguity: () => undefined,
            reportAttemptingFullContext: () => undefined,
            reportContextSensitivity: () => undefined,
          };
          const lexer = new lexerMod.MySqlLexer(CharStreams.fromString(text)) as { removeErrorListeners(): void; addErrorListener(l: unknown): void };
          lexer.removeErrorListeners();
          lexer.addErrorListener(listener);
          const parser = new parserMod.MySqlParser(new CommonTokenStream(lexer)) as unknown as {
            removeErrorListeners(): void;
            addErrorListener(l: unknown): void;
            interpreter: { predictionMode: number };
            program(): Ctx;
          };
          parser.removeErrorListeners();
          parser.addErrorListener(listener);
          parser.interpreter.predictionMode = mode;
          return { tree: parser.program(), errors };
        };
        // SLL is much faster and right for nearly every input; on a syntax error, retry with full LL
        const fast = run(PredictionMode.SLL);
        return fast.errors.length ? run(PredictionMode.LL) : fast;
      },
    };
  })();
  return grammar;
}

// ---------------------------------------------------------------------------------------------- tree helpers

const kind = (c: Ctx | Terminal): string => (isTerminal(c) ? 'T' : c.constructor.name.replace(/Context$/, ''));
const isTerminal = (c: unknown): c is Terminal => typeof c === 'object' && c !== null && 'symbol' in c;
const kids = (c: Ctx): Array<Ctx | Terminal> => c.children ?? [];
const rules = (c: Ctx): Ctx[] => kids(c).filter((x): x is Ctx => !isTerminal(x));
const words = (c: Ctx): string[] => kids(c).filter(isTerminal).map((t) => t.getText().toUpperCase());

function find(c: Ctx, name: string): Ctx | undefined {
  for (const k of rules(c)) {
    if (kind(k) === name) return k;
    const f = find(k, name);
    if (f) return f;
  }
  return undefined;
}
const child = (c: Ctx, name: string): Ctx | undefined => rules(c).find((k) => kind(k) === name);
const childrenNamed = (c: Ctx, name: string): Ctx[] => rules(c).filter((k) => kind(k) === name);

/** `a``b` → a`b, "x" → x, plain → plain. */
function unquoteIdent(s: string): string {
  const t = s.trim();
  if (t.startsWith('`') && t.endsWith('`')) return t.slice(1, -1).replace(/``/g, '`');
  if (t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/""/g, '"');
  return t;
}
/** The last part of a dotted name: `db`.`t` → t; and its qualifier. */
function qualified(s: string): { namespace?: string; name: string } {
  const parts: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (const ch of s.trim()) {
    if (q) {
      cur += ch;
      if (ch === q) q = undefined;
    } else if (ch === '`' || ch === '"') {
      q = ch;
      cur += ch;
    } else if (ch === '.') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const ps = parts.map(unquoteIdent).filter((p) => p !== '');
  return ps.length > 1 ? { namespace: ps[ps.length - 2]!, name: ps[ps.length - 1]! } : { name: ps[0] ?? '' };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a', "'": "'", '"': '"', '\\': '\\' };

/** A MySQL string literal's value: introducers, '' and backslash escapes, adjacent literals. */
export function mysqlStringValue(text: string): string | undefined {
  let s = text.trim().replace(/^_[A-Za-z0-9]+\s*/, '').replace(/^N(?=')/i, '');
  let out = '';
  let any = false;
  while (s.length) {
    const q = s[0];
    if (q !== "'" && q !== '"') return any ? out : undefined;
    any = true;
    let i = 1;
    for (; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === '\\' && i + 1 < s.length) {
        const n = s[i + 1]!;
        out += ESCAPES[n] ?? (n === '%' || n === '_' ? `\\${n}` : n);
        i++;
        continue;
      }
      if (ch === q) {
        if (s[i + 1] === q) {
          out += q;
          i++;
          continue;
        }
        break;
      }
      out += ch;
    }
    s = s.slice(i + 1).trimStart();
  }
  return any ? out : undefined;
}

// ---------------------------------------------------------------------------------------------- expressions

/** ANTLR's character streams count code points; JavaScript strings count UTF-16 units. */
function codePointOffsets(text: string): (cp: number) => number {
  if (!/[\ud800-\udbff]/.test(text)) return (cp) => cp;
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return (cp) => map[Math.max(0, Math.min(cp, map.length - 1))]!;
}

function makeExpr(src: string, unit: (cp: number) => number) {
  const text = (c: Ctx) => (c.start && c.stop ? src.slice(unit(c.start.start), unit(c.stop.stop + 1)) : '');
  const constant = (c: Ctx): Expr => {
    const t = text(c).trim();
    if (t.startsWith('`')) return { k: 'col', name: unquoteIdent(t) };
    const str = mysqlStringValue(t);
    if (str !== undefined) return { k: 'str', v: str };
    if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t.replace(/\s+/g, ''))) return { k: 'num', v: Number(t.replace(/\s+/g, '')) };
    if (/^true$/i.test(t)) return { k: 'bool', v: true };
    if (/^false$/i.test(t)) return { k: 'bool', v: false };
    if (/^null$/i.test(t)) return { k: 'null' };
    return { k: 'other' };
  };
  const expr = (c: Ctx | undefined): Expr => {
    if (!c) return { k: 'other' };
    const rs = rules(c);
    const ws = words(c);
    switch (kind(c)) {
      case 'PredicateExpression':
      case 'ExpressionAtomPredicate':
      case 'FunctionArg':
      case 'FunctionCallExpressionAtom':
      case 'SpecificFunctionCall':
        return rs.length === 1 ? expr(rs[0]) : { k: 'other' };
      case 'NestedExpressionAtom':
        return rs.length === 1 ? expr(rs[0]) : { k: 'other' };
      case 'NotExpression':
        return { k: 'not', arg: expr(rs[0]) };
      case 'LogicalExpression': {
        const op = (rs[1] ? text(rs[1]) : '').toUpperCase();
        const l = expr(rs[0]);
        const r = expr(rs[2]);
        if (op === 'AND' || op === '&&') return { k: 'and', args: [l, r] };
        if (op === 'OR' || op === '||') return { k: 'or', args: [l, r] };
        return { k: 'other' };
      }
      case 'InPredicate': {
        const list = child(c, 'Expressions');
        return list ? { k: 'in', arg: expr(rs[0]), list: rules(list).map(expr), not: ws.includes('NOT') } : { k: 'other' };
      }
      case 'IsNullPredicate':
        return { k: 'isnull', arg: expr(rs[0]), not: /NOT/i.test(text(child(c, 'NullNotNull') ?? c)) };
      case 'BinaryComparisonPredicate': {
        const op = text(rs[1]!).replace(/\s+/g, '');
        return { k: 'op', op: op === '!=' ? '<>' : op, l: expr(rs[0]), r: expr(rs[2]) };
      }
      case 'BetweenPredicate':
        return rs.length === 3 ? { k: 'between', arg: expr(rs[0]), lo: expr(rs[1]), hi: expr(rs[2]), not: ws.includes('NOT') } : { k: 'other' };
      case 'RegexpPredicate':
        return rs.length === 2 ? { k: 'op', op: ws.includes('NOT') ? 'not regexp' : 'regexp', l: expr(rs[0]), r: expr(rs[1]) } : { k: 'other' };
      case 'ConstantExpressionAtom':
      case 'Constant':
        return constant(c);
      case 'ColumnNameExpressionAtom':
      case 'FullColumnNameExpressionAtom':
      case 'FullColumnName':
      case 'ColumnName':
        return { k: 'col', name: qualified(text(c)).name };
      case 'UnaryExpressionAtom': {
        const op = text(rs[0]!).trim();
        const a = expr(rs[1]);
        if (op === '-' && a.k === 'num') return { k: 'num', v: -a.v };
        if (op === '+' && a.k === 'num') return a;
        if (op === '!' || /^not$/i.test(op)) return { k: 'not', arg: a };
        return { k: 'other' };
      }
      case 'UdfFunctionCall':
      case 'ScalarFunctionCall': {
        const fname = child(c, 'FunctionName') ?? child(c, 'ScalarFunctionName') ?? rs[0];
        const args = child(c, 'FunctionArgs');
        return { k: 'call', fn: fname ? qualified(text(fname)).name.toLowerCase() : '', args: args ? rules(args).map(expr) : [] };
      }
      case 'DataTypeFunctionCall': {
        const type = child(c, 'ConvertedDataType');
        const arg = rs.find((r) => r !== type);
        return ws.includes('CAST') && type ? { k: 'cast', arg: expr(arg), type: text(type).toLowerCase() } : { k: 'other' };
      }
      default:
        return { k: 'other' };
    }
  };
  return { expr, text };
}

// ---------------------------------------------------------------------------------------------- types

interface MysqlType {
  type: ColumnType;
  physical: string;
  enum?: string[];
  minimum?: number;
  problem?: { rule: 'IMPORT_TYPE_UNMAPPED' | 'IMPORT_TYPE_LOSSY'; message: string };
}

function splitValues(options: string): string[] {
  const out: string[] = [];
  let s = options.trim().replace(/^\(/, '').replace(/\)$/, '');
  while (s.length) {
    const m = /^\s*(_[A-Za-z0-9]+\s*)?('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")\s*,?/.exec(s);
    if (!m) break;
    out.push(mysqlStringValue(m[2]!) ?? '');
    s = s.slice(m[0].length);
  }
  return out;
}

/** A MySQL column type → the nearest contractgen type. */
export function mysqlType(spelled: string): MysqlType {
  const physical = spelled
    .replace(/\s+(CHARACTER\s+SET|CHARSET)\s+\S+/gi, '')
    .replace(/\s+COLLATE\s+\S+/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  const m = /^([A-Za-z ]+?)\s*(\((.*)\))?((?:\s+(?:unsigned|signed|zerofill))*)$/is.exec(physical);
  const base = (m?.[1] ?? physical).toLowerCase().trim();
  const args = m?.[3];
  const nums = args && /^[\d\s,]+$/.test(args) ? args.split(',').map((x) => Number(x.trim())) : [];
  const unsigned = /unsigned/i.test(m?.[4] ?? '');
  const p = physical.replace(/^[A-Za-z ]+/, (w) => w.toLowerCase());
  const t = (type: ColumnType, extra: Partial<MysqlType> = {}): MysqlType => ({ type, physical: p, ...extra });
  switch (base) {
    case 'bool':
    case 'boolean':
      return t({ kind: 'boolean' });
    case 'tinyint':
      return nums[0] === 1 && !unsigned ? t({ kind: 'boolean' }) : t({ kind: 'int16' }, unsigned ? { minimum: 0 } : {});
    case 'smallint':
      return unsigned ? t({ kind: 'int32' }, { minimum: 0 }) : t({ kind: 'int16' });
    case 'mediumint':
      return t({ kind: 'int32' }, unsigned ? { minimum: 0 } : {});
    case 'int':
    case 'integer':
      return unsigned ? t({ kind: 'int64' }, { minimum: 0 }) : t({ kind: 'int32' });
    case 'bigint':
      return unsigned ? t({ kind: 'decimal', precision: 20, scale: 0 }, { minimum: 0 }) : t({ kind: 'int64' });
    case 'year':
      return t({ kind: 'int16' });
    case 'decimal':
    case 'dec':
    case 'numeric':
    case 'fixed': {
      const [pp = 10, ss = 0] = nums;
      if (pp > 38) return t({ kind: 'decimal' }, { problem: { rule: 'IMPORT_TYPE_LOSSY', message: `${p} is wider than the 38 digits every target holds` } });
      return t({ kind: 'decimal', precision: pp, scale: ss }, unsigned ? { minimum: 0 } : {});
    }
    case 'float':
      return nums.length === 1 && nums[0]! > 24 ? t({ kind: 'float64' }) : t({ kind: 'float32' });
    case 'double':
    case 'double precision':
    case 'real':
      return t({ kind: 'float64' });
    case 'bit':
      return (nums[0] ?? 1) === 1 ? t({ kind: 'boolean' }) : t({ kind: 'bytes' });
    case 'char':
    case 'character':
    case 'nchar':
    case 'national char':
      return nums[0] === 36 ? t({ kind: 'uuid' }) : t({ kind: 'string', maxLength: nums[0] ?? 1 });
    case 'varchar':
    case 'character varying':
    case 'nvarchar':
    case 'national varchar':
      return t({ kind: 'string', ...(nums[0] ? { maxLength: nums[0] } : {}) });
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return t({ kind: 'string' });
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return t({ kind: 'bytes' });
    case 'enum':
      return t({ kind: 'string' }, { enum: splitValues(`(${args ?? ''})`) });
    case 'set':
      return t({ kind: 'string' }, { problem: { rule: 'IMPORT_TYPE_LOSSY', message: `${p} holds a comma-separated set of values; it is kept as a string without its value set` } });
    case 'date':
      return t({ kind: 'date' });
    case 'time':
      return t({ kind: 'time' });
    case 'datetime':
      return t({ kind: 'timestamp_ntz' });
    case 'timestamp':
      return t({ kind: 'timestamp' });
    case 'json':
      return t({ kind: 'json' });
    default:
      return t({ kind: 'string' }, { problem: { rule: 'IMPORT_TYPE_UNMAPPED', message: `type ${p} has no contractgen mapping; the column is kept as a string with physicalType "${p}"` } });
  }
}

/** Every MySQL spelling the mapping knows, for the docs test. */
export const MYSQL_TYPES = [
  'boolean', 'tinyint(1)', 'tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'bigint unsigned', 'year', 'decimal', 'float', 'double', 'bit', 'char(36)', 'char',
  'varchar', 'text', 'binary', 'varbinary', 'blob', 'enum', 'set', 'date', 'time', 'datetime', 'timestamp', 'json',
];

// ---------------------------------------------------------------------------------------------- the reader

interface RawTable {
  namespace?: string;
  name: string;
  comment?: string;
  columns: ColumnDesc[];
  primaryKey: string[];
  uniques: string[][];
  checks: ParsedCheck[];
  foreignKeys: ForeignKeyDesc[];
  options: TableDesc['options'];
  at: SourceRef;
}

export async function readMysqlDdl(file: string, text: string): Promise<SourceDescription> {
  const g = await mysqlGrammar();
  const pos = positions(file, text);
  const { tree, errors } = g.parse(text);
  if (errors.length) {
    return { format: 'mysql', label: file, tables: [], diagnostics: errors.slice(0, 5).map((e) => diag({ file, line: e.line, col: e.col }, 'IMPORT_SYNTAX', `not valid MySQL: ${e.message}`)) };
  }
  const diagnostics: Diagnostic[] = [];
  const unit = codePointOffsets(text);
  const { expr, text: textOf } = makeExpr(text, unit);
  const at = (c: Ctx): SourceRef => pos(unit(c.start?.start ?? 0));
  let database: string | undefined;
  const tables = new Map<string, RawTable>();
  const key = (ns: string | undefined, n: string) => `${(ns ?? database ?? '').toLowerCase()}.${n.toLowerCase()}`;
  const problems = new Map<ColumnDesc, MysqlType['problem']>();
  const unsigned = new Set<ColumnDesc>();

  const checkOf = (c: Ctx): ParsedCheck => {
    const sym = child(c, 'ConstraintSymbol');
    const e = rules(c).find((r) => r !== sym);
    return { ...(sym && child(sym, 'Uid') ? { name: unquoteIdent(textOf(child(sym, 'Uid')!)) } : {}), expr: expr(e), text: e ? textOf(e) : '', at: at(c) };
  };
  const indexColumns = (c: Ctx | undefined): string[] => (c ? childrenNamed(c, 'IndexColumnName').map((x) => unquoteIdent(textOf(rules(x)[0] ?? x))) : []);
  const reference = (cols: string[], ref: Ctx, name?: string): ForeignKeyDesc | undefined => {
    const tn = child(ref, 'TableName');
    if (!tn) return undefined;
    const q = qualified(textOf(tn));
    return { ...(name ? { name } : {}), columns: cols, table: q.name, ...(q.namespace ?? database ? { namespace: q.namespace ?? database } : {}), refColumns: indexColumns(child(ref, 'IndexColumnNames')), at: at(ref) };
  };
  const column = (t: RawTable, nameCtx: Ctx, def: Ctx): ColumnDesc => {
    const typeCtx = rules(def)[0]!;
    const mt = mysqlType(textOf(typeCtx));
    const col: ColumnDesc = {
      name: unquoteIdent(textOf(nameCtx)),
      physicalType: mt.physical,
      type: mt.type,
      nullable: true,
      constraints: mt.enum ? { enum: mt.enum } : {},
      at: at(nameCtx),
    };
    if (mt.problem) problems.set(col, mt.problem);
    if (mt.minimum !== undefined) unsigned.add(col);
    for (const cc of rules(def).slice(1)) {
      switch (kind(cc)) {
        case 'NullColumnConstraint':
          col.nullable = !/NOT/i.test(textOf(cc));
          break;
        case 'DefaultColumnConstraint': {
          const dv = child(cc, 'DefaultValue');
          const dt = dv ? textOf(dv).trim() : '';
          const lit = mysqlStringValue(dt);
          const e: Expr = lit !== undefined ? { k: 'str', v: lit } : /^[-+]?\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(dt) ? { k: 'num', v: Number(dt.replace(/\s+/g, '')) } : /^(true|false)$/i.test(dt) ? { k: 'bool', v: /^true$/i.test(dt) } : /^null$/i.test(dt) ? { k: 'null' } : { k: 'other' };
          const v = literalDefault(e, col.type) ?? coerceDefault(e, col.type);
          if (v !== undefined) col.default = v;
          else if (e.k !== 'null') col.defaultExpression = dt;
          break;
        }
        case 'AutoIncrementColumnConstraint':
          if (/AUTO_INCREMENT/i.test(textOf(cc))) col.identity = true;
          break;
        case 'CommentColumnConstraint': {
          const v = mysqlStringValue(textOf(cc).replace(/^COMMENT\s*/i, ''));
          if (v !== undefined) col.comment = v;
          break;
        }
        case 'GeneratedColumnConstraint':
          col.generated = textOf(cc);
          break;
        case 'PrimaryKeyColumnConstraint':
          t.primaryKey = [col.name];
          col.nullable = false;
          break;
        case 'UniqueKeyColumnConstraint':
          t.uniques.push([col.name]);
          break;
        case 'ReferenceColumnConstraint': {
          const ref = child(cc, 'ReferenceDefinition');
          const fk = ref && reference([col.name], ref);
          if (fk) t.foreignKeys.push(fk);
          break;
        }
        case 'CheckExpr':
        case 'CheckColumnConstraint': {
          const cd = find(cc, 'CheckConstraintDefinition') ?? cc;
          t.checks.push(checkOf(cd));
          break;
        }
        default:
          break;
      }
    }
    return col;
  };
  const definition = (t: RawTable, d: Ctx) => {
    const first = rules(d)[0];
    if (first && kind(first) === 'ColumnNameCreate') {
      const def = child(d, 'ColumnDefinition');
      if (def) t.columns.push(column(t, first, def));
      return;
    }
    const cd = child(d, 'CheckConstraintDefinition');
    if (cd) {
      t.checks.push(checkOf(cd));
      return;
    }
    const ws = words(d);
    const cols = indexColumns(child(d, 'IndexColumnNames'));
    if (ws.includes('PRIMARY')) t.primaryKey = cols;
    else if (ws.includes('FOREIGN')) {
      const ref = child(d, 'ReferenceDefinition');
      const sym = child(d, 'ConstraintSymbol');
      const fk = ref && reference(cols, ref, sym && child(sym, 'Uid') ? unquoteIdent(textOf(child(sym, 'Uid')!)) : undefined);
      if (fk) t.foreignKeys.push(fk);
    } else if (ws.includes('UNIQUE')) t.uniques.push(cols);
  };
  const walk = (c: Ctx) => {
    for (const k of rules(c)) {
      switch (kind(k)) {
        case 'UseStatement': {
          const dn = child(k, 'DatabaseName');
          if (dn) database = unquoteIdent(textOf(dn));
          continue;
        }
        case 'CreateDatabase': {
          const dn = child(k, 'DatabaseNameCreate');
          if (dn) database ??= unquoteIdent(textOf(dn));
          continue;
        }
        case 'ColumnCreateTable': {
          const tn = child(k, 'TableNameCreate');
          if (!tn) continue;
          const q = qualified(textOf(tn));
          const t: RawTable = { ...(q.namespace ?? database ? { namespace: q.namespace ?? database } : {}), name: q.name, columns: [], primaryKey: [], uniques: [], checks: [], foreignKeys: [], options: {}, at: at(tn) };
          const defs = child(k, 'CreateDefinitions');
          for (const d of defs ? childrenNamed(defs, 'CreateDefinition') : []) definition(t, d);
          for (const opt of rules(k)) {
            if (kind(opt) === 'TableOptionComment') {
              const v = mysqlStringValue(textOf(opt).replace(/^COMMENT\s*=?\s*/i, ''));
              if (v !== undefined) t.comment = v;
            }
            if (kind(opt) === 'TableOptionEngine') {
              const e = child(opt, 'EngineName');
              if (e && !/^innodb$/i.test(textOf(e))) t.options.engine = textOf(e);
            }
          }
          for (const col of t.columns) if (t.primaryKey.includes(col.name)) col.nullable = false;
          tables.set(key(q.namespace, q.name), t);
          continue;
        }
        case 'AlterTable': {
          const tn = child(k, 'TableName');
          const q = tn ? qualified(textOf(tn)) : undefined;
          const t = q && tables.get(key(q.namespace, q.name));
          if (!t) continue;
          for (const spec of rules(k)) {
            switch (kind(spec)) {
              case 'AlterByAddCheckTableConstraint': {
                const cd = child(spec, 'CheckConstraintDefinition');
                if (cd) t.checks.push(checkOf(cd));
                break;
              }
              case 'AlterByAddColumn': {
                const n = child(spec, 'ColumnName') ?? child(spec, 'Uid');
                const def = child(spec, 'ColumnDefinition');
                if (n && def) t.columns.push(column(t, n, def));
                break;
              }
              case 'AlterByAddPrimaryKey':
                t.primaryKey = indexColumns(child(spec, 'IndexColumnNames'));
                for (const col of t.columns) if (t.primaryKey.includes(col.name)) col.nullable = false;
                break;
              case 'AlterByAddUniqueKey':
                t.uniques.push(indexColumns(child(spec, 'IndexColumnNames')));
                break;
              case 'AlterByAddForeignKey': {
                const ref = child(spec, 'ReferenceDefinition');
                const fk = ref && reference(indexColumns(child(spec, 'IndexColumnNames')), ref);
                if (fk) t.foreignKeys.push(fk);
                break;
              }
              default:
                break;
            }
          }
          continue;
        }
        case 'CreateIndex': {
          if (!words(k).includes('UNIQUE')) continue;
          const tn = child(k, 'TableName');
          const q = tn ? qualified(textOf(tn)) : undefined;
          const t = q && tables.get(key(q.namespace, q.name));
          if (t) t.uniques.push(indexColumns(child(k, 'IndexColumnNames')));
          continue;
        }
        default:
          walk(k);
      }
    }
  };
  walk(tree);
  const out: TableDesc[] = [];
  for (const t of tables.values()) {
    const label = t.namespace ? `${t.namespace}.${t.name}` : t.name;
    for (const c of t.columns) {
      const p = problems.get(c);
      if (p) diagnostics.push(diag(c.at, p.rule, `${label}.${c.name}: ${p.message}`));
      const comment = readColumnComment(c.comment);
      if (comment.description !== undefined) c.comment = comment.description;
      else delete c.comment;
      if (comment.classification) c.classification = comment.classification;
      if (comment.piiTagged) c.piiSuggested = 'the column comment marks it PII';
    }
    const kept = applyChecks(t.columns, t.checks, 'mysql');
    // UNSIGNED is a lower bound of 0, unless a CHECK states a bound of its own
    for (const c of t.columns) if (unsigned.has(c) && c.constraints.minimum === undefined && c.constraints.exclusiveMinimum === undefined) c.constraints.minimum = 0;
    for (const c of t.columns) diagnostics.push(...columnLosses(c, label));
    const singles = new Set(t.uniques.filter((u) => u.length === 1).map((u) => u[0]!));
    for (const c of t.columns) if (singles.has(c.name) && !(t.primaryKey.length === 1 && t.primaryKey[0] === c.name)) c.unique = true;
    const tc = readTableComment(t.comment);
    out.push({
      name: t.name,
      ...(t.namespace ? { namespace: t.namespace } : {}),
      ...(tc.description !== undefined ? { comment: tc.description } : {}),
      ...(tc.owner ? { owner: tc.owner } : {}),
      columns: t.columns,
      primaryKey: t.primaryKey,
      uniques: t.uniques.filter((u) => u.length > 1),
      foreignKeys: t.foreignKeys,
      checks: kept,
      options: t.options,
      at: t.at,
    });
  }
  return { format: 'mysql', label: file, server: { kind: 'mysql', ...(database ? { database } : {}) }, tables: out, diagnostics };
}

/** mysqldump quotes numeric defaults ('0.00', '1'); a boolean column's default is 0 or 1. */
function coerceDefault(e: Expr, type: ColumnType): string | number | boolean | undefined {
  const v = e.k === 'str' ? e.v : e.k === 'num' ? e.v : undefined;
  if (v === undefined) return undefined;
  if (['int16', 'int32', 'int64', 'float32', 'float64', 'decimal'].includes(type.kind) && String(v).trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (type.kind === 'boolean' && (String(v) === '1' || String(v) === '0')) return String(v) === '1';
  return undefined;
}
