/**
 * The generated Spark jobs type-checked as Spark 3.5 and 4.0 analyze them, with ANSI mode off and on
 * (test/helpers/spark-job-check.ts, spark-sql-check.ts), against the facts recorded from Spark's own source in
 * test/facts/spark/: every SQL block and DataFrame expression of each job, the rows handed to createDataFrame
 * against ROW_SCHEMA, and the Spark session's config. DuckDB runs the same SQL in the example; it is too lenient
 * to be the type checker (it takes a BIGINT for date_add, for one).
 *
 * Runs on the repository's contracts, the MySQL example contract, and random contracts of the property test's
 * arbitrary (fewer runs than properties.test.ts: only the spark target is generated).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { analyzeSources } from '../generator/analyze.js';
import { DEFAULT_CONFIG } from '../generator/config/config.js';
import { generateFiles, selectTargets } from '../generator/pipeline.js';
import { DUCKDB_MACROS, pythonSql, sparkToDuckdb } from '../examples/ride-platform/spark-sql.js';
import { contract, params, RUNS } from './helpers/contract-arbitrary.js';
import { generateFrom } from './helpers/generate.js';
import { ROOT } from './helpers/reference.js';
import { readFacts, type Mode } from './helpers/spark-facts.js';
import { checkJobs, MODES, type JobReport } from './helpers/spark-job-check.js';
import { parseSpark, SparkSqlChecker, type Column } from './helpers/spark-sql-check.js';
import { parseDdl, type SparkType } from './helpers/spark-types.js';

const jobsOf = (files: ReadonlyMap<string, string>) => [...files].filter(([p]) => /^spark\/.+_job\.py$/.test(p)).map(([path, content]) => ({ path, content }));

/** The problems of one SQL text over views of DDL-typed columns, under one mode. */
function sqlProblems(sql: string, views: Record<string, Record<string, string>>, mode: Mode): string[] {
  const { tree, problems } = parseSpark(sql);
  if (!tree) return problems.map((p) => p.message);
  const v = new Map(Object.entries(views).map(([name, cols]) => [name, Object.entries(cols).map(([c, ty]): Column => ({ name: c, type: parseDdl(ty) }))]));
  const checker = new SparkSqlChecker({ mode, views: v });
  checker.query(tree);
  return checker.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
}
const SPARK35: Mode = { version: '3.5', ansi: false };
const SPARK40: Mode = { version: '4.0', ansi: true };

let repo: JobReport[] | undefined;
async function repoJobs(): Promise<JobReport[]> {
  if (!repo) {
    const files: Array<[string, string]> = [];
    // the job file names of the three folders are distinct
    for (const dir of ['contracts', 'examples/mysql-source/contracts', 'examples/ride-events/contracts']) files.push(...(await generateFrom([dir], ROOT, ['spark'])).files);
    repo = checkJobs(jobsOf(new Map(files)));
  }
  return repo;
}

describe('the Spark facts (test/facts/spark)', () => {
  const files = readdirSync(join(ROOT, 'test/facts/spark')).filter((f) => f.endsWith('.json'));

  it('cite, for every fact group, sources listed in the file with repository, version and commit', () => {
    expect(files.sort()).toEqual(['build.json', 'coercion.json', 'createdataframe.json', 'from-avro.json', 'functions.json', 'sqlconf.json']);
    for (const f of files) {
      const doc = readFacts<{ sources: Array<{ id: string; repo: string; version: string; commit: string }> } & Record<string, unknown>>(f);
      const ids = new Set(doc.sources.map((s) => s.id));
      for (const s of doc.sources) {
        expect(s.repo, `${f} ${s.id}`).toMatch(/\//);
        expect(s.version, `${f} ${s.id}`).toBeTruthy();
        expect(s.commit, `${f} ${s.id}`).toMatch(/^[0-9a-f]{40}$/);
      }
      // every object that carries a `sources` list names known sources only; every function names its class and file
      const walk = (v: unknown, path: string): void => {
        if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
        if (!v || typeof v !== 'object') return;
        const o = v as Record<string, unknown>;
        if (path !== '' && Array.isArray(o.sources)) for (const s of o.sources as string[]) expect(ids.has(s), `${f}${path}: unknown source ${s}`).toBe(true);
        for (const [k, x] of Object.entries(o)) if (!(path === '' && k === 'sources')) walk(x, `${path}.${k}`);
      };
      walk(doc, '');
    }
    const fns = readFacts<{ functions: Array<{ class: string; file: string; sources: string[] }> }>('functions.json').functions;
    for (const fn of fns) {
      expect(fn.class).toBeTruthy();
      expect(fn.file).toMatch(/^sql\/.+\.scala$/);
      expect(fn.sources.length).toBeGreaterThan(0);
    }
  });

  it('are described in test/facts/README.md', () => {
    const readme = readFileSync(join(ROOT, 'test/facts/README.md'), 'utf8');
    for (const f of files) expect(readme).toContain(`spark/${f}`);
  });
});

describe('the Spark SQL type checker can fail', () => {
  it('a BIGINT passed to date_add (DateAdd is ExpectsInputTypes: no implicit cast), in 3.5 and 4.0', () => {
    for (const mode of MODES) {
      const p = sqlProblems("SELECT date_add(DATE '1970-01-01', days) AS d FROM t", { t: { days: 'bigint' } }, mode);
      expect(p.join('\n'), JSON.stringify(mode)).toMatch(/^1:36 DATATYPE_MISMATCH\.UNEXPECTED_INPUT_TYPE: date_add parameter 2 \(days\) requires \(INT or SMALLINT or TINYINT\), got BIGINT/);
      expect(sqlProblems("SELECT date_add(DATE '1970-01-01', TRY_CAST(days AS INT)) AS d FROM t", { t: { days: 'bigint' } }, mode)).toEqual([]);
    }
  });

  it('on the date_add of the rides job as it was generated before the fix', async () => {
    const rides = jobsOf((await generateFrom(['contracts'], ROOT, ['spark'])).files).find((j) => j.path === 'spark/rides_job.py')!;
    const before = rides.content.replace('TRY_CAST(e.after.requested_date.value AS INT)', 'e.after.requested_date.value');
    expect(before).not.toBe(rides.content);
    const [report] = checkJobs([{ path: 'rides_job.py', content: before }]);
    expect(report!.problems.join('\n')).toMatch(/^rides_job\.py:\d+:\d+: \[every version and mode\] FLATTEN_SQL: DATATYPE_MISMATCH\.UNEXPECTED_INPUT_TYPE: date_add parameter 2 \(days\) requires \(INT or SMALLINT or TINYINT\), got BIGINT/m);
  });

  it('ImplicitCastInputTypes casts where the mode allows; a cast that raises under ANSI is reported in ANSI mode only', () => {
    // char_length takes STRING or BINARY: an INT is cast to STRING in every mode
    for (const mode of MODES) expect(sqlProblems('SELECT char_length(n) AS l FROM t', { t: { n: 'int' } }, mode)).toEqual([]);
    // timestamp_millis is ExpectsInputTypes IntegralType: a DOUBLE is refused
    expect(sqlProblems('SELECT timestamp_millis(x) AS ts FROM t', { t: { x: 'double' } }, SPARK35)[0]).toMatch(/timestamp_millis parameter 1 \(child\) requires INTEGRAL, got DOUBLE/);
    // date_format takes a TIMESTAMP: a STRING is cast implicitly, which raises on a bad string under ANSI
    expect(sqlProblems("SELECT date_format(s, 'HH') AS h FROM t", { t: { s: 'string' } }, SPARK35)).toEqual([]);
    expect(sqlProblems("SELECT date_format(s, 'HH') AS h FROM t", { t: { s: 'string' } }, SPARK40)[0]).toMatch(/implicit cast STRING → TIMESTAMP raises CAST_INVALID_INPUT under ANSI/);
  });

  it('CAST of source data: ANSI raises, LEGACY wraps; TRY_CAST is clean', () => {
    const views = { t: { s: 'string', n: 'bigint' } };
    expect(sqlProblems('SELECT CAST(s AS DECIMAL(10,2)) AS d FROM t', views, SPARK40)[0]).toMatch(/CAST\(STRING AS DECIMAL\(10,2\)\) raises CAST_INVALID_INPUT under ANSI/);
    expect(sqlProblems('SELECT CAST(s AS DECIMAL(10,2)) AS d FROM t', views, SPARK35)).toEqual([]);
    expect(sqlProblems('SELECT CAST(n AS INT) AS i FROM t', views, SPARK35)[0]).toMatch(/CAST\(BIGINT AS INT\) wraps silently/);
    for (const mode of MODES) expect(sqlProblems('SELECT TRY_CAST(s AS DECIMAL(10,2)) AS d, TRY_CAST(n AS INT) AS i FROM t', views, mode)).toEqual([]);
    // a cast the analyzer refuses: DATE → BOOLEAN is LEGACY-only (Cast.canCast), not ANSI (Cast.canAnsiCast)
    expect(sqlProblems('SELECT CAST(d AS BOOLEAN) AS b FROM t', { t: { d: 'date' } }, SPARK35)).toEqual([]);
    expect(sqlProblems('SELECT CAST(d AS BOOLEAN) AS b FROM t', { t: { d: 'date' } }, SPARK40)[0]).toMatch(/CAST\(DATE AS BOOLEAN\) is not allowed \(Cast\.canAnsiCast\)/);
  });

  it('unknown functions, unresolved and ambiguous columns, wrong fields, mixed CASE types and window misuse', () => {
    const views = { t: { a: 'int', A2: 'string', e: 'struct<x:int,X:string>', m: 'map<string,int>', k: 'string' } };
    const p = (sql: string) => sqlProblems(sql, views, SPARK35).join('\n');
    expect(p('SELECT md5(k) AS h FROM t')).toMatch(/md5: not a function in the facts/);
    expect(p('SELECT nope FROM t')).toMatch(/UNRESOLVED_COLUMN: nope/);
    expect(sqlProblems('SELECT a FROM t', { t: { a: 'int', A: 'string' } }, SPARK35).join('\n')).toMatch(/AMBIGUOUS_REFERENCE: a matches 2 columns/);
    expect(p('SELECT e.x AS y FROM t')).toMatch(/AMBIGUOUS_REFERENCE_TO_FIELDS: x matches 2 fields/);
    expect(p('SELECT e.zz AS y FROM t')).toMatch(/FIELD_NOT_FOUND: no field zz/);
    expect(p("SELECT CASE WHEN a > 0 THEN a ELSE DATE '2024-01-01' END AS y FROM t")).toMatch(/DATA_DIFF_TYPES: CASE WHEN mixes/);
    expect(p('SELECT row_number() OVER (PARTITION BY k) AS rn FROM t')).toMatch(/the window must be ordered/);
    expect(p('SELECT row_number() OVER (PARTITION BY k ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS rn FROM t')).toMatch(/takes the frame ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW only/);
    expect(p('SELECT last_value(a, k) OVER (ORDER BY a) AS l FROM t')).toMatch(/argument 2 \(ignoreNulls\) must be a literal/);
    expect(p('SELECT a FROM t WHERE m = m')).toMatch(/INVALID_ORDERING_TYPE/);
    expect(p("SELECT a FROM t WHERE a = DATE '2024-01-01'")).toMatch(/BINARY_OP_DIFF_TYPES: INT = DATE/);
    expect(p("SELECT DATE '2024-13-45x' AS d FROM t")).toMatch(/does not parse as a date/);
    expect(p('SELECT a FROM nowhere')).toMatch(/TABLE_OR_VIEW_NOT_FOUND/);
    // and the same SQL without the mistakes passes
    expect(p("SELECT a, last_value(CASE WHEN a > 0 THEN k END, true) OVER (ORDER BY a) AS l, row_number() OVER (PARTITION BY k ORDER BY a DESC) AS rn, coalesce(A2, k) AS c FROM t WHERE k IN ('x', 'y') AND NOT (k RLIKE '^a$')")).toBe('');
  });

  it('nested values: lambdas that must be predicates, map and struct constructors, element_at, and their result types', () => {
    const views = { t: { xs: 'array<int>', ys: 'array<struct<a:int,b:string>>', m: 'map<string,bigint>', k: 'string', b: 'binary', n: 'int' } };
    const p = (sql: string) => sqlProblems(sql, views, SPARK40).join('\n');
    expect(p('SELECT exists(xs, _x -> _x) AS y FROM t')).toMatch(/the lambda of exists must return BOOLEAN, got INT/);
    expect(p('SELECT size(k) AS y FROM t')).toMatch(/UNEXPECTED_INPUT_TYPE: size parameter 1/);
    expect(p('SELECT map_from_entries(xs) AS y FROM t')).toMatch(/map_from_entries parameter 1 requires an ARRAY of pair STRUCT/);
    expect(p('SELECT named_struct(k, n) AS y FROM t')).toMatch(/CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING/);
    expect(p("SELECT named_struct('a') AS y FROM t")).toMatch(/WRONG_NUM_ARGS: named_struct /);
    expect(p("SELECT element_at(xs, 'one') AS y FROM t")).toMatch(/element_at on an ARRAY takes an INT index/);
    expect(p('SELECT map_keys(xs) AS y FROM t')).toMatch(/UNEXPECTED_INPUT_TYPE: map_keys parameter 1/);
    // the result types flow on: a map rebuilt from its keys is a map again, a filtered array keeps its type
    expect(p("SELECT a FROM (SELECT map_from_entries(transform(map_keys(m), _k -> named_struct('key', _k, 'value', TRY_CAST(element_at(m, _k) AS INT)))) AS a FROM t) AS s WHERE size(a) > 0")).toBe('');
    expect(p("SELECT exists(ys, _y -> _y.a > 1 AND NOT (_y.b RLIKE '^x')) AS e1, size(array_distinct(filter(xs, _x -> _x IS NOT NULL))) < size(xs) AS e2, exists(map_values(m), _v -> _v IS NULL) AS e3, conv(lpad(hex(b), 16, '0'), 16, -10) AS c FROM t")).toBe('');
    expect(p("SELECT element_at(named_struct('s', n).s, 1) AS y FROM t")).toMatch(/UNEXPECTED_INPUT_TYPE: element_at parameter 1 requires \(ARRAY or MAP\), got INT/);
  });

  it('the rows handed to createDataFrame must fit ROW_SCHEMA by position', async () => {
    const users = jobsOf((await generateFrom(['contracts'], ROOT, ['spark'])).files).find((j) => j.path === 'spark/users_job.py')!;
    const wrongType = users.content.replace('StructField("birth_date", DateType(), True)', 'StructField("birth_date", TimestampType(), True)');
    const wrongOrder = users.content.replace('SELECT\n    user_id,\n    full_name,', 'SELECT\n    full_name,\n    user_id,');
    expect(wrongType).not.toBe(users.content);
    expect(wrongOrder).not.toBe(users.content);
    const [a, b] = checkJobs([
      { path: 'a.py', content: wrongType },
      { path: 'b.py', content: wrongOrder },
    ]);
    expect(a!.problems.join('\n')).toMatch(/createDataFrame: CHECK_SQL\.birth_date is DATE but ROW_SCHEMA declares birth_date TIMESTAMP; the verifier gets a datetime\.date/);
    expect(b!.problems.join('\n')).toMatch(/createDataFrame: column 1 of CHECK_SQL is full_name but ROW_SCHEMA field 1 is user_id: rows are matched by position/);
    // the views that carry the trusted columns are checked too, by name
    expect(a!.problems.join('\n')).toMatch(/view events: birth_date is DATE but ROW_SCHEMA declares birth_date TIMESTAMP/);
    expect(a!.problems.join('\n')).toMatch(/view current_state: birth_date is DATE but ROW_SCHEMA declares birth_date TIMESTAMP/);
  });
});

describe('the generated Spark jobs type-check', () => {
  it('for the repository contracts, the MySQL example and the nested ride-events example (PostgreSQL, MySQL, Cassandra), in Spark 3.5 and 4.0 with ANSI off and on', async () => {
    const reports = await repoJobs();
    expect(reports.map((r) => r.path).sort()).toEqual(['spark/driver_locations_job.py', 'spark/payment_events_job.py', 'spark/payments_job.py', 'spark/ride_events_job.py', 'spark/rides_job.py', 'spark/users_job.py']);
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
    for (const r of reports) {
      // the job was followed to the end: the views and the createDataFrame were typed
      const relational = !['spark/rides_job.py', 'spark/driver_locations_job.py'].includes(r.path); // the Cassandra jobs have no TRUNCATE
      expect([...r.outputs.keys()], r.path).toEqual(['raw', 'decoded', 'events', ...(relational ? ['truncated'] : []), 'current_state', 'createDataFrame']);
      expect(Object.keys(r.sql).sort(), r.path).toEqual(['CHECK_SQL', 'CURRENT_SQL', 'FLATTEN_SQL', 'RECORDS_SQL', ...(relational ? ['TRUNCATED_SQL'] : [])]);
    }
  });

  it('with a field the CDC stream leaves out (contractgen.cdc.exclude): NULL in the lake, for every source', async () => {
    const sources = ['contracts/users.odcs.yaml', 'contracts/rides.odcs.yaml', 'examples/mysql-source/contracts/payments.odcs.yaml'].map((file) => {
      const doc = parse(readFileSync(join(ROOT, file), 'utf8')) as { schema: Array<{ properties: Array<{ name: string; required?: boolean; primaryKey?: boolean; customProperties?: unknown[] }> }> };
      const field = doc.schema[0]!.properties.find((p) => !p.required && !p.primaryKey)!;
      field.customProperties = [...(field.customProperties ?? []), { property: 'contractgen.cdc.exclude', value: true }];
      return { file, text: stringify(doc) };
    });
    const r = analyzeSources(sources, DEFAULT_CONFIG);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const out = await generateFiles({ model: r.model, config: DEFAULT_CONFIG, diagnostics: r.diagnostics, files: sources.map((s) => s.file), configErrors: false }, selectTargets(['spark']));
    const jobs = jobsOf(out.files);
    expect(jobs.length).toBe(3);
    expect(checkJobs(jobs).flatMap((x) => x.problems)).toEqual([]);
    expect(jobs.every((j) => /CAST\(NULL AS \w+\) AS /.test(j.content))).toBe(true);
  });

  it('set the Spark session config the trusted layer needs, read with Python\'s ast and checked against the SQLConf facts', async () => {
    const conf = readFacts<{ sqlconf: Record<string, { allowed?: string[]; default: Record<string, string> }> }>('sqlconf.json').sqlconf;
    const parquet = [...(await generateFrom(['contracts'], ROOT, ['parquet'])).files].filter(([p]) => p.endsWith('.parquet.txt'));
    expect(parquet.some(([, text]) => text.includes('TIMESTAMP(MICROS'))).toBe(true);
    for (const r of await repoJobs()) {
      const session = Object.fromEntries(r.session.map((s) => [s.key, s.value]));
      // the Parquet schemas declare TIMESTAMP(MICROS); Spark writes INT96 unless told otherwise (the default in 3.5 and 4.0)
      const tsType = conf['spark.sql.parquet.outputTimestampType']!;
      expect(tsType.default['3.5']).toBe('INT96');
      expect(tsType.default['4.0']).toBe('INT96');
      expect(session['spark.sql.parquet.outputTimestampType'], r.path).toBe('TIMESTAMP_MICROS');
      expect(tsType.allowed).toContain(session['spark.sql.parquet.outputTimestampType']!.toUpperCase());
      // each run writes the whole current state, so the write replaces the whole output (STATIC); DYNAMIC would
      // keep the old files of a partition none of whose rows is current any more (sqlconf.json)
      expect(conf['spark.sql.sources.partitionOverwriteMode']!.allowed).toContain(session['spark.sql.sources.partitionOverwriteMode']!.toUpperCase());
      expect(session['spark.sql.sources.partitionOverwriteMode']!.toUpperCase(), r.path).toBe('STATIC');
      // epoch conversions, date_format and TIMESTAMP_NTZ casts read the session time zone (the JVM's by default)
      expect(session['spark.sql.session.timeZone'], r.path).toBe('UTC');
    }
  });
});

describe('a source value that does not convert', () => {
  /** DuckDB's spelling of a Spark type, for a `decoded` table typed as the checker types the job's view. */
  const duck = (x: SparkType): string => {
    if (x.kind === 'struct') return `STRUCT(${x.fields.map((f) => `"${f.name}" ${duck(f.type)}`).join(', ')})`;
    if (x.kind === 'array') return `${duck(x.element)}[]`;
    return ({ string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', boolean: 'BOOLEAN', double: 'DOUBLE', float: 'FLOAT' } as Record<string, string>)[x.kind] ?? 'VARCHAR';
  };

  it('reaches the contract checks as a `type` violation, not NULL alone (the rides job\'s SQL, run on DuckDB)', async () => {
    const rides = jobsOf((await generateFrom(['contracts'], ROOT, ['spark'])).files).find((j) => j.path === 'spark/rides_job.py')!;
    const [report] = checkJobs([rides], [SPARK40]);
    const e = report!.outputs.get('decoded')![0]!.type as Extract<SparkType, { kind: 'struct' }>;
    const after = e.fields.find((f) => f.name === 'after')!.type as Extract<SparkType, { kind: 'struct' }>;
    const event = (rideId: string, fare: string) => ({
      _run_date: '2024-03-01',
      e: {
        ts_ms: 1,
        op: 'c',
        source: { ts_ms: 1, file: 'f', pos: 1 },
        after: Object.fromEntries(
          after.fields.map((f) => {
            const v = (f.type as Extract<SparkType, { kind: 'struct' }>).fields[0]!.type;
            const value = f.name === 'ride_id' ? rideId : f.name === 'fare_amount' ? fare : v.kind === 'string' ? 'x' : v.kind === 'double' ? 1.5 : 1;
            return [f.name, { value, deletion_ts: null, set: true }];
          }),
        ),
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'cg-spark-bad-'));
    const file = join(dir, 'decoded.jsonl');
    writeFileSync(file, [event('a', '10.50'), event('b', '123456789012.5'), event('c', 'not a number')].map((x) => JSON.stringify(x)).join('\n'));
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(`SET TimeZone = 'UTC'`);
      for (const m of DUCKDB_MACROS) await con.run(m);
      await con.run(`CREATE TABLE decoded AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {'e': '${duck(e).replace(/'/g, "''")}', '_run_date': 'VARCHAR'})`);
      await con.run(`CREATE TABLE events AS ${sparkToDuckdb(pythonSql(rides.content, 'FLATTEN_SQL'))}`);
      await con.run(`CREATE TABLE current_state AS ${sparkToDuckdb(pythonSql(rides.content, 'CURRENT_SQL'))}`);
      const rows = (await con.runAndReadAll(`SELECT ride_id, CAST(fare_amount AS VARCHAR) AS fare_amount, _violations FROM (${sparkToDuckdb(pythonSql(rides.content, 'CHECK_SQL'))}) ORDER BY ride_id`)).getRowObjectsJson() as Array<{ ride_id: string; fare_amount: string | null; _violations: string }>;
      expect(rows.map((r) => [r.ride_id, r.fare_amount, r._violations.split(',').includes('fare_amount:type')])).toEqual([
        ['a', '10.50', false],
        ['b', null, true],
        ['c', null, true],
      ]);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});

describe('the spark-submit line of each job', () => {
  it('names, per supported version, spark-avro for that Scala and Spark, and hadoop-aws at Spark\'s Hadoop (build.json)', async () => {
    const build = readFacts<{ build: { versions: Record<string, { scalaBinary: string; hadoop: string; sparkAvro: string }> } }>('build.json').build.versions;
    const jobs = jobsOf((await generateFrom(['contracts'], ROOT, ['spark'])).files);
    for (const j of jobs) {
      const avro = j.content.includes('from_avro(');
      for (const [version, facts] of Object.entries(build)) {
        const m = new RegExp(`^Spark ${version.replace('.', '\\.')}:\\n\\n {4}spark-submit --packages (\\S+) \\\\$`, 'm').exec(j.content);
        expect(m, `${j.path} Spark ${version}`).not.toBeNull();
        const pkgs = m![1]!.split(',');
        expect(pkgs, `${j.path} Spark ${version}`).toContain(`org.apache.hadoop:hadoop-aws:${facts.hadoop}`);
        const sparkAvro = pkgs.filter((p) => p.startsWith('org.apache.spark:spark-avro'));
        expect(sparkAvro.length, j.path).toBe(avro ? 1 : 0);
        if (avro) expect(sparkAvro[0]!.startsWith(`${facts.sparkAvro}:${version}.`), `${j.path}: ${sparkAvro[0]}`).toBe(true);
      }
    }
  });
});

describe('the packages each DAG submits the jobs with', () => {
  it('are those of the Spark `spark.version` names, by the build facts (a 3.5 package fails to load on 4.0)', async () => {
    const build = readFacts<{ build: { versions: Record<string, { scalaBinary: string; hadoop: string; sparkAvro: string }> } }>('build.json').build.versions;
    const { analysis } = await generateFrom(['contracts'], ROOT, ['airflow']);
    for (const [version, facts] of Object.entries(build)) {
      const config = { ...analysis.config, spark: { version: version as '3.5' | '4.0' } };
      const { files } = await generateFiles({ ...analysis, config }, selectTargets(['airflow']));
      const dags = [...files].filter(([p]) => p.endsWith('_dag.py'));
      expect(dags.length).toBe(2);
      for (const [path, text] of dags) {
        const lines = [...text.matchAll(/^ {8}packages="([^"]+)",$/gm)].map((m) => m[1]!.split(','));
        expect(lines.length, path).toBe(2); // the job and the quality runner
        for (const pkgs of lines) {
          expect(pkgs, `${path} Spark ${version}`).toContain(`org.apache.hadoop:hadoop-aws:${facts.hadoop}`);
          for (const p of pkgs.filter((x) => x.startsWith('org.apache.spark:spark-avro'))) expect(p.startsWith(`${facts.sparkAvro}:${version}.`), `${path}: ${p}`).toBe(true);
        }
      }
    }
  });
});

describe('property: the Spark jobs of random valid contracts type-check', () => {
  const runs = Math.min(RUNS, Number(process.env.SPARK_PROPERTY_RUNS ?? 60));
  it(`in Spark 3.5 and 4.0 with ANSI off and on (${runs} contracts)`, async () => {
    const jobs: Array<{ path: string; content: string; yaml: string }> = [];
    await fc.assert(
      fc.asyncProperty(contract, async (c) => {
        const sources = [{ file: 'contracts/random.odcs.yaml', text: c.yaml }];
        const r = analyzeSources(sources, DEFAULT_CONFIG);
        expect(r.diagnostics.filter((d) => d.severity === 'error'), c.yaml).toEqual([]);
        const out = await generateFiles({ model: r.model, config: DEFAULT_CONFIG, diagnostics: r.diagnostics, files: ['contracts/random.odcs.yaml'], configErrors: false }, selectTargets(['spark']));
        for (const j of jobsOf(out.files)) jobs.push({ path: `case ${jobs.length} ${j.path}`, content: j.content, yaml: c.yaml });
      }),
      params(runs),
    );
    expect(jobs.length).toBeGreaterThan(runs);
    const reports = checkJobs(jobs);
    const bad = reports.find((r) => r.problems.length);
    expect(reports.flatMap((r) => r.problems), bad ? `first failing contract:\n${jobs.find((j) => j.path === bad.path)!.yaml}` : '').toEqual([]);
  }, 600_000);
});
