/**
 * Golden cases as folders (as sqlc does), read by test/cases.test.ts; docs/testing.md says how to add one.
 *
 *   test/cases/<case>/contracts/                the input contracts (ODCS or DCS)
 *   test/cases/<case>/contractgen.config.yaml   optional; without it the defaults apply, as for `generate`
 *   test/cases/<case>/targets                   optional: the target IDs the case is about, one per line; without
 *                                               it every target is generated and compared
 *   test/cases/<case>/expected/                 what `generate` writes for those targets, the whole tree of them
 *   test/cases/<case>/expected/exit.json        instead of a tree, an expected failure: {"args": [...], "exit": N},
 *                                               with expected/stderr.txt holding what the CLI prints on stderr
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { analyze } from '../../generator/analyze.js';
import { generateFiles, selectTargets } from '../../generator/pipeline.js';
import { TARGETS } from '../../generator/targets/registry.js';
import { cli } from './cli.js';
import { ROOT } from './reference.js';

export const CASES_DIR = join(ROOT, 'test', 'cases');

export interface Failure {
  /** the CLI arguments, run in the case folder */
  args: string[];
  exit: number;
}

export interface GoldenCase {
  name: string;
  dir: string;
  expectedDir: string;
  /** set when the case pins a failure (expected/exit.json) */
  failure?: Failure;
  /** the targets compared: those listed in the case's `targets` file, or all of them */
  targets: string[];
  allTargets: boolean;
}

/** Every file under `dir`, as sorted `/`-separated paths relative to it. */
export function treeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
      else throw new Error(`not a file or folder: ${p}`);
    }
  };
  walk(dir);
  return out.sort();
}

export function listCases(): GoldenCase[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = join(CASES_DIR, name);
      const expectedDir = join(dir, 'expected');
      const exitFile = join(expectedDir, 'exit.json');
      if (existsSync(exitFile)) {
        const failure = JSON.parse(readFileSync(exitFile, 'utf8')) as Failure;
        if (!Array.isArray(failure.args) || !Number.isInteger(failure.exit)) throw new Error(`${exitFile}: expected {"args": [...], "exit": N}`);
        return { name, dir, expectedDir, failure, targets: [], allTargets: false };
      }
      const ids = TARGETS.map((t) => t.id).sort();
      const targetsFile = join(dir, 'targets');
      const chosen = existsSync(targetsFile) ? readFileSync(targetsFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).sort() : undefined;
      const unknown = (chosen ?? []).filter((t) => !ids.includes(t));
      if (unknown.length) throw new Error(`${targetsFile}: no such target: ${unknown.join(', ')}`);
      return { name, dir, expectedDir, targets: chosen ?? ids, allTargets: !chosen };
    });
}

/** Generates a case in-process, as `generate` would in its folder: the files of its targets, by path. */
export async function generateCase(c: GoldenCase): Promise<Map<string, string>> {
  const analysis = analyze({ cwd: c.dir, contracts: ['contracts'] });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${c.name}: the contracts have errors (pin them with expected/exit.json):\n${errors.map((d) => `${d.file}:${d.line}:${d.col}: ${d.rule} ${d.message}`).join('\n')}`);
  const { files, diagnostics } = await generateFiles(analysis, selectTargets(c.targets));
  const genErrors = diagnostics.filter((d) => d.severity === 'error');
  if (genErrors.length) throw new Error(`${c.name}: generate failed: ${JSON.stringify(genErrors)}`);
  return files;
}

/** The case's expected files, by path (all of expected/: a file outside the case's targets fails the comparison). */
export function expectedFiles(c: GoldenCase): Map<string, string> {
  return new Map(treeFiles(c.expectedDir).map((p) => [p, readFileSync(join(c.expectedDir, p), 'utf8')]));
}

/** UPDATE_GOLDEN=1: expected/ becomes exactly `files`. */
export function writeExpected(c: GoldenCase, files: Map<string, string>): void {
  rmSync(c.expectedDir, { recursive: true, force: true });
  for (const [p, text] of files) {
    const abs = join(c.expectedDir, p);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

export interface FailureRun {
  exit: number;
  stderr: string;
  /** files the run wrote (must be none) */
  written: string[];
}

/** Runs the CLI in-process in the case folder; `generate` writes to a fresh folder, which must stay absent. */
export async function runFailure(c: GoldenCase): Promise<FailureRun> {
  const out = join(mkdtempSync(join(tmpdir(), 'cg-case-')), 'generated');
  const args = c.failure!.args[0] === 'generate' ? [...c.failure!.args, '--out', out] : c.failure!.args;
  const r = await cli(args, c.dir);
  return { exit: r.code, stderr: r.stderr, written: treeFiles(out) };
}

export function writeFailure(c: GoldenCase, run: FailureRun): void {
  writeFileSync(join(c.expectedDir, 'exit.json'), `${JSON.stringify({ args: c.failure!.args, exit: run.exit })}\n`);
  writeFileSync(join(c.expectedDir, 'stderr.txt'), run.stderr);
}
