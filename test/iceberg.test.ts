/**
 * `trino.tableFormat: iceberg` end to end, against the consumers' own rules (test/facts/trino/trino.json,
 * test/facts/iceberg/spark-runtime.json, the Unity Catalog OpenAPI spec):
 *
 * - the raw layer is the sync's JSON lines, already in place: the Iceberg connector has no JSON format, refuses to
 *   create a table on a non-empty location and reads only the files its snapshots list, so the raw table must be a
 *   Hive-connector external table (format JSON) in `trino.catalogs.raw`, refreshed with sync_partition_metadata;
 * - the trusted table is an Iceberg table Trino declares; the Spark job writes it through an Iceberg catalog (the
 *   config keys Iceberg's Spark runtime reads) with DataFrameWriterV2's overwrite(lit(True)), the whole table
 *   replaced per run as Hive mode's static overwrite, never as plain Parquet files Iceberg never sees;
 * - the DAG submits the Iceberg runtime, has the quality suite read the table through the catalog (not the files
 *   under its location, which keep replaced snapshots' data), and the Unity Catalog payloads do not register the
 *   Iceberg table as PARQUET (UC OSS has no Iceberg format).
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { TrinoSQL } from 'dt-sql-parser';
import { quoteTrino } from '../generator/model/names.js';
import { facts, propertyCases, repoCases, type Case } from './helpers/facts.js';
import { readFacts as readSparkFacts } from './helpers/spark-facts.js';
import { checkJobs, type JobReport } from './helpers/spark-job-check.js';
import { reference } from './helpers/reference.js';

interface Prop {
  name: string;
}
const trino = facts<{
  hive: { tableProperties: Array<Prop & { allowed?: string[] }> };
  iceberg: { tableProperties: Prop[]; fileFormats: { allowed: string[] }; createTable: { nonEmptyLocation: string }; reads: { rule: string } };
}>('trino/trino.json');
const iceberg = facts<{
  runtime: { version: string; scala_versions: Record<string, string[]> };
  catalog: { plugin_class: string; options: { type: { allowed: string[] } } };
  writes: { overwrite: { spark: string; iceberg: string } };
}>('iceberg/spark-runtime.json');
const build = readSparkFacts<{ build: { versions: Record<string, { scalaBinary: string }> } }>('build.json').build.versions;

const ICEBERG = { trino: { tableFormat: 'iceberg', catalogs: { raw: 'hive', trusted: 'iceberg' } } };

interface Table {
  name: string;
  props: Record<string, string>;
}
/** The CREATE TABLE statements of a Trino file: name and WITH properties (values as written). */
function tables(sql: string): Table[] {
  return [...sql.replace(/^--.*$/gm, '').matchAll(/CREATE TABLE IF NOT EXISTS (\S+) \([\s\S]*?\n\)\n(?:COMMENT '(?:[^']|'')*'\n)?WITH \(\n([\s\S]*?)\n\);/g)].map((m) => ({
    name: m[1]!,
    props: Object.fromEntries(m[2]!.split(/,\n/).map((l) => /^\s*(\w+) = ([\s\S]+?)\s*$/.exec(l)!.slice(1, 3) as [string, string])),
  }));
}

const str = (v: string | undefined) => /^'(.*)'$/.exec(v ?? '')?.[1];

/** What is wrong with a case's Trino DDL and refreshes in Iceberg mode, by the connectors' rules. */
function trinoProblems(c: Case): string[] {
  const out: string[] = [];
  const cfg = c.config;
  const hiveProps = new Set(trino.hive.tableProperties.map((p) => p.name));
  const icebergProps = new Set(trino.iceberg.tableProperties.map((p) => p.name));
  const datasets = [...c.files.keys()].filter((p) => /^trino\/[^/]+\.sql$/.test(p) && !/\.refresh\.sql$|schemas\.sql$|pii-key\.sql$/.test(p));
  if (!datasets.length) out.push('no dataset DDL');
  for (const path of datasets) {
    const name = path.slice('trino/'.length, -'.sql'.length);
    const ts = tables(c.files.get(path)!);
    const raw = ts.find((t) => t.name === `${cfg.trino.catalogs.raw}.${cfg.naming.rawSchema}.${name}`);
    const trusted = ts.find((t) => t.name === `${cfg.trino.catalogs.trusted}.${cfg.naming.trustedSchema}.${name}`);
    if (!raw) out.push(`${path}: no raw table in the raw catalog ${cfg.trino.catalogs.raw}`);
    else {
      // the sync's JSON lines are already there: only a Hive external table reads them
      for (const k of Object.keys(raw.props)) if (!hiveProps.has(k)) out.push(`${path}: raw table property ${k} is not a Hive table property (the raw layer is JSON lines: ${trino.iceberg.createTable.nonEmptyLocation.slice(0, 60)}...)`);
      if (str(raw.props.format) !== 'JSON') out.push(`${path}: raw format ${raw.props.format}, the sync writes JSON lines (Iceberg formats: ${trino.iceberg.fileFormats.allowed.join(', ')})`);
      if (!str(raw.props.external_location)?.includes(`/${cfg.naming.rawPrefix}/`)) out.push(`${path}: raw table is not external over the raw prefix`);
      if (raw.props.partitioned_by !== "ARRAY['dt', 'hour']") out.push(`${path}: raw table not partitioned by dt, hour`);
      const refresh = c.files.get(`trino/${name}.refresh.sql`) ?? '';
      if (!refresh.includes(`CALL ${cfg.trino.catalogs.raw}.system.sync_partition_metadata(schema_name => '${cfg.naming.rawSchema}', table_name => '${name}', mode => 'FULL')`)) out.push(`trino/${name}.refresh.sql: no sync_partition_metadata of the raw table`);
    }
    if (!trusted) out.push(`${path}: no trusted table in the trusted catalog ${cfg.trino.catalogs.trusted}`);
    else {
      for (const k of Object.keys(trusted.props)) if (!icebergProps.has(k)) out.push(`${path}: trusted table property ${k} is not an Iceberg table property`);
      if (!str(trusted.props.location)) out.push(`${path}: trusted table without a location`);
    }
  }
  return out;
}

/** The Iceberg catalog the session config declares: name -> options. */
function sparkCatalogs(r: JobReport): Map<string, Record<string, string | undefined>> {
  const out = new Map<string, Record<string, string | undefined>>();
  for (const s of r.session) {
    const m = /^spark\.sql\.catalog\.([^.]+)(?:\.(.+))?$/.exec(s.key);
    if (!m) continue;
    const o = out.get(m[1]!) ?? {};
    o[m[2] ?? ''] = s.value;
    out.set(m[1]!, o);
  }
  return out;
}

const trinoParser = new TrinoSQL();

/** What is wrong with a case's Spark jobs in Iceberg mode. */
function sparkProblems(c: Case, reports: JobReport[], contents: readonly string[]): string[] {
  const out: string[] = [];
  const cfg = c.config;
  for (const [i, r] of reports.entries()) {
    const name = /spark\/(.+)_job\.py$/.exec(r.path)![1]!;
    out.push(...r.problems);
    const trusted = r.writes.filter((w) => w.label.startsWith('createDataFrame'));
    if (trusted.length !== 1) {
      out.push(`${r.path}: ${trusted.length} writes of the trusted rows, one expected`);
      continue;
    }
    const w = trusted[0]!;
    // the whole table replaced, as in Hive mode: overwrite(lit(True)) is Iceberg's OverwriteByFilter(alwaysTrue); a
    // dynamic overwrite (overwritePartitions) would keep a date whose rows all disappeared
    const line = contents[i]?.split('\n')[w.line - 1] ?? '';
    if (w.how !== 'writeTo.overwrite' || !/\.overwrite\(F\.lit\(True\)\)/.test(line)) {
      out.push(`${r.path}: the trusted rows are written with ${w.how}: ${w.how.startsWith('writeTo') ? 'not the whole table replaced, stale partitions survive' : `Iceberg lists no such files (${trino.iceberg.reads.rule.slice(0, 50)}...)`} (${line.trim()}); expected writeTo(...).overwrite(F.lit(True)) (${iceberg.writes.overwrite.iceberg.slice(0, 60)}...)`);
      continue;
    }
    const [catalog, schema, table] = (w.table ?? '').split('.');
    const conf = sparkCatalogs(r).get(catalog ?? '');
    if (!conf) out.push(`${r.path}: writeTo(${w.table}): no spark.sql.catalog.${catalog} in the session config`);
    else {
      if (conf[''] !== iceberg.catalog.plugin_class) out.push(`${r.path}: spark.sql.catalog.${catalog} is ${conf['']}, not ${iceberg.catalog.plugin_class}`);
      if (!iceberg.catalog.options.type.allowed.includes(conf.type ?? 'hive')) out.push(`${r.path}: spark.sql.catalog.${catalog}.type ${conf.type} is not a catalog type Iceberg builds`);
      if ((conf.type ?? 'hive') !== 'hadoop' && !conf.uri) out.push(`${r.path}: spark.sql.catalog.${catalog}.uri missing: the catalog would not reach the metastore Trino uses`);
      if (conf.type !== cfg.iceberg.catalogType || conf.uri !== cfg.iceberg.uri) out.push(`${r.path}: the Spark catalog (${conf.type}, ${conf.uri}) is not the config's iceberg catalog`);
    }
    // the table Spark writes is the one Trino declares (same schema and name; the catalogs differ per engine)
    if (schema !== cfg.naming.trustedSchema || table !== name) out.push(`${r.path}: writes ${w.table}, Trino declares ${cfg.trino.catalogs.trusted}.${cfg.naming.trustedSchema}.${name}`);
  }
  return out;
}

/** The spark-submit package lines of a job, per Spark version. */
function packagesOf(content: string, version: string): string[] {
  return new RegExp(`^Spark ${version.replace('.', '\\.')}:\\n\\n {4}spark-submit --packages (\\S+) \\\\$`, 'm').exec(content)?.[1]?.split(',') ?? [];
}
const runtime = (version: string) => `org.apache.iceberg:iceberg-spark-runtime-${version}_${build[version]!.scalaBinary}:${iceberg.runtime.version}`;

function dagProblems(c: Case): string[] {
  const out: string[] = [];
  const cfg = c.config;
  const dags = [...c.files].filter(([p]) => /^airflow\/.+_dag\.py$/.test(p));
  if (!dags.length) out.push('no DAG');
  for (const [path, dag] of dags) {
    const name = /airflow\/(.+)_dag\.py$/.exec(path)![1]!;
    const table = `${cfg.iceberg.sparkCatalog}.${cfg.naming.trustedSchema}.${name}`;
    const trusted = `${cfg.trino.catalogs.trusted}.${cfg.naming.trustedSchema}.${quoteTrino(name)}`;
    const packages = [...dag.matchAll(/packages="([^"]+)"/g)].map((m) => m[1]!.split(','));
    if (packages.length !== 2 || !packages.every((p) => p.includes(runtime('3.5')))) out.push(`${path}: the Spark tasks do not all submit ${runtime('3.5')}`);
    if (!dag.includes(`"--table", "${table}"`)) out.push(`${path}: the quality suite does not read ${table} through the Iceberg catalog (files under an Iceberg location include replaced snapshots' data)`);
    if (!dag.includes(`"spark.sql.catalog.${cfg.iceberg.sparkCatalog}": "${iceberg.catalog.plugin_class}"`)) out.push(`${path}: the quality task is not given the Iceberg catalog`);
    if (!dag.includes(`CALL ${cfg.trino.catalogs.raw}.system.sync_partition_metadata(schema_name => '${cfg.naming.rawSchema}', table_name => '${name}', mode => 'FULL')`)) out.push(`${path}: refresh_trino does not sync the raw table's partitions`);
    if (/sync_partition_metadata\(schema_name => '${cfg.naming.trustedSchema}'/.test(dag)) out.push(`${path}: sync_partition_metadata on the Iceberg table`);
    if (dag.includes('refresh_unity_catalog')) out.push(`${path}: registers the trusted Iceberg table in Unity Catalog, which has no Iceberg format`);
    // refresh_trino's statements: Trino's grammar accepts each (Airflow renders {{ ds }} first), and the snapshots
    // each run leaves (deleted and expired rows, readable by time travel) are expired, as are the files only they hold
    const block = /sql=\[\n((?: {12}".*",\n)+) {8}\]/.exec(dag)?.[1] ?? '';
    const statements = [...block.matchAll(/^ {12}"(.*)",$/gm)].map((m) => JSON.parse(`"${m[1]!}"`) as string);
    if (!statements.length) out.push(`${path}: no refresh_trino statements found`);
    for (const s of statements) {
      const errors = trinoParser.validate(s.replace(/\{\{ ds \}\}/g, '2024-03-01'));
      if (errors.length) out.push(`${path}: Trino's grammar refuses ${s}: ${errors[0]!.message}`);
    }
    for (const proc of ['expire_snapshots', 'remove_orphan_files']) {
      if (!statements.some((s) => s.startsWith(`ALTER TABLE ${trusted} EXECUTE ${proc}(retention_threshold => '7d')`))) out.push(`${path}: refresh_trino does not run ${proc} on ${trusted}`);
    }
  }
  return out;
}

describe('trino.tableFormat: iceberg produces a pipeline that works', () => {
  it('reads facts that say why (the Iceberg connector has no JSON; Spark catalogs are spark.sql.catalog.<name>)', () => {
    expect(trino.iceberg.fileFormats.allowed).not.toContain('JSON');
    expect(trino.hive.tableProperties.find((p) => p.name === 'format')!.allowed).toContain('JSON');
    expect(iceberg.sources.some((s) => s.repo === 'apache/iceberg' && /^[0-9a-f]{40}$/.test(s.commit ?? ''))).toBe(true);
    for (const v of Object.keys(build)) expect(iceberg.runtime.scala_versions[v], v).toContain(build[v]!.scalaBinary);
  });

  it('Trino: the raw table is a Hive JSON external table in the raw catalog, refreshed; the trusted one Iceberg', async () => {
    const cases = [...(await repoCases(['trino'], ICEBERG)), ...(await propertyCases(['trino'], ICEBERG, 10))];
    expect(cases.flatMap((c) => trinoProblems(c).map((p) => `${c.label}: ${p}`))).toEqual([]);
  }, 120_000);

  it('Spark: the trusted rows go through the Iceberg catalog with overwrite(lit(True)), replacing the whole table, and the jobs type-check', async () => {
    const cases = [...(await repoCases(['spark'], ICEBERG)), ...(await propertyCases(['spark'], ICEBERG, 8))];
    const jobs = cases.flatMap((c) => [...c.files].filter(([p]) => /^spark\/.+_job\.py$/.test(p)).map(([path, content]) => ({ c, path: `${c.label}: ${path}`, content })));
    expect(jobs.length).toBeGreaterThan(8);
    const reports = checkJobs(jobs);
    expect(jobs.flatMap((j, i) => sparkProblems(j.c, [reports[i]!], [j.content]))).toEqual([]);
    for (const j of jobs) for (const v of Object.keys(build)) expect(packagesOf(j.content, v), `${j.path} Spark ${v}`).toContain(runtime(v));
  }, 300_000);

  it('Hive mode keeps its Parquet write (the check sees it as one)', async () => {
    const [c] = await repoCases(['spark']);
    const jobs = [...c!.files].filter(([p]) => /^spark\/.+_job\.py$/.test(p)).map(([path, content]) => ({ path, content }));
    const reports = checkJobs(jobs.slice(0, 1));
    expect(reports[0]!.writes.filter((w) => w.label.startsWith('createDataFrame')).map((w) => w.how)).toEqual(['parquet']);
    expect(sparkProblems({ ...c!, config: { ...c!.config, ...ICEBERG } as Case['config'] }, reports, jobs.slice(0, 1).map((j) => j.content)).join('\n')).toMatch(/written with parquet: Iceberg lists no such files/);
  }, 120_000);

  it('Airflow: the Iceberg runtime, the suite on the table, the raw refresh, no UC registration of the Iceberg table', async () => {
    const cases = [...(await repoCases(['airflow'], ICEBERG)), ...(await repoCases(['airflow'], { ...ICEBERG, airflow: { version: 3 } }, ' (Airflow 3)'))];
    expect(cases.flatMap((c) => dagProblems(c).map((p) => `${c.label}: ${p}`))).toEqual([]);
  }, 120_000);

  it('Unity Catalog: every table is a format the server knows, and no Iceberg location is registered as PARQUET', async () => {
    const spec = parseYaml(readFileSync(reference('unitycatalog/unitycatalog-openapi-v0.6.0.yaml').path, 'utf8')) as { components: { schemas: { DataSourceFormat: { enum: string[] } } } };
    const formats = spec.components.schemas.DataSourceFormat.enum;
    expect(formats).not.toContain('ICEBERG');
    const cases = await repoCases(['unity-catalog'], ICEBERG);
    const tablesOf = (c: Case) => [...c.files].filter(([p]) => /^unity-catalog\/tables\/.+\.json$/.test(p)).map(([, t]) => JSON.parse(t) as { schema_name: string; data_source_format: string; storage_location: string });
    for (const c of cases) {
      const ts = tablesOf(c);
      expect(ts.length, c.label).toBeGreaterThan(0);
      for (const t of ts) expect(formats, c.label).toContain(t.data_source_format);
      expect(ts.filter((t) => t.schema_name === c.config.naming.trustedSchema), `${c.label}: trusted Iceberg tables registered as files`).toEqual([]);
      expect(ts.filter((t) => t.schema_name === c.config.naming.rawSchema).map((t) => t.data_source_format), c.label).toEqual(ts.filter((t) => t.schema_name === c.config.naming.rawSchema).map(() => 'JSON'));
    }
  }, 120_000);
});
