/**
 * The golden cases of test/cases/ (see helpers/cases.ts and docs/testing.md): each folder is generated in-process
 * and compared byte for byte with its expected/ tree, or run through the CLI when it pins a failure.
 * `UPDATE_GOLDEN=1 npx vitest run test/cases.test.ts` rewrites the expected files instead of comparing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFiles, generateCase, listCases, runFailure, treeFiles, writeExpected, writeFailure } from './helpers/cases.js';
import { ROOT } from './helpers/reference.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cases = listCases();

describe('golden cases (test/cases/)', () => {
  it('has cases of every kind: a whole tree, some targets of a tree, a pinned failure', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    expect(cases.some((c) => !c.failure && treeFiles(c.expectedDir).length > 0)).toBe(true);
    expect(cases.some((c) => c.failure)).toBe(true);
  });

  for (const c of cases) {
    if (c.failure) {
      it(`${c.name}: \`contractgen ${c.failure.args.join(' ')}\` fails as pinned`, async () => {
        const run = await runFailure(c);
        if (UPDATE) writeFailure(c, run);
        expect(run.written, 'a failed run writes nothing').toEqual([]);
        expect(run.exit).toBe(c.failure!.exit);
        expect(run.stderr).toBe(readFileSync(join(c.expectedDir, 'stderr.txt'), 'utf8'));
        expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
      });
    } else {
      it(`${c.name}: generates exactly expected/ (${c.allTargets ? 'every target' : c.targets.join(', ')})`, async () => {
        const files = await generateCase(c);
        if (UPDATE) writeExpected(c, files);
        const expected = expectedFiles(c);
        expect(files.size, 'a case that generates nothing compares nothing').toBeGreaterThan(0);
        expect([...files.keys()]).toEqual([...expected.keys()]);
        for (const [p, text] of files) expect(text, `${c.name}/expected/${p}`).toBe(expected.get(p));
      });
    }
  }

  it('the mysql-source case holds the contracts of examples/mysql-source as they are', () => {
    const example = join(ROOT, 'examples/mysql-source/contracts');
    const mine = join(ROOT, 'test/cases/mysql-source/contracts');
    expect(treeFiles(mine)).toEqual(treeFiles(example));
    for (const f of treeFiles(example)) expect(readFileSync(join(mine, f), 'utf8'), f).toBe(readFileSync(join(example, f), 'utf8'));
  });
});
