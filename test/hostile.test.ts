/**
 * The hostile corpus (test/fixtures/hostile, 75 cases from make-corpus.mjs, plus huge inputs built here):
 * illegal input exits 1 or 2 with a positioned diagnostic and a rule ID, no stack trace, nothing written;
 * legal input produces output that every real validator accepts, with the hostile text escaped.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { generateFrom } from './helpers/generate.js';
import { ROOT } from './helpers/reference.js';
import { validateOutputs } from './helpers/validators.js';

const CORPUS = join(ROOT, 'test/fixtures/hostile');
const cases = JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as Array<{ name: string; legal: boolean; rules: string[] }>;

async function expectRefused(dir: string, rules: string[]) {
  const out = join(mkdtempSync(join(tmpdir(), 'cg-hostile-')), 'generated');
  const r = await cli(['generate', '--contracts', dir, '--out', out], ROOT);
  expect([1, 2], r.stderr).toContain(r.code);
  expect(rules.length, 'an illegal case names the rules it must produce').toBeGreaterThan(0);
  for (const rule of rules) expect(r.stderr, r.stderr).toMatch(new RegExp(`:\\d+:\\d+: error ${rule} `));
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(r.stderr).not.toContain('internal error');
  expect(existsSync(out), 'nothing may be written').toBe(false);
}

describe('hostile corpus', () => {
  it('has at least 60 cases of both kinds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((c) => c.legal).length).toBeGreaterThan(20);
    expect(readdirSync(CORPUS).filter((f) => !f.includes('.')).length).toBe(cases.length);
  });

  for (const c of cases.filter((x) => !x.legal)) {
    it(`refuses ${c.name} with ${c.rules.join(', ')}`, async () => expectRefused(join(CORPUS, c.name), c.rules));
  }

  it('turns every legal hostile case into output the real validators accept', async () => {
    const problems: string[] = [];
    for (const c of cases.filter((x) => x.legal)) {
      const { files } = await generateFrom([join(CORPUS, c.name)], ROOT);
      expect(files.size, c.name).toBeGreaterThan(10);
      problems.push(...(await validateOutputs(files, c.name)));
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('escapes SQL injection in comments instead of running it', async () => {
    const { files } = await generateFrom([join(CORPUS, 'description-sql-injection')], ROOT);
    expect(files.get('postgres/things.sql')).toContain("IS '''); DROP TABLE users; --'");
    expect(files.get('trino/things.sql')).toContain("COMMENT '''); DROP TABLE users; --'");
  });

  it('applies foreign keys after all tables, so cyclic relationships work', async () => {
    const { files } = await generateFrom([join(CORPUS, 'cyclic-relationships')], ROOT);
    const fk = files.get('postgres/foreign-keys.sql')!;
    expect(fk).toContain('ALTER TABLE public.alpha ADD CONSTRAINT alpha_beta_id_fkey FOREIGN KEY (beta_id) REFERENCES public.beta (id);');
    expect(fk).toContain('ALTER TABLE public.beta ADD CONSTRAINT beta_alpha_id_fkey FOREIGN KEY (alpha_id) REFERENCES public.alpha (id);');
    expect(files.get('postgres/alpha.sql')).not.toContain('FOREIGN KEY');
  });
});

describe('resource attacks', () => {
  const base = readFileSync(join(CORPUS, 'self-reference', 'a.yaml'), 'utf8');
  const write = (name: string, text: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cg-huge-')), name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), text);
    return dir;
  };

  it('refuses a 10 MB string', async () => expectRefused(write('ten-mb', `${base}    description: "${'x'.repeat(10 * 1024 * 1024)}"\n`), ['INPUT_TOO_LARGE']));

  it('refuses fields nested 500 deep', async () => {
    let props = '';
    for (let d = 0; d < 500; d++) props += `${' '.repeat(6 + 4 * d)}- name: n${d}\n${' '.repeat(8 + 4 * d)}logicalType: object\n${' '.repeat(8 + 4 * d)}properties:\n`;
    props += `${' '.repeat(6 + 4 * 500)}- name: leaf\n${' '.repeat(8 + 4 * 500)}logicalType: string\n`;
    await expectRefused(write('deep', base + props), ['NESTING_TOO_DEEP']);
  });

  it('refuses 10,000 fields for a PostgreSQL table', async () => {
    let props = '';
    for (let i = 0; i < 10_000; i++) props += `      - name: f${i}\n        logicalType: string\n`;
    await expectRefused(write('wide', base + props), ['FIELD_LIMIT']);
  });
});
