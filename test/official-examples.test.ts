/**
 * The official example contracts of ODCS, DCS and datacontract-cli lint with no error but genuine ones. Their
 * files are not in this repository: test/fixtures/examples/verdicts.json records, per file (repository, commit,
 * path), the errors that remain and why, and errors another branch of this round removes (`pending`). Each file is
 * linted alone, as a user would lint it.
 *
 *   - the examples copied to ../shared/reference are linted on every run (and must be there when CI=true);
 *   - the others when CONTRACTGEN_EXAMPLE_REPOS names a folder holding the repositories' git clones at
 *     <owner>/<name> (`git clone https://github.com/bitol-io/open-data-contract-standard …/bitol-io/open-data-contract-standard`);
 *   - docs/compatibility.md lists every file that keeps an error, with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRuleId } from '../generator/diagnostics/rules.js';
import { cli } from './helpers/cli.js';
import { reference, REFERENCE, ROOT } from './helpers/reference.js';

interface Verdict {
  repository: string;
  commit: string;
  path: string;
  /** where ../shared/reference holds a copy */
  reference?: string;
  /** the rules of the genuine errors that remain; [] when the file lints with no error */
  errors: string[];
  why?: string;
  /** errors that another branch of this round removes: they may still be there, and nothing else may */
  pending?: { errors: string[]; until: string };
}

const VERDICTS = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/examples/verdicts.json'), 'utf8')) as Verdict[];
const REPOS = process.env.CONTRACTGEN_EXAMPLE_REPOS;

/** The rules of the errors `contractgen lint` reports on the file, linted alone in a folder of its own. */
async function lintAlone(text: string, name: string): Promise<{ errors: string[]; code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-examples-'));
  writeFileSync(join(dir, name), text);
  const r = await cli(['lint', name, '--format', 'json'], dir);
  const ds = JSON.parse(r.stdout) as Array<{ severity: string; rule: string }>;
  return { errors: [...new Set(ds.filter((d) => d.severity === 'error').map((d) => d.rule))].sort(), code: r.code, stderr: r.stderr };
}

function expectVerdict(v: Verdict, got: { errors: string[]; code: number; stderr: string }) {
  const label = `${v.repository}@${v.commit.slice(0, 7)}:${v.path}`;
  const pending = new Set(v.pending?.errors ?? []);
  expect(got.errors.filter((r) => !pending.has(r)), label).toEqual([...v.errors].sort());
  expect(got.code, label).toBe(got.errors.length ? 1 : 0);
  expect(got.stderr, label).not.toContain('internal error');
}

describe('the official example contracts', () => {
  it('have a well-formed verdict list: repository, commit, path, registered rules, a reason for every error', () => {
    expect(VERDICTS.length).toBeGreaterThanOrEqual(40);
    const keys = new Set<string>();
    for (const v of VERDICTS) {
      const label = `${v.repository}:${v.path}`;
      expect(v.repository, label).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(v.commit, label).toMatch(/^[0-9a-f]{40}$/);
      expect(keys.has(`${v.repository}@${v.commit}:${v.path}`), `${label} twice`).toBe(false);
      keys.add(`${v.repository}@${v.commit}:${v.path}`);
      for (const r of [...v.errors, ...(v.pending?.errors ?? [])]) expect(isRuleId(r), `${label}: ${r}`).toBe(true);
      expect(Boolean(v.why), `${label}: an error that remains needs its reason`).toBe(v.errors.length > 0);
      if (v.pending) expect(v.pending.until, label).toBeTruthy();
    }
    for (const repo of ['bitol-io/open-data-contract-standard', 'datacontract/datacontract-specification', 'datacontract/datacontract-cli']) {
      expect(VERDICTS.some((v) => v.repository === repo), repo).toBe(true);
    }
  });

  it('cover every example contract in ../shared/reference', () => {
    const examples = reference('odcs/examples');
    if (!examples.available) return;
    const found: string[] = [];
    for (const dir of ['odcs/examples', 'odcs/examples/v3.2.0-draft', 'dcs/examples']) {
      for (const f of readdirSync(join(REFERENCE, dir))) if (/\.ya?ml$/.test(f)) found.push(`${dir}/${f}`);
    }
    expect(found.length).toBeGreaterThanOrEqual(14);
    expect(found.filter((f) => !VERDICTS.some((v) => v.reference === f)), 'reference examples without a verdict').toEqual([]);
  });

  for (const v of VERDICTS.filter((x) => x.reference)) {
    it(`${v.reference}: ${v.errors.length ? v.errors.join(', ') : 'no error'}${v.pending ? ` (pending: ${v.pending.errors.join(', ')})` : ''}`, async () => {
      const ref = reference(v.reference!);
      if (!ref.available) return;
      expectVerdict(v, await lintAlone(readFileSync(ref.path, 'utf8'), basename(v.path)));
    });
  }

  describe.runIf(REPOS !== undefined)('from the repositories (CONTRACTGEN_EXAMPLE_REPOS)', () => {
    for (const v of VERDICTS) {
      it(`${v.repository}@${v.commit.slice(0, 7)}:${v.path}`, async () => {
        const git = join(REPOS!, v.repository);
        expect(existsSync(git), `${git}: clone ${v.repository} there`).toBe(true);
        const text = execFileSync('git', ['-C', git, 'show', `${v.commit}:${v.path}`], { encoding: 'utf8', maxBuffer: 16 << 20 });
        if (v.reference && reference(v.reference).available) expect(readFileSync(reference(v.reference).path, 'utf8'), 'the reference copy is this file').toBe(text);
        expectVerdict(v, await lintAlone(text, basename(v.path)));
      });
    }
  });

  it('docs/compatibility.md lists every file that keeps an error, with its reason', () => {
    const doc = readFileSync(join(ROOT, 'docs/compatibility.md'), 'utf8');
    for (const v of VERDICTS.filter((x) => x.errors.length)) {
      expect(doc, v.path).toContain(v.path);
      for (const r of v.errors) expect(doc, `${v.path}: ${r}`).toContain(r);
    }
    for (const v of VERDICTS.filter((x) => x.pending)) expect(doc, v.path).toContain(v.path);
  });
});
