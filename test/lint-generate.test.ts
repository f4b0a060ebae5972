/**
 * `lint` reports every diagnostic `generate` would, and nothing else: the same JSON, diagnostic for diagnostic
 * (infos included), on the repository's contracts, the hostile corpus, random contracts from the property-based
 * generator, and contracts planted with each target diagnostic, for all targets and with --target. `generate`
 * runs the targets and emit after the checks, so a target that reported something the model decides, instead
 * of declaring it in targets/capabilities.ts, would break the equality here.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { contract as randomContract, SEED } from './helpers/contract-arbitrary.js';
import { ROOT } from './helpers/reference.js';

interface D {
  file: string;
  line: number;
  col: number;
  severity: string;
  rule: string;
  message: string;
}

/** lint's and generate's diagnostics on the same contracts (paths relative to `cwd`), as JSON. */
async function both(cwd: string, contracts: string[], extra: string[] = []): Promise<{ lint: D[]; generate: D[]; codes: [number, number]; stderr: string; out: string }> {
  const paths = contracts.flatMap((c) => ['--contracts', c]);
  const lint = await cli(['lint', ...paths, ...extra, '--format', 'json'], cwd);
  const out = join(mkdtempSync(join(tmpdir(), 'cg-lint-gen-')), 'generated');
  const generate = await cli(['generate', ...paths, ...extra, '--out', out, '--format', 'json'], cwd);
  const parse = (s: string, what: string) => {
    try {
      return JSON.parse(s) as D[];
    } catch {
      throw new Error(`${what} did not print JSON: ${s.slice(0, 300)}`);
    }
  };
  return { lint: parse(lint.stdout, `lint ${contracts.join(' ')}: ${lint.stderr}`), generate: parse(generate.stdout, `generate ${contracts.join(' ')}: ${generate.stderr}`), codes: [lint.code, generate.code], stderr: lint.stderr + generate.stderr, out };
}

/** Equal diagnostics, and the same verdict: lint fails (1) exactly when generate refuses (1). */
function expectSame(r: Awaited<ReturnType<typeof both>>, label: string) {
  expect(r.lint, label).toEqual(r.generate);
  expect(r.codes[0], `${label}: exit codes ${r.codes.join(' / ')}\n${r.stderr}`).toBe(r.codes[1]);
  expect(r.stderr, label).not.toContain('internal error');
}

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-lint-gen-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('lint and generate report the same diagnostics', () => {
  it("on the repository's contracts and every example's (examples/*/contracts)", async () => {
    const repo = await both(ROOT, ['contracts']);
    expectSame(repo, 'contracts/');
    expect(repo.codes).toEqual([0, 0]);
    expect(repo.lint.map((d) => d.rule)).toContain('TARGET_SKIPPED'); // the checks ran on both sides
    const examples = readdirSync(join(ROOT, 'examples')).filter((e) => existsSync(join(ROOT, 'examples', e, 'contracts'))).map((e) => `examples/${e}/contracts`);
    expect(examples).toContain('examples/mysql-source/contracts');
    for (const e of examples) {
      const r = await both(ROOT, [e]);
      expectSame(r, e);
      expect(r.codes, e).toEqual([0, 0]);
    }
  }, 300_000);

  it('on every case of the hostile corpus, legal and illegal', async () => {
    const corpus = join(ROOT, 'test/fixtures/hostile');
    const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as Array<{ name: string; legal: boolean }>;
    let legal = 0;
    for (const c of cases) {
      const r = await both(join(corpus, c.name), ['.']);
      expectSame(r, c.name);
      if (c.legal) legal++;
    }
    expect(legal).toBeGreaterThan(20);
  }, 600_000);

  it('on random valid contracts of the property-based generator', async () => {
    const samples = fc.sample(randomContract, { seed: SEED, numRuns: Number(process.env.LINT_GENERATE_RUNS ?? 24) });
    const kinds = new Set<string>();
    for (const [i, c] of samples.entries()) {
      const dir = dirWith({ 'random.odcs.yaml': c.yaml });
      const r = await both(dir, ['.']);
      expectSame(r, `sample ${i}:\n${c.yaml}`);
      expect(r.codes[0], `sample ${i} is valid:\n${c.yaml}\n${r.stderr}`).toBe(0);
      kinds.add(c.kind);
    }
    expect([...kinds].sort()).toEqual(['cassandra', 'mysql', 'postgres']);
  }, 600_000);

  describe('on contracts planted with each target diagnostic', () => {
    const PG = 'servers:\n  - server: db\n    type: postgres\n    host: db\n    port: 5432\n    database: app\n    schema: public\n';
    const MYSQL = 'servers:\n  - server: db\n    type: mysql\n    host: db\n    port: 3306\n    database: app\n';
    const CASSANDRA =
      'servers:\n  - server: c\n    type: custom\n    host: cassandra.internal\n    port: 9042\n    customProperties:\n      - {property: contractgen.server.kind, value: cassandra}\n      - {property: contractgen.cassandra.keyspace, value: mobility}\n';
    const doc = (o: { id: string; servers?: string; schemaExtra?: string; props?: string; name?: string }) => `apiVersion: v3.1.0
kind: DataContract
id: ${o.id}
version: 1.0.0
status: active
${o.servers ?? ''}schema:
  - name: ${o.name ?? o.id}
${o.schemaExtra ?? ''}    properties:
${o.props ?? '      - name: id\n        logicalType: integer\n        primaryKey: true\n'}`;

    /** Each planted contract, and the target rules it must raise on both sides. */
    const PLANTED: Array<{ name: string; files: Record<string, string>; rules: string[]; messages?: string[] }> = [
      {
        name: 'QUALITY_UNTRANSLATED (a text rule, SQL that is not a row count, another engine, a metric without a field)',
        files: {
          'q.yaml': doc({
            id: 'q',
            servers: PG,
            schemaExtra: `    quality:
      - {type: text, description: every thing is a thing}
      - {type: sql, query: "SELECT max(id) FROM \${table}", mustBeLessThan: 10}
      - {type: custom, engine: soda, implementation: "checks: []"}
      - {metric: nullValues, mustBe: 0}
`,
          }),
        },
        rules: ['QUALITY_UNTRANSLATED'],
      },
      {
        name: 'TARGET_SKIPPED (no source; CDC disabled; a Cassandra table without a key, CDC disabled)',
        files: {
          'lake.yaml': doc({ id: 'lake' }),
          'quiet.yaml': doc({ id: 'quiet', servers: PG.replace('database: app', 'database: quiet'), schemaExtra: '    customProperties:\n      - {property: contractgen.cdc.enabled, value: false}\n' }),
          'keyless.yaml': doc({ id: 'keyless', servers: CASSANDRA, schemaExtra: '    customProperties:\n      - {property: contractgen.cdc.enabled, value: false}\n', props: '      - name: x\n        logicalType: string\n' }),
        },
        rules: ['TARGET_SKIPPED'],
        messages: ['cassandra: skipped "keyless": it has no primary key', 'debezium: skipped "quiet": CDC is disabled for it', 'trino: skipped "lake": it has no CDC topic, so no raw layer'],
      },
      {
        name: 'TARGET_UNSUPPORTED (MySQL cannot index a JSON or BLOB key)',
        files: {
          'm.yaml': doc({
            id: 'm',
            servers: MYSQL,
            props: '      - name: id\n        logicalType: integer\n        primaryKey: true\n      - name: payload\n        logicalType: string\n        physicalType: json\n        unique: true\n      - name: raw\n        logicalType: string\n        physicalType: blob\n        unique: true\n',
          }),
        },
        rules: ['TARGET_UNSUPPORTED'],
      },
      {
        name: 'all of them across sources, with a Cassandra dataset',
        files: {
          'c.yaml': doc({ id: 'c', servers: CASSANDRA, schemaExtra: '    quality:\n      - {type: text, description: free text}\n' }),
          'lake.yaml': doc({ id: 'lake' }),
        },
        rules: ['QUALITY_UNTRANSLATED', 'TARGET_SKIPPED'],
      },
    ];

    for (const p of PLANTED) {
      it(p.name, async () => {
        const dir = dirWith(p.files);
        const all = await both(dir, ['.']);
        expectSame(all, p.name);
        for (const rule of p.rules) expect(all.lint.map((d) => d.rule), rule).toContain(rule);
        for (const m of p.messages ?? []) expect(all.lint.map((d) => d.message), m).toContain(m);
        // scoped: each target alone, on both sides
        for (const target of ['mysql', 'quality', 'trino']) expectSame(await both(dir, ['.'], ['--target', target]), `${p.name} --target ${target}`);
      }, 120_000);
    }
  });

  it('on a contract that generate refuses for a target error only, generate writes nothing, as lint fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-lint-gen-'));
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(
      join(dir, 'contracts', 'm.yaml'),
      'apiVersion: v3.1.0\nkind: DataContract\nid: m\nversion: 1.0.0\nstatus: active\nservers:\n  - server: db\n    type: mysql\n    host: db\n    port: 3306\n    database: app\nschema:\n  - name: m\n    properties:\n      - name: id\n        logicalType: string\n        physicalType: json\n        primaryKey: true\n',
    );
    const r = await both(dir, ['contracts']);
    expectSame(r, 'json key');
    expect(r.codes).toEqual([1, 1]);
    expect(r.lint.map((d) => d.rule)).toContain('TARGET_UNSUPPORTED');
    expect(existsSync(r.out), 'nothing written').toBe(false);
  });
});

describe('the target checks never fail internally', () => {
  it('on mutated contracts, modelled as far as they are sound, as lint models them (100 cases)', async () => {
    const { analyzeSources } = await import('../generator/analyze.js');
    const { DEFAULT_CONFIG } = await import('../generator/config/config.js');
    const { checkTargets } = await import('../generator/targets/capabilities.js');
    const edit = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom(':', '- ', '  ', '"', '[', '{', 'null', '~', '1e999', 'yes', '\n', '    primaryKey: true\n', '    unique: true\n', '    logicalType: object\n', '    physicalType: json\n', '    items: {}\n') }),
      fc.record({ op: fc.constant('swapLines' as const), at: fc.nat(), len: fc.nat() }),
    );
    let checked = 0;
    fc.assert(
      fc.property(randomContract, fc.array(edit, { minLength: 1, maxLength: 4 }), (c, edits) => {
        let t = c.yaml;
        for (const e of edits) {
          if (e.op === 'delete') {
            const at = e.at % (t.length + 1);
            t = t.slice(0, at) + t.slice(at + e.len);
          } else if (e.op === 'insert') {
            const at = e.at % (t.length + 1);
            t = t.slice(0, at) + e.s + t.slice(at);
          } else {
            const lines = t.split('\n');
            const i = e.at % lines.length;
            const j = e.len % lines.length;
            [lines[i], lines[j]] = [lines[j]!, lines[i]!];
            t = lines.join('\n');
          }
        }
        const { model } = analyzeSources([{ file: 'contracts/mutated.odcs.yaml', text: t }], DEFAULT_CONFIG);
        for (const d of checkTargets(model, DEFAULT_CONFIG)) expect(d.file, t).toBe('contracts/mutated.odcs.yaml');
        if (model.datasets.length) checked++;
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(checked, 'some mutants still model a dataset, which the checks then see').toBeGreaterThan(5);
  }, 300_000);
});
