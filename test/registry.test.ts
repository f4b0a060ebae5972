/** The target registry is light (ids, descriptions, loaders) and says the same as the modules it loads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectTargets } from '../generator/pipeline.js';
import { loadTarget, targetById, TARGETS } from '../generator/targets/registry.js';
import { ROOT } from './helpers/reference.js';

describe('the target registry', () => {
  it.each(TARGETS.map((t) => [t.id, t] as const))('%s: its loader gives the module of the same id and description', async (id, info) => {
    const target = await info.load();
    expect(target.id).toBe(id);
    expect(target.description).toBe(info.description);
    expect(await loadTarget(target)).toBe(target);
    expect(targetById(id)).toBe(info);
  });

  it('imports no target module itself (each is loaded when it runs)', () => {
    const src = readFileSync(join(ROOT, 'generator/targets/registry.ts'), 'utf8');
    expect(src).not.toMatch(/^import (?!type )/m);
    expect([...src.matchAll(/await import\('\.\/([a-z-]+)\.js'\)/g)].map((m) => m[1])).toEqual(TARGETS.map((t) => t.id));
  });

  it('selects targets by id, in registry order', () => {
    expect(selectTargets(['docs', 'postgres']).map((t) => t.id)).toEqual(['postgres', 'docs']);
    expect(selectTargets(undefined)).toEqual(TARGETS);
    expect(targetById('nope')).toBeUndefined();
  });
});
