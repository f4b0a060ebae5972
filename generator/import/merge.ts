/**
 * `contractgen import … --merge CONTRACT`: the schema of an existing contract updated from the source, in
 * place, through the `yaml` library's document model, so that everything written by hand stays as it was
 * (descriptions, quality rules, SLA, team, extensions, comments, key order). What the source states is taken
 * from it: types, nullability, keys, uniqueness, value sets, ranges, lengths, patterns, defaults, the kept CHECKs;
 * new columns are appended, dropped ones removed. A constraint the source does not state is kept: a contract
 * may promise more than the database enforces (`contractgen drift` reports that difference).
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag, type ColumnDesc, type SourceDescription, type TableDesc } from './describe.js';
import { draftContracts, type ContractDraft } from './odcs.js';
import { commentAt } from './write.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SOURCE_EXTENSIONS = ['contractgen.decimal.precision', 'contractgen.decimal.scale'];

/** What a source format can state, beyond types and columns. */
interface Knows {
  nullability: boolean;
  keys: boolean;
}

export interface MergeResult {
  text: string;
  /** source tables that matched no dataset of the contract, and datasets no table matched */
  diagnostics: Diagnostic[];
  changed: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function getMap(m: YAMLMap, key: string): YAMLMap | undefined {
  const v = m.get(key, true);
  return isMap(v) ? v : undefined;
}
function getSeq(m: YAMLMap, key: string): YAMLSeq | undefined {
  const v = m.get(key, true);
  return isSeq(v) ? v : undefined;
}
const plain = (m: YAMLMap | undefined, key: string): unknown => {
  const v = m?.get(key, true);
  return isScalar(v) ? v.value : v && typeof (v as { toJSON?: () => unknown }).toJSON === 'function' ? (v as { toJSON: () => unknown }).toJSON() : v;
};

/** Sets `key` to `value` unless it already holds an equal value (so untouched nodes keep their style and comments). */
function setIfChanged(doc: Document, m: YAMLMap, key: string, value: unknown): boolean {
  if (JSON.stringify(plain(m, key)) === JSON.stringify(value)) return false;
  const existing = m.get(key, true);
  if (isScalar(existing) && (typeof value !== 'object' || value === null)) {
    existing.value = value;
    return true;
  }
  const node = doc.createNode(value);
  // a list written in flow style ([a, b]) stays in flow style
  if ((isSeq(existing) || isMap(existing)) && (isSeq(node) || isMap(node))) node.flow = existing.flow ?? false;
  m.set(doc.createNode(key), node);
  return true;
}

/** PostgreSQL and MySQL spellings of the same type: `timestamptz` is `timestamp with time zone`. */
const ALIASES: Array<[RegExp, string]> = [
  [/^timestamptz(\(\d+\))?$/, 'timestamp$1 with time zone'],
  [/^timestamp(\(\d+\))?$/, 'timestamp$1 without time zone'],
  [/^timetz(\(\d+\))?$/, 'time$1 with time zone'],
  [/^time(\(\d+\))?$/, 'time$1 without time zone'],
  [/^varchar/, 'character varying'],
  [/^char(?!acter)/, 'character'],
  [/^(int|int4)$/, 'integer'],
  [/^int8$/, 'bigint'],
  [/^int2$/, 'smallint'],
  [/^bool$/, 'boolean'],
  [/^float8$/, 'double precision'],
  [/^float4$/, 'real'],
  [/^decimal/, 'numeric'],
];
export function samePhysical(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b;
  const norm = (s: string) => {
    let t = s.toLowerCase().replace(/\s+/g, ' ').replace(/\s*\(\s*/g, '(').replace(/\s*,\s*/g, ',').replace(/\s*\)/g, ')').trim();
    for (const [re, to] of ALIASES) t = t.replace(re, to);
    return t;
  };
  return norm(a) === norm(b);
}

function deleteKey(m: YAMLMap, key: string): boolean {
  return m.has(key) ? m.delete(key) : false;
}

/** The `customProperties` entry with a property name, as a map node. */
function customProperty(m: YAMLMap, name: string): { seq?: YAMLSeq; index: number; node?: YAMLMap } {
  const seq = getSeq(m, 'customProperties');
  const index = seq ? seq.items.findIndex((x) => isMap(x) && plain(x, 'property') === name) : -1;
  return { ...(seq ? { seq } : {}), index, ...(seq && index >= 0 ? { node: seq.items[index] as YAMLMap } : {}) };
}

function setCustomProperty(doc: Document, m: YAMLMap, name: string, value: unknown): boolean {
  const cp = customProperty(m, name);
  if (cp.node) return setIfChanged(doc, cp.node, 'value', value);
  if (!cp.seq) m.set(doc.createNode('customProperties'), doc.createNode([{ property: name, value }]));
  else cp.seq.items.push(doc.createNode({ property: name, value }));
  return true;
}

function deleteCustomProperty(m: YAMLMap, name: string): boolean {
  const cp = customProperty(m, name);
  if (!cp.seq || cp.index < 0) return false;
  cp.seq.items.splice(cp.index, 1);
  if (cp.seq.items.length === 0) m.delete('customProperties');
  return true;
}

/** Merges one source property (from the draft) into an existing property node. */
function mergeProperty(doc: Document, node: YAMLMap, src: Obj, col: ColumnDesc | undefined, knows: Knows): boolean {
  let changed = false;
  const oldLogical = plain(node, 'logicalType');
  changed = setIfChanged(doc, node, 'logicalType', src.logicalType) || changed;
  // an unsized decimal in the source (CQL decimal, PostgreSQL numeric) keeps the precision the contract states
  const keepDecimal = col?.type.kind === 'decimal' && col.type.precision === undefined && oldLogical === 'number';
  if (src.physicalType !== undefined && !keepDecimal && !samePhysical(plain(node, 'physicalType'), src.physicalType)) changed = setIfChanged(doc, node, 'physicalType', src.physicalType) || changed;
  else if (src.physicalType === undefined && oldLogical !== src.logicalType) changed = deleteKey(node, 'physicalType') || changed;
  if (src.logicalType === 'array') changed = setIfChanged(doc, node, 'items', src.items) || changed;
  else changed = deleteKey(node, 'items') || changed;
  if (knows.keys) {
    for (const k of ['primaryKey', 'primaryKeyPosition'] as const) {
      if (k in src) changed = setIfChanged(doc, node, k, src[k]) || changed;
      else changed = deleteKey(node, k) || changed;
    }
  }
  if (knows.nullability || src.primaryKey === true) {
    if (src.required === true) changed = setIfChanged(doc, node, 'required', true) || changed;
    else changed = deleteKey(node, 'required') || changed;
  }
  if (src.unique === true) changed = setIfChanged(doc, node, 'unique', true) || changed;
  // nested object: merge its properties the same way
  if (src.logicalType === 'object' && Array.isArray(src.properties)) {
    const seq = getSeq(node, 'properties');
    const fields = col?.type.kind === 'object' ? col.type.fields : [];
    if (seq) changed = mergeProperties(doc, seq, src.properties as Obj[], fields, knows).changed || changed;
    else changed = setIfChanged(doc, node, 'properties', src.properties) || changed;
  } else if (node.has('properties')) changed = deleteKey(node, 'properties') || changed;
  // logicalTypeOptions: the type's own keys follow the source; constraints are added or changed, never removed
  const srcOpts = isObj(src.logicalTypeOptions) ? src.logicalTypeOptions : {};
  const opts = getMap(node, 'logicalTypeOptions');
  const typeKey = (k: string, v: unknown) => k === 'timezone' || (k === 'format' && (src.logicalType === 'integer' || src.logicalType === 'number' || v === 'uuid'));
  if (opts) {
    for (const pair of [...opts.items]) {
      const k = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!(k in srcOpts) && typeKey(k, plain(opts, k))) changed = deleteKey(opts, k) || changed;
    }
    for (const [k, v] of Object.entries(srcOpts)) changed = setIfChanged(doc, opts, k, v) || changed;
    if (opts.items.length === 0) node.delete('logicalTypeOptions');
  } else if (Object.keys(srcOpts).length) {
    node.set(doc.createNode('logicalTypeOptions'), doc.createNode(srcOpts));
    changed = true;
  }
  // extensions the type needs (decimal precision) and the source default
  const srcExt = new Map((Array.isArray(src.customProperties) ? (src.customProperties as Obj[]) : []).map((cp) => [String(cp.property), cp.value]));
  for (const name of SOURCE_EXTENSIONS) {
    if (srcExt.has(name)) changed = setCustomProperty(doc, node, name, srcExt.get(name)) || changed;
    else if (!keepDecimal) changed = deleteCustomProperty(node, name) || changed;
  }
  if (srcExt.has('contractgen.default')) changed = setCustomProperty(doc, node, 'contractgen.default', srcExt.get('contractgen.default')) || changed;
  // a PII suggestion is added only where the contract says nothing about PII yet
  if (srcExt.has('contractgen.pii.suggested') && !customProperty(node, 'contractgen.pii').node && !customProperty(node, 'contractgen.pii.suggested').node) {
    changed = setCustomProperty(doc, node, 'contractgen.pii.suggested', srcExt.get('contractgen.pii.suggested')) || changed;
  }
  // a value set: the existing invalidValues rule gets the source's values; otherwise the source's rule is added
  const srcRule = Array.isArray(src.quality) ? (src.quality as Obj[]).find((q) => q.metric === 'invalidValues') : undefined;
  if (srcRule) {
    const q = getSeq(node, 'quality');
    const rule = q?.items.find((x): x is YAMLMap => isMap(x) && plain(x, 'metric') === 'invalidValues' && isObj(plain(x, 'arguments')) && Array.isArray((plain(x, 'arguments') as Obj).validValues));
    if (rule) {
      const args = getMap(rule, 'arguments');
      if (args) changed = setIfChanged(doc, args, 'validValues', (srcRule.arguments as Obj).validValues) || changed;
    } else if (q) {
      q.items.push(doc.createNode(srcRule));
      changed = true;
    } else {
      node.set(doc.createNode('quality'), doc.createNode([srcRule]));
      changed = true;
    }
  }
  // fill what the contract lacks and the source has: a description, a classification
  for (const k of ['description', 'classification'] as const) if (src[k] !== undefined && !node.has(k)) changed = setIfChanged(doc, node, k, src[k]) || changed;
  return changed;
}

/** Merges a list of source properties into a properties sequence: update, append, remove. Returns the appended columns. */
function mergeProperties(doc: Document, seq: YAMLSeq, srcProps: Obj[], columns: readonly ColumnDesc[], knows: Knows): { changed: boolean; added: Set<string> } {
  let changed = false;
  const added = new Set<string>();
  const column = (x: unknown) => (isMap(x) ? (str(plain(x, 'physicalName')) ?? str(plain(x, 'name'))) : undefined);
  const bySource = new Map(srcProps.map((p) => [str(p.physicalName) ?? str(p.name), p]));
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const c = column(seq.items[i]);
    if (c !== undefined && !bySource.has(c)) {
      seq.items.splice(i, 1);
      changed = true;
    }
  }
  const existing = new Map(seq.items.map((x) => [column(x), x as YAMLMap]));
  srcProps.forEach((p, i) => {
    const c = str(p.physicalName) ?? str(p.name);
    const node = existing.get(c);
    if (node) changed = mergeProperty(doc, node, p, columns[i], knows) || changed;
    else {
      seq.items.push(doc.createNode(p));
      added.add(c ?? '');
      changed = true;
    }
  });
  return { changed, added };
}

const tableOf = (s: YAMLMap) => str(plain(s, 'physicalName')) ?? str(plain(s, 'name'));

/**
 * Updates the contract text from the source. Each schema object is matched to a source table by its
 * physical table name (and the server's schema, keyspace or database, when both say).
 */
export function mergeContract(file: string, text: string, src: SourceDescription): MergeResult {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const diagnostics: Diagnostic[] = [];
  const root = doc.contents;
  const schemaSeq = isMap(root) ? getSeq(root, 'schema') : undefined;
  if (!isMap(root) || !schemaSeq) return { text, diagnostics: [diag({ file, line: 1, col: 1 }, 'IMPORT_SOURCE', `${file} has no schema to merge into`)], changed: false };
  const server = (getSeq(root, 'servers')?.items ?? []).find(isMap);
  const namespace = server ? (str(plain(server, 'schema')) ?? str(plain(server, 'database'))) : undefined;
  let changed = false;
  schemaSeq.items.forEach((item, i) => {
    if (!isMap(item)) return;
    const t = tableOf(item);
    const candidates = src.tables.filter((x) => x.name === t || x.name.toLowerCase() === t?.toLowerCase());
    const table: TableDesc | undefined = candidates.find((x) => namespace === undefined || x.namespace === undefined || x.namespace === namespace) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!table) {
      diagnostics.push(diag({ file, line: 1, col: 1 }, 'IMPORT_TABLE_MISSING', `${src.label} has no table ${JSON.stringify(t)} for dataset ${JSON.stringify(str(plain(item, 'name')))} of ${file}`));
      return;
    }
    const { drafts, diagnostics: dd } = draftContracts({ ...src, tables: [table] });
    diagnostics.push(...dd.filter((d) => d.rule !== 'IMPORT_EMPTY'));
    const draft: ContractDraft | undefined = drafts[0];
    const ds = draft && isObj((draft.odcs.schema as Obj[])[0]) ? ((draft.odcs.schema as Obj[])[0] as Obj) : undefined;
    if (!ds || !draft) return;
    const knows: Knows = { nullability: src.format === 'postgres' || src.format === 'mysql' || src.format === 'avro', keys: table.primaryKey.length > 0 };
    const props = getSeq(item, 'properties');
    let added = new Set<string>();
    if (props) {
      const r = mergeProperties(doc, props, ds.properties as Obj[], table.columns, knows);
      changed = r.changed || changed;
      added = r.added;
    } else {
      item.set(doc.createNode('properties'), doc.createNode(ds.properties));
      added = new Set(table.columns.map((c) => c.name));
      changed = true;
    }
    // schema-level facts of the source: Cassandra keys, kept CHECKs, source options
    const srcExt = new Map(((ds.customProperties as Obj[] | undefined) ?? []).map((cp) => [String(cp.property), cp.value]));
    for (const name of ['contractgen.cassandra.partitionKey', 'contractgen.cassandra.clusteringKey', 'contractgen.check', 'contractgen.source.options']) {
      if (srcExt.has(name)) changed = setCustomProperty(doc, item, name, srcExt.get(name)) || changed;
      else if (name !== 'contractgen.cassandra.partitionKey' && name !== 'contractgen.cassandra.clusteringKey') changed = deleteCustomProperty(item, name) || changed;
    }
    // quality rules the source implies (kept CHECKs, compound uniques), by id, added when missing
    const srcQuality = (ds.quality as Obj[] | undefined) ?? [];
    if (srcQuality.length) {
      const q = getSeq(item, 'quality');
      const ids = new Set((q?.items ?? []).map((x) => (isMap(x) ? plain(x, 'id') : undefined)));
      const add = srcQuality.filter((r) => !ids.has(r.id));
      if (add.length) {
        if (q) q.items.push(...add.map((r) => doc.createNode(r)));
        else item.set(doc.createNode('quality'), doc.createNode(add));
        changed = true;
      }
    }
    // the comments that go with the columns added
    const seq = getSeq(item, 'properties');
    for (const c of draft.comments.filter((x) => x.path[2] === 'properties')) {
      const col = table.columns[c.path[3] as number];
      if (!col || !added.has(col.name)) continue;
      const idx = seq?.items.findIndex((x) => isMap(x) && (str(plain(x, 'physicalName')) ?? str(plain(x, 'name'))) === col.name) ?? -1;
      if (idx >= 0) commentAt(doc, ['schema', i, 'properties', idx], c.text);
    }
  });
  return { text: changed ? doc.toString({ lineWidth: 0, flowCollectionPadding: false }) : text, diagnostics, changed };
}
