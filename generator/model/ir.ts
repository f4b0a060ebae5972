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
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'time' }
  | { kind: 'timestamp' }
  | { kind: 'timestamp_ntz' }
  | { kind: 'bytes' }
  | { kind: 'json' }
  | { kind: 'array'; items: LogicalType }
  | { kind: 'object'; fields: Field[] };

export type TypeKind = LogicalType['kind'];

export interface Constraints {
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** string format from logicalTypeOptions.format (email, uri …); uuid is a type of its own */
  format?: string;
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
  at: SourceRef;
}

export interface Model {
  datasets: Dataset[];
}
