/**
 * Walking nested types: the elements (array items, map keys and values) and the fields (of objects, found
 * through arrays and maps) under a type, and the paths from a column down to each constrained value. Targets and
 * the quality suites render these paths in their own language; nothing here knows one.
 */
import type { Constraints, Element, Field, LogicalType, SourceRef } from './ir.js';

/** A type that is not one column value of a scalar type: it holds other values, or JSON text. */
export function isNested(t: LogicalType): boolean {
  return t.kind === 'object' || t.kind === 'array' || t.kind === 'map' || t.kind === 'json';
}

/** The elements directly under a type: an array's items, a map's key and value. */
export function elementsOf(t: LogicalType): Element[] {
  if (t.kind === 'array') return [t.items];
  if (t.kind === 'map') return [t.key, t.value];
  return [];
}

/** The fields of the objects directly under a type, through arrays and maps (not through other objects). */
export function nestedFieldsOf(t: LogicalType): Field[] {
  if (t.kind === 'object') return t.fields;
  return elementsOf(t).flatMap((e) => nestedFieldsOf(e.type));
}

/** Levels of nesting in a type: 0 for a scalar, one more for each object, array or map around a value. */
export function typeDepth(t: LogicalType, limit = 64): number {
  if (limit <= 0) return 0;
  if (t.kind === 'object') return 1 + Math.max(0, ...t.fields.map((f) => typeDepth(f.type, limit - 1)));
  if (t.kind === 'array' || t.kind === 'map') return 1 + Math.max(0, ...elementsOf(t).map((e) => typeDepth(e.type, limit - 1)));
  return 0;
}

/** One step from a value to a value inside it. */
export type Step = { kind: 'field'; name: string } | { kind: 'items' } | { kind: 'keys' } | { kind: 'values' };

/** What must hold of every value a path reaches. */
export type Test =
  /** not null (a required object field: present and not null where its object is not null; a required element) */
  | { kind: 'required' }
  | { kind: 'range'; minimum?: number | string; maximum?: number | string; exclusiveMinimum?: number | string; exclusiveMaximum?: number | string }
  | { kind: 'length'; minLength?: number; maxLength?: number }
  | { kind: 'pattern'; regex: string; what: 'pattern' | `format:${string}` }
  | { kind: 'enum'; values: string[]; numeric: boolean }
  /** number of array items or map entries */
  | { kind: 'items'; minItems?: number; maxItems?: number }
  | { kind: 'unique' };

/**
 * A constraint on a value below a column (or on the column itself, for array and map constraints), with the
 * contract rule it enforces: `<dataset>.<path>:<what>`, where the path names fields with dots, array items as
 * `[]` and map keys and values as `{key}` and `{value}`.
 */
export interface NestedCheck {
  rule: string;
  /** from the column value to the constrained value; the step before a `required` test's last field is its object */
  path: Step[];
  /** the type of the value the path reaches */
  type: LogicalType;
  test: Test;
  at: SourceRef;
}

const NUMERIC = new Set(['int16', 'int32', 'int64', 'float32', 'float64', 'decimal']);

/** The tests a value's own constraints ask for (the constraints of a nested field or of an element). */
export function testsOf(type: LogicalType, c: Constraints, formats: Record<string, string>): Array<{ what: string; test: Test }> {
  const out: Array<{ what: string; test: Test }> = [];
  if (c.enum) out.push({ what: 'validValues', test: { kind: 'enum', values: c.enum, numeric: type.kind.startsWith('int') } });
  if (c.minimum !== undefined || c.maximum !== undefined || c.exclusiveMinimum !== undefined || c.exclusiveMaximum !== undefined) {
    out.push({
      what: 'range',
      test: {
        kind: 'range',
        ...(c.minimum !== undefined ? { minimum: c.minimum } : {}),
        ...(c.maximum !== undefined ? { maximum: c.maximum } : {}),
        ...(c.exclusiveMinimum !== undefined ? { exclusiveMinimum: c.exclusiveMinimum } : {}),
        ...(c.exclusiveMaximum !== undefined ? { exclusiveMaximum: c.exclusiveMaximum } : {}),
      },
    });
  }
  const maxLength = c.maxLength ?? (type.kind === 'string' ? type.maxLength : undefined);
  if (c.minLength !== undefined || maxLength !== undefined) out.push({ what: 'length', test: { kind: 'length', ...(c.minLength !== undefined ? { minLength: c.minLength } : {}), ...(maxLength !== undefined ? { maxLength } : {}) } });
  if (c.pattern !== undefined) out.push({ what: 'pattern', test: { kind: 'pattern', regex: c.pattern, what: 'pattern' } });
  const fmt = c.format !== undefined ? formats[c.format] : type.kind === 'uuid' ? formats.uuid : undefined;
  if (fmt !== undefined) out.push({ what: `format:${c.format ?? 'uuid'}`, test: { kind: 'pattern', regex: fmt, what: `format:${c.format ?? 'uuid'}` } });
  if (c.minItems !== undefined || c.maxItems !== undefined) out.push({ what: 'items', test: { kind: 'items', ...(c.minItems !== undefined ? { minItems: c.minItems } : {}), ...(c.maxItems !== undefined ? { maxItems: c.maxItems } : {}) } });
  if (c.uniqueItems) out.push({ what: 'uniqueItems', test: { kind: 'unique' } });
  return out;
}

/** Whether a numeric bound is numeric for this type (temporal bounds are strings). */
export const isNumericType = (t: LogicalType) => NUMERIC.has(t.kind);

/** The label of a path for rule names and messages: `pickup.lat`, `stops[].lat`, `attributes{value}`. */
export function pathLabel(column: string, path: readonly Step[]): string {
  let s = column;
  for (const p of path) s += p.kind === 'field' ? `.${p.name}` : p.kind === 'items' ? '[]' : p.kind === 'keys' ? '{key}' : '{value}';
  return s;
}

/**
 * Every constraint below a column, and the column's own array and map constraints (item counts, unique items),
 * as paths from the column value. The column's scalar constraints (its value set, range, length, pattern) are
 * not here: each target checks those on the column as it always has.
 */
export function nestedChecks(dataset: string, f: Field, formats: Record<string, string>): NestedCheck[] {
  const out: NestedCheck[] = [];
  const own = testsOf(f.type, f.constraints, formats).filter((t) => t.test.kind === 'items' || t.test.kind === 'unique');
  for (const t of own) out.push({ rule: `${dataset}.${f.name}:${t.what}`, path: [], type: f.type, test: t.test, at: f.at });
  walk(dataset, f.name, f.type, [], formats, out, 0);
  return out;
}

function walk(dataset: string, label: string, t: LogicalType, path: Step[], formats: Record<string, string>, out: NestedCheck[], depth: number) {
  if (depth > 32) return;
  if (t.kind === 'object') {
    for (const g of t.fields) {
      const p: Step[] = [...path, { kind: 'field', name: g.physicalName }];
      const name = `${label}.${g.name}`;
      if (g.required) out.push({ rule: `${dataset}.${name}:required`, path: p, type: g.type, test: { kind: 'required' }, at: g.at });
      for (const x of testsOf(g.type, g.constraints, formats)) out.push({ rule: `${dataset}.${name}:${x.what}`, path: p, type: g.type, test: x.test, at: g.at });
      walk(dataset, name, g.type, p, formats, out, depth + 1);
    }
    return;
  }
  const parts: Array<[Element, Step, string]> = t.kind === 'array' ? [[t.items, { kind: 'items' }, '[]']] : t.kind === 'map' ? [[t.key, { kind: 'keys' }, '{key}'], [t.value, { kind: 'values' }, '{value}']] : [];
  for (const [e, step, suffix] of parts) {
    const p = [...path, step];
    const name = `${label}${suffix}`;
    if (e.required && step.kind !== 'keys') out.push({ rule: `${dataset}.${name}:required`, path: p, type: e.type, test: { kind: 'required' }, at: e.at });
    for (const x of testsOf(e.type, e.constraints, formats)) out.push({ rule: `${dataset}.${name}:${x.what}`, path: p, type: e.type, test: x.test, at: e.at });
    walk(dataset, name, e.type, p, formats, out, depth + 1);
  }
}
