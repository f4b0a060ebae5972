/**
 * Property-based tests (fast-check, seed pinned, 200 runs each): random valid contracts go through every target,
 *   1. the analysis accepts them and every target generates without an error;
 *   2. every output passes the real validators (validators.ts: libpg-query, dt-sql-parser Trino, SparkSQL and
 *      MySQL, avsc, Ruff and CPython, ajv with the Strimzi CRD and the Unity Catalog spec, the Debezium property
 *      lists, java.util.Properties);
 *   3. any mutation of a contract's text gives positioned diagnostics, never an exception;
 *   4. the fast YAML reader (js-yaml) and the reference reader (`yaml`) agree on the data and on the position
 *      of every node, or the fast one hands the text over.
 * Determinism and --check are in properties-determinism.test.ts (a second file, so the two run in parallel).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadYaml, referenceLoad, type PathSeg } from '../generator/load/yaml.js';
import { contract, generate, params, RUNS, text } from './helpers/contract-arbitrary.js';
import { validateCases } from './helpers/validators.js';

// ---------------------------------------------------------------------------------------------- properties

describe('property: random valid contracts', () => {
  it(`generate every target without an error, and the outputs pass the real validators (${RUNS} cases)`, async () => {
    const cases: Array<{ label: string; files: Map<string, string>; yaml: string }> = [];
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(contract, async (c) => {
        const { errors, files } = await generate([{ file: 'contracts/random.odcs.yaml', text: c.yaml }]);
        expect(errors, c.yaml).toEqual([]);
        expect(files.size).toBeGreaterThan(10);
        kinds.add(c.kind);
        cases.push({ label: `case ${cases.length}`, files, yaml: c.yaml });
      }),
      params(),
    );
    expect([...kinds].sort()).toEqual(['cassandra', 'mysql', 'postgres']);
    const problems = await validateCases(cases);
    if (process.env.PROPERTY_PROBLEMS) (await import("node:fs")).writeFileSync(process.env.PROPERTY_PROBLEMS, JSON.stringify({ problems, cases: cases.map((c) => [c.label, c.yaml]) }, null, 1));
    // name the contract behind the first problem, so a failure can be reproduced from the log
    const first = problems[0] && cases.find((c) => problems[0]!.startsWith(`${c.label}:`));
    expect(problems, first ? `first failing contract:\n${first.yaml}` : '').toEqual([]);
  }, 600_000);

});

const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: fc.oneof(fc.constantFrom(':', '- ', '  ', '\t', '"', "'", '[', '{', '&a', '*a', '!!binary', '? ', '|', '>', '#', '---', '\n', 'null', '~', '0x1F', '1e999', '-.inf', '0o17', '1_000', '2024-03-01', 'yes'), text) }),
  fc.record({ op: fc.constant('swapLines' as const), at: fc.nat(), len: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(t: string, ms: readonly Mutation[]): string {
  for (const m of ms) {
    if (m.op === 'delete') {
      const at = m.at % (t.length + 1);
      t = t.slice(0, at) + t.slice(at + m.len);
    } else if (m.op === 'insert') {
      const at = m.at % (t.length + 1);
      t = t.slice(0, at) + m.s + t.slice(at);
    } else {
      const lines = t.split('\n');
      const i = m.at % lines.length;
      const j = m.len % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      t = lines.join('\n');
    }
  }
  return t;
}

function paths(v: unknown, prefix: PathSeg[] = [], out: PathSeg[][] = []): PathSeg[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

describe('property: mutated contracts', () => {
  it(`never throw: every mutation of a valid contract gives diagnostics or output (${RUNS * 2} cases)`, async () => {
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(contract, fc.array(mutation, { minLength: 1, maxLength: 4 }), async (c, ms) => {
        const r = await generate([{ file: 'contracts/mutated.odcs.yaml', text: mutate(c.yaml, ms) }]);
        if (r.errors.length) {
          errors++;
          for (const e of r.errors) expect(e).toMatch(/^contracts\/mutated\.odcs\.yaml:\d+:\d+ [A-Z_]+ \S/);
        }
      }),
      params(RUNS * 2),
    );
    expect(errors, 'the mutations should break most contracts').toBeGreaterThan(RUNS / 2);
  }, 600_000);

  it(`read the same with the fast and the reference YAML reader: data, errors and every position (${RUNS * 2} cases)`, () => {
    let compared = 0;
    fc.assert(
      fc.property(contract, fc.array(mutation, { maxLength: 3 }), (c, ms) => {
        const t = mutate(c.yaml, ms);
        const fast = loadYaml('a.yaml', t);
        const ref = referenceLoad('a.yaml', t);
        expect(fast.diagnostics.filter((d) => d.severity === 'error'), t).toEqual(ref.diagnostics.filter((d) => d.severity === 'error'));
        expect(Boolean(fast.doc)).toBe(Boolean(ref.doc));
        if (!fast.doc || !ref.doc) return;
        expect(fast.doc.data, t).toEqual(ref.doc.data);
        for (const p of paths(ref.doc.data)) {
          expect([p, fast.doc.pos(p), fast.doc.keyPos(p)], t).toEqual([p, ref.doc.pos(p), ref.doc.keyPos(p)]);
        }
        compared++;
      }),
      params(RUNS * 2),
    );
    expect(compared, 'most texts should parse').toBeGreaterThan(RUNS / 2);
  }, 600_000);
});
