/** The breaking-change rules: stable IDs in categories, each with its default severity. */
import type { Severity } from '../diagnostics.js';

export interface BreakingRule {
  id: string;
  category: 'dataset' | 'field' | 'type' | 'constraint' | 'key' | 'topic' | 'governance' | 'source' | 'sla' | 'schema-registry' | 'version';
  severity: Severity;
  summary: string;
}

export const BREAKING_RULES: BreakingRule[] = [
  { id: 'DATASET_REMOVED', category: 'dataset', severity: 'error', summary: 'A dataset is gone: every consumer of its topic, tables and files breaks.' },
  { id: 'DATASET_ADDED', category: 'dataset', severity: 'info', summary: 'A new dataset.' },
  { id: 'FIELD_REMOVED', category: 'field', severity: 'error', summary: 'A field is gone.' },
  { id: 'FIELD_ADDED', category: 'field', severity: 'info', summary: 'A new optional field, or a required one with a default.' },
  { id: 'FIELD_ADDED_REQUIRED', category: 'field', severity: 'error', summary: 'A new required field without a default: old data and old producers lack it.' },
  { id: 'FIELD_MADE_REQUIRED', category: 'field', severity: 'error', summary: 'An optional field became required.' },
  { id: 'FIELD_MADE_OPTIONAL', category: 'field', severity: 'warning', summary: 'A required field became optional: consumers may meet nulls.' },
  { id: 'FIELD_PHYSICAL_NAME_CHANGED', category: 'field', severity: 'error', summary: 'The column name in the source changed.' },
  { id: 'FIELD_TYPE_CHANGED', category: 'type', severity: 'error', summary: 'A type change that narrows or changes meaning (long → int, timestamp → date …).' },
  { id: 'FIELD_TYPE_WIDENED', category: 'type', severity: 'info', summary: 'A widening type change (int → long, float → double, decimal(10,2) → decimal(12,2) …).' },
  { id: 'ENUM_VALUE_REMOVED', category: 'constraint', severity: 'error', summary: 'An allowed value is gone: existing data may hold it.' },
  { id: 'ENUM_VALUE_ADDED', category: 'constraint', severity: 'warning', summary: 'A new allowed value: consumers that match values exhaustively must learn it.' },
  { id: 'CONSTRAINT_TIGHTENED', category: 'constraint', severity: 'error', summary: 'A range, length, pattern, format or value set got stricter: existing data may break it.' },
  { id: 'CONSTRAINT_LOOSENED', category: 'constraint', severity: 'info', summary: 'A constraint got looser.' },
  { id: 'PRIMARY_KEY_CHANGED', category: 'key', severity: 'error', summary: 'The primary key changed: message keys, compaction and upserts change.' },
  { id: 'PARTITIONING_CHANGED', category: 'key', severity: 'error', summary: 'The lake partitioning or the Cassandra partition/clustering key changed.' },
  { id: 'TOPIC_RENAMED', category: 'topic', severity: 'error', summary: 'The CDC topic name changed.' },
  { id: 'CDC_DISABLED', category: 'topic', severity: 'error', summary: 'The dataset is no longer captured.' },
  { id: 'SOURCE_TABLE_CHANGED', category: 'source', severity: 'error', summary: 'The source system, database, schema or table changed.' },
  { id: 'PII_CLASSIFICATION_REMOVED', category: 'governance', severity: 'error', summary: 'A field lost its PII marking: masking and access rules stop applying.' },
  { id: 'PII_CLASSIFICATION_ADDED', category: 'governance', severity: 'info', summary: 'A field is now marked PII.' },
  { id: 'CLASSIFICATION_CHANGED', category: 'governance', severity: 'warning', summary: 'A field\'s classification changed.' },
  { id: 'SLA_RETENTION_REDUCED', category: 'sla', severity: 'warning', summary: 'The retention SLA got shorter.' },
  { id: 'SLA_FRESHNESS_RELAXED', category: 'sla', severity: 'warning', summary: 'The freshness SLA got longer.' },
  { id: 'AVRO_INCOMPATIBLE', category: 'schema-registry', severity: 'error', summary: 'The new Avro schema breaks the subject\'s compatibility level (avsc\'s resolver).' },
  { id: 'VERSION_BUMP_REQUIRED', category: 'version', severity: 'error', summary: 'Breaking changes without a major version bump of the contract.' },
  { id: 'MAJOR_VERSION_BUMP', category: 'version', severity: 'info', summary: 'A major version bump: breaking changes are allowed, and versioned names apply.' },
  { id: 'VERSION_NOT_INCREASED', category: 'version', severity: 'warning', summary: 'The contract changed but its version did not increase.' },
];

export const BREAKING_RULE = new Map(BREAKING_RULES.map((r) => [r.id, r]));
