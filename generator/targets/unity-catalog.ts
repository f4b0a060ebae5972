/**
 * `unity-catalog` target: Unity Catalog OSS REST payloads (POST /catalogs, /schemas, /tables) for the catalog,
 * the raw and trusted schemas, and an EXTERNAL table per dataset and layer; and `apply.ts`, an idempotent apply
 * script built with ts-morph: it reads first, then creates what is missing and updates what differs (tables,
 * which UC OSS cannot update, are dropped and re-created: for EXTERNAL tables that touches metadata only).
 * Every column carries type_name, type_text, and a type_json that is a Spark StructField whose name and
 * nullability match the column (the server checks both). UC OSS has no tags API: PII and ownership go into
 * table properties and column comments.
 */
import { Project, VariableDeclarationKind, type SourceFile } from 'ts-morph';
import type { PlatformConfig } from '../config/config.js';
import type { Dataset, Field } from '../model/ir.js';
import { lakeName, rawLocation, s3Url, trustedLocation } from '../model/naming.js';
import { mapType } from '../model/types.js';
import { columnComment } from './lang/comments.js';
import { DATA_PLACEHOLDER, withRawLayer, type OutputFile, type Target } from './target.js';

type Json = Record<string, unknown>;

/** A UC ColumnInfo for a contract field. */
export function ucColumn(f: Field, position: number, partitionIndex: number | undefined): Json {
  const m = mapType(f.type);
  const nullable = !f.required;
  const comment = columnComment(f);
  return {
    name: f.physicalName,
    type_text: m.unityCatalog.typeText,
    type_json: JSON.stringify({ name: f.physicalName, type: m.spark.json, nullable, metadata: comment ? { comment } : {} }),
    type_name: m.unityCatalog.typeName,
    ...(m.unityCatalog.precision !== undefined ? { type_precision: m.unityCatalog.precision, type_scale: m.unityCatalog.scale } : {}),
    position,
    ...(comment ? { comment } : {}),
    nullable,
    ...(partitionIndex !== undefined ? { partition_index: partitionIndex } : {}),
  };
}

const RAW_COLUMNS: Array<[string, string, string, string, boolean, string]> = [
  ['key', 'string', 'STRING', 'string', true, 'message key, base64 (null for none)'],
  ['value', 'string', 'STRING', 'string', true, 'message value, base64 (null for a tombstone)'],
  ['offset', 'bigint', 'LONG', 'long', false, 'Kafka offset'],
  ['timestamp', 'bigint', 'LONG', 'long', false, 'Kafka timestamp, epoch milliseconds'],
  ['dt', 'string', 'STRING', 'string', false, 'partition: UTC date of the Kafka timestamp'],
  ['hour', 'string', 'STRING', 'string', false, 'partition: UTC hour of the Kafka timestamp'],
];

function properties(ds: Dataset, layer: string): Record<string, string> {
  const pii = ds.fields.filter((f) => f.pii).map((f) => f.physicalName);
  return {
    'contract.id': ds.contract.id,
    'contract.version': ds.contract.version,
    'contract.dataset': ds.name,
    layer,
    owner: ds.owner.team ?? 'unknown',
    ...(pii.length ? { 'pii.columns': pii.join(','), 'pii.classification': 'contains-pii' } : { 'pii.classification': 'no-pii' }),
  };
}

export interface UcPlan {
  catalog: Json;
  schemas: Json[];
  tables: Json[];
}

export function ucPlan(datasets: readonly Dataset[], config: PlatformConfig): UcPlan {
  const catalog = config.unityCatalog.catalog;
  const tables: Json[] = [];
  for (const ds of datasets) {
    const name = lakeName(ds);
    const raw = rawLocation(ds, config)!;
    tables.push({
      name,
      catalog_name: catalog,
      schema_name: config.naming.rawSchema,
      table_type: 'EXTERNAL',
      data_source_format: 'JSON',
      columns: RAW_COLUMNS.map(([n, text, typeName, sparkType, nullable, comment], i) => ({
        name: n,
        type_text: text,
        type_json: JSON.stringify({ name: n, type: sparkType, nullable, metadata: { comment } }),
        type_name: typeName,
        position: i,
        comment,
        nullable,
        ...(n === 'dt' ? { partition_index: 0 } : n === 'hour' ? { partition_index: 1 } : {}),
      })),
      storage_location: s3Url(raw),
      comment: `Raw CDC events of ${ds.name}, byte-exact JSON lines.`,
      properties: properties(ds, 'raw'),
    });
    const parts = ds.partitionedBy.map((n) => ds.fields.find((f) => f.name === n)!);
    const ordered = [...ds.fields.filter((f) => !ds.partitionedBy.includes(f.name)), ...parts];
    tables.push({
      name,
      catalog_name: catalog,
      schema_name: config.naming.trustedSchema,
      table_type: 'EXTERNAL',
      data_source_format: 'PARQUET',
      columns: ordered.map((f, i) => ucColumn(f, i, ds.partitionedBy.includes(f.name) ? ds.partitionedBy.indexOf(f.name) : undefined)),
      storage_location: s3Url(trustedLocation(ds, config)),
      comment: `${ds.description ?? ds.name}${ds.owner.team ? ` Owner: ${ds.owner.team}.` : ''}`,
      properties: properties(ds, 'trusted'),
    });
  }
  return {
    catalog: { name: catalog, comment: `Lake of ${config.project.name}: raw CDC events and trusted current state, generated from data contracts.`, properties: { 'managed-by': 'contractgen' } },
    schemas: [
      { name: config.naming.rawSchema, catalog_name: catalog, comment: 'Raw layer: CDC topics copied byte-exact from Kafka.', properties: { layer: 'raw' } },
      { name: config.naming.trustedSchema, catalog_name: catalog, comment: 'Trusted layer: current state per dataset, checked against its contract.', properties: { layer: 'trusted' } },
    ],
    tables,
  };
}

/** The apply script's source, built with ts-morph. */
export function applyScript(config: PlatformConfig): string {
  const project = new Project({ useInMemoryFileSystem: true });
  const sf: SourceFile = project.createSourceFile('apply.mts', '', { overwrite: true });
  sf.addStatements([
    '/**',
    ' * Registers the lake in Unity Catalog, idempotently: it reads each object first, creates what is missing and',
    ' * updates what differs. UC OSS cannot update a table, so a changed EXTERNAL table is dropped and re-created',
    ' * (metadata only; the data stays where it is).',
    ' *',
    ' * Usage: UC_URL=http://host:8080/api/2.1/unity-catalog UC_TOKEN=<token> npx tsx apply.mts [--dry-run]',
    ' */',
  ]);
  sf.addTypeAlias({ name: 'Properties', isExported: true, type: 'Record<string, string>' });
  sf.addInterface({ name: 'CreateCatalog', isExported: true, properties: [{ name: 'name', type: 'string' }, { name: 'comment', hasQuestionToken: true, type: 'string' }, { name: 'properties', hasQuestionToken: true, type: 'Properties' }] });
  sf.addInterface({
    name: 'CreateSchema',
    isExported: true,
    properties: [{ name: 'name', type: 'string' }, { name: 'catalog_name', type: 'string' }, { name: 'comment', hasQuestionToken: true, type: 'string' }, { name: 'properties', hasQuestionToken: true, type: 'Properties' }],
  });
  sf.addTypeAlias({
    name: 'ColumnTypeName',
    isExported: true,
    type: "'BOOLEAN' | 'BYTE' | 'SHORT' | 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'DATE' | 'TIMESTAMP' | 'TIMESTAMP_NTZ' | 'STRING' | 'BINARY' | 'DECIMAL' | 'ARRAY' | 'STRUCT' | 'MAP'",
  });
  sf.addInterface({
    name: 'ColumnInfo',
    isExported: true,
    properties: [
      { name: 'name', type: 'string' },
      { name: 'type_text', type: 'string' },
      { name: 'type_json', type: 'string' },
      { name: 'type_name', type: 'ColumnTypeName' },
      { name: 'type_precision', hasQuestionToken: true, type: 'number' },
      { name: 'type_scale', hasQuestionToken: true, type: 'number' },
      { name: 'position', type: 'number' },
      { name: 'comment', hasQuestionToken: true, type: 'string' },
      { name: 'nullable', type: 'boolean' },
      { name: 'partition_index', hasQuestionToken: true, type: 'number' },
    ],
  });
  sf.addInterface({
    name: 'CreateTable',
    isExported: true,
    properties: [
      { name: 'name', type: 'string' },
      { name: 'catalog_name', type: 'string' },
      { name: 'schema_name', type: 'string' },
      { name: 'table_type', type: "'EXTERNAL'" },
      { name: 'data_source_format', type: "'PARQUET' | 'JSON' | 'DELTA'" },
      { name: 'columns', type: 'ColumnInfo[]' },
      { name: 'storage_location', type: 'string' },
      { name: 'comment', hasQuestionToken: true, type: 'string' },
      { name: 'properties', hasQuestionToken: true, type: 'Properties' },
    ],
  });
  sf.addInterface({ name: 'Plan', isExported: true, properties: [{ name: 'catalog', type: 'CreateCatalog' }, { name: 'schemas', type: 'CreateSchema[]' }, { name: 'tables', type: 'CreateTable[]' }] });
  sf.addInterface({ name: 'Action', isExported: true, properties: [{ name: 'method', type: "'POST' | 'PATCH' | 'DELETE'" }, { name: 'path', type: 'string' }, { name: 'body', hasQuestionToken: true, type: 'unknown' }] });
  sf.addInterface({
    name: 'ApplyOptions',
    isExported: true,
    properties: [
      { name: 'baseUrl', type: 'string', docs: ['e.g. http://unity-catalog:8080/api/2.1/unity-catalog'] },
      { name: 'token', hasQuestionToken: true, type: 'string', docs: ['bearer token, if the server wants one'] },
      { name: 'dryRun', hasQuestionToken: true, type: 'boolean', docs: ['only read: report what would change'] },
      { name: 'log', hasQuestionToken: true, type: '(line: string) => void' },
    ],
  });
  // the plan is data, megabytes for a thousand tables: emit splices it in for the placeholder (OutputFile.data)
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['What the contracts say Unity Catalog must hold.'],
    declarations: [{ name: 'PLAN', type: 'Plan', initializer: DATA_PLACEHOLDER }],
  });
  sf.addFunction({
    name: 'request',
    isAsync: true,
    parameters: [
      { name: 'opts', type: 'ApplyOptions' },
      { name: 'method', type: 'string' },
      { name: 'path', type: 'string' },
      { name: 'body', hasQuestionToken: true, type: 'unknown' },
    ],
    returnType: 'Promise<{ status: number; json: unknown }>',
    statements: `const headers: Record<string, string> = { accept: 'application/json' };
if (opts.token) headers.authorization = \`Bearer \${opts.token}\`;
if (body !== undefined) headers['content-type'] = 'application/json';
const res = await fetch(opts.baseUrl.replace(/\\/+$/, '') + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
const text = await res.text();
const json: unknown = text ? JSON.parse(text) : null;
if (res.status >= 400 && !(method === 'GET' && res.status === 404)) throw new Error(\`\${method} \${path}: HTTP \${res.status} \${text}\`);
return { status: res.status, json };`,
  });
  sf.addFunction({
    name: 'differs',
    docs: ['True when a field of `want` is not what the server has (the server may add fields of its own).'],
    parameters: [
      { name: 'want', type: 'Record<string, unknown>' },
      { name: 'have', type: 'unknown' },
    ],
    returnType: 'boolean',
    statements: `if (typeof have !== 'object' || have === null) return true;
const h = have as Record<string, unknown>;
return Object.entries(want).some(([k, v]) => {
  if (k === 'columns' && Array.isArray(v) && Array.isArray(h.columns)) {
    const cols = h.columns as Array<Record<string, unknown>>;
    return v.length !== cols.length || (v as Array<Record<string, unknown>>).some((c, i) => differs(c, cols[i]));
  }
  if (typeof v === 'object' && v !== null) return JSON.stringify(v) !== JSON.stringify(h[k] ?? {});
  return h[k] !== v;
});`,
  });
  sf.addFunction({
    name: 'apply',
    isExported: true,
    isAsync: true,
    docs: ['Brings Unity Catalog in line with PLAN. Returns the writes it made (or, with dryRun, would make).'],
    parameters: [
      { name: 'opts', type: 'ApplyOptions' },
      { name: 'plan', type: 'Plan', initializer: 'PLAN' },
    ],
    returnType: 'Promise<Action[]>',
    statements: `const actions: Action[] = [];
const log = opts.log ?? ((line: string) => console.log(line));
const write = async (action: Action) => {
  actions.push(action);
  log(\`\${opts.dryRun ? 'would ' : ''}\${action.method} \${action.path}\`);
  if (!opts.dryRun) await request(opts, action.method, action.path, action.body);
};
const c = plan.catalog;
const catalog = await request(opts, 'GET', \`/catalogs/\${encodeURIComponent(c.name)}\`);
if (catalog.status === 404) await write({ method: 'POST', path: '/catalogs', body: c });
else if (differs({ comment: c.comment, properties: c.properties }, catalog.json)) await write({ method: 'PATCH', path: \`/catalogs/\${encodeURIComponent(c.name)}\`, body: { comment: c.comment, properties: c.properties } });
for (const s of plan.schemas) {
  const full = encodeURIComponent(\`\${s.catalog_name}.\${s.name}\`);
  const got = await request(opts, 'GET', \`/schemas/\${full}\`);
  if (got.status === 404) await write({ method: 'POST', path: '/schemas', body: s });
  else if (differs({ comment: s.comment, properties: s.properties }, got.json)) await write({ method: 'PATCH', path: \`/schemas/\${full}\`, body: { comment: s.comment, properties: s.properties } });
}
for (const t of plan.tables) {
  const full = encodeURIComponent(\`\${t.catalog_name}.\${t.schema_name}.\${t.name}\`);
  const got = await request(opts, 'GET', \`/tables/\${full}\`);
  if (got.status !== 404 && !differs(t as unknown as Record<string, unknown>, got.json)) continue;
  if (got.status !== 404) await write({ method: 'DELETE', path: \`/tables/\${full}\` });
  await write({ method: 'POST', path: '/tables', body: t });
}
return actions;`,
  });
  sf.addStatements(`
const isMain = typeof process !== 'undefined' && process.argv[1] !== undefined && import.meta.url === new URL(\`file://\${process.argv[1]}\`).href;
if (isMain) {
  const baseUrl = process.env.UC_URL ?? ${JSON.stringify(`${config.unityCatalog.url}/api/2.1/unity-catalog`)};
  apply({ baseUrl, token: process.env.UC_TOKEN, dryRun: process.argv.includes('--dry-run') || process.env.DRY_RUN === '1' }).then(
    (actions) => console.log(\`\${actions.length} change(s)\`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}`);
  return sf.getFullText();
}

export const unityCatalogTarget: Target = {
  id: 'unity-catalog',
  description: 'Unity Catalog OSS: REST payloads for the catalog, raw/trusted schemas and EXTERNAL tables, and an idempotent apply script',
  run(model, ctx) {
    const { datasets, diagnostics } = withRawLayer('unity-catalog', model, ctx.config);
    if (!datasets.length) return { files: [], diagnostics };
    const plan = ucPlan(datasets, ctx.config);
    const all = datasets.map((d) => d.contract.file);
    const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
    const fileOf = new Map(datasets.map((d) => [lakeName(d), d.contract.file]));
    const files: OutputFile[] = [
      { path: 'catalog.json', content: json(plan.catalog), kind: 'json', sources: all },
      ...plan.schemas.map((s) => ({ path: `schemas/${String(s.name)}.json`, content: json(s), kind: 'json' as const, sources: all })),
      ...plan.tables.map((t) => ({
        path: `tables/${String(t.schema_name)}.${String(t.name)}.json`,
        content: json(t),
        kind: 'json' as const,
        sources: [fileOf.get(String(t.name))!],
      })),
      { path: 'apply.mts', content: applyScript(ctx.config), data: JSON.stringify(plan, null, 2), kind: 'ts', sources: all },
    ];
    return { files, diagnostics };
  },
};
