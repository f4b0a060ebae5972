/**
 * `contractgen drift`: the contracts compared with what a source really has. The source is read like `import`
 * reads it, drafted into contracts, and modeled by the same model builder (the typed ODCS objects, with every
 * part positioned in the source); then the breaking-change rules of `breaking/diff.ts` compare contract ⇄ source,
 * as if the source were the contract's next version. What a source cannot state (PII, SLA, topics, and for some
 * formats nullability, constraints or lengths) is taken from the contract, so it is never reported as drift.
 * Each difference is reported at the contract's line, with the source position in the message.
 */
import type { Analysis } from '../analyze.js';
import { diffModels, type Change } from '../breaking/diff.js';
import { breakingDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml, PathSeg, Pos } from '../load/yaml.js';
import { buildDatasets } from '../model/build/dataset.js';
import type { Dataset, Field, LogicalType } from '../model/ir.js';
import { typeLabel } from '../model/types.js';
import type { SourceDescription, SourceFormat } from './describe.js';
import { draftContracts, type ContractDraft } from './odcs.js';

/** What each kind of source can state; the rest comes from the contract. */
const KNOWS: Record<SourceFormat, { nullability: boolean; constraints: boolean; lengths: boolean; types: boolean; defaults: boolean }> = {
  postgres: { nullability: true, constraints: true, lengths: true, types: true, defaults: true },
  mysql: { nullability: true, constraints: true, lengths: true, types: true, defaults: true },
  cassandra: { nullability: false, constraints: false, lengths: false, types: true, defaults: false },
  avro: { nullability: true, constraints: false, lengths: false, types: true, defaults: false },
  jsonschema: { nullability: false, constraints: false, lengths: false, types: false, defaults: false },
};

/** The rules about contract versions make no sense between a contract and a database. */
const VERSION_RULES = ['VERSION_BUMP_REQUIRED', 'VERSION_NOT_INCREASED', 'MAJOR_VERSION_BUMP'];

/** A draft as a positioned document: every path answers with the nearest source position recorded for it. */
function draftDoc(d: ContractDraft, label: string): LoadedYaml {
  const pos = (path: readonly PathSeg[]): Pos => {
    let best: { path: PathSeg[]; at: Pos } | undefined;
    for (const p of d.positions) {
      if (p.path.length <= path.length && p.path.every((s, i) => s === path[i]) && (!best || p.path.length > best.path.length)) best = { path: p.path, at: p.at };
    }
    return best ? { line: best.at.line, col: best.at.col } : { line: 1, col: 1 };
  };
  const fileOf = (path: readonly PathSeg[]) => {
    let best: { n: number; file: string } | undefined;
    for (const p of d.positions) if (p.path.length <= path.length && p.path.every((s, i) => s === path[i]) && (!best || p.path.length > best.n)) best = { n: p.path.length, file: p.at.file };
    return best?.file ?? label;
  };
  return { file: fileOf([]), data: d.odcs, pos, keyPos: pos };
}

/**
 * A string's effective maximum length, as its type: varchar(n), varchar(m) with a CHECK of n, and text with
 * maxLength n all say "at most n characters", and a change of it is reported once, as a type change.
 */
function normalizeLengths(f: Field): Field {
  if (f.type.kind !== 'string') return f;
  const lengths = [f.type.maxLength, f.constraints.maxLength].filter((x): x is number => x !== undefined);
  if (!lengths.length) return f;
  const { maxLength: _, ...constraints } = f.constraints;
  void _;
  return { ...f, type: { kind: 'string', maxLength: Math.min(...lengths) }, constraints };
}

const stripLength = (t: LogicalType): LogicalType => (t.kind === 'string' ? { kind: 'string' } : t.kind === 'array' ? { kind: 'array', items: { ...t.items, type: stripLength(t.items.type) } } : t);

/** The source's dataset, seen through what its format can state: everything else is the contract's. */
function overlay(c: Dataset, s: Dataset, format: SourceFormat): Dataset {
  const knows = KNOWS[format];
  const byColumn = new Map(c.fields.map((f) => [f.physicalName, f]));
  const fields = s.fields.map((sf): Field => {
    const cf = byColumn.get(sf.physicalName);
    if (!cf) return normalizeLengths(sf);
    // an unsized decimal in the source (CQL decimal, PostgreSQL numeric, a decimal as JSON text) states no precision:
    // the contract's decimal(p,s) is what it holds, as before unsized decimals reached the model
    const unsizedDecimal = sf.type.kind === 'decimal' && sf.type.variableScale === true && cf.type.kind === 'decimal';
    const type: LogicalType = !knows.types || unsizedDecimal ? cf.type : !knows.lengths && typeLabel(stripLength(cf.type)) === typeLabel(stripLength(sf.type)) ? cf.type : sf.type;
    return normalizeLengths({
      ...sf,
      name: cf.name,
      type,
      required: knows.nullability || sf.primaryKey ? sf.required : cf.required,
      constraints: knows.constraints ? sf.constraints : cf.constraints,
      ...(knows.defaults ? {} : cf.default !== undefined ? { default: cf.default } : {}),
      pii: cf.pii,
      ...(cf.classification !== undefined ? { classification: cf.classification } : { classification: undefined }),
      cdcExcluded: cf.cdcExcluded,
      partitioned: cf.partitioned,
      partitionKeyPosition: cf.partitionKeyPosition,
      quality: cf.quality,
      tags: cf.tags,
      examples: cf.examples,
    });
  });
  const rename = new Map(s.fields.map((sf) => [sf.name, byColumn.get(sf.physicalName)?.name ?? sf.name]));
  return {
    ...s,
    name: c.name,
    contract: c.contract,
    owner: c.owner,
    ...(c.source && s.source ? { source: { ...c.source, schema: s.source.schema ?? c.source.schema, table: s.source.table } } : c.source ? { source: c.source } : {}),
    fields,
    primaryKey: s.primaryKey.length ? s.primaryKey.map((n) => rename.get(n) ?? n) : c.primaryKey,
    partitionedBy: c.partitionedBy,
    ...(s.cassandraKey ? { cassandraKey: { partition: s.cassandraKey.partition.map((n) => rename.get(n) ?? n), clustering: s.cassandraKey.clustering.map((k) => ({ ...k, column: rename.get(k.column) ?? k.column })) } } : c.cassandraKey ? { cassandraKey: c.cassandraKey } : {}),
    relationships: c.relationships,
    quality: c.quality,
    sla: c.sla,
    cdc: c.cdc,
    kafka: c.kafka,
    tags: c.tags,
  };
}

export interface DriftOptions {
  /** the contracts, analyzed (without errors) */
  analysis: Analysis;
  source: SourceDescription;
}

export interface DriftResult {
  changes: Change[];
  /** how many contract datasets were compared, and with which source tables */
  compared: Array<{ dataset: string; table: string }>;
  /** source problems that stop the comparison (a file that does not parse …) */
  diagnostics: Diagnostic[];
}

export function drift(opts: DriftOptions): DriftResult {
  const { analysis, source } = opts;
  const diagnostics: Diagnostic[] = source.diagnostics.filter((d) => d.severity === 'error');
  const { drafts } = draftContracts(source);
  const kind = source.server?.kind;
  const candidates = analysis.model.datasets.filter((d) => (kind ? d.source?.kind === kind : true));
  const oldSide: Dataset[] = [];
  const newSide: Dataset[] = [];
  const compared: DriftResult['compared'] = [];
  const namespaceOf = (d: Dataset) => (d.source?.kind === 'postgres' ? d.source.schema : d.source?.database);
  const manual: Change[] = [];
  for (const c of candidates) {
    const matches = drafts.filter((d) => d.table.name.toLowerCase() === c.table.toLowerCase());
    const draft = matches.find((d) => d.table.namespace === undefined || namespaceOf(c) === undefined || d.table.namespace === namespaceOf(c)) ?? (matches.length === 1 && !source.server ? matches[0] : undefined);
    oldSide.push(c);
    if (!draft) continue;
    const built = buildDatasets({ doc: draftDoc(draft, source.label), odcs: draft.odcs, format: 'odcs' });
    const s = built.datasets[0];
    if (!s) continue;
    // a column the model could not build (none since unsized decimals reach the model as variable-scale decimals,
    // whose contract decimal overlay() keeps): compare an unsized decimal by hand
    const missing = draft.table.columns.filter((col) => !s.fields.some((f) => f.physicalName === col.name));
    for (const col of missing) {
      const cf = c.fields.find((f) => f.physicalName === col.name);
      if (cf && col.type.kind === 'decimal' && col.type.precision === undefined) {
        s.fields.push({ ...cf, at: col.at });
        if (cf.type.kind !== 'decimal') {
          manual.push({ ...breakingDiagnostic('FIELD_TYPE_CHANGED', cf.at, `"${c.name}.${cf.name}" is ${typeLabel(cf.type)} in the contract but an unsized numeric in the source (source: ${col.at.file}:${col.at.line}:${col.at.col})`), dataset: c.name });
        }
      }
    }
    newSide.push(overlay(c, s, source.format));
    compared.push({ dataset: c.name, table: draft.table.namespace ? `${draft.table.namespace}.${draft.table.name}` : draft.table.name });
  }
  // normalize the contract side the same way, so that varchar(n) and maxLength n never differ
  const oldModel = { datasets: oldSide.map((d) => ({ ...d, fields: d.fields.map(normalizeLengths) })) };
  const changes = diffModels({ model: oldModel, config: analysis.config }, { model: { datasets: newSide }, config: analysis.config }, { disabled: [...VERSION_RULES, ...analysis.config.breaking.disabled] });
  // at the contract, with the source position in the message
  const byName = new Map(oldSide.map((d) => [d.name, d]));
  const located = changes.map((ch): Change => {
    const at = ch.old ?? byName.get(ch.dataset)?.at ?? { file: ch.file, line: ch.line, col: ch.col };
    const where = ch.rule === 'DATASET_REMOVED' ? ` (not in ${source.label})` : ` (source: ${ch.file}:${ch.line}:${ch.col})`;
    return { file: at.file, line: at.line, col: at.col, severity: ch.severity, rule: ch.rule, category: ch.category, dataset: ch.dataset, message: `${ch.message.replace(/ was removed$/, ' is not in the source').replace(/ was added without a default/, ' is in the source, without a default, but not in the contract').replace(/ was added/, ' is in the source but not in the contract')}${where}` };
  });
  return { changes: [...located, ...manual], compared, diagnostics };
}
