/**
 * contractgen's ODCS extensions. ODCS has no slot for Cassandra keys, PII, decimal precision/scale, CDC and
 * Kafka settings, so they travel in the standard's own extension mechanism, `customProperties`, under the
 * `contractgen.` namespace. Every one is declared here with its scope and a value check; an unknown
 * `contractgen.*` property or a bad value is an error. Other namespaces are left alone (other tools' extensions).
 */
export type ExtScope = 'contract' | 'server' | 'schema' | 'property';

export interface ExtDef {
  name: string;
  scope: ExtScope;
  /** human description, used in README and `contractgen lint --explain` style messages */
  doc: string;
  example: string;
  /** returns an error message, or undefined when the value is fine */
  check(v: unknown): string | undefined;
}

export const EXT_PREFIX = 'contractgen.';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bool = (v: unknown) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const intIn = (lo: number, hi: number) => (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? undefined : `must be an integer from ${lo} to ${hi}`;
const oneOf = (...vals: string[]) => (v: unknown) => (typeof v === 'string' && vals.includes(v) ? undefined : `must be one of: ${vals.join(', ')}`);
const ident = (v: unknown) => (typeof v === 'string' && /^[a-z_][a-z0-9_]{0,47}$/.test(v) ? undefined : 'must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 48 characters)');
const columnList = (v: unknown) =>
  Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'string') ? undefined : 'must be a non-empty list of field names';

export const EXTENSIONS: ExtDef[] = [
  {
    name: 'contractgen.server.kind',
    scope: 'server',
    doc: 'On a `type: custom` server: the source system kind. ODCS has no Cassandra server type.',
    example: 'cassandra',
    check: oneOf('cassandra'),
  },
  {
    name: 'contractgen.source',
    scope: 'server',
    doc: 'Marks the server that is the CDC source when a contract lists several database servers.',
    example: 'true',
    check: bool,
  },
  { name: 'contractgen.cassandra.keyspace', scope: 'server', doc: 'Cassandra keyspace of the dataset.', example: 'mobility', check: ident },
  {
    name: 'contractgen.cassandra.replication',
    scope: 'server',
    doc: 'Keyspace replication map, as in CQL `CREATE KEYSPACE … WITH replication = {…}`.',
    example: '{class: NetworkTopologyStrategy, dc1: 3}',
    check: (v) => {
      if (!isObj(v)) return 'must be a map such as {class: NetworkTopologyStrategy, dc1: 3}';
      if (v.class !== 'NetworkTopologyStrategy' && v.class !== 'SimpleStrategy') return 'class must be NetworkTopologyStrategy or SimpleStrategy';
      for (const [k, n] of Object.entries(v)) {
        if (k === 'class') continue;
        if (!/^[A-Za-z0-9_-]+$/.test(k)) return `replication key "${k}" is not a data-center name`;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 9) return `replication factor for "${k}" must be an integer from 1 to 9`;
      }
      if (v.class === 'SimpleStrategy' && typeof v.replication_factor !== 'number') return 'SimpleStrategy needs replication_factor';
      return undefined;
    },
  },
  { name: 'contractgen.cassandra.datacenter', scope: 'server', doc: 'Local data center for the Cassandra driver.', example: 'dc1', check: (v) => (typeof v === 'string' && /^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'must be a data-center name') },
  {
    name: 'contractgen.cassandra.partitionKey',
    scope: 'schema',
    doc: 'Cassandra partition key columns, in order.',
    example: '[city, requested_date]',
    check: columnList,
  },
  {
    name: 'contractgen.cassandra.clusteringKey',
    scope: 'schema',
    doc: 'Cassandra clustering columns in order, each `{column, order: ASC|DESC}`.',
    example: '[{column: requested_at, order: DESC}, {column: ride_id, order: ASC}]',
    check: (v) =>
      Array.isArray(v) && v.every((c) => isObj(c) && typeof c.column === 'string' && (c.order === undefined || c.order === 'ASC' || c.order === 'DESC') && Object.keys(c).every((k) => k === 'column' || k === 'order'))
        ? undefined
        : 'must be a list of {column: <field>, order: ASC|DESC}',
  },
  { name: 'contractgen.cdc.enabled', scope: 'schema', doc: 'Capture changes of this dataset with Debezium (default: true when it has a database source).', example: 'true', check: bool },
  {
    name: 'contractgen.kafka.topic',
    scope: 'schema',
    doc: 'Override of the CDC topic name (default: Debezium\'s `<topic.prefix>.<schema|database|keyspace>.<table>`).',
    example: 'cdc.app.public.users',
    check: (v) => (typeof v === 'string' && /^[A-Za-z0-9._-]{1,249}$/.test(v) && v !== '.' && v !== '..' ? undefined : 'must be a legal Kafka topic name ([A-Za-z0-9._-], 1–249 characters)'),
  },
  { name: 'contractgen.kafka.partitions', scope: 'schema', doc: 'Partitions of the CDC topic.', example: '12', check: intIn(1, 10000) },
  { name: 'contractgen.kafka.replicas', scope: 'schema', doc: 'Replication factor of the CDC topic.', example: '3', check: intIn(1, 32) },
  { name: 'contractgen.kafka.cleanupPolicy', scope: 'schema', doc: '`compact` for keyed entity topics, `delete` for event streams.', example: 'compact', check: oneOf('compact', 'delete') },
  { name: 'contractgen.kafka.maxMessageBytes', scope: 'schema', doc: 'max.message.bytes of the CDC topic when rows are large.', example: '2097152', check: intIn(1024, 2147483647) },
  {
    name: 'contractgen.schemaRegistry.compatibility',
    scope: 'schema',
    doc: 'Schema Registry compatibility level of the topic\'s subjects.',
    example: 'BACKWARD',
    check: oneOf('BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'),
  },
  { name: 'contractgen.pii', scope: 'property', doc: 'The field holds personal data (PII).', example: 'true', check: bool },
  { name: 'contractgen.decimal.precision', scope: 'property', doc: 'Decimal precision (total digits, 1–38).', example: '10', check: intIn(1, 38) },
  { name: 'contractgen.decimal.scale', scope: 'property', doc: 'Decimal scale (digits after the point, 0–precision).', example: '2', check: intIn(0, 38) },
  {
    name: 'contractgen.default',
    scope: 'property',
    doc: 'Column default value in the source database.',
    example: 'BRL',
    check: (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? undefined : 'must be a string, number or boolean'),
  },
  { name: 'contractgen.cdc.exclude', scope: 'property', doc: 'Leave this column out of CDC events (Debezium column.exclude.list).', example: 'true', check: bool },
  {
    name: 'contractgen.pii.suggested',
    scope: 'property',
    doc: 'Written by `contractgen import`: why the field may hold personal data. A suggestion, never an assertion: lint warns (PII_SUGGESTED) until it is confirmed with `contractgen.pii: true` or removed.',
    example: 'column name "email" suggests an e-mail address',
    check: (v) => (typeof v === 'string' && v.trim() !== '' && v.length <= 200 ? undefined : 'must be a short text saying why (at most 200 characters)'),
  },
  {
    name: 'contractgen.check',
    scope: 'schema',
    doc: 'CHECK constraints kept whole, in the SQL of the dataset\'s source (written by `contractgen import` for a CHECK that is not a value set, range, length, pattern or format). The postgres and mysql targets emit them as they are.',
    example: '[{name: rides_completed_after_requested, expression: "completed_at >= requested_at"}]',
    check: (v) => {
      if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list of {name, expression}';
      for (const c of v) {
        if (!isObj(c) || typeof c.expression !== 'string' || Object.keys(c).some((k) => k !== 'name' && k !== 'expression')) return 'must be a list of {name, expression}';
        if (c.name !== undefined && (typeof c.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(c.name))) return `name ${JSON.stringify(c.name)} must be an identifier of at most 63 characters`;
        const problem = sqlExpressionProblem(c.expression);
        if (problem) return `expression ${JSON.stringify(c.expression)} ${problem}`;
      }
      return undefined;
    },
  },
  {
    name: 'contractgen.source.options',
    scope: 'schema',
    doc: 'Written by `contractgen import`: options of the source table that no target models (PostgreSQL replicaIdentity and partitionBy, Cassandra default_time_to_live and cdc …), for people and for `contractgen drift`.',
    example: '{replicaIdentity: full, partitionBy: "RANGE (created_at)"}',
    check: (v) => (isObj(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') ? undefined : 'must be a map of option names to strings, numbers or booleans'),
  },
];

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

export const EXT_BY_NAME = new Map(EXTENSIONS.map((e) => [e.name, e]));

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
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
