/**
 * `docs` target: a catalog people read. Per dataset a Markdown page (Mermaid lineage) and a static HTML page
 * (inline SVG lineage), an index of both, and client-side search over datasets and fields. Everything a page
 * says comes from the model, the naming functions and the one type table, so the docs cannot disagree with the
 * artifacts. The HTML works offline from file:// with no network and no CDN; without JavaScript every page and
 * the full dataset list still show, only the search box is inert.
 *
 * Escaping: templates print pre-escaped text only (see emit/templates.ts). Every string of a page view is
 * escaped for the page's language by `escapeView`, except keys starting with `raw`, which hold markup built
 * here from escaped parts (the SVG) or diagram source built from identifiers only.
 */
import type { PlatformConfig } from '../config/config.js';
import { cmp } from '../diagnostics/diagnostic.js';
import { subjects } from '../model/cdc.js';
import type { Constraints, Dataset, Element, Field, LogicalType, QualityRule, SourceKind } from '../model/ir.js';
import { cdcTopic, dagId, lakeName, rawLocation, s3Url, trinoNames, trustedLocation, ucNames } from '../model/naming.js';
import { html } from '../model/names.js';
import { mapType, typeLabel, type AvroType, type ParquetType } from '../model/types.js';
import type { OutputFile, Target, TargetContext } from './target.js';

// ------------------------------------------------------------------------------------------------ escaping

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

const MD_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\n': '<br>', '\r': '<br>', '\r\n': '<br>' };

/** Text for a Markdown table cell or paragraph: inline only, nothing it says can become markup or a link. */
export function md(s: string): string {
  const t = s.replace(/\r\n?|\n|[&<>\\`*_[\]|~]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => MD_ESCAPES[c] ?? (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) > 0x20 ? `\\${c}` : ''));
  // what starts a block only at the start of the text: a heading, a list item, an ordered list item
  return t.replace(/^([#+-])/, '\\$1').replace(/^(\d+)\./, '$1\\.');
}

/** A line for a Markdown code block: nothing in it can close the block. */
function codeLine(s: string): string {
  return s.replace(CONTROL, '').replace(/[\r\n`]/g, ' ');
}

/** An escaper that remembers: pages repeat most of their strings (types, yes/no, system names). */
function memo(esc: (s: string) => string): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let v = seen.get(s);
    if (v === undefined) {
      v = esc(s);
      if (seen.size < 100_000) seen.set(s, v);
    }
    return v;
  };
}

/** Escapes every string in a view for its page, except values under keys starting with `raw`. */
function escapeView<T>(v: T, esc: (s: string) => string): T {
  if (typeof v === 'string') return esc(v) as T;
  if (Array.isArray(v)) return v.map((x) => escapeView(x, esc)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k.startsWith('raw') ? x : escapeView(x, esc)])) as T;
  return v;
}

// ------------------------------------------------------------------------------------------------ page model

const SYSTEMS = ['PostgreSQL', 'MySQL', 'CQL', 'Avro', 'Parquet', 'Spark', 'Trino', 'Unity Catalog'] as const;

function avroLabel(a: AvroType | AvroType[] | string): string {
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return a.map(avroLabel).join(' | ');
  const o = a as Record<string, unknown>;
  if (o.type === 'array') return `array<${avroLabel(o.items as AvroType)}>`;
  if (typeof o.logicalType === 'string') return `${String(o.type)} (${o.logicalType}${o.precision !== undefined ? ` ${String(o.precision)},${String(o.scale ?? 0)}` : ''})`;
  if (typeof o['connect.name'] === 'string') return `${String(o.type)} (${o['connect.name']})`;
  return String(o.type);
}

function parquetLabel(p: ParquetType): string {
  const inner = p.children?.length ? `<${p.children.map(parquetLabel).join(', ')}>` : '';
  return `${p.physical}${p.logical ? ` ${p.logical}` : ''}${inner}`;
}

function typesOf(f: Field, config: PlatformConfig, source: SourceKind | undefined): string[] {
  const m = mapType(f.type);
  return [m.postgres, m.mysql, m.cql, avroLabel(source === 'mysql' ? m.avro.mysql : m.avro.postgres), parquetLabel(m.parquet), m.spark.ddl, m.trino[config.trino.tableFormat], m.unityCatalog.typeText];
}

function constraintsOf(f: { unique?: boolean; constraints: Constraints }): string {
  const c = f.constraints;
  const out: string[] = [];
  if (f.unique) out.push('unique');
  if (c.enumEntries?.some((e) => e.label || e.description)) {
    out.push(`one of: ${c.enumEntries.map((e) => `${String(e.value)}${e.label || e.description ? ` (${[e.label, e.description].filter(Boolean).join(': ')})` : ''}`).join(', ')}`);
  } else if (c.enum) out.push(`one of: ${c.enum.join(', ')}`);
  if (c.minimum !== undefined) out.push(`≥ ${c.minimum}`);
  if (c.exclusiveMinimum !== undefined) out.push(`> ${c.exclusiveMinimum}`);
  if (c.maximum !== undefined) out.push(`≤ ${c.maximum}`);
  if (c.exclusiveMaximum !== undefined) out.push(`< ${c.exclusiveMaximum}`);
  if (c.minLength !== undefined) out.push(`length ≥ ${c.minLength}`);
  if (c.maxLength !== undefined) out.push(`length ≤ ${c.maxLength}`);
  if (c.pattern !== undefined) out.push(`matches ${c.pattern}`);
  if (c.format !== undefined) out.push(`format ${c.format}`);
  if (c.minItems !== undefined) out.push(`at least ${c.minItems} items`);
  if (c.maxItems !== undefined) out.push(`at most ${c.maxItems} items`);
  if (c.uniqueItems) out.push('unique items');
  return out.join('; ');
}

/** A field's description with what ODCS v3.2.0 adds: its semantic type (a measure's aggregation) and synonyms. */
function describe(f: Field): string {
  const parts = [f.description ?? ''];
  if (f.semanticType && f.semanticType !== 'column') parts.push(`${f.semanticType === 'measure' ? 'Measure' : 'Dimension'}${f.transformLogic ? `: ${f.transformLogic}` : ''}.`);
  if (f.synonyms?.length) parts.push(`Also called: ${f.synonyms.join(', ')}.`);
  return parts.filter(Boolean).join(' ');
}

/** The rows of the fields table: each field, then what is inside it (object fields, array items, map keys and values). */
function fieldRows(f: Field, name: string, depth = 0): Array<{ name: string; f?: Field; type: LogicalType; required: boolean; constraints: string; description: string }> {
  const rows: Array<{ name: string; f?: Field; type: LogicalType; required: boolean; constraints: string; description: string }> = [{ name, f, type: f.type, required: f.required, constraints: constraintsOf(f), description: describe(f) }];
  const inner = (t: LogicalType, at: string, d: number) => {
    if (d > 16) return;
    if (t.kind === 'object') for (const g of t.fields) rows.push(...fieldRows(g, `${at}.${g.name}`, d + 1));
    const parts: Array<[string, Element]> = t.kind === 'array' ? [[`${at}[]`, t.items]] : t.kind === 'map' ? [[`${at}{key}`, t.key], [`${at}{value}`, t.value]] : [];
    for (const [n, e] of parts) {
      rows.push({ name: n, type: e.type, required: e.required, constraints: constraintsOf(e), description: e.description ?? '' });
      if (e.type.kind !== 'object') inner(e.type, n, d + 1);
      else for (const g of e.type.fields) rows.push(...fieldRows(g, `${n}.${g.name}`, d + 1));
    }
  };
  if (f.type.kind === 'object') for (const g of f.type.fields) rows.push(...fieldRows(g, `${name}.${g.name}`, depth + 1));
  else inner(f.type, name, depth);
  return rows;
}

function ruleText(q: QualityRule): string {
  const op = q.operator ? ` ${q.operator.op} ${JSON.stringify(q.operator.value)}` : '';
  const args = Object.keys(q.arguments).length ? ` ${JSON.stringify(q.arguments)}` : '';
  if (q.type === 'sql') return `SQL${op}: ${q.query ?? ''}`;
  if (q.type === 'text') return q.description ?? 'described in text';
  return `${q.metric ?? q.type}${op}${args}${q.description ? ` (${q.description})` : ''}`;
}

const duration = (ms: number | undefined) => {
  if (ms === undefined) return undefined;
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [n, u] of units) if (ms % n === 0) return `${ms / n} ${u}`;
  return `${ms} ms`;
};

/** One node of the platform diagram. */
interface DiagramNode {
  id: string;
  label: string;
  /** columns of the layout, left to right, and the row within the column */
  col: number;
  row: number;
  shape: 'store' | 'process' | 'stream';
}

const NODES: DiagramNode[] = [
  { id: 'postgres', label: 'PostgreSQL', col: 0, row: 0, shape: 'store' },
  { id: 'mysql', label: 'MySQL', col: 0, row: 1, shape: 'store' },
  { id: 'cassandra', label: 'Cassandra', col: 0, row: 2, shape: 'store' },
  { id: 'debezium', label: 'Debezium', col: 1, row: 1, shape: 'process' },
  { id: 'kafka', label: 'Kafka topics', col: 2, row: 1, shape: 'stream' },
  { id: 'sync', label: 'Sync', col: 3, row: 1, shape: 'process' },
  { id: 'raw', label: 'MinIO raw', col: 4, row: 1, shape: 'store' },
  { id: 'spark', label: 'Spark', col: 5, row: 1, shape: 'process' },
  { id: 'trusted', label: 'MinIO trusted', col: 6, row: 1, shape: 'store' },
  { id: 'trino', label: 'Trino', col: 7, row: 0, shape: 'process' },
  { id: 'uc', label: 'Unity Catalog', col: 7, row: 2, shape: 'process' },
  { id: 'airflow', label: 'Airflow', col: 5, row: 3, shape: 'process' },
  { id: 'quality', label: 'Quality suites', col: 6, row: 3, shape: 'process' },
  { id: 'contracts', label: 'Data contracts', col: 3, row: 3, shape: 'store' },
];

const EDGES: Array<[string, string, 'flow' | 'control']> = [
  ['postgres', 'debezium', 'flow'],
  ['mysql', 'debezium', 'flow'],
  ['cassandra', 'debezium', 'flow'],
  ['debezium', 'kafka', 'flow'],
  ['kafka', 'sync', 'flow'],
  ['sync', 'raw', 'flow'],
  ['raw', 'spark', 'flow'],
  ['spark', 'trusted', 'flow'],
  ['trusted', 'trino', 'flow'],
  ['trusted', 'uc', 'flow'],
  ['airflow', 'spark', 'control'],
  ['airflow', 'quality', 'control'],
  ['quality', 'trusted', 'control'],
  ['contracts', 'quality', 'control'],
  ['contracts', 'kafka', 'control'],
];

/** The nodes on a dataset's own path through the platform. */
function pathOf(ds: Dataset): Set<string> {
  const on = new Set(['spark', 'trusted', 'trino', 'uc', 'airflow', 'quality', 'contracts']);
  // the CDC half only for a dataset with a source system: without one there is no topic and no raw layer
  if (ds.source) for (const id of [ds.source.kind, 'debezium', 'kafka', 'sync', 'raw']) on.add(id);
  return on;
}

/** Mermaid flowchart source: node ids and labels are fixed identifiers, the dataset only picks the highlight. */
export function mermaid(on: Set<string> | undefined): string {
  const shape = (n: DiagramNode) => (n.shape === 'store' ? `[("${n.label}")]` : n.shape === 'stream' ? `{{"${n.label}"}}` : `["${n.label}"]`);
  const lines = ['flowchart LR', ...NODES.map((n) => `  ${n.id}${shape(n)}`), ...EDGES.map(([a, b, k]) => `  ${a} ${k === 'flow' ? '-->' : '-.->'} ${b}`)];
  if (on) {
    lines.push('  classDef path fill:#ffe082,stroke:#e65100,stroke-width:2px');
    lines.push(`  class ${NODES.filter((n) => on.has(n.id)).map((n) => n.id).join(',')} path`);
  }
  return lines.join('\n');
}

/** The same diagram as an SVG, laid out on a fixed grid: renders offline in any browser. */
export function svg(on: Set<string> | undefined, title: string): string {
  const W = 130;
  const H = 44;
  const GX = 150;
  const GY = 74;
  const pos = new Map(NODES.map((n) => [n.id, { x: 12 + n.col * GX, y: 12 + n.row * GY }]));
  const lit = (id: string) => on?.has(id) ?? false;
  const edges = EDGES.map(([a, b, k]) => {
    const p = pos.get(a)!;
    const q = pos.get(b)!;
    const [x1, y1, x2, y2] = q.x > p.x ? [p.x + W, p.y + H / 2, q.x, q.y + H / 2] : q.x < p.x ? [p.x, p.y + H / 2, q.x + W, q.y + H / 2] : [p.x + W / 2, q.y > p.y ? p.y + H : p.y, q.x + W / 2, q.y > p.y ? q.y : q.y + H];
    const cls = `edge${k === 'control' ? ' control' : ''}${lit(a) && lit(b) ? ' on' : ''}`;
    return `<line class="${cls}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" marker-end="url(#arrow)"/>`;
  });
  const nodes = NODES.map((n) => {
    const { x, y } = pos.get(n.id)!;
    const rx = n.shape === 'store' ? 12 : n.shape === 'stream' ? 22 : 4;
    return `<g class="node ${n.shape}${lit(n.id) ? ' on' : ''}" data-node="${n.id}"><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="${rx}"/><text x="${x + W / 2}" y="${y + H / 2 + 5}">${html(n.label)}</text></g>`;
  });
  const width = 12 * 2 + 7 * GX + W;
  const height = 12 * 2 + 3 * GY + H;
  return [
    `<svg id="lineage" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="lineage-title">`,
    `<title id="lineage-title">${html(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>',
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}

interface Page {
  name: string;
  title: string;
  file: string;
  description: string;
  contract: string;
  owner: string;
  members: string;
  sla: Array<{ what: string; value: string }>;
  /** `rawCode`: the same value as a Markdown code span (names and paths read best verbatim) */
  lives: Array<{ what: string; where: string; rawCode: string }>;
  fields: Array<{ name: string; rawName: string; anchor: string; description: string; type: string; required: string; key: string; pii: string; constraints: string }>;
  /** the columns (top-level fields) with their type in every system */
  columns: Array<{ name: string; rawName: string; types: string[] }>;
  systems: readonly string[];
  quality: Array<{ on: string; check: string }>;
  relationships: Array<{ rawFrom: string; to: string; href: string }>;
  snippets: { trino: string; kafka: string; s3: string };
  /** the snippets for Markdown code blocks, where escapes are not read: one line, no backticks */
  rawCode: { trino: string; kafka: string; s3: string };
  /** the dataset name as an identifier ([A-Za-z_][A-Za-z0-9_]*, checked by lint), safe in a code span */
  rawName: string;
  rawMermaid: string;
  rawSvg: string;
}

function pageOf(ds: Dataset, all: ReadonlyMap<string, Dataset>, config: PlatformConfig): Page {
  const lake = lakeName(ds);
  const topic = ds.source && ds.cdc.enabled ? cdcTopic(ds, config) : undefined;
  const trino = trinoNames(ds, config);
  const uc = ucNames(ds, config);
  const raw = rawLocation(ds, config);
  const src = ds.source;
  const lives: Array<{ what: string; where: string }> = [];
  if (src) lives.push({ what: 'Source table', where: `${src.kind} ${src.host}:${src.port}, ${[src.database, src.schema, src.table].filter(Boolean).join('.')}` });
  if (topic) {
    lives.push({ what: 'CDC topic', where: topic });
    lives.push({ what: 'Schema Registry subjects', where: src!.kind === 'cassandra' ? 'none: JSON events (Kafka JsonConverter)' : `${subjects(topic).key}, ${subjects(topic).value}` });
  }
  if (raw) lives.push({ what: 'Raw layer', where: s3Url(raw) });
  lives.push({ what: 'Trusted layer', where: s3Url(trustedLocation(ds, config)) });
  lives.push({ what: 'Trino', where: `${trino.trusted} (masked view ${trino.masked}${raw ? `; raw ${trino.raw}` : ''})` });
  lives.push({ what: 'Unity Catalog', where: `${uc.trusted}${raw ? ` (raw ${uc.raw})` : ''}` });
  lives.push({ what: 'Airflow DAG', where: dagId(ds) });
  const sla: Page['sla'] = [];
  for (const [what, v] of [['Freshness', duration(ds.sla.freshnessMs)], ['Latency', duration(ds.sla.latencyMs)], ['Retention', duration(ds.sla.retentionMs)], ['Frequency', ds.sla.frequency]] as const) if (v) sla.push({ what, value: v });
  // ODCS v3.2.0: what the dataset is also called, and the context it gives readers (and AI tools)
  if (ds.synonyms?.length) sla.push({ what: 'Also called', value: ds.synonyms.join(', ') });
  if (ds.context?.instructions) sla.push({ what: 'Context', value: ds.context.instructions });
  for (const v of ds.context?.verifiedStatements ?? []) sla.push({ what: 'Verified', value: `${v.question}${v.answer ? ` ${v.answer}` : ''}` });
  for (const c of ds.context?.constraints ?? []) sla.push({ what: 'Constraint', value: c });
  const quality = [
    ...ds.quality.map((q) => ({ on: q.field ?? 'dataset', check: ruleText(q) })),
    ...ds.fields.flatMap((f) => [...(constraintsOf(f) ? [{ on: f.name, check: constraintsOf(f) }] : []), ...(f.required ? [{ on: f.name, check: 'not null' }] : []), ...f.quality.filter((q) => q.metric !== 'invalidValues').map((q) => ({ on: f.name, check: ruleText(q) }))]),
  ];
  const avro = src && src.kind !== 'cassandra';
  const bootstrap = config.kafka.bootstrapServers;
  const on = pathOf(ds);
  const title = ds.businessName ?? ds.name;
  const snippets = {
    trino: `SELECT * FROM ${trino.trusted} LIMIT 10;`,
    kafka: topic
      ? avro
        ? `kafka-avro-console-consumer --bootstrap-server ${bootstrap} --topic ${topic} --from-beginning --property schema.registry.url=${config.schemaRegistry.url} --property print.key=true`
        : `kafka-console-consumer --bootstrap-server ${bootstrap} --topic ${topic} --from-beginning --property print.key=true`
      : 'no CDC topic: the dataset has no source system',
    s3: `aws s3 ls --recursive --endpoint-url ${config.minio.endpoint} ${s3Url(raw ?? trustedLocation(ds, config))}`,
  };

  return {
    name: ds.name,
    title,
    file: lake,
    description: ds.description ?? '',
    contract: `${ds.contract.id} v${ds.contract.version} (${ds.contract.status}${ds.contract.domain ? `, domain ${ds.contract.domain}` : ''}), ${ds.contract.file}`,
    owner: ds.owner.team ?? 'unknown',
    members: ds.owner.members.map((m) => `${m.name ?? m.username}${m.role ? ` (${m.role})` : ''}`).join(', '),
    sla,
    lives: lives.map((l) => ({ ...l, rawCode: `\`${codeLine(l.where).replace(/\|/g, '\\|')}\`` })), // a pipe ends a table cell even in code
    fields: ds.fields.flatMap((top) =>
      fieldRows(top, top.name).map((r) => ({
        name: r.name,
        rawName: r.name,
        anchor: `field-${r.name.replace(/\[\]/g, '-item').replace(/\{(key|value)\}/g, '-$1').replace(/[^A-Za-z0-9_]+/g, '-')}`,
        description: r.description,
        type: typeLabel(r.type),
        required: r.required ? 'yes' : 'no',
        key: r.f?.primaryKey ? 'primary key' : r.f?.partitioned ? 'partition' : '',
        pii: r.f ? [r.f.pii ? 'PII' : '', r.f.classification ?? ''].filter(Boolean).join(', ') : '',
        constraints: r.constraints,
      })),
    ),
    columns: ds.fields.map((f) => ({ name: f.name, rawName: f.name, types: typesOf(f, config, src?.kind) })),
    systems: SYSTEMS,
    quality,
    relationships: ds.relationships.map((r) => {
      const target = all.get(r.toDataset);
      return { rawFrom: r.from.join(', '), to: `${r.toDataset}.${r.toFields.join(', ')}`, href: target ? `${lakeName(target)}.html` : '' };
    }),
    snippets,
    rawCode: { trino: codeLine(snippets.trino), kafka: codeLine(snippets.kafka), s3: codeLine(snippets.s3) },
    rawName: ds.name,
    rawMermaid: mermaid(on),
    rawSvg: svg(on, `${title}: its path through the platform`),
  };
}

// ------------------------------------------------------------------------------------------------ target

export const docsTarget: Target = {
  id: 'docs',
  description: 'A catalog site: per dataset a Markdown page with a Mermaid lineage and a static HTML page with an SVG lineage, an index with client-side search; offline, no CDN',
  run(model, ctx: TargetContext) {
    const { config, template } = ctx;
    const datasets = [...model.datasets].sort((a, b) => cmp(lakeName(a), lakeName(b)));
    if (!datasets.length) return { files: [], diagnostics: [] };
    const byName = new Map(datasets.map((d) => [d.name, d]));
    const all = datasets.map((d) => d.contract.file);
    const files: OutputFile[] = [];
    // one dataset at a time: its page model is garbage once its two pages and its index entries exist
    const escMd = memo(md);
    const escHtml = memo(html);
    const list: Array<Record<string, string>> = [];
    const search: unknown[] = [];
    for (const ds of datasets) {
      const page = pageOf(ds, byName, config);
      const sources = [ds.contract.file];
      files.push({ path: `${page.file}.md`, content: template('docs/dataset.md')(escapeView(page, escMd)), kind: 'md', format: false, sources });
      files.push({ path: `${page.file}.html`, content: template('docs/dataset.html')(escapeView(page, escHtml)), kind: 'html', sources });
      list.push({
        name: page.name,
        file: page.file,
        title: page.title,
        description: page.description,
        owner: page.owner,
        source: ds.source ? `${ds.source.kind}: ${[ds.source.database, ds.source.schema, ds.source.table].filter(Boolean).join('.')}` : 'none',
        fields: page.fields.map((f) => f.name).join(', '),
      });
      search.push({
        name: page.name,
        title: page.title,
        href: `${page.file}.html`,
        description: page.description,
        fields: page.fields.map((f) => ({ name: f.name, description: f.description, type: f.type, href: `${page.file}.html#${f.anchor}` })),
      });
    }
    const index = { project: config.project.name, datasets: list, rawMermaid: mermaid(undefined), rawSvg: svg(undefined, 'The platform, as the contracts describe it') };
    files.push({ path: 'index.md', content: template('docs/index.md')(escapeView(index, md)), kind: 'md', format: false, sources: all });
    files.push({ path: 'index.html', content: template('docs/index.html')(escapeView(index, html)), kind: 'html', sources: all });
    // the search index is data: a script that sets a global, because pages opened from file:// cannot fetch JSON
    files.push({ path: 'assets/search-index.js', content: `window.CONTRACTGEN_SEARCH = ${JSON.stringify(search, null, 1).replace(/</g, '\\u003c')};\n`, kind: 'js', sources: all });
    files.push(...ctx.copies('docs', all)); // assets/search.js, assets/style.css
    return { files, diagnostics: [] };
  },
};
