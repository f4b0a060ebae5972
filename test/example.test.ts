/**
 * The ride-platform example (examples/ride-platform, `npm run example`) in a reduced size: a real PostgreSQL
 * and its logical decoding, the generated sync engine on s3rver, the generated Spark SQL on DuckDB, the
 * generated quality suites. Asserts the counts per layer and that exactly the planted violations are caught;
 * and that the Spark → DuckDB rewrites keep what they do not need to touch.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { runExample } from '../examples/ride-platform/pipeline.js';
import { DUCKDB_MACROS, pythonSql, sparkToDuckdb } from '../examples/ride-platform/spark-sql.js';
import { verdict } from '../examples/ride-platform/verdict.js';
import { ROOT } from './helpers/reference.js';

describe('examples/ride-platform', () => {
  it('runs the platform end to end and catches exactly the planted violations', async () => {
    const lines: string[] = [];
    const r = await runExample({ root: ROOT, users: 60, rides: 120, log: (l) => lines.push(l) });
    expect(r.layers).toEqual([
      { dataset: 'users', source: 60, events: 60, raw: 60, trusted: 60, quarantined: 0 },
      { dataset: 'rides', source: 120, events: 120, raw: 120, trusted: 119, quarantined: 1 },
    ]);
    expect(r.caught).toEqual({ users: ['users:quality:users_updated_after_created'], rides: ['rides.ride_id:unique', 'rides:quality:rides_completed_after_requested'] });
    expect(r.quarantine).toEqual({ users: [], rides: ['status:validValues'] });
    expect(verdict(r)).toEqual([]);
    expect(r.objects).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('from the pgoutput slot'))).toBe(true);
  }, 120_000);

  it('verdict notices a violation the platform missed', () => {
    const missed = { layers: [], caught: { users: [], rides: ['rides.ride_id:unique'] }, quarantine: { users: [], rides: [] }, planted: {}, outcomes: [], objects: 0, seconds: 0 };
    expect(verdict(missed).length).toBe(3);
  });

  it('rewrites Spark SQL for DuckDB only where the dialects differ', async () => {
    const py = 'X_SQL = """\nSELECT `a b`, last_value(CASE WHEN c__set THEN c END, true) OVER w AS c, concat_ws(\',\', CASE WHEN NOT (d RLIKE \'^\\\\\\\\d+$\') THEN \'d:pattern\' END) AS v, date_add(DATE \'1970-01-01\', n) AS day, timestamp_millis(ms) AS ts, to_timestamp(iso) AS zts, \'it\\\\\'s\' AS q\nFROM t\nWINDOW w AS (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)\n"""\n';
    const sql = sparkToDuckdb(pythonSql(py, 'X_SQL'));
    expect(sql).toContain('"a b"');
    expect(sql).toContain('last_value(CASE WHEN c__set THEN c END IGNORE NULLS)');
    expect(sql).toContain("regexp_matches(d, '^\\d+$')");
    expect(sql).toContain("'it''s'");
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`SET TimeZone = 'UTC'`);
    for (const m of DUCKDB_MACROS) await con.run(m);
    await con.run(`CREATE TABLE t AS SELECT * FROM (VALUES (1, true, 'x', '12', 19783, 1709294400123, '2024-03-01T12:00:00Z'), (2, false, NULL, 'z', 19784, 1709294400000, '2024-03-01T13:00:00Z')) v("a b", c__set, c, d, n, ms, iso)`);
    const rows = (await con.runAndReadAll(`${sql} ORDER BY day`)).getRowObjectsJson();
    expect(rows).toEqual([
      { 'a b': 1, c: 'x', v: '', day: '2024-03-01', ts: '2024-03-01 12:00:00.123+00', zts: '2024-03-01 12:00:00+00', q: "it's" },
      { 'a b': 2, c: 'x', v: 'd:pattern', day: '2024-03-02', ts: '2024-03-01 12:00:00+00', zts: '2024-03-01 13:00:00+00', q: "it's" },
    ]);
    con.closeSync();
    db.closeSync();
  });
});
