/**
 * The Trino catalog files (`generated/trino/catalog/<catalog>.properties`, dropped into `etc/catalog/`) against
 * Trino's own rules (test/facts/trino/trino.json `catalogFiles`, read from trinodb/trino release 461): each file
 * loads with java.util.Properties (the parser Trino's catalog store uses); every key is one its connector binds
 * (an unbound key fails the catalog: "Configuration property '…' was not used"), under the catalog type it needs;
 * values have the property's type (booleans, enum constants, URIs); every Hive catalog reads Parquet timestamps in
 * UTC and at the precision the DDL declares (plain `timestamp` ⇒ MILLISECONDS); the S3 settings are MinIO's; no
 * credential is a value, only a `${ENV:NAME}` reference. For the repository's contracts, the example, a sample of
 * the property-based contracts (Hive, Iceberg on a Hive Metastore, Iceberg on a REST catalog) and every golden case.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../generator/analyze.js';
import type { PlatformConfig } from '../generator/config/config.js';
import { facts, propertyCases, repoCases, type Case } from './helpers/facts.js';
import { ROOT } from './helpers/reference.js';

interface CatalogProp {
  name: string;
  type: string;
  default: unknown;
  allowed?: string[];
  precision?: Record<string, number>;
  requires?: Record<string, string>;
  secret?: boolean;
}
const trino = facts<{
  catalogFiles: {
    secrets: { syntax: string; pattern: string };
    connectors: Record<'hive' | 'iceberg', { properties: CatalogProp[] }>;
  };
}>('trino/trino.json');

/** Loads .properties texts with java.util.Properties (test/helpers/PropsCheck.java, which also refuses duplicate keys). */
function loadProperties(texts: string[]): Array<Record<string, string>> {
  if (!texts.length) return [];
  const dir = mkdtempSync(join(tmpdir(), 'cg-trino-catalog-'));
  try {
    const files = texts.map((t, i) => {
      const f = join(dir, `${i}.properties`);
      writeFileSync(f, t);
      return f;
    });
    const r = spawnSync('java', [join(ROOT, 'test/helpers/PropsCheck.java'), ...files], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`java.util.Properties failed (needs a JDK): ${r.stderr || r.error}`);
    return r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { entries: Record<string, string> }).entries);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Hive column types of the CREATE TABLE statements of a catalog, from the generated DDL: `catalog.schema.table.column` → type. */
function timestampColumns(files: Map<string, string>, catalog: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [path, sql] of files) {
    if (!path.startsWith('trino/') || !path.endsWith('.sql')) continue;
    const text = sql.replace(/^--.*$/gm, '');
    for (const m of text.matchAll(/CREATE TABLE IF NOT EXISTS (\S+) \(\n([\s\S]*?)\n\)\n/g)) {
      if (!m[1]!.startsWith(`${catalog}.`)) continue;
      for (const line of m[2]!.split('\n')) {
        const c = /^\s*("(?:[^"]|"")+"|\S+) (.*?)(?: COMMENT '(?:[^']|'')*')?,?$/.exec(line);
        if (c && /\btimestamp\b/i.test(c[2]!)) out.push([`${m[1]}.${c[1]}`, c[2]!]);
      }
    }
  }
  return out;
}

const REFERENCE = /^\$\{ENV:[A-Za-z_][A-Za-z0-9_]*\}$/;

/** What is wrong with one loaded catalog file, for the connector it must be and the DDL of its catalog. */
export function catalogProblems(entries: Record<string, string>, connector: 'hive' | 'iceberg', config: PlatformConfig, timestamps: Array<[string, string]>): string[] {
  const out: string[] = [];
  const props = new Map(trino.catalogFiles.connectors[connector].properties.map((p) => [p.name, p]));
  const value = (k: string) => entries[k] ?? String(props.get(k)?.default ?? '');
  if (entries['connector.name'] !== connector) out.push(`connector.name is ${entries['connector.name']}, not ${connector}`);
  const secretPattern = new RegExp(trino.catalogFiles.secrets.pattern.replace('(?<key>', '('), 'g');
  for (const [k, v] of Object.entries(entries)) {
    const p = props.get(k);
    if (!p) {
      out.push(`${k} is not a property of Trino 461's ${connector} connector (the catalog would fail: "was not used")`);
      continue;
    }
    for (const [rk, rv] of Object.entries(p.requires ?? {})) if (value(rk).toUpperCase() !== rv.toUpperCase()) out.push(`${k} is bound only with ${rk}=${rv} (here ${value(rk) || 'unset'})`);
    for (const m of v.matchAll(secretPattern)) if (m[1]!.toLowerCase() !== 'env') out.push(`${k}: secret provider ${m[1]} (Trino 461 resolves env)`);
    if (p.secret) {
      if (!REFERENCE.test(v)) out.push(`${k} holds a value; it must be a ${trino.catalogFiles.secrets.syntax} reference`);
      continue;
    }
    if (p.type === 'boolean' && v !== 'true' && v !== 'false') out.push(`${k}=${v} is not a boolean`);
    if (p.type.startsWith('enum') && !p.allowed!.includes(v)) out.push(`${k}=${v} is not one of ${p.allowed!.join(', ')}`);
    if (p.allowed && !p.type.startsWith('enum') && !p.allowed.includes(v)) out.push(`${k}=${v} is not one of ${p.allowed.join(', ')}`);
    if (/URI/.test(p.type)) {
      for (const u of v.split(',')) {
        try {
          new URL(u.trim());
        } catch {
          out.push(`${k}=${v} is not a URI`);
        }
      }
    }
    if (/password|secret|access-key|token/i.test(k) || /^(AKIA|ASIA)[0-9A-Z]{16}$/.test(v)) out.push(`${k} looks like a credential written as a value`);
  }
  // what the generated DDL and the Spark jobs need of the catalog
  const need = (k: string, v: string) => {
    if (entries[k] !== v) out.push(`${k} is ${entries[k] ?? 'unset'}, expected ${v}`);
  };
  need('fs.native-s3.enabled', 'true');
  need('s3.endpoint', config.minio.endpoint);
  need('s3.region', config.minio.region);
  need('s3.path-style-access', 'true');
  for (const k of ['s3.aws-access-key', 's3.aws-secret-key']) if (!REFERENCE.test(entries[k] ?? '')) out.push(`${k} is not a \${ENV:NAME} reference`);
  if (connector === 'hive') {
    need('hive.metastore.uri', config.trino.metastoreUri);
    need('hive.parquet.time-zone', 'UTC');
    need('hive.non-managed-table-creates-enabled', 'true');
    const precision = props.get('hive.timestamp-precision')!.precision![value('hive.timestamp-precision')];
    if (entries['hive.timestamp-precision'] === undefined) out.push('hive.timestamp-precision is unset (the DDL assumes one)');
    for (const [col, type] of timestamps) {
      const declared = /^timestamp\((\d+)\)$/i.exec(type)?.[1];
      const p = declared === undefined ? (/^timestamp$/i.test(type) ? 3 : undefined) : Number(declared);
      if (p !== undefined && p !== precision) out.push(`${col} is ${type} (precision ${p}), the catalog's hive.timestamp-precision gives ${precision}`);
    }
  } else {
    need('iceberg.catalog.type', config.iceberg.catalogType === 'rest' ? 'REST' : 'HIVE_METASTORE');
    need(config.iceberg.catalogType === 'rest' ? 'iceberg.rest-catalog.uri' : 'hive.metastore.uri', config.iceberg.uri);
  }
  return out;
}

/** Every problem of a case's catalog files: one file per catalog the DDL uses, of the right connector, each checked. */
function caseProblems(cases: Case[]): { problems: string[]; files: number; timestamps: number } {
  const jobs: Array<{ c: Case; path: string; connector: 'hive' | 'iceberg'; catalog: string }> = [];
  const problems: string[] = [];
  for (const c of cases) {
    const { raw, trusted } = c.config.trino.catalogs;
    const expected = new Map<string, 'hive' | 'iceberg'>([[raw, 'hive']]);
    expected.set(trusted, c.config.trino.tableFormat === 'iceberg' ? 'iceberg' : 'hive');
    const present = [...c.files.keys()].filter((p) => p.startsWith('trino/catalog/'));
    for (const p of present) if (![...expected.keys()].some((cat) => p === `trino/catalog/${cat}.properties`)) problems.push(`${c.label}: ${p} is no catalog the DDL uses`);
    for (const [catalog, connector] of expected) {
      const path = `trino/catalog/${catalog}.properties`;
      if (!c.files.has(path)) problems.push(`${c.label}: no ${path} for the ${connector} catalog ${catalog}`);
      else jobs.push({ c, path, connector, catalog });
    }
  }
  const loaded = loadProperties(jobs.map((j) => j.c.files.get(j.path)!));
  let timestamps = 0;
  jobs.forEach((j, i) => {
    const ts = timestampColumns(j.c.files, j.catalog);
    timestamps += ts.length;
    problems.push(...catalogProblems(loaded[i]!, j.connector, j.c.config, ts).map((p) => `${j.c.label}: ${j.path}: ${p}`));
  });
  return { problems, files: jobs.length, timestamps };
}

/** The golden cases' expected trino/ trees, with each case's config. */
function goldenCases(): Case[] {
  const out: Case[] = [];
  const dir = join(ROOT, 'test/cases');
  for (const name of readdirSync(dir).sort()) {
    const exp = join(dir, name, 'expected', 'trino');
    if (!existsSync(exp)) continue;
    const files = new Map<string, string>();
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else files.set(`trino/${relative(exp, p).split('\\').join('/')}`, readFileSync(p, 'utf8'));
      }
    };
    walk(exp);
    out.push({ label: `test/cases/${name}`, config: analyze({ cwd: join(dir, name), contracts: ['contracts'] }).config, files });
  }
  return out;
}

describe('Trino catalog files against Trino 461 (facts from its source)', () => {
  it('cite their sources', () => {
    expect(trino.sources.some((s) => s.repo === 'trinodb/trino' && s.version === '461' && s.files?.includes('lib/trino-filesystem-s3/src/main/java/io/trino/filesystem/s3/S3FileSystemConfig.java'))).toBe(true);
  });

  const modes = {
    hive: { trino: { tableFormat: 'hive' } },
    'hive, raw and trusted in two catalogs': { trino: { tableFormat: 'hive', catalogs: { raw: 'lake_raw', trusted: 'lake' } } },
    'iceberg (Hive Metastore)': { trino: { tableFormat: 'iceberg', catalogs: { raw: 'hive', trusted: 'iceberg' } }, iceberg: { catalogType: 'hive' } },
    'iceberg (REST catalog)': { trino: { tableFormat: 'iceberg', catalogs: { raw: 'hive', trusted: 'iceberg' } }, iceberg: { catalogType: 'rest', uri: 'http://iceberg-rest.lake.svc:8181' } },
  };
  for (const [mode, override] of Object.entries(modes)) {
    it(`${mode}: a catalog file per catalog, Trino's keys and values, UTC and the DDL's precision, no secret value`, async () => {
      const cases = [...(await repoCases(['trino'], override)), ...(await propertyCases(['trino'], override, 8))];
      const r = caseProblems(cases);
      expect(r.problems).toEqual([]);
      expect(r.files).toBeGreaterThanOrEqual(cases.length);
      if (mode === 'hive') expect(r.timestamps).toBeGreaterThan(0);
    }, 120_000);
  }

  it('the golden cases (config-switches: Iceberg) ship catalog files that pass the same checks', () => {
    const cases = goldenCases();
    expect(cases.map((c) => c.label)).toEqual(expect.arrayContaining(['test/cases/config-switches', 'test/cases/mysql-source', 'test/cases/dcs-drivers']));
    const r = caseProblems(cases);
    expect(r.problems).toEqual([]);
    expect(r.files).toBeGreaterThanOrEqual(cases.length);
  });

  it('would catch an unbound key, a literal secret, a missing UTC, a precision the DDL does not declare and a REST catalog with a metastore URI (the check can fail)', () => {
    const config = { minio: { endpoint: 'http://minio:9000', region: 'us-east-1' }, trino: { metastoreUri: 'thrift://hms:9083' }, iceberg: { catalogType: 'rest', uri: 'http://rest:8181' } } as unknown as PlatformConfig;
    const [hive, iceberg] = loadProperties([
      'connector.name=hive\nhive.metastore.uri=thrift://hms:9083\nhive.timestamp-precision=MICROSECONDS\nhive.non-managed-table-creates-enabled=yes\nhive.s3.endpoint=http://minio:9000\nfs.native-s3.enabled=true\ns3.endpoint=http://minio:9000\ns3.region=us-east-1\ns3.path-style-access=true\ns3.aws-access-key=${ENV:K}\ns3.aws-secret-key=hunter2\n',
      'connector.name=iceberg\niceberg.catalog.type=REST\niceberg.rest-catalog.uri=http://rest:8181\nhive.metastore.uri=thrift://hms:9083\nhive.parquet.time-zone=UTC\nfs.native-s3.enabled=true\ns3.endpoint=http://minio:9000\ns3.region=us-east-1\ns3.path-style-access=true\ns3.aws-access-key=${ENV:K}\ns3.aws-secret-key=${ENV:S}\n',
    ]);
    expect(catalogProblems(hive!, 'hive', config, [['hive.trusted.t."at"', 'timestamp']])).toEqual([
      'hive.non-managed-table-creates-enabled=yes is not a boolean',
      "hive.s3.endpoint is not a property of Trino 461's hive connector (the catalog would fail: \"was not used\")",
      's3.aws-secret-key holds a value; it must be a ${ENV:NAME} reference',
      's3.aws-secret-key is not a ${ENV:NAME} reference',
      'hive.parquet.time-zone is unset, expected UTC',
      'hive.non-managed-table-creates-enabled is yes, expected true',
      'hive.trusted.t."at" is timestamp (precision 3), the catalog\'s hive.timestamp-precision gives 6',
    ]);
    expect(catalogProblems(iceberg!, 'iceberg', config, [])).toEqual([
      'hive.metastore.uri is bound only with iceberg.catalog.type=HIVE_METASTORE (here REST)',
      "hive.parquet.time-zone is not a property of Trino 461's iceberg connector (the catalog would fail: \"was not used\")",
    ]);
  });
});
