/** The README documents every command, target, rule and extension the code has. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS } from '../generator/model/extensions.js';
import { TARGETS } from '../generator/targets/registry.js';
import { RULES } from '../generator/validate/rules.js';
import { ROOT } from './helpers/reference.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('has the two set-up commands', () => {
    expect(readme).toContain('npm install && npx generate');
    expect(readme).toContain('npm test');
  });
  it('documents every extension', () => {
    for (const e of EXTENSIONS) expect(readme, e.name).toContain(`\`${e.name}\``);
  });
  it('documents every target', () => {
    for (const t of TARGETS) expect(readme, t.id).toContain(`| \`${t.id}\` |`);
  });
  it('documents the breaking-change rules command and the CI wiring', () => {
    expect(readme).toContain('contractgen breaking --against');
    expect(readme).toContain('--list-rules');
  });
  it('documents every semantic rule or its family', () => {
    for (const r of RULES) {
      const family = r.id.split('_')[0];
      expect(readme.includes(r.id) || readme.includes(`\`${family}_*\``), r.id).toBe(true);
    }
  });
  it('documents every command and flag of --help', async () => {
    for (const w of ['generate', 'lint', 'convert', 'breaking', 'changelog', '--against', '--list-rules', 'targets', 'rules', '--contracts', '--config', '--out', '--target', '--check', '--print', '--format', '--verbose', '--version', 'NO_COLOR']) expect(readme, w).toContain(w);
  });
});
