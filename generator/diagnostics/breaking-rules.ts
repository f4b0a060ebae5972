/**
 * The breaking-change rules of `contractgen breaking`: stable IDs in categories, each with its severity when
 * the contract's major version did not grow. With a major bump a breaking change is allowed and reported at
 * ALLOWED_BREAKING_SEVERITY. Data only, so that config/ (which validates `breaking.disabled`) and the
 * reference page read it without importing breaking/.
 */
import type { Severity } from './rules.js';

export type BreakingCategory = 'dataset' | 'field' | 'type' | 'constraint' | 'key' | 'topic' | 'governance' | 'source' | 'sla' | 'schema-registry' | 'version';

export interface BreakingRuleDef {
  readonly category: BreakingCategory;
  readonly severity: Severity;
  readonly summary: string;
}

export const BREAKING_RULES = {
  DATASET_REMOVED: { category: 'dataset', severity: 'error', summary: 'A dataset is gone: every consumer of its topic, tables and files breaks.' },
  DATASET_ADDED: { category: 'dataset', severity: 'info', summary: 'A new dataset.' },
  FIELD_REMOVED: { category: 'field', severity: 'error', summary: 'A field is gone.' },
  FIELD_ADDED: { category: 'field', severity: 'info', summary: 'A new optional field, or a required one with a default.' },
  FIELD_ADDED_REQUIRED: { category: 'field', severity: 'error', summary: 'A new required field without a default: old data and old producers lack it.' },
  FIELD_MADE_REQUIRED: { category: 'field', severity: 'error', summary: 'An optional field became required.' },
  FIELD_MADE_OPTIONAL: { category: 'field', severity: 'warning', summary: 'A required field became optional: consumers may meet nulls.' },
  FIELD_PHYSICAL_NAME_CHANGED: { category: 'field', severity: 'error', summary: 'The column name in the source changed.' },
  FIELD_TYPE_CHANGED: { category: 'type', severity: 'error', summary: 'A type change that narrows or changes meaning (long → int, timestamp → date …).' },
  FIELD_TYPE_WIDENED: { category: 'type', severity: 'info', summary: 'A widening type change (int → long, float → double, decimal(10,2) → decimal(12,2) …).' },
  ENUM_VALUE_REMOVED: { category: 'constraint', severity: 'error', summary: 'An allowed value is gone: existing data may hold it.' },
  ENUM_VALUE_ADDED: { category: 'constraint', severity: 'warning', summary: 'A new allowed value: consumers that match values exhaustively must learn it.' },
  CONSTRAINT_TIGHTENED: { category: 'constraint', severity: 'error', summary: 'A range, length, pattern, format or value set got stricter: existing data may break it.' },
  CONSTRAINT_LOOSENED: { category: 'constraint', severity: 'info', summary: 'A constraint got looser.' },
  PRIMARY_KEY_CHANGED: { category: 'key', severity: 'error', summary: 'The primary key changed: message keys, compaction and upserts change.' },
  PARTITIONING_CHANGED: { category: 'key', severity: 'error', summary: 'The lake partitioning or the Cassandra partition/clustering key changed.' },
  TOPIC_RENAMED: { category: 'topic', severity: 'error', summary: 'The CDC topic name changed.' },
  CDC_DISABLED: { category: 'topic', severity: 'error', summary: 'The dataset is no longer captured.' },
  SOURCE_TABLE_CHANGED: { category: 'source', severity: 'error', summary: 'The source system, database, schema or table changed.' },
  PII_CLASSIFICATION_REMOVED: { category: 'governance', severity: 'error', summary: 'A field lost its PII marking: masking and access rules stop applying.' },
  PII_CLASSIFICATION_ADDED: { category: 'governance', severity: 'info', summary: 'A field is now marked PII.' },
  CLASSIFICATION_CHANGED: { category: 'governance', severity: 'warning', summary: 'A field\'s classification changed.' },
  SLA_RETENTION_REDUCED: { category: 'sla', severity: 'warning', summary: 'The retention SLA got shorter.' },
  SLA_FRESHNESS_RELAXED: { category: 'sla', severity: 'warning', summary: 'The freshness SLA got longer.' },
  AVRO_INCOMPATIBLE: { category: 'schema-registry', severity: 'error', summary: 'The new Avro schema breaks the subject\'s compatibility level (avsc\'s resolver).' },
  VERSION_BUMP_REQUIRED: { category: 'version', severity: 'error', summary: 'Breaking changes without a major version bump of the contract.' },
  MAJOR_VERSION_BUMP: { category: 'version', severity: 'info', summary: 'A major version bump: breaking changes are allowed, and versioned names apply.' },
  VERSION_NOT_INCREASED: { category: 'version', severity: 'warning', summary: 'The contract changed but its version did not increase.' },
} as const satisfies Record<string, BreakingRuleDef>;

export type BreakingRuleId = keyof typeof BREAKING_RULES;

/** The severity of a breaking change that a major version bump allows. */
export const ALLOWED_BREAKING_SEVERITY: Severity = 'info';

export function isBreakingRuleId(id: string): id is BreakingRuleId {
  return Object.prototype.hasOwnProperty.call(BREAKING_RULES, id);
}

/** The registry as a list in declaration order, for `contractgen breaking --list-rules` and the reference page. */
export const BREAKING_RULE_LIST: ReadonlyArray<BreakingRuleDef & { readonly id: BreakingRuleId }> = (Object.keys(BREAKING_RULES) as BreakingRuleId[]).map((id) => ({ id, ...BREAKING_RULES[id] }));
