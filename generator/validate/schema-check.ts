/**
 * Runs one of our JSON Schemas over a loaded YAML document and turns Ajv's errors into positioned diagnostics
 * that point at the offending key or value, with stable rule IDs:
 *   SCHEMA_UNKNOWN_KEY, SCHEMA_REQUIRED, SCHEMA_TYPE, SCHEMA_ENUM, SCHEMA_VALUE.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RuleId } from '../diagnostics/rules.js';
import type { LoadedYaml, PathSeg } from '../load/yaml.js';
import { loadCompiled } from './compiled.js';
import { ODCS_32_OBJECT_KEYS, ODCS_32_PROPERTY_KEYS, odcs32Schema, odcsSchema } from './schemas/odcs.js';
import { dcsSchema } from './schemas/dcs.js';
import { configSchema } from './schemas/config.js';

/** `odcs`: ODCS v3.0.x and v3.1.0; `odcs32`: ODCS v3.2.0 (checkSchema picks it by the contract's apiVersion). */
export type SchemaKind = 'odcs' | 'odcs32' | 'dcs' | 'config';

const require = createRequire(import.meta.url);
const cache = new Map<SchemaKind, ValidateFunction>();

export const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: true };

/**
 * The validator for a schema kind: the standalone code compiled at build time (dist/validate/compiled, see
 * generator/build/postbuild.ts, loaded by compiled.ts) when it exists, else compiled now. Ajv draft 2019-09 for ODCS (it
 * relies on unevaluatedProperties), draft-07 for the others.
 */
export function validator(kind: SchemaKind, mode: 'auto' | 'runtime' = 'auto'): ValidateFunction {
  let v = mode === 'auto' ? cache.get(kind) : undefined;
  if (!v && mode === 'auto') {
    // the build's standalone code, with V8's code cache (compiled.ts); none when running from source
    v = loadCompiled(kind)?.exports as ValidateFunction | undefined;
  }
  if (!v) {
    const addFormats = require('ajv-formats') as (a: unknown) => void;
    const opts = AJV_OPTIONS;
    if (kind === 'odcs' || kind === 'odcs32') {
      const Ajv2019 = require('ajv/dist/2019').default;
      const ajv = new Ajv2019(opts);
      addFormats(ajv);
      v = ajv.compile(kind === 'odcs' ? odcsSchema : odcs32Schema) as ValidateFunction;
    } else {
      const Ajv = require('ajv').default;
      const ajv = new Ajv(opts);
      addFormats(ajv);
      v = ajv.compile(kind === 'dcs' ? dcsSchema : configSchema) as ValidateFunction;
    }
  }
  if (mode === 'auto') cache.set(kind, v);
  return v;
}

export function parsePointer(p: string): PathSeg[] {
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function getAt(data: unknown, path: readonly PathSeg[]): unknown {
  let cur: unknown = data;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(s)];
  }
  return cur;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** `schema[0].properties[2]`: where an object is, for messages about the object itself. */
export function jsonPath(path: readonly PathSeg[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || 'the document root';
}

function describePath(path: readonly PathSeg[]): string {
  const last = [...path].reverse().find((s) => typeof s === 'string');
  return last === undefined ? 'value' : `"${String(last)}"`;
}

const OPERATOR_HINT =
  'a quality check needs exactly one operator: mustBe, mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween or mustNotBeBetween';

/** The schema a document is checked against: an ODCS contract by its apiVersion. */
export function schemaKindOf(kind: SchemaKind, data: unknown): SchemaKind {
  const v32 = kind === 'odcs' && typeof data === 'object' && data !== null && (data as Record<string, unknown>).apiVersion === 'v3.2.0';
  return v32 ? 'odcs32' : kind;
}

export function checkSchema(kind: SchemaKind, doc: LoadedYaml): Diagnostic[] {
  const k = schemaKindOf(kind, doc.data);
  const v = validator(k);
  if (v(doc.data)) return [];
  return mapErrors(v.errors ?? [], doc, k === 'odcs');
}

/** A key ODCS v3.2.0 adds, in a contract checked as v3.0/v3.1: say how to get it. */
function v32Hint(path: readonly PathSeg[], key: string): string {
  const inProperty = path.includes('properties') || path.includes('items');
  const known = inProperty ? (ODCS_32_PROPERTY_KEYS as readonly string[]).includes(key) : (ODCS_32_OBJECT_KEYS as readonly string[]).includes(key);
  return known ? ` (ODCS v3.2.0 adds "${key}": declare apiVersion: v3.2.0 to use it)` : '';
}

export function mapErrors(errors: readonly ErrorObject[], doc: LoadedYaml, odcs31 = false): Diagnostic[] {
  // Composite keywords (oneOf/anyOf/not) carry the failures of their branches too: keep only the composite.
  const composites = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const inBranch = (e: ErrorObject) =>
    composites.some((c) => c !== e && e.schemaPath.startsWith(c.schemaPath.replace(/\/(oneOf|anyOf)$/, '/$1/')));
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || inBranch(e)) continue;
    const path = parsePointer(e.instancePath);
    const value = getAt(doc.data, path);
    const d = (rule: RuleId, message: string, at = doc.pos(path)) => out.push(diagnostic(rule, { file: doc.file, ...at }, message));
    switch (e.keyword) {
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const key = String((e.params as { additionalProperty?: string; unevaluatedProperty?: string }).additionalProperty ?? (e.params as { unevaluatedProperty?: string }).unevaluatedProperty);
        d('SCHEMA_UNKNOWN_KEY', `unknown key "${key}" in ${jsonPath(path)}${odcs31 ? v32Hint(path, key) : ''}`, doc.keyPos([...path, key]));
        break;
      }
      case 'required': {
        const key = (e.params as { missingProperty: string }).missingProperty;
        // at the key that holds the incomplete object (for a list item: the item itself)
        d('SCHEMA_REQUIRED', `missing required key "${key}" in ${jsonPath(path)}`, doc.keyPos(path));
        break;
      }
      case 'type': {
        const want = (e.params as { type: string | string[] }).type;
        d('SCHEMA_TYPE', `${describePath(path)} must be ${Array.isArray(want) ? want.join(' or ') : want}, not ${typeOf(value)}`);
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        d('SCHEMA_ENUM', `${describePath(path)} has unknown value ${show(value)}; expected one of: ${allowed.map((a) => String(a)).join(', ')}`);
        break;
      }
      case 'const':
        d('SCHEMA_ENUM', `${describePath(path)} must be ${show((e.params as { allowedValue: unknown }).allowedValue)}`);
        break;
      case 'oneOf':
      case 'anyOf':
        if (e.schemaPath.includes('DataQualityOperators')) d('SCHEMA_VALUE', OPERATOR_HINT);
        else d('SCHEMA_VALUE', `${describePath(path)} ${show(value)} matches none of the allowed forms`);
        break;
      case 'not':
        d('SCHEMA_VALUE', `${describePath(path)} is not allowed here`, doc.pos(path));
        break;
      default:
        d('SCHEMA_VALUE', `${describePath(path)} ${e.message ?? 'is invalid'}`);
    }
  }
  return out;
}
