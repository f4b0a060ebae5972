/**
 * What a command loads is what it starts up paying for. Lint is the pre-commit path: it must not load the heavy
 * modules that only generate and the tests need. Generate loads only the targets it runs, and through them only
 * what those targets use (ts-morph for sync and unity-catalog, prettier for the TypeScript and Markdown that
 * targets build, Handlebars for the templated ones); a drift check whose hashes still hold runs no target at all.
 * The bins start from the bundled CLI (cli/bundle.ts), where contractgen's own modules are one file: the packages
 * are seen either way, contractgen's modules with CONTRACTGEN_NO_BUNDLE=1, which starts from the modules.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordModules, targetsIn } from './helpers/modules.js';
import { ROOT } from './helpers/reference.js';

/** The modules a run loads (test/helpers/modules.ts); the run must succeed. */
function modulesLoadedBy(args: string[], cwd = ROOT, start: 'modules' | 'bundle' = 'modules'): string[] {
  const r = recordModules(args, { cwd, start });
  expect(r.code, r.stderr).toBe(0);
  return r.modules;
}

const HEAVY = ['ts-morph', 'typescript', 'prettier', 'handlebars', 'dt-sql-parser', 'libpg-query', '/diff/', 'avsc', 'duckdb', '/targets/', '/emit/', '/sink/'];
const loaded = (mods: readonly string[], what: string) => mods.filter((m) => m.includes(what));

/** A scratch project with the shipped contracts and config. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-weight-'));
  cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
  cpSync(join(ROOT, 'contractgen.config.yaml'), join(dir, 'contractgen.config.yaml'));
  return dir;
}
/** What lint may load under dist/targets/: the targets' declarations, which hold every target check. */
const LIGHT_TARGETS = /\/dist\/targets\/capabilities\.js$/;

describe('lint weight', () => {
  it('loads no heavy module, no target and no sink: only the targets\' capability declarations', () => {
    const mods = modulesLoadedBy(['lint']);
    expect(mods.some((m) => m.includes('/node_modules/js-yaml/'))).toBe(true); // the recorder works
    expect(mods.some((m) => m.endsWith('/dist/validate/compiled.js'))).toBe(true); // the build's validators (test/startup.test.ts), not Ajv's compiler
    expect(mods.some((m) => LIGHT_TARGETS.test(m))).toBe(true); // lint runs the targets' checks
    for (const h of [...HEAVY, '/node_modules/yaml/', 'ajv/dist/core', 'ajv/dist/compile']) expect(loaded(mods, h).filter((m) => !LIGHT_TARGETS.test(m)), h).toEqual([]);
  });

  it('stays light with --target and on a single file', () => {
    for (const args of [['lint', '--target', 'quality'], ['lint', 'contracts/rides.odcs.yaml']]) {
      const mods = modulesLoadedBy(args);
      for (const h of HEAVY) expect(mods.filter((m) => m.includes(h) && !LIGHT_TARGETS.test(m)), `${args.join(' ')}: ${h}`).toEqual([]);
    }
  });

  it('from the bundle, reads one file of contractgen and loads no package a lint does not need', () => {
    const mods = modulesLoadedBy(['lint'], ROOT, 'bundle');
    expect(mods.filter((m) => m.includes('/dist/') && !m.includes('/node_modules/')).map((m) => m.slice(m.indexOf('/dist/')))).toEqual([
      '/dist/cli/bundle.js',
      '/dist/cli/contractgen.js',
      '/dist/load/commonjs.js',
    ]);
    expect(loaded(mods, '/node_modules/').filter((m) => !/\/node_modules\/(ajv|ajv-formats)\//.test(m))).toEqual([]);
  });

  it('loads the reference YAML reader only for a contract the fast reader leaves to it', () => {
    const dir = project();
    // the same contract, with an anchor and an alias (lint reads it with the directory, so it replaces users)
    const text = readFileSync(join(dir, 'contracts', 'users.odcs.yaml'), 'utf8');
    writeFileSync(join(dir, 'contracts', 'users.odcs.yaml'), text.replace('id: users', 'id: &id users2').replace(/^name: Users$/m, 'name: *id'));
    const mods = modulesLoadedBy(['lint', '--format', 'json', 'contracts/users.odcs.yaml'], dir);
    expect(loaded(mods, '/node_modules/yaml/').length).toBeGreaterThan(0);
  });
});

describe('generate weight', () => {
  it('loads every target, Handlebars, prettier and ts-morph when it runs every target', () => {
    const mods = modulesLoadedBy(['generate', '--print']);
    expect(targetsIn(mods)).toHaveLength(15);
    for (const h of ['handlebars', 'prettier', 'ts-morph']) expect(loaded(mods, h).length, h).toBeGreaterThan(0);
  });

  it('loads one target, and neither ts-morph, prettier nor Handlebars, for --target avro', () => {
    const mods = modulesLoadedBy(['generate', '--target', 'avro', '--print']);
    expect(targetsIn(mods)).toEqual(['avro']);
    for (const h of ['ts-morph', 'typescript', 'prettier', 'handlebars']) expect(loaded(mods, h), h).toEqual([]);
  });

  it('loads Handlebars but not ts-morph for a templated target, and ts-morph but not Handlebars for unity-catalog', () => {
    const pg = modulesLoadedBy(['generate', '--target', 'postgres', '--print']);
    expect(targetsIn(pg)).toEqual(['postgres']);
    expect(loaded(pg, 'handlebars').length).toBeGreaterThan(0);
    for (const h of ['ts-morph', 'typescript', 'prettier']) expect(loaded(pg, h), h).toEqual([]);
    const uc = modulesLoadedBy(['generate', '--target', 'unity-catalog', '--print']);
    expect(targetsIn(uc)).toEqual(['unity-catalog']);
    expect(loaded(uc, 'ts-morph').length).toBeGreaterThan(0);
    expect(loaded(uc, 'handlebars')).toEqual([]);
  });

  it('runs no target, and loads no template engine, formatter or differ, for a drift check whose hashes hold', () => {
    const dir = project();
    expect(spawnSync(process.execPath, [join(ROOT, 'dist/cli/contractgen.js'), 'generate'], { cwd: dir, env: { PATH: process.env.PATH ?? '', CONTRACTGEN_NO_BUNDLE: '1' } }).status).toBe(0);
    const mods = modulesLoadedBy(['generate', '--check'], dir);
    expect(targetsIn(mods)).toEqual([]);
    for (const h of ['ts-morph', 'typescript', 'prettier', 'handlebars', '/diff/']) expect(loaded(mods, h), h).toEqual([]);
    expect(targetsIn(modulesLoadedBy(['generate', '--check', '--full'], dir))).toHaveLength(15);
  });

  it('from the bundle too: ts-morph and prettier only for the targets that use them, nothing heavy for a check whose hashes hold', () => {
    const avro = modulesLoadedBy(['generate', '--target', 'avro', '--print'], ROOT, 'bundle');
    for (const h of ['ts-morph', 'typescript', 'prettier', 'handlebars']) expect(loaded(avro, h), h).toEqual([]);
    const uc = modulesLoadedBy(['generate', '--target', 'unity-catalog', '--print'], ROOT, 'bundle');
    expect(loaded(uc, 'ts-morph').length).toBeGreaterThan(0);
    const dir = project();
    expect(spawnSync(process.execPath, [join(ROOT, 'dist/cli/contractgen.js'), 'generate'], { cwd: dir }).status).toBe(0);
    const check = modulesLoadedBy(['generate', '--check'], dir, 'bundle');
    for (const h of ['ts-morph', 'typescript', 'prettier', 'handlebars', '/diff/', 'avsc']) expect(loaded(check, h), h).toEqual([]);
  });
});
