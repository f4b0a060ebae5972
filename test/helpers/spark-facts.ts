/**
 * The Spark facts of test/facts/spark/ as typed values, and the rules they state as functions: what an expected
 * input type accepts, the implicit casts of each version and ANSI mode, common types, which CASTs the analyzer
 * allows, which casts fail on a value at run time, and what createDataFrame's verifier accepts. The rules are
 * interpreted from the facts files where they are data (implicit casts, CAST pairs, type classes, precedence);
 * where a fact is prose (common types, store assignment), the function below follows it and names it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './reference.js';
import { decimal, isAtomic, isDatetime, isFractional, isIntegral, isNumeric, parseDdl, sameType, show, t, type SparkType } from './spark-types.js';

export type Version = '3.5' | '4.0';
/** The analyzer's rule set: a Spark version and whether spark.sql.ansi.enabled is on. */
export interface Mode {
  version: Version;
  ansi: boolean;
}
export const modeLabel = (m: Mode) => `Spark ${m.version}${m.ansi ? ' ANSI' : ' non-ANSI'}`;

export interface ArgFact {
  name: string;
  type: string | string[];
  optional?: boolean;
  variadic?: boolean;
  literal?: boolean;
  ddl?: boolean;
  min?: number;
}
export interface FunctionFact {
  name: string;
  aliases?: string[];
  class: string;
  file: string;
  typeCheck: string;
  args: ArgFact[];
  /** a higher-order function's lambda must return this type (its functionType) */
  lambdaResult?: string;
  result: string;
  aggregate?: boolean;
  window?: { ordered: boolean; frame: string };
  sources: string[];
}
interface CastRule {
  from: string;
  to: string;
  when?: string;
  unlessTo?: string;
  result: string;
}
interface Source {
  id: string;
  repo: string;
  version: string;
  commit: string;
}
export interface FactsFile {
  sources: Source[];
  [k: string]: unknown;
}

const FACTS_DIR = join(ROOT, 'test/facts/spark');
export const readFacts = <T = FactsFile>(file: string): T => JSON.parse(readFileSync(join(FACTS_DIR, file), 'utf8')) as T;

interface Coercion extends FactsFile {
  classes: Record<string, string[]>;
  numericPrecedence: { order: string[] };
  decimalForType: { map: Record<string, string> };
  defaultConcreteType: { map: Record<string, string> };
  implicitCast: Record<'legacy' | 'ansi' | 'ansi_4_0', { versions: Version[]; rules: CastRule[] }>;
  cast: { legacy: string[][]; ansi: string[][] };
}
interface Functions extends FactsFile {
  functions: FunctionFact[];
}

let loaded: { coercion: Coercion; functions: Map<string, FunctionFact> } | undefined;
function load() {
  if (!loaded) {
    const coercion = readFacts<Coercion>('coercion.json');
    const fns = readFacts<Functions>('functions.json');
    const functions = new Map<string, FunctionFact>();
    for (const f of fns.functions) for (const n of [f.name, ...(f.aliases ?? [])]) functions.set(n.toLowerCase(), f);
    loaded = { coercion, functions };
  }
  return loaded;
}

export const functionFact = (name: string): FunctionFact | undefined => load().functions.get(name.toLowerCase());

// ---------------------------------------------------------------------------------------------- expected types

/** An AbstractDataType an argument expects: a concrete type, an abstract class (@numeric …), or a TypeCollection. */
export type Expected = { concrete: SparkType } | { abstract: string } | { collection: Expected[] } | { lambda: true };

export function expected(spec: string | string[]): Expected {
  if (Array.isArray(spec)) return { collection: spec.map((s) => expected(s)) };
  if (spec === 'lambda') return { lambda: true };
  if (spec.startsWith('@')) return { abstract: spec };
  return { concrete: parseDdl(spec) };
}

export function showExpected(e: Expected): string {
  if ('concrete' in e) return show(e.concrete, true);
  if ('abstract' in e) return { '@any': 'ANY', '@numeric': 'NUMERIC', '@integral': 'INTEGRAL', '@decimal': 'DECIMAL', '@anyTimestamp': 'TIMESTAMP or TIMESTAMP_NTZ', '@array': 'ARRAY', '@map': 'MAP', '@struct': 'STRUCT' }[e.abstract] ?? e.abstract;
  if ('collection' in e) return `(${e.collection.map(showExpected).join(' or ')})`;
  return 'a lambda function';
}

const inClass = (cls: string, x: SparkType): boolean => {
  const members = load().coercion.classes[cls];
  if (cls === 'array*') return x.kind === 'array';
  if (cls === 'map*') return x.kind === 'map';
  if (cls === 'struct*') return x.kind === 'struct';
  if (!members) throw new Error(`coercion.json has no type class ${cls}`);
  return members.includes(x.kind);
};

/** AbstractDataType.acceptsType. */
export function accepts(e: Expected, x: SparkType): boolean {
  if ('concrete' in e) return sameType(e.concrete, x);
  if ('collection' in e) return e.collection.some((m) => accepts(m, x));
  if ('lambda' in e) return false;
  switch (e.abstract) {
    case '@any':
      return true;
    case '@numeric':
      return isNumeric(x);
    case '@integral':
      return isIntegral(x);
    case '@decimal':
      return x.kind === 'decimal';
    case '@anyTimestamp':
      return x.kind === 'timestamp' || x.kind === 'timestamp_ntz';
    case '@array':
      return x.kind === 'array';
    case '@map':
      return x.kind === 'map';
    case '@struct':
      return x.kind === 'struct';
  }
  throw new Error(`unknown abstract type ${e.abstract}`);
}

function defaultConcrete(e: Expected): SparkType {
  if ('concrete' in e) return e.concrete;
  if ('collection' in e) return defaultConcrete(e.collection[0]!);
  if ('lambda' in e) throw new Error('a lambda has no concrete type');
  const d = load().coercion.defaultConcreteType.map[e.abstract];
  if (!d) throw new Error(`coercion.json has no default type for ${e.abstract}`);
  return parseDdl(d);
}

export function decimalForType(x: SparkType): SparkType {
  if (x.kind === 'decimal') return x;
  const d = load().coercion.decimalForType.map[x.kind];
  if (!d) throw new Error(`no decimalForType for ${show(x)}`);
  return parseDdl(d);
}

// ---------------------------------------------------------------------------------------------- implicit casts

const fromMatches = (p: string, x: SparkType) => p === '*' || (p.endsWith('*') ? inClass(p, x) : p === x.kind);
function toMatches(p: string, e: Expected): boolean {
  if (p === '*') return true;
  if (p === 'collection') return 'collection' in e;
  if (p === 'noncollection') return !('collection' in e);
  if (p === 'concrete') return 'concrete' in e;
  if (p.startsWith('@')) return 'abstract' in e && e.abstract === p;
  if (!('concrete' in e)) return false;
  return p.endsWith('*') ? inClass(p, e.concrete) : p === e.concrete.kind;
}

const ruleSet = (m: Mode) => {
  const ic = load().coercion.implicitCast;
  return !m.ansi ? ic.legacy : m.version === '4.0' ? ic.ansi_4_0 : ic.ansi;
};

/** implicitCast(inType, expectedType) of the mode's rules (coercion.json): the type the argument is cast to, or none. */
export function implicitCast(x: SparkType, e: Expected, m: Mode): SparkType | undefined {
  if ('lambda' in e) return undefined;
  for (const r of ruleSet(m).rules) {
    if (!fromMatches(r.from, x) || !toMatches(r.to, e)) continue;
    if (r.unlessTo === 'collection' && 'collection' in e) continue;
    if (r.when === 'accepts' && !accepts(e, x)) continue;
    if (r.when === 'canANSIStoreAssign' && !('concrete' in e && canStoreAssign(x, e.concrete))) continue;
    if (r.when === 'canANSIStoreAssign(default)' && !canStoreAssign(x, defaultConcrete(e))) continue;
    switch (r.result) {
      case 'input':
        return x;
      case 'none':
        return undefined;
      case 'target':
        return defaultConcrete(e);
      case 'default':
        return defaultConcrete(e);
      case 'decimalForType':
        return decimalForType(x);
      case 'firstMember':
        for (const member of (e as { collection: Expected[] }).collection) {
          const c = implicitCast(x, member, m);
          if (c) return c;
        }
        return undefined;
      case 'elementwise': {
        if (x.kind !== 'array') return undefined;
        const target: Expected = 'concrete' in e && e.concrete.kind === 'array' ? { concrete: e.concrete.element } : { abstract: '@any' };
        const el = implicitCast(x.element, target, m);
        return el ? { kind: 'array', element: el, containsNull: true } : undefined;
      }
      default:
        return parseDdl(r.result);
    }
  }
  return undefined;
}

/** Cast.canANSIStoreAssign, as coercion.json states it. */
export function canStoreAssign(from: SparkType, to: SparkType): boolean {
  if (sameType(from, to) || from.kind === 'void') return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (isAtomic(from) && to.kind === 'string') return true;
  if (isDatetime(from) && isDatetime(to)) return true;
  if (from.kind === 'array' && to.kind === 'array') return canStoreAssign(from.element, to.element);
  if (from.kind === 'map' && to.kind === 'map') return canStoreAssign(from.key, to.key) && canStoreAssign(from.value, to.value);
  if (from.kind === 'struct' && to.kind === 'struct') return from.fields.length === to.fields.length && from.fields.every((f, i) => canStoreAssign(f.type, to.fields[i]!.type));
  return false;
}

// ---------------------------------------------------------------------------------------------- common types

const precedence = (x: SparkType) => load().coercion.numericPrecedence.order.indexOf(x.kind);
const intDigits = (d: SparkType) => (d.kind === 'decimal' ? d.precision - d.scale : 0);

function widerDecimal(a: SparkType, b: SparkType): SparkType {
  const [x, y] = [decimalForType(a), decimalForType(b)] as [Extract<SparkType, { kind: 'decimal' }>, Extract<SparkType, { kind: 'decimal' }>];
  const scale = Math.max(x.scale, y.scale);
  const range = Math.max(intDigits(x), intDigits(y));
  // DecimalType.bounded
  return decimal(Math.min(range + scale, 38), Math.min(scale, 38));
}

/** findTightestCommonType (coercion.json tightestCommonType). */
export function tightestCommonType(a: SparkType, b: SparkType, m: Mode): SparkType | undefined {
  if (sameType(a, b)) return a;
  if (a.kind === 'void') return b;
  if (b.kind === 'void') return a;
  if (isIntegral(a) && b.kind === 'decimal') return intDigits(b) >= intDigits(decimalForType(a)) ? b : undefined;
  if (a.kind === 'decimal' && isIntegral(b)) return intDigits(a) >= intDigits(decimalForType(b)) ? a : undefined;
  if (isNumeric(a) && isNumeric(b) && a.kind !== 'decimal' && b.kind !== 'decimal') {
    const w = precedence(a) > precedence(b) ? a : b;
    if (m.ansi && w.kind === 'float' && (isIntegral(a) || isIntegral(b))) return t('double');
    return w;
  }
  if (isDatetime(a) && isDatetime(b)) return a.kind === 'timestamp' || b.kind === 'timestamp' ? t('timestamp') : t('timestamp_ntz');
  return complex(a, b, (x, y) => tightestCommonType(x, y, m));
}

function complex(a: SparkType, b: SparkType, f: (x: SparkType, y: SparkType) => SparkType | undefined): SparkType | undefined {
  if (a.kind === 'array' && b.kind === 'array') {
    const e = f(a.element, b.element);
    return e && { kind: 'array', element: e, containsNull: a.containsNull || b.containsNull };
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const k = f(a.key, b.key);
    const v = f(a.value, b.value);
    return k && v && { kind: 'map', key: k, value: v, valueContainsNull: a.valueContainsNull || b.valueContainsNull };
  }
  if (a.kind === 'struct' && b.kind === 'struct' && a.fields.length === b.fields.length) {
    const fields = [];
    for (const [i, x] of a.fields.entries()) {
      const y = b.fields[i]!;
      if (x.name.toLowerCase() !== y.name.toLowerCase()) return undefined;
      const ty = f(x.type, y.type);
      if (!ty) return undefined;
      fields.push({ name: x.name, type: ty, nullable: x.nullable || y.nullable });
    }
    return { kind: 'struct', fields };
  }
  return undefined;
}

/**
 * findWiderTypeForTwo (coercion.json widerType). `promotesString` is true when the common type casts a STRING to
 * another type (ANSI), which raises at run time on a bad value.
 */
export function widerType(a: SparkType, b: SparkType, m: Mode): { type: SparkType; promotesString: boolean } | undefined {
  const tight = tightestCommonType(a, b, m);
  if (tight) return { type: tight, promotesString: false };
  if ((a.kind === 'decimal' && isNumeric(b)) || (b.kind === 'decimal' && isNumeric(a))) {
    if (isIntegral(a) || isIntegral(b) || (a.kind === 'decimal' && b.kind === 'decimal')) return { type: widerDecimal(a, b), promotesString: false };
    return { type: t('double'), promotesString: false };
  }
  const str = a.kind === 'string' ? b : b.kind === 'string' ? a : undefined;
  if (str && isAtomic(str)) {
    if (!m.ansi) return str.kind === 'binary' || str.kind === 'boolean' ? undefined : { type: t('string'), promotesString: false };
    return { type: isIntegral(str) ? t('bigint') : isFractional(str) && str.kind !== 'decimal' ? t('double') : str, promotesString: true };
  }
  const c = complex(a, b, (x, y) => widerType(x, y, m)?.type);
  return c && { type: c, promotesString: false };
}

// ---------------------------------------------------------------------------------------------- CAST

function castPairs(list: string[][], from: SparkType, to: SparkType, elem: (a: SparkType, b: SparkType) => boolean): boolean {
  for (const [f, g, how] of list) {
    if (g === 'same') {
      if (sameType(from, to)) return true;
      continue;
    }
    if (!fromMatches(f!, from) || !(g === '*' || (g!.endsWith('*') ? inClass(g!, to) : g === to.kind))) continue;
    if (how === 'elementwise') {
      if (from.kind === 'array' && to.kind === 'array' && elem(from.element, to.element)) return true;
      if (from.kind === 'map' && to.kind === 'map' && elem(from.key, to.key) && elem(from.value, to.value)) return true;
      continue;
    }
    if (how === 'fieldwise') {
      if (from.kind === 'struct' && to.kind === 'struct' && from.fields.length === to.fields.length && from.fields.every((x, i) => elem(x.type, to.fields[i]!.type))) return true;
      continue;
    }
    return true;
  }
  return false;
}

/** Cast.checkInputDataTypes by eval mode: canCast (LEGACY), canAnsiCast (ANSI), canTryCast (TRY). */
export function canCast(from: SparkType, to: SparkType, evalMode: 'LEGACY' | 'ANSI' | 'TRY'): boolean {
  const { legacy, ansi } = load().coercion.cast;
  if (evalMode === 'LEGACY') return castPairs(legacy, from, to, (a, b) => canCast(a, b, 'LEGACY'));
  if (evalMode === 'ANSI') return castPairs(ansi, from, to, (a, b) => canCast(a, b, 'ANSI'));
  if ((from.kind === 'array' && to.kind === 'array') || (from.kind === 'map' && to.kind === 'map') || (from.kind === 'struct' && to.kind === 'struct')) return castPairs(legacy, from, to, (a, b) => canCast(a, b, 'LEGACY'));
  return castPairs(ansi, from, to, (a, b) => canCast(a, b, 'ANSI'));
}

const INT_DIGITS: Record<string, number> = { tinyint: 3, smallint: 5, int: 10, bigint: 19 };
const WIDTH: Record<string, number> = { tinyint: 1, smallint: 2, int: 4, bigint: 8 };

/** Whether a numeric cast can overflow: the target cannot hold every value of the source (castAtRunTime). */
export function narrows(from: SparkType, to: SparkType): boolean {
  if (!isNumeric(from) || !isNumeric(to)) return false;
  if (isIntegral(from) && isIntegral(to)) return WIDTH[from.kind]! > WIDTH[to.kind]!;
  if ((from.kind === 'float' || from.kind === 'double') && (isIntegral(to) || to.kind === 'decimal')) return true;
  if (from.kind === 'decimal' && isIntegral(to)) return intDigits(from) >= INT_DIGITS[to.kind]!;
  if (isIntegral(from) && to.kind === 'decimal') return INT_DIGITS[from.kind]! > intDigits(to);
  if (from.kind === 'decimal' && to.kind === 'decimal') return intDigits(from) > intDigits(to);
  return false;
}

/**
 * What a cast the analyzer accepted does with a value it cannot convert (coercion.json castAtRunTime): under ANSI it
 * raises (the job dies), under LEGACY it gives NULL or, for integral narrowing, wraps silently.
 */
export function castFailure(from: SparkType, to: SparkType, evalMode: 'LEGACY' | 'ANSI' | 'TRY'): string | undefined {
  if (evalMode === 'TRY' || sameType(from, to)) return undefined;
  if (evalMode === 'ANSI') {
    if (from.kind === 'string' && (isNumeric(to) || isDatetime(to) || to.kind === 'boolean')) return `raises CAST_INVALID_INPUT under ANSI on a string that is not a ${show(to, true)}`;
    if (narrows(from, to)) return `raises an overflow error under ANSI on a value outside ${show(to, true)}`;
    return undefined;
  }
  if (isIntegral(from) && isIntegral(to) && narrows(from, to)) return `wraps silently on a value outside ${show(to, true)} (LEGACY keeps the low bits)`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------- createDataFrame

/** Whether createDataFrame(rdd, schema) takes a column of type `from` into a field of type `to` (createdataframe.json checkerPolicy). */
export function rowAccepts(from: SparkType, to: SparkType): boolean {
  if (sameType(from, to)) return true;
  if (isIntegral(from) && isIntegral(to)) return WIDTH[from.kind]! <= WIDTH[to.kind]!;
  if (from.kind === 'float' && to.kind === 'double') return true;
  if (from.kind === 'array' && to.kind === 'array') return rowAccepts(from.element, to.element);
  if (from.kind === 'map' && to.kind === 'map') return rowAccepts(from.key, to.key) && rowAccepts(from.value, to.value);
  if (from.kind === 'struct' && to.kind === 'struct') return from.fields.length === to.fields.length && from.fields.every((f, i) => rowAccepts(f.type, to.fields[i]!.type));
  return false;
}
