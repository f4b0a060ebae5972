/**
 * Compares two models (old, new) by natural keys (dataset name, field path, source, SLA property) and reports
 * every change as a rule with a severity, at its new location and its old one. Then it applies semver: breaking
 * changes in a contract whose major version did not grow stay errors (plus VERSION_BUMP_REQUIRED); with a
 * major bump they become info.
 */
import type { PlatformConfig } from '../config/config.js';
import type { BreakingCategory, BreakingRuleId } from '../diagnostics/breaking-rules.js';
import { allowedBreaking, breakingDiagnostic, cmp, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Constraints, Dataset, Field, LogicalType, Model, SourceRef } from '../model/ir.js';
import { cdcTopic, majorVersion } from '../model/naming.js';
import { typeLabel } from '../model/types.js';
import { avroCompatibility } from './avro-compat.js';

export interface Change extends Diagnostic {
  readonly category: BreakingCategory;
  /** the old location, when the thing existed before */
  old?: SourceRef;
  /** the dataset the change belongs to */
  dataset: string;
}

interface Side {
  model: Model;
  config: PlatformConfig;
}

/** Walks fields depth-first with dotted paths (`address.city`). */
function flatten(fields: readonly Field[], prefix = ''): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const f of fields) {
    const path = prefix + f.name;
    out.set(path, f);
    if (f.type.kind === 'object') for (const [p, g] of flatten(f.type.fields, `${path}.`)) out.set(p, g);
  }
  return out;
}

/** Decimal digits an integer type needs. */
const INT_DIGITS: Record<string, number> = { int16: 5, int32: 10, int64: 19 };

/** Is `b` a widening of `a`: every value of `a` is a value of `b`, with the same meaning? */
export function isWidening(a: LogicalType, b: LogicalType): boolean {
  if (a.kind === 'int16' && ['int32', 'int64', 'float32', 'float64'].includes(b.kind)) return true;
  if (a.kind === 'int32' && ['int64', 'float64'].includes(b.kind)) return true;
  if (a.kind === 'float32' && b.kind === 'float64') return true;
  if (a.kind === 'uuid' && b.kind === 'string' && b.maxLength === undefined) return true;
  if (a.kind === 'string' && b.kind === 'string') return b.maxLength === undefined || (a.maxLength !== undefined && b.maxLength >= a.maxLength);
  if (a.kind in INT_DIGITS && b.kind === 'decimal') return b.precision - b.scale >= INT_DIGITS[a.kind]!;
  if (a.kind === 'decimal' && b.kind === 'decimal') return b.scale >= a.scale && b.precision - b.scale >= a.precision - a.scale;
  if (a.kind === 'array' && b.kind === 'array') return typeLabel(a.items.type) === typeLabel(b.items.type) || isWidening(a.items.type, b.items.type);
  return false;
}

type Bound = { v: number | string; excl: boolean } | undefined;
const lower = (c: Constraints): Bound => (c.exclusiveMinimum !== undefined ? { v: c.exclusiveMinimum, excl: true } : c.minimum !== undefined ? { v: c.minimum, excl: false } : undefined);
const upper = (c: Constraints): Bound => (c.exclusiveMaximum !== undefined ? { v: c.exclusiveMaximum, excl: true } : c.maximum !== undefined ? { v: c.maximum, excl: false } : undefined);
const showBound = (b: Bound, op: '>' | '<') => (b === undefined ? 'none' : `${op}${b.excl ? '' : '='} ${String(b.v)}`);

/** -1 looser, 0 same, 1 tighter: for a lower bound (`dir` 1) or an upper bound (`dir` -1). */
function compareBound(a: Bound, b: Bound, dir: 1 | -1): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (a.v === b.v) return a.excl === b.excl ? 0 : b.excl ? 1 : -1;
  return (b.v > a.v ? 1 : -1) * dir;
}

export interface DiffOptions {
  /** older versions, newest first, for the *_TRANSITIVE compatibility levels */
  history?: Side[];
  disabled?: readonly string[];
}

export function diffModels(oldSide: Side, newSide: Side, opts: DiffOptions = {}): Change[] {
  const changes: Change[] = [];
  const add = (rule: BreakingRuleId, ds: string, at: SourceRef, message: string, old?: SourceRef) => {
    changes.push({ ...breakingDiagnostic(rule, at, message), dataset: ds, ...(old ? { old } : {}) });
  };
  const oldBy = new Map(oldSide.model.datasets.map((d) => [d.name, d]));
  const newBy = new Map(newSide.model.datasets.map((d) => [d.name, d]));

  for (const [name, o] of oldBy) {
    const n = newBy.get(name);
    if (!n) {
      const sameContract = newSide.model.datasets.find((d) => d.contract.id === o.contract.id);
      add('DATASET_REMOVED', name, sameContract?.at ?? o.at, `dataset "${name}" was removed`, o.at);
      continue;
    }
    diffDataset(o, n);
  }
  for (const [name, n] of newBy) if (!oldBy.has(name)) add('DATASET_ADDED', name, n.at, `dataset "${name}" was added`);

  function diffDataset(o: Dataset, n: Dataset) {
    const ds = n.name;
    const os = o.source;
    const ns = n.source;
    if (os && ns && (os.kind !== ns.kind || os.database !== ns.database || os.schema !== ns.schema || os.table !== ns.table)) {
      const show = (s: typeof os) => `${s.kind} ${[s.database, s.schema, s.table].filter(Boolean).join('.')}`;
      add('SOURCE_TABLE_CHANGED', ds, ns.at, `source of "${ds}" moved from ${show(os)} to ${show(ns)}`, os.at);
    }
    if (o.cdc.enabled && o.source && !(n.cdc.enabled && n.source)) add('CDC_DISABLED', ds, n.at, `"${ds}" is no longer captured by CDC`, o.at);
    const ot = cdcTopic(o, oldSide.config);
    const nt = cdcTopic(n, newSide.config);
    if (ot && nt && ot !== nt) add('TOPIC_RENAMED', ds, n.at, `CDC topic of "${ds}" renamed from ${ot} to ${nt}`, o.at);
    if (o.primaryKey.join(',') !== n.primaryKey.join(',')) {
      add('PRIMARY_KEY_CHANGED', ds, n.at, `primary key of "${ds}" changed from (${o.primaryKey.join(', ')}) to (${n.primaryKey.join(', ')})`, o.at);
    }
    const ck = (d: Dataset) => (d.cassandraKey ? `((${d.cassandraKey.partition.join(', ')}), ${d.cassandraKey.clustering.map((c) => `${c.column} ${c.order}`).join(', ')})` : '');
    if (o.partitionedBy.join(',') !== n.partitionedBy.join(',')) {
      add('PARTITIONING_CHANGED', ds, n.at, `lake partitioning of "${ds}" changed from (${o.partitionedBy.join(', ')}) to (${n.partitionedBy.join(', ')})`, o.at);
    } else if (ck(o) !== ck(n)) add('PARTITIONING_CHANGED', ds, n.at, `Cassandra key of "${ds}" changed from ${ck(o) || 'none'} to ${ck(n) || 'none'}`, o.at);

    const of = flatten(o.fields);
    const nf = flatten(n.fields);
    for (const [path, f] of of) {
      const g = nf.get(path);
      if (!g) add('FIELD_REMOVED', ds, n.at, `field "${ds}.${path}" was removed`, f.at);
      else diffField(ds, path, f, g);
    }
    for (const [path, g] of nf) {
      if (of.has(path)) continue;
      if (g.required && g.default === undefined) add('FIELD_ADDED_REQUIRED', ds, g.at, `required field "${ds}.${path}" was added without a default`);
      else add('FIELD_ADDED', ds, g.at, `field "${ds}.${path}" was added${g.required ? ' (required, with a default)' : ''}`);
    }

    const oRet = o.sla.retentionMs;
    const nRet = n.sla.retentionMs;
    if (oRet !== undefined && (nRet === undefined || nRet < oRet)) add('SLA_RETENTION_REDUCED', ds, n.at, `retention SLA of "${ds}" went from ${oRet} ms to ${nRet === undefined ? 'none' : `${nRet} ms`}`, o.at);
    const oFr = o.sla.freshnessMs;
    const nFr = n.sla.freshnessMs;
    if (oFr !== undefined && (nFr === undefined || nFr > oFr)) add('SLA_FRESHNESS_RELAXED', ds, n.at, `freshness SLA of "${ds}" went from ${oFr} ms to ${nFr === undefined ? 'none' : `${nFr} ms`}`, o.at);

    for (const c of avroCompatibility(o, n, oldSide.config, newSide.config, (opts.history ?? []).map((h) => ({ ds: h.model.datasets.find((d) => d.name === n.name), config: h.config })))) {
      add('AVRO_INCOMPATIBLE', ds, n.at, c, o.at);
    }
  }

  function diffField(ds: string, path: string, f: Field, g: Field) {
    const name = `"${ds}.${path}"`;
    const lf = typeLabel(f.type);
    const lg = typeLabel(g.type);
    if (lf !== lg) {
      if (isWidening(f.type, g.type)) add('FIELD_TYPE_WIDENED', ds, g.at, `${name} widened from ${lf} to ${lg}`, f.at);
      else add('FIELD_TYPE_CHANGED', ds, g.at, `${name} changed type from ${lf} to ${lg}${isWidening(g.type, f.type) ? ' (narrowing)' : ''}`, f.at);
    }
    if (!f.required && g.required) add('FIELD_MADE_REQUIRED', ds, g.at, `${name} became required`, f.at);
    if (f.required && !g.required) add('FIELD_MADE_OPTIONAL', ds, g.at, `${name} became optional`, f.at);
    if (f.physicalName !== g.physicalName) add('FIELD_PHYSICAL_NAME_CHANGED', ds, g.at, `${name}: column ${f.physicalName} is now ${g.physicalName}`, f.at);
    if (f.pii && !g.pii) add('PII_CLASSIFICATION_REMOVED', ds, g.at, `${name} is no longer marked PII`, f.at);
    if (!f.pii && g.pii) add('PII_CLASSIFICATION_ADDED', ds, g.at, `${name} is now marked PII`, f.at);
    if (f.classification !== g.classification && f.classification !== undefined) add('CLASSIFICATION_CHANGED', ds, g.at, `${name} classification changed from ${f.classification} to ${g.classification ?? 'none'}`, f.at);
    diffConstraints(ds, name, f, g);
  }

  function diffConstraints(ds: string, name: string, f: Field, g: Field) {
    const a = f.constraints;
    const b = g.constraints;
    const tight = (what: string) => add('CONSTRAINT_TIGHTENED', ds, g.at, `${name}: ${what}`, f.at);
    const loose = (what: string) => add('CONSTRAINT_LOOSENED', ds, g.at, `${name}: ${what}`, f.at);
    const lo = compareBound(lower(a), lower(b), 1);
    if (lo > 0) tight(`lower bound tightened from ${showBound(lower(a), '>')} to ${showBound(lower(b), '>')}`);
    if (lo < 0) loose(`lower bound loosened from ${showBound(lower(a), '>')} to ${showBound(lower(b), '>')}`);
    const hi = compareBound(upper(a), upper(b), -1);
    if (hi > 0) tight(`upper bound tightened from ${showBound(upper(a), '<')} to ${showBound(upper(b), '<')}`);
    if (hi < 0) loose(`upper bound loosened from ${showBound(upper(a), '<')} to ${showBound(upper(b), '<')}`);
    const len = (x: number | undefined, y: number | undefined, label: string, min: boolean) => {
      if (x === y) return;
      const tighter = x === undefined ? true : y === undefined ? false : min ? y > x : y < x;
      (tighter ? tight : loose)(`${label} ${tighter ? 'tightened' : 'loosened'} from ${x ?? 'none'} to ${y ?? 'none'}`);
    };
    len(a.minLength, b.minLength, 'minLength', true);
    len(a.maxLength, b.maxLength, 'maxLength', false);
    if (a.pattern !== b.pattern) {
      if (b.pattern === undefined) loose(`pattern ${a.pattern} removed`);
      else tight(a.pattern === undefined ? `pattern ${b.pattern} added` : `pattern changed from ${a.pattern} to ${b.pattern}; existing values may not match it`);
    }
    if (a.format !== b.format) {
      if (b.format === undefined) loose(`format ${a.format} removed`);
      else tight(`format ${b.format} ${a.format === undefined ? 'added' : `replaces ${a.format}`}`);
    }
    if (a.enum || b.enum) {
      if (!a.enum) tight(`value set added: ${b.enum!.join(', ')}`);
      else if (!b.enum) loose('value set removed');
      else {
        for (const v of a.enum) if (!b.enum.includes(v)) add('ENUM_VALUE_REMOVED', ds, g.at, `${name}: allowed value "${v}" was removed`, f.at);
        for (const v of b.enum) if (!a.enum.includes(v)) add('ENUM_VALUE_ADDED', ds, g.at, `${name}: allowed value "${v}" was added`, f.at);
      }
    }
  }

  // Semver, per contract: breaking changes need a major bump; with one they are allowed.
  const disabled = new Set(opts.disabled ?? []);
  const kept = changes.filter((c) => !disabled.has(c.rule));
  const byContract = new Map<string, { o?: Dataset; n?: Dataset }>();
  for (const c of kept) {
    const n = newBy.get(c.dataset);
    const o = oldBy.get(c.dataset);
    const id = (n ?? o)!.contract.id;
    if (!byContract.has(id)) byContract.set(id, { o: oldSide.model.datasets.find((d) => d.contract.id === id), n: newSide.model.datasets.find((d) => d.contract.id === id) });
  }
  const out: Change[] = [];
  for (const [id, { o, n }] of [...byContract].sort((x, y) => cmp(x[0], y[0]))) {
    const mine = kept.filter((c) => ((newBy.get(c.dataset) ?? oldBy.get(c.dataset))!.contract.id === id));
    const breaking = mine.filter((c) => c.severity === 'error');
    if (!o || !n) {
      out.push(...mine);
      continue;
    }
    const bumped = majorVersion(n) > majorVersion(o);
    const versionAt = n.contract.versionAt;
    if (bumped) {
      for (const c of mine) out.push(c.severity === 'error' ? allowedBreaking(c, `(allowed by the major version bump ${o.contract.version} → ${n.contract.version})`) : c);
      if (!disabled.has('MAJOR_VERSION_BUMP')) {
        out.push({ ...breakingDiagnostic('MAJOR_VERSION_BUMP', versionAt, `contract ${id} ${o.contract.version} → ${n.contract.version}: versioned names apply (topics <topic>.v${majorVersion(n)}, lake tables <name>_v${majorVersion(n)})`), dataset: n.name, old: o.contract.versionAt });
      }
    } else {
      out.push(...mine);
      if (breaking.length && !disabled.has('VERSION_BUMP_REQUIRED')) {
        out.push({ ...breakingDiagnostic('VERSION_BUMP_REQUIRED', versionAt, `contract ${id} has ${breaking.length} breaking change(s) but its version went from ${o.contract.version} to ${n.contract.version}; bump the major version`), dataset: n.name, old: o.contract.versionAt });
      } else if (mine.length && n.contract.version === o.contract.version && !disabled.has('VERSION_NOT_INCREASED')) {
        out.push({ ...breakingDiagnostic('VERSION_NOT_INCREASED', versionAt, `contract ${id} changed but its version is still ${n.contract.version}`), dataset: n.name, old: o.contract.versionAt });
      }
    }
  }
  return out;
}
