/**
 * The import description → ODCS v3.1 contracts with contractgen's extensions, one per table, as typed objects
 * (the writer serializes them; `drift` models them directly). Along with each object go the YAML comments that
 * explain what a person must check (placeholders, suggestions, losses) and the source position of every part,
 * so that a diagnostic about the source points into the DDL file or names the catalog object.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { PathSeg } from '../load/yaml.js';
import type { SourceRef } from '../model/ir.js';
import { PG_MAX_IDENT } from '../model/names.js';
import { isPlaceholder, PII_SUGGESTED, PLACEHOLDER, PLACEHOLDER_DATABASE, PLACEHOLDER_HOST } from '../validate/placeholders.js';
import { diag, type ColumnDesc, type ColumnType, type ServerDesc, type SourceDescription, type TableDesc } from './describe.js';

type Obj = Record<string, unknown>;

export interface ContractDraft {
  /** the dataset name, also the contract id */
  name: string;
  /** file name of the contract: `<name>.odcs.yaml` */
  file: string;
  table: TableDesc;
  odcs: Obj;
  /** YAML comments to write before the node at a path */
  comments: Array<{ path: PathSeg[]; text: string }>;
  /** source positions of the parts of the contract, most specific path wins */
  positions: Array<{ path: PathSeg[]; at: SourceRef }>;
}

/** The physical spellings the model (model/build/types.ts) reads as a length, a decimal, bytes or JSON. */
const VARCHAR_PHYSICAL = /^\s*(?:varchar|character varying|nvarchar|string)\s*\(\s*(\d+)\s*\)\s*$/i;
const DECIMAL_PHYSICAL = /^\s*(?:decimal|numeric|number)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i;
const BYTES_PHYSICAL = /^(bytea|(tiny|medium|long)?blob|bytes|(var)?binary(\s*\(\s*\d+\s*\))?)$/i;
const JSON_PHYSICAL = /^jsonb?$/i;

export const DEFAULT_PORTS: Record<ServerDesc['kind'], number> = { postgres: 5432, mysql: 3306, cassandra: 9042 };

/** How many placeholder values a draft holds (strings only, not comments). */
export function placeholderCount(v: unknown): number {
  if (typeof v === 'string') return isPlaceholder(v) ? 1 : 0;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + placeholderCount(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + placeholderCount(x), 0);
  return 0;
}

/** A name contractgen accepts for a dataset or field: Avro's, at most 63 bytes. */
export function safeName(name: string): string {
  let n = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(n)) n = `_${n}`;
  while (Buffer.byteLength(n) > PG_MAX_IDENT) n = n.slice(0, -1);
  return n;
}

const stableId = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120);

function numericOptions(c: ColumnDesc['constraints']): Obj {
  const o: Obj = {};
  for (const k of ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const) if (c[k] !== undefined) o[k] = c[k];
  return o;
}

/** The ODCS keys that state a column's type, chosen so that the model reads back exactly `type`. */
export function typeKeys(type: ColumnType, physical: string | undefined, c: ColumnDesc['constraints'] = {}): { keys: Obj; extensions: Obj[]; note?: string } {
  const phys = physical?.trim() || undefined;
  const withPhysical = (o: Obj): Obj => (phys ? { ...o, physicalType: phys } : o);
  const options = (o: Obj): Obj => (Object.keys(o).length ? { logicalTypeOptions: o } : {});
  switch (type.kind) {
    case 'string': {
      const o: Obj = {};
      const physicalLength = phys ? VARCHAR_PHYSICAL.exec(phys) : null;
      const typeLength = type.maxLength !== undefined && !physicalLength ? type.maxLength : undefined;
      if (c.minLength !== undefined) o.minLength = c.minLength;
      const max = [typeLength, c.maxLength].filter((x): x is number => x !== undefined);
      if (max.length) o.maxLength = Math.min(...max);
      if (c.pattern !== undefined) o.pattern = c.pattern;
      if (c.format !== undefined) o.format = c.format;
      return { keys: { logicalType: 'string', ...withPhysical({}), ...options(o) }, extensions: [] };
    }
    case 'uuid':
      return { keys: { logicalType: 'string', ...withPhysical({}), logicalTypeOptions: { format: 'uuid' } }, extensions: [] };
    case 'int16':
    case 'int32':
    case 'int64':
      return { keys: { logicalType: 'integer', ...withPhysical({}), logicalTypeOptions: { format: `i${type.kind.slice(3)}`, ...numericOptions(c) } }, extensions: [] };
    case 'float32':
    case 'float64':
      return { keys: { logicalType: 'number', ...withPhysical({}), logicalTypeOptions: { format: type.kind === 'float32' ? 'f32' : 'f64', ...numericOptions(c) } }, extensions: [] };
    case 'decimal': {
      if (type.precision === undefined) return { keys: { logicalType: 'number', physicalType: phys ?? 'numeric', ...options(numericOptions(c)) }, extensions: [] };
      const m = phys ? DECIMAL_PHYSICAL.exec(phys) : null;
      const spelled = m?.[1] !== undefined && Number(m[1]) === type.precision && Number(m[2] ?? 0) === (type.scale ?? 0);
      const extensions = spelled
        ? []
        : [
            { property: 'contractgen.decimal.precision', value: type.precision },
            { property: 'contractgen.decimal.scale', value: type.scale ?? 0 },
          ];
      // a physicalType that spells a decimal differently would contradict the precision; say the decimal instead
      const physicalType = phys && (!m || spelled) ? phys : `decimal(${type.precision},${type.scale ?? 0})`;
      return { keys: { logicalType: 'number', physicalType, ...options(numericOptions(c)) }, extensions };
    }
    case 'boolean':
      return { keys: { logicalType: 'boolean', ...withPhysical({}) }, extensions: [] };
    case 'date':
    case 'time':
      return { keys: { logicalType: type.kind, ...withPhysical({}), ...options(numericOptions(c)) }, extensions: [] };
    case 'timestamp':
    case 'timestamp_ntz':
      return { keys: { logicalType: 'timestamp', ...withPhysical({}), logicalTypeOptions: { timezone: type.kind === 'timestamp', ...numericOptions(c) } }, extensions: [] };
    case 'bytes': {
      const ok = phys !== undefined && BYTES_PHYSICAL.test(phys);
      return { keys: { logicalType: 'string', physicalType: ok ? phys : 'bytes' }, extensions: [], ...(!ok && phys ? { note: `source type ${phys}` } : {}) };
    }
    case 'json': {
      const ok = phys !== undefined && JSON_PHYSICAL.test(phys);
      return { keys: { logicalType: 'string', physicalType: ok ? phys : 'json' }, extensions: [], ...(!ok && phys ? { note: `source type ${phys}` } : {}) };
    }
    case 'array': {
      const items = typeKeys(type.items, type.itemsPhysical, {});
      return { keys: { logicalType: 'array', ...withPhysical({}), items: { ...items.keys, ...(items.extensions.length ? { customProperties: items.extensions } : {}) } }, extensions: [] };
    }
    case 'object':
      return { keys: { logicalType: 'object', ...withPhysical({}), properties: type.fields.map((f) => fieldProperty(f, new Map()).property) }, extensions: [] };
  }
}

/** One column as an ODCS property, with the comments that go with it. */
function fieldProperty(c: ColumnDesc, names: Map<string, string>, pk?: { position: number }, server?: ServerDesc['kind']): { property: Obj; comments: string[] } {
  const name = names.get(c.name) ?? safeName(c.name);
  // MySQL keys need a length (MYSQL_KEY_LENGTH) that Avro and JSON Schema do not carry: a marked placeholder
  const keyLength = server === 'mysql' && (pk || c.unique) && c.type.kind === 'string' && c.type.maxLength === undefined && c.constraints.maxLength === undefined && !c.physicalType;
  const t = typeKeys(keyLength ? { kind: 'string', maxLength: 255 } : c.type, c.physicalType, c.constraints);
  const p: Obj = { name, ...(name !== c.name ? { physicalName: c.name } : {}), ...t.keys };
  if (pk) {
    p.primaryKey = true;
    p.primaryKeyPosition = pk.position;
  }
  if (!c.nullable || pk) p.required = true;
  if (c.unique) p.unique = true;
  if (c.classification) p.classification = c.classification;
  if (c.comment !== undefined && c.comment.trim() !== '') p.description = c.comment;
  if (keyLength) p.description = `${p.description ? `${String(p.description)} ` : ''}${PLACEHOLDER}: the source does not state the length of this MySQL key column; 255 is a placeholder`;
  if (c.constraints.enum) {
    p.quality = [
      {
        type: 'library',
        metric: 'invalidValues',
        arguments: { validValues: c.constraints.enum },
        mustBe: 0,
        dimension: 'conformity',
        description: `${c.name} is one of the values the source allows`,
      },
    ];
  }
  const ext: Obj[] = [...t.extensions];
  if (c.default !== undefined) ext.push({ property: 'contractgen.default', value: c.default });
  if (c.piiSuggested) ext.push({ property: PII_SUGGESTED, value: c.piiSuggested });
  if (ext.length) p.customProperties = ext;
  const comments: string[] = [];
  if (c.userType) comments.push(`source: ${c.userType}`);
  if (t.note) comments.push(t.note);
  if (c.piiSuggested) comments.push(`suggested PII (${c.piiSuggested}): confirm with {property: contractgen.pii, value: true}, or remove the suggestion`);
  return { property: p, comments };
}

export interface DraftOptions {
  /** only these tables (`name` or `namespace.name`); all when empty */
  tables?: readonly string[];
}

/** The contracts for a source's tables. Unknown `tables` are reported (IMPORT_TABLE_MISSING); none at all is IMPORT_EMPTY. */
export function draftContracts(src: SourceDescription, opts: DraftOptions = {}): { drafts: ContractDraft[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const where = { file: src.label, line: 1, col: 1 };
  const wanted = opts.tables ?? [];
  for (const w of wanted) {
    if (!src.tables.some((t) => t.name === w || `${t.namespace}.${t.name}` === w)) {
      diagnostics.push(diag(where, 'IMPORT_TABLE_MISSING', `${src.label} has no table ${JSON.stringify(w)}${src.tables.length ? `; it has ${src.tables.slice(0, 20).map((t) => (t.namespace ? `${t.namespace}.${t.name}` : t.name)).join(', ')}${src.tables.length > 20 ? ' …' : ''}` : ''}`));
    }
  }
  const tables = wanted.length ? src.tables.filter((t) => wanted.includes(t.name) || wanted.includes(`${t.namespace}.${t.name}`)) : src.tables;
  if (src.tables.length === 0) diagnostics.push(diag(where, 'IMPORT_EMPTY', `${src.label} has no table to import`));
  // dataset names: the table's, or namespace_table where two namespaces share a table name
  const count = new Map<string, number>();
  for (const t of tables) count.set(t.name.toLowerCase(), (count.get(t.name.toLowerCase()) ?? 0) + 1);
  const datasetName = new Map<TableDesc, string>();
  for (const t of tables) {
    const base = (count.get(t.name.toLowerCase()) ?? 0) > 1 && t.namespace ? `${t.namespace}_${t.name}` : t.name;
    const n = safeName(base);
    if (n !== base) diagnostics.push(diag(t.at, 'IMPORT_NAME', `table ${JSON.stringify(t.name)} is not a name contractgen can use for a dataset; the dataset is named ${n} (physicalName keeps the table's)`));
    datasetName.set(t, n);
  }
  const fieldNames = new Map<TableDesc, Map<string, string>>();
  for (const t of tables) {
    const m = new Map<string, string>();
    const used = new Set<string>();
    for (const c of t.columns) {
      let n = safeName(c.name);
      while (used.has(n.toLowerCase())) n = `${n}_`;
      used.add(n.toLowerCase());
      if (n !== c.name) diagnostics.push(diag(c.at, 'IMPORT_NAME', `column ${JSON.stringify(c.name)} of ${t.name} is not a name contractgen can use for a field; the field is named ${n} (physicalName keeps the column's)`));
      m.set(c.name, n);
    }
    fieldNames.set(t, m);
  }
  const find = (table: string, namespace: string | undefined, from: TableDesc) =>
    tables.find((x) => x.name === table && (namespace === undefined || x.namespace === undefined || x.namespace === namespace)) ?? (namespace === undefined ? tables.find((x) => x.name === table && x.namespace === from.namespace) : undefined);

  const drafts = tables.map((t): ContractDraft => {
    const name = datasetName.get(t)!;
    const names = fieldNames.get(t)!;
    const comments: ContractDraft['comments'] = [];
    const positions: ContractDraft['positions'] = [{ path: [], at: t.at }];
    const sp: PathSeg[] = ['schema', 0];
    const key = t.cassandra ? [...t.cassandra.partition, ...t.cassandra.clustering.map((c) => c.column)] : t.primaryKey;
    const properties: Obj[] = t.columns.map((c, i) => {
      const k = key.indexOf(c.name);
      const fp = fieldProperty(c, names, k >= 0 ? { position: k + 1 } : undefined, src.server?.kind);
      positions.push({ path: [...sp, 'properties', i], at: c.at });
      if (fp.comments.length) comments.push({ path: [...sp, 'properties', i], text: fp.comments.join('\n') });
      return fp.property;
    });
    const schema: Obj = { name, ...(name !== t.name ? { physicalName: t.name } : {}), physicalType: 'table' };
    if (t.comment !== undefined && t.comment.trim() !== '') schema.description = t.comment;
    const ext: Obj[] = [];
    if (t.cassandra) {
      ext.push({ property: 'contractgen.cassandra.partitionKey', value: t.cassandra.partition.map((c) => names.get(c) ?? c) });
      if (t.cassandra.clustering.length) ext.push({ property: 'contractgen.cassandra.clusteringKey', value: t.cassandra.clustering.map((c) => ({ column: names.get(c.column) ?? c.column, order: c.order })) });
    }
    const quality: Obj[] = [];
    if (t.checks.length) {
      ext.push({ property: 'contractgen.check', value: t.checks.map((c) => ({ ...(c.name && /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(c.name) ? { name: c.name } : {}), expression: c.expression })) });
      t.checks.forEach((c, i) => {
        diagnostics.push(diag(c.at, 'IMPORT_CHECK_KEPT', `${t.name}: CHECK ${c.name ? `${c.name} ` : ''}(${c.expression}) is kept whole (contractgen.check) and as a SQL quality rule`));
        quality.push({
          id: stableId(c.name ?? `${name}_check_${i + 1}`),
          type: 'sql',
          query: `SELECT COUNT(*) FROM \${table} WHERE NOT (${c.expression})`,
          mustBe: 0,
          dimension: 'conformity',
          description: `No row breaks the source's CHECK ${c.name ?? ''}`.trimEnd(),
        });
        positions.push({ path: [...sp, 'quality', quality.length - 1], at: c.at });
      });
    }
    for (const u of t.uniques) {
      const fields = u.map((c) => names.get(c) ?? c);
      quality.push({ id: stableId(`${name}_${fields.join('_')}_unique`), type: 'library', metric: 'duplicateValues', arguments: { properties: fields }, mustBe: 0, dimension: 'uniqueness', description: `(${fields.join(', ')}) is unique in the source` });
    }
    // a Cassandra time to live is the contract's retention, expired by contractgen.cassandra.ttl (generate writes it back)
    const { default_time_to_live: ttl, ...options } = t.options;
    if (typeof ttl === 'number' && ttl > 0) ext.push({ property: 'contractgen.cassandra.ttl', value: true });
    if (Object.keys(options).length) ext.push({ property: 'contractgen.source.options', value: options });
    // foreign keys: to tables imported in the same run, as relationships; others are reported
    const relationships: Obj[] = [];
    for (const fk of t.foreignKeys) {
      const target = find(fk.table, fk.namespace, t);
      if (!target) {
        diagnostics.push(diag(fk.at, 'IMPORT_NOT_CARRIED', `${t.name}: the foreign key (${fk.columns.join(', ')}) → ${fk.namespace ? `${fk.namespace}.` : ''}${fk.table} points to a table this import does not include; import it too to keep the relationship`));
        continue;
      }
      const tn = datasetName.get(target)!;
      const tf = fieldNames.get(target)!;
      if (fk.columns.length === 1) {
        const i = t.columns.findIndex((c) => c.name === fk.columns[0]);
        if (i >= 0) {
          const prop = properties[i]!;
          prop.relationships = [...((prop.relationships as Obj[] | undefined) ?? []), { type: 'foreignKey', to: `${tn}.${tf.get(fk.refColumns[0]!) ?? fk.refColumns[0]}` }];
        }
      } else {
        relationships.push({ type: 'foreignKey', from: fk.columns.map((c) => `${name}.${names.get(c) ?? c}`), to: fk.refColumns.map((c) => `${tn}.${tf.get(c) ?? c}`) });
        positions.push({ path: [...sp, 'relationships', relationships.length - 1], at: fk.at });
      }
    }
    if (ext.length) schema.customProperties = ext;
    schema.properties = properties;
    if (relationships.length) schema.relationships = relationships;
    if (quality.length) schema.quality = quality;

    const odcs: Obj = {
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: name,
      name,
      version: '0.1.0',
      status: 'draft',
      description: { purpose: `${PLACEHOLDER}: what this data is for, and who uses it` },
    };
    comments.push({ path: ['description', 'purpose'], text: `${PLACEHOLDER}: write the purpose; lint warns (PLACEHOLDER) until every ${PLACEHOLDER} is replaced` });
    if (src.server) {
      odcs.servers = [serverObject(src.server, t)];
      positions.push({ path: ['servers', 0], at: t.at });
      if (!src.server.host || !src.server.database) comments.push({ path: ['servers', 0], text: `${PLACEHOLDER}: the file does not say where the database runs; write its host${src.server.database ? '' : ' and database'}` });
    }
    odcs.team = { name: t.owner ?? `${PLACEHOLDER}: the owning team` };
    if (!t.owner) comments.push({ path: ['team', 'name'], text: `${PLACEHOLDER}: the team that owns this data` });
    odcs.schema = [schema];
    odcs.slaProperties = [
      ...(typeof ttl === 'number' && ttl > 0 ? [{ property: 'retention', value: ttl, unit: 's' }] : []),
      { property: PLACEHOLDER, value: `${PLACEHOLDER}: state the SLA, e.g. {property: freshness, value: 15, unit: m} and {property: retention, value: 1, unit: y}` },
    ];
    comments.push({ path: ['slaProperties'], text: `${PLACEHOLDER}: replace this entry with the real SLA (freshness, retention …)` });
    return { name, file: `${name}.odcs.yaml`, table: t, odcs, comments, positions };
  });
  return { drafts, diagnostics };
}

function serverObject(s: ServerDesc, t: TableDesc): Obj {
  const host = s.host ?? PLACEHOLDER_HOST;
  const port = s.port ?? DEFAULT_PORTS[s.kind];
  if (s.kind === 'cassandra') {
    const keyspace = t.namespace ?? PLACEHOLDER_DATABASE;
    return {
      server: t.namespace ? `cassandra-${keyspace}` : 'cassandra',
      type: 'custom',
      host,
      port,
      customProperties: [
        { property: 'contractgen.server.kind', value: 'cassandra' },
        { property: 'contractgen.cassandra.keyspace', value: keyspace },
        ...(s.replication?.[keyspace] ? [{ property: 'contractgen.cassandra.replication', value: s.replication[keyspace] }] : []),
      ],
    };
  }
  const known = s.kind === 'mysql' ? (t.namespace ?? s.database) : s.database;
  const database = known ?? PLACEHOLDER_DATABASE;
  return {
    server: known ? `${s.kind}-${known}` : s.kind,
    type: s.kind,
    host,
    port,
    database,
    ...(s.kind === 'postgres' ? { schema: t.namespace ?? 'public' } : {}),
  };
}
