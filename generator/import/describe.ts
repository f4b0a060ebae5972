/**
 * The one typed description of a source's tables that every reader produces (live PostgreSQL catalog,
 * PostgreSQL and MySQL DDL, CQL, Avro, JSON Schema) and that the writer (`odcs.ts`) turns into contracts.
 * It speaks in the source's terms (column spellings, key order, comments, options) with each column's type
 * already mapped to the nearest contractgen type (`types.ts` in this folder holds the mappings).
 */
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RuleId } from '../diagnostics/rules.js';
import { loadYaml, type LoadedYaml } from '../load/yaml.js';
import type { Constraints, LogicalType, SourceRef } from '../model/ir.js';

/** The system a description comes from. Avro and JSON Schema describe a topic whose source may be known too. */
export type SourceFormat = 'postgres' | 'mysql' | 'cassandra' | 'avro' | 'jsonschema';

/** A database kind contractgen can bind a contract to. */
export type ServerKind = 'postgres' | 'mysql' | 'cassandra';

/**
 * A source column's type in contractgen's terms: the model's scalar types as they are (model/ir.ts), and what a
 * source states differently: a decimal may be unsized, an array item is a column type (with its physical type),
 * and an object lists columns.
 */
export type ColumnType =
  | Exclude<LogicalType, { kind: 'decimal' | 'array' | 'map' | 'object' }>
  /** precision and scale are absent for an unsized numeric (PostgreSQL `numeric`, CQL `decimal`, Debezium's variable-scale decimal) */
  | { kind: 'decimal'; precision?: number; scale?: number }
  | { kind: 'array'; items: ColumnType; itemsPhysical?: string }
  | { kind: 'object'; fields: ColumnDesc[] };

export interface ColumnDesc {
  /** the column name in the source */
  name: string;
  /** the source's spelling of the type (`character varying(200)`, `int unsigned`, `frozen<list<text>>` …) */
  physicalType?: string;
  type: ColumnType;
  nullable: boolean;
  /** a literal default the contract can carry (`contractgen.default`) */
  default?: string | number | boolean;
  /** a default that is an expression (now(), nextval(…)): reported, not carried */
  defaultExpression?: string;
  comment?: string;
  /** constraints recognized from CHECKs, enum types, domains and schema keywords */
  constraints: Constraints;
  unique?: boolean;
  /** a generated (computed) column's expression */
  generated?: string;
  /** an identity / serial / AUTO_INCREMENT column */
  identity?: boolean;
  /** classification read from a contractgen-generated comment (`[classification: restricted] …`) */
  classification?: string;
  /** why this column may hold personal data (set by pii.ts): a suggestion, never an assertion */
  piiSuggested?: string;
  /** a user-defined type the column uses (enum, domain, composite, UDT), for the YAML comment */
  userType?: string;
  at: SourceRef;
}

export interface ForeignKeyDesc {
  name?: string;
  columns: string[];
  /** the referenced table, in the same namespace unless given */
  table: string;
  namespace?: string;
  refColumns: string[];
  at: SourceRef;
}

/** A CHECK constraint that is not one of the shapes contractgen models: kept whole, in the source's dialect. */
export interface CheckDesc {
  name?: string;
  expression: string;
  at: SourceRef;
}

export interface TableDesc {
  /** the table name in the source */
  name: string;
  /** PostgreSQL schema, MySQL database, Cassandra keyspace, or the Avro namespace's middle part */
  namespace?: string;
  comment?: string;
  /** the owning team, when a contractgen-generated comment names it (`… Owner: identity-team.`) */
  owner?: string;
  columns: ColumnDesc[];
  /** primary key columns in key order */
  primaryKey: string[];
  /** unique constraints and unique indexes over more than one column */
  uniques: string[][];
  foreignKeys: ForeignKeyDesc[];
  checks: CheckDesc[];
  /** Cassandra: partition key and clustering columns with their order */
  cassandra?: { partition: string[]; clustering: Array<{ column: string; order: 'ASC' | 'DESC' }> };
  /**
   * Source table options contractgen's targets do not model, kept for people and for `drift`
   * (PostgreSQL replica identity and partitioning, Cassandra default_time_to_live and cdc …).
   */
  options: Record<string, string | number | boolean>;
  at: SourceRef;
}

export interface ServerDesc {
  kind: ServerKind;
  /** absent when the source does not say (a DDL file): the writer leaves a placeholder */
  host?: string;
  port?: number;
  database?: string;
  /** Cassandra: each keyspace's replication */
  replication?: Record<string, Record<string, string | number>>;
}

export interface SourceDescription {
  format: SourceFormat;
  /** how to name the source in messages: a file path or a URL without its password */
  label: string;
  /** the database the tables live in, when the source tells (Avro and JSON Schema without an envelope do not) */
  server?: ServerDesc;
  tables: TableDesc[];
  diagnostics: Diagnostic[];
}

/** A diagnostic of an import rule at a source position; its severity comes from the rule registry. */
export function diag(at: SourceRef, rule: ImportRule, message: string): Diagnostic {
  return diagnostic(rule, at, message);
}

export type ImportRule = Extract<RuleId, `IMPORT_${string}`>;

/** Line/column lookup for many offsets into one text. */
export function positions(file: string, text: string): (offset: number) => SourceRef {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: o - starts[lo]! + 1 };
  };
}

/** A source that cannot be read at all (unreachable server, bad credentials, missing file): exit 2. */
export class SourceError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** Strict JSON (JSON.parse), with the error's line and column when it is not. */
export function jsonError(text: string): { message: string; line: number; col: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    const m = /position (\d+)/.exec(message);
    const offset = m ? Number(m[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    return { message, line: before.length, col: before[before.length - 1]!.length + 1 };
  }
}

/** A JSON file read with positions (JSON is YAML: the yaml reader gives every node its position); undefined, with its IMPORT_SYNTAX diagnostic, when it is not JSON. */
export function loadJsonDoc(file: string, text: string, diagnostics: Diagnostic[]): LoadedYaml | undefined {
  const bad = jsonError(text);
  if (bad) {
    diagnostics.push(diag({ file, line: bad.line, col: bad.col }, 'IMPORT_SYNTAX', `not valid JSON: ${bad.message}`));
    return undefined;
  }
  const loaded = loadYaml(file, text);
  if (!loaded.doc || loaded.diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(...loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => diag(d, 'IMPORT_SYNTAX', `not valid JSON: ${d.message}`)));
    return undefined;
  }
  return loaded.doc;
}
