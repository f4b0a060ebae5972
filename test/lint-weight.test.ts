/** Lint is the pre-commit path: it must not load the heavy modules that only generate and the tests need. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/reference.js';

function modulesLoadedBy(args: string[]): string[] {
  const out = join(mkdtempSync(join(tmpdir(), 'cg-mods-')), 'modules.txt');
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/record-modules.mjs'), join(ROOT, 'dist/cli/contractgen.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', RECORD_MODULES_TO: out },
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, 'utf8').split('\n');
}

const HEAVY = ['ts-morph', 'typescript', 'prettier', 'handlebars', 'dt-sql-parser', 'libpg-query', '/diff/', 'avsc', 'duckdb', '/targets/', '/emit/', '/sink/'];
/** What lint may load under dist/targets/: the targets' declarations, which hold every target check. */
const LIGHT_TARGETS = /\/dist\/targets\/capabilities\.js$/;

describe('lint weight', () => {
  it('loads no heavy module, no target and no sink: only the targets\' capability declarations', () => {
    const mods = modulesLoadedBy(['lint']);
    expect(mods.some((m) => m.includes('/node_modules/yaml/'))).toBe(true); // the recorder works
    expect(mods.some((m) => m.includes('/validate/compiled/odcs.cjs'))).toBe(true); // precompiled validator, not Ajv's compiler
    expect(mods.some((m) => LIGHT_TARGETS.test(m))).toBe(true); // lint runs the targets' checks
    for (const h of HEAVY) expect(mods.filter((m) => m.includes(h) && !LIGHT_TARGETS.test(m)), h).toEqual([]);
  });

  it('stays light with --target and on a single file', () => {
    for (const args of [['lint', '--target', 'quality'], ['lint', 'contracts/rides.odcs.yaml']]) {
      const mods = modulesLoadedBy(args);
      for (const h of HEAVY) expect(mods.filter((m) => m.includes(h) && !LIGHT_TARGETS.test(m)), `${args.join(' ')}: ${h}`).toEqual([]);
    }
  });

  it('generate does load the targets and templates (the recorder can see them)', () => {
    const mods = modulesLoadedBy(['generate', '--check']);
    expect(mods.some((m) => m.includes('/targets/'))).toBe(true);
    expect(mods.some((m) => m.includes('handlebars'))).toBe(true);
  });
});
