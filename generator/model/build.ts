/**
 * ODCS document (schema-valid) → IR datasets. Per-contract extraction problems become diagnostics here;
 * cross-contract rules run later on the IR (validate/rules.ts).
 */
import type { Diagnostic, Severity } from '../diagnostics.js';
import type { LoadedYaml, PathSeg } from '../load/yaml.js';
import type { Constraints, Dataset, Field, LogicalType, Operator, QualityRule, Relationship, Sla, SourceBinding, SourceRef } from './ir.js';
import { EXT_BY_NAME, EXT_PREFIX, suggest, type ExtScope } from './extensions.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface BuildInput {
  doc: LoadedYaml;
  /** the ODCS object (for DCS input: the converted form) */
  odcs: Obj;
  format: 'odcs' | 'dcs';
}

class Ctx {
  diagnostics: Diagnostic[] = [];
  constructor(readonly doc: LoadedYaml) {}
  ref(path: readonly PathSeg[]): SourceRef {
    return { file: this.doc.file, ...this.doc.pos(path) };
  }
  report(severity: Severity, rule: string, path: readonly PathSeg[], message: string, atKey = false) {
    const p = atKey ? this.doc.keyPos(path) : this.doc.pos(path);
    this.diagnostics.push({ file: this.doc.file, ...p, severity, rule, message });
  }
}

/** Reads the `contractgen.*` custom properties of one object, checking names, scope and values. */
function readExtensions(ctx: Ctx, owner: Obj, path: readonly PathSeg[], scope: ExtScope): Map<string, unknown> {
  const out = new Map<string, unknown>();
  arr(owner.customProperties).forEach((cp, i) => {
    if (!isObj(cp) || typeof cp.property !== 'string') return;
    const name = cp.property;
    const p = [...path, 'customProperties', i];
    if (!name.startsWith(EXT_PREFIX)) return;
    const def = EXT_BY_NAME.get(name);
    if (!def) {
      const hint = suggest(name, EXT_BY_NAME.keys());
      ctx.report('error', 'EXT_UNKNOWN', [...p, 'property'], `unknown contractgen extension "${name}"${hint ? `; did you mean "${hint}"?` : ''}`);
      return;
    }
    if (def.scope !== scope) {
      ctx.report('error', 'EXT_SCOPE', [...p, 'property'], `"${name}" belongs on a ${def.scope}, not on a ${scope}`);
      return;
    }
    if (out.has(name)) {
      ctx.report('error', 'EXT_DUPLICATE', [...p, 'property'], `"${name}" is set twice`);
      return;
    }
    const problem = def.check(cp.value);
    if (problem) {
      ctx.report('error', 'EXT_VALUE', [...p, 'value'], `${name} ${problem}`);
      return;
    }
    out.set(name, cp.value);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------- types

const DECIMAL_PHYSICAL = /^\s*(?:decimal|numeric|number)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i;
const VARCHAR_PHYSICAL = /^\s*(?:varchar|character varying|nvarchar|string)\s*\(\s*(\d+)\s*\)\s*$/i;

/** physicalType spellings we understand, for contracts that give no logicalType. */
const PHYSICAL_HINTS: Array<[RegExp, LogicalType['kind']]> = [
  [/^uuid$/i, 'uuid'],
  [/^(jsonb?|variant)$/i, 'json'],
  [/^(bytea|(tiny|medium|long)?blob|bytes|(var)?binary(\s*\(\s*\d+\s*\))?)$/i, 'bytes'],
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

function resolveType(ctx: Ctx, p: Obj, path: readonly PathSeg[], ext: Map<string, unknown>): LogicalType | undefined {
  const logical = strOr(p.logicalType);
  const physical = strOr(p.physicalType)?.trim();
  const opts = isObj(p.logicalTypeOptions) ? p.logicalTypeOptions : {};
  const extP = ext.get('contractgen.decimal.precision') as number | undefined;
  const extS = ext.get('contractgen.decimal.scale') as number | undefined;
  const dm = physical ? DECIMAL_PHYSICAL.exec(physical) : null;

  const decimal = (): LogicalType | undefined => {
    let precision = extP;
    let scale = extS;
    if (dm?.[1] !== undefined) {
      const pp = Number(dm[1]);
      const ps = dm[2] === undefined ? 0 : Number(dm[2]);
      if ((precision !== undefined && precision !== pp) || (scale !== undefined && scale !== ps)) {
        ctx.report('error', 'DECIMAL_PRECISION', [...path, 'physicalType'], `physicalType "${physical}" disagrees with contractgen.decimal.precision/scale (${precision},${scale})`);
        return undefined;
      }
      precision = pp;
      scale = ps;
    }
    if (precision === undefined || scale === undefined) {
      ctx.report(
        'error',
        'DECIMAL_PRECISION',
        [...path, physical ? 'physicalType' : 'name'],
        `decimal "${String(p.name)}" needs a precision and a scale: physicalType "decimal(p,s)" or the contractgen.decimal.precision and contractgen.decimal.scale custom properties`,
      );
      return undefined;
    }
    if (precision < 1 || precision > 38 || scale > precision) {
      ctx.report('error', 'DECIMAL_PRECISION', [...path, physical ? 'physicalType' : 'name'], `decimal(${precision},${scale}) is invalid: precision must be 1–38 and scale at most the precision`);
      return undefined;
    }
    return { kind: 'decimal', precision, scale };
  };

  const isDecimal = dm !== null || extP !== undefined || extS !== undefined;
  switch (logical) {
    case 'string': {
      if (opts.format === 'uuid' || (physical && /^uuid$/i.test(physical))) return { kind: 'uuid' };
      if (physical && /^jsonb?$/i.test(physical)) return { kind: 'json' };
      if (physical && /^(bytea|(tiny|medium|long)?blob|bytes|(var)?binary(\s*\(\s*\d+\s*\))?)$/i.test(physical)) return { kind: 'bytes' };
      // The column length: a varchar(n) physicalType, else the contract's maxLength.
      const vm = physical ? VARCHAR_PHYSICAL.exec(physical) : null;
      const len = vm ? Number(vm[1]) : typeof opts.maxLength === 'number' && opts.maxLength > 0 ? opts.maxLength : undefined;
      return len ? { kind: 'string', maxLength: len } : { kind: 'string' };
    }
    case 'integer': {
      const f = strOr(opts.format);
      if (f === 'i128' || f === 'u128' || f === 'u64') {
        ctx.report('error', 'TYPE_UNSUPPORTED', [...path, 'logicalTypeOptions', 'format'], `integer format ${f} does not fit a 64-bit column in every target; use logicalType number with a decimal physicalType`);
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
      const fields = depth > 64 ? [] : buildFields(ctx, arr(p.properties), [...path, 'properties'], undefined);
      return { kind: 'object', fields };
    }
    case 'array': {
      if (!isObj(p.items)) {
        ctx.report('error', 'TYPE_UNKNOWN', [...path, 'logicalType'], `array "${String(p.name)}" needs "items" to say what it holds`);
        return undefined;
      }
      const itemExt = readExtensions(ctx, p.items, [...path, 'items'], 'property');
      const items = resolveType(ctx, p.items, [...path, 'items'], itemExt);
      return items ? { kind: 'array', items } : undefined;
    }
    case undefined: {
      if (isDecimal) return decimal();
      const hinted = physical ? PHYSICAL_HINTS.find(([re]) => re.test(physical))?.[1] : undefined;
      const vm = physical ? VARCHAR_PHYSICAL.exec(physical) : null;
      if (vm) return { kind: 'string', maxLength: Number(vm[1]) };
      if (hinted) return { kind: hinted } as LogicalType;
      ctx.report(
        'error',
        'TYPE_UNKNOWN',
        [...path, physical ? 'physicalType' : 'name'],
        `cannot tell the type of "${String(p.name)}": give a logicalType${physical ? ` (physicalType "${physical}" is not one contractgen knows)` : ''}`,
      );
      return undefined;
    }
    default:
      return undefined; // the schema already reported the unknown logicalType
  }
}

// ---------------------------------------------------------------------------------------------- quality

const OPERATOR_KEYS = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'] as const;

function buildQuality(ctx: Ctx, list: unknown, path: readonly PathSeg[], keyBase: string, field?: string): QualityRule[] {
  return arr(list).flatMap((q, i): QualityRule[] => {
    if (!isObj(q)) return [];
    const op = OPERATOR_KEYS.find((k) => k in q);
    const operator = op ? ({ op, value: q[op] } as Operator) : undefined;
    const type = (strOr(q.type) ?? (q.metric ? 'library' : 'library')) as QualityRule['type'];
    const key = strOr(q.id) ?? strOr(q.name) ?? `${keyBase}#${i}`;
    return [
      {
        key,
        type,
        ...(q.metric !== undefined ? { metric: q.metric as QualityRule['metric'] } : {}),
        arguments: isObj(q.arguments) ? q.arguments : {},
        ...(operator ? { operator } : {}),
        ...(typeof q.query === 'string' ? { query: q.query } : {}),
        ...(typeof q.engine === 'string' ? { engine: q.engine } : {}),
        ...(q.implementation !== undefined ? { implementation: q.implementation } : {}),
        ...(typeof q.description === 'string' ? { description: q.description } : {}),
        ...(typeof q.dimension === 'string' ? { dimension: q.dimension } : {}),
        ...(typeof q.severity === 'string' ? { severity: q.severity } : {}),
        ...(typeof q.unit === 'string' ? { unit: q.unit } : {}),
        ...(field ? { field } : {}),
        at: ctx.ref([...path, i]),
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------- fields

function buildFields(ctx: Ctx, props: unknown[], path: readonly PathSeg[], datasetName: string | undefined): Field[] {
  const fields: Field[] = [];
  const seen = new Map<string, number>();
  props.forEach((raw, i) => {
    if (!isObj(raw) || typeof raw.name !== 'string') return;
    const p = [...path, i];
    const name = raw.name;
    if (seen.has(name)) {
      ctx.report('error', 'FIELD_DUPLICATE', [...p, 'name'], `field "${name}" is declared twice (first at item ${seen.get(name)})`);
      return;
    }
    seen.set(name, i);
    const ext = readExtensions(ctx, raw, p, 'property');
    const type = resolveType(ctx, raw, p, ext);
    if (!type) return;
    const opts = isObj(raw.logicalTypeOptions) ? raw.logicalTypeOptions : {};
    const constraints: Constraints = {};
    for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
      if (typeof opts[k] === 'number' || typeof opts[k] === 'string') (constraints as Record<string, unknown>)[k] = opts[k];
    }
    for (const k of ['minLength', 'maxLength'] as const) if (typeof opts[k] === 'number') constraints[k] = opts[k] as number;
    if (typeof opts.pattern === 'string') constraints.pattern = opts.pattern;
    if (typeof opts.format === 'string' && type.kind === 'string') constraints.format = opts.format;
    const quality = buildQuality(ctx, raw.quality, [...p, 'quality'], `${datasetName ?? ''}.${name}`, name);
    // ODCS 3.1 has no enum: the standard way to state a value set is an invalidValues check with validValues.
    for (const q of quality) {
      const vv = q.arguments.validValues;
      if (q.metric === 'invalidValues' && Array.isArray(vv) && q.operator?.op === 'mustBe' && q.operator.value === 0) {
        constraints.enum = vv.map((v) => String(v));
      }
    }
    const pii = ext.get('contractgen.pii') === true;
    const classification = strOr(raw.classification);
    fields.push({
      name,
      physicalName: strOr(raw.physicalName) ?? name,
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      ...(typeof raw.businessName === 'string' ? { businessName: raw.businessName } : {}),
      type,
      required: raw.required === true || raw.primaryKey === true,
      unique: raw.unique === true,
      primaryKey: raw.primaryKey === true,
      primaryKeyPosition: typeof raw.primaryKeyPosition === 'number' ? raw.primaryKeyPosition : -1,
      partitioned: raw.partitioned === true,
      partitionKeyPosition: typeof raw.partitionKeyPosition === 'number' ? raw.partitionKeyPosition : -1,
      pii,
      ...(classification ? { classification } : {}),
      constraints,
      ...(ext.has('contractgen.default') ? { default: ext.get('contractgen.default') as string | number | boolean } : {}),
      cdcExcluded: ext.get('contractgen.cdc.exclude') === true,
      examples: arr(raw.examples),
      tags: arr(raw.tags).filter((t): t is string => typeof t === 'string'),
      quality,
      at: ctx.ref([...p, 'name']),
    });
  });
  return fields;
}

/** Key order: by position where given (ascending), else declaration order. */
function ordered(fields: Field[], pick: (f: Field) => boolean, pos: (f: Field) => number): string[] {
  return fields
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => pick(f))
    .sort((a, b) => {
      const pa = pos(a.f) < 0 ? Infinity : pos(a.f);
      const pb = pos(b.f) < 0 ? Infinity : pos(b.f);
      return pa - pb || a.i - b.i;
    })
    .map(({ f }) => f.name);
}

// ---------------------------------------------------------------------------------------------- servers

const SOURCE_TYPES: Record<string, SourceBinding['kind']> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql' };

function findSource(ctx: Ctx, odcs: Obj): Omit<SourceBinding, 'table'> | undefined {
  const candidates: Array<{ s: Obj; i: number; kind: SourceBinding['kind']; ext: Map<string, unknown> }> = [];
  arr(odcs.servers).forEach((s, i) => {
    if (!isObj(s)) return;
    const ext = readExtensions(ctx, s, ['servers', i], 'server');
    const type = strOr(s.type) ?? '';
    const kind = SOURCE_TYPES[type] ?? (type === 'custom' && ext.get('contractgen.server.kind') === 'cassandra' ? 'cassandra' : undefined);
    if (kind) candidates.push({ s, i, kind, ext });
  });
  if (candidates.length === 0) return undefined;
  let chosen = candidates[0]!;
  if (candidates.length > 1) {
    const marked = candidates.filter((c) => c.ext.get('contractgen.source') === true);
    if (marked.length !== 1) {
      ctx.report(
        'error',
        'SOURCE_AMBIGUOUS',
        ['servers', candidates[1]!.i, 'server'],
        `${candidates.length} database servers; mark the CDC source with the custom property contractgen.source: true on exactly one`,
      );
      return undefined;
    }
    chosen = marked[0]!;
  }
  const { s, i, kind, ext } = chosen;
  const base = { kind, server: String(s.server), host: strOr(s.host) ?? '', port: typeof s.port === 'number' ? s.port : 0, at: ctx.ref(['servers', i, 'server']) };
  if (kind === 'cassandra') {
    const keyspace = ext.get('contractgen.cassandra.keyspace') as string | undefined;
    if (!keyspace) {
      ctx.report('error', 'SOURCE_INVALID', ['servers', i, 'server'], 'a Cassandra server needs the custom property contractgen.cassandra.keyspace');
      return undefined;
    }
    const replication = (ext.get('contractgen.cassandra.replication') as Record<string, string | number> | undefined) ?? { class: 'NetworkTopologyStrategy', datacenter1: 3 };
    const datacenter = ext.get('contractgen.cassandra.datacenter') as string | undefined;
    return { ...base, host: base.host || 'cassandra', port: base.port || 9042, database: keyspace, cassandra: { replication, ...(datacenter ? { datacenter } : {}) } };
  }
  return { ...base, database: strOr(s.database) ?? '', ...(kind === 'postgres' ? { schema: strOr(s.schema) ?? 'public' } : {}) };
}

// ---------------------------------------------------------------------------------------------- SLA

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
  y: 31_536_000_000, yr: 31_536_000_000, year: 31_536_000_000, years: 31_536_000_000,
};

/** A duration from an SLA value and unit, or an ISO-8601 duration (P1Y, PT15M, P7D). Months count 30 days, years 365. */
export function parseDuration(value: unknown, unit: string | undefined): number | undefined {
  if (typeof value === 'number' && unit) {
    const f = UNIT_MS[unit.toLowerCase()];
    return f === undefined ? undefined : value * f;
  }
  if (typeof value === 'string') {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
    if (!m || value === 'P' || value.endsWith('T')) return undefined;
    const n = (i: number) => Number(m[i] ?? 0);
    return n(1) * 31_536_000_000 + n(2) * 2_592_000_000 + n(3) * 604_800_000 + n(4) * 86_400_000 + n(5) * 3_600_000 + n(6) * 60_000 + n(7) * 1000;
  }
  return undefined;
}

function buildSla(ctx: Ctx, odcs: Obj): Sla {
  const sla: Sla = { properties: [] };
  arr(odcs.slaProperties).forEach((sp, i) => {
    if (!isObj(sp) || typeof sp.property !== 'string') return;
    const unit = strOr(sp.unit);
    sla.properties.push({ property: sp.property, value: sp.value, ...(unit ? { unit } : {}), ...(typeof sp.element === 'string' ? { element: sp.element } : {}) });
    const target = ({ freshness: 'freshnessMs', retention: 'retentionMs', latency: 'latencyMs' } as const)[sp.property as 'freshness' | 'retention' | 'latency'];
    if (target) {
      const ms = parseDuration(sp.value, unit);
      if (ms === undefined || ms <= 0) ctx.report('error', 'SLA_VALUE', ['slaProperties', i, 'value'], `${sp.property} needs a positive duration: a number with a unit (m, h, d, y …) or ISO-8601 such as P7D`);
      else sla[target] = ms;
    }
    if (sp.property === 'frequency' && (typeof sp.value === 'string' || typeof sp.value === 'number')) sla.frequency = `${sp.value}${unit ?? ''}`;
  });
  return sla;
}

// ---------------------------------------------------------------------------------------------- relationships

/** `users.user_id` or `[file.yaml#]/schema/users/properties/user_id` → {dataset, field}. */
export function parseReference(ref: string): { dataset: string; field: string; external: boolean } | undefined {
  const short = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (short) return { dataset: short[1]!, field: short[2]!, external: false };
  const hash = ref.indexOf('#');
  const external = hash >= 0 && ref.slice(0, hash).length > 0;
  const segs = (hash >= 0 ? ref.slice(hash + 1) : ref).split('/').filter(Boolean);
  if (segs.length === 4 && segs[0] === 'schema' && segs[2] === 'properties') return { dataset: segs[1]!, field: segs[3]!, external };
  return undefined;
}

function buildRelationships(ctx: Ctx, schema: Obj, path: readonly PathSeg[], fields: Field[]): Relationship[] {
  const out: Relationship[] = [];
  const add = (from: string[], to: unknown, at: readonly PathSeg[]) => {
    const tos = Array.isArray(to) ? to : [to];
    const parsed = tos.map((t) => (typeof t === 'string' ? parseReference(t) : undefined));
    if (parsed.some((x) => !x)) {
      ctx.report('error', 'REL_UNRESOLVED', at, `relationship target ${JSON.stringify(to)} is not a reference contractgen can resolve (use "dataset.field")`);
      return;
    }
    const ps = parsed as Array<{ dataset: string; field: string; external: boolean }>;
    if (ps.some((x) => x.external)) {
      ctx.report('warning', 'REL_EXTERNAL', at, 'relationship points into another file; contractgen resolves relationships across the contracts it is given, by dataset name');
    }
    if (new Set(ps.map((x) => x.dataset)).size !== 1 || from.length !== ps.length) {
      ctx.report('error', 'REL_UNRESOLVED', at, `relationship must map ${from.length} field(s) to as many fields of one dataset`);
      return;
    }
    out.push({ from, toDataset: ps[0]!.dataset, toFields: ps.map((x) => x.field), at: ctx.ref(at) });
  };
  arr(schema.properties).forEach((p, i) => {
    if (!isObj(p) || typeof p.name !== 'string') return;
    arr(p.relationships).forEach((r, j) => {
      if (isObj(r)) add([p.name as string], r.to, [...path, 'properties', i, 'relationships', j, 'to']);
    });
  });
  arr(schema.relationships).forEach((r, j) => {
    if (!isObj(r)) return;
    const froms = (Array.isArray(r.from) ? r.from : [r.from]).map((f) => (typeof f === 'string' ? parseReference(f) : undefined));
    const at = [...path, 'relationships', j];
    const bad = froms.findIndex((f) => !f || f.dataset !== schema.name || !fields.some((x) => x.name === f.field));
    if (bad >= 0) {
      ctx.report('error', 'REL_UNRESOLVED', [...at, 'from'], `relationship source ${JSON.stringify(r.from)} must name fields of "${String(schema.name)}"`);
      return;
    }
    add(froms.map((f) => f!.field), r.to, [...at, 'to']);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------- dataset

export function buildDatasets(input: BuildInput): { datasets: Dataset[]; diagnostics: Diagnostic[] } {
  const { doc, odcs, format } = input;
  const ctx = new Ctx(doc);
  const apiVersion = String(odcs.apiVersion);
  if (!/^v3\./.test(apiVersion)) {
    ctx.report('error', 'API_VERSION_UNSUPPORTED', ['apiVersion'], `ODCS ${apiVersion} is not supported; contractgen reads v3.0.x and v3.1.0`);
    return { datasets: [], diagnostics: ctx.diagnostics };
  }
  readExtensions(ctx, odcs, [], 'contract'); // no contractgen extension lives at contract level: this reports any that is put there
  const source = findSource(ctx, odcs);
  const sla = buildSla(ctx, odcs);
  const team = odcs.team;
  const owner: Dataset['owner'] = { members: [] };
  if (isObj(team)) {
    if (typeof team.name === 'string') owner.team = team.name;
    arr(team.members).forEach((m) => {
      if (isObj(m) && typeof m.username === 'string') owner.members.push({ username: m.username, ...(typeof m.name === 'string' ? { name: m.name } : {}), ...(typeof m.role === 'string' ? { role: m.role } : {}) });
    });
  } else if (Array.isArray(team)) {
    team.forEach((m) => {
      if (isObj(m) && typeof m.username === 'string') owner.members.push({ username: m.username, ...(typeof m.name === 'string' ? { name: m.name } : {}), ...(typeof m.role === 'string' ? { role: m.role } : {}) });
    });
  }
  const description = isObj(odcs.description) ? strOr(odcs.description.purpose) : undefined;
  const datasets: Dataset[] = [];
  arr(odcs.schema).forEach((s, i) => {
    if (!isObj(s) || typeof s.name !== 'string') return;
    const path = ['schema', i];
    const ext = readExtensions(ctx, s, path, 'schema');
    const fields = buildFields(ctx, arr(s.properties), [...path, 'properties'], s.name);
    const primaryKey = ordered(fields, (f) => f.primaryKey, (f) => f.primaryKeyPosition);
    const partitionedBy = ordered(fields, (f) => f.partitioned, (f) => f.partitionKeyPosition);
    const table = strOr(s.physicalName) ?? s.name;
    const ds: Dataset = {
      name: s.name,
      table,
      ...(typeof s.description === 'string' ? { description: s.description } : description ? { description } : {}),
      ...(typeof s.businessName === 'string' ? { businessName: s.businessName } : {}),
      contract: {
        id: String(odcs.id),
        ...(typeof odcs.name === 'string' ? { name: odcs.name } : {}),
        version: String(odcs.version),
        status: String(odcs.status),
        ...(typeof odcs.domain === 'string' ? { domain: odcs.domain } : {}),
        apiVersion,
        file: doc.file,
        format,
        versionAt: ctx.ref(['version']),
      },
      owner,
      ...(source ? { source: { ...source, table } } : {}),
      fields,
      primaryKey,
      partitionedBy,
      relationships: buildRelationships(ctx, s, path, fields),
      quality: buildQuality(ctx, s.quality, [...path, 'quality'], s.name),
      ...(ext.has('contractgen.check') ? { checks: ext.get('contractgen.check') as Array<{ name?: string; expression: string }> } : {}),
      sla,
      cdc: { enabled: source !== undefined && ext.get('contractgen.cdc.enabled') !== false },
      kafka: {
        ...(ext.has('contractgen.kafka.topic') ? { topic: ext.get('contractgen.kafka.topic') as string } : {}),
        ...(ext.has('contractgen.kafka.partitions') ? { partitions: ext.get('contractgen.kafka.partitions') as number } : {}),
        ...(ext.has('contractgen.kafka.replicas') ? { replicas: ext.get('contractgen.kafka.replicas') as number } : {}),
        ...(ext.has('contractgen.kafka.cleanupPolicy') ? { cleanupPolicy: ext.get('contractgen.kafka.cleanupPolicy') as 'compact' | 'delete' } : {}),
        ...(ext.has('contractgen.kafka.maxMessageBytes') ? { maxMessageBytes: ext.get('contractgen.kafka.maxMessageBytes') as number } : {}),
        ...(ext.has('contractgen.schemaRegistry.compatibility') ? { compatibility: ext.get('contractgen.schemaRegistry.compatibility') as string } : {}),
      },
      tags: [...arr(odcs.tags), ...arr(s.tags)].filter((t): t is string => typeof t === 'string'),
      at: ctx.ref([...path, 'name']),
    };
    if (source?.kind === 'cassandra') {
      const key = cassandraKey(ctx, ds, ext, path);
      if (key) ds.cassandraKey = key;
    } else if (ext.has('contractgen.cassandra.partitionKey') || ext.has('contractgen.cassandra.clusteringKey')) {
      ctx.report('warning', 'CASSANDRA_KEY', [...path, 'name'], 'Cassandra key properties are ignored: this dataset has no Cassandra source');
    }
    datasets.push(ds);
  });
  return { datasets, diagnostics: ctx.diagnostics };
}

function cassandraKey(ctx: Ctx, ds: Dataset, ext: Map<string, unknown>, path: readonly PathSeg[]): Dataset['cassandraKey'] {
  const names = new Set(ds.fields.map((f) => f.name));
  let partition = ext.get('contractgen.cassandra.partitionKey') as string[] | undefined;
  let clustering = (ext.get('contractgen.cassandra.clusteringKey') as Array<{ column: string; order?: 'ASC' | 'DESC' }> | undefined)?.map((c) => ({ column: c.column, order: c.order ?? 'ASC' }));
  if (!partition) {
    if (ds.primaryKey.length === 0) return undefined; // PK_REQUIRED reports it
    partition = [ds.primaryKey[0]!];
    clustering ??= ds.primaryKey.slice(1).map((c) => ({ column: c, order: 'ASC' as const }));
  }
  clustering ??= [];
  const all = [...partition, ...clustering.map((c) => c.column)];
  const missing = all.filter((c) => !names.has(c));
  if (missing.length) {
    ctx.report('error', 'CASSANDRA_KEY', [...path, 'name'], `Cassandra key names unknown field(s): ${missing.join(', ')}`);
    return undefined;
  }
  if (new Set(all).size !== all.length) {
    ctx.report('error', 'CASSANDRA_KEY', [...path, 'name'], 'a column appears twice in the Cassandra key');
    return undefined;
  }
  if (ds.primaryKey.length && (ds.primaryKey.length !== all.length || !ds.primaryKey.every((c) => all.includes(c)))) {
    ctx.report(
      'error',
      'CASSANDRA_KEY',
      [...path, 'name'],
      `the Cassandra key (${all.join(', ')}) must be the dataset's primary key (${ds.primaryKey.join(', ')}): mark exactly those fields primaryKey: true`,
    );
    return undefined;
  }
  return { partition, clustering };
}
