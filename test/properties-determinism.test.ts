/**
 * Property (fast-check, seed pinned, 200 runs): sets of random valid contracts generate byte-identical output
 * whatever the order of the files, and `--check` right after a write finds no drift.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSink, writeSink } from '../generator/sink/sink.js';
import { contract, generate, params, RUNS } from './helpers/contract-arbitrary.js';

describe('property: random valid contracts', () => {
  it(`give byte-identical output whatever the file order, and --check after a write is clean (${RUNS} cases)`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'cg-prop-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(contract, { minLength: 1, maxLength: 2, selector: (c) => c.yaml }), async (list) => {
        // each contract gets its own dataset names, so several of them can sit side by side
        const sources = list.map((c, i) => ({ file: `contracts/c${i}.odcs.yaml`, text: c.yaml }));
        const a = await generate(sources);
        if (a.errors.length) return; // two random contracts may collide (same table or topic): that is lint's job
        const b = await generate([...sources].reverse());
        expect(b.errors).toEqual([]);
        expect([...b.files.entries()]).toEqual([...a.files.entries()]);
        const root = join(out, String(n++), 'generated');
        writeSink(root, a.files);
        const drift = await checkSink(root, a.files);
        expect(drift.entries).toEqual([]);
        expect(drift.checked).toBe(a.files.size);
      }),
      params(),
    );
    expect(n, 'most generated contract sets should be collision-free').toBeGreaterThan(RUNS / 2);
  }, 600_000);
});

