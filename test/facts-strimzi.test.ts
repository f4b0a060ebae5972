/**
 * The Strimzi resources and the credentials they reference against Strimzi's own rules (test/facts/strimzi/,
 * read from strimzi/strimzi-kafka-operator at 0.45.0 to 1.2.0): for both APIs the config can select
 * (kafka.strimzi.io/v1, the only one from 1.0; v1beta2 before it), every KafkaConnector, KafkaTopic and the
 * KafkaConnect patch use only fields the CRD of that API has; no connector sets a key Strimzi drops; the patch's
 * mounts obey the operator's rule (v1: template volumes, mount paths starting with /mnt); and every
 * `${alias:path:key}` placeholder of every connector (Debezium's and the raw-layer sink's, as KafkaConnector and
 * as REST payload) names a config provider the KafkaConnect declares or Strimzi predefines, and a file under a
 * directory the KafkaConnect mounts.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { facts, filesOf, propertyCases, repoCases, type Case } from './helpers/facts.js';

interface Crd {
  specRequired: string[];
  paths: string[];
}
const strimzi = facts<{
  kafkaConnect: Record<string, Crd>;
  kafkaConnector: Record<string, Crd>;
  connectorForbiddenConfig: Record<string, string[] | string | string[]>;
  connectForbiddenConfigPrefixes: Record<string, string[] | string>;
  externalConfiguration: { mountBasePath: string };
  templateVolumes: { allowedMountPathPrefix: string; volumeNameRegex: string };
  configProviders: { builtinAliases: Record<string, string[]> };
}>('strimzi/strimzi.json');

const API = { v1: 'kafka.strimzi.io/v1', v1beta2: 'kafka.strimzi.io/v1beta2' } as const;
type Api = keyof typeof API;
/** The CRD each API is checked against: the newest release that serves it. */
const CRD_OF: Record<Api, string> = { v1: 'v1@1.2.0', v1beta2: 'v1beta2@0.51.0' };
/** The aliases Strimzi predefines on every release that serves the API: v1 from 0.49 (after 0.47), v1beta2 from 0.45 (none). */
const BUILTIN_ALIASES: Record<Api, string[]> = { v1: strimzi.configProviders.builtinAliases['0.47.0+'] ?? [], v1beta2: strimzi.configProviders.builtinAliases['0.45.0'] ?? [] };

/** The dotted paths of a resource's spec, `[]` for list items, not descending into the free-form `config`. */
function paths(v: unknown, prefix: string, out: string[] = []): string[] {
  out.push(prefix);
  if (prefix.endsWith('.config')) return out;
  if (Array.isArray(v)) for (const x of v) paths(x, `${prefix}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, `${prefix}.${k}`, out);
  return out;
}

const PLACEHOLDER = /\$\{([^:}]+):([^:}]*):([^}]*)\}/g;

function placeholders(config: Record<string, unknown>): Array<{ key: string; alias: string; path: string }> {
  return Object.entries(config).flatMap(([key, v]) => [...String(v).matchAll(PLACEHOLDER)].map((m) => ({ key, alias: m[1]!, path: m[2]! })));
}

/** The CRD's paths and every node above them (the facts list leaves and named subtrees, not the nodes between). */
function crdPaths(crd: Crd): Set<string> {
  const out = new Set<string>();
  for (const p of crd.paths) for (let i = p.length; i > 0; i--) if (i === p.length || p[i] === '.' || p[i] === '[') out.add(p.slice(0, i));
  return out;
}

function problems(c: Case, api: Api): string[] {
  const out: string[] = [];
  const crdConnector = crdPaths(strimzi.kafkaConnector[CRD_OF[api]]!);
  const crdConnect = crdPaths(strimzi.kafkaConnect[CRD_OF[api]]!);
  const forbiddenConnector = ['name', 'connector.class', 'tasks.max', 'connector.plugin.version'];
  const forbiddenPrefixes = strimzi.connectForbiddenConfigPrefixes['1.0.0+'] as string[];
  const exceptions = strimzi.connectForbiddenConfigPrefixes.exceptions as string[];
  const patchText = c.files.get('debezium/kafkaconnect-patch.yaml');
  const patch = patchText ? (parseYaml(patchText) as { apiVersion: string; spec: Record<string, any> }) : undefined;
  const providers = new Set<string>(BUILTIN_ALIASES[api]);
  const mounted: string[] = [];
  if (patch) {
    if (patch.apiVersion !== API[api]) out.push(`kafkaconnect-patch.yaml: apiVersion ${patch.apiVersion}`);
    for (const p of paths(patch.spec, 'spec')) if (!crdConnect.has(p)) out.push(`kafkaconnect-patch.yaml: ${p} is not a field of the KafkaConnect CRD (${CRD_OF[api]})`);
    for (const k of Object.keys(patch.spec.config ?? {})) {
      if (forbiddenPrefixes.some((f) => k.toLowerCase().startsWith(f)) && !exceptions.includes(k)) out.push(`kafkaconnect-patch.yaml: Strimzi drops config ${k}`);
    }
    for (const a of String(patch.spec.config?.['config.providers'] ?? '').split(',').filter(Boolean)) {
      if (patch.spec.config?.[`config.providers.${a.trim()}.class`]) providers.add(a.trim());
    }
    const volumes: Array<{ name: string }> = patch.spec.template?.pod?.volumes ?? [];
    for (const m of patch.spec.template?.connectContainer?.volumeMounts ?? []) {
      if (!String(m.mountPath).startsWith(strimzi.templateVolumes.allowedMountPathPrefix)) out.push(`kafkaconnect-patch.yaml: mount path ${m.mountPath} does not start with ${strimzi.templateVolumes.allowedMountPathPrefix}`);
      if (!volumes.some((v) => v.name === m.name)) out.push(`kafkaconnect-patch.yaml: mount of an undeclared volume ${m.name}`);
      mounted.push(m.mountPath);
    }
    for (const v of volumes) if (!new RegExp(strimzi.templateVolumes.volumeNameRegex).test(v.name)) out.push(`kafkaconnect-patch.yaml: volume name ${v.name}`);
    for (const v of patch.spec.externalConfiguration?.volumes ?? []) mounted.push(`${strimzi.externalConfiguration.mountBasePath}${v.name}`);
  }
  const configs: Array<{ file: string; config: Record<string, unknown> }> = [];
  const KUBERNETES_KINDS = new Set(['Deployment', 'PodDisruptionBudget']);
  for (const [path, text] of c.files) {
    if (path.endsWith('.yaml') && !path.endsWith('kafkaconnect-patch.yaml')) {
      const r = parseYaml(text) as { apiVersion?: string; kind?: string; spec?: Record<string, any> } | null;
      // Strimzi's resources only: the sync's Deployment and PodDisruptionBudget are Kubernetes' own (apps/v1, policy/v1)
      if (!r?.kind || KUBERNETES_KINDS.has(r.kind)) continue;
      if (r.apiVersion !== API[api]) out.push(`${path}: apiVersion ${r.apiVersion}, configured ${API[api]}`);
      if (r.kind === 'KafkaConnector') {
        for (const p of paths(r.spec, 'spec')) if (!crdConnector.has(p)) out.push(`${path}: ${p} is not a field of the KafkaConnector CRD (${CRD_OF[api]})`);
        for (const k of Object.keys(r.spec?.config ?? {})) if (forbiddenConnector.includes(k.toLowerCase())) out.push(`${path}: Strimzi drops config ${k}`);
        configs.push({ file: path, config: r.spec?.config ?? {} });
      }
    }
    if (/(^|\/)(sink-)?connector\.json$/.test(path)) configs.push({ file: path, config: JSON.parse(text).config });
    if (path.endsWith('/config.json')) configs.push({ file: path, config: JSON.parse(text) });
  }
  for (const { file, config } of configs) {
    for (const ph of placeholders(config)) {
      if (!providers.has(ph.alias)) out.push(`${file}: ${ph.key} uses config provider "${ph.alias}", which the KafkaConnect does not declare (declared: ${[...providers].join(', ') || 'none'})`);
      if (!mounted.some((m) => ph.path.startsWith(`${m}/`))) out.push(`${file}: ${ph.key} reads ${ph.path}, which nothing mounts (mounted: ${mounted.join(', ') || 'nothing'})`);
    }
  }
  if (configs.some((x) => placeholders(x.config).length) && !patch) out.push('no kafkaconnect-patch.yaml, yet connectors reference credentials');
  return out;
}

async function cases(api: Api): Promise<Case[]> {
  const override = { kafka: { strimziApiVersion: API[api] } };
  const targets = ['debezium', 'kafka', 'sync'];
  return [...(await repoCases(targets, override, ` (${api})`)), ...(await propertyCases(targets, override, 15, ` (${api})`))];
}

describe('Strimzi resources and connector credentials against Strimzi (facts from its source)', () => {
  it('cite their sources', () => {
    for (const s of strimzi.sources) expect(s.repo).toMatch(/^strimzi\//);
  });

  for (const api of ['v1', 'v1beta2'] as const) {
    it(`${API[api]}: CRD fields, mount paths, config providers and mounted credential files agree`, async () => {
      const cs = await cases(api);
      expect(filesOf(cs, (p) => p.endsWith('kafkaconnector.yaml')).length).toBeGreaterThan(2);
      expect(cs.flatMap((c) => problems(c, api).map((p) => `${c.label}: ${p}`))).toEqual([]);
    }, 120_000);
  }

  it('would catch a placeholder nothing mounts, an undeclared provider and a mount outside /mnt (the check can fail)', () => {
    const patch = `apiVersion: kafka.strimzi.io/v1\nkind: KafkaConnect\nspec:\n  template:\n    pod:\n      volumes: [{name: sx, secret: {secretName: sx}}]\n    connectContainer:\n      volumeMounts: [{name: sx, mountPath: /opt/kafka/sx}]\n`;
    const connector = `apiVersion: kafka.strimzi.io/v1\nkind: KafkaConnector\nspec:\n  pause: true\n  config:\n    database.password: \${file:/opt/kafka/external-configuration/s/c.properties:p}\n`;
    const c: Case = { label: 'x', config: {} as Case['config'], files: new Map([['debezium/kafkaconnect-patch.yaml', patch], ['debezium/a/kafkaconnector.yaml', connector]]) };
    expect(problems(c, 'v1')).toEqual([
      'kafkaconnect-patch.yaml: mount path /opt/kafka/sx does not start with /mnt',
      'debezium/a/kafkaconnector.yaml: spec.pause is not a field of the KafkaConnector CRD (v1@1.2.0)',
      'debezium/a/kafkaconnector.yaml: database.password uses config provider "file", which the KafkaConnect does not declare (declared: strimzienv, strimzifile, strimzidir, strimzisecrets)',
      'debezium/a/kafkaconnector.yaml: database.password reads /opt/kafka/external-configuration/s/c.properties, which nothing mounts (mounted: /opt/kafka/sx)',
    ]);
  });
});
