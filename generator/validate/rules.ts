/**
 * Semantic rules beyond the schema, each with a stable ID and a severity. They run on the IR of all contracts
 * together, so cross-contract problems (relationships, collisions) are found in one pass.
 */
import type { PlatformConfig } from '../config/config.js';
import type { Diagnostic, Severity } from '../diagnostics.js';
import type { Dataset, Field, SourceRef } from '../model/ir.js';
import { AVRO_NAME, CQL_MAX_TABLE, PG_MAX_IDENT, reservedIn } from '../model/names.js';
import { cdcTopic, fileStem, k8sName, lakeName, sourceTableKey } from '../model/naming.js';
import { typeLabel } from '../model/types.js';
import { FORMAT_PATTERNS } from '../model/formats.js';

export interface RuleDef {
  id: string;
  severity: Severity;
  summary: string;
}

/** Every rule contractgen reports, schema and YAML ones included: the stable IDs users can grep and suppress. */
export const RULES: RuleDef[] = [
  { id: 'YAML_SYNTAX', severity: 'error', summary: 'The file is not well-formed YAML 1.2.' },
  { id: 'YAML_DUPLICATE_KEY', severity: 'error', summary: 'A mapping repeats a key.' },
  { id: 'YAML_ALIAS', severity: 'error', summary: 'Alias expansion refused (too many aliases: a billion-laughs guard).' },
  { id: 'YAML_WARNING', severity: 'warning', summary: 'The YAML parser warned (unknown tag …).' },
  { id: 'INPUT_TOO_LARGE', severity: 'error', summary: 'A contract file exceeds the size limit.' },
  { id: 'FORMAT_UNKNOWN', severity: 'error', summary: 'The file is neither an ODCS nor a DCS contract.' },
  { id: 'SCHEMA_UNKNOWN_KEY', severity: 'error', summary: 'A key the standard does not define (ODCS is strict; extensions go in customProperties).' },
  { id: 'SCHEMA_REQUIRED', severity: 'error', summary: 'A required key is missing.' },
  { id: 'SCHEMA_TYPE', severity: 'error', summary: 'A value has the wrong type.' },
  { id: 'SCHEMA_ENUM', severity: 'error', summary: 'A value is not one of the allowed values (unknown logicalType, server type …).' },
  { id: 'SCHEMA_VALUE', severity: 'error', summary: 'A value breaks another schema rule (pattern, format, range, operator …).' },
  { id: 'API_VERSION_UNSUPPORTED', severity: 'error', summary: 'ODCS before v3.0.0.' },
  { id: 'EXT_UNKNOWN', severity: 'error', summary: 'An unknown contractgen.* custom property.' },
  { id: 'EXT_SCOPE', severity: 'error', summary: 'A contractgen.* custom property on the wrong kind of object.' },
  { id: 'EXT_VALUE', severity: 'error', summary: 'A contractgen.* custom property with a bad value.' },
  { id: 'EXT_DUPLICATE', severity: 'error', summary: 'A contractgen.* custom property set twice on one object.' },
  { id: 'TYPE_UNKNOWN', severity: 'error', summary: 'The type of a field cannot be determined.' },
  { id: 'TYPE_UNSUPPORTED', severity: 'error', summary: 'A type that does not fit every target.' },
  { id: 'DECIMAL_PRECISION', severity: 'error', summary: 'A decimal without a valid precision and scale.' },
  { id: 'FIELD_DUPLICATE', severity: 'error', summary: 'Two fields of a dataset share a name.' },
  { id: 'SOURCE_AMBIGUOUS', severity: 'error', summary: 'Several database servers and none marked as the CDC source.' },
  { id: 'SOURCE_INVALID', severity: 'error', summary: 'A source server lacks what its kind needs (Cassandra keyspace …).' },
  { id: 'CASSANDRA_KEY', severity: 'error', summary: 'The Cassandra partition and clustering key does not match the primary key.' },
  { id: 'SLA_VALUE', severity: 'error', summary: 'An SLA freshness, latency or retention that is not a duration.' },
  { id: 'PK_REQUIRED', severity: 'error', summary: 'A CDC source table without a primary key.' },
  { id: 'REL_UNRESOLVED', severity: 'error', summary: 'A relationship whose target dataset or field does not exist in any contract.' },
  { id: 'REL_EXTERNAL', severity: 'warning', summary: 'A relationship into another file; resolved by dataset name.' },
  { id: 'REL_TYPE_MISMATCH', severity: 'warning', summary: 'A relationship between fields of different types.' },
  { id: 'NAME_INVALID', severity: 'error', summary: 'A name that cannot be represented in every target (Avro names cannot be quoted; length limits).' },
  { id: 'NAME_RESERVED', severity: 'warning', summary: 'A reserved word in SQL, CQL or Python: it will be quoted, which hurts every query.' },
  { id: 'CONSTRAINT_INCONSISTENT', severity: 'error', summary: 'Enum, range, length and pattern constraints that contradict each other or the type.' },
  { id: 'PATTERN_INVALID', severity: 'error', summary: 'A pattern that is not a valid regular expression.' },
  { id: 'MYSQL_KEY_LENGTH', severity: 'error', summary: 'A MySQL key or unique string column without maxLength (MySQL cannot index TEXT without a length).' },
  { id: 'NESTING_TOO_DEEP', severity: 'error', summary: 'Fields nested deeper than contractgen supports (16 levels).' },
  { id: 'FIELD_LIMIT', severity: 'error', summary: "More columns than the source system allows (PostgreSQL 1,600; MySQL 4,096)." },
  { id: 'COLLISION', severity: 'error', summary: 'Two datasets map to the same dataset name, topic, source table, lake table or output file.' },
  { id: 'SECRET_LITERAL', severity: 'error', summary: 'A literal credential; reference it through ${env:…} or ${file:…} instead.' },
  { id: 'VERSION_SEMVER', severity: 'error', summary: 'The contract version is not semantic versioning (MAJOR.MINOR.PATCH).' },
  { id: 'CONFIG_VALUE', severity: 'error', summary: 'An inconsistent value in contractgen.config.yaml.' },
  { id: 'QUALITY_UNTRANSLATED', severity: 'warning', summary: 'A quality rule that has no Great Expectations form (text rules, other engines, SQL that is not a row count).' },
  { id: 'OUTPUT_PATH', severity: 'error', summary: 'A target produced an output path that could leave the output directory.' },
  { id: 'TARGET_SKIPPED', severity: 'info', summary: 'A target skipped a dataset that lacks what it needs.' },
  { id: 'PLACEHOLDER', severity: 'warning', summary: 'A placeholder `contractgen import` left (owner, purpose, SLA, a source host or database): write the real value.' },
  { id: 'PII_SUGGESTED', severity: 'warning', summary: 'A field `contractgen import` suggests may hold personal data: confirm with contractgen.pii: true, or remove the suggestion.' },
  { id: 'IMPORT_SOURCE', severity: 'error', summary: 'import/drift cannot read the source: server unreachable, authentication failed, database or file missing, format unknown.' },
  { id: 'IMPORT_SYNTAX', severity: 'error', summary: 'import/drift: a DDL, CQL, Avro or JSON Schema file that does not parse.' },
  { id: 'IMPORT_TABLE_MISSING', severity: 'error', summary: 'import/drift: a --table the source does not have.' },
  { id: 'IMPORT_EMPTY', severity: 'error', summary: 'import/drift: the source has no table to import.' },
  { id: 'IMPORT_TYPE_UNMAPPED', severity: 'warning', summary: 'import: a column type with no mapping; the column is kept as a string with its physicalType.' },
  { id: 'IMPORT_TYPE_LOSSY', severity: 'warning', summary: 'import: a column type mapped with a loss (an unsized numeric, a time zone offset, a value set inside an array …).' },
  { id: 'IMPORT_NOT_CARRIED', severity: 'warning', summary: 'import: something the source has that a contract does not carry (expression defaults, identity and generated columns, partitioning, foreign keys to tables not imported …).' },
  { id: 'IMPORT_CHECK_KEPT', severity: 'info', summary: 'import: a CHECK that is not a value set, range, length, pattern or format, kept whole (contractgen.check) and as a SQL quality rule.' },
  { id: 'IMPORT_NAME', severity: 'warning', summary: 'import: a table or column name contractgen cannot use as a dataset or field name; a sanitized name is used.' },
];

export const RULE_SEVERITY = new Map(RULES.map((r) => [r.id, r.severity]));

/** Deepest field nesting contractgen accepts: far beyond real contracts, far below any stack or engine limit. */
export const MAX_NESTING = 16;

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function checkRules(datasets: readonly Dataset[], config: PlatformConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (severity: Severity, rule: string, at: SourceRef, message: string) => out.push({ file: at.file, line: at.line, col: at.col, severity, rule, message });

  const byName = new Map<string, Dataset>();
  for (const ds of datasets) if (!byName.has(ds.name)) byName.set(ds.name, ds);

  const versionsSeen = new Set<string>();
  for (const ds of datasets) {
    if (!versionsSeen.has(ds.contract.file) && !SEMVER.test(ds.contract.version)) {
      versionsSeen.add(ds.contract.file);
      report('error', 'VERSION_SEMVER', { file: ds.contract.file, line: ds.at.line, col: ds.at.col }, `contract version "${ds.contract.version}" is not semver (MAJOR.MINOR.PATCH)`);
    }
    versionsSeen.add(ds.contract.file);

    if (ds.source && ds.cdc.enabled && ds.primaryKey.length === 0) {
      report('error', 'PK_REQUIRED', ds.at, `"${ds.name}" is captured by CDC from ${ds.source.kind} but has no primary key: mark its key field(s) primaryKey: true`);
    }

    checkName(report, ds.name, ds.at, 'dataset', ds.source?.kind);
    if (ds.table !== ds.name) checkName(report, ds.table, ds.at, 'table (physicalName)', ds.source?.kind);
    if (ds.source?.kind === 'cassandra' && ds.table.length > CQL_MAX_TABLE) report('error', 'NAME_INVALID', ds.at, `Cassandra table name "${ds.table}" is longer than ${CQL_MAX_TABLE} characters`);
    if (ds.source) {
      // these names reach topic names, slot names, connector names and SQL
      for (const [what, v] of [['database', ds.source.database], ['schema', ds.source.schema]] as const) {
        if (v !== undefined && !/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(v)) report('error', 'NAME_INVALID', ds.source.at, `source ${what} name "${v}" must be a plain identifier ([A-Za-z_][A-Za-z0-9_-]*, at most 63 characters)`);
      }
      if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(ds.source.host)) report('error', 'SOURCE_INVALID', ds.source.at, `source host "${ds.source.host}" is not a host name`);
      const limit = ds.source.kind === 'postgres' ? 1600 : ds.source.kind === 'mysql' ? 4096 : undefined;
      if (limit !== undefined && ds.fields.length > limit) report('error', 'FIELD_LIMIT', ds.at, `"${ds.name}" has ${ds.fields.length} fields; ${ds.source.kind} allows at most ${limit} columns per table`);
    }
    let deepest = 0;
    const depth = (fs: readonly Field[], d: number) => {
      deepest = Math.max(deepest, d);
      for (const f of fs) if (f.type.kind === 'object') depth(f.type.fields, d + 1);
    };
    depth(ds.fields, 1);
    if (deepest > MAX_NESTING) report('error', 'NESTING_TOO_DEEP', ds.at, `"${ds.name}" nests fields ${deepest} levels deep; contractgen supports ${MAX_NESTING}`);
    walkFields(ds.fields, (f) => {
      checkName(report, f.name, f.at, 'field', ds.source?.kind);
      if (f.physicalName !== f.name) checkName(report, f.physicalName, f.at, 'column (physicalName)', ds.source?.kind);
      checkConstraints(report, f);
      if (ds.source?.kind === 'mysql' && f.type.kind === 'string' && !f.type.maxLength && (f.unique || f.primaryKey)) {
        report('error', 'MYSQL_KEY_LENGTH', f.at, `"${f.name}" is a MySQL key/unique column: give it a length (physicalType "varchar(n)")`);
      }
    });

    for (const rel of ds.relationships) {
      const target = byName.get(rel.toDataset);
      if (!target) {
        report('error', 'REL_UNRESOLVED', rel.at, `relationship target dataset "${rel.toDataset}" is not defined in any contract`);
        continue;
      }
      rel.toFields.forEach((tf, i) => {
        const tfield = target.fields.find((f) => f.name === tf);
        if (!tfield) {
          report('error', 'REL_UNRESOLVED', rel.at, `relationship target field "${rel.toDataset}.${tf}" does not exist`);
          return;
        }
        const from = ds.fields.find((f) => f.name === rel.from[i]);
        if (from && typeLabel(from.type) !== typeLabel(tfield.type)) {
          report('warning', 'REL_TYPE_MISMATCH', rel.at, `"${ds.name}.${from.name}" (${typeLabel(from.type)}) references "${rel.toDataset}.${tf}" (${typeLabel(tfield.type)})`);
        }
      });
    }
  }

  // Collisions, compared after case folding and sanitizing: what two systems would both see as one name.
  const claims = new Map<string, Dataset>();
  const claim = (kind: string, key: string | undefined, ds: Dataset) => {
    if (key === undefined) return;
    const k = `${kind}\0${key.toLowerCase()}`;
    const prev = claims.get(k);
    if (prev && prev !== ds) {
      report('error', 'COLLISION', ds.at, `"${ds.name}" and "${prev.name}" (${prev.at.file}:${prev.at.line}) map to the same ${kind} "${key}"`);
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
      report('error', 'COLLISION', ds.at, `"${ds.name}" and "${twin.ds.name}" (${twin.ds.at.file}:${twin.ds.at.line}) have topics ${topic} and ${twin.topic}, which map to the same KafkaTopic resource name "${k8sName(topic)}"`);
    } else if (topic !== undefined && !twin) k8sTopics.set(k8sName(topic), { ds, topic });
    claim('source table', sourceTableKey(ds), ds);
    claim('lake table', lakeName(ds), ds);
    claim('output file', fileStem(ds), ds);
  }
  return out;
}

function walkFields(fields: readonly Field[], fn: (f: Field) => void, depth = 0) {
  if (depth > MAX_NESTING) return;
  for (const f of fields) {
    fn(f);
    if (f.type.kind === 'object') walkFields(f.type.fields, fn, depth + 1);
  }
}

type Report = (severity: Severity, rule: string, at: SourceRef, message: string) => void;

function checkName(report: Report, name: string, at: SourceRef, what: string, source: 'postgres' | 'mysql' | 'cassandra' | undefined) {
  if (!AVRO_NAME.test(name)) {
    report('error', 'NAME_INVALID', at, `${what} name "${name}" is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*), and Avro names cannot be quoted`);
    return;
  }
  if (Buffer.byteLength(name) > PG_MAX_IDENT) {
    report('error', 'NAME_INVALID', at, `${what} name "${name}" is longer than ${PG_MAX_IDENT} bytes, PostgreSQL's identifier limit`);
    return;
  }
  const reserved = reservedIn(name, source);
  if (reserved.length) report('warning', 'NAME_RESERVED', at, `${what} name "${name}" is reserved in ${reserved.join(', ')}; it will be quoted there`);
}

function compileRegex(p: string): RegExp | string {
  try {
    return new RegExp(p, 'u');
  } catch (e) {
    return (e as Error).message;
  }
}

function checkConstraints(report: Report, f: Field) {
  const c = f.constraints;
  const kind = f.type.kind;
  const numeric = ['int16', 'int32', 'int64', 'float32', 'float64', 'decimal'].includes(kind);
  let re: RegExp | undefined;
  if (c.pattern !== undefined) {
    const r = compileRegex(c.pattern);
    if (typeof r === 'string') report('error', 'PATTERN_INVALID', f.at, `pattern of "${f.name}" is not a valid regular expression: ${r}`);
    else re = r;
    if (!['string', 'uuid'].includes(kind)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `pattern on "${f.name}", which is ${typeLabel(f.type)}, not a string`);
  }
  if (c.format !== undefined && !(c.format in FORMAT_PATTERNS)) {
    report('warning', 'CONSTRAINT_INCONSISTENT', f.at, `format "${c.format}" of "${f.name}" is not one contractgen checks (${Object.keys(FORMAT_PATTERNS).join(', ')}); it is documentation only`);
  }
  const lo = c.minimum ?? c.exclusiveMinimum;
  const hi = c.maximum ?? c.exclusiveMaximum;
  if (lo !== undefined && hi !== undefined && (typeof lo === typeof hi) && (lo > hi || (lo === hi && (c.exclusiveMinimum !== undefined || c.exclusiveMaximum !== undefined)))) {
    report('error', 'CONSTRAINT_INCONSISTENT', f.at, `range of "${f.name}" is empty (${String(lo)} … ${String(hi)})`);
  }
  if ((typeof lo === 'number' || typeof hi === 'number') && !numeric) {
    report('error', 'CONSTRAINT_INCONSISTENT', f.at, `numeric range on "${f.name}", which is ${typeLabel(f.type)}`);
  }
  if (c.minLength !== undefined && c.maxLength !== undefined && c.minLength > c.maxLength) {
    report('error', 'CONSTRAINT_INCONSISTENT', f.at, `minLength ${c.minLength} of "${f.name}" exceeds maxLength ${c.maxLength}`);
  }
  if (f.type.kind === 'string' && f.type.maxLength !== undefined && c.minLength !== undefined && c.minLength > f.type.maxLength) {
    report('error', 'CONSTRAINT_INCONSISTENT', f.at, `minLength ${c.minLength} of "${f.name}" exceeds its column length ${f.type.maxLength}`);
  }
  if (f.type.kind === 'decimal' && typeof hi === 'number') {
    const max = Math.pow(10, f.type.precision - f.type.scale);
    if (Math.abs(hi) >= max) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `maximum ${hi} of "${f.name}" does not fit decimal(${f.type.precision},${f.type.scale})`);
  }
  if (c.enum) {
    if (c.enum.length === 0) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `"${f.name}" allows no value at all (empty validValues)`);
    if (new Set(c.enum).size !== c.enum.length) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `validValues of "${f.name}" repeat a value`);
    if (!['string', 'int16', 'int32', 'int64'].includes(kind)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `validValues on "${f.name}", which is ${typeLabel(f.type)}; contractgen supports value sets on strings and integers`);
    for (const v of c.enum) {
      const len = [...v].length;
      if (re && !re.test(v)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `allowed value "${v}" of "${f.name}" does not match its pattern`);
      if ((c.maxLength !== undefined && len > c.maxLength) || (c.minLength !== undefined && len < c.minLength) || (f.type.kind === 'string' && f.type.maxLength !== undefined && len > f.type.maxLength)) {
        report('error', 'CONSTRAINT_INCONSISTENT', f.at, `allowed value "${v}" of "${f.name}" breaks its length limits`);
      }
      if (kind.startsWith('int')) {
        const n = Number(v);
        if (!Number.isInteger(n)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `allowed value "${v}" of integer "${f.name}" is not an integer`);
        else if ((typeof lo === 'number' && n < lo) || (typeof hi === 'number' && n > hi)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `allowed value ${v} of "${f.name}" is outside its range`);
      }
    }
  }
  if (f.default !== undefined && typeof f.default === 'string') {
    if (re && !re.test(f.default)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `default "${f.default}" of "${f.name}" does not match its pattern`);
    if (c.enum && !c.enum.includes(f.default)) report('error', 'CONSTRAINT_INCONSISTENT', f.at, `default "${f.default}" of "${f.name}" is not an allowed value`);
  }
}
