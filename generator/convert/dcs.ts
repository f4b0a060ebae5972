/**
 * Data Contract Specification 1.x → ODCS v3.1.0, following the mapping datacontract-cli uses (DCS is
 * deprecated in favour of ODCS). Every ODCS node it creates records the DCS path it came from, so diagnostics
 * on a converted contract still point into the DCS file.
 */
import type { LoadedYaml, PathSeg, Pos } from '../load/yaml.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ODCS keys allowed per server type, besides the common ones (mirrors validate/schemas/odcs.ts). */
const SERVER_KEYS: Record<string, string[]> = {
  postgres: ['host', 'port', 'database', 'schema'],
  mysql: ['host', 'port', 'database'],
  s3: ['location', 'endpointUrl', 'format', 'delimiter'],
  kafka: ['host', 'format'],
  trino: ['host', 'port', 'catalog', 'schema'],
  databricks: ['host', 'catalog', 'schema'],
  bigquery: ['project', 'dataset'],
  snowflake: ['host', 'port', 'account', 'database', 'schema', 'warehouse'],
  redshift: ['host', 'database', 'schema', 'region', 'account'],
  sqlserver: ['host', 'port', 'database', 'schema'],
  azure: ['location', 'format', 'delimiter'],
  glue: ['account', 'database', 'location', 'format'],
  oracle: ['host', 'port', 'serviceName'],
  pubsub: ['project'],
  kinesis: ['region', 'format'],
  clickhouse: ['host', 'port', 'database'],
  local: ['path', 'format'],
  sftp: ['location', 'format', 'delimiter'],
  custom: ['account', 'catalog', 'database', 'dataset', 'delimiter', 'endpointUrl', 'format', 'host', 'location', 'path', 'port', 'project', 'region', 'regionName', 'schema', 'serviceName', 'stagingDir', 'warehouse', 'stream'],
};

const TYPE_MAP: Record<string, { logicalType?: string; format?: string; physicalType?: string; timezone?: boolean }> = {
  number: { logicalType: 'number' },
  decimal: { logicalType: 'number' },
  numeric: { logicalType: 'number' },
  int: { logicalType: 'integer', format: 'i32' },
  integer: { logicalType: 'integer', format: 'i32' },
  long: { logicalType: 'integer', format: 'i64' },
  bigint: { logicalType: 'integer', format: 'i64' },
  float: { logicalType: 'number', format: 'f32' },
  double: { logicalType: 'number', format: 'f64' },
  string: { logicalType: 'string' },
  text: { logicalType: 'string' },
  varchar: { logicalType: 'string' },
  boolean: { logicalType: 'boolean' },
  timestamp: { logicalType: 'timestamp', timezone: true },
  timestamp_tz: { logicalType: 'timestamp', timezone: true },
  timestamp_ntz: { logicalType: 'timestamp', timezone: false },
  date: { logicalType: 'date' },
  time: { logicalType: 'time' },
  array: { logicalType: 'array' },
  object: { logicalType: 'object' },
  record: { logicalType: 'object' },
  struct: { logicalType: 'object' },
  map: { logicalType: 'object', physicalType: 'map' },
  bytes: { logicalType: 'string', physicalType: 'bytes' },
  variant: { logicalType: 'string', physicalType: 'json' },
  json: { logicalType: 'string', physicalType: 'json' },
  null: { physicalType: 'null' },
};

export interface Converted {
  odcs: Obj;
  /** LoadedYaml over the ODCS object whose positions point into the DCS source */
  doc: LoadedYaml;
}

export function isDcs(data: unknown): boolean {
  return isObj(data) && 'dataContractSpecification' in data;
}

export function convertDcs(src: LoadedYaml): Converted {
  const origin = new Map<string, { path: PathSeg[]; atKey: boolean }>();
  const key = (p: readonly PathSeg[]) => p.join('\u0000');
  const from = (odcsPath: PathSeg[], dcsPath: PathSeg[], atKey = false) => origin.set(key(odcsPath), { path: dcsPath, atKey });
  const d = src.data as Obj;
  const info = isObj(d.info) ? d.info : {};
  const terms = isObj(d.terms) ? d.terms : {};
  const definitions = isObj(d.definitions) ? d.definitions : {};

  const odcs: Obj = {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: d.id,
    version: info.version,
    status: typeof info.status === 'string' ? info.status : 'active',
  };
  from(['apiVersion'], ['dataContractSpecification']);
  from(['id'], ['id']);
  from(['version'], ['info', 'version']);
  from(['status'], ['info', 'status']);
  if (typeof info.title === 'string') odcs.name = info.title;
  const description: Obj = {};
  if (typeof info.description === 'string') description.purpose = info.description;
  if (typeof terms.usage === 'string') description.usage = terms.usage;
  if (typeof terms.limitations === 'string') description.limitations = terms.limitations;
  if (Object.keys(description).length) odcs.description = description;
  if (typeof info.owner === 'string') odcs.team = { name: info.owner };
  if (Array.isArray(d.tags)) odcs.tags = d.tags.filter((t) => typeof t === 'string');

  const authoritative: Obj[] = [];
  if (isObj(d.links)) for (const [k, v] of Object.entries(d.links)) if (typeof v === 'string') authoritative.push({ type: k, url: v });
  if (Array.isArray(terms.policies)) {
    for (const p of terms.policies) {
      if (isObj(p) && typeof p.url === 'string') authoritative.push({ type: String(p.name ?? p.type ?? 'policy'), url: p.url, ...(typeof p.description === 'string' ? { description: p.description } : {}) });
    }
  }
  if (authoritative.length) odcs.authoritativeDefinitions = authoritative;

  if (isObj(d.servers)) {
    odcs.servers = Object.entries(d.servers).map(([name, s], i) => {
      from(['servers', i], ['servers', name]);
      from(['servers', i, 'server'], ['servers', name], true);
      return convertServer(name, isObj(s) ? s : {});
    });
  }

  if (isObj(d.models)) {
    odcs.schema = Object.entries(d.models).map(([name, m], i) => {
      const model = isObj(m) ? m : {};
      const dp: PathSeg[] = ['models', name];
      from(['schema', i], dp);
      from(['schema', i, 'name'], dp, true);
      const pk = Array.isArray(model.primaryKey) ? model.primaryKey.map(String) : [];
      const so: Obj = { name, physicalName: name, physicalType: typeof model.type === 'string' ? model.type : 'table' };
      if (typeof model.description === 'string') so.description = model.description;
      if (typeof model.title === 'string') so.businessName = model.title;
      const fields = isObj(model.fields) ? model.fields : {};
      so.properties = Object.entries(fields).map(([fname, f], j) =>
        convertField(fname, isObj(f) ? f : {}, definitions, pk, ['schema', i, 'properties', j], [...dp, 'fields', fname], from),
      );
      const quality = convertQuality(model.quality);
      if (quality.length) so.quality = quality;
      return so;
    });
  }

  const sla = convertServiceLevels(d.servicelevels);
  if (sla.length) odcs.slaProperties = sla;

  const pos = (p: readonly PathSeg[]): Pos => {
    for (let n = p.length; n >= 0; n--) {
      const o = origin.get(key(p.slice(0, n)));
      if (o) return o.atKey ? src.keyPos(o.path) : src.pos(o.path);
    }
    return src.pos([]);
  };
  return { odcs, doc: { file: src.file, data: odcs, pos, keyPos: pos } };
}

function convertServer(name: string, s: Obj): Obj {
  const type = typeof s.type === 'string' ? s.type : 'custom';
  const custom: Obj[] = [];
  let odcsType = type === 'postgresql' ? 'postgres' : type;
  if (type === 'cassandra') {
    odcsType = 'custom';
    custom.push({ property: 'contractgen.server.kind', value: 'cassandra' });
    if (typeof s.keyspace === 'string') custom.push({ property: 'contractgen.cassandra.keyspace', value: s.keyspace });
  } else if (!(type in SERVER_KEYS)) {
    odcsType = 'custom';
    custom.push({ property: 'dcs.serverType', value: type });
  }
  const allowed = SERVER_KEYS[odcsType] ?? SERVER_KEYS.custom!;
  const out: Obj = { server: name, type: odcsType };
  for (const k of ['description', 'environment'] as const) if (typeof s[k] === 'string') out[k] = s[k];
  if (Array.isArray(s.roles)) out.roles = s.roles.filter(isObj).map((r) => ({ role: String(r.name), ...(typeof r.description === 'string' ? { description: r.description } : {}) }));
  for (const [k, v] of Object.entries(s)) {
    if (['type', 'description', 'environment', 'roles', 'keyspace'].includes(k)) continue;
    // ODCS types location/endpointUrl as URIs; DCS locations may hold `{model}` placeholders, which a URI cannot.
    if (allowed.includes(k)) out[k] = (k === 'location' || k === 'endpointUrl') && typeof v === 'string' && /[{}\s<>^`|\\"]/.test(v) ? encodeURI(v) : v;
    else custom.push({ property: `dcs.${k}`, value: v });
  }
  if (custom.length) out.customProperties = custom;
  return out;
}

function resolveRef(f: Obj, definitions: Obj): Obj {
  const ref = f.$ref;
  if (typeof ref !== 'string') return f;
  const id = ref.replace(/^#\/definitions\//, '').replace(/^definitions\./, '');
  const def = definitions[id];
  if (!isObj(def)) return f;
  const { $ref: _ignored, ...rest } = f;
  const { domain: _d, name: _n, ...base } = def;
  return { ...base, ...rest };
}

function convertField(
  name: string,
  raw: Obj,
  definitions: Obj,
  pk: string[],
  path: PathSeg[],
  dcsPath: PathSeg[],
  from: (o: PathSeg[], d: PathSeg[], atKey?: boolean) => void,
): Obj {
  from(path, dcsPath);
  from([...path, 'name'], dcsPath, true);
  for (const k of ['physicalType', 'logicalType'] as const) from([...path, k], [...dcsPath, 'type']);
  const f = resolveRef(raw, definitions);
  const t = TYPE_MAP[String(f.type ?? '')] ?? {};
  const p: Obj = { name };
  if (typeof f.title === 'string') p.businessName = f.title;
  if (typeof f.description === 'string') p.description = f.description;
  if (t.logicalType) p.logicalType = t.logicalType;
  const custom: Obj[] = [];
  const precision = typeof f.precision === 'number' ? f.precision : undefined;
  const scale = typeof f.scale === 'number' ? f.scale : undefined;
  if (t.logicalType === 'number' && (f.type === 'decimal' || f.type === 'numeric' || f.type === 'number') && precision !== undefined) {
    p.physicalType = `decimal(${precision},${scale ?? 0})`;
  } else if (t.physicalType) p.physicalType = t.physicalType;
  else if (typeof f.type === 'string') p.physicalType = f.type;
  const isPk = f.primaryKey === true || f.primary === true || pk.includes(name);
  if (isPk) {
    p.primaryKey = true;
    const at = pk.indexOf(name);
    if (at >= 0) p.primaryKeyPosition = at + 1;
  }
  if (f.required === true) p.required = true;
  if (f.unique === true) p.unique = true;
  if (typeof f.classification === 'string') p.classification = f.classification;
  if (Array.isArray(f.tags)) p.tags = f.tags;
  if (Array.isArray(f.examples)) p.examples = f.examples;
  else if (f.example !== undefined) p.examples = [f.example];
  const opts: Obj = {};
  const optKeys =
    t.logicalType === 'string'
      ? ['minLength', 'maxLength', 'pattern', 'format']
      : t.logicalType === 'integer' || t.logicalType === 'number'
        ? ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']
        : [];
  for (const k of optKeys) if (f[k] !== undefined) opts[k] = f[k];
  if (t.format && t.logicalType !== 'number') opts.format = t.format;
  if (t.format && t.logicalType === 'number' && p.physicalType === undefined) opts.format = t.format;
  if (t.timezone !== undefined) opts.timezone = t.timezone;
  if (Object.keys(opts).length) p.logicalTypeOptions = opts;
  if (f.pii === true) custom.push({ property: 'contractgen.pii', value: true });
  if (isObj(f.config)) custom.push({ property: 'dcs.config', value: f.config });
  if (isObj(f.lineage)) custom.push({ property: 'dcs.lineage', value: f.lineage });
  const quality = convertQuality(f.quality);
  if (Array.isArray(f.enum)) {
    quality.push({ type: 'library', metric: 'invalidValues', arguments: { validValues: f.enum }, mustBe: 0, description: `${name} is one of the allowed values` });
  }
  if (quality.length) p.quality = quality;
  if (typeof f.references === 'string') p.relationships = [{ type: 'foreignKey', to: f.references }];
  if (t.logicalType === 'object' && isObj(f.fields)) {
    p.properties = Object.entries(f.fields).map(([n, sub], j) => convertField(n, isObj(sub) ? sub : {}, definitions, [], [...path, 'properties', j], [...dcsPath, 'fields', n], from));
  }
  if (t.logicalType === 'array' && isObj(f.items)) {
    const item = convertField('item', f.items, definitions, [], [...path, 'items'], [...dcsPath, 'items'], from);
    delete item.name;
    p.items = item;
  }
  if (custom.length) p.customProperties = custom;
  return p;
}

const OPS = ['mustBe', 'mustNotBe', 'mustBeGreaterThan', 'mustBeGreaterOrEqualTo', 'mustBeLessThan', 'mustBeLessOrEqualTo', 'mustBeBetween', 'mustNotBeBetween'];
const DEPRECATED_OPS: Record<string, string> = { mustBeGreaterThanOrEqualTo: 'mustBeGreaterOrEqualTo', mustBeLessThanOrEqualTo: 'mustBeLessOrEqualTo' };

function convertQuality(list: unknown): Obj[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((q) => {
    const out: Obj = {};
    const type = typeof q.type === 'string' ? q.type : 'library';
    out.type = type;
    if (typeof q.description === 'string') out.description = q.description;
    if (typeof q.name === 'string') out.name = q.name;
    if (type === 'sql' && typeof q.query === 'string') out.query = q.query;
    if (type === 'library') {
      if (typeof q.metric === 'string') out.metric = q.metric;
      if (isObj(q.arguments)) out.arguments = q.arguments;
    }
    if (type === 'custom') {
      out.engine = q.engine;
      out.implementation = q.implementation;
    }
    if (type === 'library' || type === 'sql') {
      for (const [k, v] of Object.entries(q)) {
        const op = DEPRECATED_OPS[k] ?? k;
        if (OPS.includes(op)) out[op] = v;
      }
    }
    if (typeof q.dialect === 'string') out.customProperties = [{ property: 'dcs.dialect', value: q.dialect }];
    return out;
  });
}

function thresholdSla(property: string, threshold: unknown, element: unknown): Obj {
  const m = typeof threshold === 'string' ? /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(threshold) : null;
  const base: Obj = m ? { property, value: Number(m[1]), unit: m[2] } : { property, value: typeof threshold === 'string' ? threshold : String(threshold) };
  if (typeof element === 'string') base.element = element;
  return base;
}

function convertServiceLevels(sl: unknown): Obj[] {
  if (!isObj(sl)) return [];
  const out: Obj[] = [];
  const o = (k: string): Obj => (isObj(sl[k]) ? (sl[k] as Obj) : {});
  if (o('availability').percentage !== undefined) out.push({ property: 'generalAvailability', value: o('availability').percentage });
  if (o('retention').period !== undefined) out.push({ property: 'retention', value: o('retention').period, ...(typeof o('retention').timestampField === 'string' ? { element: o('retention').timestampField } : {}) });
  if (o('freshness').threshold !== undefined) out.push(thresholdSla('freshness', o('freshness').threshold, o('freshness').timestampField));
  if (o('latency').threshold !== undefined) out.push(thresholdSla('latency', o('latency').threshold, o('latency').sourceTimestampField));
  const freq = o('frequency');
  if (freq.interval !== undefined || freq.cron !== undefined) out.push({ property: 'frequency', value: String(freq.interval ?? freq.cron) });
  return out;
}
