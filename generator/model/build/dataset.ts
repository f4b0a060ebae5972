/**
 * ODCS document (schema-valid) → IR datasets. Per-contract extraction problems become diagnostics here;
 * cross-contract rules run later on the IR (validate/rules.ts).
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { LoadedYaml } from '../../load/yaml.js';
import { EXT, type Extensions } from '../extensions.js';
import type { Context, Dataset, QualityRule } from '../ir.js';
import { cassandraKey } from './cassandra-key.js';
import { arr, BuildContext, DEFAULT_BUILD_SETTINGS, isObj, strOr, type BuildSettings, type Obj } from './context.js';
import { readExtensions } from './extensions.js';
import { buildFields, ordered, synonymsOf } from './fields.js';
import { buildQuality } from './quality.js';
import { buildRelationships } from './relationships.js';
import { buildSla } from './sla.js';
import { findSource } from './source.js';

export interface BuildInput {
  doc: LoadedYaml;
  /** the ODCS object (for DCS input: the converted form) */
  odcs: Obj;
  format: 'odcs' | 'dcs';
  /** what the builder takes from the config (the lake's decimal for unsized numerics) */
  settings?: BuildSettings;
}

/** ODCS v3.2.0 context: a string is its instructions. */
function contextOf(v: unknown): Context | undefined {
  if (typeof v === 'string') return v.trim() ? { instructions: v, verifiedStatements: [], constraints: [] } : undefined;
  if (!isObj(v)) return undefined;
  return {
    ...(typeof v.instructions === 'string' ? { instructions: v.instructions } : {}),
    verifiedStatements: arr(v.verifiedStatements).flatMap((s) => (isObj(s) && typeof s.question === 'string' ? [{ question: s.question, ...(typeof s.answer === 'string' ? { answer: s.answer } : {}) }] : [])),
    constraints: arr(v.constraints).flatMap((c) => (isObj(c) && typeof c.constraint === 'string' ? [c.constraint] : [])),
  };
}

/** Compound unique keys: schema-level duplicateValues rules over `arguments.properties` that must find none. */
function uniqueKeysOf(quality: readonly QualityRule[], fieldNames: ReadonlySet<string>): string[][] {
  const keys: string[][] = [];
  for (const q of quality) {
    const names = q.arguments.properties;
    if (q.type !== 'library' || q.metric !== 'duplicateValues' || q.operator?.op !== 'mustBe' || q.operator.value !== 0) continue;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n): n is string => typeof n === 'string' && fieldNames.has(n))) continue;
    if (!keys.some((k) => k.length === names.length && k.every((n, i) => n === names[i]))) keys.push(names);
  }
  return keys;
}

export function buildDatasets(input: BuildInput): { datasets: Dataset[]; diagnostics: Diagnostic[] } {
  const { doc, odcs, format } = input;
  const ctx = new BuildContext(doc, input.settings ?? DEFAULT_BUILD_SETTINGS);
  const apiVersion = String(odcs.apiVersion);
  if (!/^v3\./.test(apiVersion)) {
    ctx.report('API_VERSION_UNSUPPORTED', ['apiVersion'], `ODCS ${apiVersion} is not supported; contractgen reads v3.0.x, v3.1.0 and v3.2.0`);
    return { datasets: [], diagnostics: ctx.diagnostics };
  }
  readExtensions(ctx, odcs, [], 'contract'); // no contractgen extension lives at contract level: this reports any that is put there
  const source = findSource(ctx, odcs);
  const sla = buildSla(ctx, odcs);
  const owner = ownerOf(odcs.team);
  const description = isObj(odcs.description) ? strOr(odcs.description.purpose) : undefined;
  const contractContext = contextOf(odcs.context);
  const datasets: Dataset[] = [];
  arr(odcs.schema).forEach((s, i) => {
    if (!isObj(s) || typeof s.name !== 'string') return;
    const path = ['schema', i];
    const ext = readExtensions(ctx, s, path, 'schema');
    const fields = buildFields(ctx, arr(s.properties), [...path, 'properties'], s.name);
    const primaryKey = ordered(fields, (f) => f.primaryKey, (f) => f.primaryKeyPosition);
    const partitionedBy = ordered(fields, (f) => f.partitioned, (f) => f.partitionKeyPosition);
    const table = strOr(s.physicalName) ?? s.name;
    const quality = buildQuality(ctx, s.quality, [...path, 'quality'], s.name);
    const synonyms = synonymsOf(s.synonyms);
    const context = contextOf(s.context) ?? contractContext;
    const ds: Dataset = {
      name: s.name,
      table,
      ...(typeof s.description === 'string' ? { description: s.description } : description ? { description } : {}),
      ...(typeof s.businessName === 'string' ? { businessName: s.businessName } : {}),
      contract: {
        id: String(odcs.id),
        ...(typeof odcs.name === 'string' ? { name: odcs.name } : {}),
        version: String(odcs.version),
        status: String(odcs.status),
        ...(typeof odcs.domain === 'string' ? { domain: odcs.domain } : {}),
        apiVersion,
        file: doc.file,
        format,
        versionAt: ctx.ref(['version']),
      },
      owner,
      ...(source ? { source: { ...source, table } } : {}),
      fields,
      primaryKey,
      uniqueKeys: uniqueKeysOf(quality, new Set(fields.map((f) => f.name))).filter((k) => !(k.length === primaryKey.length && k.every((n, i) => n === primaryKey[i]))),
      partitionedBy,
      relationships: buildRelationships(ctx, s, path, fields),
      quality,
      ...checksOf(ext),
      sla,
      cdc: { enabled: source !== undefined && ext.get(EXT.cdcEnabled) !== false },
      kafka: kafkaSettings(ext),
      tags: [...arr(odcs.tags), ...arr(s.tags)].filter((t): t is string => typeof t === 'string'),
      ...(synonyms ? { synonyms } : {}),
      ...(context ? { context } : {}),
      at: ctx.ref([...path, 'name']),
    };
    if (source?.kind === 'cassandra') {
      const key = cassandraKey(ctx, ds, ext, path);
      if (key) ds.cassandraKey = key;
      if (ext.get(EXT.cassandraTtl) === true) {
        const ttl = ds.sla.retentionMs === undefined ? undefined : Math.ceil(ds.sla.retentionMs / 1000);
        if (ttl === undefined) ctx.report('EXT_VALUE', [...path, 'name'], `contractgen.cassandra.ttl needs a retention SLA (slaProperties: retention) to take the time to live from`);
        else if (ttl > CASSANDRA_MAX_TTL_SECONDS) ctx.report('EXT_VALUE', [...path, 'name'], `contractgen.cassandra.ttl: the retention (${ttl} s) exceeds Cassandra's maximum time to live, 20 years (${CASSANDRA_MAX_TTL_SECONDS} s)`);
        else ds.cassandraTtlSeconds = ttl;
      }
    } else if (ext.has(EXT.cassandraPartitionKey) || ext.has(EXT.cassandraClusteringKey)) {
      ctx.report('CASSANDRA_KEY_IGNORED', [...path, 'name'], 'Cassandra key properties are ignored: this dataset has no Cassandra source');
    }
    datasets.push(ds);
  });
  return { datasets, diagnostics: ctx.diagnostics };
}

/** Cassandra's Attributes.MAX_TTL: 20 years in seconds. */
const CASSANDRA_MAX_TTL_SECONDS = 20 * 365 * 86_400;

/** The owning team: ODCS 3.1's `team: {name, members}` or 3.0's list of members. */
function ownerOf(team: unknown): Dataset['owner'] {
  const owner: Dataset['owner'] = { members: [] };
  const add = (m: unknown) => {
    if (isObj(m) && typeof m.username === 'string') owner.members.push({ username: m.username, ...(typeof m.name === 'string' ? { name: m.name } : {}), ...(typeof m.role === 'string' ? { role: m.role } : {}) });
  };
  if (isObj(team)) {
    if (typeof team.name === 'string') owner.team = team.name;
    arr(team.members).forEach(add);
  } else if (Array.isArray(team)) team.forEach(add);
  return owner;
}

/** CHECK constraints kept whole (contractgen.check), in the SQL of the dataset's source. */
function checksOf(ext: Extensions): Pick<Dataset, 'checks'> {
  const checks = ext.get(EXT.check);
  return checks ? { checks: checks.map((c) => ({ ...(c.name !== undefined ? { name: c.name } : {}), expression: c.expression })) } : {};
}

/** The per-dataset Kafka and Schema Registry overrides. */
function kafkaSettings(ext: Extensions): Dataset['kafka'] {
  const topic = ext.get(EXT.kafkaTopic);
  const partitions = ext.get(EXT.kafkaPartitions);
  const replicas = ext.get(EXT.kafkaReplicas);
  const cleanupPolicy = ext.get(EXT.kafkaCleanupPolicy);
  const maxMessageBytes = ext.get(EXT.kafkaMaxMessageBytes);
  const compatibility = ext.get(EXT.schemaRegistryCompatibility);
  return {
    ...(topic !== undefined ? { topic } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
    ...(replicas !== undefined ? { replicas } : {}),
    ...(cleanupPolicy !== undefined ? { cleanupPolicy } : {}),
    ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}),
    ...(compatibility !== undefined ? { compatibility } : {}),
  };
}
