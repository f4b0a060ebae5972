/** The README documents every command and target the code has, and links the generated reference pages for rules and extensions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../generator/targets/registry.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('has the two set-up commands', () => {
    expect(readme).toContain('npm install && npx generate');
    expect(readme).toContain('npm test');
  });
  it('links the generated reference pages (extensions, rules); test/reference.test.ts keeps them current', () => {
    expect(readme).toContain('](docs/reference/extensions.md)');
    expect(readme).toContain('](docs/reference/rules.md)');
  });
  it('documents every target', () => {
    for (const t of TARGETS) expect(readme, t.id).toContain(`| \`${t.id}\` |`);
  });
  it('documents the breaking-change rules command and the CI wiring', () => {
    expect(readme).toContain('contractgen breaking --against');
    expect(readme).toContain('--list-rules');
  });
  it('documents every command and flag of --help', async () => {
    const help = (await cli(['--help'], ROOT)).stdout;
    const commands = [...help.slice(help.indexOf('Commands:'), help.indexOf('Options:')).matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
    const flags = [...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]))];
    expect(commands).toContain('test');
    expect(flags).toContain('--data');
    for (const c of commands) expect(readme, c).toMatch(new RegExp(`contractgen ${c}\\b|\`${c}\``));
    for (const f of flags) expect(readme, f).toContain(f);
    expect(readme).toContain('NO_COLOR');
  });
});
