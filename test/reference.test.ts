/** docs/reference/ is generated from the registries: a page that differs from what the registry renders is stale. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PAGES } from '../generator/build/reference.js';
import { RULE_LIST } from '../generator/diagnostics/rules.js';
import { BREAKING_RULE_LIST } from '../generator/diagnostics/breaking-rules.js';
import { EXTENSIONS } from '../generator/model/extensions.js';

const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'reference');

describe('docs/reference', () => {
  it.each(REFERENCE_PAGES.map((p) => [p.file, p] as const))('%s is current (npm run docs:reference)', (file, p) => {
    const path = join(dir, file);
    expect(existsSync(path), `docs/reference/${file} is missing: run npm run docs:reference`).toBe(true);
    expect(readFileSync(path, 'utf8'), `docs/reference/${file} is stale: run npm run docs:reference`).toBe(p.render());
  });

  it('holds only generated pages', () => {
    expect(readdirSync(dir).sort()).toEqual(REFERENCE_PAGES.map((p) => p.file).sort());
  });

  it('lists every rule, breaking rule and extension', () => {
    const rules = REFERENCE_PAGES.find((p) => p.file === 'rules.md')!.render();
    for (const r of [...RULE_LIST, ...BREAKING_RULE_LIST]) expect(rules).toMatch(new RegExp(`^\\| \`${r.id}\` \\| `, 'm'));
    const exts = REFERENCE_PAGES.find((p) => p.file === 'extensions.md')!.render();
    for (const e of EXTENSIONS) expect(exts).toContain(`| \`${e.name}\` |`);
  });
});
