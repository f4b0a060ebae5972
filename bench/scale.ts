// Scale: synthetic contracts of 30 fields each (PostgreSQL, MySQL and Cassandra sources, every logical type),
// 1,000 and 2,000 of them. For each size: one `generate` to fill the output directory, then the timed
// `generate --check` (the CI drift check; unchanged inputs, so answered from the hashes file) and
// `generate --check --full` (every target run and every file compared), each in a fresh process, interleaved
// with `node -e 0`; wall time and peak RSS (the child's own process.resourceUsage().maxRSS, reported at exit
// through a preload). Prints a Markdown table.
// Usage: npx tsx bench/scale.ts [--sizes 1000,2000] [--runs 3]. Nothing here asserts a time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'contractgen.js');
const arg = (name: string, dflt: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : dflt);
const SIZES = arg('--sizes', '1000,2000').split(',').map(Number);
const RUNS = Number(arg('--runs', '3'));
const FIELDS = 30;

const TYPES = [
  '        logicalType: string\n        logicalTypeOptions: {maxLength: 120}\n',
  '        logicalType: string\n        logicalTypeOptions: {format: uuid}\n',
  '        logicalType: integer\n        logicalTypeOptions: {minimum: 0, maximum: 1000000}\n',
  '        logicalType: integer\n        logicalTypeOptions: {format: i64}\n',
  '        logicalType: number\n        physicalType: decimal(12,2)\n',
  '        logicalType: number\n',
  '        logicalType: boolean\n',
  '        logicalType: date\n',
  '        logicalType: timestamp\n        logicalTypeOptions: {timezone: true}\n',
  '        logicalType: string\n        quality:\n          - {metric: invalidValues, arguments: {validValues: [new, active, closed]}, mustBe: 0}\n',
];

function server(i: number): string {
  const k = i % 10;
  if (k < 7) return `  - server: pg\n    type: postgres\n    host: pg${i % 4}.internal\n    port: 5432\n    database: app${i % 4}\n    schema: public\n`;
  if (k < 9) return `  - server: my\n    type: mysql\n    host: mysql.internal\n    port: 3306\n    database: shop${i % 2}\n`;
  return `  - server: cass\n    type: custom\n    host: cassandra.internal\n    port: 9042\n    customProperties:\n      - {property: contractgen.server.kind, value: cassandra}\n      - {property: contractgen.cassandra.keyspace, value: ks${i % 3}}\n`;
}

function contract(i: number): string {
  const name = `dataset_${String(i).padStart(5, '0')}`;
  const fields = [`      - name: id\n        logicalType: integer\n        logicalTypeOptions: {format: i64}\n        primaryKey: true\n        description: Identifier of the row.\n`];
  for (let f = 1; f < FIELDS; f++) fields.push(`      - name: field_${f}\n${TYPES[(i + f) % TYPES.length]}        required: ${f % 3 === 0}\n        description: Field ${f} of ${name}.\n`);
  return `apiVersion: v3.1.0\nkind: DataContract\nid: ${name}\nversion: 1.0.0\nstatus: active\nservers:\n${server(i)}schema:\n  - name: ${name}\n    description: Synthetic dataset ${i}.\n    properties:\n${fields.join('')}`;
}

const work = mkdtempSync(join(tmpdir(), 'cg-scale-'));
const preload = join(work, 'rss.cjs');
writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.CG_RSS_OUT, String(process.resourceUsage().maxRSS)));\n");

function run(args: string[], cwd: string): { ms: number; rssMb: number } {
  const rssOut = join(work, `rss-${Math.random().toString(36).slice(2)}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CG_RSS_OUT: rssOut }, maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`contractgen ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return { ms, rssMb: Number(readFileSync(rssOut, 'utf8')) / 1024 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Array<{ n: number; gen: { ms: number; rssMb: number }; check: { ms: number; rss: number }; full: { ms: number; rss: number } }> = [];
const load = (): string => loadavg()[0]!.toFixed(1);
const before = load();
const baseline: number[] = [];
for (const n of SIZES) {
  const dir = join(work, String(n));
  mkdirSync(join(dir, 'contracts'), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'contracts', `c${String(i).padStart(5, '0')}.odcs.yaml`), contract(i));
  const args = ['--contracts', 'contracts', '--out', 'generated'];
  const gen = run(['generate', ...args], dir);
  const checks: Array<{ ms: number; rssMb: number }> = [];
  const fulls: Array<{ ms: number; rssMb: number }> = [];
  // interleaved with node -e 0, so the baseline sees the same machine
  for (let r = 0; r < RUNS; r++) {
    checks.push(run(['generate', '--check', ...args], dir));
    fulls.push(run(['generate', '--check', '--full', ...args], dir));
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    baseline.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const summary = (xs: Array<{ ms: number; rssMb: number }>) => ({ ms: median(xs.map((c) => c.ms)), rss: Math.max(...xs.map((c) => c.rssMb)) });
  results.push({ n, gen, check: summary(checks), full: summary(fulls) });
  rmSync(dir, { recursive: true, force: true });
}
rmSync(work, { recursive: true, force: true });

const s = (ms: number): string => (ms / 1000).toFixed(1);
const per = (ms: number, n: number): string => (ms / n).toFixed(1);
const rows = results.map(
  (r) =>
    `| ${r.n.toLocaleString('en-US')} | ${s(r.check.ms)} | ${per(r.check.ms, r.n)} | ${r.check.rss.toFixed(0)} | ${s(r.full.ms)} | ${per(r.full.ms, r.n)} | ${r.full.rss.toFixed(0)} | ${s(r.gen.ms)} | ${r.gen.rssMb.toFixed(0)} |`,
);
const growth = results.length >= 2 ? results[results.length - 1]!.full.ms / results[0]!.full.ms : undefined;
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}: synthetic contracts of ${FIELDS} fields (7 in 10 PostgreSQL, 2 MySQL, 1 Cassandra); each \`generate --check\` the median of ${RUNS} fresh processes after one \`generate\`, peak RSS the worst of them; \`node -e 0\` in the same run: ${median(baseline).toFixed(0)} ms; load average ${before} before and ${load()} after.`,
  '',
  '| contracts | `--check` s (unchanged inputs) | ms per contract | peak RSS MB | `--check --full` s | ms per contract | peak RSS MB | `generate` s (first write) | peak RSS MB |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
  ...(growth ? ['', `Growth of the full check: ${results[results.length - 1]!.n.toLocaleString('en-US')} contracts take ${growth.toFixed(2)}× the time of ${results[0]!.n.toLocaleString('en-US')}.`] : []),
].join('\n');
console.log(table);
