/**
 * Semantic rules beyond the schema, each with a stable ID (registered, with its severity, in diagnostics/rules.ts).
 * They run on the IR of all contracts together, so cross-contract problems (relationships, collisions) are found
 * in one pass.
 */
import type { PlatformConfig } from '../config/config.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RuleId } from '../diagnostics/rules.js';
import type { Constraints, Dataset, Field, LogicalType, SourceRef } from '../model/ir.js';
import { isNested, nestedFieldsOf, typeDepth } from '../model/nested.js';
import { AVRO_NAME, CQL_MAX_TABLE, PG_MAX_IDENT, reservedIn } from '../model/names.js';
import { cdcTopic, fileStem, k8sName, lakeName, sourceTableKey } from '../model/naming.js';
import { typeLabel } from '../model/types.js';
import { FORMAT_PATTERNS } from '../model/formats.js';

/** Deepest field nesting contractgen accepts: far beyond real contracts, far below any stack or engine limit. */
export const MAX_NESTING = 16;

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/**
 * `focus`, when given, names the files reported on (lint of single files, read with their contracts directory):
 * a collision between a focused and another dataset is reported at the focused one.
 */
export function checkRules(datasets: readonly Dataset[], config: PlatformConfig, focus?: (file: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (rule, at, message) => out.push(diagnostic(rule, at, message));

  const byName = new Map<string, Dataset>();
  for (const ds of datasets) if (!byName.has(ds.name)) byName.set(ds.name, ds);

  const versionsSeen = new Set<string>();
  const slaSeen = new Set<string>();
  for (const ds of datasets) {
    if (!versionsSeen.has(ds.contract.file) && !SEMVER.test(ds.contract.version)) {
      versionsSeen.add(ds.contract.file);
      report('VERSION_SEMVER', { file: ds.contract.file, line: ds.at.line, col: ds.at.col }, `contract version "${ds.contract.version}" is not semver (MAJOR.MINOR.PATCH)`);
    }
    versionsSeen.add(ds.contract.file);

    checkFreshness(report, ds, slaSeen);

    if (ds.source && ds.cdc.enabled && ds.primaryKey.length === 0) {
      report('PK_REQUIRED', ds.at, `"${ds.name}" is captured by CDC from ${ds.source.kind} but has no primary key: mark its key field(s) primaryKey: true`);
    }

    checkName(report, ds.name, ds.at, 'dataset', ds.source?.kind);
    // the table name (physicalName) names the source table only: without a database source nothing uses it
    if (ds.source && ds.table !== ds.name) checkName(report, ds.table, ds.at, 'table (physicalName)', ds.source.kind);
    if (ds.source?.kind === 'cassandra' && ds.table.length > CQL_MAX_TABLE) report('NAME_INVALID', ds.at, `Cassandra table name "${ds.table}" is longer than ${CQL_MAX_TABLE} characters`);
    if (ds.source) {
      // these names reach topic names, slot names, connector names and SQL
      for (const [what, v] of [['database', ds.source.database], ['schema', ds.source.schema]] as const) {
        if (v !== undefined && !/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(v)) report('NAME_INVALID', ds.source.at, `source ${what} name "${v}" must be a plain identifier ([A-Za-z_][A-Za-z0-9_-]*, at most 63 characters)`);
      }
      // RFC 1123 host names have no underscore, but many service names (Docker, Kubernetes, internal DNS) do
      if (!/^[A-Za-z0-9_]([A-Za-z0-9._-]{0,252})$/.test(ds.source.host)) report('SOURCE_INVALID', ds.source.at, `source host "${ds.source.host}" is not a host name`);
      else if (ds.source.host.includes('_')) report('SOURCE_HOST_UNDERSCORE', ds.source.at, `source host "${ds.source.host}" has an underscore, which DNS host names (RFC 1123) do not allow; it works only where the name resolves as written`);
      const limit = ds.source.kind === 'postgres' ? 1600 : ds.source.kind === 'mysql' ? 4096 : undefined;
      if (limit !== undefined && ds.fields.length > limit) report('FIELD_LIMIT', ds.at, `"${ds.name}" has ${ds.fields.length} fields; ${ds.source.kind} allows at most ${limit} columns per table`);
    }
    const deepest = 1 + Math.max(0, ...ds.fields.map((f) => typeDepth(f.type, MAX_NESTING + 2)));
    if (deepest > MAX_NESTING) report('NESTING_TOO_DEEP', ds.at, `"${ds.name}" nests fields ${deepest} levels deep; contractgen supports ${MAX_NESTING}`);
    for (const f of ds.fields) {
      if (!isNested(f.type)) continue;
      if (f.primaryKey) report('TYPE_UNSUPPORTED', f.at, `"${f.name}" is a primary key of type ${typeLabel(f.type)}: a key column must be a scalar in every target (Debezium keys, Cassandra partition keys, lake deduplication)`);
      if (f.partitioned) report('TYPE_UNSUPPORTED', f.at, `"${f.name}" is a lake partition column of type ${typeLabel(f.type)}: partition values are directory names, so a partition column must be a scalar`);
    }
    walkFields(ds.fields, (f) => {
      checkName(report, f.name, f.at, 'field', ds.source?.kind);
      if (f.physicalName !== f.name) checkName(report, f.physicalName, f.at, 'column (physicalName)', ds.source?.kind);
      checkConstraints(report, f);
      checkElements(report, f.name, f.type, 0);
      if (ds.source?.kind === 'mysql' && f.type.kind === 'string' && !f.type.maxLength && (f.unique || f.primaryKey)) {
        report('MYSQL_KEY_LENGTH', f.at, `"${f.name}" is a MySQL key/unique column: give it a length (physicalType "varchar(n)")`);
      }
    });

    for (const rel of ds.relationships) {
      const target = byName.get(rel.toDataset);
      if (!target) {
        report('REL_UNRESOLVED', rel.at, `relationship target dataset "${rel.toDataset}" is not defined in any contract`);
        continue;
      }
      rel.toFields.forEach((tf, i) => {
        const tfield = target.fields.find((f) => f.name === tf);
        if (!tfield) {
          report('REL_UNRESOLVED', rel.at, `relationship target field "${rel.toDataset}.${tf}" does not exist`);
          return;
        }
        const from = ds.fields.find((f) => f.name === rel.from[i]);
        if (from && typeLabel(from.type) !== typeLabel(tfield.type)) {
          report('REL_TYPE_MISMATCH', rel.at, `"${ds.name}.${from.name}" (${typeLabel(from.type)}) references "${rel.toDataset}.${tf}" (${typeLabel(tfield.type)})`);
        }
      });
    }
  }

  // Collisions, compared after case folding and sanitizing: what two systems would both see as one name.
  const claims = new Map<string, Dataset>();
  /** which of two colliding datasets the collision is reported at: the second, unless only the first is in focus */
  const at = (second: Dataset, first: Dataset): [Dataset, Dataset] => (focus && !focus(second.at.file) && focus(first.at.file) ? [first, second] : [second, first]);
  const claim = (kind: string, key: string | undefined, ds: Dataset) => {
    if (key === undefined) return;
    const k = `${kind}\0${key.toLowerCase()}`;
    const prev = claims.get(k);
    if (prev && prev !== ds) {
      const [here, other] = at(ds, prev);
      report('COLLISION', here.at, `"${here.name}" and "${other.name}" (${other.at.file}:${other.at.line}) map to the same ${kind} "${key}"`);
    } else claims.set(k, ds);
  };
  const k8sTopics = new Map<string, { ds: Dataset; topic: string }>();
  for (const ds of datasets) {
    claim('dataset name', ds.name, ds);
    const topic = cdcTopic(ds, config);
    claim('Kafka topic', topic, ds);
    // Strimzi's KafkaTopic resource is named after the topic, sanitized to a Kubernetes name: distinct topics
    // can meet there (a_b and a__b both become a-b); the same topic twice is reported above already
    const twin = topic === undefined ? undefined : k8sTopics.get(k8sName(topic));
    if (topic !== undefined && twin && twin.topic.toLowerCase() !== topic.toLowerCase()) {
      const [here, other] = at(ds, twin.ds);
      const [hereTopic, otherTopic] = here === ds ? [topic, twin.topic] : [twin.topic, topic];
      report('COLLISION', here.at, `"${here.name}" and "${other.name}" (${other.at.file}:${other.at.line}) have topics ${hereTopic} and ${otherTopic}, which map to the same KafkaTopic resource name "${k8sName(topic)}"`);
    } else if (topic !== undefined && !twin) k8sTopics.set(k8sName(topic), { ds, topic });
    claim('source table', sourceTableKey(ds), ds);
    claim('lake table', lakeName(ds), ds);
    claim('output file', fileStem(ds), ds);
  }
  return out;
}

/** A duration in words: 90 minutes, 1 hour, 2 days. */
function inWords(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  return `${ms} ms`;
}

/**
 * SLA_FRESHNESS_UNREACHABLE: data changed just after a run waits a whole update interval for the next one, so a
 * freshness SLA shorter than the frequency is broken by every run.
 */
function checkFreshness(report: Report, ds: Dataset, seen: Set<string>) {
  const { freshnessMs, frequencyMs, at } = ds.sla;
  if (freshnessMs === undefined || frequencyMs === undefined || freshnessMs >= frequencyMs) return;
  // the SLA is the contract's: one warning for all its datasets
  const where = at?.freshness ?? ds.at;
  const key = `${where.file}:${where.line}:${where.col}`;
  if (seen.has(key)) return;
  seen.add(key);
  report('SLA_FRESHNESS_UNREACHABLE', at?.freshness ?? ds.at, `freshness ${inWords(freshnessMs)} is shorter than the update frequency ${inWords(frequencyMs)}: changes made just after a run wait ${inWords(frequencyMs)} for the next one`);
}

function walkFields(fields: readonly Field[], fn: (f: Field) => void, depth = 0) {
  if (depth > MAX_NESTING) return;
  for (const f of fields) {
    fn(f);
    walkFields(nestedFieldsOf(f.type), fn, depth + 1);
  }
}

type Report = (rule: RuleId, at: SourceRef, message: string) => void;

function checkName(report: Report, name: string, at: SourceRef, what: string, source: 'postgres' | 'mysql' | 'cassandra' | undefined) {
  if (!AVRO_NAME.test(name)) {
    report('NAME_INVALID', at, `${what} name "${name}" is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*), and Avro names cannot be quoted`);
    return;
  }
  if (Buffer.byteLength(name) > PG_MAX_IDENT) {
    report('NAME_INVALID', at, `${what} name "${name}" is longer than ${PG_MAX_IDENT} bytes, PostgreSQL's identifier limit`);
    return;
  }
  const reserved = reservedIn(name, source);
  if (reserved.length) report('NAME_RESERVED', at, `${what} name "${name}" is reserved in ${reserved.join(', ')}; it will be quoted there`);
}

function compileRegex(p: string): RegExp | string {
  try {
    return new RegExp(p, 'u');
  } catch (e) {
    return (e as Error).message;
  }
}

/** The constraints of the array items and map keys and values under a type (fields are checked by walkFields). */
function checkElements(report: Report, name: string, t: LogicalType, depth: number) {
  if (depth > MAX_NESTING) return;
  const parts = t.kind === 'array' ? [['[]', t.items] as const] : t.kind === 'map' ? ([['{key}', t.key], ['{value}', t.value]] as const) : [];
  for (const [suffix, e] of parts) {
    checkConstraints(report, { name: `${name}${suffix}`, type: e.type, constraints: e.constraints, at: e.at });
    checkElements(report, `${name}${suffix}`, e.type, depth + 1);
  }
}

function checkConstraints(report: Report, f: { name: string; type: LogicalType; constraints: Constraints; at: SourceRef; default?: Field['default'] }) {
  const c = f.constraints;
  const kind = f.type.kind;
  const numeric = ['int16', 'int32', 'int64', 'float32', 'float64', 'decimal'].includes(kind);
  let re: RegExp | undefined;
  if (c.pattern !== undefined) {
    const r = compileRegex(c.pattern);
    if (typeof r === 'string') report('PATTERN_INVALID', f.at, `pattern of "${f.name}" is not a valid regular expression: ${r}`);
    else re = r;
    if (!['string', 'uuid'].includes(kind)) report('CONSTRAINT_INCONSISTENT', f.at, `pattern on "${f.name}", which is ${typeLabel(f.type)}, not a string`);
  }
  if (c.format !== undefined && !(c.format in FORMAT_PATTERNS)) {
    report('FORMAT_UNCHECKED', f.at, `format "${c.format}" of "${f.name}" is not one contractgen checks (${Object.keys(FORMAT_PATTERNS).join(', ')}); it is documentation only`);
  }
  const lo = c.minimum ?? c.exclusiveMinimum;
  const hi = c.maximum ?? c.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined && (typeof lo === typeof hi) && (lo > hi || (lo === hi && (c.exclusiveMinimum !== undefined || c.exclusiveMaximum !== undefined)))) {
    report('CONSTRAINT_INCONSISTENT', f.at, `range of "${f.name}" is empty (${String(lo)} … ${String(hi)})`);
  }
  if ((typeof lo === 'number' || typeof hi === 'number') && !numeric) {
    report('CONSTRAINT_INCONSISTENT', f.at, `numeric range on "${f.name}", which is ${typeLabel(f.type)}`);
  }
  if (c.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength) {
    report('CONSTRAINT_INCONSISTENT', f.at, `minLength ${c.minLength} of "${f.name}" exceeds maxLength ${c.maxLength}`);
  }
  if (f.type.kind === 'string' && f.type.maxLength !== undefined && c.minLength !== undefined && c.minLength > f.type.maxLength) {
    report('CONSTRAINT_INCONSISTENT', f.at, `minLength ${c.minLength} of "${f.name}" exceeds its column length ${f.type.maxLength}`);
  }
  if (f.type.kind === 'decimal' && typeof hi === 'number') {
    const max = Math.pow(10, f.type.precision - f.type.scale);
    if (Math.abs(hi) >= max) report('CONSTRAINT_INCONSISTENT', f.at, `maximum ${hi} of "${f.name}" does not fit decimal(${f.type.precision},${f.type.scale})`);
  }
  if ((c.minItems !== undefined || c.maxItems !== undefined || c.uniqueItems) && kind !== 'array' && kind !== 'map') {
    report('CONSTRAINT_INCONSISTENT', f.at, `item constraints on "${f.name}", which is ${typeLabel(f.type)}, not an array`);
  }
  if (c.minItems !== undefined && c.maxItems !== undefined && c.minItems > c.maxItems) {
    report('CONSTRAINT_INCONSISTENT', f.at, `minItems ${c.minItems} of "${f.name}" exceeds maxItems ${c.maxItems}`);
  }
  if (c.enum) {
    if (c.enum.length === 0) report('CONSTRAINT_INCONSISTENT', f.at, `"${f.name}" allows no value at all (empty validValues)`);
    if (new Set(c.enum).size !== c.enum.length) report('CONSTRAINT_INCONSISTENT', f.at, `validValues of "${f.name}" repeat a value`);
    if (!['string', 'int16', 'int32', 'int64'].includes(kind)) report('CONSTRAINT_INCONSISTENT', f.at, `validValues on "${f.name}", which is ${typeLabel(f.type)}; contractgen supports value sets on strings and integers`);
    for (const v of c.enum) {
      const len = [...v].length;
      if (re && !re.test(v)) report('CONSTRAINT_INCONSISTENT', f.at, `allowed value "${v}" of "${f.name}" does not match its pattern`);
      if ((c.maxLength !== undefined && len > c.maxLength) || (c.minLength !== undefined && len < c.minLength) || (f.type.kind === 'string' && f.type.maxLength !== undefined && len > f.type.maxLength)) {
        report('CONSTRAINT_INCONSISTENT', f.at, `allowed value "${v}" of "${f.name}" breaks its length limits`);
      }
      if (kind.startsWith('int')) {
        const n = Number(v);
        if (!Number.isInteger(n)) report('CONSTRAINT_INCONSISTENT', f.at, `allowed value "${v}" of integer "${f.name}" is not an integer`);
        else if ((typeof lo === 'number' && n < lo) || (typeof hi === 'number' && n > hi)) report('CONSTRAINT_INCONSISTENT', f.at, `allowed value ${v} of "${f.name}" is outside its range`);
      }
    }
  }
  if (f.default !== undefined && typeof f.default === 'string') {
    if (re && !re.test(f.default)) report('CONSTRAINT_INCONSISTENT', f.at, `default "${f.default}" of "${f.name}" does not match its pattern`);
    if (c.enum && !c.enum.includes(f.default)) report('CONSTRAINT_INCONSISTENT', f.at, `default "${f.default}" of "${f.name}" is not an allowed value`);
  }
}
