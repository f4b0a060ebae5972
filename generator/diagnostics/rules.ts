/**
 * The rule registry: every diagnostic rule contractgen reports, with its severity. A diagnostic takes its
 * severity from here (diagnostic.ts), never from the call site: a rule that is sometimes a warning and
 * sometimes an error is two rules. `contractgen rules` and docs/reference/rules.md are generated from it.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface RuleDef {
  readonly severity: Severity;
  /** one line: what the rule finds */
  readonly summary: string;
  /** what to do about it */
  readonly docs: string;
}

export const RULES = {
  YAML_SYNTAX: { severity: 'error', summary: 'The file is not well-formed YAML 1.2.', docs: 'Fix the syntax at the position given; the message is the YAML parser\'s.' },
  YAML_DUPLICATE_KEY: { severity: 'error', summary: 'A mapping repeats a key.', docs: 'Remove one of the two keys: YAML 1.2 forbids duplicates, and readers disagree on which one wins.' },
  YAML_ALIAS: { severity: 'error', summary: 'Alias expansion refused (too many aliases: a billion-laughs guard).', docs: 'Write the repeated content out, or use fewer aliases.' },
  YAML_WARNING: { severity: 'warning', summary: 'The YAML parser warned (unknown tag …).', docs: 'Remove the construct the parser warns about; contract files need plain YAML.' },
  INPUT_TOO_LARGE: { severity: 'error', summary: 'A contract file exceeds the size limit.', docs: 'Split the contract: one file per data product is the convention.' },
  FORMAT_UNKNOWN: { severity: 'error', summary: 'The file is neither an ODCS nor a DCS contract.', docs: 'Give the file an ODCS `apiVersion` and `kind: DataContract`, or a DCS `dataContractSpecification`, or keep it out of the contracts folder.' },
  SCHEMA_UNKNOWN_KEY: { severity: 'error', summary: 'A key the standard does not define (ODCS is strict; extensions go in customProperties).', docs: 'Check the spelling; a setting the standard lacks goes in `customProperties` (see the extensions page).' },
  SCHEMA_REQUIRED: { severity: 'error', summary: 'A required key is missing.', docs: 'Add the key the message names.' },
  SCHEMA_TYPE: { severity: 'error', summary: 'A value has the wrong type.', docs: 'Give the value the type the message names (quote a string that looks like a number).' },
  SCHEMA_ENUM: { severity: 'error', summary: 'A value is not one of the allowed values (unknown logicalType, server type …).', docs: 'Use one of the values the message lists.' },
  SCHEMA_VALUE: { severity: 'error', summary: 'A value breaks another schema rule (pattern, format, range, operator …).', docs: 'Correct the value as the message says.' },
  API_VERSION_UNSUPPORTED: { severity: 'error', summary: 'ODCS before v3.0.0.', docs: 'Migrate the contract to ODCS v3.0.x, v3.1.0 or v3.2.0.' },
  EXT_UNKNOWN: { severity: 'error', summary: 'An unknown contractgen.* custom property.', docs: 'Check the spelling against the extensions page; the message suggests the nearest name.' },
  EXT_SCOPE: { severity: 'error', summary: 'A contractgen.* custom property on the wrong kind of object.', docs: 'Move the property to the object the message names (server, schema or property).' },
  EXT_VALUE: { severity: 'error', summary: 'A contractgen.* custom property with a bad value.', docs: 'Give a value of the type the extensions page lists.' },
  EXT_DUPLICATE: { severity: 'error', summary: 'A contractgen.* custom property set twice on one object.', docs: 'Keep one of the two.' },
  TYPE_UNKNOWN: { severity: 'error', summary: 'The type of a field cannot be determined.', docs: 'Give the field a `logicalType` (and `items` for an array).' },
  TYPE_UNSUPPORTED: { severity: 'error', summary: 'A type that does not fit every target.', docs: 'Use a type every target can hold; the message suggests one.' },
  DECIMAL_UNSIZED: { severity: 'warning', summary: 'An unsized numeric (PostgreSQL `numeric`, `NUMBER`): the lake stores it with the configured default precision and scale.', docs: 'Give it a physicalType `numeric(p,s)` if you know its size; otherwise set `lake.unsizedDecimal` in the config to the precision and scale the lake should keep.' },
  DECIMAL_PRECISION: { severity: 'error', summary: 'A decimal without a valid precision and scale.', docs: 'Write `physicalType: decimal(p,s)` with 1 ≤ p ≤ 38 and s ≤ p, or set `contractgen.decimal.precision` and `contractgen.decimal.scale`.' },
  FIELD_DUPLICATE: { severity: 'error', summary: 'Two fields of a dataset share a name.', docs: 'Rename or remove one of them.' },
  SOURCE_AMBIGUOUS: { severity: 'error', summary: 'Several database servers and none marked as the CDC source.', docs: 'Set `contractgen.source: true` on exactly one server.' },
  SOURCE_INVALID: { severity: 'error', summary: 'A source server lacks what its kind needs (Cassandra keyspace …).', docs: 'Add what the message names to the server.' },
  SOURCE_HOST_UNDERSCORE: { severity: 'warning', summary: 'A source host name with an underscore: not a DNS host name (RFC 1123), though many service names have one.', docs: 'Nothing to do if the name resolves where the connectors run (a Docker or Kubernetes service name); some resolvers and TLS certificates refuse it.' },
  CASSANDRA_KEY: { severity: 'error', summary: 'The Cassandra partition and clustering key does not match the primary key.', docs: 'Name existing fields, each once, and mark exactly the key columns `primaryKey: true`.' },
  CASSANDRA_KEY_IGNORED: { severity: 'warning', summary: 'Cassandra key properties on a dataset whose source is not Cassandra.', docs: 'Remove `contractgen.cassandra.partitionKey`/`clusteringKey`, or give the contract a Cassandra server.' },
  SLA_VALUE: { severity: 'error', summary: 'An SLA freshness, latency or retention that is not a duration.', docs: 'Write a positive number with a unit (m, h, d, y …) or an ISO-8601 duration such as P7D.' },
  SLA_FRESHNESS_UNREACHABLE: { severity: 'warning', summary: 'A freshness SLA shorter than the update frequency: no run can meet it.', docs: 'Data changed just after a run waits a whole interval for the next one: make the freshness at least the frequency plus the run time, or update more often.' },
  PK_REQUIRED: { severity: 'error', summary: 'A CDC source table without a primary key.', docs: 'Mark the key field(s) `primaryKey: true`, or set `contractgen.cdc.enabled: false`.' },
  REL_UNRESOLVED: { severity: 'error', summary: 'A relationship whose target dataset or field does not exist in any contract.', docs: 'Point `to` at `dataset.field` of a contract given to contractgen.' },
  REL_EXTERNAL: { severity: 'warning', summary: 'A relationship into another file; resolved by dataset name.', docs: 'Use the short form `dataset.field`; contractgen resolves across all the contracts it reads.' },
  REL_TYPE_MISMATCH: { severity: 'warning', summary: 'A relationship between fields of different types.', docs: 'Give both ends the same type, or joins will cast.' },
  NAME_INVALID: { severity: 'error', summary: 'A name that cannot be represented in every target (Avro names cannot be quoted; length limits).', docs: 'Rename to `[A-Za-z_][A-Za-z0-9_]*` within the limit the message names; `physicalName` can keep the source spelling.' },
  NAME_RESERVED: { severity: 'warning', summary: 'A reserved word in SQL, CQL or Python: it will be quoted, which hurts every query.', docs: 'Rename the field if you can; otherwise every query must quote it.' },
  CONSTRAINT_INCONSISTENT: { severity: 'error', summary: 'Enum, range, length and pattern constraints that contradict each other or the type.', docs: 'Make the constraints agree: no value could satisfy them as written.' },
  CONSTRAINT_UNENFORCED: { severity: 'warning', summary: 'A constraint that one target cannot enforce (the message names the target); the other targets and the quality suites still check it.', docs: 'Nothing to do unless you need that target to enforce it; the message says what the target lacks.' },
  FORMAT_UNCHECKED: { severity: 'warning', summary: 'A string format contractgen does not check; it is documentation only.', docs: 'Use a format contractgen checks (the message lists them), or a `pattern`.' },
  PATTERN_INVALID: { severity: 'error', summary: 'A pattern that is not a valid regular expression.', docs: 'Fix the regular expression (ECMAScript syntax with the u flag).' },
  MYSQL_KEY_LENGTH: { severity: 'error', summary: 'A MySQL key or unique string column without maxLength (MySQL cannot index TEXT without a length).', docs: 'Give the column a length: `physicalType: varchar(n)` or `logicalTypeOptions.maxLength`.' },
  NESTING_TOO_DEEP: { severity: 'error', summary: 'Fields nested deeper than contractgen supports (16 levels).', docs: 'Flatten the structure.' },
  FIELD_LIMIT: { severity: 'error', summary: 'More columns than the source system allows (PostgreSQL 1,600; MySQL 4,096).', docs: 'Split the dataset.' },
  COLLISION: { severity: 'error', summary: 'Two datasets map to the same dataset name, topic, source table, lake table or output file.', docs: 'Rename one of the two, or override its topic with `contractgen.kafka.topic`.' },
  SECRET_LITERAL: { severity: 'error', summary: 'A literal credential; reference it through ${env:…} or ${file:…} instead.', docs: 'Replace the value with `${env:NAME}` or `${file:/path:key}`; the value is never printed.' },
  VERSION_SEMVER: { severity: 'error', summary: 'The contract version is not semantic versioning (MAJOR.MINOR.PATCH).', docs: 'Write the version as MAJOR.MINOR.PATCH.' },
  CONFIG_VALUE: { severity: 'error', summary: 'An inconsistent value in contractgen.config.yaml.', docs: 'Correct the value as the message says.' },
  QUALITY_UNTRANSLATED: { severity: 'warning', summary: 'A quality rule that has no Great Expectations form (text rules, other engines, SQL that is not a row count).', docs: 'The rule stays documentation; express it as a library metric or a row-count SQL check to have it enforced.' },
  OUTPUT_PATH: { severity: 'error', summary: 'A target produced an output path that could leave the output directory.', docs: 'A bug in contractgen, or a name that slipped past validation: report it.' },
  TARGET_UNSUPPORTED: { severity: 'error', summary: 'A type or key that a target cannot represent (the message names the target).', docs: 'Change the type or key as the message says, or leave the target out with `--target`.' },
  TARGET_SKIPPED: { severity: 'info', summary: 'A target skipped a dataset that lacks what it needs.', docs: 'Nothing to do unless you expected the artifact; the message says what is missing.' },
  OLD_CONTRACT_INVALID: { severity: 'warning', summary: '`contractgen breaking`: a problem in the old contracts, which are compared as they are.', docs: 'Nothing to fix in the new contracts; the comparison may miss changes in what the old contracts failed to state.' },
  PLACEHOLDER: { severity: 'warning', summary: 'A placeholder `contractgen import` left (owner, purpose, SLA, a source host or database): write the real value.', docs: 'Replace the `TODO(import)` value (or `todo.import.invalid`, `todo_import_database`) with the real one; the source could not tell it.' },
  PII_SUGGESTED: { severity: 'warning', summary: 'A field `contractgen import` suggests may hold personal data: confirm with contractgen.pii: true, or remove the suggestion.', docs: 'Decide: replace `contractgen.pii.suggested` with `contractgen.pii: true` when the field holds personal data, or remove it when it does not.' },
  IMPORT_SOURCE: { severity: 'error', summary: 'import/drift cannot read the source: server unreachable, authentication failed, database or file missing, format unknown.', docs: 'Check the URL, the credentials (PGPASSWORD or the URL), the path, or give the format (`--dialect`) as the message says.' },
  IMPORT_SYNTAX: { severity: 'error', summary: 'import/drift: a DDL, CQL, Avro or JSON Schema file that does not parse.', docs: 'Fix the file at the position given, or import only the statements contractgen reads (CREATE TYPE, CREATE TABLE, ALTER TABLE … ADD CONSTRAINT, COMMENT ON, CREATE INDEX).' },
  IMPORT_TABLE_MISSING: { severity: 'error', summary: 'import/drift: a --table the source does not have.', docs: 'Check the spelling (NAME or SCHEMA.NAME); the message lists the tables the source has.' },
  IMPORT_EMPTY: { severity: 'error', summary: 'import/drift: the source has no table to import.', docs: 'Point the command at the schema, keyspace or file that holds the tables (`--schema` for a live PostgreSQL).' },
  IMPORT_TYPE_UNMAPPED: { severity: 'warning', summary: 'import: a column type with no mapping; the column is kept as a string with its physicalType.', docs: 'Give the field the logical type that fits (docs/import.md lists the mappings), or keep it as a string.' },
  IMPORT_TYPE_LOSSY: { severity: 'warning', summary: 'import: a column type mapped with a loss (an unsized numeric, a time zone offset, a value set inside an array …).', docs: 'Review the field: the message says what the contract cannot keep; docs/import.md lists the known losses.' },
  IMPORT_NOT_CARRIED: { severity: 'warning', summary: 'import: something the source has that a contract does not carry (expression defaults, identity and generated columns, partitioning, foreign keys to tables not imported …).', docs: 'Nothing to do if the generated DDL need not reproduce it; otherwise keep that part of the DDL by hand.' },
  IMPORT_CHECK_KEPT: { severity: 'info', summary: 'import: a CHECK that is not a value set, range, length, pattern or format, kept whole (contractgen.check) and as a SQL quality rule.', docs: 'Nothing to do; rewrite it as logicalTypeOptions if it has one of the modelled shapes.' },
  IMPORT_NAME: { severity: 'warning', summary: 'import: a table or column name contractgen cannot use as a dataset or field name; a sanitized name is used.', docs: 'Keep the sanitized name (physicalName keeps the source spelling), or choose a better one.' },
} as const satisfies Record<string, RuleDef>;

export type RuleId = keyof typeof RULES;

/**
 * Registered rules that no code path reports yet, each with the reason it is registered anyway. The registry
 * test fails on a rule that is neither reported nor listed here.
 */
export const UNREPORTED_RULES: Partial<Record<RuleId, string>> = {
};

export function isRuleId(id: string): id is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, id);
}

/** The registry as a list in declaration order, for `contractgen rules` and the reference page. */
export const RULE_LIST: ReadonlyArray<RuleDef & { readonly id: RuleId }> = (Object.keys(RULES) as RuleId[]).map((id) => ({ id, ...RULES[id] }));
