/**
 * `npm run example`: the ride platform on one machine (see pipeline.ts). Prints progress, a summary table per
 * layer and the violations caught, writes an HTML report, and exits 1 if any stage fails or the platform does
 * not catch exactly the planted violations. Then runs the scenarios of real-world change (scenarios.ts) against the
 * oracle and prints `scenario <name>: trusted == source (<n> rows)` or what differs; exits 1 on any difference.
 * Usage: npm run example [-- --users N --rides N --report FILE --scenarios name,name | --scenarios-only]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../generator/analyze.js';
import { html } from '../../generator/model/names.js';
import { generateFiles, selectTargets } from '../../generator/pipeline.js';
import { cleanUpNow, runExample, type ExampleResult } from './pipeline.js';
import { runScenarios, scenarioLine } from './scenarios.js';
import { verdict } from './verdict.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : dflt);
const report = resolve(arg('--report', join(root, 'examples/ride-platform/out/report.html')));


function table(r: ExampleResult): string {
  const head = ['dataset', 'source rows', 'CDC events', 'raw records', 'trusted rows', 'quarantined'];
  const rows = r.layers.map((l) => [l.dataset, l.source, l.events, l.raw, l.trusted, l.quarantined].map(String));
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

function reportHtml(r: ExampleResult, problems: string[]): string {
  const rows = r.layers.map((l) => `<tr><td>${html(l.dataset)}</td><td>${l.source}</td><td>${l.events}</td><td>${l.raw}</td><td>${l.trusted}</td><td>${l.quarantined}</td></tr>`).join('\n');
  const fails = r.outcomes.filter((o) => !o.passed).map((o) => `<tr><td>${html(o.suite)}</td><td>${html(o.rule)}</td><td>${html(o.type)}</td><td><code>${html(JSON.stringify(o.observed))}</code></td><td><pre>${html(o.samples.map((s) => JSON.stringify(s)).join('\n'))}</pre></td></tr>`).join('\n');
  const q = Object.entries(r.quarantine).flatMap(([d, vs]) => vs.map((v) => `<li>${html(d)}: ${html(v)}</li>`)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ride platform: example run</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}pre{margin:0;font-size:.8em}.ok{color:#2e7d32}.bad{color:#c62828}</style></head>
<body><h1>Ride platform: example run</h1>
<p class="${problems.length ? 'bad' : 'ok'}">${problems.length ? `Problems: ${html(problems.join('; '))}` : 'The platform caught exactly the planted violations.'} ${r.seconds.toFixed(1)} s, ${r.objects} raw objects.</p>
<h2>Counts per layer</h2><table><tr><th>dataset</th><th>source rows</th><th>CDC events</th><th>raw records</th><th>trusted rows</th><th>quarantined</th></tr>
${rows}</table>
<h2>Quarantined by the Spark job's checks</h2><ul>${q}</ul>
<h2>Quality failures on the trusted data</h2><table><tr><th>suite</th><th>rule</th><th>expectation</th><th>observed</th><th>sample rows</th></tr>
${fails}</table>
</body></html>
`;
}

/** The scenarios against the oracle: one line each; whether all passed. */
async function scenarios(t0: number): Promise<boolean> {
  const analysis = analyze({ cwd: root, contracts: [join(root, 'contracts')] });
  const { files } = await generateFiles(analysis, selectTargets(undefined));
  const only = process.argv.includes('--scenarios') ? arg('--scenarios', '').split(',').filter(Boolean) : undefined;
  const results = await runScenarios({
    files,
    config: analysis.config,
    datasets: analysis.model.datasets,
    ...(only ? { only } : {}),
    log: (line) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
  });
  process.stdout.write('\n');
  for (const r of results) process.stdout.write(`${scenarioLine(r)}\n`);
  return results.length > 0 && results.every((r) => r.differences.length === 0);
}

async function main() {
  const t0 = Date.now();
  if (process.argv.includes('--scenarios-only')) {
    process.exitCode = (await scenarios(t0)) ? 0 : 1;
    return;
  }
  const r = await runExample({
    root,
    users: Number(arg('--users', '2000')),
    rides: Number(arg('--rides', '5000')),
    log: (line) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`),
  });
  const problems = verdict(r);
  process.stdout.write(`\n${table(r)}\n\n`);
  for (const [d, rules] of Object.entries(r.caught)) process.stdout.write(`quality failures on trusted ${d}: ${rules.join(', ') || 'none'}\n`);
  for (const [d, vs] of Object.entries(r.quarantine)) process.stdout.write(`quarantined ${d}: ${vs.join(' | ') || 'none'}\n`);
  mkdirSync(dirname(report), { recursive: true });
  writeFileSync(report, reportHtml(r, problems));
  process.stdout.write(`\nreport: ${report}\n${problems.length ? `FAILED: ${problems.join('; ')}` : `OK: exactly the planted violations were caught, in ${r.seconds.toFixed(1)} s`}\n`);
  const passed = await scenarios(t0);
  process.exitCode = problems.length || !passed ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping PostgreSQL and the S3 server\n`);
    void cleanUpNow().finally(() => process.exit(130));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`example failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
