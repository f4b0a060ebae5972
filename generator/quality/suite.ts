/**
 * The quality suites as typed values: one suite per dataset, from every constraint and quality rule of the
 * contract (required and key fields, value sets, ranges, patterns and formats, lengths, types, the ODCS quality
 * rules: library metrics and SQL checks, the row count and the column set). Every expectation's meta names the
 * contract element it came from (`contract_rule`), and a rule that cannot be expressed is reported, never
 * dropped. The `quality` target serializes these suites per GX version (gx.ts); `contractgen test` runs them
 * as they are (duckdb.ts). Nothing here knows a file format.
 */
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { FORMAT_PATTERNS } from '../model/formats.js';
import type { Dataset, Field, QualityRule } from '../model/ir.js';
import { lakeName } from '../model/naming.js';
import { nestedChecks, type NestedCheck } from '../model/nested.js';
import { mapType } from '../model/types.js';
import { sparkBroken } from './paths.js';

/** What in the contract asked for an expectation, and how it is classified; GX keeps it as the expectation's meta. */
export interface Meta {
  contract_rule: string;
  /** every contract rule the expectation serves, when it serves more than one (a value set stated twice) */
  contract_rules?: string[];
  dimension?: string;
  severity?: string;
  description?: string;
}

/** A min/max pair of GX bounds; strict_* make a bound exclusive. */
export interface Bounds<T> {
  min_value?: T;
  strict_min?: boolean;
  max_value?: T;
  strict_max?: boolean;
}

interface Of<T extends string, K> {
  type: T;
  kwargs: K;
  meta: Meta;
}

/** An expectation of a type contractgen knows, with the kwargs of that type. */
export type KnownExpectation =
  | Of<'expect_table_columns_to_match_set', { column_set: string[]; exact_match: boolean }>
  | Of<'expect_table_row_count_to_be_between', Bounds<number>>
  | Of<'expect_compound_columns_to_be_unique', { column_list: string[] }>
  | Of<'expect_column_values_to_be_of_type', { column: string; type_: string }>
  | Of<'expect_column_values_to_not_be_null', { column: string; mostly?: number }>
  | Of<'expect_column_values_to_be_unique', { column: string }>
  | Of<'expect_column_values_to_be_in_set', { column: string; value_set: unknown[]; mostly?: number }>
  | Of<'expect_column_values_to_not_be_in_set', { column: string; value_set: unknown[]; mostly?: number }>
  | Of<'expect_column_values_to_be_between', { column: string; mostly?: number } & Bounds<number | string>>
  | Of<'expect_column_value_lengths_to_be_between', { column: string; mostly?: number } & Bounds<number>>
  | Of<'expect_column_values_to_match_regex', { column: string; regex: string; mostly?: number }>
  | (Of<'unexpected_rows_expectation', { unexpected_rows_query: string }> & {
      /**
       * A check inside a nested column (model/nested.ts), which the query says in Spark SQL: kept typed, so that
       * `contractgen test` says it in DuckDB's SQL. Not part of the GX serialization.
       */
      nested?: { column: string; check: NestedCheck };
    });

/**
 * A Great Expectations expectation a contract spells out itself (`type: custom`, `engine: great-expectations`)
 * whose type or kwargs contractgen does not know: carried to the suite file as written, not run by `contractgen test`.
 */
export interface CustomExpectation {
  type: 'custom';
  /** the GX expectation type, as the contract names it */
  gxType: string;
  kwargs: Record<string, unknown>;
  meta: Meta;
}

export type Expectation = KnownExpectation | CustomExpectation;
export type ExpectationType = KnownExpectation['type'];

/** A dataset's suite. `name` is the dataset's lake name, which names the suite file and the table it checks. */
export interface Suite {
  name: string;
  dataset: string;
  contract: { id: string; version: string };
  expectations: Expectation[];
}

/** The GX name of an expectation's type. */
export function gxType(e: Expectation): string {
  return e.type === 'custom' ? e.gxType : e.type;
}

// ------------------------------------------------------------------------------------------- building

/**
 * `SELECT COUNT(*) FROM ${table} WHERE <cond>` (or ODCS's `{object}` placeholder for the table) with `mustBe: 0`
 * → the rows that break it, as GX's UnexpectedRowsExpectation wants.
 */
export function unexpectedRowsQuery(query: string): string | undefined {
  const m = /^\s*select\s+count\s*\(\s*\*\s*\)\s+from\s+(?:\$\{table\}|\{object\})\s+where\s+([\s\S]+?)\s*;?\s*$/i.exec(query);
  return m ? `SELECT * FROM {batch} WHERE ${m[1]}` : undefined;
}

function fieldExpectations(ds: Dataset, f: Field, out: Expectation[]) {
  const column = f.physicalName;
  const key = (what: string) => `${ds.name}.${f.name}:${what}`;
  out.push({ type: 'expect_column_values_to_be_of_type', kwargs: { column, type_: mapType(f.type).gx }, meta: { contract_rule: key('type') } });
  if (f.required) out.push({ type: 'expect_column_values_to_not_be_null', kwargs: { column }, meta: { contract_rule: key(f.primaryKey ? 'primaryKey' : 'required'), dimension: 'completeness' } });
  if (f.unique || (f.primaryKey && ds.primaryKey.length === 1)) out.push({ type: 'expect_column_values_to_be_unique', kwargs: { column }, meta: { contract_rule: key(f.unique ? 'unique' : 'primaryKey'), dimension: 'uniqueness' } });
  const c = f.constraints;
  if (c.enum) {
    // one expectation for the value set, naming every rule that states it (the enum, invalidValues rules)
    const rules = [key('validValues'), ...(c.enumFrom?.rules ?? []).map((r) => `${ds.name}:quality:${r}`)];
    out.push({ type: 'expect_column_values_to_be_in_set', kwargs: { column, value_set: f.type.kind.startsWith('int') ? c.enum.map(Number) : c.enum }, meta: { contract_rule: key('validValues'), ...(rules.length > 1 ? { contract_rules: rules } : {}), dimension: 'conformity' } });
  }
  const lo = c.minimum ?? c.exclusiveMinimum;
  const hi = c.maximum ?? c.exclusiveMaximum;
  if (lo !== undefined || hi !== undefined) {
    out.push({
      type: 'expect_column_values_to_be_between',
      kwargs: {
        column,
        ...(lo !== undefined ? { min_value: lo, strict_min: c.exclusiveMinimum !== undefined } : {}),
        ...(hi !== undefined ? { max_value: hi, strict_max: c.exclusiveMaximum !== undefined } : {}),
      },
      meta: { contract_rule: key('range'), dimension: 'accuracy' },
    });
  }
  const maxLen = c.maxLength ?? (f.type.kind === 'string' ? f.type.maxLength : undefined);
  if (c.minLength !== undefined || maxLen !== undefined) {
    out.push({
      type: 'expect_column_value_lengths_to_be_between',
      kwargs: { column, ...(c.minLength !== undefined ? { min_value: c.minLength } : {}), ...(maxLen !== undefined ? { max_value: maxLen } : {}) },
      meta: { contract_rule: key('length'), dimension: 'conformity' },
    });
  }
  if (c.pattern !== undefined) out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column, regex: c.pattern }, meta: { contract_rule: key('pattern'), dimension: 'conformity' } });
  const formatPattern = c.format !== undefined ? FORMAT_PATTERNS[c.format] : undefined;
  if (formatPattern !== undefined) out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column, regex: formatPattern }, meta: { contract_rule: key(`format:${c.format}`), dimension: 'conformity' } });
  if (f.type.kind === 'uuid') out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column, regex: FORMAT_PATTERNS.uuid! }, meta: { contract_rule: key('format:uuid'), dimension: 'conformity' } });
  // inside nested columns (object fields, array items, map keys and values) and the column's item counts: GX has
  // no expectation over a path, so each is a query for the rows that break it
  for (const n of nestedChecks(ds.name, f, FORMAT_PATTERNS)) {
    out.push({
      type: 'unexpected_rows_expectation',
      kwargs: { unexpected_rows_query: `SELECT * FROM {batch} WHERE ${sparkBroken(column, n)}` },
      meta: { contract_rule: n.rule, dimension: DIMENSION[n.test.kind] },
      nested: { column, check: n },
    });
  }
}

const DIMENSION: Record<NestedCheck['test']['kind'], string> = { required: 'completeness', range: 'accuracy', length: 'conformity', pattern: 'conformity', enum: 'conformity', items: 'conformity', unique: 'uniqueness' };

/** Operator → GX bounds on a metric. */
function bounds(q: QualityRule): Bounds<number> | undefined {
  const o = q.operator;
  if (!o) return undefined;
  switch (o.op) {
    case 'mustBe':
      return typeof o.value === 'number' ? { min_value: o.value, max_value: o.value } : undefined;
    case 'mustBeGreaterThan':
      return { min_value: o.value, strict_min: true };
    case 'mustBeGreaterOrEqualTo':
      return { min_value: o.value };
    case 'mustBeLessThan':
      return { max_value: o.value, strict_max: true };
    case 'mustBeLessOrEqualTo':
      return { max_value: o.value };
    case 'mustBeBetween':
      return { min_value: o.value[0], max_value: o.value[1] };
    default:
      return undefined;
  }
}

/** The ODCS quality rules: library metrics, SQL checks and Great Expectations rules written out in the contract. */
function ruleExpectations(ds: Dataset, q: QualityRule, out: Expectation[], problems: Diagnostic[]) {
  const meta: Meta = { contract_rule: `${ds.name}:quality:${q.key}`, ...(q.dimension ? { dimension: q.dimension } : {}), ...(q.severity ? { severity: q.severity } : {}) };
  const f = q.field ? ds.fields.find((x) => x.name === q.field) : undefined;
  // a value set the field's own in-set expectation already checks (and names this rule)
  if (f && q.metric === 'invalidValues' && f.constraints.enumFrom?.rules.includes(q.key)) return;
  const column = f?.physicalName;
  const zero = q.operator?.op === 'mustBe' && q.operator.value === 0;
  const pct = q.unit === 'percent';
  const fail = (why: string) => problems.push(diagnostic('QUALITY_UNTRANSLATED', q.at, `quality rule ${q.key} has no Great Expectations form: ${why}; it is documentation only`));
  if (q.type === 'library') {
    const b = bounds(q);
    switch (q.metric) {
      case 'rowCount':
        if (b) return void out.push({ type: 'expect_table_row_count_to_be_between', kwargs: { ...b }, meta });
        return fail('rowCount needs a numeric operator');
      case 'nullValues':
        if (column && (zero || pct)) return void out.push({ type: 'expect_column_values_to_not_be_null', kwargs: { column, ...(pct && b?.max_value !== undefined ? { mostly: 1 - Number(b.max_value) / 100 } : {}) }, meta });
        return fail('nullValues needs a field and mustBe 0 (or a percent bound)');
      case 'duplicateValues': {
        if (column && zero) return void out.push({ type: 'expect_column_values_to_be_unique', kwargs: { column }, meta });
        const names = q.arguments.properties;
        if (!column && zero && Array.isArray(names) && names.every((n) => typeof n === 'string')) return void out.push({ type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: names }, meta });
        return fail('duplicateValues needs a field (or arguments.properties, a list of names) and mustBe 0');
      }
      case 'invalidValues':
        if (column && Array.isArray(q.arguments.validValues)) return void out.push({ type: 'expect_column_values_to_be_in_set', kwargs: { column, value_set: q.arguments.validValues }, meta });
        if (column && typeof q.arguments.pattern === 'string') return void out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column, regex: q.arguments.pattern }, meta });
        return fail('invalidValues needs a field with arguments.validValues or arguments.pattern');
      case 'missingValues':
        if (column && Array.isArray(q.arguments.missingValues)) return void out.push({ type: 'expect_column_values_to_not_be_in_set', kwargs: { column, value_set: q.arguments.missingValues }, meta });
        return fail('missingValues needs a field and arguments.missingValues');
      default:
        return fail(`unknown metric ${String(q.metric)}`);
    }
  }
  if (q.type === 'sql' && q.query) {
    const rows = zero ? unexpectedRowsQuery(q.query.replace(/\$\{column\}/g, column ?? '${column}')) : undefined;
    if (rows) return void out.push({ type: 'unexpected_rows_expectation', kwargs: { unexpected_rows_query: rows }, meta: { ...meta, ...(q.description ? { description: q.description } : {}) } });
    return fail('only `SELECT COUNT(*) FROM ${table} WHERE …` with mustBe: 0 has an unexpected-rows form');
  }
  if (q.type === 'custom' && q.engine === 'great-expectations' && typeof q.implementation === 'object' && q.implementation) {
    const impl = q.implementation as Record<string, unknown>;
    const type = impl.type ?? impl.expectation_type;
    const kwargs = impl.kwargs;
    if (typeof type === 'string' && type) return void out.push(fromGx(type, typeof kwargs === 'object' && kwargs !== null && !Array.isArray(kwargs) ? (kwargs as Record<string, unknown>) : {}, meta));
  }
  fail(q.type === 'text' ? 'a text rule' : `a ${q.type} rule for ${q.engine ?? 'another engine'}`);
}

/** Each kwarg a known type accepts: its JSON shape, and whether it is required. */
type Shape = 'string' | 'number' | 'boolean' | 'bound' | 'array' | 'strings';
const KWARGS: Record<ExpectationType, Record<string, [Shape, boolean]>> = {
  expect_table_columns_to_match_set: { column_set: ['strings', true], exact_match: ['boolean', true] },
  expect_table_row_count_to_be_between: { min_value: ['number', false], strict_min: ['boolean', false], max_value: ['number', false], strict_max: ['boolean', false] },
  expect_compound_columns_to_be_unique: { column_list: ['strings', true] },
  expect_column_values_to_be_of_type: { column: ['string', true], type_: ['string', true] },
  expect_column_values_to_not_be_null: { column: ['string', true], mostly: ['number', false] },
  expect_column_values_to_be_unique: { column: ['string', true] },
  expect_column_values_to_be_in_set: { column: ['string', true], value_set: ['array', true], mostly: ['number', false] },
  expect_column_values_to_not_be_in_set: { column: ['string', true], value_set: ['array', true], mostly: ['number', false] },
  expect_column_values_to_be_between: { column: ['string', true], min_value: ['bound', false], strict_min: ['boolean', false], max_value: ['bound', false], strict_max: ['boolean', false], mostly: ['number', false] },
  expect_column_value_lengths_to_be_between: { column: ['string', true], min_value: ['number', false], strict_min: ['boolean', false], max_value: ['number', false], strict_max: ['boolean', false], mostly: ['number', false] },
  expect_column_values_to_match_regex: { column: ['string', true], regex: ['string', true], mostly: ['number', false] },
  unexpected_rows_expectation: { unexpected_rows_query: ['string', true] },
};

function fits(v: unknown, shape: Shape): boolean {
  switch (shape) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'bound':
      return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

/**
 * An expectation a contract writes in GX terms: typed when its type is one contractgen knows and its kwargs are
 * exactly that type's (so `contractgen test` runs it), a custom one otherwise. The kwargs object is kept as
 * written, so the suite file carries it unchanged either way.
 */
export function fromGx(type: string, kwargs: Record<string, unknown>, meta: Meta): Expectation {
  const spec = Object.hasOwn(KWARGS, type) ? KWARGS[type as ExpectationType] : undefined;
  const known =
    spec !== undefined &&
    Object.entries(kwargs).every(([k, v]) => Object.hasOwn(spec, k) && fits(v, spec[k]![0])) &&
    Object.entries(spec).every(([k, [, required]]) => !required || Object.hasOwn(kwargs, k));
  return known ? ({ type, kwargs, meta } as KnownExpectation) : { type: 'custom', gxType: type, kwargs, meta };
}

/** A dataset's suite, and a QUALITY_UNTRANSLATED warning for every rule that has no GX form. */
export function buildSuite(ds: Dataset): { suite: Suite; problems: Diagnostic[] } {
  const out: Expectation[] = [];
  const problems: Diagnostic[] = [];
  out.push({ type: 'expect_table_columns_to_match_set', kwargs: { column_set: ds.fields.map((f) => f.physicalName), exact_match: true }, meta: { contract_rule: `${ds.name}:columns` } });
  if (ds.primaryKey.length > 1) {
    const byName = new Map(ds.fields.map((f) => [f.name, f]));
    out.push({ type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ds.primaryKey.map((n) => byName.get(n)!.physicalName) }, meta: { contract_rule: `${ds.name}:primaryKey`, dimension: 'uniqueness' } });
  }
  for (const f of ds.fields) fieldExpectations(ds, f, out);
  for (const f of ds.fields) for (const q of f.quality) ruleExpectations(ds, q, out, problems);
  for (const q of ds.quality) ruleExpectations(ds, q, out, problems);
  return { suite: { name: lakeName(ds), dataset: ds.name, contract: { id: ds.contract.id, version: ds.contract.version }, expectations: out }, problems };
}
