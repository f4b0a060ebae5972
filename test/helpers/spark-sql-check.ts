/**
 * A Spark SQL type checker for the SQL of the generated jobs. dt-sql-parser's SparkSQL grammar parses each query;
 * the checker then infers the type of every expression bottom-up from the declared schemas of the views it
 * reads, and checks every function call and operator against Spark's own rules as test/facts/spark/ records
 * them (functions.json, coercion.json): ExpectsInputTypes takes exact types, ImplicitCastInputTypes gets the
 * analyzer's implicit casts of the version and ANSI mode, CAST is allowed by eval mode, and a cast that fails on
 * a value at run time (it raises under ANSI, wraps under LEGACY) is reported too. A function or construct the
 * facts do not cover is an error: the facts must grow with the jobs.
 *
 * It is a checker, not an analyzer: it covers the SELECT / FROM / WHERE / WINDOW subset the jobs use, and refuses
 * the rest by name.
 */
import { SparkSQL } from 'dt-sql-parser';
import { SparkSqlParser } from 'dt-sql-parser/dist/lib/spark/SparkSqlParser.js';
import { accepts, canCast, castFailure, expected, functionFact, implicitCast, readFacts, showExpected, tightestCommonType, widerType, type Expected, type FunctionFact, type Mode } from './spark-facts.js';
import { asNullable, decimal, fromDdl, isNumeric, parseDdl, sameType, show, t, type SparkType } from './spark-types.js';

export interface Column {
  name: string;
  type: SparkType;
  qualifier?: string;
  /** its expression had an error already reported: uses of it report nothing more */
  unknown?: boolean;
}

/** A problem found in a SQL text, at a line and column of that text (1-based). */
export interface SqlProblem {
  line: number;
  col: number;
  message: string;
}

/** A function the job's Python defines outside SQL (from_avro with its schema): typed by the caller. */
export type ExtraFunction = (args: Typed[], at: Node) => Typed;

export interface CheckContext {
  mode: Mode;
  views: ReadonlyMap<string, Column[]>;
  extraFunctions?: ReadonlyMap<string, ExtraFunction>;
}

export interface Typed {
  type: SparkType;
  /** the value of a literal (a foldable constant) */
  literal?: { value: string | number | boolean | null };
  /** the output column name Spark gives the expression when it has no alias */
  name?: string;
  /** an error was already reported inside: uses of it report nothing more */
  unknown?: boolean;
  lambda?: { params: string[]; body: Node };
}

// ---------------------------------------------------------------------------------------------- parse tree

interface Token {
  text: string;
  line: number;
  column: number;
  type: number;
}
export interface Node {
  children?: Node[] | null;
  ruleIndex?: number;
  symbol?: Token;
  start?: Token | null;
  getText(): string;
}

const RULES = SparkSqlParser.ruleNames;
const rule = (n: Node | undefined) => (n && n.symbol === undefined && n.ruleIndex !== undefined ? RULES[n.ruleIndex] : undefined);
const kids = (n: Node): Node[] => n.children ?? [];
const isTok = (n: Node | undefined, text?: string) => !!n && n.symbol !== undefined && (text === undefined || n.symbol.text.toUpperCase() === text);
const ruleKids = (n: Node, name: string) => kids(n).filter((c) => rule(c) === name);
const ruleKid = (n: Node, name: string) => kids(n).find((c) => rule(c) === name);
const posOf = (n: Node): { line: number; col: number } => {
  const tok = n.symbol ?? n.start;
  return tok ? { line: tok.line, col: tok.column + 1 } : { line: 1, col: 1 };
};

class CheckError extends Error {
  constructor(
    readonly at: Node,
    message: string,
  ) {
    super(message);
  }
}

const TYPE = (x: SparkType) => show(x, true);

/** The text of an identifier node: backquotes removed and `` unescaped. */
function identText(n: Node): string {
  const raw = n.getText();
  if (rule(n) === 'errorCapturingIdentifier') {
    const extra = ruleKid(n, 'errorCapturingIdentifierExtra');
    if (extra && kids(extra).length) throw new CheckError(n, `${raw} is not a valid identifier (a '-' in a name needs backquotes)`);
    return identText(ruleKid(n, 'identifier')!);
  }
  if (raw.startsWith('`')) return raw.slice(1, -1).replace(/``/g, '`');
  if (raw.startsWith('"')) throw new CheckError(n, `${raw} is a string, not an identifier, unless spark.sql.ansi.doubleQuotedIdentifiers is set`);
  return raw;
}

/** Spark SQL string literal text → value (backslash escapes processed, as spark.sql.parser.escapedStringLiterals=false). */
function unescapeSparkString(lit: string): string {
  const body = lit.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|[0-7]{3}|.)/g, (_m, c: string) => {
    if (c.length === 5 && c[0] === 'u') return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]{3}$/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a', '%': '\\%', _: '\\_' } as Record<string, string>)[c] ?? c;
  });
}

// ---------------------------------------------------------------------------------------------- the checker

interface Scope {
  columns: Column[];
  lambdas?: Map<string, SparkType>;
  windows?: Map<string, Node>;
  /** where window functions and aggregates may appear (a SELECT list) */
  windowsAllowed: boolean;
  /** where an aggregate without OVER may appear (a SELECT list: the whole query is then one group) */
  aggregatesAllowed?: boolean;
}

const sparkSql = new SparkSQL();

/** Parses a SQL text with dt-sql-parser's SparkSQL grammar; syntax errors are problems. */
export function parseSpark(sql: string): { tree?: Node; problems: SqlProblem[] } {
  const problems: SqlProblem[] = [];
  const tree = sparkSql.parse(sql, (e) => problems.push({ line: e.startLine, col: e.startColumn, message: `syntax: ${e.message}` })) as unknown as Node;
  return problems.length ? { problems } : { tree, problems };
}

export class SparkSqlChecker {
  readonly problems: SqlProblem[] = [];
  constructor(readonly ctx: CheckContext) {}

  private report(at: Node, message: string) {
    const p = posOf(at);
    if (!this.problems.some((x) => x.line === p.line && x.col === p.col && x.message === message)) this.problems.push({ ...p, message });
  }

  /** The output columns of a parsed single query statement. */
  query(program: Node): Column[] {
    const stmts = this.find(program, 'singleStatement');
    if (stmts.length !== 1) throw new Error('expected exactly one statement');
    const q = this.find(stmts[0]!, 'query')[0];
    if (!q) {
      this.report(stmts[0]!, 'not a query: the checker covers SELECT statements only');
      return [];
    }
    return this.queryNode(q);
  }

  /** The type of one expression over the given columns (for the DataFrame calls of a job). */
  typeOf(program: Node, columns: Column[]): Typed | undefined {
    const spec = this.find(program, 'querySpecification')[0];
    const item = spec && this.find(spec, 'namedExpression')[0];
    if (!item) return undefined;
    try {
      return this.namedExpression(item, { columns, windowsAllowed: false })[0];
    } catch (e) {
      if (e instanceof CheckError) this.report(e.at, e.message);
      else throw e;
      return undefined;
    }
  }

  private find(n: Node, name: string): Node[] {
    if (rule(n) === name) return [n];
    return kids(n).flatMap((c) => this.find(c, name));
  }

  private queryNode(q: Node): Column[] {
    if (ruleKid(q, 'ctes')) this.report(q, 'WITH (common table expressions) is not covered by the checker');
    const org = ruleKid(q, 'queryOrganization');
    if (org && kids(org).length) this.report(org, 'ORDER BY / LIMIT / CLUSTER BY after a query is not covered by the checker');
    const term = ruleKid(q, 'queryTerm')!;
    if (kids(term).length !== 1 || rule(kids(term)[0]) !== 'queryPrimary') {
      this.report(term, 'set operations (UNION, INTERSECT, EXCEPT) are not covered by the checker');
      return [];
    }
    const primary = kids(term)[0]!;
    const spec = ruleKid(primary, 'querySpecification');
    if (spec) return this.querySpecification(spec);
    const inner = ruleKid(primary, 'query');
    if (inner) return this.queryNode(inner);
    this.report(primary, 'this form of query is not covered by the checker');
    return [];
  }

  private querySpecification(spec: Node): Column[] {
    for (const c of kids(spec)) {
      const r = rule(c);
      if (r && !['selectClause', 'fromClause', 'whereClause', 'windowClause'].includes(r)) this.report(c, `${r} is not covered by the checker`);
    }
    const from = ruleKid(spec, 'fromClause');
    const columns: Column[] = from ? this.fromClause(from) : [];
    const windows = new Map<string, Node>();
    const wc = ruleKid(spec, 'windowClause');
    if (wc) {
      const names = ruleKids(wc, 'errorCapturingIdentifier');
      const specs = ruleKids(wc, 'windowSpec');
      names.forEach((n, i) => windows.set(identText(n).toLowerCase(), specs[i]!));
    }
    const where = ruleKid(spec, 'whereClause');
    if (where) {
      const cond = this.guard(() => this.booleanExpression(ruleKid(where, 'booleanExpression')!, { columns, windows, windowsAllowed: false }));
      if (cond && !cond.unknown && cond.type.kind !== 'boolean' && cond.type.kind !== 'void') this.report(where, `WHERE needs a BOOLEAN condition, got ${TYPE(cond.type)}`);
    }
    const select = ruleKid(spec, 'selectClause')!;
    if (ruleKid(select, 'setQuantifier')) this.report(select, 'SELECT DISTINCT is not covered by the checker');
    const items = this.find(ruleKid(select, 'selectList')!, 'namedExpression');
    this.oneGroup(items);
    const out: Column[] = [];
    for (const item of items) {
      const typed = this.guard(() => this.namedExpression(item, { columns, windows, windowsAllowed: true, aggregatesAllowed: true }));
      if (!typed) {
        const alias = ruleKid(item, 'errorCapturingIdentifier');
        const plain = ruleKid(item, 'selectLiteralColumnName');
        const ids = plain ? this.find(plain, 'errorCapturingIdentifier') : [];
        out.push({ name: alias ? identText(alias) : ids.length ? identText(ids[ids.length - 1]!) : item.getText(), type: t('void'), unknown: true });
        continue;
      }
      for (const x of typed) out.push({ name: x.name ?? item.getText(), type: x.type, unknown: x.unknown });
    }
    return out;
  }

  /** An aggregate without OVER makes the query one group (no GROUP BY): every column read must then be inside one. */
  private oneGroup(items: Node[]) {
    const isAggregate = (n: Node) => {
      if (rule(n) !== 'primaryExpression' || rule(kids(n)[0]) !== 'functionName' || kids(n).some((x) => isTok(x, 'OVER'))) return false;
      return !!functionFact(this.find(kids(n)[0]!, 'identifier').map(identText).join('.').toLowerCase())?.aggregate;
    };
    const aggregates = items.flatMap((i) => this.find(i, 'primaryExpression').filter(isAggregate));
    if (!aggregates.length) return;
    const bare = (n: Node): Node[] => (isAggregate(n) ? [] : rule(n) === 'columnNamePath' || rule(n) === 'selectLiteralColumnName' ? [n] : kids(n).flatMap(bare));
    for (const item of items) for (const c of bare(item)) this.report(c, `MISSING_GROUP_BY: ${c.getText()} is read outside an aggregate in a query that aggregates without GROUP BY`);
  }

  private guard<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (e instanceof CheckError) {
        this.report(e.at, e.message);
        return undefined;
      }
      throw e;
    }
  }

  private fromClause(from: Node): Column[] {
    const rels = ruleKids(from, 'relation');
    if (rels.length !== 1 || kids(from).some((c) => rule(c) === 'lateralView' || rule(c) === 'pivotClause' || rule(c) === 'unPivotClause')) {
      this.report(from, 'joins, several relations, LATERAL VIEW and PIVOT are not covered by the checker');
      return [];
    }
    const rel = rels[0]!;
    const tableName = ruleKid(rel, 'tableName');
    if (tableName) return this.view(tableName, undefined);
    const primary = ruleKid(rel, 'relationPrimary');
    const joins = ruleKids(rel, 'joinRelation');
    if (!primary || kids(rel).length !== 1 + joins.length) {
      this.report(rel, 'this form of relation is not covered by the checker');
      return [];
    }
    const columns = this.relationPrimary(primary);
    // CROSS JOIN only: every row of the left side with every row of the right (the jobs join a one-row aggregate)
    for (const j of joins) {
      const type = ruleKid(j, 'joinType');
      if (!type || type.getText().toUpperCase() !== 'CROSS' || ruleKid(j, 'joinCriteria')) {
        this.report(j, 'joins other than CROSS JOIN are not covered by the checker');
        return [];
      }
      const right = ruleKid(j, 'relationPrimary');
      if (!right) {
        this.report(j, 'this form of join is not covered by the checker');
        return [];
      }
      columns.push(...this.relationPrimary(right));
    }
    return columns;
  }

  private relationPrimary(primary: Node): Column[] {
    const alias = ruleKid(primary, 'tableAlias');
    const aliasName = alias && ruleKid(alias, 'strictIdentifier') ? identText(ruleKid(alias, 'strictIdentifier')!) : undefined;
    if (alias && ruleKid(alias, 'identifierList')) this.report(alias, 'column aliases on a relation are not covered by the checker');
    const sub = ruleKid(primary, 'atomSubQueryTableSource');
    if (sub) {
      const cols = this.queryNode(ruleKid(sub, 'query')!);
      return cols.map((c) => ({ ...c, qualifier: aliasName }));
    }
    const tn = ruleKid(primary, 'tableName') ?? ruleKid(primary, 'viewName');
    if (tn) return this.view(tn, aliasName);
    this.report(primary, 'this kind of relation is not covered by the checker');
    return [];
  }

  private view(tn: Node, alias: string | undefined): Column[] {
    const parts = this.find(tn, 'errorCapturingIdentifier').map(identText);
    if (parts.length !== 1) {
      this.report(tn, `${parts.join('.')}: only temporary views are known to the checker`);
      return [];
    }
    const cols = this.ctx.views.get(parts[0]!.toLowerCase());
    if (!cols) {
      this.report(tn, `TABLE_OR_VIEW_NOT_FOUND: ${parts[0]} is not a view the job creates before this query`);
      return [];
    }
    return cols.map((c) => ({ ...c, qualifier: alias ?? parts[0] }));
  }

  private namedExpression(item: Node, scope: Scope): Typed[] {
    const star = ruleKid(item, 'tableAllColumns');
    if (star) {
      const q = this.find(star, 'identifier').map((n) => identText(n).toLowerCase());
      const cols = q.length ? scope.columns.filter((c) => c.qualifier?.toLowerCase() === q[q.length - 1]) : scope.columns;
      if (q.length && !cols.length) throw new CheckError(star, `${star.getText()}: no relation ${q.join('.')}`);
      return cols.map((c) => ({ type: c.type, name: c.name, unknown: c.unknown }));
    }
    const body = ruleKid(item, 'selectLiteralColumnName') ?? ruleKid(item, 'selectExpressionColumnName')!;
    let typed: Typed;
    if (rule(body) === 'selectLiteralColumnName') {
      const ids = this.find(body, 'errorCapturingIdentifier');
      typed = this.columnRef(ids, body, scope);
    } else typed = this.expression(ruleKid(body, 'expression')!, scope);
    const alias = ruleKid(item, 'errorCapturingIdentifier');
    if (ruleKid(item, 'identifierList')) throw new CheckError(item, 'multi-column aliases are not covered by the checker');
    return [{ ...typed, name: alias ? identText(alias) : (typed.name ?? body.getText()) }];
  }

  // -------------------------------------------------------------------------------------------- expressions

  private expression(e: Node, scope: Scope): Typed {
    if (rule(e) === 'expression') return this.booleanExpression(kids(e)[0]!, scope);
    if (rule(e) === 'booleanExpression') return this.booleanExpression(e, scope);
    if (rule(e) === 'valueExpression') return this.valueExpression(e, scope);
    throw new CheckError(e, `unexpected ${rule(e)}`);
  }

  private booleanExpression(b: Node, scope: Scope): Typed {
    const c = kids(b);
    if (isTok(c[0], 'NOT') || isTok(c[0], '!')) {
      const x = this.booleanExpression(c[1]!, scope);
      return this.callFact('NOT', this.operator('NOT'), [x], [c[1]!], b);
    }
    if (isTok(c[0], 'EXISTS')) throw new CheckError(b, 'EXISTS subqueries are not covered by the checker');
    if (rule(c[0]) === 'valueExpression') {
      const v = this.valueExpression(c[0]!, scope);
      const pred = c[1];
      return pred ? this.predicate(v, c[0]!, pred, scope) : v;
    }
    if (rule(c[0]) === 'booleanExpression' && (isTok(c[1], 'AND') || isTok(c[1], 'OR'))) {
      const l = this.booleanExpression(c[0]!, scope);
      const r = this.booleanExpression(c[2]!, scope);
      return this.callFact(c[1]!.getText().toUpperCase(), this.operator(c[1]!.getText().toUpperCase()), [l, r], [c[0]!, c[2]!], b);
    }
    throw new CheckError(b, `${b.getText()}: this boolean expression is not covered by the checker`);
  }

  private predicate(v: Typed, vNode: Node, p: Node, scope: Scope): Typed {
    const c = kids(p);
    const words = c.filter((x) => x.symbol).map((x) => x.getText().toUpperCase());
    const not = words[0] === 'NOT' || (words[0] === 'IS' && words[1] === 'NOT');
    const wrapNot = (x: Typed): Typed => (not && words[0] === 'NOT' ? this.callFact('NOT', this.operator('NOT'), [x], [p], p) : x);
    if (words.includes('IS') && words.includes('NULL')) return { type: t('boolean'), unknown: v.unknown };
    if (words.includes('IN')) {
      if (ruleKid(p, 'query')) throw new CheckError(p, 'IN (subquery) is not covered by the checker');
      const list = ruleKids(p, 'expression').map((e) => ({ node: e, typed: this.expression(e, scope) }));
      if (v.unknown || list.some((x) => x.typed.unknown)) return { type: t('boolean'), unknown: true };
      let common: SparkType | undefined = v.type;
      for (const x of list) {
        const w: ReturnType<typeof widerType> = common && widerType(common, x.typed.type, this.ctx.mode);
        if (w?.promotesString && !x.typed.literal && !v.literal) this.report(x.node, `IN compares ${TYPE(v.type)} with ${TYPE(x.typed.type)}: the STRING is cast, which raises on a bad value under ANSI`);
        common = w?.type;
      }
      if (!common) throw new CheckError(p, `DATATYPE_MISMATCH.DATA_DIFF_TYPES: IN compares ${TYPE(v.type)} with (${list.map((x) => TYPE(x.typed.type)).join(', ')})`);
      this.orderable(common, p, 'IN');
      return wrapNot({ type: t('boolean') });
    }
    if (words.includes('RLIKE') || words.includes('REGEXP')) {
      const pattern = ruleKid(p, 'valueExpression')!;
      const pt = this.valueExpression(pattern, scope);
      return wrapNot(this.callFact('RLIKE', this.operator('RLIKE'), [v, pt], [vNode, pattern], p));
    }
    if (words.includes('BETWEEN')) {
      const [lo, hi] = ruleKids(p, 'valueExpression');
      const a = this.comparison(v, this.valueExpression(lo!, scope), lo!, '>=');
      const b = this.comparison(v, this.valueExpression(hi!, scope), hi!, '<=');
      return wrapNot({ type: t('boolean'), unknown: a.unknown || b.unknown });
    }
    throw new CheckError(p, `${words.join(' ')}: this predicate is not in the facts (functions.json)`);
  }

  private orderable(x: SparkType, at: Node, what: string) {
    const has = (y: SparkType): boolean => y.kind === 'map' || (y.kind === 'array' && has(y.element)) || (y.kind === 'struct' && y.fields.some((f) => has(f.type)));
    if (has(x)) throw new CheckError(at, `DATATYPE_MISMATCH.INVALID_ORDERING_TYPE: ${what} on ${TYPE(x)}, which is not orderable`);
  }

  private comparison(l: Typed, r: Typed, at: Node, op: string): Typed {
    if (l.unknown || r.unknown) return { type: t('boolean'), unknown: true };
    const m = this.ctx.mode;
    let common = tightestCommonType(l.type, r.type, m);
    if (!common && isNumeric(l.type) && isNumeric(r.type)) common = widerType(l.type, r.type, m)?.type; // DecimalPrecision
    if (!common && (l.type.kind === 'string' || r.type.kind === 'string')) {
      // PromoteStrings: the STRING side is cast to the other side's type (both modes)
      const [s, other, sTyped] = l.type.kind === 'string' ? [l.type, r.type, l] : [r.type, l.type, r];
      if (other.kind !== 'binary' && other.kind !== 'boolean' && other.kind !== 'string' && s.kind === 'string') {
        common = other;
        if (m.ansi && !sTyped.literal) this.report(at, `${op} compares a STRING with ${TYPE(other)}: the STRING is cast, which raises on a bad value under ANSI`);
      }
    }
    if (!common) throw new CheckError(at, `DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES: ${TYPE(l.type)} ${op} ${TYPE(r.type)}`);
    this.orderable(common, at, op);
    return { type: t('boolean') };
  }

  private valueExpression(v: Node, scope: Scope): Typed {
    const c = kids(v);
    if (c.length === 1 && rule(c[0]) === 'primaryExpression') return this.primary(c[0]!, scope);
    if (c.length === 3 && rule(c[1]) === 'comparisonOperator') {
      const l = this.valueExpression(c[0]!, scope);
      const r = this.valueExpression(c[2]!, scope);
      return this.comparison(l, r, c[1]!, c[1]!.getText());
    }
    if (c.length === 3 && isTok(c[1], '/')) {
      const l = this.valueExpression(c[0]!, scope);
      const r = this.valueExpression(c[2]!, scope);
      if (l.unknown || r.unknown) return { type: t('double'), unknown: true };
      if (l.type.kind === 'decimal' || r.type.kind === 'decimal') throw new CheckError(c[1]!, 'a DECIMAL division is typed by DecimalPrecision, which the checker does not model');
      for (const [x, n] of [
        [l, c[0]!],
        [r, c[2]!],
      ] as const)
        if (!isNumeric(x.type) && x.type.kind !== 'void') throw new CheckError(n, `DATATYPE_MISMATCH: / needs numeric operands, got ${TYPE(x.type)}`);
      return { type: t('double') };
    }
    const op = c.find((x) => x.symbol)?.getText() ?? v.getText();
    throw new CheckError(v, `the operator ${op} is not in the facts (functions.json)`);
  }

  private primary(p: Node, scope: Scope): Typed {
    const c = kids(p);
    const first = c[0]!;
    const r = rule(first);
    if (r === 'constant') return this.constant(first);
    if (r === 'columnNamePath') return this.columnRef(this.find(first, 'errorCapturingIdentifier'), first, scope);
    if (isTok(first, '(') && c.length === 3 && rule(c[1]) === 'expression') return this.expression(c[1]!, scope);
    if (isTok(first, 'CASE')) return this.caseWhen(p, scope);
    if (isTok(first, 'CAST') || isTok(first, 'TRY_CAST')) return this.cast(p, scope, isTok(first, 'TRY_CAST'));
    if (r === 'primaryExpression' && isTok(c[1], '.')) {
      const base = this.primary(first, scope);
      return this.field(base, identText(c[2]!), c[2]!);
    }
    if (r === 'functionName') return this.functionCall(p, scope);
    if (isTok(first, 'SUBSTR') || isTok(first, 'SUBSTRING')) {
      const args = ruleKids(p, 'valueExpression');
      return this.callFact('substring', functionFact('substring')!, args.map((a) => this.valueExpression(a, scope)), args, p);
    }
    if (r === 'identifier' && isTok(c[1], '->')) throw new CheckError(p, 'a lambda function is only valid as a function argument');
    throw new CheckError(p, `${p.getText().slice(0, 60)}: this expression is not covered by the checker`);
  }

  private constant(k: Node): Typed {
    const c = kids(k);
    const f = c[0]!;
    if (isTok(f, 'NULL')) return { type: t('void'), literal: { value: null }, name: 'NULL' };
    if (rule(f) === 'booleanValue') return { type: t('boolean'), literal: { value: f.getText().toLowerCase() === 'true' }, name: f.getText().toLowerCase() };
    if (rule(f) === 'stringLit') {
      const value = c.map((s) => unescapeSparkString(s.getText())).join('');
      return { type: t('string'), literal: { value }, name: value };
    }
    if (rule(f) === 'number') return this.number(f);
    if (rule(f) === 'literalType') {
      const kind = f.getText().toUpperCase();
      const text = unescapeSparkString(c[1]!.getText());
      if (kind === 'DATE') {
        if (!/^\s*[+-]?\d{4,7}(-\d{1,2}(-\d{1,2}([T ].*)?)?)?\s*$/.test(text)) throw new CheckError(k, `DATE ${c[1]!.getText()} does not parse as a date (cannotParseValueTypeError)`);
        return { type: t('date'), literal: { value: text } };
      }
      if (kind === 'TIMESTAMP' || kind === 'TIMESTAMP_LTZ' || kind === 'TIMESTAMP_NTZ') {
        if (!/^\s*[+-]?\d{4,7}(-\d{1,2}(-\d{1,2})?)?([T ]\d{1,2}(:\d{1,2}(:\d{1,2}(\.\d{1,9})?)?)?)?\s*(Z|[+-]\d{1,2}(:?\d{2})?|[A-Za-z_/]+)?\s*$/.test(text)) throw new CheckError(k, `${kind} ${c[1]!.getText()} does not parse as a timestamp`);
        return { type: t(kind === 'TIMESTAMP_NTZ' ? 'timestamp_ntz' : 'timestamp'), literal: { value: text } };
      }
      throw new CheckError(k, `${kind} literals are not in the facts (functions.json literals)`);
    }
    throw new CheckError(k, `${k.getText()}: this constant is not in the facts (functions.json literals)`);
  }

  private number(n: Node): Typed {
    const text = n.getText();
    const m = /^(-?)(\d*\.?\d*(?:[eE][+-]?\d+)?)(BD|[LSYDF])?$/i.exec(text);
    if (!m) throw new CheckError(n, `${text}: this number literal is not in the facts`);
    const [, sign, digits, suffix] = m;
    const value = Number(`${sign}${digits}`);
    if (suffix) {
      const kind = { L: 'bigint', S: 'smallint', Y: 'tinyint', D: 'double', F: 'float', BD: 'decimal' }[suffix.toUpperCase()]!;
      return { type: kind === 'decimal' ? this.decimalOf(digits!) : parseDdl(kind), literal: { value } };
    }
    if (/[eE]/.test(digits!)) return { type: t('double'), literal: { value } };
    if (digits!.includes('.')) return { type: this.decimalOf(digits!), literal: { value } };
    const big = BigInt(`${sign}${digits}`);
    if (big >= -(2n ** 31n) && big < 2n ** 31n) return { type: t('int'), literal: { value } };
    if (big >= -(2n ** 63n) && big < 2n ** 63n) return { type: t('bigint'), literal: { value } };
    return { type: decimal(Math.min(digits!.replace(/^0+/, '').length, 38), 0), literal: { value } };
  }

  private decimalOf(digits: string): SparkType {
    const [i = '', f = ''] = digits.split('.');
    const unscaled = `${i}${f}`.replace(/^0+/, '') || '0';
    const scale = f.length;
    return decimal(Math.max(unscaled.length, scale, 1), scale);
  }

  /** Resolves a (dotted) column name: a lambda variable, a column (qualified or not), then struct fields. */
  private columnRef(ids: Node[], at: Node, scope: Scope): Typed {
    // dt-sql-parser reads a lone TRUE, FALSE or NULL select item as a column name; Spark's grammar tries constants first
    const lone = ids.length === 1 ? ids[0]!.getText() : '';
    if (/^(true|false)$/i.test(lone)) return { type: t('boolean'), literal: { value: lone.toLowerCase() === 'true' }, name: lone.toLowerCase() };
    if (/^null$/i.test(lone)) return { type: t('void'), literal: { value: null }, name: 'NULL' };
    const parts = ids.map(identText);
    const lower = parts.map((p) => p.toLowerCase());
    const lam = scope.lambdas?.get(lower[0]!);
    let base: Typed;
    let rest: number;
    if (lam) {
      base = { type: lam, name: parts[0] };
      rest = 1;
    } else {
      const qualified = parts.length > 1 ? scope.columns.filter((c) => c.qualifier?.toLowerCase() === lower[0] && c.name.toLowerCase() === lower[1]) : [];
      const plain = scope.columns.filter((c) => c.name.toLowerCase() === lower[0]);
      const [hits, used] = qualified.length ? [qualified, 2] : [plain, 1];
      if (hits.length === 0) throw new CheckError(at, `UNRESOLVED_COLUMN: ${parts.join('.')} is not a column of ${scope.columns.length ? `(${scope.columns.map((c) => c.name).join(', ')})` : 'the input (no relation)'}`);
      if (hits.length > 1) throw new CheckError(at, `AMBIGUOUS_REFERENCE: ${parts.slice(0, used).join('.')} matches ${hits.length} columns (names resolve case-insensitively)`);
      base = { type: hits[0]!.type, name: hits[0]!.name, unknown: hits[0]!.unknown };
      rest = used;
    }
    for (let i = rest; i < parts.length; i++) base = this.field(base, parts[i]!, ids[i]!);
    return base;
  }

  private field(base: Typed, name: string, at: Node): Typed {
    if (base.unknown) return base;
    if (base.type.kind !== 'struct') throw new CheckError(at, `INVALID_EXTRACT_BASE_FIELD_TYPE: .${name} on ${TYPE(base.type)}, which is not a STRUCT`);
    const hits = base.type.fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
    if (hits.length === 0) throw new CheckError(at, `FIELD_NOT_FOUND: no field ${name} in ${base.name ?? 'the struct'}, whose fields are ${base.type.fields.map((f) => f.name).join(', ')}`);
    if (hits.length > 1) throw new CheckError(at, `AMBIGUOUS_REFERENCE_TO_FIELDS: ${name} matches ${hits.length} fields`);
    return { type: hits[0]!.type, name: hits[0]!.name };
  }

  private caseWhen(p: Node, scope: Scope): Typed {
    if (rule(kids(p)[1]) === 'expression') throw new CheckError(p, 'CASE <value> WHEN ... (simple CASE) is not covered by the checker');
    const whens = ruleKids(p, 'whenClause');
    const values: Array<{ typed: Typed; node: Node }> = [];
    let unknown = false;
    for (const w of whens) {
      const [cond, val] = ruleKids(w, 'expression');
      const ct = this.expression(cond!, scope);
      if (!ct.unknown && ct.type.kind !== 'boolean' && ct.type.kind !== 'void') this.report(cond!, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: a WHEN condition must be BOOLEAN, got ${TYPE(ct.type)}`);
      const vt = this.expression(val!, scope);
      unknown ||= !!ct.unknown || !!vt.unknown;
      values.push({ typed: vt, node: val! });
    }
    const elseNode = ruleKids(p, 'expression')[0];
    if (elseNode) values.push({ typed: this.expression(elseNode, scope), node: elseNode });
    if (unknown || values.some((v) => v.typed.unknown)) return { type: values[0]?.typed.type ?? t('void'), unknown: true };
    return { type: this.common(values, p, 'CASE WHEN') };
  }

  /** CaseWhenCoercion / FunctionArgumentConversion: the wider common type of the values, which must exist. */
  private common(values: Array<{ typed: Typed; node: Node }>, at: Node, what: string): SparkType {
    let common: SparkType | undefined = t('void');
    for (const v of values) {
      const w: ReturnType<typeof widerType> = common && widerType(common, v.typed.type, this.ctx.mode);
      if (w?.promotesString && !v.typed.literal) this.report(v.node, `${what} mixes STRING with ${TYPE(common!)}: the STRING is cast, which raises on a bad value under ANSI`);
      common = w?.type;
    }
    if (!common) throw new CheckError(at, `DATATYPE_MISMATCH.DATA_DIFF_TYPES: ${what} mixes ${values.map((v) => TYPE(v.typed.type)).join(', ')}`);
    return common;
  }

  private cast(p: Node, scope: Scope, isTry: boolean): Typed {
    const inner = this.expression(ruleKid(p, 'expression')!, scope);
    const dt = ruleKid(p, 'dataType')!;
    let target: SparkType;
    try {
      target = parseDdl(this.ddlText(dt));
    } catch (e) {
      throw new CheckError(dt, (e as Error).message);
    }
    if (inner.unknown) return { type: target, unknown: true };
    const m = this.ctx.mode;
    const evalMode = isTry ? 'TRY' : m.ansi ? 'ANSI' : 'LEGACY';
    const name = isTry ? 'TRY_CAST' : 'CAST';
    if (!canCast(inner.type, target, evalMode)) throw new CheckError(p, `DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION: ${name}(${TYPE(inner.type)} AS ${TYPE(target)}) is not allowed (Cast.${evalMode === 'LEGACY' ? 'canCast' : evalMode === 'ANSI' ? 'canAnsiCast' : 'canTryCast'})`);
    const failure = !inner.literal && castFailure(inner.type, target, evalMode);
    if (failure) this.report(p, `CAST(${TYPE(inner.type)} AS ${TYPE(target)}) ${failure}; use TRY_CAST where a bad value must reach the contract checks`);
    return { type: target };
  }

  /** The text of a dataType node with the spaces Spark's type parser needs. */
  private ddlText(n: Node): string {
    const toks: string[] = [];
    const walk = (x: Node) => (x.symbol ? toks.push(x.symbol.text) : kids(x).forEach(walk));
    walk(n);
    return toks.join(' ');
  }

  // -------------------------------------------------------------------------------------------- functions

  private operator(syntax: string): FunctionFact {
    const f = OPERATORS.get(syntax);
    if (!f) throw new Error(`no operator fact for ${syntax}`);
    return f;
  }

  private functionCall(p: Node, scope: Scope): Typed {
    const c = kids(p);
    const fnName = this.find(c[0]!, 'identifier').map(identText).join('.');
    const name = fnName.toLowerCase();
    if (ruleKid(p, 'setQuantifier')) throw new CheckError(p, `${fnName}(DISTINCT ...) is not covered by the checker`);
    if (c.some((x) => isTok(x, 'FILTER'))) throw new CheckError(p, `${fnName}(...) FILTER is not covered by the checker`);
    if (c.some((x) => isTok(x, 'IGNORE') || isTok(x, 'RESPECT'))) throw new CheckError(p, `${fnName}(...) IGNORE/RESPECT NULLS is not covered by the checker`);
    const argNodes = ruleKids(p, 'functionArgument').map((a) => {
      if (ruleKid(a, 'namedArgumentExpression')) throw new CheckError(a, 'named arguments (=>) are not covered by the checker');
      return ruleKid(a, 'expression')!;
    });
    const over = c.findIndex((x) => isTok(x, 'OVER'));
    const extra = this.ctx.extraFunctions?.get(name);
    const fact = functionFact(name);
    if (!fact && !extra) throw new CheckError(c[0]!, `${fnName}: not a function in the facts (test/facts/spark/functions.json); add its signature from Spark's source before the jobs use it`);
    if (extra) return extra(argNodes.map((a) => this.expression(a, scope)), p);
    const f = fact!;
    const isWindowFn = f.typeCheck === 'aggregateWindow';
    if (over >= 0) {
      if (!scope.windowsAllowed) throw new CheckError(p, `${fnName}: window functions are only allowed in a SELECT list`);
      if (!f.aggregate && !isWindowFn) throw new CheckError(p, `${fnName} is not an aggregate or window function, so it cannot take OVER`);
      this.window(c[over + 1]!, f, scope, p);
    } else if (isWindowFn) {
      throw new CheckError(p, `${fnName} is a window function: it needs OVER`);
    } else if (f.aggregate && !scope.aggregatesAllowed) {
      throw new CheckError(p, `${fnName} is an aggregate: without OVER only in a SELECT list, never inside another aggregate or in WHERE`);
    }
    // higher-order functions: the lambda's variable takes the argument's element type
    if (f.typeCheck === 'higherOrder') return this.higherOrder(f, argNodes, p, scope);
    // the arguments of an aggregate (with or without OVER) hold no aggregate
    const inner: Scope = f.aggregate ? { ...scope, aggregatesAllowed: false } : scope;
    const args = argNodes.map((a) => this.expression(a, inner));
    if (f.typeCheck === 'elementAt') return this.elementAt(f, args, argNodes, p);
    return this.callFact(fnName, f, args, argNodes, p);
  }

  private window(spec: Node, f: FunctionFact, scope: Scope, at: Node) {
    let s = spec;
    const named = ruleKid(s, 'errorCapturingIdentifier');
    if (named) {
      const w = scope.windows?.get(identText(named).toLowerCase());
      if (!w) throw new CheckError(named, `MISSING_WINDOW_SPECIFICATION: no window ${identText(named)} in the WINDOW clause`);
      s = w;
    }
    const sub: Scope = { ...scope, windowsAllowed: false };
    for (const e of ruleKids(s, 'expression')) this.guard(() => this.expression(e, sub));
    const order = ruleKid(s, 'orderOrSortByClause');
    if (order)
      for (const item of ruleKids(order, 'sortItem')) {
        const cn = ruleKid(item, 'columnName');
        const typed = this.guard(() => (cn ? this.columnRef(this.find(cn, 'errorCapturingIdentifier'), cn, sub) : this.expression(ruleKid(item, 'expression')!, sub)));
        if (typed && !typed.unknown) this.guard(() => this.orderable(typed.type, item, 'ORDER BY'));
      }
    const frame = ruleKid(s, 'windowFrame');
    if (f.window?.ordered && !order) this.report(at, `${f.name}: the window must be ordered (windowFunctionWithWindowFrameNotOrderedError)`);
    if (f.window && frame && this.ddlText(frame).toUpperCase() !== f.window.frame) this.report(frame, `${f.name} takes the frame ${f.window.frame} only (windowFrameNotMatchRequiredFrameError), got ${this.ddlText(frame).toUpperCase()}`);
  }

  private higherOrder(f: FunctionFact, argNodes: Node[], p: Node, scope: Scope): Typed {
    if (argNodes.length !== 2) throw new CheckError(p, `${f.name} takes an array and a lambda function`);
    const arr = this.expression(argNodes[0]!, scope);
    if (arr.unknown) return { type: t('void'), unknown: true };
    if (arr.type.kind !== 'array') throw new CheckError(argNodes[0]!, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${f.name} needs an ARRAY (${f.class}), got ${TYPE(arr.type)}`);
    const lam = this.find(argNodes[1]!, 'primaryExpression')[0]!;
    const lc = kids(lam);
    const params = lc.filter((x) => rule(x) === 'identifier').map(identText);
    const arrow = lc.findIndex((x) => isTok(x, '->'));
    if (arrow < 0) throw new CheckError(argNodes[1]!, `${f.name}: the second argument must be a lambda function x -> ...`);
    if (params.length !== 1) throw new CheckError(lam, `${f.name}: the checker covers one-parameter lambdas only`);
    const lambdas = new Map(scope.lambdas ?? []);
    lambdas.set(params[0]!.toLowerCase(), arr.type.element);
    const body = this.expression(lc[arrow + 1]!, { ...scope, lambdas, windowsAllowed: false, aggregatesAllowed: false });
    // the lambda's functionType (ArrayExists, ArrayFilter: BooleanType); a NULL literal body is typed NULL
    if (f.lambdaResult && !body.unknown && body.type.kind !== 'void' && !sameType(body.type, parseDdl(f.lambdaResult))) {
      throw new CheckError(lc[arrow + 1]!, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: the lambda of ${f.name} must return ${f.lambdaResult.toUpperCase()}, got ${TYPE(body.type)} (${f.class})`);
    }
    if (f.result === '$lambdaArray') return { type: { kind: 'array', element: body.type, containsNull: true }, unknown: body.unknown };
    if (f.result === '$1') return { type: arr.type, unknown: body.unknown };
    return { type: parseDdl(f.result), unknown: body.unknown };
  }

  /** element_at(array, int) or element_at(map, key) (ElementAt.inputTypes). */
  private elementAt(f: FunctionFact, args: Typed[], argNodes: Node[], at: Node): Typed {
    if (args.length !== 2) throw new CheckError(at, `WRONG_NUM_ARGS: ${f.name} takes 2 arguments (${f.class}), got ${args.length}`);
    const [c, k] = args as [Typed, Typed];
    if (c.unknown || k.unknown) return { type: t('void'), unknown: true };
    if (c.type.kind === 'array') {
      if (!['int', 'smallint', 'tinyint'].includes(k.type.kind)) throw new CheckError(argNodes[1] ?? at, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${f.name} on an ARRAY takes an INT index, got ${TYPE(k.type)}`);
      return { type: c.type.element };
    }
    if (c.type.kind === 'map') {
      if (!tightestCommonType(c.type.key, k.type, this.ctx.mode)) throw new CheckError(argNodes[1] ?? at, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${f.name} key ${TYPE(k.type)} has no common type with the map's key ${TYPE(c.type.key)}`);
      return { type: c.type.value };
    }
    throw new CheckError(argNodes[0] ?? at, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${f.name} parameter 1 requires (ARRAY or MAP), got ${TYPE(c.type)} (${f.class})`);
  }

  /** Checks a call against its fact: arity, argument types by the fact's type check, and the result type. */
  callFact(fnName: string, f: FunctionFact, args: Typed[], argNodes: Node[], at: Node): Typed {
    const specs = f.args;
    const required = specs.filter((s) => !s.optional && !s.variadic).length;
    const variadic = specs.find((s) => s.variadic);
    const maxArgs = variadic ? Infinity : specs.length;
    const minArgs = required + (variadic?.min ?? 0);
    if (args.length < minArgs || args.length > maxArgs) throw new CheckError(at, `WRONG_NUM_ARGS: ${fnName} takes ${minArgs === maxArgs ? minArgs : `${minArgs} to ${maxArgs === Infinity ? 'any number of' : maxArgs}`} arguments (${f.class}), got ${args.length}`);
    const specOf = (i: number) => (i < specs.length && !specs[i]!.variadic ? specs[i]! : variadic ?? specs[specs.length - 1]!);
    if (f.typeCheck === 'namedStruct') return this.namedStruct(fnName, f, args, argNodes, at);
    if (args.some((a) => a.unknown)) return { type: this.resultType(f, args, at, true), unknown: true };
    const m = this.ctx.mode;
    const cast: SparkType[] = [];
    for (const [i, a] of args.entries()) {
      const s = specOf(i);
      const node = argNodes[i] ?? at;
      if (s.literal && !a.literal) throw new CheckError(node, `${fnName}: argument ${i + 1} (${s.name}) must be a literal (${f.class})`);
      if (s.type === 'lambda') continue;
      const e: Expected = expected(s.type);
      const paramIndex = `${i + 1}`;
      if (f.typeCheck === 'ExpectsInputTypes' || f.typeCheck === 'none' || f.typeCheck === 'higherOrder') {
        if (accepts(e, a.type) || (a.type.kind === 'void' && f.typeCheck !== 'none')) {
          cast.push(a.type);
          continue;
        }
        throw new CheckError(node, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${fnName} parameter ${paramIndex} (${s.name}) requires ${showExpected(e)}, got ${TYPE(a.type)}. ${f.class} is ExpectsInputTypes: no implicit cast (${f.file.split('/').pop()})`);
      }
      if (f.typeCheck === 'ImplicitCastInputTypes' || f.typeCheck === 'concat') {
        // ConcatCoercion casts every argument to STRING (implicitCast) unless all are BINARY
        const target = f.typeCheck === 'concat' ? (args.every((x) => x.type.kind === 'binary') ? a.type : (implicitCast(a.type, { concrete: t('string') }, m) ?? a.type)) : implicitCast(a.type, e, m);
        if (!target || !accepts(e, target)) throw new CheckError(node, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${fnName} parameter ${paramIndex} (${s.name}) requires ${showExpected(e)}, got ${TYPE(a.type)}, with no implicit cast from it`);
        const failure = !a.literal && !sameType(target, a.type) && castFailure(a.type, target, m.ansi ? 'ANSI' : 'LEGACY');
        if (failure) this.report(node, `${fnName} parameter ${paramIndex}: the implicit cast ${TYPE(a.type)} → ${TYPE(target)} ${failure}`);
        cast.push(target);
        continue;
      }
      if (f.typeCheck === 'sameType') {
        cast.push(a.type);
        continue;
      }
      throw new Error(`no checker rule for typeCheck ${f.typeCheck} (${f.name})`);
    }
    if (f.typeCheck === 'sameType') {
      const common = this.common(
        args.map((typed, i) => ({ typed, node: argNodes[i] ?? at })),
        at,
        fnName,
      );
      return { type: common };
    }
    if (f.typeCheck === 'concat' && args.length && cast.every((x) => x.kind === 'binary')) return { type: t('binary') };
    return { type: this.resultType(f, args.map((a, i) => ({ ...a, type: cast[i] ?? a.type })), at, false) };
  }

  /** named_struct(name1, value1, ...): names foldable non-NULL STRINGs; a STRUCT of the pairs, itself never NULL. */
  private namedStruct(fnName: string, f: FunctionFact, args: Typed[], argNodes: Node[], at: Node): Typed {
    if (args.length === 0 || args.length % 2 !== 0) throw new CheckError(at, `WRONG_NUM_ARGS: ${fnName} takes 2n (n > 0) arguments (${f.class}), got ${args.length}`);
    const fields: Array<{ name: string; type: SparkType; nullable: boolean }> = [];
    for (let i = 0; i < args.length; i += 2) {
      const name = args[i]!;
      if (name.type.kind !== 'string' || typeof name.literal?.value !== 'string') throw new CheckError(argNodes[i] ?? at, `DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING: argument ${i + 1} of ${fnName} must be a STRING literal`);
      fields.push({ name: name.literal.value, type: args[i + 1]!.type, nullable: true });
    }
    return { type: { kind: 'struct', fields } as SparkType, unknown: args.some((a) => a.unknown) };
  }

  private resultType(f: FunctionFact, args: Typed[], at: Node, lenient: boolean): SparkType {
    const r = f.result;
    if (r === '$array1') return { kind: 'array', element: args[0]?.type ?? t('void'), containsNull: false } as SparkType;
    if (r === '$element1') {
      const a = args[0]?.type;
      if (a?.kind === 'array') return a.element;
      if (lenient) return t('void');
      throw new CheckError(at, `${f.name}: the argument must be an ARRAY`);
    }
    if (r === '$1') return args[0]?.type ?? t('void');
    if (r === '$common') return args[0]?.type ?? t('void');
    if (r === '$schema') {
      const lit = args[1]?.literal?.value;
      if (typeof lit !== 'string') {
        if (lenient) return t('void');
        throw new CheckError(at, `${f.name}: the schema must be a STRING literal (ExprUtils.evalTypeExpr)`);
      }
      let s: SparkType;
      try {
        s = fromDdl(lit);
      } catch (e) {
        throw new CheckError(at, `${f.name}: the schema ${JSON.stringify(lit)} does not parse: ${(e as Error).message}`);
      }
      if (s.kind !== 'struct' && s.kind !== 'array' && s.kind !== 'map') throw new CheckError(at, `DATATYPE_MISMATCH.INVALID_JSON_SCHEMA: ${f.name} needs a STRUCT, ARRAY or MAP schema, got ${TYPE(s)}`);
      return asNullable(s);
    }
    const a = args[0]?.type;
    if (r === '$mapKeys' || r === '$mapValues') {
      if (a?.kind !== 'map') return t('void');
      return { kind: 'array', element: r === '$mapKeys' ? a.key : a.value, containsNull: true };
    }
    if (r === '$mapFromEntries') {
      // an ARRAY of a two-field STRUCT (MapFromEntries.dataTypeDetails)
      if (a?.kind === 'array' && a.element.kind === 'struct' && a.element.fields.length === 2) {
        const k = a.element.fields[0]!;
        const v = a.element.fields[1]!;
        if (k.type.kind === 'map') throw new CheckError(at, `DATATYPE_MISMATCH.INVALID_MAP_KEY_TYPE: ${f.name}: a MAP cannot be a map key`);
        return { kind: 'map', key: k.type, value: v.type, valueContainsNull: v.nullable };
      }
      if (lenient) return t('void');
      throw new CheckError(at, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: ${f.name} parameter 1 requires an ARRAY of pair STRUCT, got ${a ? TYPE(a) : 'nothing'}`);
    }
    return parseDdl(r);
  }

  /** A type check of the jobs' DataFrame conditions: the expression must be BOOLEAN. */
  static isBoolean(x: Typed | undefined): boolean {
    return !x || !!x.unknown || x.type.kind === 'boolean' || x.type.kind === 'void';
  }
}

/** Operators as function facts, keyed by their syntax (the operators of functions.json that list args). */
const OPERATORS = new Map<string, FunctionFact>();
for (const op of readFacts<{ operators: Array<FunctionFact & { syntax: string[] }> }>('functions.json').operators) {
  if (op.args) for (const s of op.syntax) OPERATORS.set(s, { ...op, name: s });
}
