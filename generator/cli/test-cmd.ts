/**
 * `contractgen test`: runs the typed quality suites against real data on embedded DuckDB (quality/run.ts).
 * Loaded only when the command runs (DuckDB is a native module; lint never sees it).
 */
import type { Analysis } from '../analyze.js';
import type { Io } from './main.js';
import { UsageError } from '../diagnostics.js';
import { renderJson, renderJunit, renderText, type TestFormat } from '../quality/report.js';
import { runQuality } from '../quality/run.js';

export function parseTestFormat(v: string | undefined): TestFormat {
  if (v === undefined) return 'text';
  if (v === 'text' || v === 'json' || v === 'junit') return v;
  throw new UsageError(`--format must be text, json or junit, not ${JSON.stringify(v)}`);
}

export async function runTests(a: Analysis, data: string, only: readonly string[], format: TestFormat, io: Io): Promise<number> {
  const progress = io.isTTY && format === 'text';
  const results = await runQuality({
    model: a.model,
    config: a.config,
    data,
    only,
    cwd: io.cwd,
    env: io.env,
    onMissing: (lake, where) => io.stderr(`contractgen test: no data for ${lake} in ${where}; skipped\n`),
    onStep: (lake, i, n, type) => {
      if (progress) io.stderr(`\r\x1b[K[${i + 1}/${n}] ${lake}: ${type}`);
    },
  });
  if (progress) io.stderr('\r\x1b[K');
  io.stdout(format === 'json' ? renderJson(results) : format === 'junit' ? renderJunit(results) : renderText(results, io.isTTY && !('NO_COLOR' in io.env)));
  return results.some((r) => r.outcomes.some((o) => !o.passed)) ? 1 : 0;
}
