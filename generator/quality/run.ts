/**
 * `contractgen test`'s engine: the typed suites of the datasets (suite.ts), evaluated on their rows with embedded
 * DuckDB. Returns typed results; the command renders them (report.ts). The suites are built from the model
 * directly, so what runs does not depend on the GX version the `quality` target writes.
 *
 * The results never hold a personal value: in the failing rows, a column shows its value only when it is a field
 * of the contract that is not PII (`contractgen.pii`, or classification `restricted`), nested fields included;
 * every other value (PII, or a column the contract does not name, such as a SQL rule's computed one) is masked,
 * and quoted text in error messages is too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformConfig } from '../config/config.js';
import { cmp, UsageError } from '../diagnostics/diagnostic.js';
import type { Dataset, Field, LogicalType, Model } from '../model/ir.js';
import { lakeName } from '../model/naming.js';
import { mapType } from '../model/types.js';
import { attachData, shownData } from './data.js';
import { ident, rawView, runSuite, type Outcome } from './duckdb.js';
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

/** What a masked value prints as. */
export const MASKED = '***';

/** A field holds personal data: marked `contractgen.pii`, or classified `restricted`. */
export function isPii(f: Field): boolean {
  return f.pii || f.classification?.trim().toLowerCase() === 'restricted';
}

/** A field, or any field nested in it, holds personal data. */
function holdsPii(f: Field): boolean {
  if (isPii(f)) return true;
  return typeHoldsPii(f.type);
}

function typeHoldsPii(t: LogicalType): boolean {
  if (t.kind === 'array') return typeHoldsPii(t.items.type);
  if (t.kind === 'map') return typeHoldsPii(t.key.type) || typeHoldsPii(t.value.type);
  return t.kind === 'object' && t.fields.some(holdsPii);
}

/** The columns whose values may be shown in failing rows: the dataset's fields that hold no personal data. */
export function shownColumns(ds: Dataset): Set<string> {
  return new Set(ds.fields.filter((f) => !holdsPii(f)).map((f) => f.physicalName));
}

/** A failing row with every value masked but those of `shown` columns (null stays null: absence is no secret). */
export function maskRow(row: Record<string, unknown>, shown: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, shown.has(k) || v === null || v === undefined ? v : MASKED]));
}

/** An engine's error message with its quoted text masked: DuckDB quotes the values it cannot convert. */
export function maskMessage(message: string): string {
  return message.replace(/'(?:[^']|'')*'/g, `'${MASKED}'`);
}

function masked(o: Outcome, shown: ReadonlySet<string>): Outcome {
  return { ...o, samples: o.samples.map((s) => maskRow(s, shown)), ...(o.error !== undefined ? { error: maskMessage(o.error) } : {}) };
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
    const { found, missing, raw } = await attachData(conn, r.data, datasets, r.config, r.cwd, r.env, tmp);
    if (found.size === 0) throw new UsageError(`--data ${shownData(r.data)}: no data for ${datasets.map(lakeName).join(', ')} (expected <dataset>.parquet, <dataset>.jsonl or a folder <dataset>/)`);
    for (const m of missing) r.onMissing?.(m, shownData(r.data));
    const results: SuiteResult[] = [];
    for (const lake of [...found.keys()].sort(cmp)) {
      const from = found.get(lake)!;
      const ds = datasets.find((d) => lakeName(d) === lake)!;
      const rawRows = raw.has(lake) ? { table: rawView(lake), types: new Map(ds.fields.map((f) => [f.physicalName, mapType(f.type).duckdb])) } : undefined;
      let rows: number;
      let outcomes: Outcome[];
      try {
        rows = Number(((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${ident(lake)}`)).getRowObjectsJson()[0] as { n: string }).n);
        outcomes = await runSuite(conn, suites.get(lake)!, lake, (i, n, e) => r.onStep?.(lake, i, n, gxType(e)), rawRows);
      } catch (e) {
        // a file that is not what its name says, JSON that does not parse, Parquet that cannot be read
        throw new UsageError(`--data ${shownData(r.data)}: cannot read ${lake} from ${from}: ${maskMessage((e as Error).message.split('\n')[0] ?? '')}`);
      }
      const shown = shownColumns(ds);
      results.push({ dataset: lake, from, rows, outcomes: outcomes.map((o) => masked(o, shown)) });
    }
    return results;
  } finally {
    conn.closeSync();
    db.closeSync();
    rmSync(tmp, { recursive: true, force: true });
  }
}
