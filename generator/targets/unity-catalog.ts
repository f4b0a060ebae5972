/**
 * `unity-catalog` target: Unity Catalog OSS REST payloads (POST /catalogs, /schemas, /tables) for the catalog,
 * the raw and trusted schemas, and an EXTERNAL table per dataset and layer; and an idempotent apply script:
 * `plan.mts`, what the contracts say the catalog must hold, built with ts-morph, and `apply.mts`, the client,
 * copied from templates/unity-catalog/static/: it reads first, then creates what is missing and updates what
 * differs (tables, which UC OSS cannot update, are dropped and re-created: for EXTERNAL tables that touches
 * metadata only).
 * Every column carries type_name, type_text, and a type_json that is a Spark StructField whose name and
 * nullability match the column (the server checks both). UC OSS has no tags API: PII and ownership go into
 * table properties and column comments.
 */
import { Project, VariableDeclarationKind } from 'ts-morph';
import type { PlatformConfig } from '../config/config.js';
import type { Dataset, Field } from '../model/ir.js';
import { lakeName, rawLocation, s3Url, trustedLocation } from '../model/naming.js';
import { mapType } from '../model/types.js';
import { columnComment, datasetNotes } from './lang/comments.js';
import { DATA_PLACEHOLDER, served, type OutputFile, type Target } from './target.js';

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
  ['timestamp', 'string', 'STRING', 'string', true, 'Kafka timestamp, ISO-8601 UTC (null when the record has none)'],
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
    // UC OSS has no Iceberg data_source_format (DataSourceFormat: DELTA, CSV, JSON, AVRO, PARQUET, ORC, TEXT): an
    // Iceberg table registered as PARQUET would be read as every file under its location, replaced snapshots'
    // included. With trino.tableFormat: iceberg only the raw table is registered.
    if (config.trino.tableFormat === 'iceberg') continue;
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
      comment: `${ds.description ?? ds.name}${ds.owner.team ? ` Owner: ${ds.owner.team}.` : ''}${datasetNotes(ds)}`,
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

/**
 * plan.mts, built with ts-morph: the plan (emit splices it in for the placeholder: data, megabytes for a thousand
 * tables) and the default server URL from the config. apply.mts, the client that imports them, is a static file.
 */
export function planFile(config: PlatformConfig): string {
  const sf = new Project({ useInMemoryFileSystem: true }).createSourceFile('plan.mts', '');
  sf.addImportDeclaration({ moduleSpecifier: './apply.mjs', isTypeOnly: true, namedImports: ['Plan'] });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['What the contracts say Unity Catalog must hold.'],
    declarations: [{ name: 'PLAN', type: 'Plan', initializer: DATA_PLACEHOLDER }],
  });
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    leadingTrivia: (w) => w.blankLine(),
    docs: ['The Unity Catalog REST API that apply.mts talks to when UC_URL is not set.'],
    declarations: [{ name: 'DEFAULT_BASE_URL', initializer: JSON.stringify(`${config.unityCatalog.url}/api/2.1/unity-catalog`) }],
  });
  return sf.getFullText();
}

export const unityCatalogTarget: Target = {
  id: 'unity-catalog',
  description: 'Unity Catalog OSS: REST payloads for the catalog, raw/trusted schemas and EXTERNAL tables, and an idempotent apply script',
  run(model, ctx) {
    const datasets = served('unity-catalog', model, ctx.config);
    if (!datasets.length) return { files: [], diagnostics: [] };
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
      { path: 'plan.mts', content: planFile(ctx.config), data: JSON.stringify(plan, null, 2), kind: 'ts', sources: all },
      ...ctx.copies('unity-catalog', all), // apply.mts: templates/unity-catalog/static/
    ];
    return { files, diagnostics: [] };
  },
};
