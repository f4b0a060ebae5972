/**
 * The modules a CLI run loads, recorded by test/helpers/record-modules.mjs: what a command starts up paying for.
 * From contractgen's modules by default (CONTRACTGEN_NO_BUNDLE=1), where each module a run loads is seen; or from
 * the bundle, as users run it (cli/bundle.ts: contractgen's own modules are one file there).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './reference.js';

export interface LoadedBy {
  code: number;
  stderr: string;
  modules: string[];
}

export function recordModules(args: readonly string[], opts: { cwd?: string; start?: 'modules' | 'bundle'; pkg?: string } = {}): LoadedBy {
  const out = join(mkdtempSync(join(tmpdir(), 'cg-mods-')), 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/record-modules.mjs'), join(opts.pkg ?? ROOT, 'dist/cli/contractgen.js'), ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', RECORD_MODULES_TO: out, ...((opts.start ?? 'modules') === 'modules' ? { CONTRACTGEN_NO_BUNDLE: '1' } : {}) },
  });
  return { code: r.status ?? -1, stderr: r.stderr, modules: readFileSync(out, 'utf8').split('\n') };
}

/** The target modules among them (not the registry, the interface or the targets' light declarations). */
export const targetsIn = (mods: readonly string[]): string[] =>
  mods
    .map((m) => /\/dist\/targets\/([a-z-]+)\.js$/.exec(m)?.[1])
    .filter((t): t is string => t !== undefined && t !== 'registry' && t !== 'target' && t !== 'capabilities')
    .sort();
