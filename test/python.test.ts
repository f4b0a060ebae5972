/**
 * The generated Python (PySpark jobs, the quality runner, Airflow DAGs) through real tools: Ruff (the
 * `@astral-sh/ruff-wasm-nodejs` build of Ruff) with the pyflakes and error rules, plus the Airflow AIR rules for
 * DAGs; CPython compiles every file (/usr/bin/python3), and the static Python in the repository
 * (templates/<target>/static/) passes both as it is; every SQL string of the jobs parses with dt-sql-parser's
 * SparkSQL grammar; and Python's own `ast` reads each DAG's tasks and dependencies.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SparkSQL } from 'dt-sql-parser';
import { DEFAULT_CONFIG, mergeConfig, type PlatformConfig } from '../generator/config/config.js';
import { loadAssets } from '../generator/emit/templates.js';
import { airflowTarget } from '../generator/targets/airflow.js';
import { generateFrom } from './helpers/generate.js';
import { ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);
const ruff = require('@astral-sh/ruff-wasm-nodejs') as { Workspace: new (o: unknown, e: number) => { check(s: string): Array<{ code: string; message: string; start_location: { row: number } }> }; PositionEncoding: { Utf16: number } };

interface Inspected {
  path: string;
  sql: Record<string, string>;
  tasks: Record<string, { task_id: string; operator: string; kwargs: string[] }>;
  deps: Array<[string, string]>;
}

let files: Map<string, string>;
let pyFiles: string[];
let inspected: Map<string, Inspected>;
const dir = mkdtempSync(join(tmpdir(), 'cg-py-'));

function inspect(paths: string[]): Inspected[] {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test/helpers/pyinspect.py'), ...paths], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`/usr/bin/python3 could not compile the generated Python:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as Array<Inspected & { error?: string }>;
  const errors = out.filter((x) => x.error).map((x) => `${x.path}: ${x.error}`);
  if (errors.length) throw new Error(`/usr/bin/python3 could not compile the generated Python:\n${errors.join('\n')}`);
  return out;
}

function lint(source: string, select: string[]): string[] {
  const ws = new ruff.Workspace({ lint: { select } }, ruff.PositionEncoding.Utf16);
  return ws.check(source).map((d) => `${d.start_location.row}: ${d.code} ${d.message}`);
}

beforeAll(async () => {
  files = (await generateFrom()).files;
  pyFiles = [...files.keys()].filter((p) => p.endsWith('.py'));
  const paths = pyFiles.map((p) => {
    const f = join(dir, p.replace(/\//g, '__'));
    writeFileSync(f, files.get(p)!);
    return f;
  });
  inspected = new Map(inspect(paths).map((x, i) => [pyFiles[i]!, x]));
});

describe('generated Python', () => {
  it('has the jobs, the quality runner and the DAGs', () => {
    expect(pyFiles.sort()).toEqual(['airflow/rides_dag.py', 'airflow/users_dag.py', 'spark/quality_runner.py', 'spark/rides_job.py', 'spark/users_job.py']);
  });

  it('passes Ruff (pyflakes + errors) everywhere, and the Airflow rules on DAGs', () => {
    for (const p of pyFiles) {
      const rules = p.startsWith('airflow/') ? ['E9', 'F', 'AIR001', 'AIR002'] : ['E9', 'F'];
      expect(lint(files.get(p)!, rules), p).toEqual([]);
    }
    // the check can fail: an unused import and an undefined name are found
    expect(lint('import os\nx = nope\n', ['E9', 'F']).map((d) => d.split(' ')[1]).sort()).toEqual(['F401', 'F821']);
  });

  it('passes Ruff and CPython in every golden case too (Airflow 3, GX 0.18, Iceberg, Spark 4.0, MySQL and DCS sources)', () => {
    const cases = join(ROOT, 'test', 'cases');
    const py = readdirSync(cases, { recursive: true, encoding: 'utf8' })
      .map((p) => p.split('\\').join('/'))
      .filter((p) => /^[^/]+\/expected\/.+\.py$/.test(p))
      .sort();
    expect(py.some((p) => p.startsWith('config-switches/expected/airflow/'))).toBe(true);
    for (const p of py) {
      const rules = p.includes('/expected/airflow/') ? ['E9', 'F', 'AIR001', 'AIR002'] : ['E9', 'F'];
      expect(lint(readFileSync(join(cases, p), 'utf8'), rules), p).toEqual([]);
    }
    expect(inspect(py.map((p) => join(cases, p))).length).toBe(py.length);
  });

  it('has the quality runner reach the lake as the jobs do: the DAG passes the endpoint, the runner sets the same s3a keys', () => {
    const keys = (src: string) => [...new Set([...src.matchAll(/"(spark\.hadoop\.fs\.s3a\.[a-z.]+)"/g)].map((m) => m[1]!))].sort();
    const runner = files.get('spark/quality_runner.py')!;
    expect(keys(runner).length).toBeGreaterThan(4);
    for (const job of ['spark/users_job.py', 'spark/rides_job.py']) expect(keys(runner), job).toEqual(keys(files.get(job)!));
    for (const dag of ['airflow/users_dag.py', 'airflow/rides_dag.py']) expect(files.get(dag)!, dag).toContain('"--s3-endpoint", "http://minio.lake.svc:9000"]');
  });

  it('compiles with CPython (done by the inspector for every file)', () => {
    expect(inspected.size).toBe(pyFiles.length);
  });

  it('keeps the static Python of the repository (templates/<target>/static/) clean under Ruff and CPython', () => {
    const templates = join(ROOT, 'templates');
    const statics = readdirSync(templates, { recursive: true, encoding: 'utf8' })
      .map((p) => p.split('\\').join('/'))
      .filter((p) => /^[^/]+\/static\/.+\.py$/.test(p))
      .sort();
    expect(statics).toEqual(['spark/static/quality_runner.py']);
    for (const p of statics) expect(lint(readFileSync(join(templates, p), 'utf8'), ['E9', 'F']), p).toEqual([]);
    expect(inspect(statics.map((p) => join(templates, p))).length).toBe(statics.length);
    // the compile check can fail
    const broken = join(dir, 'broken.py');
    writeFileSync(broken, 'def f(:\n');
    expect(() => inspect([broken])).toThrow(/could not compile/);
  });

  it('parses every SQL string of the jobs with the SparkSQL grammar', () => {
    const spark = new SparkSQL();
    let n = 0;
    for (const p of pyFiles.filter((x) => x.endsWith('_job.py'))) {
      const sql = inspected.get(p)!.sql;
      // relational jobs also locate the last TRUNCATE (issue 15)
      expect(Object.keys(sql).sort(), p).toEqual(p.includes('users') ? ['CHECK_SQL', 'CURRENT_SQL', 'FLATTEN_SQL', 'RECORDS_SQL', 'TRUNCATED_SQL'] : ['CHECK_SQL', 'CURRENT_SQL', 'FLATTEN_SQL', 'RECORDS_SQL']);
      for (const [name, text] of Object.entries(sql)) {
        expect(spark.validate(text), `${p} ${name}`).toEqual([]);
        n++;
      }
    }
    expect(n).toBe(9);
    expect(spark.validate('SELECT FROM WHERE').length).toBeGreaterThan(0);
  });

  it('never infers a schema, and declares the contract types explicitly', () => {
    for (const p of pyFiles.filter((x) => x.endsWith('_job.py'))) {
      const src = files.get(p)!;
      expect(src).not.toMatch(/inferSchema|samplingRatio/);
      expect(src).toContain('spark.read.schema(RAW_SCHEMA).json(');
    }
    expect(files.get('spark/rides_job.py')).toContain('StructField("fare_amount", DecimalType(10, 2), True)');
    expect(files.get('spark/users_job.py')).toContain('StructField("created_at", TimestampType(), False)');
    expect(files.get('spark/users_job.py')).toContain('from_avro(body, ENVELOPE_AVRO_SCHEMA');
    expect(files.get('spark/rides_job.py')).toContain('F.from_json(F.unbase64("value").cast("string"), ENVELOPE_SCHEMA');
  });

  it('orders events by the source position, then ts_ms, and drops deleted keys', () => {
    const users = inspected.get('spark/users_job.py')!.sql;
    expect(users.FLATTEN_SQL).toContain('e.source.lsn AS _seq');
    expect(users.CURRENT_SQL).toMatch(/ORDER BY _seq DESC NULLS LAST, _src_ts DESC NULLS LAST, _ts DESC NULLS LAST/);
    expect(users.CURRENT_SQL).toContain("_op <> 'd'");
    expect(users.CHECK_SQL).toContain("CASE WHEN user_type NOT IN ('rider', 'driver', 'both') THEN 'user_type:validValues' END");
    expect(users.CHECK_SQL).toContain("RLIKE '^\\\\+[1-9][0-9]{1,14}$'"); // Spark SQL literal: the backslash escaped
  });

  it('wires each DAG as wait → transform → quality → [expire] → (Trino, Unity Catalog), read with Python\'s ast', () => {
    for (const p of ['airflow/users_dag.py', 'airflow/rides_dag.py']) {
      const d = inspected.get(p)!;
      // rides is partitioned by a date: its old trusted partitions expire after the retention SLA
      const expire = p.includes('rides');
      expect(Object.fromEntries(Object.entries(d.tasks).map(([v, t]) => [v, t.operator]))).toEqual({
        wait_for_raw: 'S3KeySensor',
        transform: 'SparkSubmitOperator',
        check_quality: 'SparkSubmitOperator',
        ...(expire ? { expire_trusted: 'PythonOperator' } : {}),
        refresh_trino: 'SQLExecuteQueryOperator',
        refresh_unity_catalog: 'PythonOperator',
      });
      for (const [v, t] of Object.entries(d.tasks)) expect(t.task_id).toBe(v);
      const last = expire ? 'expire_trusted' : 'check_quality';
      expect(d.deps.sort()).toEqual(
        [
          ...(expire ? [['check_quality', 'expire_trusted']] : []),
          [last, 'refresh_trino'],
          [last, 'refresh_unity_catalog'],
          ['transform', 'check_quality'],
          ['wait_for_raw', 'transform'],
        ].sort(),
      );
      // the trusted table's Dataset is updated only after the quality suite passed (the facts test checks every DAG)
      expect(d.tasks.refresh_trino!.kwargs).toContain('outlets');
      expect(d.tasks.transform!.kwargs).not.toContain('outlets');
    }
    const users = files.get('airflow/users_dag.py')!;
    expect(users).toContain('schedule="@hourly"');
    expect(users).toContain('"owner": "identity-team"');
    // freshness 90 minutes, hourly: a run must end within 30 minutes of its scheduled time
    expect(users).toContain('"sla": timedelta(minutes=30)');
    expect(files.get('airflow/rides_dag.py')).toContain('schedule="*/15 * * * *"');
  });

  it('switches to Airflow 3 imports, which pass Ruff\'s Airflow 3 migration rules', async () => {
    const { analysis } = await generateFrom();
    const config = mergeConfig(DEFAULT_CONFIG, { ...analysis.config, airflow: { ...analysis.config.airflow, version: 3 } }) as PlatformConfig;
    const r = airflowTarget.run(analysis.model, { config, ...loadAssets() });
    for (const f of r.files) {
      expect(f.content).toContain('from airflow.sdk import DAG, Asset');
      expect(f.content).toContain('from airflow.providers.standard.operators.python import PythonOperator');
      expect(f.content).not.toContain('"sla"'); // Airflow 3 ignores it, with only a warning
      expect(f.content).toContain('Freshness SLA: not enforced here. Airflow 3 ignores `sla`; set airflow.deadlineCallback');
      expect(lint(f.content, ['E9', 'F', 'AIR001', 'AIR002', 'AIR301', 'AIR302']), f.path).toEqual([]);
    }
    // the Airflow 2 DAG uses names Airflow 3 moved: the rules would see it
    expect(lint(files.get('airflow/users_dag.py')!, ['AIR301', 'AIR302', 'AIR311']).length).toBeGreaterThan(0);
  });

  it('replaces the freshness SLA with a Deadline Alert under Airflow 3.1+ when a callback is configured, which passes Ruff', async () => {
    const { analysis } = await generateFrom();
    const config = mergeConfig(DEFAULT_CONFIG, { ...analysis.config, airflow: { ...analysis.config.airflow, version: 3, deadlineCallback: 'platform.alerts.freshness_missed' } }) as PlatformConfig;
    const r = airflowTarget.run(analysis.model, { config, ...loadAssets() });
    const users = r.files.find((f) => f.path === 'users_dag.py')!.content;
    expect(users).toContain('reference=DeadlineReference.DAGRUN_QUEUED_AT');
    expect(users).toContain('interval=timedelta(minutes=30)');
    expect(users).toContain('callback=AsyncCallback("platform.alerts.freshness_missed", kwargs={"dag_id": "contractgen_users", "freshness_minutes": 90})');
    for (const f of r.files) expect(lint(f.content, ['E9', 'F', 'AIR001', 'AIR002', 'AIR301', 'AIR302']), f.path).toEqual([]);
  });
});
