/**
 * `contractgen init`: a new repository of contracts that works at once — lint passes, generate writes, the
 * config has every setting (derived from the config type and its defaults, so it cannot drift), and the hooks
 * and the CI workflow run the three checks. No question off a terminal; never an overwrite.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { loadConfigText } from '../generator/analyze.js';
import { CONFIG_DOCS, DEFAULT_CONFIG, mergeConfig } from '../generator/config/config.js';
import { configPaths, configYaml, projectName } from '../generator/import/init.js';
import { cli } from './helpers/cli.js';

const FILES = ['contractgen.config.yaml', 'contracts/customers.odcs.yaml', 'contract.schema.json', '.pre-commit-config.yaml', '.github/workflows/contracts.yml'];

describe('contractgen init', () => {
  it('scaffolds a repository where lint passes and generate writes, asking nothing off a terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-init-'));
    const r = await cli(['init', '--project', 'shop_platform', '--domain', 'retail'], dir);
    expect(r.code, r.stderr).toBe(0);
    for (const f of FILES) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(r.stderr).toContain('created contractgen.config.yaml, contracts/customers.odcs.yaml, contract.schema.json, .pre-commit-config.yaml, .github/workflows/contracts.yml');
    const lint = await cli(['lint'], dir);
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stderr).toMatch(/1 contract file\(s\), 1 dataset\(s\): 0 errors, 0 warnings/);
    const gen = await cli(['generate'], dir);
    expect(gen.code, gen.stderr).toBe(0);
    expect(existsSync(join(dir, 'generated/postgres/customers.sql'))).toBe(true);
    expect((await cli(['generate', '--check'], dir)).code).toBe(0);
  });

  it('points the example contract at the contract schema it writes, which is what `contractgen schema` prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-init-'));
    expect((await cli(['init'], dir)).code).toBe(0);
    const first = readFileSync(join(dir, 'contracts/customers.odcs.yaml'), 'utf8').split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m, first).not.toBeNull();
    const schemaPath = join(dir, 'contracts', m![1]!);
    expect(readFileSync(schemaPath, 'utf8')).toBe((await cli(['schema'], dir)).stdout);
  });

  it('takes a directory, and names the project after it by default', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'cg-init-'));
    const r = await cli(['init', 'Data-Contracts'], parent);
    expect(r.code, r.stderr).toBe(0);
    const config = parse(readFileSync(join(parent, 'Data-Contracts/contractgen.config.yaml'), 'utf8')) as { project: { name: string; domain: string } };
    expect(config.project).toEqual({ name: 'data_contracts', domain: 'data' });
    expect(projectName('9 lives')).toBe('p_9_lives');
  });

  it('refuses to overwrite, naming every file that exists (exit 2), and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-init-'));
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts/customers.odcs.yaml'), 'mine\n');
    writeFileSync(join(dir, '.pre-commit-config.yaml'), 'mine\n');
    const r = await cli(['init'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('contractgen: refusing to overwrite contracts/customers.odcs.yaml, .pre-commit-config.yaml; nothing was written\n');
    expect(existsSync(join(dir, 'contractgen.config.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'contracts/customers.odcs.yaml'), 'utf8')).toBe('mine\n');
    expect((await cli(['init', '--project', 'Not Valid'], mkdtempSync(join(tmpdir(), 'cg-init-')))).code).toBe(2);
  });

  it('the config has every setting, each with its comment, and reads back as the defaults', () => {
    const text = configYaml({ project: { name: 'x', domain: 'y' } });
    const doc = parseDocument(text);
    for (const path of configPaths()) {
      const segs = path.split('.');
      expect(doc.hasIn(segs), path).toBe(true);
      // the comment: on the key of this setting
      // (the parser hands the comment before a mapping's first key to the mapping itself)
      const parent = (segs.length > 1 ? doc.getIn(segs.slice(0, -1), true) : doc.contents) as { commentBefore?: string; items: Array<{ key: { value: string; commentBefore?: string } }> };
      const i = parent.items.findIndex((p) => p.key.value === segs[segs.length - 1]);
      const comment = parent.items[i]?.key.commentBefore ?? (i === 0 ? parent.commentBefore : undefined);
      expect(comment?.trim(), `${path} has no comment`).toBeTruthy();
    }
    expect(configPaths()).toContain('debezium.cassandra.workDir');
    const loaded = loadConfigText('contractgen.config.yaml', text);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.config).toEqual(mergeConfig(DEFAULT_CONFIG, { project: { name: 'x', domain: 'y' } }));
    // the comments are the config's own meanings (config/config.ts), the ones the config reference shows
    expect(text).toContain(`# ${CONFIG_DOCS['kafka.topicDefaults.partitions']}`);
  });

  it('the pre-commit config and the CI workflow run lint, generate --check and breaking against the target branch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-init-'));
    expect((await cli(['init'], dir)).code).toBe(0);
    const pre = parse(readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8')) as { repos: Array<{ repo: string; hooks: Array<{ id: string; entry: string; language: string; additional_dependencies: string[] }> }> };
    expect(pre.repos[0]!.hooks.map((h) => [h.id, h.entry])).toEqual([
      ['contractgen-lint', 'contractgen lint'],
      ['contractgen-check', 'contractgen generate --check'],
    ]);
    expect(pre.repos[0]!.hooks[0]!.additional_dependencies[0]).toMatch(/^contractgen@\d+\.\d+\.\d+$/);
    const wf = parse(readFileSync(join(dir, '.github/workflows/contracts.yml'), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, { steps: Array<{ run?: string; if?: string; uses?: string; with?: Record<string, unknown> }> }> };
    expect(Object.keys(wf.on)).toEqual(['pull_request', 'push']);
    const steps = wf.jobs.contracts!.steps;
    const runs = steps.map((s) => s.run).filter(Boolean).join('\n');
    expect(runs).toMatch(/contractgen@\S+ lint --format github/);
    expect(runs).toMatch(/contractgen@\S+ generate --check/);
    expect(runs).toMatch(/contractgen@\S+ breaking --against origin\/\$\{\{ github\.base_ref \}\} --format github/);
    expect(steps.find((s) => s.uses === 'actions/checkout@v4')?.with).toEqual({ 'fetch-depth': 0 });
  });
});
