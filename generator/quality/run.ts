/**
 * `contractgen test`'s engine: the typed suites of the datasets (suite.ts), evaluated on their rows with embedded
 * DuckDB. Returns typed results; the command renders them (report.ts). The suites are built from the model
 * directly, so what runs does not depend on the GX version the `quality` target writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/config.js';
import { cmp, UsageError } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/ir.js';
import { lakeName } from '../model/naming.js';
import { attachData, shownData } from './data.js';
import { ident, runSuite } from './duckdb.js';
import type { SuiteResult } from './report.js';
import { buildSuite, gxType, type Suite } from './suite.js';

export interface QualityRun {
  model: Model;
  config: PlatformConfig;
  /** --data: a folder, s3://bucket/prefix or a postgresql:// URL */
  data: string;
  /** dataset or lake names; empty: every dataset with data */
  only: readonly string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** a dataset without data (it is skipped); `where` is --data with any password masked */
  onMissing?: (lake: string, where: string) => void;
  /** before each expectation, with its GX type */
  onStep?: (lake: string, done: number, total: number, type: string) => void;
}

/** Every dataset's suite, by lake name. */
export function suitesOf(model: Model): Map<string, Suite> {
  return new Map(model.datasets.map((ds) => [lakeName(ds), buildSuite(ds).suite]));
}

export async function runQuality(r: QualityRun): Promise<SuiteResult[]> {
  for (const o of r.only) if (!r.model.datasets.some((d) => d.name === o || lakeName(d) === o)) throw new UsageError(`unknown dataset ${JSON.stringify(o)}`);
  const suites = suitesOf(r.model);
  const datasets = r.model.datasets.filter((d) => r.only.length === 0 || r.only.includes(d.name) || r.only.includes(lakeName(d)));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const tmp = mkdtempSync(join(tmpdir(), 'contractgen-test-'));
  try {
    const { found, missing } = await attachData(conn, r.data, datasets, r.config, r.cwd, r.env, tmp);
    if (found.size === 0) throw new UsageError(`--data ${shownData(r.data)}: no data for ${datasets.map(lakeName).join(', ')} (expected <dataset>.parquet, <dataset>.jsonl or a folder <dataset>/)`);
    for (const m of missing) r.onMissing?.(m, shownData(r.data));
    const results: SuiteResult[] = [];
    for (const lake of [...found.keys()].sort(cmp)) {
      const from = found.get(lake)!;
      let rows: number;
      try {
        rows = Number(((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${ident(lake)}`)).getRowObjectsJson()[0] as { n: string }).n);
      } catch (e) {
        // rows that cannot be read as the contract's types (or a file that is not what its name says)
        throw new UsageError(`--data ${shownData(r.data)}: cannot read ${lake} from ${from}: ${(e as Error).message.split('\n')[0]}`);
      }
      const outcomes = await runSuite(conn, suites.get(lake)!, lake, (i, n, e) => r.onStep?.(lake, i, n, gxType(e)));
      results.push({ dataset: lake, from, rows, outcomes });
    }
    return results;
  } finally {
    conn.closeSync();
    db.closeSync();
    rmSync(tmp, { recursive: true, force: true });
  }
}
