/** The logical type of a contract property: ODCS logicalType and options, physicalType spellings, the decimal extensions. */
import type { PathSeg } from '../../load/yaml.js';
import { EXT, type Extensions } from '../extensions.js';
import type { Field, LogicalType } from '../ir.js';
import { arr, isObj, strOr, type BuildContext, type Obj } from './context.js';
import { readExtensions } from './extensions.js';

/** The kinds a physicalType alone can name: no parameters (a varchar length and a decimal are read apart). */
type ScalarKind = Exclude<LogicalType['kind'], 'string' | 'decimal' | 'object' | 'array'> | 'string';

function scalarType(kind: ScalarKind): LogicalType {
  return { kind };
}

const DECIMAL_PHYSICAL = /^\s*(?:decimal|numeric|number)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i;
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
export type NestedFields = (props: unknown[], path: readonly PathSeg[]) => Field[];

/** The logical type of a property from its logicalType, options, physicalType and decimal extensions; a diagnostic when it cannot tell. */
export function resolveType(ctx: BuildContext, p: Obj, path: readonly PathSeg[], ext: Extensions, nested: NestedFields): LogicalType | undefined {
  const logical = strOr(p.logicalType);
  const physical = strOr(p.physicalType)?.trim();
  const opts = isObj(p.logicalTypeOptions) ? p.logicalTypeOptions : {};
  const extP = ext.get(EXT.decimalPrecision);
  const extS = ext.get(EXT.decimalScale);
  const dm = physical ? DECIMAL_PHYSICAL.exec(physical) : null;

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
    if (precision === undefined || scale === undefined) {
      ctx.report('DECIMAL_PRECISION',
        [...path, physical ? 'physicalType' : 'name'],
        `decimal "${String(p.name)}" needs a precision and a scale: physicalType "decimal(p,s)" or the contractgen.decimal.precision and contractgen.decimal.scale custom properties`,
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
      // past the supported depth the rule NESTING_TOO_DEEP reports; stop building long before any stack limit
      const depth = path.filter((seg) => seg === 'properties').length;
      const fields = depth > 64 ? [] : nested(arr(p.properties), [...path, 'properties']);
      return { kind: 'object', fields };
    }
    case 'array': {
      if (!isObj(p.items)) {
        ctx.report('TYPE_UNKNOWN', [...path, 'logicalType'], `array "${String(p.name)}" needs "items" to say what it holds`);
        return undefined;
      }
      const itemExt = readExtensions(ctx, p.items, [...path, 'items'], 'property');
      const items = resolveType(ctx, p.items, [...path, 'items'], itemExt, nested);
      return items ? { kind: 'array', items } : undefined;
    }
    case undefined: {
      if (isDecimal) return decimal();
      const hinted = physical ? PHYSICAL_HINTS.find(([re]) => re.test(physical))?.[1] : undefined;
      const vm = physical ? VARCHAR_PHYSICAL.exec(physical) : null;
      if (vm) return { kind: 'string', maxLength: Number(vm[1]) };
      if (hinted) return scalarType(hinted);
      ctx.report('TYPE_UNKNOWN',
        [...path, physical ? 'physicalType' : 'name'],
        `cannot tell the type of "${String(p.name)}": give a logicalType${physical ? ` (physicalType "${physical}" is not one contractgen knows)` : ''}`,
      );
      return undefined;
    }
    default:
      return undefined; // the schema already reported the unknown logicalType
  }
}
