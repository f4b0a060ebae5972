/** docs/reference/ is generated from the registries: a page that differs from what the registry renders is stale. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { configKeys, REFERENCE_PAGES } from '../generator/build/reference.js';
import { CONFIG_DOCS, DEFAULT_CONFIG } from '../generator/config/config.js';
import { TARGETS } from '../generator/targets/registry.js';
import { configSchema } from '../generator/validate/schemas/config.js';
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

  it('lists every target, in registry order, with its page', () => {
    const page = REFERENCE_PAGES.find((p) => p.file === 'targets.md')!.render();
    const rows = [...page.matchAll(/^\| `([a-z-]+)` \| (.+?) \|.*\[[a-z-]+\]\(\.\.\/targets\/([a-z-]+)\.md\) \|$/gm)];
    expect(rows.map((m) => m[1])).toEqual(TARGETS.map((t) => t.id));
    expect(rows.map((m) => m[3])).toEqual(TARGETS.map((t) => t.id));
    for (const t of TARGETS) expect(existsSync(join(dir, '..', 'targets', `${t.id}.md`)), t.id).toBe(true);
    expect(page).toContain('| `postgres` | PostgreSQL DDL');
    expect(page).toMatch(/^\| `unity-catalog` \|.*\| – \| `apply\.mts` \|/m); // no template, one static file
  });

  it('gives every config key its type, default and meaning, and the meanings cover exactly the keys of the schema', () => {
    const keys = configKeys().map((k) => k.key);
    expect(keys).toContain('kafka.topicDefaults.minInsyncReplicas');
    expect([...keys].sort()).toEqual(Object.keys(CONFIG_DOCS).sort());
    const page = REFERENCE_PAGES.find((p) => p.file === 'config.md')!.render();
    for (const { key, schema } of configKeys()) {
      if (!key.includes('.') && schema.type === 'object') expect(page, key).toContain(`## \`${key}\`\n\n${CONFIG_DOCS[key as keyof typeof CONFIG_DOCS]}\n`);
      else expect(page, key).toMatch(new RegExp(`^\\| \`${key.replace(/\./g, '\\.')}\` \\| (?:[^|\\\\]|\\\\.)+ \\| .* \\| \\S.* \\|$`, 'm'));
    }
    expect(page).toContain('| `kafka.topicDefaults.partitions` | integer ≥ 1 | `6` |');
    expect(page).toContain('| `version` | `1` | required |');
  });

  it('takes defaults that the config schema accepts', () => {
    const require = createRequire(import.meta.url);
    const Ajv = require('ajv').default as new (o: object) => { compile(s: unknown): ((d: unknown) => boolean) & { errors?: unknown } };
    const v = new Ajv({ allErrors: true, strict: false }).compile(configSchema);
    expect(v(DEFAULT_CONFIG), JSON.stringify(v.errors)).toBe(true);
  });
});
