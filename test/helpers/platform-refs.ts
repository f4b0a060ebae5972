/**
 * Checks against the platforms' own references, shared by the target tests, the hostile corpus and the
 * property tests: Debezium 3.6.1's property lists (names and enum values) and the Unity Catalog OpenAPI spec.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { reference } from './reference.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv').default;

export type DebeziumKind = 'postgres' | 'mysql' | 'cassandra';

const propLists = new Map<DebeziumKind, Map<string, string[]>>();
/** name → {enum values} from an annotated Debezium property list */
function debeziumProps(kind: DebeziumKind): Map<string, string[]> {
  let m = propLists.get(kind);
  if (!m) {
    const lines = readFileSync(reference(`debezium/debezium-${kind}-properties.annotated.tsv`).path, 'utf8').trim().split('\n');
    const enumCol = lines[0]!.split('\t').indexOf('enum_values');
    m = new Map(lines.slice(1).map((l) => l.split('\t')).map((c) => [c[0]!, c[enumCol] ? c[enumCol]!.split('|') : []]));
    propLists.set(kind, m);
  }
  return m;
}
let frameworkProps: Set<string> | undefined;
const framework = () => (frameworkProps ??= new Set(readFileSync(reference('kafka/kafka-connect-framework-properties.txt').path, 'utf8').trim().split('\n')));

/**
 * Documented pass-through prefixes: converter settings everywhere; SMT settings (`transforms.<alias>.*`) on Kafka
 * Connect only; producer settings on the Cassandra agent only (it is not a Kafka Connect worker).
 */
const PREFIXES: Record<DebeziumKind, string[]> = { postgres: ['key.converter.', 'value.converter.', 'transforms.'], mysql: ['key.converter.', 'value.converter.', 'transforms.'], cassandra: ['key.converter.', 'value.converter.', 'kafka.producer.'] };

/** Property names Debezium (and, for Kafka Connect connectors, the framework) does not know, and enum values it refuses. */
export function debeziumConfigProblems(cfg: Record<string, string>, kind: DebeziumKind): string[] {
  const dbz = debeziumProps(kind);
  const fw = kind === 'cassandra' ? new Set<string>() : framework();
  const problems: string[] = [];
  for (const [k, v] of Object.entries(cfg)) {
    if (!(dbz.has(k) || fw.has(k) || PREFIXES[kind].some((p) => k.startsWith(p)))) problems.push(`${kind}: unknown property ${k}`);
    const allowed = (dbz.get(k) ?? []).map((a) => a.toLowerCase());
    if (allowed.length && !allowed.includes(v.toLowerCase())) problems.push(`${kind}: ${k}=${v} is not one of ${allowed.join('|')}`);
  }
  return problems;
}

/** The Debezium kind of a Kafka Connect connector class, or undefined for a class that is not Debezium's. */
export function debeziumKindOf(connectorClass: string | undefined): DebeziumKind | undefined {
  if (connectorClass === 'io.debezium.connector.postgresql.PostgresConnector') return 'postgres';
  if (connectorClass === 'io.debezium.connector.mysql.MySqlConnector') return 'mysql';
  return undefined;
}

let ucAjv: { getSchema(ref: string): ((x: unknown) => boolean) & { errors?: unknown } } | undefined;
/** Validates `body` against the Unity Catalog OpenAPI spec's component schema `name`: null when valid, else the errors. */
export function validateUnityCatalog(name: string, body: unknown): string | null {
  if (!ucAjv) {
    const spec = parseYaml(readFileSync(reference('unitycatalog/unitycatalog-openapi-v0.6.0.yaml').path, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    require('ajv-formats')(ajv);
    ajv.addSchema({ $id: 'uc', components: spec.components });
    ucAjv = ajv;
  }
  const v = ucAjv!.getSchema(`uc#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name} in the Unity Catalog spec`);
  return v(body) ? null : JSON.stringify(v.errors);
}

/** The spec schema a unity-catalog payload path is a request body of (undefined for files that are not payloads). */
export function unityCatalogKind(path: string): string | undefined {
  if (!path.startsWith('unity-catalog/') || !path.endsWith('.json') || path.includes('manifest')) return undefined;
  return path.includes('/tables/') ? 'CreateTable' : path.includes('/schemas/') ? 'CreateSchema' : 'CreateCatalog';
}
