/**
 * Nested objects, arrays of scalars and of objects, maps and JSON columns, from a PostgreSQL, a MySQL and a
 * Cassandra source (examples/ride-events), through every target and its real validator:
 *   - every artifact passes the validators of the property tests (libpg-query, the MySQL, Trino and Spark SQL
 *     grammars, avsc, Ruff and CPython, the Unity Catalog spec …), and nothing is an empty struct;
 *   - a real PostgreSQL accepts the contract's example rows and rejects a row that breaks each nested, array
 *     and compound constraint, naming the constraint;
 *   - DuckDB, writing Parquet from the declared types, lays the columns out as the generated Parquet schema says;
 *   - `contractgen test` reads nested and JSON columns with their declared shape and finds planted violations;
 *   - every nested constraint reaches the quality suite, the Spark job and the source DDL (or is a positioned
 *     CONSTRAINT_UNENFORCED warning);
 *   - the committed output under examples/ride-events/generated is current.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSources, type Analysis } from '../generator/analyze.js';
import { DEFAULT_CONFIG } from '../generator/config/config.js';
import { buildSuite } from '../generator/quality/suite.js';
import { FORMAT_PATTERNS } from '../generator/model/formats.js';
import type { Dataset } from '../generator/model/ir.js';
import { nestedChecks } from '../generator/model/nested.js';
import { mapType } from '../generator/model/types.js';
import { cli } from './helpers/cli.js';
import { generateFrom } from './helpers/generate.js';
import { startPg, type PgCluster } from './helpers/pg.js';
import { ROOT } from './helpers/reference.js';
import { validateOutputs } from './helpers/validators.js';

const CONTRACTS = 'examples/ride-events/contracts';
const DATA = join(ROOT, 'examples/ride-events/data');

let analysis: Analysis;
let files: Map<string, string>;
const ds = (name: string) => analysis.model.datasets.find((d) => d.name === name)!;
const dataRows = (name: string) => readFileSync(join(DATA, `${name}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  ({ analysis, files } = await generateFrom([CONTRACTS]));
});

describe('the ride-events example: nested data from three sources', () => {
  it('lints with no error, and warns exactly where a choice was made for the user', () => {
    const got = analysis.diagnostics.map((d) => `${d.severity} ${d.rule} ${d.file.split('/').pop()}:${d.line}`).sort();
    expect(got).toEqual(['warning DECIMAL_UNSIZED ride-events.odcs.yaml:154', 'warning SOURCE_HOST_UNDERSCORE ride-events.odcs.yaml:13']);
  });

  it('models what a user wrote: objects, arrays, maps, JSON, enums, a compound key', () => {
    const re = ds('ride_events');
    const kind = (n: string) => re.fields.find((f) => f.name === n)!.type.kind;
    expect(['tags', 'pickup', 'stops', 'attributes', 'payload', 'surge_multiplier'].map(kind)).toEqual(['array', 'object', 'array', 'map', 'json', 'decimal']);
    expect(re.uniqueKeys).toEqual([['ride_id', 'seq']]);
    expect(re.fields.find((f) => f.name === 'kind')!.constraints.enumEntries![0]).toEqual({ value: 'requested', label: 'Requested', description: 'A rider asked for a ride.' });
    expect(re.context?.instructions).toMatch(/^Use \(ride_id, seq\)/);
    expect(ds('driver_locations').fields.find((f) => f.name === 'raw')!.type.kind).toBe('json');
  });

  it('generates artifacts that every real validator accepts', async () => {
    expect(await validateOutputs(files, 'ride-events')).toEqual([]);
  });

  it('never writes an empty struct, and decodes JSON text with its declared shape', () => {
    for (const [path, text] of files) expect(text, path).not.toMatch(/\brow\(\)|StructType\(\[\]\)|struct<>|STRUCT\(\)|"fields": \[\]/);
    const job = files.get('spark/ride_events_job.py')!;
    expect(job).toContain(`from_json(_row.pickup, 'struct<lat:double,lon:double,address:string>') AS pickup`);
    expect(job).toContain(`from_json(_row.attributes, 'map<string,string>') AS attributes`);
    // a native PostgreSQL array is an Avro array: no JSON to parse; a JSON column stays text
    expect(job).toContain(`_row.tags AS tags`);
    expect(job).toContain(`_row.payload AS payload`);
    expect(job).toMatch(/StructField\("attributes", MapType\(StringType\(\), StringType\(\), True\), True\)/);
    const cql = files.get('cassandra/driver_locations.cql')!;
    expect(cql.indexOf('CREATE TYPE IF NOT EXISTS mobility.driver_locations_position')).toBeLessThan(cql.indexOf('CREATE TABLE'));
    expect(cql).toContain('position frozen<driver_locations_position>,');
    expect(cql).toContain('sensors frozen<map<text,double>>,');
    expect(files.get('trino/ride_events.sql')).toContain('attributes map(varchar, varchar)');
    const uc = JSON.parse(files.get('unity-catalog/tables/trusted.ride_events.json')!) as { columns: Array<{ name: string; type_name: string; type_text: string; type_json: string }> };
    const attributes = uc.columns.find((c) => c.name === 'attributes')!;
    expect([attributes.type_name, attributes.type_text]).toEqual(['MAP', 'map<string,string>']);
    expect(JSON.parse(attributes.type_json)).toMatchObject({ name: 'attributes', type: { type: 'map', keyType: 'string', valueType: 'string', valueContainsNull: true }, nullable: true });
  });

  it('keeps the committed output under examples/ride-events/generated current', async () => {
    const r = await cli(['generate', '--check', '--contracts', CONTRACTS, '--out', 'examples/ride-events/generated'], ROOT);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('puts every nested constraint in the quality suite, the Spark job and the source DDL, or warns where it cannot', async () => {
    const warnings = (await cli(['generate', '--print', '--contracts', CONTRACTS, '--target', 'mysql', '--target', 'postgres'], ROOT)).stderr;
    for (const d of analysis.model.datasets) {
      const suite = JSON.parse(files.get(`quality/${d.name}.json`)!) as { expectations: Array<{ meta: { contract_rule: string } }> };
      const rules = new Set(suite.expectations.map((e) => e.meta.contract_rule));
      const job = files.get(`spark/${d.name}_job.py`)!;
      const ddl = d.source!.kind === 'postgres' ? files.get(`postgres/${d.name}.sql`)! : d.source!.kind === 'mysql' ? files.get(`mysql/${d.name}.sql`)! : undefined;
      let checked = 0;
      for (const f of d.fields) {
        for (const c of nestedChecks(d.name, f, FORMAT_PATTERNS)) {
          checked++;
          expect(rules.has(c.rule), `${c.rule}: quality suite`).toBe(true);
          expect(job, `${c.rule}: Spark job`).toContain(`THEN '${c.rule.slice(d.name.length + 1)}' END`);
          if (!ddl) continue;
          const unenforced = warnings.includes(`CONSTRAINT_UNENFORCED`) && warnings.includes(c.rule);
          const inDdl = d.source!.kind === 'mysql' ? ddl.includes(`${d.table}_${f.physicalName}_schema`) : new RegExp(`CONSTRAINT ${d.table}_${f.physicalName}_\\w+ CHECK`).test(ddl);
          expect(inDdl || unenforced, `${c.rule}: DDL`).toBe(true);
        }
      }
      expect(checked, d.name).toBeGreaterThan(2);
    }
    expect(warnings).toMatch(/payment-events\.odcs\.yaml:56:19: warning CONSTRAINT_UNENFORCED mysql cannot enforce payment_events\.card\.last4:pattern/);
  });
});

describe('PostgreSQL enforces the nested, array and compound constraints', () => {
  let cluster: PgCluster;
  let db: pg.Client;
  let re: Dataset;
  const jsonb = new Set<string>();

  beforeAll(async () => {
    re = ds('ride_events');
    for (const f of re.fields) if (mapType(f.type).postgres === 'jsonb') jsonb.add(f.physicalName);
    cluster = await startPg();
    const admin = await cluster.client();
    await admin.query('CREATE DATABASE rides');
    await admin.end();
    db = await cluster.client('rides');
    await db.query(files.get('postgres/ride_events.sql')!);
    await db.query('BEGIN');
  });
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
  });

  const example = () => Object.fromEntries(re.fields.map((f) => [f.physicalName, f.examples[0]]));
  let n = 0;
  /** A row with a fresh key and sequence number, overridden by `over`. */
  const row = (over: Record<string, unknown>): Record<string, unknown> => ({ ...example(), event_id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, seq: 1000 + n, ...over });
  const insert = (r: Record<string, unknown>) => {
    const cols = Object.keys(r);
    return db.query(`INSERT INTO events.ride_events (${cols.join(', ')}) VALUES (${cols.map((c, i) => `$${i + 1}${jsonb.has(c) ? '::jsonb' : ''}`).join(', ')})`, cols.map((c) => (jsonb.has(c) && r[c] !== null ? JSON.stringify(r[c]) : r[c])));
  };
  async function rejected(r: Record<string, unknown>): Promise<{ code: string; constraint?: string }> {
    await db.query('SAVEPOINT s');
    try {
      await insert(r);
    } catch (e) {
      await db.query('ROLLBACK TO SAVEPOINT s');
      return { code: (e as { code: string }).code, ...((e as { constraint?: string }).constraint ? { constraint: (e as { constraint: string }).constraint } : {}) };
    }
    await db.query('ROLLBACK TO SAVEPOINT s');
    throw new Error(`accepted: ${JSON.stringify(r)}`);
  }

  it("accepts the contract's example row and the example data", async () => {
    await insert(example());
    for (const r of dataRows('ride_events').slice(1)) await insert(r);
    expect((await db.query('SELECT count(*)::int AS n FROM events.ride_events')).rows[0].n).toBe(2);
  });

  const VIOLATIONS: Array<[string, Record<string, unknown>, string]> = [
    ['a pickup that is not an object', { pickup: [52.5, 13.4] }, 'ride_events_pickup_type'],
    ['a pickup without lat', { pickup: { lon: 13.4 } }, 'ride_events_pickup_lat_required'],
    ['a pickup with lat null', { pickup: { lat: null, lon: 13.4 } }, 'ride_events_pickup_lat_required'],
    ['{"lat": 200}', { pickup: { lat: 200, lon: 13.4 } }, 'ride_events_pickup_lat_range'],
    ['a pickup without lon', { pickup: { lat: 52.5 } }, 'ride_events_pickup_lon_required'],
    ['{"lon": 500}', { pickup: { lat: 1, lon: 500 } }, 'ride_events_pickup_lon_range'],
    ['a lat that is text', { pickup: { lat: 'north', lon: 13.4 } }, 'ride_events_pickup_shape'],
    ['an address of 201 characters', { pickup: { lat: 1, lon: 1, address: 'x'.repeat(201) } }, 'ride_events_pickup_address_length'],
    ['11 tags', { tags: Array.from({ length: 11 }, (_, i) => `t${'abcdefghijk'[i]}`) }, 'ride_events_tags_items'],
    ['a tag twice', { tags: ['airport', 'airport'] }, 'ride_events_tags_uniqueitems'],
    ['a tag that breaks the pattern', { tags: ['Airport'] }, 'ride_events_tags_item_pattern'],
    ['a null tag', { tags: ['airport', null] }, 'ride_events_tags_item_required'],
    ['stops that are not an array', { stops: { lat: 1, lon: 1 } }, 'ride_events_stops_type'],
    ['6 stops', { stops: Array.from({ length: 6 }, () => ({ lat: 1, lon: 1 })) }, 'ride_events_stops_items'],
    ['a stop at lat 100', { stops: [{ lat: 100, lon: 1 }] }, 'ride_events_stops_item_lat_range'],
    ['a stop without lon', { stops: [{ lat: 1 }] }, 'ride_events_stops_item_lon_required'],
    ['a stop without lat', { stops: [{ lon: 1 }] }, 'ride_events_stops_item_lat_required'],
    ['a second stop at lon -181', { stops: [{ lat: 1, lon: 1 }, { lat: 1, lon: -181 }] }, 'ride_events_stops_item_lon_range'],
    ['a wait of 1.5 seconds', { stops: [{ lat: 1, lon: 1, wait_seconds: 1.5 }] }, 'ride_events_stops_shape'],
    ['a negative wait', { stops: [{ lat: 1, lon: 1, wait_seconds: -1 }] }, 'ride_events_stops_item_wait_seconds_range'],
    ['an attribute of 101 characters', { attributes: { note: 'x'.repeat(101) } }, 'ride_events_attributes_value_length'],
    ['an attribute that is a number', { attributes: { count: 3 } }, 'ride_events_attributes_shape'],
    ['attributes that are a list', { attributes: ['a'] }, 'ride_events_attributes_type'],
    ['an unknown kind', { kind: 'teleported' }, 'ride_events_kind_check'],
  ];

  it('rejects a row that breaks each nested and array constraint, naming that constraint', async () => {
    for (const [what, over, constraint] of VIOLATIONS) expect(await rejected(row(over)), what).toEqual({ code: '23514', constraint });
    // a tag longer than its items' maxLength: varchar(20)[] refuses it before any CHECK
    expect((await rejected(row({ tags: ['x'.repeat(21)] }))).code).toBe('22001');
    // every CHECK the server has was broken by some row above
    const checks = (await db.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'events.ride_events'::regclass AND contype = 'c'`)).rows.map((r) => r.conname as string);
    const exercised = new Set(VIOLATIONS.map(([, , c]) => c));
    expect(checks.filter((c) => !exercised.has(c) && c !== 'ride_events_tags_item_length').sort()).toEqual([]);
  });

  it('rejects a duplicate of the compound unique key (ride_id, seq)', async () => {
    const first = row({});
    await insert(first);
    expect(await rejected(row({ ride_id: first.ride_id, seq: first.seq }))).toEqual({ code: '23505', constraint: 'ride_events_ride_id_seq_key' });
  });

  it('contractgen test reads the table back with its declared shape: jsonb as structs and maps, arrays as lists', async () => {
    await db.query('ROLLBACK');
    for (const r of dataRows('ride_events')) await insert(r);
    const r = await cli(['test', '--contracts', CONTRACTS, '--data', `postgresql://${cluster.user}:${cluster.password}@127.0.0.1:${cluster.port}/rides`], ROOT);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS ride_events\.pickup:type \(expect_column_values_to_be_of_type\) type="StructType"/);
    expect(r.stdout).toMatch(/PASS ride_events\.attributes:type \(expect_column_values_to_be_of_type\) type="MapType"/);
    expect(r.stdout).toMatch(/PASS ride_events\.stops\[\]\.lat:range/);
    expect(r.stdout).toContain('ride_events: 41 expectations on 2 rows');
    await db.query('BEGIN');
  });

  it('computes with the helper functions it created, and they are IMMUTABLE', async () => {
    const fns = (await db.query(`SELECT proname, provolatile FROM pg_proc WHERE pronamespace = 'events'::regnamespace ORDER BY proname`)).rows;
    expect(fns.map((f) => [f.proname, f.provolatile])).toEqual([
      ['contractgen_all_lengths', 'i'],
      ['contractgen_all_match', 'i'],
      ['contractgen_unique_elements', 'i'],
    ]);
  });
});

describe('the lake reads nested columns with their declared shape', () => {
  it('DuckDB, writing Parquet from the declared types, lays out every column as the generated Parquet schema', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const dir = mkdtempSync(join(tmpdir(), 'cg-nested-'));
    for (const d of analysis.model.datasets) {
      const cols = `{${d.fields.map((f) => `'${f.physicalName}': '${mapType(f.type).duckdb.replace(/'/g, "''")}'`).join(', ')}}`;
      const file = join(dir, `${d.name}.parquet`);
      await con.run(`COPY (SELECT * FROM read_json('${join(DATA, `${d.name}.jsonl`)}', format = 'newline_delimited', columns = ${cols})) TO '${file}' (FORMAT parquet)`);
      const written = (await con.runAndReadAll(`SELECT name, type, num_children FROM parquet_schema('${file}')`)).getRowObjectsJson() as Array<{ name: string; type: string | null; num_children: string | null }>;
      const ours = (JSON.parse(files.get(`parquet/${d.name}.parquet.json`)!) as { schema: Array<{ name: string; type?: string; num_children?: number }> }).schema;
      const shape = (xs: Array<{ name: string; type?: string | null; num_children?: number | string | null }>) => xs.slice(1).map((x) => `${x.name}:${x.type ?? 'group'}:${Number(x.num_children ?? 0)}`);
      expect(shape(written), d.name).toEqual(shape(ours));
    }
    con.closeSync();
    db.closeSync();
  });

  it('contractgen test passes the example data, nested and JSON columns included', async () => {
    const r = await cli(['test', '--contracts', CONTRACTS, '--data', DATA], ROOT);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS ride_events\.stops\[\]\.lat:range \(unexpected_rows_expectation\)/);
    expect(r.stdout).toMatch(/PASS ride_events\.attributes:type \(expect_column_values_to_be_of_type\) type="MapType"/);
    expect(r.stdout).toMatch(/PASS ride_events\.payload:type \(expect_column_values_to_be_of_type\) type="StringType"/);
  });

  it('contractgen test finds exactly the planted nested violations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-nested-data-'));
    const [good] = dataRows('ride_events');
    const bad = { ...good, event_id: '00000000-0000-4000-8000-0000000000aa', seq: 7, pickup: { lat: 200, lon: 13.4 }, tags: ['night', 'night'], stops: [{ lat: 1, lon: null }], attributes: { note: 'x'.repeat(101) } };
    writeFileSync(join(dir, 'ride_events.jsonl'), `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
    const r = await cli(['test', '--contracts', CONTRACTS, '--data', dir, '--dataset', 'ride_events'], ROOT);
    expect(r.code).toBe(1);
    const failed = [...r.stdout.matchAll(/^ {2}FAIL (\S+) /gm)].map((m) => m[1]).sort();
    expect(failed).toEqual(['ride_events.attributes{value}:length', 'ride_events.pickup.lat:range', 'ride_events.stops[].lon:required', 'ride_events.tags:uniqueItems']);
  });
});

describe('what a user writes is modelled as meant', () => {
  const head = (api = 'v3.2.0', host = 'db.internal') => `apiVersion: ${api}\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nservers:\n  - server: db\n    type: postgres\n    host: ${host}\n    port: 5432\n    database: app\n    schema: public\nschema:\n  - name: t\n`;
  const props = (yaml: string) => `    properties:\n      - name: id\n        logicalType: integer\n        primaryKey: true\n${yaml}`;
  const analyzeOne = (text: string) => analyzeSources([{ file: 't.yaml', text }], DEFAULT_CONFIG);
  const typeOf = (yaml: string) => analyzeOne(head() + props(yaml)).model.datasets[0]!.fields[1]!.type;
  const rulesOf = (text: string) => analyzeOne(text).diagnostics.map((d) => `${d.severity} ${d.rule}`);

  it('an integer physicalType makes logicalType number an integer', () => {
    expect(typeOf('      - name: n\n        logicalType: number\n        physicalType: bigint\n')).toEqual({ kind: 'int64' });
    expect(typeOf('      - name: n\n        logicalType: number\n        physicalType: INT\n')).toEqual({ kind: 'int32' });
    expect(typeOf('      - name: n\n        logicalType: number\n        physicalType: double\n')).toEqual({ kind: 'float64' });
  });

  it('JSON with no declared shape is json: an object without properties, a json column, an array that does not say what it holds', () => {
    expect(typeOf('      - name: j\n        logicalType: object\n').kind).toBe('json');
    expect(typeOf('      - name: j\n        logicalType: object\n        physicalType: jsonb\n').kind).toBe('json');
    expect(typeOf('      - name: j\n        logicalType: string\n        physicalType: json\n').kind).toBe('json');
    expect(typeOf('      - name: j\n        logicalType: array\n        logicalTypeOptions: {maxItems: 3}\n')).toMatchObject({ kind: 'array', items: { type: { kind: 'json' } } });
  });

  it('a host name with an underscore is a warning; a host name with a space is still an error', () => {
    expect(rulesOf(head('v3.2.0', 'rides_db') + props(''))).toEqual(['warning SOURCE_HOST_UNDERSCORE']);
    expect(rulesOf(head('v3.2.0', '"rides db"') + props(''))).toContain('error SOURCE_INVALID');
  });

  it('refuses, positioned, what no target can represent: map keys that are not strings, nested keys and partitions', () => {
    const map = analyzeOne(head() + props('      - name: m\n        logicalType: map\n        map:\n          key: {logicalType: integer}\n          value: {logicalType: string}\n')).diagnostics;
    expect(map.map((d) => [d.rule, d.line])).toEqual([['TYPE_UNSUPPORTED', 22]]); // at map.key
    expect(map[0]!.message).toMatch(/postgres and mysql keep a map as a JSON object/);
    const key = head() + '    properties:\n      - name: id\n        logicalType: object\n        primaryKey: true\n        properties:\n          - {name: a, logicalType: string}\n';
    expect(rulesOf(key)).toContain('error TYPE_UNSUPPORTED');
    expect(rulesOf(head() + props('      - name: tags\n        logicalType: array\n        logicalTypeOptions: {minItems: 3, maxItems: 2}\n        items: {logicalType: string}\n'))).toEqual(['error CONSTRAINT_INCONSISTENT']);
  });

  it('one value set, one expectation naming every rule that states it; the ODCS {object} placeholder', () => {
    const text = head() + props('      - name: s\n        logicalType: string\n        enum: [{value: a}, {value: b}]\n        quality:\n          - {id: s_values, metric: invalidValues, arguments: {validValues: [b, a]}, mustBe: 0}\n          - {id: s_narrow, metric: invalidValues, arguments: {validValues: [a]}, mustBe: 0}\n') + '    quality:\n      - {id: q, type: sql, query: "SELECT COUNT(*) FROM {object} WHERE id < 0", mustBe: 0}\n';
    const a = analyzeOne(text);
    expect(a.diagnostics).toEqual([]);
    const { suite, problems } = buildSuite(a.model.datasets[0]!);
    expect(problems).toEqual([]);
    const inSet = suite.expectations.filter((e) => e.type === 'expect_column_values_to_be_in_set');
    expect(inSet.map((e) => [e.kwargs, e.meta.contract_rules])).toEqual([
      [{ column: 's', value_set: ['a', 'b'] }, ['t.s:validValues', 't:quality:s_values']],
      [{ column: 's', value_set: ['a'] }, undefined],
    ]);
    expect(suite.expectations.find((e) => e.meta.contract_rule === 't:quality:q')!.kwargs).toEqual({ unexpected_rows_query: 'SELECT * FROM {batch} WHERE id < 0' });
  });
});
