/**
 * Nested constraints in the relational sources' DDL: the column's shape, object fields, array items and map
 * keys and values, each a CHECK the database enforces itself.
 *
 * - PostgreSQL: a nested value is `jsonb` (objects, maps, arrays of non-scalars, JSON) or a native array of
 *   scalars. jsonb is checked with SQL/JSON path predicates (`jsonb_typeof`, `jsonb_path_exists` with a filter
 *   that finds a breaking value); native arrays with `cardinality`, `ALL` and `<@`. A CHECK takes no subquery, so
 *   what needs one (unique items, lengths and patterns of array elements) calls an IMMUTABLE helper function the
 *   table file creates first.
 * - MySQL: a nested value is `JSON`, checked with JSON_SCHEMA_VALID (MySQL 8.0.17+; a CHECK takes deterministic
 *   built-ins, not subqueries or stored functions) against a JSON Schema (draft 4) of the contract's constraints.
 *   What that cannot say the way the contract means it (patterns and formats: MySQL's JSON Schema regular
 *   expressions are not the contract's ECMAScript; ranges of dates and times, which JSON holds as text) is a
 *   CONSTRAINT_UNENFORCED warning naming mysql; the quality suites still check it.
 */
import { FORMAT_PATTERNS } from '../../model/formats.js';
import type { Field, LogicalType } from '../../model/ir.js';
import { mysqlString, sqlString } from '../../model/names.js';
import { jsonTypeOf, mysqlJsonSchema, pgJsonUnenforced } from '../../model/nested-enforce.js';
import { isNested, isNumericType, nestedChecks, pathLabel, type NestedCheck, type Step } from '../../model/nested.js';
import { mapType } from '../../model/types.js';
import { constraintName, type CheckConstraint, type SqlDialect } from './sql.js';

export interface NestedSql {
  /** the schema the helper functions live in, as an identifier with its dot (`"public".`) */
  helperSchema: string;
  checks: CheckConstraint[];
  /** helper functions the checks call (PostgreSQL), by name */
  helpers: Set<PgHelper>;
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

/** IMMUTABLE SQL functions for what a CHECK cannot say without a subquery. */
export const PG_HELPERS = {
  contractgen_unique_elements: `(arr anyarray) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT count(x) = count(DISTINCT x) FROM unnest(arr) AS x $$`,
  contractgen_all_match: `(arr text[], pattern text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(bool_and(x ~ pattern), true) FROM unnest(arr) AS x $$`,
  contractgen_all_lengths: `(arr text[], lo integer, hi integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(bool_and(char_length(x) BETWEEN lo AND hi), true) FROM unnest(arr) AS x $$`,
  contractgen_jsonb_unique_items: `(doc jsonb, arrays jsonpath) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(bool_and((SELECT count(*) = count(DISTINCT e) FROM jsonb_array_elements(a) AS e WHERE e <> 'null'::jsonb)), true) FROM jsonb_path_query(doc, arrays) AS a WHERE jsonb_typeof(a) = 'array' $$`,
  contractgen_jsonb_entries: `(doc jsonb, maps jsonpath, lo integer, hi integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(bool_and((SELECT count(*) FROM jsonb_object_keys(m)) BETWEEN lo AND hi), true) FROM jsonb_path_query(doc, maps) AS m WHERE jsonb_typeof(m) = 'object' $$`,
} as const;
export type PgHelper = keyof typeof PG_HELPERS;

/** `CREATE OR REPLACE FUNCTION` statements for the helpers, in the table's schema. */
export function pgHelperSql(schemaIdent: string, helpers: ReadonlySet<PgHelper>): string[] {
  return [...helpers].sort().map((h) => `CREATE OR REPLACE FUNCTION ${schemaIdent}.${h}${PG_HELPERS[h]};`);
}

/** A SQL/JSON path string literal (inside the path), as JSON writes strings. */
const jpString = (s: string) => JSON.stringify(s);

function jsonPath(path: readonly Step[]): string {
  const step = (s: Step): string => {
    if (s.kind === 'field') return `.${jpString(s.name)}`;
    if (s.kind === 'items') return '[*]';
    if (s.kind === 'values') return '.*';
    return '.keyvalue().key';
  };
  return '$' + path.map(step).join('');
}

/** A regular expression for a character count: POSIX bounds stop at 255, so longer limits repeat a group. */
export function lengthRegex(min: number | undefined, max: number | undefined): string {
  const upTo = (n: number) => (n <= 255 ? `.{0,${n}}` : `(.{0,255}){0,${Math.floor(n / 255)}}.{0,${n % 255}}`);
  const atLeast = (n: number) => (n <= 255 ? `.{${n},}` : `(.{255}){${Math.floor(n / 255)}}.{${n % 255},}`);
  if (max === undefined) return `^${atLeast(min ?? 0)}$`;
  if (!min) return `^${upTo(max)}$`;
  return `^(?=${atLeast(min)}$)${upTo(max)}$`;
}

/** The jsonpath filter that is true on a value breaking the check (`@` is the value), or undefined when PostgreSQL cannot say it here. */
function jsonFilter(c: NestedCheck): string | undefined {
  const t = c.test;
  const str = '@.type() == "string"';
  switch (t.kind) {
    case 'required':
      return '@ == null';
    case 'range': {
      const temporal = !isNumericType(c.type);
      if (pgJsonUnenforced(c)) return undefined; // timestamps with offsets do not compare as text
      const lit = (v: number | string) => (temporal ? jpString(String(v)) : String(Number(v)));
      const xs: string[] = [];
      if (t.minimum !== undefined) xs.push(`@ < ${lit(t.minimum)}`);
      if (t.exclusiveMinimum !== undefined) xs.push(`@ <= ${lit(t.exclusiveMinimum)}`);
      if (t.maximum !== undefined) xs.push(`@ > ${lit(t.maximum)}`);
      if (t.exclusiveMaximum !== undefined) xs.push(`@ >= ${lit(t.exclusiveMaximum)}`);
      return `${temporal ? str : '@.type() == "number"'} && (${xs.join(' || ')})`;
    }
    case 'length':
      return `${str} && !(@ like_regex ${jpString(lengthRegex(t.minLength, t.maxLength))} flag "s")`;
    case 'pattern':
      return `${str} && !(@ like_regex ${jpString(t.regex)})`;
    case 'enum': {
      // jsonb holds no NUL character (nor does jsonpath take \u0000): a value with one never matches, so it is left out
      const values = t.values.filter((v) => t.numeric || !v.includes('\u0000'));
      return values.length ? `@ != null && !(${values.map((v) => `@ == ${t.numeric ? String(Number(v)) : jpString(v)}`).join(' || ')})` : '@ != null';
    }
    case 'items':
      return undefined; // sizes are read with .size() / a helper (below)
    case 'unique':
      return undefined;
  }
}

/** A constraint name's suffix for a nested check: the path below the column and what it checks (`stops_item_lat_range`). */
function checkSuffix(f: Field, c: NestedCheck): string {
  const below = pathLabel(f.physicalName, c.path).slice(f.physicalName.length).replace(/\[\]/g, '_item').replace(/\{(key|value)\}/g, '_$1').replace(/^[._]+/, '');
  const what = c.rule.slice(c.rule.lastIndexOf(':') + 1);
  return below ? `${below}_${what}` : what;
}

const exists = (col: string, path: string) => `jsonb_path_exists(${col}, ${sqlString(path)})`;

/** Checks on a jsonb column holding a nested type: its shape, then every nested constraint. */
function pgJsonbChecks(d: SqlDialect, table: string, f: Field, checks: NestedCheck[], out: NestedSql) {
  const col = d.ident(f.physicalName);
  const top = jsonTypeOf(f.type);
  // the checks inside apply to a value of the right shape: one of the wrong shape breaks the type check alone
  const guard = top ? `jsonb_typeof(${col}) IS DISTINCT FROM '${top}' OR ` : '';
  const add = (suffix: string, expr: string) => out.checks.push({ name: constraintName([table, f.physicalName, suffix], d.maxIdent), expr: suffix === 'type' ? expr : `${guard}${expr}` });
  if (top) add('type', `jsonb_typeof(${col}) = '${top}'`);
  // the JSON type of every value inside (numbers where numbers are declared, integers whole …)
  const shapes: string[] = [];
  walkShapes(f.type, [], shapes);
  if (shapes.length) add('shape', `NOT (${shapes.map((p) => exists(col, p)).join(' OR ')})`);
  checks.forEach((c) => {
    const suffix = checkSuffix(f, c);
    const last = c.path[c.path.length - 1];
    if (c.test.kind === 'required' && last?.kind === 'field') {
      const parent = jsonPath(c.path.slice(0, -1));
      add(suffix, `NOT ${exists(col, `${parent} ? (!(exists(@.${jpString(last.name)})) || @.${jpString(last.name)} == null)`)}`);
      return;
    }
    if (c.test.kind === 'items') {
      const { minItems: lo, maxItems: hi } = c.test;
      if (c.type.kind === 'map') {
        out.helpers.add('contractgen_jsonb_entries');
        add(suffix, `${out.helperSchema}contractgen_jsonb_entries(${col}, ${sqlString(jsonPath(c.path))}, ${lo ?? 0}, ${hi ?? 2147483647})`);
        return;
      }
      const xs = [...(lo !== undefined ? [`@ < ${lo}`] : []), ...(hi !== undefined ? [`@ > ${hi}`] : [])];
      add(suffix, `NOT ${exists(col, `${jsonPath(c.path)}.size() ? (${xs.join(' || ')})`)}`);
      return;
    }
    if (c.test.kind === 'unique') {
      out.helpers.add('contractgen_jsonb_unique_items');
      add(suffix, `${out.helperSchema}contractgen_jsonb_unique_items(${col}, ${sqlString(jsonPath(c.path))})`);
      return;
    }
    // what PostgreSQL cannot say inside jsonb is a CONSTRAINT_UNENFORCED warning (model/nested-enforce.ts, capabilities)
    const filter = pgJsonUnenforced(c) ? undefined : jsonFilter(c);
    if (filter === undefined) return;
    add(suffix, `NOT ${exists(col, `${jsonPath(c.path)} ? (${filter})`)}`);
  });
}

/** Paths (with a filter) that find a value of the wrong JSON type anywhere inside a nested type. */
function walkShapes(t: LogicalType, path: Step[], out: string[]) {
  const under = (u: LogicalType, p: Step[]) => {
    const want = jsonTypeOf(u);
    // .type() first, then the filter on its result: lax mode would unwrap an array before a filter
    if (want) out.push(`${jsonPath(p)}.type() ? (@ != ${jpString(want)} && @ != "null")`);
    if (u.kind === 'int16' || u.kind === 'int32' || u.kind === 'int64') out.push(`${jsonPath(p)} ? (@.type() == "number" && @ != @.floor())`);
    walkShapes(u, p, out);
  };
  if (t.kind === 'object') for (const g of t.fields) under(g.type, [...path, { kind: 'field', name: g.physicalName }]);
  // array items are checked one level down, where lax mode does not unwrap them
  if (t.kind === 'array') under(t.items.type, [...path, { kind: 'items' }]);
  if (t.kind === 'map') under(t.value.type, [...path, { kind: 'values' }]);
}

/** Checks on a PostgreSQL native array of scalars: its size, its elements. */
function pgArrayChecks(d: SqlDialect, table: string, f: Field, t: Extract<LogicalType, { kind: 'array' }>, checks: NestedCheck[], out: NestedSql) {
  const col = d.ident(f.physicalName);
  const elem = mapType(t.items.type).postgres;
  const add = (suffix: string, expr: string) => out.checks.push({ name: constraintName([table, f.physicalName, suffix], d.maxIdent), expr });
  for (const c of checks) {
    const suffix = checkSuffix(f, c);
    const test = c.test;
    switch (test.kind) {
      case 'items': {
        const xs = [...(test.minItems !== undefined ? [`cardinality(${col}) >= ${test.minItems}`] : []), ...(test.maxItems !== undefined ? [`cardinality(${col}) <= ${test.maxItems}`] : [])];
        add(suffix, xs.join(' AND '));
        break;
      }
      case 'unique':
        out.helpers.add('contractgen_unique_elements');
        add(suffix, `${out.helperSchema}contractgen_unique_elements(${col})`);
        break;
      case 'required':
        add(suffix, `array_position(${col}, NULL) IS NULL`);
        break;
      case 'range': {
        const lit = (v: number | string) => (typeof v === 'number' || isNumericType(c.type) ? String(Number(v)) : `${sqlString(String(v))}::${elem}`);
        const xs: string[] = [];
        if (test.minimum !== undefined) xs.push(`${lit(test.minimum)} <= ALL (${col})`);
        if (test.exclusiveMinimum !== undefined) xs.push(`${lit(test.exclusiveMinimum)} < ALL (${col})`);
        if (test.maximum !== undefined) xs.push(`${lit(test.maximum)} >= ALL (${col})`);
        if (test.exclusiveMaximum !== undefined) xs.push(`${lit(test.exclusiveMaximum)} > ALL (${col})`);
        add(suffix, xs.join(' AND '));
        break;
      }
      case 'enum':
        add(suffix, `${col} <@ ARRAY[${test.values.map((v) => (test.numeric ? String(Number(v)) : sqlString(v))).join(', ')}]::${elem}[]`);
        break;
      case 'length':
        out.helpers.add('contractgen_all_lengths');
        add(suffix, `${out.helperSchema}contractgen_all_lengths(${col}::text[], ${test.minLength ?? 0}, ${test.maxLength ?? 2147483647})`);
        break;
      case 'pattern':
        out.helpers.add('contractgen_all_match');
        add(suffix, `${out.helperSchema}contractgen_all_match(${col}::text[], ${sqlString(test.regex)})`);
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------- both

/** The CHECKs (and PostgreSQL helpers) that enforce a column's nested constraints. */
export function nestedSql(d: SqlDialect, dataset: string, table: string, f: Field, helperSchema = ''): NestedSql {
  const out: NestedSql = { helperSchema, checks: [], helpers: new Set() };
  if (!isNested(f.type) || f.type.kind === 'json') return out;
  const checks = nestedChecks(dataset, f, FORMAT_PATTERNS);
  if (d.name === 'postgres') {
    if (f.type.kind === 'array' && !isNested(f.type.items.type)) pgArrayChecks(d, table, f, f.type, checks, out);
    else pgJsonbChecks(d, table, f, checks, out);
    return out;
  }
  // SQL NULL passes a CHECK by itself: the column's own value is never JSON null here; what the JSON Schema leaves
  // out is a CONSTRAINT_UNENFORCED warning (model/nested-enforce.ts, declared in capabilities.ts)
  const schema = mysqlJsonSchema(dataset, f);
  out.checks.push({ name: constraintName([table, f.physicalName, 'schema'], d.maxIdent), expr: `JSON_SCHEMA_VALID(${mysqlString(JSON.stringify(schema))}, ${d.ident(f.physicalName)})` });
  return out;
}
