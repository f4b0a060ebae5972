/**
 * `quality` target: a Great-Expectations suite per dataset (GX 1.x format; 0.18 with `quality.gxVersion`), from
 * every constraint and quality rule of the contract: required and key fields, value sets, ranges, patterns and
 * formats, lengths, types, the ODCS quality rules (library metrics and SQL checks), the row count and the column
 * set. Every expectation's meta names the contract element it came from (`contract_rule`), and a rule that
 * cannot be expressed is reported, never dropped: the coverage test holds the target to it.
 */
import { createHash } from 'node:crypto';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { FORMAT_PATTERNS } from '../model/formats.js';
import type { Dataset, Field, QualityRule } from '../model/ir.js';
import { lakeName } from '../model/naming.js';
import { mapType } from '../model/types.js';
import type { OutputFile, Target } from './target.js';

export interface Expectation {
  type: string;
  kwargs: Record<string, unknown>;
  /** contract_rule: what in the contract asked for it */
  meta: { contract_rule: string; dimension?: string; severity?: string };
}

/** A deterministic UUID (GX 1.x wants ids): sha256 of the name, laid out as a version-5-style UUID. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const numberOrString = (v: unknown) => (typeof v === 'number' ? v : String(v));

/** `SELECT COUNT(*) FROM ${table} WHERE <cond>` with `mustBe: 0` → the rows that break it, as GX's UnexpectedRowsExpectation wants. */
export function unexpectedRowsQuery(query: string): string | undefined {
  const m = /^\s*select\s+count\s*\(\s*\*\s*\)\s+from\s+\$\{table\}\s+where\s+([\s\S]+?)\s*;?\s*$/i.exec(query);
  return m ? `SELECT * FROM {batch} WHERE ${m[1]}` : undefined;
}

function fieldExpectations(ds: Dataset, f: Field, out: Expectation[]) {
  const col = f.physicalName;
  const key = (what: string) => `${ds.name}.${f.name}:${what}`;
  out.push({ type: 'expect_column_values_to_be_of_type', kwargs: { column: col, type_: mapType(f.type).gx }, meta: { contract_rule: key('type') } });
  if (f.required) out.push({ type: 'expect_column_values_to_not_be_null', kwargs: { column: col }, meta: { contract_rule: key(f.primaryKey ? 'primaryKey' : 'required'), dimension: 'completeness' } });
  if (f.unique || (f.primaryKey && ds.primaryKey.length === 1)) out.push({ type: 'expect_column_values_to_be_unique', kwargs: { column: col }, meta: { contract_rule: key(f.unique ? 'unique' : 'primaryKey'), dimension: 'uniqueness' } });
  const c = f.constraints;
  if (c.enum) out.push({ type: 'expect_column_values_to_be_in_set', kwargs: { column: col, value_set: f.type.kind.startsWith('int') ? c.enum.map(Number) : c.enum }, meta: { contract_rule: key('validValues'), dimension: 'conformity' } });
  const lo = c.minimum ?? c.exclusiveMinimum;
  const hi = c.maximum ?? c.exclusiveMaximum;
  if (lo !== undefined || hi !== undefined) {
    out.push({
      type: 'expect_column_values_to_be_between',
      kwargs: {
        column: col,
        ...(lo !== undefined ? { min_value: numberOrString(lo), strict_min: c.exclusiveMinimum !== undefined } : {}),
        ...(hi !== undefined ? { max_value: numberOrString(hi), strict_max: c.exclusiveMaximum !== undefined } : {}),
      },
      meta: { contract_rule: key('range'), dimension: 'accuracy' },
    });
  }
  const maxLen = c.maxLength ?? (f.type.kind === 'string' ? f.type.maxLength : undefined);
  if (c.minLength !== undefined || maxLen !== undefined) {
    out.push({
      type: 'expect_column_value_lengths_to_be_between',
      kwargs: { column: col, ...(c.minLength !== undefined ? { min_value: c.minLength } : {}), ...(maxLen !== undefined ? { max_value: maxLen } : {}) },
      meta: { contract_rule: key('length'), dimension: 'conformity' },
    });
  }
  if (c.pattern !== undefined) out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column: col, regex: c.pattern }, meta: { contract_rule: key('pattern'), dimension: 'conformity' } });
  if (c.format !== undefined && FORMAT_PATTERNS[c.format]) out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column: col, regex: FORMAT_PATTERNS[c.format] }, meta: { contract_rule: key(`format:${c.format}`), dimension: 'conformity' } });
  if (f.type.kind === 'uuid') out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column: col, regex: FORMAT_PATTERNS.uuid }, meta: { contract_rule: key('format:uuid'), dimension: 'conformity' } });
}

/** Operator → GX bounds on a metric: [min_value, max_value, strict_min, strict_max]. */
function bounds(q: QualityRule): Record<string, unknown> | undefined {
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

/** The ODCS quality rules: library metrics and SQL checks. */
function ruleExpectations(ds: Dataset, q: QualityRule, out: Expectation[], problems: Diagnostic[]) {
  const meta = { contract_rule: `${ds.name}:quality:${q.key}`, ...(q.dimension ? { dimension: q.dimension } : {}), ...(q.severity ? { severity: q.severity } : {}) };
  const f = q.field ? ds.fields.find((x) => x.name === q.field) : undefined;
  const col = f?.physicalName;
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
        if (col && (zero || pct)) return void out.push({ type: 'expect_column_values_to_not_be_null', kwargs: { column: col, ...(pct && b?.max_value !== undefined ? { mostly: 1 - Number(b.max_value) / 100 } : {}) }, meta });
        return fail('nullValues needs a field and mustBe 0 (or a percent bound)');
      case 'duplicateValues':
        if (col && zero) return void out.push({ type: 'expect_column_values_to_be_unique', kwargs: { column: col }, meta });
        if (!col && zero && Array.isArray(q.arguments.properties)) return void out.push({ type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: q.arguments.properties }, meta });
        return fail('duplicateValues needs a field (or arguments.properties) and mustBe 0');
      case 'invalidValues':
        if (col && Array.isArray(q.arguments.validValues)) return void out.push({ type: 'expect_column_values_to_be_in_set', kwargs: { column: col, value_set: q.arguments.validValues, ...(zero ? {} : {}) }, meta });
        if (col && typeof q.arguments.pattern === 'string') return void out.push({ type: 'expect_column_values_to_match_regex', kwargs: { column: col, regex: q.arguments.pattern }, meta });
        return fail('invalidValues needs a field with arguments.validValues or arguments.pattern');
      case 'missingValues':
        if (col && Array.isArray(q.arguments.missingValues)) return void out.push({ type: 'expect_column_values_to_not_be_in_set', kwargs: { column: col, value_set: q.arguments.missingValues }, meta });
        return fail('missingValues needs a field and arguments.missingValues');
      default:
        return fail(`unknown metric ${String(q.metric)}`);
    }
  }
  if (q.type === 'sql' && q.query) {
    const rows = zero ? unexpectedRowsQuery(q.query.replace(/\$\{column\}/g, col ?? '${column}')) : undefined;
    if (rows) return void out.push({ type: 'unexpected_rows_expectation', kwargs: { unexpected_rows_query: rows }, meta: { ...meta, ...(q.description ? { description: q.description } : {}) } as Expectation['meta'] });
    return fail('only `SELECT COUNT(*) FROM ${table} WHERE …` with mustBe: 0 has an unexpected-rows form');
  }
  if (q.type === 'custom' && q.engine === 'great-expectations' && typeof q.implementation === 'object' && q.implementation) {
    const impl = q.implementation as Record<string, unknown>;
    const type = (impl.type ?? impl.expectation_type) as string | undefined;
    if (type) return void out.push({ type, kwargs: (impl.kwargs as Record<string, unknown>) ?? {}, meta });
  }
  fail(q.type === 'text' ? 'a text rule' : `a ${q.type} rule for ${q.engine ?? 'another engine'}`);
}

export function datasetExpectations(ds: Dataset): { expectations: Expectation[]; problems: Diagnostic[] } {
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
  return { expectations: out, problems };
}

export const qualityTarget: Target = {
  id: 'quality',
  description: 'Great Expectations suites (GX 1.x, or 0.18): every constraint and quality rule of each dataset, traced to the contract',
  run(model, ctx) {
    const files: OutputFile[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const ds of model.datasets) {
      const { expectations, problems } = datasetExpectations(ds);
      diagnostics.push(...problems);
      const name = lakeName(ds);
      const suite =
        ctx.config.quality.gxVersion === '1.x'
          ? {
              name,
              id: stableUuid(`suite:${name}`),
              expectations: expectations.map((e, i) => ({ type: e.type, kwargs: e.kwargs, meta: e.meta, id: stableUuid(`${name}:${i}:${e.type}:${e.meta.contract_rule}`) })),
              meta: { great_expectations_version: '1.2.0', contract_id: ds.contract.id, contract_version: ds.contract.version, generated_by: 'contractgen' },
              notes: `Expectations from data contract ${ds.contract.id} ${ds.contract.version}, dataset ${ds.name}.`,
            }
          : {
              expectation_suite_name: name,
              ge_cloud_id: null,
              data_asset_type: null,
              expectations: expectations.map((e) => ({ expectation_type: e.type, kwargs: e.kwargs, meta: e.meta })),
              meta: { great_expectations_version: '0.18.21', contract_id: ds.contract.id, contract_version: ds.contract.version, generated_by: 'contractgen' },
            };
      files.push({ path: `${name}.json`, content: JSON.stringify(suite, null, 2) + '\n', kind: 'json', sources: [ds.contract.file] });
    }
    return { files, diagnostics };
  },
};
