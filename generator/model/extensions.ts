/**
 * contractgen's ODCS extensions. ODCS has no slot for Cassandra keys, PII, decimal precision/scale, CDC and
 * Kafka settings, so they travel in the standard's own extension mechanism, `customProperties`, under the
 * `contractgen.` namespace. Every one is declared here, once, with its scope and a typed parser: a value either
 * parses to the extension's type or gives the problem message of an EXT_VALUE diagnostic, so a read comes back
 * typed (`exts.get(EXT.kafkaTopic)` is `string | undefined`). An unknown `contractgen.*` property is an error;
 * other namespaces are left alone (other tools' extensions). docs/reference/extensions.md is generated from here.
 */
export type ExtScope = 'contract' | 'server' | 'schema' | 'property';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** A JSON Schema (draft 2019-09) as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A value parser with the human name of the type it accepts (for the reference page) and the JSON Schema of the
 * values it accepts (for `contractgen schema`, the editors' schema). test/schema.test.ts holds the two to the same
 * verdict on every example and on a spread of other values.
 */
export interface Parser<T> {
  readonly type: string;
  readonly schema: JsonSchema;
  parse(v: unknown): Parsed<T>;
}

export interface ExtDef<T> extends Parser<T> {
  readonly name: string;
  readonly scope: ExtScope;
  /** what it means, for the reference page */
  readonly doc: string;
  /** a value as it is written in YAML */
  readonly example: string;
}

export const EXT_PREFIX = 'contractgen.';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const problem = (message: string): Parsed<never> => ({ ok: false, problem: message });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const bool: Parser<boolean> = { type: 'boolean', schema: { type: 'boolean' }, parse: (v) => (typeof v === 'boolean' ? ok(v) : problem('must be true or false')) };

const intIn = (lo: number, hi: number): Parser<number> => ({
  type: `integer, ${lo}–${hi}`,
  schema: { type: 'integer', minimum: lo, maximum: hi },
  parse: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? ok(v) : problem(`must be an integer from ${lo} to ${hi}`)),
});

function oneOf<const V extends string>(...vals: V[]): Parser<V> {
  const allowed: readonly string[] = vals;
  const is = (v: unknown): v is V => typeof v === 'string' && allowed.includes(v);
  return { type: `one of ${vals.map((x) => `\`${x}\``).join(', ')}`, schema: { type: 'string', enum: vals }, parse: (v) => (is(v) ? ok(v) : problem(`must be one of: ${vals.join(', ')}`)) };
}

/** A string matching `re` (and not one of `except`). */
const matching = (type: string, re: RegExp, message: string, except: readonly string[] = []): Parser<string> => ({
  type,
  schema: { type: 'string', pattern: re.source, ...(except.length ? { not: { enum: except } } : {}) },
  parse: (v) => (typeof v === 'string' && re.test(v) && !except.includes(v) ? ok(v) : problem(message)),
});

const columnList: Parser<string[]> = {
  type: 'non-empty list of field names',
  schema: { type: 'array', minItems: 1, items: { type: 'string' } },
  parse: (v) => {
    if (!Array.isArray(v) || v.length === 0) return problem('must be a non-empty list of field names');
    const names: string[] = [];
    for (const c of v) {
      if (typeof c !== 'string') return problem('must be a non-empty list of field names');
      names.push(c);
    }
    return ok(names);
  },
};

export interface ClusteringColumn {
  column: string;
  order?: 'ASC' | 'DESC';
}

const clusteringKey: Parser<ClusteringColumn[]> = {
  type: 'list of `{column, order: ASC|DESC}`',
  schema: {
    type: 'array',
    items: { type: 'object', properties: { column: { type: 'string' }, order: { enum: ['ASC', 'DESC'] } }, required: ['column'], additionalProperties: false },
  },
  parse: (v) => {
    const bad = problem('must be a list of {column: <field>, order: ASC|DESC}');
    if (!Array.isArray(v)) return bad;
    const out: ClusteringColumn[] = [];
    for (const c of v) {
      if (!isObj(c) || typeof c.column !== 'string' || !Object.keys(c).every((k) => k === 'column' || k === 'order')) return bad;
      if (c.order === undefined) out.push({ column: c.column });
      else if (c.order === 'ASC' || c.order === 'DESC') out.push({ column: c.column, order: c.order });
      else return bad;
    }
    return ok(out);
  },
};

export type Replication = Record<string, string | number>;

const replication: Parser<Replication> = {
  type: 'map: `class` and a replication factor per data center',
  schema: {
    type: 'object',
    properties: { class: { enum: ['NetworkTopologyStrategy', 'SimpleStrategy'] } },
    required: ['class'],
    propertyNames: { pattern: '^[A-Za-z0-9_-]+$' },
    additionalProperties: { type: 'integer', minimum: 1, maximum: 9 },
    if: { properties: { class: { const: 'SimpleStrategy' } } },
    then: { required: ['replication_factor'] },
  },
  parse: (v) => {
    if (!isObj(v)) return problem('must be a map such as {class: NetworkTopologyStrategy, dc1: 3}');
    if (v.class !== 'NetworkTopologyStrategy' && v.class !== 'SimpleStrategy') return problem('class must be NetworkTopologyStrategy or SimpleStrategy');
    const out: Replication = {};
    for (const [k, n] of Object.entries(v)) {
      if (k === 'class') {
        out[k] = v.class;
        continue;
      }
      if (!/^[A-Za-z0-9_-]+$/.test(k)) return problem(`replication key "${k}" is not a data-center name`);
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 9) return problem(`replication factor for "${k}" must be an integer from 1 to 9`);
      out[k] = n;
    }
    if (v.class === 'SimpleStrategy' && typeof v.replication_factor !== 'number') return problem('SimpleStrategy needs replication_factor');
    return ok(out);
  },
};

const scalar: Parser<string | number | boolean> = {
  type: 'string, number or boolean',
  schema: { type: ['string', 'number', 'boolean'] },
  parse: (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? ok(v) : problem('must be a string, number or boolean')),
};

/** A CHECK kept whole: an optional constraint name and one SQL expression (see sqlExpressionProblem). */
export interface CheckConstraint {
  name?: string;
  expression: string;
}

const checkList: Parser<CheckConstraint[]> = {
  type: 'non-empty list of `{name, expression}`',
  schema: {
    type: 'array',
    minItems: 1,
    items: { type: 'object', required: ['expression'], additionalProperties: false, properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_$]{0,62}$' }, expression: { type: 'string' } } },
  },
  parse: (v) => {
    if (!Array.isArray(v) || v.length === 0) return problem('must be a non-empty list of {name, expression}');
    const out: CheckConstraint[] = [];
    for (const c of v) {
      if (!isObj(c) || typeof c.expression !== 'string' || Object.keys(c).some((k) => k !== 'name' && k !== 'expression')) return problem('must be a list of {name, expression}');
      if (c.name !== undefined && (typeof c.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(c.name))) return problem(`name ${JSON.stringify(c.name)} must be an identifier of at most 63 characters`);
      const why = sqlExpressionProblem(c.expression);
      if (why) return problem(`expression ${JSON.stringify(c.expression)} ${why}`);
      out.push(typeof c.name === 'string' ? { name: c.name, expression: c.expression } : { expression: c.expression });
    }
    return ok(out);
  },
};

const optionMap: Parser<Record<string, string | number | boolean>> = {
  type: 'map of option names to strings, numbers or booleans',
  schema: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  parse: (v) => {
    const bad = problem('must be a map of option names to strings, numbers or booleans');
    if (!isObj(v)) return bad;
    const out: Record<string, string | number | boolean> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') return bad;
      out[k] = x;
    }
    return ok(out);
  },
};

const reason: Parser<string> = {
  type: 'text, at most 200 characters',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
  parse: (v) => (typeof v === 'string' && v.trim() !== '' && v.length <= 200 ? ok(v) : problem('must be a short text saying why (at most 200 characters)')),
};

/**
 * Why a CHECK expression cannot be placed inside `CHECK (…)` as it is: it must be one expression, so no
 * statement separator, no comment, no dollar quoting, quotes closed, and parentheses that never close what
 * they did not open.
 */
export function sqlExpressionProblem(e: string): string | undefined {
  if (e.trim() === '') return 'is empty';
  if (e.length > 4000) return 'is longer than 4000 characters';
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const escapes = ch === "'" && /[eE]/.test(e[i - 1] ?? '');
      let j = i + 1;
      for (; j < e.length; j++) {
        if (escapes && e[j] === '\\') {
          j++;
          continue;
        }
        if (e[j] === ch) {
          if (e[j + 1] === ch) {
            j++;
            continue;
          }
          break;
        }
      }
      if (j >= e.length) return 'has an unclosed quote';
      i = j;
      continue;
    }
    if (ch === ';') return 'contains ";"';
    if (ch === '$') return 'contains "$" (dollar quoting is not allowed here)';
    if (ch === '\\') return 'contains a backslash outside a string';
    if ((ch === '-' && e[i + 1] === '-') || (ch === '/' && e[i + 1] === '*') || ch === '#') return 'contains a comment';
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return 'closes a parenthesis it did not open';
  }
  return depth === 0 ? undefined : 'leaves a parenthesis open';
}

function ext<T>(name: `contractgen.${string}`, scope: ExtScope, parser: Parser<T>, doc: string, example: string): ExtDef<T> {
  return { name, scope, type: parser.type, schema: parser.schema, parse: parser.parse, doc, example };
}

/** Every contractgen extension, by the name code reads it with. */
export const EXT = {
  serverKind: ext('contractgen.server.kind', 'server', oneOf('cassandra'), 'On a `type: custom` server: the source system kind. ODCS has no Cassandra server type.', 'cassandra'),
  source: ext('contractgen.source', 'server', bool, 'Marks the server that is the CDC source when a contract lists several database servers.', 'true'),
  cassandraKeyspace: ext(
    'contractgen.cassandra.keyspace',
    'server',
    matching('lower-case identifier, at most 48 characters', /^[a-z_][a-z0-9_]{0,47}$/, 'must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 48 characters)'),
    'Cassandra keyspace of the dataset.',
    'mobility',
  ),
  cassandraReplication: ext('contractgen.cassandra.replication', 'server', replication, 'Keyspace replication map, as in CQL `CREATE KEYSPACE … WITH replication = {…}` (default: NetworkTopologyStrategy, datacenter1: 3).', '{class: NetworkTopologyStrategy, dc1: 3}'),
  cassandraDatacenter: ext('contractgen.cassandra.datacenter', 'server', matching('data-center name', /^[A-Za-z0-9_-]+$/, 'must be a data-center name'), 'Local data center for the Cassandra driver.', 'dc1'),
  cassandraPartitionKey: ext('contractgen.cassandra.partitionKey', 'schema', columnList, 'Cassandra partition key columns, in order (default: the first primary-key field).', '[city, requested_date]'),
  cassandraClusteringKey: ext('contractgen.cassandra.clusteringKey', 'schema', clusteringKey, 'Cassandra clustering columns in order, each `{column, order: ASC|DESC}` (default: the other primary-key fields, ascending). Partition and clustering columns together must be exactly the primary key.', '[{column: requested_at, order: DESC}, {column: ride_id, order: ASC}]'),
  cassandraTtl: ext(
    'contractgen.cassandra.ttl',
    'schema',
    bool,
    "Expire the Cassandra table's rows after the contract's retention SLA: `default_time_to_live` with TimeWindowCompactionStrategy (at most 20 years). Expiry emits no change event: the lake expires the same rows by the same retention.",
    'true',
  ),
  cdcEnabled: ext('contractgen.cdc.enabled', 'schema', bool, 'Capture changes of this dataset with Debezium (default: true when it has a database source).', 'true'),
  kafkaTopic: ext(
    'contractgen.kafka.topic',
    'schema',
    matching('Kafka topic name', /^[A-Za-z0-9._-]{1,249}$/, 'must be a legal Kafka topic name ([A-Za-z0-9._-], 1–249 characters)', ['.', '..']),
    "Override of the CDC topic name (default: Debezium's `<topic.prefix>.<schema|database|keyspace>.<table>`).",
    'cdc.app.public.users',
  ),
  kafkaPartitions: ext('contractgen.kafka.partitions', 'schema', intIn(1, 10000), 'Partitions of the CDC topic (default: `kafka.topicDefaults.partitions` in the config).', '12'),
  kafkaReplicas: ext('contractgen.kafka.replicas', 'schema', intIn(1, 32), 'Replication factor of the CDC topic (default: `kafka.topicDefaults.replicas` in the config).', '3'),
  kafkaCleanupPolicy: ext('contractgen.kafka.cleanupPolicy', 'schema', oneOf('compact', 'delete'), '`compact` for keyed entity topics, `delete` for event streams.', 'compact'),
  kafkaMaxMessageBytes: ext('contractgen.kafka.maxMessageBytes', 'schema', intIn(1024, 2147483647), 'max.message.bytes of the CDC topic when rows are large.', '2097152'),
  schemaRegistryCompatibility: ext(
    'contractgen.schemaRegistry.compatibility',
    'schema',
    oneOf('BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'),
    "Schema Registry compatibility level of the topic's subjects (default: `schemaRegistry.defaultCompatibility` in the config).",
    'BACKWARD',
  ),
  pii: ext('contractgen.pii', 'property', bool, 'The field holds personal data (PII).', 'true'),
  decimalPrecision: ext('contractgen.decimal.precision', 'property', intIn(1, 38), 'Decimal precision (total digits, 1–38). A `decimal(p,s)` physicalType works too; the two must agree.', '10'),
  decimalScale: ext('contractgen.decimal.scale', 'property', intIn(0, 38), 'Decimal scale (digits after the point, 0–precision).', '2'),
  default: ext('contractgen.default', 'property', scalar, 'Column default value in the source database.', 'BRL'),
  cdcExclude: ext('contractgen.cdc.exclude', 'property', bool, 'Leave this column out of CDC events (Debezium column.exclude.list).', 'true'),
  piiSuggested: ext(
    'contractgen.pii.suggested',
    'property',
    reason,
    'Written by `contractgen import`: why the field may hold personal data. A suggestion, never an assertion: lint warns (PII_SUGGESTED) until it is confirmed with `contractgen.pii: true` or removed.',
    'column name "email" suggests an e-mail address',
  ),
  check: ext(
    'contractgen.check',
    'schema',
    checkList,
    "CHECK constraints kept whole, in the SQL of the dataset's source (written by `contractgen import` for a CHECK that is not a value set, range, length, pattern or format). The postgres and mysql targets emit them as they are.",
    '[{name: rides_completed_after_requested, expression: "completed_at >= requested_at"}]',
  ),
  sourceOptions: ext(
    'contractgen.source.options',
    'schema',
    optionMap,
    'Written by `contractgen import`: options of the source table that no target models (PostgreSQL replicaIdentity and partitionBy, Cassandra default_time_to_live and cdc …), for people and for `contractgen drift`.',
    '{replicaIdentity: full, partitionBy: "RANGE (created_at)"}',
  ),
} as const;

/** The declarations in order, for lookups by name and the reference page. */
export const EXTENSIONS: ReadonlyArray<ExtDef<unknown>> = Object.values(EXT);

export const EXT_BY_NAME: ReadonlyMap<string, ExtDef<unknown>> = new Map(EXTENSIONS.map((e) => [e.name, e]));

/**
 * The contractgen extensions set on one object, each already checked against its declaration. Reads are typed
 * by the declaration: the value is parsed again on the way out, so no cast stands between the YAML and the type.
 */
export class Extensions {
  readonly #raw = new Map<string, unknown>();

  /** Keeps `raw` for `def` when it parses; returns the problem message otherwise. */
  set(def: ExtDef<unknown>, raw: unknown): string | undefined {
    const r = def.parse(raw);
    if (!r.ok) return r.problem;
    this.#raw.set(def.name, raw);
    return undefined;
  }

  has(def: ExtDef<unknown>): boolean {
    return this.#raw.has(def.name);
  }

  get<T>(def: ExtDef<T>): T | undefined {
    if (!this.#raw.has(def.name)) return undefined;
    const r = def.parse(this.#raw.get(def.name));
    return r.ok ? r.value : undefined;
  }
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}
