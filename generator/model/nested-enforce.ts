/**
 * What the relational sources can enforce inside nested columns, decided once, without SQL: the DDL targets emit
 * their CHECKs from it (targets/lang/sql-nested.ts), and the targets' capability declarations (targets/
 * capabilities.ts) report what they cannot enforce as CONSTRAINT_UNENFORCED warnings, for lint and generate alike.
 *
 * - PostgreSQL (jsonb, SQL/JSON path): a range of times or timestamps inside JSON (text with any offset) is not
 *   comparable; everything else is enforced.
 * - MySQL (JSON_SCHEMA_VALID against a JSON Schema draft 4): patterns and formats (MySQL's JSON Schema regular
 *   expressions are not the contract's ECMAScript; formats are not checked), ranges of dates and times (text in
 *   JSON) and constraints on map keys are left out.
 */
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { FORMAT_PATTERNS } from './formats.js';
import type { Constraints, Field, LogicalType, SourceRef } from './ir.js';
import { isNested, isNumericType, nestedChecks, type NestedCheck } from './nested.js';

/** The JSON type a value of this logical type has inside a JSON document. */
export function jsonTypeOf(t: LogicalType): string | undefined {
  if (t.kind === 'json') return undefined;
  if (t.kind === 'object' || t.kind === 'map') return 'object';
  if (t.kind === 'array') return 'array';
  if (t.kind === 'boolean') return 'boolean';
  if (isNumericType(t)) return 'number';
  return 'string';
}

/** PostgreSQL cannot say this nested check inside jsonb: a range of time or timestamp values. */
export function pgJsonUnenforced(c: NestedCheck): boolean {
  return c.test.kind === 'range' && !isNumericType(c.type) && c.type.kind !== 'date';
}

export type JsonSchema4 = Record<string, unknown>;

/** A JSON Schema (draft 4, what JSON_SCHEMA_VALID reads) of a nested type's constraints; `skip` collects what it leaves out. */
function schema4(t: LogicalType, c: Constraints, nullable: boolean, at: SourceRef, rule: string, skip: Array<{ at: SourceRef; what: string }>): JsonSchema4 {
  const s: JsonSchema4 = {};
  const want = jsonTypeOf(t);
  const type = t.kind === 'int16' || t.kind === 'int32' || t.kind === 'int64' ? 'integer' : want;
  if (type) s.type = nullable ? [type, 'null'] : type;
  if (t.kind === 'object') {
    s.properties = Object.fromEntries(t.fields.map((g) => [g.physicalName, schema4(g.type, g.constraints, !g.required, g.at, `${rule}.${g.name}`, skip)]));
    const req = t.fields.filter((g) => g.required).map((g) => g.physicalName);
    if (req.length) s.required = req;
  }
  if (t.kind === 'array') {
    s.items = schema4(t.items.type, t.items.constraints, !t.items.required, t.items.at, `${rule}[]`, skip);
    if (c.minItems !== undefined) s.minItems = c.minItems;
    if (c.maxItems !== undefined) s.maxItems = c.maxItems;
    if (c.uniqueItems) s.uniqueItems = true;
  }
  if (t.kind === 'map') {
    s.additionalProperties = schema4(t.value.type, t.value.constraints, !t.value.required, t.value.at, `${rule}{value}`, skip);
    if (c.minItems !== undefined) s.minProperties = c.minItems;
    if (c.maxItems !== undefined) s.maxProperties = c.maxItems;
    if (t.key.constraints.pattern !== undefined || t.key.constraints.format !== undefined || t.key.constraints.enum || t.key.constraints.minLength !== undefined || t.key.constraints.maxLength !== undefined) {
      skip.push({ at: t.key.at, what: `${rule}{key} (JSON Schema draft 4 has no constraint on property names)` });
    }
  }
  if (c.enum) s.enum = [...c.enum.map((v) => (t.kind.startsWith('int') ? Number(v) : v)), ...(nullable ? [null] : [])];
  if (isNumericType(t)) {
    const lo = c.exclusiveMinimum ?? c.minimum;
    const hi = c.exclusiveMaximum ?? c.maximum;
    if (lo !== undefined) Object.assign(s, { minimum: Number(lo) }, c.exclusiveMinimum !== undefined ? { exclusiveMinimum: true } : {});
    if (hi !== undefined) Object.assign(s, { maximum: Number(hi) }, c.exclusiveMaximum !== undefined ? { exclusiveMaximum: true } : {});
  } else if (c.minimum !== undefined || c.maximum !== undefined || c.exclusiveMinimum !== undefined || c.exclusiveMaximum !== undefined) {
    skip.push({ at, what: `${rule}:range (${t.kind} values are text inside JSON)` });
  }
  const maxLength = c.maxLength ?? (t.kind === 'string' ? t.maxLength : undefined);
  if (c.minLength !== undefined) s.minLength = c.minLength;
  if (maxLength !== undefined) s.maxLength = maxLength;
  if (c.pattern !== undefined) skip.push({ at, what: `${rule}:pattern (JSON_SCHEMA_VALID's regular expressions are not the contract's ECMAScript ones)` });
  if (c.format !== undefined && FORMAT_PATTERNS[c.format] !== undefined) skip.push({ at, what: `${rule}:format:${c.format} (JSON_SCHEMA_VALID does not check formats)` });
  if (t.kind === 'uuid') skip.push({ at, what: `${rule}:format:uuid (JSON_SCHEMA_VALID does not check formats)` });
  return s;
}

/** The JSON Schema (draft 4) MySQL's CHECK validates a nested column against; `skip` collects what it leaves out. */
export function mysqlJsonSchema(dataset: string, f: Field, skip: Array<{ at: SourceRef; what: string }> = []): JsonSchema4 {
  return schema4(f.type, f.constraints, false, f.at, `${dataset}.${f.name}`, skip);
}

const unenforced = (at: SourceRef, target: string, what: string) => diagnostic('CONSTRAINT_UNENFORCED', at, `${target} cannot enforce ${what}; the quality suites and the Spark job check it`);

/** The CONSTRAINT_UNENFORCED warnings of one column for a PostgreSQL or MySQL source. */
export function nestedUnenforced(source: 'postgres' | 'mysql', dataset: string, f: Field): Diagnostic[] {
  if (!isNested(f.type) || f.type.kind === 'json') return [];
  if (source === 'postgres') {
    // a native array of scalars is checked with ALL and helpers: every check is enforced
    if (f.type.kind === 'array' && !isNested(f.type.items.type)) return [];
    return nestedChecks(dataset, f, FORMAT_PATTERNS)
      .filter(pgJsonUnenforced)
      .map((c) => unenforced(c.at, 'postgres', `${c.rule} (a range of ${c.type.kind} values inside JSON, which JSON holds as text with any offset)`));
  }
  const skip: Array<{ at: SourceRef; what: string }> = [];
  mysqlJsonSchema(dataset, f, skip);
  return skip.map((s) => unenforced(s.at, 'mysql', s.what));
}
