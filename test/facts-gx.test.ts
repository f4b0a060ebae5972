/**
 * The quality suites against Great Expectations' own rules (test/facts/gx/expectations.json, read from
 * great-expectations/great_expectations at 0.18.21, 0.18.22, 1.2.0, 1.3.1, 1.3.2 and 1.7.1): for every
 * `quality.gxVersion` the config can select, every suite of the repository's contracts, the example contracts
 * and the property-based contracts has the suite and expectation keys that version's schema loads, only
 * expectation types it knows, and per expectation exactly the kwargs it accepts (1.x forbids any other: the whole
 * suite fails to load; 0.18 ignores it, which silently changes the meaning).
 */
import { describe, expect, it } from 'vitest';
import { facts, filesOf, propertyCases, repoCases, type Case } from './helpers/facts.js';

interface Kw {
  required?: string[];
  optional?: string[];
  recognized?: string[];
}
type KeySpec = Record<string, { required: boolean; allowNone: boolean }>;
const gx = facts<{ versions: string[]; expectations: Record<string, Record<string, Kw>>; suiteFormat: { '1.x': { suiteKeys: KeySpec; expectationKeys: Record<string, KeySpec | string> }; '0.18': { suiteKeys: KeySpec; expectationKeys: KeySpec } } }>('gx/expectations.json');

/** The expectation-level keys GX 1.x `version` loads ("same as 1.2.0" resolved). */
function expectationKeys1(version: string): KeySpec {
  const v = gx.suiteFormat['1.x'].expectationKeys[version];
  return typeof v === 'string' ? expectationKeys1(/same as (\S+)/.exec(v)![1]!) : v!;
}

const cmp = (a: string, b: string) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

/** The versions whose facts a suite generated for `configured` must satisfy: that version and every later one read, within its major. */
function checkedAgainst(configured: string): string[] {
  if (configured === '0.18') return gx.versions.filter((v) => v.startsWith('0.18.'));
  const floor = configured === '1.x' ? '1.0.0' : configured;
  return gx.versions.filter((v) => v.startsWith('1.') && cmp(v, floor) >= 0);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function problems(suite: Record<string, unknown>, configured: string): string[] {
  const out: string[] = [];
  const v1 = configured !== '0.18';
  const format = gx.suiteFormat[v1 ? '1.x' : '0.18'];
  const against = checkedAgainst(configured);
  for (const k of Object.keys(suite)) if (!Object.hasOwn(format.suiteKeys, k)) out.push(`suite key ${k} is unknown to GX ${v1 ? '1.x' : '0.18'}`);
  for (const [k, spec] of Object.entries(format.suiteKeys)) if (suite[k] === null && !spec.allowNone) out.push(`suite key ${k} may not be null`);
  const declared = (suite.meta as { great_expectations_version?: string }).great_expectations_version;
  const want = configured === '1.x' ? '1.2.0' : configured === '0.18' ? '0.18.21' : configured;
  if (declared !== want) out.push(`declares GX ${declared}, configured ${configured}`);
  if (v1 && !UUID.test(String(suite.id))) out.push('suite id is not a UUID');
  for (const [i, e] of (suite.expectations as Array<Record<string, unknown>>).entries()) {
    for (const keys of v1 ? against.map(expectationKeys1) : [gx.suiteFormat['0.18'].expectationKeys]) {
      for (const k of Object.keys(e)) if (!Object.hasOwn(keys, k)) out.push(`expectation ${i}: key ${k} is unknown to GX`);
    }
    if (v1 && !UUID.test(String(e.id))) out.push(`expectation ${i}: id is not a UUID`);
    const type = String(v1 ? e.type : e.expectation_type);
    const kwargs = Object.keys(e.kwargs as object);
    for (const version of against) {
      const spec = gx.expectations[type]?.[version];
      if (!spec) {
        out.push(`expectation ${i}: GX ${version} has no expectation type ${type}`);
        continue;
      }
      const allowed = new Set(spec.recognized ?? [...(spec.required ?? []), ...(spec.optional ?? [])]);
      for (const k of kwargs) if (!allowed.has(k)) out.push(`expectation ${i} (${type}): GX ${version} does not accept kwarg ${k}`);
      for (const k of spec.required ?? []) if (!kwargs.includes(k)) out.push(`expectation ${i} (${type}): GX ${version} requires kwarg ${k}`);
    }
  }
  return out;
}

/** The versions the config switch is tested with (the facts' versions, and the 1.x and 0.18 families). */
const CONFIGURED = ['0.18', '1.x', '1.2.0', '1.3.1', '1.3.2', '1.7.1'];

async function cases(version: string): Promise<Case[]> {
  const override = { quality: { gxVersion: version } };
  return [...(await repoCases(['quality'], override, ` (gx ${version})`)), ...(await propertyCases(['quality'], override, 15, ` (gx ${version})`))];
}

describe('quality suites against Great Expectations (facts from its source)', () => {
  it('cite their sources: repository, version and files', () => {
    expect(gx.sources.map((s) => s.version)).toEqual(expect.arrayContaining(['0.18.21', '1.2.0']));
    for (const s of gx.sources) expect(s.repo).toBe('great-expectations/great_expectations');
  });

  for (const version of CONFIGURED) {
    it(`load in GX ${version === '1.x' ? 'every 1.x read (1.2.0 to 1.7.1)' : version === '0.18' ? '0.18.21 and 0.18.22' : `${version} and later 1.x`}: keys, types and kwargs of that version`, async () => {
      const found = filesOf(await cases(version), (p) => p.startsWith('quality/') && p.endsWith('.json')).flatMap((f) => problems(JSON.parse(f.content), version).map((p) => `${f.label}: ${p}`));
      expect(found).toEqual([]);
    }, 120_000);
  }

  it('would catch a kwarg the version refuses (the check can fail)', () => {
    const suite = { name: 's', id: '00000000-0000-5000-8000-000000000000', meta: { great_expectations_version: '1.2.0' }, notes: '', expectations: [{ type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 0, strict_min: true }, meta: {}, id: '00000000-0000-5000-8000-000000000001' }] };
    expect(problems(suite, '1.2.0')).toEqual(['expectation 0 (expect_table_row_count_to_be_between): GX 1.2.0 does not accept kwarg strict_min', 'expectation 0 (expect_table_row_count_to_be_between): GX 1.3.1 does not accept kwarg strict_min']);
    expect(problems(suite, '1.3.2')).toContain('declares GX 1.2.0, configured 1.3.2');
  });
});
