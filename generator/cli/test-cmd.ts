/**
 * `contractgen test`: runs the quality suites the `quality` target generates against real data on embedded
 * DuckDB. Loaded only when the command runs (DuckDB is a native module; lint never sees it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analysis } from '../analyze.js';
import type { Io } from './main.js';
import { cmp, UsageError } from '../diagnostics/diagnostic.js';
import { loadTemplates } from '../emit/templates.js';
import { lakeName } from '../model/naming.js';
import { attachData } from '../quality/data.js';
import { ident, runSuite, type Suite } from '../quality/duckdb.js';
import { renderJson, renderJunit, renderText, type SuiteResult, type TestFormat } from '../quality/report.js';
import { qualityTarget } from '../targets/quality.js';

export function parseTestFormat(v: string | undefined): TestFormat {
  if (v === undefined) return 'text';
  if (v === 'text' || v === 'json' || v === 'junit') return v;
  throw new UsageError(`--format must be text, json or junit, not ${JSON.stringify(v)}`);
}

/** The suites, exactly as the quality target writes them, per lake name. */
export function suitesOf(a: Analysis): Map<string, Suite> {
  const r = qualityTarget.run(a.model, { config: a.config, template: loadTemplates() });
  return new Map(r.files.filter((f) => f.path.endsWith('.json')).map((f) => [f.path.slice(0, -'.json'.length), JSON.parse(f.content) as Suite]));
}

export async function runTests(a: Analysis, data: string, only: readonly string[], format: TestFormat, io: Io): Promise<number> {
  const suites = suitesOf(a);
  const datasets = a.model.datasets.filter((d) => suites.has(lakeName(d)) && (only.length === 0 || only.includes(d.name) || only.includes(lakeName(d))));
  for (const o of only) if (!a.model.datasets.some((d) => d.name === o || lakeName(d) === o)) throw new UsageError(`unknown dataset ${JSON.stringify(o)}`);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const tmp = mkdtempSync(join(tmpdir(), 'contractgen-test-'));
  const progress = io.isTTY && format === 'text';
  try {
    const { found, missing } = await attachData(conn, data, datasets, a.config, io.cwd, io.env, tmp);
    if (found.size === 0) throw new UsageError(`--data ${data}: no data for ${datasets.map(lakeName).join(', ')} (expected <dataset>.parquet, <dataset>.jsonl or a folder <dataset>/)`);
    for (const m of missing) io.stderr(`contractgen test: no data for ${m} in ${data}; skipped\n`);
    const results: SuiteResult[] = [];
    for (const lake of [...found.keys()].sort(cmp)) {
      const rows = Number(((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${ident(lake)}`)).getRowObjectsJson()[0] as { n: string }).n);
      const outcomes = await runSuite(conn, suites.get(lake)!, lake, (i, n, e) => {
        if (progress) io.stderr(`\r\x1b[K[${i + 1}/${n}] ${lake}: ${e.type}`);
      });
      results.push({ dataset: lake, from: found.get(lake)!, rows, outcomes });
    }
    if (progress) io.stderr('\r\x1b[K');
    io.stdout(format === 'json' ? renderJson(results) : format === 'junit' ? renderJunit(results) : renderText(results, io.isTTY && !('NO_COLOR' in io.env)));
    return results.some((r) => r.outcomes.some((o) => !o.passed)) ? 1 : 0;
  } finally {
    conn.closeSync();
    db.closeSync();
    rmSync(tmp, { recursive: true, force: true });
  }
}
