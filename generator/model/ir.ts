/**
 * The one intermediate representation every target reads. Nothing downstream of `build` looks at YAML.
 * Collections are sorted or kept in contract order deliberately (fields: contract order; datasets: by name).
 */
import type { Pos } from '../load/yaml.js';

export interface SourceRef extends Pos {
  file: string;
}

export type LogicalType =
  | { kind: 'string'; maxLength?: number }
  | { kind: 'uuid' }
  | { kind: 'int16' }
  | { kind: 'int32' }
  | { kind: 'int64' }
  | { kind: 'float32' }
  | { kind: 'float64' }
  /**
   * `variableScale`: an unsized numeric (PostgreSQL `numeric`, `NUMBER`): the source column has no precision or
   * scale, Debezium emits io.debezium.data.VariableScaleDecimal, and the lake, which has no variable-scale
   * decimal, takes `precision`/`scale` from the config (`lake.unsizedDecimal`).
   */
  | { kind: 'decimal'; precision: number; scale: number; variableScale?: true }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'time' }
  | { kind: 'timestamp' }
  | { kind: 'timestamp_ntz' }
  | { kind: 'bytes' }
  /** JSON with no declared shape (an object without properties, a json/jsonb column): a JSON string end to end */
  | { kind: 'json' }
  | { kind: 'array'; items: Element }
  /** ODCS v3.2.0 `logicalType: map`, with `map.key` and `map.value` */
  | { kind: 'map'; key: Element; value: Element }
  /**
   * an object with declared properties, nested to any depth; `name` says where it is declared
   * (`<dataset>.<property>…`, `item` for array items, `key`/`value` for maps), for systems that name
   * structured types (CQL user-defined types)
   */
  | { kind: 'object'; fields: Field[]; name?: string };

/** An array item, a map key or a map value: a type with its own constraints. */
export interface Element {
  type: LogicalType;
  constraints: Constraints;
  /** no null element (ODCS `required` on the items / key / value) */
  required: boolean;
  description?: string;
  at: SourceRef;
}

export type TypeKind = LogicalType['kind'];

/** An allowed value with what ODCS v3.2.0 `enum` says about it. */
export interface EnumEntry {
  value: string | number;
  label?: string;
  description?: string;
}

export interface Constraints {
  /** the allowed values, as text (ODCS v3.2.0 `enum`, or a v3.1 invalidValues rule with validValues) */
  enum?: string[];
  /** the same values with their labels and descriptions, when the contract gives any (ODCS v3.2.0 `enum`) */
  enumEntries?: EnumEntry[];
  /** where the value set was declared: `enum` or the quality rules (by key) that state it */
  enumFrom?: { enum: boolean; rules: string[] };
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** string format from logicalTypeOptions.format (email, uri …); uuid is a type of its own */
  format?: string;
  /** arrays (and maps: number of entries) */
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

/** ODCS v3.2.0 `context` (contract or schema object): free text, or instructions, verified statements and constraints. */
export interface Context {
  instructions?: string;
  verifiedStatements: Array<{ question: string; answer?: string }>;
  constraints: string[];
}

export type Operator =
  | { op: 'mustBe'; value: unknown }
  | { op: 'mustNotBe'; value: unknown }
  | { op: 'mustBeGreaterThan' | 'mustBeGreaterOrEqualTo' | 'mustBeLessThan' | 'mustBeLessOrEqualTo'; value: number }
  | { op: 'mustBeBetween' | 'mustNotBeBetween'; value: [number, number] };

export interface QualityRule {
  /** stable: the rule's id, else its name, else `<dataset>[.<field>]#<index>` */
  key: string;
  type: 'library' | 'sql' | 'text' | 'custom';
  metric?: 'nullValues' | 'missingValues' | 'invalidValues' | 'duplicateValues' | 'rowCount';
  arguments: Record<string, unknown>;
  operator?: Operator;
  query?: string;
  engine?: string;
  implementation?: unknown;
  description?: string;
  dimension?: string;
  severity?: string;
  unit?: string;
  /** the field it is attached to, if any */
  field?: string;
  at: SourceRef;
}

export interface Field {
  name: string;
  /** the column name in the source system (ODCS physicalName, else name) */
  physicalName: string;
  description?: string;
  businessName?: string;
  type: LogicalType;
  required: boolean;
  unique: boolean;
  primaryKey: boolean;
  primaryKeyPosition: number;
  partitioned: boolean;
  partitionKeyPosition: number;
  pii: boolean;
  classification?: string;
  constraints: Constraints;
  /** default value for the column, from the contractgen.default custom property */
  default?: string | number | boolean;
  cdcExcluded: boolean;
  examples: unknown[];
  tags: string[];
  quality: QualityRule[];
  /** ODCS v3.2.0 semanticType (absent: a column) */
  semanticType?: 'column' | 'measure' | 'dimension';
  /** ODCS transformLogic: for a measure, its aggregation */
  transformLogic?: string;
  /** ODCS v3.2.0 synonyms: alternative names, for the docs and the catalog comments */
  synonyms?: string[];
  at: SourceRef;
}

export type SourceKind = 'postgres' | 'mysql' | 'cassandra';

export interface SourceBinding {
  kind: SourceKind;
  server: string;
  host: string;
  port: number;
  /** PostgreSQL / MySQL database; Cassandra keyspace */
  database: string;
  /** PostgreSQL schema (none for MySQL and Cassandra) */
  schema?: string;
  table: string;
  /** Cassandra only */
  cassandra?: { replication: Record<string, string | number>; datacenter?: string };
  at: SourceRef;
}

export interface Relationship {
  from: string[];
  toDataset: string;
  toFields: string[];
  at: SourceRef;
}

export interface Sla {
  /** milliseconds */
  freshnessMs?: number;
  retentionMs?: number;
  latencyMs?: number;
  frequency?: string;
  /** the frequency as a duration, when it is one */
  frequencyMs?: number;
  /** where each duration property is written, for diagnostics */
  at?: Partial<Record<'freshness' | 'retention' | 'latency' | 'frequency', SourceRef>>;
  properties: Array<{ property: string; value: unknown; unit?: string; element?: string }>;
}

export interface Dataset {
  /** ODCS schema object name: the dataset's identity across contracts */
  name: string;
  /** physical table name (ODCS physicalName, else name) */
  table: string;
  description?: string;
  businessName?: string;
  contract: {
    id: string;
    name?: string;
    version: string;
    status: string;
    domain?: string;
    apiVersion: string;
    /** path of the contract file, relative to the working directory, with forward slashes */
    file: string;
    /** 'odcs' or, when converted, 'dcs' */
    format: 'odcs' | 'dcs';
    /** where the contract's version is written */
    versionAt: SourceRef;
  };
  owner: { team?: string; members: Array<{ username: string; name?: string; role?: string }> };
  source?: SourceBinding;
  fields: Field[];
  /** primary key columns in key order */
  primaryKey: string[];
  /**
   * compound unique keys (field names, in order): schema-level duplicateValues rules with
   * `arguments.properties` and mustBe 0 (the DDL targets make a UNIQUE constraint of each)
   */
  uniqueKeys: string[][];
  /** lake partition columns in order */
  partitionedBy: string[];
  cassandraKey?: { partition: string[]; clustering: Array<{ column: string; order: 'ASC' | 'DESC' }> };
  /** Cassandra default_time_to_live in seconds, from the retention SLA (`contractgen.cassandra.ttl`) */
  cassandraTtlSeconds?: number;
  relationships: Relationship[];
  quality: QualityRule[];
  /** CHECK constraints kept whole in the source's SQL (contractgen.check), emitted by the DDL target of that source */
  checks?: Array<{ name?: string; expression: string }>;
  sla: Sla;
  cdc: { enabled: boolean };
  kafka: { topic?: string; partitions?: number; replicas?: number; cleanupPolicy?: 'compact' | 'delete'; maxMessageBytes?: number; compatibility?: string };
  tags: string[];
  /** ODCS v3.2.0 synonyms of the schema object */
  synonyms?: string[];
  /** ODCS v3.2.0 context of the schema object, else of the contract */
  context?: Context;
  at: SourceRef;
}

export interface Model {
  datasets: Dataset[];
}
