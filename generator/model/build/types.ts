/** The logical type of a contract property: ODCS logicalType and options, physicalType spellings, the decimal extensions. */
import type { PathSeg } from '../../load/yaml.js';
import { EXT, type Extensions } from '../extensions.js';
import type { Element, Field, LogicalType } from '../ir.js';
import { readConstraints } from './constraints.js';
import { arr, isObj, strOr, type BuildContext, type Obj } from './context.js';
import { readExtensions } from './extensions.js';

/** The kinds a physicalType alone can name: no parameters (a varchar length and a decimal are read apart). */
type ScalarKind = Exclude<LogicalType['kind'], 'string' | 'decimal' | 'object' | 'array' | 'map'> | 'string';

function scalarType(kind: ScalarKind): LogicalType {
  return { kind };
}

const DECIMAL_PHYSICAL = /^\s*(?:decimal|numeric|number)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i;
/** A physicalType naming an integer column: `logicalType: number` on it is an integer, not a double. */
const INTEGER_PHYSICAL: Array<[RegExp, 'int16' | 'int32' | 'int64']> = [
  [/^\s*(smallint|int2|tinyint|byte)\s*$/i, 'int16'],
  [/^\s*(int|int4|integer|mediumint)\s*$/i, 'int32'],
  [/^\s*(bigint|int8|long)\s*$/i, 'int64'],
];
const VARCHAR_PHYSICAL = /^\s*(?:varchar|character varying|nvarchar|string)\s*\(\s*(\d+)\s*\)\s*$/i;

/** Binary spellings: PostgreSQL's bytea, MySQL's blobs and binary(n)/varbinary(n), Avro and Spark names. */
const BYTES_PHYSICAL = /^(bytea|(tiny|medium|long)?blob|bytes|(var)?binary(\s*\(\s*\d+\s*\))?)$/i;

/** physicalType spellings we understand, for contracts that give no logicalType. */
const PHYSICAL_HINTS: Array<[RegExp, ScalarKind]> = [
  [/^uuid$/i, 'uuid'],
  [/^(jsonb?|variant)$/i, 'json'],
  [BYTES_PHYSICAL, 'bytes'],
  [/^(smallint|int2|tinyint)$/i, 'int16'],
  [/^(int|int4|integer)$/i, 'int32'],
  [/^(bigint|int8|long)$/i, 'int64'],
  [/^(real|float4|float)$/i, 'float32'],
  [/^(double|double precision|float8)$/i, 'float64'],
  [/^(bool|boolean)$/i, 'boolean'],
  [/^date$/i, 'date'],
  [/^(time|time without time zone)$/i, 'time'],
  [/^(timestamptz|timestamp with time zone|timestamp_tz)$/i, 'timestamp'],
  [/^(timestamp|timestamp without time zone|timestamp_ntz|datetime)$/i, 'timestamp_ntz'],
  [/^(text|varchar|char|character varying|string|bpchar)$/i, 'string'],
];

/** Builds the fields of a nested object (fields.ts), passed in so that types and fields do not import each other. */
export type NestedFields = (props: unknown[], path: readonly PathSeg[], required: ReadonlySet<string>) => Field[];

/** The object options' `required` list: the names of the properties that must be present. */
function requiredNames(p: Obj): Set<string> {
  const opts = isObj(p.logicalTypeOptions) ? p.logicalTypeOptions : {};
  return new Set(arr(opts.required).filter((n): n is string => typeof n === 'string'));
}

/**
 * Where an object type is declared, as names: `<dataset>.<property>…`, with `item` for an array's items and
 * `key`/`value` for a map's: `rides.pickup`, `rides.stops.item`. Systems that name structured types (CQL's
 * user-defined types) name them from it.
 */
function declaredAt(ctx: BuildContext, path: readonly PathSeg[]): string {
  const names: string[] = [];
  let cur: unknown = ctx.doc.data;
  for (const seg of path) {
    if (!isObj(cur) && !Array.isArray(cur)) break;
    cur = (cur as Record<string, unknown>)[String(seg)];
    if (seg === 'items') names.push('item');
    else if ((seg === 'key' || seg === 'value') && names.length) names.push(seg);
    else if (typeof seg === 'number' && isObj(cur) && typeof cur.name === 'string') names.push(cur.name);
  }
  return names.join('.');
}

/** An array item, a map key or a map value, read as a property of its own. */
function element(ctx: BuildContext, raw: Obj, path: readonly PathSeg[], nested: NestedFields): Element | undefined {
  const ext = readExtensions(ctx, raw, path, 'property');
  const type = resolveType(ctx, raw, path, ext, nested);
  if (!type) return undefined;
  return {
    type,
    constraints: readConstraints(ctx, raw, type, path),
    required: raw.required === true,
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    at: ctx.ref(path),
  };
}

/** The logical type of a property from its logicalType, options, physicalType and decimal extensions; a diagnostic when it cannot tell. */
export function resolveType(ctx: BuildContext, p: Obj, path: readonly PathSeg[], ext: Extensions, nested: NestedFields): LogicalType | undefined {
  const logical = strOr(p.logicalType);
  const physical = strOr(p.physicalType)?.trim();
  const opts = isObj(p.logicalTypeOptions) ? p.logicalTypeOptions : {};
  const extP = ext.get(EXT.decimalPrecision);
  const extS = ext.get(EXT.decimalScale);
  const dm = physical ? DECIMAL_PHYSICAL.exec(physical) : null;
  const label = typeof p.name === 'string' ? p.name : path.length ? String(path[path.length - 1]) : 'value';

  const decimal = (): LogicalType | undefined => {
    let precision = extP;
    let scale = extS;
    if (dm?.[1] !== undefined) {
      const pp = Number(dm[1]);
      const ps = dm[2] === undefined ? 0 : Number(dm[2]);
      if ((precision !== undefined && precision !== pp) || (scale !== undefined && scale !== ps)) {
        ctx.report('DECIMAL_PRECISION', [...path, 'physicalType'], `physicalType "${physical}" disagrees with contractgen.decimal.precision/scale (${precision},${scale})`);
        return undefined;
      }
      precision = pp;
      scale = ps;
    }
    if (precision === undefined && scale === undefined && dm !== null) {
      // an unsized numeric: no error. Debezium sends it as io.debezium.data.VariableScaleDecimal; the lake has no
      // variable-scale decimal, so it takes the configured default there.
      const d = ctx.settings.unsizedDecimal;
      ctx.report('DECIMAL_UNSIZED', [...path, 'physicalType'], `"${label}" is an unsized ${physical}: the source keeps any precision and Debezium sends io.debezium.data.VariableScaleDecimal, but the lake (Parquet, Spark, Trino, Unity Catalog) stores it as decimal(${d.precision},${d.scale}) (lake.unsizedDecimal in the config); give it a physicalType "numeric(p,s)" to choose`);
      return { kind: 'decimal', precision: d.precision, scale: d.scale, variableScale: true };
    }
    if (precision === undefined || scale === undefined) {
      ctx.report('DECIMAL_PRECISION',
        [...path, physical ? 'physicalType' : 'name'],
        `decimal "${label}" needs a precision and a scale: physicalType "decimal(p,s)" or the contractgen.decimal.precision and contractgen.decimal.scale custom properties`,
      );
      return undefined;
    }
    if (precision < 1 || precision > 38 || scale > precision) {
      ctx.report('DECIMAL_PRECISION', [...path, physical ? 'physicalType' : 'name'], `decimal(${precision},${scale}) is invalid: precision must be 1–38 and scale at most the precision`);
      return undefined;
    }
    return { kind: 'decimal', precision, scale };
  };

  const isDecimal = dm !== null || extP !== undefined || extS !== undefined;
  switch (logical) {
    case 'string': {
      if (opts.format === 'uuid' || (physical && /^uuid$/i.test(physical))) return { kind: 'uuid' };
      if (physical && /^jsonb?$/i.test(physical)) return { kind: 'json' };
      if (physical && BYTES_PHYSICAL.test(physical)) return { kind: 'bytes' };
      // The column length: a varchar(n) physicalType, else the contract's maxLength.
      const vm = physical ? VARCHAR_PHYSICAL.exec(physical) : null;
      const len = vm ? Number(vm[1]) : typeof opts.maxLength === 'number' && opts.maxLength > 0 ? opts.maxLength : undefined;
      return len ? { kind: 'string', maxLength: len } : { kind: 'string' };
    }
    case 'integer': {
      const f = strOr(opts.format);
      if (f === 'i128' || f === 'u128' || f === 'u64') {
        ctx.report('TYPE_UNSUPPORTED', [...path, 'logicalTypeOptions', 'format'], `integer format ${f} does not fit a 64-bit column in every target; use logicalType number with a decimal physicalType`);
        return undefined;
      }
      if (f === 'i8' || f === 'u8' || f === 'i16') return { kind: 'int16' };
      if (f === 'u16' || f === 'i32') return { kind: 'int32' };
      if (f === 'u32' || f === 'i64') return { kind: 'int64' };
      const hinted = physical ? PHYSICAL_HINTS.find(([re]) => re.test(physical))?.[1] : undefined;
      if (hinted === 'int16' || hinted === 'int64') return { kind: hinted };
      return { kind: 'int32' };
    }
    case 'number': {
      // an integer column said to hold numbers is an integer column
      const int = physical ? INTEGER_PHYSICAL.find(([re]) => re.test(physical))?.[1] : undefined;
      if (int && extP === undefined && extS === undefined) return { kind: int };
      if (isDecimal) return decimal();
      if (opts.format === 'f32') return { kind: 'float32' };
      return { kind: 'float64' };
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time' };
    case 'timestamp': {
      if (typeof opts.timezone === 'boolean') return { kind: opts.timezone ? 'timestamp' : 'timestamp_ntz' };
      if (physical && /^(timestamp|timestamp without time zone|timestamp_ntz|datetime)$/i.test(physical)) return { kind: 'timestamp_ntz' };
      return { kind: 'timestamp' };
    }
    case 'object': {
      // An object without declared properties has no shape to give any target: it is JSON, carried as a JSON
      // string end to end, never an empty struct.
      const props = arr(p.properties);
      if (props.length === 0) return { kind: 'json' };
      // past the supported depth the rule NESTING_TOO_DEEP reports; stop building long before any stack limit
      const depth = path.filter((seg) => seg === 'properties' || seg === 'items' || seg === 'map').length;
      const fields = depth > 64 ? [] : nested(props, [...path, 'properties'], requiredNames(p));
      return fields.length ? { kind: 'object', fields, name: declaredAt(ctx, path) } : { kind: 'json' };
    }
    case 'array': {
      // an array that does not say what it holds is an array of JSON values (as an object without properties is JSON)
      if (p.items === undefined) return { kind: 'array', items: { type: { kind: 'json' }, constraints: {}, required: false, at: ctx.ref([...path, 'logicalType']) } };
      if (!isObj(p.items)) {
        ctx.report('TYPE_UNKNOWN', [...path, 'items'], `array "${label}" needs "items" to say what it holds`);
        return undefined;
      }
      const items = element(ctx, p.items, [...path, 'items'], nested);
      return items ? { kind: 'array', items } : undefined;
    }
    case 'map': {
      const m = isObj(p.map) ? p.map : undefined;
      if (!m || !isObj(m.key) || !isObj(m.value)) {
        ctx.report('TYPE_UNKNOWN', [...path, 'logicalType'], `map "${label}" needs "map.key" and "map.value" to say what it holds`);
        return undefined;
      }
      const key = element(ctx, m.key, [...path, 'map', 'key'], nested);
      const value = element(ctx, m.value, [...path, 'map', 'value'], nested);
      if (!key || !value) return undefined;
      if (key.type.kind !== 'string' && key.type.kind !== 'uuid') {
        ctx.report('TYPE_UNSUPPORTED', [...path, 'map', 'key'], `map "${label}" has ${key.type.kind} keys: postgres and mysql keep a map as a JSON object, the avro target carries it as JSON, and JSON object keys are strings; use string keys`);
        return undefined;
      }
      return { kind: 'map', key, value };
    }
    case undefined: {
      if (physical && /\[\]$/.test(physical)) {
        // a PostgreSQL array column written as its physical type only (text[], integer[] …)
        const items = resolveType(ctx, { ...p, physicalType: physical.slice(0, -2) }, path, ext, nested);
        return items ? { kind: 'array', items: { type: items, constraints: {}, required: false, at: ctx.ref([...path, 'physicalType']) } } : undefined;
      }
      if (isDecimal) return decimal();
      const hinted = physical ? PHYSICAL_HINTS.find(([re]) => re.test(physical))?.[1] : undefined;
      const vm = physical ? VARCHAR_PHYSICAL.exec(physical) : null;
      if (vm) return { kind: 'string', maxLength: Number(vm[1]) };
      if (hinted) return scalarType(hinted);
      ctx.report('TYPE_UNKNOWN',
        [...path, physical ? 'physicalType' : 'name'],
        `cannot tell the type of "${label}": give a logicalType${physical ? ` (physicalType "${physical}" is not one contractgen knows)` : ''}`,
      );
      return undefined;
    }
    default:
      return undefined; // the schema already reported the unknown logicalType
  }
}
