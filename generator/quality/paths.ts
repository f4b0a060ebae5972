/**
 * The nested checks of a column (model/nested.ts: a path from the column down to a value, and what must hold
 * there) as SQL conditions that are true on a row that breaks them, over the trusted layer's nested types:
 * structs, arrays and maps. Two dialects: Spark SQL (the GX suites' unexpected-rows queries, the Spark jobs'
 * contract checks) and DuckDB (`contractgen test`). Arrays and maps are searched with `exists` (Spark) or
 * `list_filter` (DuckDB): a row breaks a check when any value the path reaches breaks it.
 */
import type { NestedCheck, Step, Test } from '../model/nested.js';
import { isNumericType } from '../model/nested.js';
import type { LogicalType } from '../model/ir.js';
import { sparkIdent, sparkString } from '../model/names.js';

interface Dialect {
  column(name: string): string;
  field(base: string, name: string): string;
  /** true when some element of the list satisfies `cond` */
  exists(list: string, v: string, cond: string): string;
  keys(map: string): string;
  values(map: string): string;
  size(list: string, isMap: boolean): string;
  length(s: string): string;
  matches(s: string, regex: string): string;
  string(s: string): string;
  temporal(v: string, t: LogicalType): string;
  /** true when the list holds a non-null value twice */
  repeats(list: string, v: string): string;
}

const SPARK: Dialect = {
  column: sparkIdent,
  field: (b, n) => `${b}.${sparkIdent(n)}`,
  exists: (l, v, c) => `exists(${l}, ${v} -> ${c})`,
  keys: (m) => `map_keys(${m})`,
  values: (m) => `map_values(${m})`,
  size: (l) => `size(${l})`,
  length: (s) => `char_length(${s})`,
  matches: (s, re) => `${s} RLIKE ${sparkString(re)}`,
  string: sparkString,
  temporal: (v, t) => `${t.kind === 'date' ? 'DATE' : 'TIMESTAMP'} ${sparkString(v)}`,
  repeats: (l, v) => `size(array_distinct(filter(${l}, ${v} -> ${v} IS NOT NULL))) < size(filter(${l}, ${v} -> ${v} IS NOT NULL))`,
};

const duckIdent = (n: string) => `"${n.replace(/"/g, '""')}"`;
const duckString = (s: string) => `'${s.replace(/'/g, "''")}'`;

const DUCKDB: Dialect = {
  column: duckIdent,
  field: (b, n) => `struct_extract(${b}, ${duckString(n)})`,
  exists: (l, v, c) => `len(list_filter(${l}, ${v} -> ${c})) > 0`,
  keys: (m) => `map_keys(${m})`,
  values: (m) => `map_values(${m})`,
  size: (l, isMap) => (isMap ? `cardinality(${l})` : `len(${l})`),
  length: (s) => `length(${s})`,
  matches: (s, re) => `regexp_matches(${s}, ${duckString(re)})`,
  string: duckString,
  temporal: (v, t) => `${t.kind === 'date' ? 'DATE' : t.kind === 'timestamp' ? 'TIMESTAMPTZ' : 'TIMESTAMP'} ${duckString(v)}`,
  repeats: (l, v) => `len(list_distinct(${l})) < len(list_filter(${l}, ${v} -> ${v} IS NOT NULL))`,
};

function leaf(d: Dialect, test: Test, b: string, t: LogicalType, v: string): string {
  const bound = (x: number | string) => (typeof x === 'number' ? String(x) : isNumericType(t) ? String(Number(x)) : d.temporal(x, t));
  const or = (xs: string[]) => (xs.length === 1 ? xs[0]! : `(${xs.join(' OR ')})`);
  switch (test.kind) {
    case 'required':
      return `${b} IS NULL`;
    case 'range': {
      const xs: string[] = [];
      if (test.minimum !== undefined) xs.push(`${b} < ${bound(test.minimum)}`);
      if (test.exclusiveMinimum !== undefined) xs.push(`${b} <= ${bound(test.exclusiveMinimum)}`);
      if (test.maximum !== undefined) xs.push(`${b} > ${bound(test.maximum)}`);
      if (test.exclusiveMaximum !== undefined) xs.push(`${b} >= ${bound(test.exclusiveMaximum)}`);
      return or(xs);
    }
    case 'length': {
      const xs: string[] = [];
      if (test.minLength !== undefined && test.minLength > 0) xs.push(`${d.length(b)} < ${test.minLength}`);
      if (test.maxLength !== undefined) xs.push(`${d.length(b)} > ${test.maxLength}`);
      return xs.length ? or(xs) : 'false';
    }
    case 'pattern':
      return `NOT (${d.matches(b, test.regex)})`;
    case 'enum':
      return `${b} NOT IN (${test.values.map((x) => (test.numeric ? String(Number(x)) : d.string(x))).join(', ')})`;
    case 'items': {
      const xs: string[] = [];
      const size = d.size(b, t.kind === 'map');
      if (test.minItems !== undefined) xs.push(`${size} < ${test.minItems}`);
      if (test.maxItems !== undefined) xs.push(`${size} > ${test.maxItems}`);
      // Spark's size(NULL) is -1 unless ANSI mode: an absent array has no item count to break
      return xs.length ? `(${b} IS NOT NULL AND ${or(xs)})` : 'false';
    }
    case 'unique':
      return d.repeats(b, v);
  }
}

function render(d: Dialect, path: readonly Step[], c: NestedCheck, base: string, depth: number): string {
  const v = `_e${depth}`;
  if (path.length === 0) return leaf(d, c.test, base, c.type, v);
  const [step, ...rest] = path as [Step, ...Step[]];
  switch (step.kind) {
    case 'field': {
      const child = d.field(base, step.name);
      // a required field of an object: present wherever its object is
      if (rest.length === 0 && c.test.kind === 'required') return `(${base} IS NOT NULL AND ${child} IS NULL)`;
      return render(d, rest, c, child, depth);
    }
    case 'items':
      return d.exists(base, v, render(d, rest, c, v, depth + 1));
    case 'keys':
      return d.exists(d.keys(base), v, render(d, rest, c, v, depth + 1));
    case 'values':
      return d.exists(d.values(base), v, render(d, rest, c, v, depth + 1));
  }
}

/** Spark SQL: true when the row's `column` breaks the check. */
export function sparkBroken(column: string, c: NestedCheck): string {
  return `coalesce(${render(SPARK, c.path, c, SPARK.column(column), 0)}, false)`;
}

/** DuckDB: true when the row's `column` breaks the check. */
export function duckdbBroken(column: string, c: NestedCheck): string {
  return `coalesce(${render(DUCKDB, c.path, c, DUCKDB.column(column), 0)}, false)`;
}
