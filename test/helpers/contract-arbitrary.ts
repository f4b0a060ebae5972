/**
 * fast-check arbitraries for valid contracts — names (reserved words in every output language, mixed case),
 * every logical type, nesting (objects, arrays of scalars and of objects, ODCS v3.2.0 maps, JSON columns) with
 * constraints at every level, value sets (v3.1 validValues rules, v3.2.0 enums), hostile free text — and
 * in-memory generation, for the property-based tests. The seed is pinned; PROPERTY_RUNS overrides the 200 runs
 * per property.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { analyzeSources, type Analysis, type ContractSource } from '../../generator/analyze.js';
import { DEFAULT_CONFIG } from '../../generator/config/config.js';
import { k8sName } from '../../generator/model/naming.js';
import { generateFiles, selectTargets } from '../../generator/pipeline.js';

export const SEED = 20261124;
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
export const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Words reserved in at least one output language (SQL, CQL, Python, Avro, TypeScript, HiveQL). */
const RESERVED = ['select', 'order', 'user', 'group', 'table', 'class', 'from', 'def', 'lambda', 'import', 'type', 'key', 'limit', 'partition', 'timestamp', 'date', 'value', 'none', 'true', 'token', 'ttl', 'map', 'list', 'frozen', 'primary', 'default', 'yield', 'async', 'namespace', 'record', 'enum', 'null', 'comment', 'location', 'format', 'with', 'keyspace', 'interval', 'window', 'Select', 'NULL', 'True', 'None', '_', '__init__', 'self'];
const identifier = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...RESERVED) }, { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,24}$/) });

/** Text that breaks out of a string literal or comment in some output language. */
const HOSTILE = ['"""', "'''", '*/', '/*', '{{x}}', '{{{raw}}}', '${env:SECRET}', '${file:/etc/x:y}', '-->', '<!--', "'); DROP TABLE x; --", 'a\nb', '\r\n', '\\', '\\n', '`', '#', '%s', '\u202e', 'é ü 中文 🚕', '\u0000', '</script>', 'key: value', '- item', '&a *a !t', '\t'];
export const text = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary-ascii', maxLength: 30 }), fc.array(fc.constantFrom(...HOSTILE), { maxLength: 4 }).map((a) => a.join(' ')));
const PATTERNS = ['^[A-Z]{2}$', "^it's$", '^\\d{3}-\\d{4}$', '^"quoted"$', '^[^/]+$', '^(a|b)*$'];

type Prop = Record<string, unknown>;
type Kind = 'postgres' | 'mysql' | 'cassandra';

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A scalar property; `key` marks one that may be a primary key (MySQL keys need a length). */
function scalar(key: boolean, kind: Kind): fc.Arbitrary<Prop> {
  const str = fc.record({ min: opt(fc.integer({ min: 0, max: 5 })), max: opt(fc.integer({ min: 5, max: 300 })), pattern: opt(fc.constantFrom(...PATTERNS)), email: fc.boolean(), examples: fc.array(text, { maxLength: 2 }) }).map((o) => ({
    logicalType: 'string',
    logicalTypeOptions: clean({ minLength: o.min, maxLength: o.max ?? (key && kind === 'mysql' ? 64 : undefined), pattern: o.email ? undefined : o.pattern, format: o.email ? 'email' : undefined }),
    examples: o.examples,
  }));
  const uuid = fc.constant({ logicalType: 'string', logicalTypeOptions: { format: 'uuid' }, examples: ['3b241101-e2bb-4255-8caf-4136c566a962'] });
  const integer = fc.record({ format: opt(fc.constantFrom('i16', 'i32', 'i64')), lo: opt(fc.integer({ min: -1000, max: 0 })), hi: opt(fc.integer({ min: 1, max: 1000 })) }).map((o) => ({
    logicalType: 'integer',
    logicalTypeOptions: clean({ format: o.format, minimum: o.lo, maximum: o.hi }),
    examples: [1],
  }));
  if (key) return fc.oneof(str, uuid, integer);
  const enumeration = fc.uniqueArray(fc.oneof(fc.constantFrom(...HOSTILE), fc.stringMatching(/^[a-z]{1,8}$/)), { minLength: 1, maxLength: 5, selector: (s) => s.toLowerCase() }).map((values) => ({
    logicalType: 'string',
    quality: [{ type: 'library', metric: 'invalidValues', arguments: { validValues: values }, mustBe: 0 }],
  }));
  const number = fc.oneof(
    fc.constant({ logicalType: 'number' }),
    fc.constant({ logicalType: 'number', logicalTypeOptions: { format: 'f32' } }),
    fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => ({ logicalType: 'number', physicalType: `decimal(${p},${s})` }))),
  );
  return fc.oneof(
    str,
    uuid,
    integer,
    enumeration,
    number,
    fc.constant({ logicalType: 'boolean' }),
    fc.constant({ logicalType: 'date', examples: ['2024-03-01'] }),
    fc.constant({ logicalType: 'time' }),
    fc.boolean().map((tz) => ({ logicalType: 'timestamp', logicalTypeOptions: { timezone: tz } })),
  );
}

/** ODCS v3.2.0 `enum` on a string property: values with labels and descriptions. */
const enum32 = fc.uniqueArray(fc.record({ value: fc.oneof(fc.constantFrom(...HOSTILE), fc.stringMatching(/^[a-z]{1,8}$/)), label: opt(text), description: opt(text) }), { minLength: 1, maxLength: 4, selector: (e) => e.value.toLowerCase() }).map((entries) => ({
  logicalType: 'string',
  enum: entries.map((e) => clean(e)),
}));

/** Array options: item counts and unique items. */
const arrayOptions = fc.record({ min: opt(fc.integer({ min: 0, max: 3 })), max: opt(fc.integer({ min: 3, max: 50 })), unique: opt(fc.constant(true)) }).map((o) => clean({ minItems: o.min, maxItems: o.max, uniqueItems: o.unique }));

/** An array item or a map value: a property without a name, which may be required (no null element). */
const element = (body: fc.Arbitrary<Prop>) => fc.tuple(body, fc.boolean()).map(([b, required]) => clean({ ...b, required: required || undefined }));

/** JSON with no declared shape: it stays a JSON string end to end. */
const jsonColumn = fc.constantFrom<Prop>({ logicalType: 'object', physicalType: 'jsonb' }, { logicalType: 'object', physicalType: 'json' }, { logicalType: 'string', physicalType: 'json' }, { logicalType: 'object' });

/**
 * A list of properties with unique names (case-insensitively): scalars, nested objects, arrays of scalars and of
 * objects, maps (ODCS v3.2.0 contracts only) and JSON columns, nested up to `depth`, constraints at every level.
 */
function properties(depth: number, kind: Kind, withKey: boolean, v32 = false): fc.Arbitrary<Prop[]> {
  const scalarBody = v32 ? fc.oneof({ weight: 5, arbitrary: scalar(false, kind) }, { weight: 1, arbitrary: enum32 }) : scalar(false, kind);
  const object = (d: number) => properties(d, kind, false, v32).map((props) => ({ logicalType: 'object', properties: props }));
  const nested: fc.Arbitrary<Prop> =
    depth <= 0
      ? scalarBody
      : fc.oneof(
          { weight: 8, arbitrary: scalarBody },
          { weight: 1, arbitrary: object(depth - 1) },
          { weight: 1, arbitrary: fc.tuple(element(scalarBody), arrayOptions).map(([items, o]) => clean({ logicalType: 'array', items, logicalTypeOptions: Object.keys(o).length ? o : undefined })) },
          { weight: 1, arbitrary: fc.tuple(element(object(depth - 1)), arrayOptions).map(([items, o]) => clean({ logicalType: 'array', items, logicalTypeOptions: Object.keys(o).length ? o : undefined })) },
          { weight: v32 ? 1 : 0, arbitrary: element(fc.oneof(scalarBody, object(depth - 1))).map((value) => ({ logicalType: 'map', map: { key: { logicalType: 'string' }, value } })) },
          { weight: 1, arbitrary: jsonColumn },
        );
  const field = fc.record({ name: identifier, body: nested, required: fc.boolean(), description: opt(text) });
  const key = fc.record({ name: identifier, body: scalar(true, kind), description: opt(text) });
  return fc
    .tuple(withKey ? key.map((k) => [k]) : fc.constant([]), fc.array(field, { minLength: withKey ? 0 : 1, maxLength: 7 }))
    .map(([keys, rest]) => {
      const seen = new Set<string>();
      const out: Prop[] = [];
      for (const [i, f] of [...keys, ...rest].entries()) {
        if (seen.has(f.name.toLowerCase())) continue;
        seen.add(f.name.toLowerCase());
        const isKey = withKey && i === 0;
        out.push(clean({ name: f.name, ...f.body, ...(isKey ? { primaryKey: true, required: true } : { required: (f as { required?: boolean }).required }), description: f.description }));
      }
      return out;
    });
}

function server(kind: Kind) {
  if (kind === 'cassandra') {
    return {
      server: 'cass',
      type: 'custom',
      host: 'cassandra.internal',
      port: 9042,
      customProperties: [
        { property: 'contractgen.server.kind', value: 'cassandra' },
        { property: 'contractgen.cassandra.keyspace', value: 'mobility' },
      ],
    };
  }
  return kind === 'postgres' ? { server: 'db', type: 'postgres', host: 'db.internal', port: 5432, database: 'app', schema: 'public' } : { server: 'db', type: 'mysql', host: 'db.internal', port: 3306, database: 'app' };
}

/**
 * What two dataset names must not share: lint refuses names that meet after case folding, snake-casing (lake
 * tables) or Kubernetes sanitizing (KafkaTopic resources), and this arbitrary generates valid contracts only.
 */
const nameKey = (name: string) => k8sName(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));

/** A whole contract: one source, one or two datasets; ODCS v3.1.0 or v3.2.0 (maps and enums). */
export const contract = fc
  .tuple(fc.constantFrom<Kind>('postgres', 'mysql', 'cassandra'), fc.boolean())
  .chain(([kind, v32]) =>
    fc.record({
      kind: fc.constant(kind),
      v32: fc.constant(v32),
      id: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      description: opt(text),
      datasets: fc.uniqueArray(fc.record({ name: identifier, description: opt(text), props: properties(2, kind, true, v32) }), { minLength: 1, maxLength: 2, selector: (d) => nameKey(d.name) }),
    }),
  )
  .map((c) => ({
    kind: c.kind,
    yaml: stringify(
      clean({
        apiVersion: c.v32 ? 'v3.2.0' : 'v3.1.0',
        kind: 'DataContract',
        id: c.id,
        version: '1.0.0',
        status: 'active',
        description: c.description === undefined ? undefined : { purpose: c.description },
        servers: [server(c.kind)],
        schema: c.datasets.map((d) => clean({ name: d.name, physicalType: 'table', description: d.description, properties: d.props })),
      }),
      { lineWidth: 0, aliasDuplicateObjects: false },
    ),
  }));

// ---------------------------------------------------------------------------------------------- helpers

function analysisOf(sources: ContractSource[]): Analysis {
  const r = analyzeSources(sources, DEFAULT_CONFIG);
  return { model: r.model, config: DEFAULT_CONFIG, diagnostics: r.diagnostics, files: sources.map((s) => s.file), configErrors: false };
}

export async function generate(sources: ContractSource[]) {
  const analysis = analysisOf(sources);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.col} ${d.rule} ${d.message}`);
  if (errors.length) return { errors, files: new Map<string, string>() };
  const r = await generateFiles(analysis, selectTargets(undefined));
  return { errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.message}`), files: r.files };
}

