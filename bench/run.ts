// Benchmarks: cold-start wall time of fresh processes, each measured beside `node -e 0` in the same run.
// Usage: npm run bench [-- --runs N] [-- --only cold-start|sync|scale] (TypeScript, run by tsx; scale.ts and sync.ts
// run in their own tsx processes). Prints Markdown tables and rewrites the marked sections of BENCHMARKS.md. Nothing here asserts a time: numbers are reported, not tested.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, dflt: string | undefined): string | undefined => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', '15'));
const ONLY = arg('--only', undefined);
const cli = join(root, 'dist', 'cli', 'contractgen.js');

const work = mkdtempSync(join(tmpdir(), 'cg-bench-'));
cpSync(join(root, 'contracts'), join(work, 'contracts'), { recursive: true });
cpSync(join(root, 'contractgen.config.yaml'), join(work, 'contractgen.config.yaml'));

/** The machine's load while a section ran: the 1-minute load average before and after, over the cores. */
const load = (): string => loadavg()[0]!.toFixed(1);
const machine = () => `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`;

function once(argv: string[]): number {
  const args = argv.map((a) => (a === '__OUT__' ? join(work, `out-${Math.random().toString(36).slice(2)}`) : a));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(args[0]!, args.slice(1), { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, p90: s[Math.floor(s.length * 0.9)]! };
};

function replaceSection(name: string, text: string): void {
  const file = join(root, 'BENCHMARKS.md');
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const md = readFileSync(file, 'utf8');
  const a = md.indexOf(begin);
  const b = md.indexOf(end);
  if (a >= 0 && b > a) writeFileSync(file, `${md.slice(0, a + begin.length)}\n${text}\n${md.slice(b)}`);
}

if (!ONLY || ONLY === 'cold-start') {
  // an output directory generated once, for the drift checks: unchanged inputs
  once([process.execPath, cli, 'generate']);
  const cases: Array<[string, string[]]> = [
    ['`node -e 0` (baseline)', [process.execPath, '-e', '0']],
    ['`contractgen --version`', [process.execPath, cli, '--version']],
    ['`contractgen lint` (2 contracts)', [process.execPath, cli, 'lint']],
    ['`contractgen generate --check` (2 contracts, unchanged inputs)', [process.execPath, cli, 'generate', '--check']],
    ['`contractgen generate --check --full` (2 contracts, every target run)', [process.execPath, cli, 'generate', '--check', '--full']],
    ['`contractgen generate` (2 contracts, fresh output dir)', [process.execPath, cli, 'generate', '--out', '__OUT__']],
  ];
  // Interleave the cases round by round so machine noise hits them all alike.
  const samples: number[][] = cases.map(() => []);
  for (const [, argv] of cases) once(argv); // warm the file cache
  const before = load();
  for (let i = 0; i < RUNS; i++) cases.forEach(([, argv], j) => samples[j]!.push(once(argv)));
  const after = load();
  const base = stats(samples[0]!).median;
  const rows = cases.map(([name], j) => {
    const s = stats(samples[j]!);
    return `| ${name} | ${s.median.toFixed(0)} | ${s.min.toFixed(0)} | ${s.p90.toFixed(0)} | ${(s.median / base).toFixed(2)}× |`;
  });
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, ${RUNS} runs per row, interleaved; load average ${before} before and ${after} after.`,
    '',
    '| command (fresh process) | median ms | min ms | p90 ms | median over `node -e 0` |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(table);
  replaceSection('cold-start', table);
}
rmSync(work, { recursive: true, force: true });

if (!ONLY || ONLY === 'sync') {
  // the raw-layer sync's throughput, in its own process
  const sync = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'sync.ts'), '--events', '200000'], { encoding: 'utf8' });
  if (sync.status !== 0) throw new Error(`bench/sync.ts failed: ${sync.stderr}`);
  const syncTable = sync.stdout.trim();
  console.log(`\n${syncTable}`);
  replaceSection('sync', syncTable);
}

if (!ONLY || ONLY === 'scale') {
  // scale: 1,000 and 2,000 synthetic contracts through generate --check, in their own processes
  const scale = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'scale.ts'), '--sizes', '1000,2000', '--runs', '3'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (scale.status !== 0) throw new Error(`bench/scale.ts failed: ${scale.stderr}`);
  const scaleTable = scale.stdout.trim();
  console.log(`\n${scaleTable}`);
  replaceSection('scale', scaleTable);
}
