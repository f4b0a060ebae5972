/**
 * Our own contract schemas must give the same verdict as the official JSON Schemas (run through Ajv with the
 * right draft: 2019-09 for ODCS, draft-07 for DCS) on every official example, on our own contracts, and on
 * mutated invalid contracts that both must reject.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadYaml, type LoadedYaml } from '../generator/load/yaml.js';
import { checkSchema } from '../generator/validate/schema-check.js';
import { loadContract } from '../generator/analyze.js';
import { convertDcs } from '../generator/convert/dcs.js';
import { reference, ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);
const Ajv2019 = require('ajv/dist/2019').default;
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats');

const odcs31 = reference('odcs/odcs-json-schema-v3.1.0.json');
const odcs32 = reference('odcs/odcs-json-schema-v3.2.0-draft-20260604.json');
const odcs32Examples = reference('odcs/examples/v3.2.0-draft');
const odcs302 = reference('odcs/odcs-json-schema-v3.0.2.json');
const dcs121 = reference('dcs/datacontract.schema.v1.2.1.json');
const odcsExamples = reference('odcs/examples');
const dcsExamples = reference('dcs/examples');

/**
 * The example contracts directly in `dir`, sorted. Sub-folders are not read: `odcs/examples/v3.2.0-draft/` holds
 * examples of a later ODCS version, which these schemas do not describe (ODCS v3.2.0 support is a later task).
 */
function examplesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => e.name)
    .sort();
}

function official(path: string, draft: '2019' | '07') {
  const ajv = draft === '2019' ? new Ajv2019({ allErrors: true, strict: false }) : new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
}

function load(file: string, text: string): LoadedYaml {
  const { doc, diagnostics } = loadYaml(file, text);
  if (!doc) throw new Error(`${file}: ${JSON.stringify(diagnostics)}`);
  return doc;
}

const asDoc = (data: unknown): LoadedYaml => ({ file: 'mutant.yaml', data, pos: () => ({ line: 1, col: 1 }), keyPos: () => ({ line: 1, col: 1 }) });
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
type Obj = Record<string, any>;

/** One test per mutant: the official schema and ours must both reject it. */
function bothReject(mutations: Array<[string, () => Obj]>, officialValidate: (d: unknown) => unknown, kind: 'odcs' | 'dcs') {
  for (const [name, mutate] of mutations) {
    it(`both reject: ${name}`, () => {
      const data = mutate();
      expect(officialValidate(clone(data)), 'the official schema must reject the mutant').toBe(false);
      expect(checkSchema(kind, asDoc(clone(data))).length, 'our schema must reject the mutant').toBeGreaterThan(0);
    });
  }
}

describe.runIf(odcs31.available)('ODCS conformance', () => {
  const v31 = official(odcs31.path, '2019');
  const v302 = official(odcs302.path, '2019');
  const files = examplesIn(odcsExamples.path);

  it('has the official examples to compare against', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
  });

  for (const f of files) {
    it(`agrees with the official v3.1.0 schema on examples/${f}`, () => {
      const doc = load(f, readFileSync(join(odcsExamples.path, f), 'utf8'));
      const theirs = v31(doc.data) as boolean;
      const ours = checkSchema('odcs', doc);
      expect({ valid: ours.length === 0, errors: ours }).toMatchObject({ valid: theirs });
    });
  }

  it('agrees with the official v3.0.2 schema on the v3.0.x examples it accepts', () => {
    let compared = 0;
    let accepted = 0;
    for (const f of files) {
      const doc = load(f, readFileSync(join(odcsExamples.path, f), 'utf8'));
      if (!String((doc.data as Obj).apiVersion).startsWith('v3.0')) continue;
      compared++;
      if (v302(doc.data)) {
        expect(checkSchema('odcs', doc), f).toEqual([]);
        accepted++;
      }
    }
    expect(compared).toBeGreaterThan(0);
    expect(accepted, 'v3.0.2 accepts none of the v3.0 examples: this test would check nothing').toBeGreaterThan(0);
  });

  for (const f of ['users.odcs.yaml', 'rides.odcs.yaml']) {
    it(`our contract ${f} is valid under the official ODCS v3.1.0 schema`, () => {
      const doc = load(f, readFileSync(join(ROOT, 'contracts', f), 'utf8'));
      expect(v31(doc.data), JSON.stringify(v31.errors)).toBe(true);
      expect(checkSchema('odcs', doc)).toEqual([]);
    });
  }

  const base = () => load('users.odcs.yaml', readFileSync(join(ROOT, 'contracts', 'users.odcs.yaml'), 'utf8')).data as Obj;
  const full = () => load('full.yaml', readFileSync(join(odcsExamples.path, 'all-full-example.odcs.yaml'), 'utf8')).data as Obj;
  const mutations: Array<[string, () => Obj]> = [
    ['missing apiVersion', () => { const d = base(); delete d.apiVersion; return d; }],
    ['missing kind', () => { const d = base(); delete d.kind; return d; }],
    ['wrong kind', () => ({ ...base(), kind: 'Contract' })],
    ['unknown apiVersion', () => ({ ...base(), apiVersion: 'v4.0.0' })],
    ['missing status', () => { const d = base(); delete d.status; return d; }],
    ['unknown top-level key', () => ({ ...base(), owner: 'someone' })],
    ['unknown logicalType', () => { const d = base(); d.schema[0].properties[0].logicalType = 'uuid'; return d; }],
    ['property without name', () => { const d = base(); delete d.schema[0].properties[1].name; return d; }],
    ['required is a string', () => { const d = base(); d.schema[0].properties[1].required = 'yes'; return d; }],
    ['primaryKeyPosition is a string', () => { const d = base(); d.schema[0].properties[0].primaryKeyPosition = 'first'; return d; }],
    ['string option on a date', () => { const d = base(); d.schema[0].properties[5].logicalTypeOptions = { maxLength: 3 }; return d; }],
    ['integer format out of the enum', () => { const d = base(); d.schema[0].properties.push({ name: 'n', logicalType: 'integer', logicalTypeOptions: { format: 'i256' } }); return d; }],
    ['server without type', () => { const d = base(); delete d.servers[0].type; return d; }],
    ['postgres server without host', () => { const d = base(); delete d.servers[0].host; return d; }],
    ['cassandra is not an ODCS server type', () => { const d = base(); d.servers[0].type = 'cassandra'; return d; }],
    ['kafka server with a topic', () => { const d = base(); d.servers.push({ server: 'k', type: 'kafka', host: 'k:9092', topic: 'users' }); return d; }],
    ['postgres port as a string', () => { const d = base(); d.servers[0].port = '5432'; return d; }],
    ['unknown quality metric', () => { const d = base(); d.schema[0].quality[0].metric = 'rowsCounted'; return d; }],
    ['quality check with two operators', () => { const d = base(); d.schema[0].quality[0].mustBeLessThan = 10; return d; }],
    ['sql quality check without query', () => { const d = base(); delete d.schema[0].quality[1].query; return d; }],
    ['custom property without value', () => { const d = base(); delete d.schema[0].properties[1].customProperties[0].value; return d; }],
    ['property-level relationship with from', () => { const d = base(); d.schema[0].properties[0].relationships = [{ type: 'foreignKey', from: 'users.user_id', to: 'accounts.id' }]; return d; }],
    ['relationship of unknown type', () => { const d = base(); d.schema[0].properties[0].relationships = [{ type: 'oneToMany', to: 'accounts.id' }]; return d; }],
    ['SLA value is an object', () => { const d = base(); d.slaProperties[0].value = { minutes: 15 }; return d; }],
    ['team member without username', () => { const d = base(); delete d.team.members[0].username; return d; }],
    ['tags is a string', () => ({ ...base(), tags: 'identity' })],
    ['schema object with an unknown key', () => { const d = base(); d.schema[0].columns = []; return d; }],
    ['schema object without name', () => { const d = base(); delete d.schema[0].name; return d; }],
    ['items on a non-array property', () => { const d = base(); d.schema[0].properties[1].items = { logicalType: 'string' }; return d; }],
    ['bad stable id', () => { const d = full(); d.schema[0].id = 'has spaces'; return d; }],
    ['support item without channel', () => ({ ...base(), support: [{ url: 'https://x' }] })],
    ['quality dimension out of the enum', () => { const d = base(); d.schema[0].quality[0].dimension = 'speed'; return d; }],
  ];

  it(`has at least 20 mutations (${mutations.length})`, () => expect(mutations.length).toBeGreaterThanOrEqual(20));

  bothReject(mutations, v31, 'odcs');
});

/**
 * Where our DCS schema is knowingly more lenient than the official one, and why: each is an official error that
 * does not count. The official schema runs with Ajv's formats here; DCS's own tooling (Python jsonschema) does
 * not assert formats.
 */
const DCS_LENIENT: Array<{ keyword: string; path: RegExp; why: string }> = [
  { keyword: 'format', path: /^\/servers\/[^/]+\/location$/, why: "a server location is a URI template: the spec's README and examples write s3://…/{model}/*.json" },
];

describe.runIf(odcs32.available)('ODCS v3.2.0 conformance', () => {
  const v32 = official(odcs32.path, '2019');
  const v31 = official(odcs31.path, '2019');
  const files = examplesIn(odcs32Examples.path);
  const example = (f: string) => load(f, readFileSync(join(odcs32Examples.path, f), 'utf8'));

  it('has the v3.2.0 examples to compare against (enum, map, measures and dimensions)', () => {
    expect(files).toEqual(['enum.odcs.yaml', 'map.odcs.yaml', 'measures-and-dimensions.odcs.yaml']);
  });

  for (const f of files) {
    it(`agrees with the official v3.2.0 schema on examples/v3.2.0-draft/${f}, and lints`, () => {
      const doc = example(f);
      const theirs = v32(doc.data) as boolean;
      const ours = checkSchema('odcs', doc);
      expect({ valid: ours.length === 0, errors: ours }).toMatchObject({ valid: theirs });
      expect(theirs).toBe(true);
      const { diagnostics } = loadContract(`examples/${f}`, readFileSync(join(odcs32Examples.path, f), 'utf8'));
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }

  it('agrees with the official v3.2.0 schema on every v3.0 and v3.1 example too', () => {
    for (const f of examplesIn(odcsExamples.path)) {
      const doc = load(f, readFileSync(join(odcsExamples.path, f), 'utf8'));
      const asV32 = { ...(doc.data as Obj), apiVersion: 'v3.2.0' };
      expect(checkSchema('odcs', asDoc(clone(asV32))).length === 0, f).toBe(v32(clone(asV32)) as boolean);
    }
  });

  const base = () => clone(example('map.odcs.yaml').data) as Obj;
  const enums = () => clone(example('enum.odcs.yaml').data) as Obj;
  const measures = () => clone(example('measures-and-dimensions.odcs.yaml').data) as Obj;
  const mutations: Array<[string, () => Obj]> = [
    ['map without its map block', () => { const d = base(); delete d.schema[0].properties[1].map; return d; }],
    ['map without a value', () => { const d = base(); delete d.schema[0].properties[1].map.value; return d; }],
    ['map block with an unknown key', () => { const d = base(); d.schema[0].properties[1].map.entries = {}; return d; }],
    ['map block on a string property', () => { const d = base(); d.schema[0].properties[0].map = d.schema[0].properties[1].map; return d; }],
    ['map value with an unknown logicalType', () => { const d = base(); d.schema[0].properties[1].map.value.logicalType = 'text'; return d; }],
    ['enum entry without a value', () => { const d = enums(); delete d.schema[0].properties[1].enum[0].value; return d; }],
    ['enum entry with an object value', () => { const d = enums(); d.schema[0].properties[1].enum[0].value = { a: 1 }; return d; }],
    ['empty enum', () => { const d = enums(); d.schema[0].properties[1].enum = []; return d; }],
    ['enum entry with an unknown key', () => { const d = enums(); d.schema[0].properties[1].enum[0].colour = 'red'; return d; }],
    ['enum that repeats an entry', () => { const d = enums(); d.schema[0].properties[1].enum.push(d.schema[0].properties[1].enum[0]); return d; }],
    ['semanticType out of the enum', () => { const d = measures(); d.schema[0].properties[4].semanticType = 'metric'; return d; }],
    ['synonym without synonym', () => { const d = measures(); d.schema[0].synonyms = [{ locale: 'fr-FR' }]; return d; }],
    ['synonyms on the contract', () => ({ ...measures(), synonyms: [{ synonym: 'x' }] })],
    ['context with an unknown key', () => ({ ...measures(), context: { notes: 'x' } })],
    ['context verified statement without a question', () => ({ ...measures(), context: { verifiedStatements: [{ answer: 'yes' }] } })],
  ];
  bothReject(mutations, v32, 'odcs');

  it('refuses the v3.2.0 keys in a v3.1.0 contract, as the official v3.1.0 schema does, and says how to get them', () => {
    const d = { ...enums(), apiVersion: 'v3.1.0' };
    expect(v31(clone(d))).toBe(false);
    const diags = checkSchema('odcs', asDoc(clone(d)));
    expect(diags.map((x) => x.rule)).toContain('SCHEMA_UNKNOWN_KEY');
    expect(diags.find((x) => x.rule === 'SCHEMA_UNKNOWN_KEY')!.message).toMatch(/ODCS v3\.2\.0 adds "enum": declare apiVersion: v3\.2\.0/);
  });
});

describe.runIf(dcs121.available)('DCS conformance', () => {
  const v = official(dcs121.path, '07');
  const v31 = official(odcs31.path, '2019');
  const files = examplesIn(dcsExamples.path);

  it('has the official examples to compare against', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  for (const f of files) {
    it(`agrees with the official DCS 1.2.1 schema on examples/${f}`, () => {
      const doc = load(f, readFileSync(join(dcsExamples.path, f), 'utf8'));
      const ours = checkSchema('dcs', doc);
      v(doc.data);
      const errors = (v.errors ?? []) as Array<{ keyword: string; instancePath: string }>;
      const lenient = errors.filter((e) => DCS_LENIENT.some((l) => l.keyword === e.keyword && l.path.test(e.instancePath)));
      // an `if`/`then` failure above a lenient error is that error again, unless something else fails under it
      const counted = errors.filter((e) => !lenient.includes(e) && !(e.keyword === 'if' && lenient.some((l) => l.instancePath.startsWith(`${e.instancePath}/`)) && !errors.some((o) => o.keyword !== 'if' && !lenient.includes(o) && o.instancePath.startsWith(`${e.instancePath}/`))));
      expect({ valid: ours.length === 0, errors: ours }).toMatchObject({ valid: counted.length === 0 });
    });

    it(`converts examples/${f} into ODCS that the official ODCS v3.1.0 schema accepts`, () => {
      const doc = load(f, readFileSync(join(dcsExamples.path, f), 'utf8'));
      const { odcs } = convertDcs(doc);
      expect(v31(odcs), JSON.stringify(v31.errors)).toBe(true);
      expect(checkSchema('odcs', asDoc(odcs))).toEqual([]);
    });
  }

  const base = () => load('orders.yaml', readFileSync(join(dcsExamples.path, 'orders-latest.dcs.yaml'), 'utf8')).data as Obj;
  const mutations: Array<[string, () => Obj]> = [
    ['missing info.title', () => { const d = base(); delete d.info.title; return d; }],
    ['missing id', () => { const d = base(); delete d.id; return d; }],
    ['unknown specification version', () => ({ ...base(), dataContractSpecification: '2.0.0' })],
    ['no models', () => ({ ...base(), models: {} })],
    ['model name with a space', () => { const d = base(); d.models['my orders'] = d.models.orders; return d; }],
    ['unknown field type', () => { const d = base(); d.models.orders.fields.order_total.type = 'uuid'; return d; }],
    ['kafka server without topic', () => ({ ...base(), servers: { k: { type: 'kafka', host: 'k:9092' } } })],
    ['s3 server with format iceberg', () => ({ ...base(), servers: { s: { type: 's3', location: 's3://b/p', format: 'iceberg' } } })],
    ['s3 location with a space', () => ({ ...base(), servers: { s: { type: 's3', location: 's3://b/my orders/*.json' } } })],
    ['s3 location without a scheme', () => ({ ...base(), servers: { s: { type: 's3', location: 'bucket/{model}' } } })],
    ['sql quality without query', () => { const d = base(); d.models.orders.fields.order_total.quality = [{ type: 'sql', mustBe: 0 }]; return d; }],
    ['required is a string', () => { const d = base(); d.models.orders.fields.order_total.required = 'yes'; return d; }],
  ];
  bothReject(mutations, v, 'dcs');
});

describe.runIf(odcs31.available)('build-time compiled validators', () => {
  it('give the same verdicts as the runtime-compiled schemas on every example and mutation input', async () => {
    const { validator } = await import('../generator/validate/schema-check.js');
    const compiled = require(join(ROOT, 'dist/validate/compiled/odcs.cjs')) as (d: unknown) => boolean;
    const compiled32 = require(join(ROOT, 'dist/validate/compiled/odcs32.cjs')) as (d: unknown) => boolean;
    const runtime32 = validator('odcs32', 'runtime');
    const compiledDcs = require(join(ROOT, 'dist/validate/compiled/dcs.cjs')) as (d: unknown) => boolean;
    const runtime = validator('odcs', 'runtime');
    const runtimeDcs = validator('dcs', 'runtime');
    const inputs: unknown[] = [];
    for (const f of examplesIn(odcsExamples.path)) inputs.push(load(f, readFileSync(join(odcsExamples.path, f), 'utf8')).data);
    const inputs32: unknown[] = [];
    if (odcs32Examples.available) for (const f of examplesIn(odcs32Examples.path)) inputs32.push(load(f, readFileSync(join(odcs32Examples.path, f), 'utf8')).data);
    for (const d of [...inputs32, ...inputs32.map((x) => ({ ...(x as Obj), schema: 'not a list' }))]) expect(compiled32(d)).toBe(runtime32(d) as boolean);
    for (const f of ['users.odcs.yaml', 'rides.odcs.yaml', '../test/fixtures/lint/five-errors.odcs.yaml']) inputs.push(load(f, readFileSync(join(ROOT, 'contracts', f), 'utf8')).data);
    let invalid = 0;
    for (const d of inputs) {
      const v = runtime(d) as boolean;
      if (!v) invalid++;
      expect(compiled(d)).toBe(v);
    }
    expect(invalid).toBeGreaterThan(0);
    const dcsFiles = examplesIn(dcsExamples.path);
    expect(dcsFiles.length).toBeGreaterThan(0);
    for (const f of dcsFiles) {
      const d = load(f, readFileSync(join(dcsExamples.path, f), 'utf8')).data;
      expect(compiledDcs(d)).toBe(runtimeDcs(d) as boolean);
    }
  });
});

describe('reference files (../shared/reference)', () => {
  it('a missing one skips its tests outside CI and fails them with CI=true', () => {
    const ci = process.env.CI;
    try {
      process.env.CI = 'false';
      expect(reference('odcs/no-such-file.json').available).toBe(false);
      process.env.CI = 'true';
      expect(() => reference('odcs/no-such-file.json')).toThrow(/reference file missing in CI/);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
  });
});
