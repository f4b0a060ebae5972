/**
 * Type-checks generated PySpark jobs as Spark would analyze them, for Spark 3.5 and 4.0 with ANSI mode off and on.
 *
 * CPython's `ast` (test/helpers/spark-inspect.py) reads each job; this module then follows what main() does, call
 * by call: the raw read with RAW_SCHEMA, decode() (from_avro with the job's Avro schema, or from_json with its
 * StructType), every `spark.sql(...)` with the views created so far, the DataFrame conditions and F.expr strings,
 * the createDataFrame of the checked rows with ROW_SCHEMA, and the partitioned write. Every SQL text and column
 * expression goes through the Spark SQL type checker (spark-sql-check.ts). The Spark session's config is
 * collected for the tests. A call the checker does not model is a problem, never silently skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionFact, modeLabel, readFacts, rowAccepts, type Mode } from './spark-facts.js';
import { parseSpark, SparkSqlChecker, type Column, type ExtraFunction, type Node, type Typed } from './spark-sql-check.js';
import { fromAvro, fromPyspark, show, t, type PyNode, type SparkType } from './spark-types.js';
import { ROOT } from './reference.js';

/** The four rule sets the jobs are checked under: each supported version with ANSI mode off and on. */
export const MODES: readonly Mode[] = [
  { version: '3.5', ansi: false },
  { version: '3.5', ansi: true },
  { version: '4.0', ansi: false },
  { version: '4.0', ansi: true },
];

export interface JobReport {
  path: string;
  /** positioned, readable problems: `path:line:col: [modes] message` */
  problems: string[];
  /** the Spark session's .config(key, value) calls (value undefined when not a literal) */
  session: Array<{ key: string; value: string | undefined; line: number }>;
  /** the module-level *_SQL strings, as Python reads them */
  sql: Record<string, string>;
  /** output columns of each view and of the createDataFrame, under the last mode checked */
  outputs: Map<string, Column[]>;
  /**
   * every write of a DataFrame, under the last mode checked: DataFrameWriter's `parquet`, `json` or `save` (a path),
   * or DataFrameWriterV2's `writeTo(<table>)` with the method that commits it (`writeTo.overwritePartitions`, …)
   */
  writes: Array<{ label: string; how: string; table?: string; partitionBy?: string[]; line: number }>;
}

interface Inspected {
  path: string;
  error?: string;
  assigns: Record<string, PyNode>;
  functions: Record<string, { params: string[]; body: Statement[]; names: string[]; line: number }>;
}
type Statement = { assign: string; value: PyNode; line: number } | { expr: PyNode; line: number } | { return: PyNode | null; line: number } | { other: string; line: number };

/** Runs spark-inspect.py on the given files in one CPython process. */
export function inspectPython(files: ReadonlyArray<{ path: string; content: string }>): Inspected[] {
  const dir = mkdtempSync(join(tmpdir(), 'cg-sparkcheck-'));
  const paths = files.map((f, i) => {
    const p = join(dir, `${i}_${f.path.replace(/[^\w.-]/g, '_')}`);
    writeFileSync(p, f.content);
    return p;
  });
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test/helpers/spark-inspect.py'), ...paths], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`spark-inspect.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Inspected[]).map((x, i) => ({ ...x, path: files[i]!.path }));
}

// ---------------------------------------------------------------------------------------------- values

type Val =
  | { k: 'spark' }
  | { k: 'builder' }
  | { k: 'module'; name: string }
  | { k: 'df'; cols: Column[]; label: string }
  | { k: 'col'; sql: string; name?: string }
  | { k: 'py'; v: unknown }
  | { k: 'pystr' }
  | { k: 'schema'; type: SparkType; name: string }
  | { k: 'avroSchema'; name: string; text: string }
  | { k: 'reader'; cols?: Column[] }
  | { k: 'writer'; cols: Column[]; label: string; partitionBy?: string[] }
  | { k: 'v2writer'; cols: Column[]; label: string; table?: string }
  | { k: 'rdd'; cols: Column[]; label: string }
  | { k: 'fn'; name: string }
  /** a list built by a comprehension: its element, evaluated once with the loop variables unknown */
  | { k: 'list'; items: Val[] }
  /** a plain Python value the checker does not know (a loop variable, what a plain-Python function returns) */
  | { k: 'pyany' }
  | { k: 'other'; why: string };

/** The pyspark objects the jobs import: a function that names none of them, and no Spark value, is plain Python. */
const PYSPARK_NAMES = new Set(['SparkSession', 'DataFrame', 'F', 'from_avro']);
/** Values that are Spark's: a call whose arguments hold none of them cannot touch Spark (driver-side Python). */
const SPARK_VALUES = new Set<Val['k']>(['spark', 'builder', 'df', 'col', 'reader', 'writer', 'rdd', 'schema']);

const quoteId = (s: string) => `\`${s.replace(/`/g, '``')}\``;
const sparkLit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const PYSPARK_TYPES = new Set(['StructType', 'StructField', 'ArrayType', 'MapType', 'DecimalType', 'BooleanType', 'ByteType', 'ShortType', 'IntegerType', 'LongType', 'FloatType', 'DoubleType', 'StringType', 'BinaryType', 'DateType', 'TimestampType', 'TimestampNTZType', 'NullType']);

class JobChecker {
  readonly problems = new Map<string, { line: number; col: number; message: string; modes: string[] }>();
  readonly session: JobReport['session'] = [];
  readonly outputs = new Map<string, Column[]>();
  writes: JobReport['writes'] = [];
  private views = new Map<string, Column[]>();
  private env = new Map<string, Val>();
  private mode!: Mode;
  private sqlLines = new Map<string, number>();

  constructor(
    readonly job: Inspected,
    readonly parsed: Map<string, ReturnType<typeof parseSpark>>,
  ) {
    for (const [name, node] of Object.entries(job.assigns)) if ('const' in node && typeof node.const === 'string') this.sqlLines.set(name, node.line);
  }

  problem(line: number, col: number, message: string) {
    const key = `${line}:${col}:${message}`;
    const p = this.problems.get(key) ?? { line, col, message, modes: [] };
    if (!p.modes.includes(modeLabel(this.mode))) p.modes.push(modeLabel(this.mode));
    this.problems.set(key, p);
  }

  run(mode: Mode) {
    this.mode = mode;
    this.views = new Map();
    this.env = new Map();
    this.writes = [];
    for (const [name, node] of Object.entries(this.job.assigns)) this.env.set(name, this.module(name, node));
    const main = this.job.functions.main;
    if (!main) return this.problem(1, 1, 'the job has no main(): nothing to check');
    this.body(main.body, new Map(main.params.map((p) => [p, { k: 'py', v: null } as Val])));
  }

  private module(name: string, node: PyNode): Val {
    if ('const' in node) return { k: 'py', v: node.const };
    if ('list' in node) return { k: 'py', v: node.list.map((x) => ('const' in x ? x.const : undefined)) };
    if ('call' in node && 'name' in node.call && PYSPARK_TYPES.has(node.call.name)) {
      try {
        return { k: 'schema', type: fromPyspark(node), name };
      } catch (e) {
        this.problem(node.line, 1, `${name}: ${(e as Error).message}`);
        return { k: 'other', why: name };
      }
    }
    return { k: 'other', why: name };
  }

  private body(stmts: Statement[], locals: Map<string, Val>): Val {
    for (const s of stmts) {
      if ('assign' in s) locals.set(s.assign, this.eval(s.value, locals));
      else if ('expr' in s) this.eval(s.expr, locals);
      else if ('return' in s) return s.return ? this.eval(s.return, locals) : { k: 'py', v: null };
      else this.problem(s.line, 1, `a ${s.other} statement: the checker follows straight-line code only`);
    }
    return { k: 'py', v: null };
  }

  private lookup(name: string, locals: Map<string, Val>): Val {
    const v = locals.get(name) ?? this.env.get(name);
    if (v) return v;
    if (name === 'F') return { k: 'module', name: 'pyspark.sql.functions' };
    if (name === 'SparkSession') return { k: 'module', name: 'SparkSession' };
    if (name === 'DataFrame') return { k: 'module', name: 'DataFrame' };
    if (this.job.functions[name] || name === 'from_avro' || name === 'print' || name === 'str' || name === 'reduce') return { k: 'fn', name };
    return { k: 'other', why: name };
  }

  private eval(n: PyNode, locals: Map<string, Val>): Val {
    if ('const' in n) return { k: 'py', v: n.const };
    if ('name' in n) return this.lookup(n.name, locals);
    if ('list' in n) return { k: 'py', v: n.list.map((x) => this.eval(x, locals)) };
    if ('compare' in n) return this.compare(n, locals);
    if ('listcomp' in n) {
      this.eval(n.iter, locals);
      const inner = new Map(locals);
      for (const t of n.targets) inner.set(t, { k: 'pyany' });
      return { k: 'list', items: [this.eval(n.listcomp, inner)] };
    }
    if ('subscript' in n) {
      const of = this.eval(n.subscript, locals);
      if (SPARK_VALUES.has(of.k)) this.problem(n.line, 1, `a subscript of a ${of.k}: not modelled by the checker`);
      return { k: 'pyany' };
    }
    if ('attr' in n) return this.attr(this.eval(n.of, locals), n.attr, n);
    if ('call' in n) return this.call(n, locals);
    return { k: 'other', why: 'other' in n ? n.other : 'expression' };
  }

  private attr(obj: Val, attr: string, n: PyNode): Val {
    if (obj.k === 'module' && obj.name === 'SparkSession' && attr === 'builder') return { k: 'builder' };
    if (obj.k === 'spark' && attr === 'read') return { k: 'reader' };
    if (obj.k === 'df' && attr === 'rdd') return { k: 'rdd', cols: obj.cols, label: obj.label };
    if (obj.k === 'df' && attr === 'write') return { k: 'writer', cols: obj.cols, label: obj.label };
    if (obj.k === 'other' && obj.why === 'args') return { k: 'pystr' }; // argparse values are strings
    if (obj.k === 'module' && obj.name === 'DataFrame' && attr === 'unionByName') return { k: 'fn', name: 'DataFrame.unionByName' };
    void n;
    return { k: 'other', why: `${obj.k}.${attr}` };
  }

  private call(n: Extract<PyNode, { call: PyNode }>, locals: Map<string, Val>): Val {
    const args = n.args.map((a) => ('starred' in a ? { k: 'py', v: (this.eval(a.starred, locals) as { v?: unknown }).v, starred: true } : this.eval(a, locals))) as Array<Val & { starred?: boolean }>;
    const spread = args.flatMap((a) => (a.starred && a.k === 'py' && Array.isArray(a.v) ? a.v.map((v) => ({ k: 'py', v }) as Val) : [a]));
    const kwargs = Object.fromEntries(Object.entries(n.kwargs).map(([k, v]) => [k, this.eval(v, locals)]));
    if ('name' in n.call) {
      const f = this.lookup(n.call.name, locals);
      if (f.k === 'fn') {
        if (f.name === 'print' || f.name === 'str') return { k: 'pystr' };
        if (f.name === 'from_avro') return this.fromAvro(spread, n, locals);
        if (f.name === 'reduce') return this.reduce(spread, n);
        const fn = this.job.functions[f.name]!;
        // a job function given no Spark value that names no pyspark object nor a module-level Spark value runs on
        // the driver only (a Schema Registry lookup): it cannot make or touch a DataFrame, so it is not followed
        const given = [...spread, ...Object.values(kwargs)].some((a) => SPARK_VALUES.has(a.k));
        const names = fn.names.some((x) => PYSPARK_NAMES.has(x) || SPARK_VALUES.has(this.env.get(x)?.k ?? 'other') || this.job.functions[x]);
        if (!given && !names) return { k: 'pyany' };
        const inner = new Map<string, Val>(fn.params.map((p, i) => [p, spread[i] ?? { k: 'py', v: null }]));
        return this.body(fn.body, inner);
      }
      return { k: 'other', why: `${n.call.name}(...)` };
    }
    if (!('attr' in n.call)) return { k: 'other', why: 'call' };
    const method = n.call.attr;
    const obj = this.eval(n.call.of, locals);
    switch (obj.k) {
      case 'builder':
        if (method === 'config') {
          const [key, value] = spread;
          if (key?.k === 'py' && typeof key.v === 'string') this.session.push({ key: key.v, value: value?.k === 'py' && typeof value.v === 'string' ? value.v : undefined, line: n.line });
          else this.problem(n.line, 1, 'a Spark config key that is not a literal');
          return obj;
        }
        if (method === 'getOrCreate') return { k: 'spark' };
        return obj;
      case 'spark':
        return this.sparkCall(method, spread, n);
      case 'reader':
        if (method === 'schema') {
          const s = spread[0];
          if (s?.k !== 'schema' || s.type.kind !== 'struct') {
            this.problem(n.line, 1, 'spark.read.schema() needs a StructType constant: the checker never infers a schema');
            return { k: 'reader' };
          }
          return { k: 'reader', cols: s.type.fields.map((f) => ({ name: f.name, type: f.type })) };
        }
        if (method === 'json' || method === 'parquet' || method === 'load') {
          if (!obj.cols) {
            this.problem(n.line, 1, `spark.read.${method}() without .schema(): Spark would infer the schema`);
            return { k: 'df', cols: [], label: 'read' };
          }
          return { k: 'df', cols: obj.cols, label: 'read' };
        }
        return { k: 'other', why: `reader.${method}` };
      case 'df':
        return this.dfCall(obj, method, spread, n);
      case 'writer':
        if (method === 'mode' || method === 'option' || method === 'format') return obj;
        if (method === 'partitionBy') {
          for (const c of spread) {
            const name = c.k === 'py' ? c.v : undefined;
            if (typeof name !== 'string' || !obj.cols.some((x) => x.name === name)) this.problem(n.line, 1, `partitionBy(${JSON.stringify(name)}): not a column of ${obj.label} (${obj.cols.map((x) => x.name).join(', ')})`);
            else if (obj.cols.filter((x) => x.name.toLowerCase() === name.toLowerCase()).length > 1) this.problem(n.line, 1, `partitionBy(${name}): ambiguous`);
          }
          return { ...obj, partitionBy: spread.map((c) => (c.k === 'py' ? String(c.v) : '?')) };
        }
        if (method === 'parquet' || method === 'json' || method === 'save') {
          this.writes.push({ label: obj.label, how: method, ...(obj.partitionBy ? { partitionBy: obj.partitionBy } : {}), line: n.line });
          return { k: 'py', v: null };
        }
        return { k: 'other', why: `writer.${method}` };
      case 'v2writer':
        // DataFrameWriterV2: option/partitionedBy configure; append, overwritePartitions, create… commit
        if (method === 'option' || method === 'options') return obj;
        if (['append', 'overwritePartitions', 'overwrite', 'create', 'replace', 'createOrReplace'].includes(method)) {
          this.writes.push({ label: obj.label, how: `writeTo.${method}`, ...(obj.table !== undefined ? { table: obj.table } : {}), line: n.line });
          return { k: 'py', v: null };
        }
        this.problem(n.line, 1, `DataFrameWriterV2.${method}(): not modelled by the checker`);
        return obj;
      case 'module':
        if (obj.name === 'pyspark.sql.functions') return this.fCall(method, spread, kwargs, n);
        return { k: 'other', why: `${obj.name}.${method}` };
      case 'col':
        return this.colCall(obj, method, spread, n);
      case 'other':
        if (obj.why === 'parser' || method === 'parse_args') return method === 'parse_args' ? { k: 'other', why: 'args' } : obj;
        if (method === 'ArgumentParser') return { k: 'other', why: 'parser' };
        return { k: 'other', why: `${obj.why}.${method}()` };
      default:
        return { k: 'other', why: `${obj.k}.${method}()` };
    }
  }

  // ---------------------------------------------------------------------------------------------- spark

  private sparkCall(method: string, args: Val[], n: PyNode): Val {
    if (method === 'sql') {
      const a = args[0];
      const callNode = n as Extract<PyNode, { call: PyNode }>;
      const argNode = callNode.args[0];
      const name = argNode && 'name' in argNode ? argNode.name : undefined;
      if (a?.k !== 'py' || typeof a.v !== 'string') {
        this.problem(n.line, 1, 'spark.sql() with a query that is not a string constant: the checker cannot read it');
        return { k: 'df', cols: [], label: 'sql' };
      }
      const cols = this.sql(a.v, name ?? 'spark.sql', name ? (this.sqlLines.get(name) ?? n.line) : n.line);
      return { k: 'df', cols, label: name ?? 'spark.sql' };
    }
    if (method === 'createDataFrame') {
      const [data, schema] = args;
      if (data?.k !== 'rdd' || schema?.k !== 'schema' || schema.type.kind !== 'struct') {
        this.problem(n.line, 1, 'createDataFrame(...): the checker models createDataFrame(<DataFrame>.rdd, <StructType constant>) only');
        return { k: 'df', cols: [], label: 'createDataFrame' };
      }
      this.rowsInto(data.cols, data.label, schema.type.fields.map((f) => ({ name: f.name, type: f.type })), schema.name, n.line);
      // every view that carries the trusted row's columns (FLATTEN's events, CURRENT's current_state) has them in
      // the trusted types already: a difference there is a conversion the job got wrong
      for (const [view, cols] of this.views) {
        // the decoded envelope (a column `e`) is no trusted row, even when the row's only field is named E
        if (view === 'decoded') continue;
        const byName = new Map(cols.map((c) => [c.name.toLowerCase(), c]));
        if (!schema.type.fields.every((f) => byName.has(f.name.toLowerCase()))) continue;
        for (const f of schema.type.fields) {
          const c = byName.get(f.name.toLowerCase())!;
          if (!c.unknown && !rowAccepts(c.type, f.type)) this.problem(n.line, 1, `view ${view}: ${c.name} is ${show(c.type, true)} but ${schema.name} declares ${f.name} ${show(f.type, true)}`);
        }
      }
      const cols = schema.type.fields.map((f) => ({ name: f.name, type: f.type }));
      this.outputs.set('createDataFrame', cols);
      return { k: 'df', cols, label: `createDataFrame(${schema.name})` };
    }
    if (method === 'stop') return { k: 'py', v: null };
    return { k: 'other', why: `spark.${method}` };
  }

  /** createDataFrame(rows, schema): by position, each column's type must be one the schema's field takes. */
  rowsInto(cols: Column[], label: string, fields: Column[], schemaName: string, line: number) {
    if (cols.length !== fields.length) {
      this.problem(line, 1, `createDataFrame: ${label} has ${cols.length} columns (${cols.map((c) => c.name).join(', ')}) but ${schemaName} has ${fields.length} fields: rows are matched by position (LENGTH_SHOULD_BE_THE_SAME)`);
      return;
    }
    fields.forEach((f, i) => {
      const c = cols[i]!;
      if (c.unknown) return;
      if (c.name !== f.name) this.problem(line, 1, `createDataFrame: column ${i + 1} of ${label} is ${c.name} but ${schemaName} field ${i + 1} is ${f.name}: rows are matched by position`);
      if (!rowAccepts(c.type, f.type)) this.problem(line, 1, `createDataFrame: ${label}.${c.name} is ${show(c.type, true)} but ${schemaName} declares ${f.name} ${show(f.type, true)}; the verifier gets a ${pyClass(c.type)} (createdataframe.json)`);
    });
  }

  private dfCall(df: Extract<Val, { k: 'df' }>, method: string, args: Val[], n: PyNode): Val {
    switch (method) {
      case 'createOrReplaceTempView': {
        const name = args[0]?.k === 'py' ? String((args[0] as { v: unknown }).v) : undefined;
        if (!name) {
          this.problem(n.line, 1, 'createOrReplaceTempView needs a literal name');
          return { k: 'py', v: null };
        }
        this.views.set(name.toLowerCase(), df.cols);
        this.outputs.set(name, df.cols);
        return { k: 'py', v: null };
      }
      case 'where':
      case 'filter': {
        const cond = this.colOf(args[0], n);
        const typed = cond && this.expr(cond.sql, df.cols, n.line);
        if (typed && !SparkSqlChecker.isBoolean(typed)) this.problem(n.line, 1, `${method}() needs a BOOLEAN condition, got ${show(typed.type, true)}`);
        return df;
      }
      case 'select': {
        const cols: Column[] = [];
        for (const a of args) {
          const c = this.colOf(a, n);
          if (!c) continue;
          const typed = this.expr(c.sql, df.cols, n.line);
          cols.push({ name: c.name ?? typed?.name ?? c.sql, type: typed?.type ?? t('void') });
        }
        return { k: 'df', cols, label: `${df.label}.select` };
      }
      case 'drop': {
        const names = args.map((a) => (a.k === 'py' ? String(a.v) : ''));
        for (const name of names) if (!df.cols.some((c) => c.name.toLowerCase() === name.toLowerCase())) this.problem(n.line, 1, `drop(${JSON.stringify(name)}): no such column, so nothing is dropped`);
        return { k: 'df', cols: df.cols.filter((c) => !names.some((x) => x.toLowerCase() === c.name.toLowerCase())), label: df.label };
      }
      case 'withColumn': {
        const name = args[0]?.k === 'py' ? String((args[0] as { v: unknown }).v) : '?';
        const c = this.colOf(args[1], n);
        const typed = c && this.expr(c.sql, df.cols, n.line);
        const cols = df.cols.filter((x) => x.name.toLowerCase() !== name.toLowerCase());
        return { k: 'df', cols: [...cols, { name, type: typed?.type ?? t('void') }], label: df.label };
      }
      case 'cache':
      case 'persist':
      case 'distinct':
        return df;
      case 'collect':
        return { k: 'pyany' };
      case 'writeTo': {
        // the table name must be readable (a string constant): which catalog it goes through is checked by the tests
        const a = args[0];
        if (a?.k !== 'py' || typeof a.v !== 'string') this.problem(n.line, 1, 'writeTo() with a table name that is not a string constant: the checker cannot tell which catalog it goes through');
        return { k: 'v2writer', cols: df.cols, label: df.label, ...(a?.k === 'py' && typeof a.v === 'string' ? { table: a.v } : {}) };
      }
      case 'count':
        return { k: 'py', v: 0 };
      default:
        this.problem(n.line, 1, `DataFrame.${method}(): not modelled by the checker`);
        return df;
    }
  }

  // ---------------------------------------------------------------------------------------------- columns

  private colOf(v: Val | undefined, n: PyNode): { sql: string; name?: string } | undefined {
    if (!v) return undefined;
    if (v.k === 'col') return v;
    if (v.k === 'py' && typeof v.v === 'string') return { sql: quoteId(v.v), name: v.v };
    this.problem(n.line, 1, `a ${v.k} where a column is expected`);
    return undefined;
  }

  private literalSql(v: Val): string | undefined {
    if (v.k === 'col') return v.sql;
    if (v.k === 'py') {
      if (typeof v.v === 'string') return sparkLit(v.v);
      if (typeof v.v === 'number') return String(v.v);
      if (typeof v.v === 'boolean') return v.v ? 'true' : 'false';
      if (v.v === null) return 'NULL';
    }
    if (v.k === 'pystr') return "'?'";
    if (v.k === 'pyany') return 'NULL';
    return undefined;
  }

  private fCall(fn: string, args: Val[], kwargs: Record<string, Val>, n: PyNode): Val {
    void kwargs;
    const name = (v: Val | undefined) => (v?.k === 'py' && typeof v.v === 'string' ? v.v : undefined);
    if (fn === 'col' || fn === 'column') return name(args[0]) !== undefined ? { k: 'col', sql: quoteId(name(args[0])!), name: name(args[0]) } : { k: 'other', why: 'F.col' };
    if (fn === 'expr') return name(args[0]) !== undefined ? { k: 'col', sql: `(${name(args[0])})` } : { k: 'other', why: 'F.expr' };
    if (fn === 'lit') {
      const s = args[0] && this.literalSql(args[0]);
      return s ? { k: 'col', sql: s } : { k: 'other', why: 'F.lit' };
    }
    if (fn === 'from_json') {
      const [c, schema] = args;
      const col = this.colOf(c, n);
      if (schema?.k !== 'schema') {
        this.problem(n.line, 1, 'F.from_json needs a StructType constant');
        return { k: 'col', sql: 'NULL' };
      }
      return col ? { k: 'col', sql: `from_json(${col.sql}, ${sparkLit(show(schema.type))})` } : { k: 'other', why: 'from_json' };
    }
    // any other pyspark.sql.functions function: the SQL function of that name, columns by name
    if (!functionFact(fn)) {
      this.problem(n.line, 1, `F.${fn}: not a function in the facts (test/facts/spark/functions.json)`);
      return { k: 'col', sql: 'NULL' };
    }
    const parts = args.map((a) => this.colOf(a, n)?.sql ?? 'NULL');
    return { k: 'col', sql: `${fn}(${parts.join(', ')})` };
  }

  private colCall(c: Extract<Val, { k: 'col' }>, method: string, args: Val[], n: PyNode): Val {
    if (method === 'alias' || method === 'name') return { ...c, name: args[0]?.k === 'py' ? String((args[0] as { v: unknown }).v) : undefined };
    if (method === 'cast' || method === 'astype') {
      const a = args[0];
      const ty = a?.k === 'py' && typeof a.v === 'string' ? a.v : a?.k === 'schema' ? show(a.type) : undefined;
      return ty ? { k: 'col', sql: `CAST(${c.sql} AS ${ty})` } : { k: 'other', why: 'cast' };
    }
    if (method === 'isNotNull') return { k: 'col', sql: `(${c.sql} IS NOT NULL)` };
    if (method === 'isNull') return { k: 'col', sql: `(${c.sql} IS NULL)` };
    this.problem(n.line, 1, `Column.${method}(): not modelled by the checker`);
    return { k: 'col', sql: 'NULL' };
  }

  private compare(n: Extract<PyNode, { compare: string }>, locals: Map<string, Val>): Val {
    const l = this.eval(n.left, locals);
    const r = this.eval(n.right, locals);
    if (l.k !== 'col' && r.k !== 'col') return { k: 'py', v: false };
    const op = n.compare === '==' ? '=' : n.compare === '!=' ? '<>' : n.compare;
    const ls = this.literalSql(l);
    const rs = this.literalSql(r);
    if (!ls || !rs) {
      this.problem(n.line, 1, 'a column compared with a Python value the checker cannot read');
      return { k: 'col', sql: 'NULL' };
    }
    return { k: 'col', sql: `(${ls} ${op} ${rs})` };
  }

  /**
   * from_avro(data, writer schema, options): typed from the reader schema, the options' `avroSchema` when given
   * (from-avro.json: the writer is resolved to it), else the writer schema; the typing schema must be a
   * module-level string constant, the writer may be any string when a reader is given (looked up at run time).
   */
  private fromAvro(args: Val[], n: PyNode, locals: Map<string, Val>): Val {
    const [data, schema] = args;
    const call = n as Extract<PyNode, { call: PyNode }>;
    const options = call.args[2];
    const readerNode = options && 'dict' in options ? options.dict.find(([k]) => 'const' in k && typeof k.const === 'string' && k.const.toLowerCase() === 'avroschema')?.[1] : undefined;
    const typingNode = readerNode ?? call.args[1];
    const schemaName = typingNode && 'name' in typingNode ? typingNode.name : undefined;
    const typing = schemaName ? this.lookup(schemaName, locals) : undefined;
    if (!schemaName || typing?.k !== 'py' || typeof typing.v !== 'string' || !this.job.assigns[schemaName]) {
      this.problem(n.line, 1, 'from_avro needs its reader schema (the avroSchema option, else the schema) as a module-level string constant');
      return { k: 'col', sql: 'NULL' };
    }
    if (!readerNode && (schema?.k !== 'py' || typeof schema.v !== 'string')) this.problem(n.line, 1, 'from_avro without an avroSchema option needs the writer schema as a string constant');
    const col = this.colOf(data, n);
    return col ? { k: 'col', sql: `from_avro(${col.sql}, ${sparkLit(schemaName)})` } : { k: 'col', sql: 'NULL' };
  }

  /** functools.reduce(DataFrame.unionByName, dataframes[, initial]): every DataFrame must have the same columns by name and type. */
  private reduce(args: Val[], n: PyNode): Val {
    const [fn, list, initial] = args;
    if (fn?.k !== 'fn' || fn.name !== 'DataFrame.unionByName') {
      this.problem(n.line, 1, 'reduce(...): the checker models reduce(DataFrame.unionByName, ...) only');
      return { k: 'other', why: 'reduce' };
    }
    const dfs = [...(list?.k === 'list' ? list.items : []), ...(initial ? [initial] : [])];
    const frames = dfs.filter((d): d is Extract<Val, { k: 'df' }> => d.k === 'df');
    if (frames.length !== dfs.length || !frames.length) {
      this.problem(n.line, 1, 'reduce(DataFrame.unionByName, ...) over values that are not DataFrames');
      return { k: 'df', cols: [], label: 'union' };
    }
    const [first, ...rest] = frames;
    for (const d of rest) {
      const byName = new Map(d.cols.map((c) => [c.name.toLowerCase(), c]));
      for (const c of first!.cols) {
        const o = byName.get(c.name.toLowerCase());
        if (!o) this.problem(n.line, 1, `unionByName: ${d.label} has no column ${c.name}`);
        else if (!o.unknown && !c.unknown && show(o.type, true) !== show(c.type, true)) this.problem(n.line, 1, `unionByName: ${c.name} is ${show(c.type, true)} in one DataFrame and ${show(o.type, true)} in another`);
      }
      if (d.cols.length !== first!.cols.length) this.problem(n.line, 1, `unionByName: ${d.label} has ${d.cols.length} columns, ${first!.label} ${first!.cols.length}`);
    }
    return { ...first!, label: 'union' };
  }

  /** from_avro as the checker types it: ExpectsInputTypes BINARY, the result from the named Avro schema (from-avro.json). */
  private extraFunctions(line: number): Map<string, ExtraFunction> {
    const facts = readFacts<{ expression: { class: string } }>('from-avro.json');
    return new Map([
      [
        'from_avro',
        (args: Typed[]) => {
          const [data, schema] = args;
          const name = schema?.literal?.value;
          if (data && !data.unknown && data.type.kind !== 'binary') this.problem(line, 1, `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE: from_avro needs BINARY (${facts.expression.class} is ExpectsInputTypes), got ${show(data.type, true)}`);
          const text = typeof name === 'string' ? this.job.assigns[name] : undefined;
          if (!text || !('const' in text) || typeof text.const !== 'string') return { type: t('void'), unknown: true };
          try {
            return { type: fromAvro(JSON.parse(text.const)).type };
          } catch (e) {
            this.problem(text.line, 1, `${name}: ${(e as Error).message}`);
            return { type: t('void'), unknown: true };
          }
        },
      ],
    ]);
  }

  // ---------------------------------------------------------------------------------------------- SQL

  private parse(sql: string) {
    let p = this.parsed.get(sql);
    if (!p) this.parsed.set(sql, (p = parseSpark(sql)));
    return p;
  }

  /** Checks a SQL text against the views so far; positions map to the Python file (the string starts at `line`). */
  private sql(text: string, name: string, line: number): Column[] {
    const { tree, problems } = this.parse(text);
    for (const p of problems) this.problem(line + p.line - 1, p.col, `${name}: ${p.message}`);
    if (!tree) return [];
    const checker = new SparkSqlChecker({ mode: this.mode, views: this.views, extraFunctions: this.extraFunctions(line) });
    const cols = checker.query(tree);
    for (const p of checker.problems) this.problem(line + p.line - 1, p.col, `${name}: ${p.message}`);
    return cols;
  }

  /** Checks one column expression of a DataFrame call over the DataFrame's columns. */
  private expr(sql: string, cols: Column[], line: number): Typed | undefined {
    const text = `SELECT ${sql} FROM __df`;
    const { tree, problems } = this.parse(text);
    for (const p of problems) this.problem(line, 1, `${sql}: ${p.message}`);
    if (!tree) return undefined;
    const checker = new SparkSqlChecker({ mode: this.mode, views: new Map([['__df', cols]]), extraFunctions: this.extraFunctions(line) });
    const typed = checker.typeOf(tree as Node, cols);
    for (const p of checker.problems) this.problem(line, 1, `${sql.length > 80 ? `${sql.slice(0, 77)}...` : sql}: ${p.message}`);
    return typed;
  }
}

const pyClass = (x: SparkType) => (readFacts<{ pythonValue: { map: Record<string, string> } }>('createdataframe.json').pythonValue.map[x.kind] ?? x.kind);

/** Type-checks each job under each mode. SQL texts are parsed once and shared. */
export function checkJobs(files: ReadonlyArray<{ path: string; content: string }>, modes: readonly Mode[] = MODES): JobReport[] {
  const inspected = inspectPython(files);
  const parsed = new Map<string, ReturnType<typeof parseSpark>>();
  return inspected.map((job) => {
    if (job.error) return { path: job.path, problems: [`${job.path}: CPython does not compile it: ${job.error}`], session: [], sql: {}, outputs: new Map(), writes: [] };
    const checker = new JobChecker(job, parsed);
    for (const m of modes) checker.run(m);
    const sql = Object.fromEntries(Object.entries(job.assigns).flatMap(([k, v]) => (k.endsWith('_SQL') && 'const' in v && typeof v.const === 'string' ? [[k, v.const]] : [])));
    const problems = [...checker.problems.values()].sort((a, b) => a.line - b.line || a.col - b.col).map((p) => `${job.path}:${p.line}:${p.col}: [${p.modes.length === modes.length ? 'every version and mode' : p.modes.join('; ')}] ${p.message}`);
    const session = checker.session.filter((s, i, all) => all.findIndex((x) => x.key === s.key && x.line === s.line) === i);
    return { path: job.path, problems, session, sql, outputs: checker.outputs, writes: checker.writes };
  });
}
