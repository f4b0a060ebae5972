/**
 * `contractgen schema`: the editors' JSON Schema of a contract. Checked with Ajv (draft 2019-09, as editors read
 * it): it accepts the repository's contracts, rejects the planted errors of the lint tests at their places, and
 * agrees with lint, file by file, over every contract fixture: a file lint finds a schema or extension error in
 * (SCHEMA_*, EXT_*) the schema rejects, and one it does not the schema accepts. Each extension's declared value
 * schema gives its parser's verdict.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { stringify } from 'yaml';
import { analyze, analyzeSources } from '../generator/analyze.js';
import { DEFAULT_CONFIG } from '../generator/config/config.js';
import { EXTENSIONS } from '../generator/model/extensions.js';
import { contractSchema, contractSchemaText } from '../generator/validate/editor-schema.js';
import { bin } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

const require = createRequire(import.meta.url);

function ajv(): { compile(s: unknown): ValidateFunction } {
  const Ajv2019 = require('ajv/dist/2019').default as new (o: object) => { compile(s: unknown): ValidateFunction };
  const a = new Ajv2019({ allErrors: true, strict: false });
  (require('ajv-formats') as (x: unknown) => void)(a);
  return a;
}

const validate = ajv().compile(contractSchema());
const errorsOf = (data: unknown): ErrorObject[] => (validate(data) ? [] : [...(validate.errors ?? [])]);
const at = (errors: readonly ErrorObject[]) => errors.map((e) => `${e.instancePath} ${e.keyword}`);
const readYaml = (path: string): unknown => parseYaml(readFileSync(path, 'utf8'), { version: '1.2', schema: 'core' });

/** Every contract file under a folder. */
function contractFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('contractgen.config.yaml') && !f.endsWith('cases.json'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

describe('contractgen schema', () => {
  it('prints the schema, and it is valid JSON Schema draft 2019-09', () => {
    const r = bin(['schema'], ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(contractSchemaText());
    const schema = JSON.parse(r.stdout) as { $schema: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2019-09/schema');
    const strict = new (require('ajv/dist/2019').default as new (o: object) => { validateSchema(s: unknown): boolean; errors: unknown })({ strict: false, validateSchema: true });
    expect(strict.validateSchema(schema), JSON.stringify(strict.errors)).toBe(true);
  });

  it("accepts the repository's contracts, and each carries the modeline to the committed copy", () => {
    for (const file of contractFiles(join(ROOT, 'contracts'))) {
      expect(at(errorsOf(readYaml(file))), file).toEqual([]);
      const first = readFileSync(file, 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, `${file}: first line`).not.toBeNull();
      const target = join(dirname(file), m![1]!);
      expect(relative(ROOT, target)).toBe(join('docs', 'reference', 'contract.schema.json'));
      expect(readFileSync(target, 'utf8')).toBe(contractSchemaText());
    }
  });

  it('rejects the planted errors of the lint test at their places', () => {
    const errors = errorsOf(readYaml(join(ROOT, 'test/fixtures/lint/five-errors.odcs.yaml')));
    const found = at(errors);
    expect(found).toContain('/schema/0/properties/0/logicalType enum'); // SCHEMA_ENUM: strng
    expect(found).toContain('/schema/0/properties/1/required type'); // SCHEMA_TYPE: "yes"
    expect(errors.some((e) => e.instancePath === '/schema/0/properties/2' && e.keyword === 'required' && e.params.missingProperty === 'name')).toBe(true); // SCHEMA_REQUIRED
    expect(errors.some((e) => e.instancePath === '/schema/0/properties/4' && e.keyword === 'unevaluatedProperties' && e.params.unevaluatedProperty === 'colour')).toBe(true); // SCHEMA_UNKNOWN_KEY
    // the fifth, REL_UNRESOLVED (a relationship to a dataset no contract defines), needs every contract: lint's
    expect(found.filter((p) => p.includes('relationships'))).toEqual([]);
  });

  it('rejects the planted extension errors: unknown, misplaced, badly typed and repeated', () => {
    const contract = (props: unknown[], extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: 'c1',
      version: '1.0.0',
      status: 'active',
      schema: [{ name: 'things', properties: [{ name: 'id', logicalType: 'integer', primaryKey: true, customProperties: props }], ...extra }],
    });
    expect(at(errorsOf(contract([{ property: 'contractgen.pii', value: true }, { property: 'other.tool.setting', value: [1, { a: 2 }] }])))).toEqual([]);
    const cp = '/schema/0/properties/0/customProperties';
    expect(at(errorsOf(contract([{ property: 'contractgen.pi', value: true }])))).toContain(`${cp}/0/property anyOf`); // EXT_UNKNOWN
    expect(at(errorsOf(contract([{ property: 'contractgen.kafka.partitions', value: 3 }])))).toContain(`${cp}/0/property anyOf`); // EXT_SCOPE
    expect(at(errorsOf(contract([{ property: 'contractgen.pii', value: 'yes' }])))).toContain(`${cp}/0/value type`); // EXT_VALUE
    expect(at(errorsOf(contract([{ property: 'contractgen.pii', value: true }, { property: 'contractgen.pii', value: false }])))).toContain(`${cp} contains`); // EXT_DUPLICATE (Ajv reports maxContains under contains)
    // on the dataset, a schema-scope extension is welcome and a property-scope one is not
    expect(at(errorsOf(contract([], { customProperties: [{ property: 'contractgen.kafka.partitions', value: 3 }] })))).toEqual([]);
    expect(at(errorsOf(contract([], { customProperties: [{ property: 'contractgen.pii', value: true }] })))).toContain('/schema/0/customProperties/0/property anyOf');
    // at the top level, no contractgen extension belongs
    expect(at(errorsOf({ ...contract([]), customProperties: [{ property: 'contractgen.pii', value: true }] }))).toContain('/customProperties/0/property not');
  });

  it("agrees with lint on every contract fixture: rejected exactly where lint reports a schema or extension error", () => {
    const files = [
      ...contractFiles(join(ROOT, 'contracts')),
      ...contractFiles(join(ROOT, 'test/fixtures')),
      ...contractFiles(join(ROOT, 'examples')).filter((f) => f.includes('/contracts/')),
      ...(existsSync(join(ROOT, 'test/golden')) ? contractFiles(join(ROOT, 'test/golden')).filter((f) => f.includes('/contracts/')) : []),
    ];
    let compared = 0;
    let rejected = 0;
    const disagree: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file);
      let data: unknown;
      try {
        data = readYaml(file);
      } catch {
        continue; // not YAML lint reads: the editor's YAML parser reports it
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data) || 'dataContractSpecification' in data) continue;
      const diags = analyze({ cwd: ROOT, contracts: [rel] }).diagnostics;
      if (diags.some((d) => /^(YAML_|NESTING_TOO_DEEP|INPUT_TOO_LARGE|FORMAT_UNKNOWN)/.test(d.rule))) continue;
      const lintRejects = diags.some((d) => d.severity === 'error' && /^(SCHEMA_|EXT_)/.test(d.rule));
      const schemaRejects = !validate(data);
      compared++;
      if (schemaRejects) rejected++;
      if (lintRejects !== schemaRejects) disagree.push(`${rel}: lint ${lintRejects ? 'rejects' : 'accepts'} (${diags.map((d) => d.rule).join(', ')}), the schema ${schemaRejects ? `rejects: ${at(validate.errors ?? []).slice(0, 3).join('; ')}` : 'accepts'}`);
    }
    expect(disagree).toEqual([]);
    expect(compared).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(3);
  });
});

describe('the schema and lint on every extension, on every kind of object', () => {
  const base = () => ({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'c1',
    version: '1.0.0',
    status: 'active',
    servers: [{ server: 'db', type: 'postgres', host: 'db', port: 5432, database: 'app', schema: 'public' }] as Array<Record<string, unknown>>,
    schema: [{ name: 'things', properties: [{ name: 'id', logicalType: 'integer', primaryKey: true }] as Array<Record<string, unknown>> }] as Array<Record<string, unknown>>,
  });
  type Contract = ReturnType<typeof base>;
  const PLACES: ReadonlyArray<readonly [string, (c: Contract) => Record<string, unknown>]> = [
    ['contract', (c) => c],
    ['server', (c) => c.servers[0]!],
    ['schema', (c) => c.schema[0]!],
    ['property', (c) => (c.schema[0]!.properties as Array<Record<string, unknown>>)[0]!],
  ];
  const lintRejects = (c: Contract) => analyzeSources([{ file: 'c.yaml', text: stringify(c) }], DEFAULT_CONFIG).diagnostics.some((d) => d.severity === 'error' && /^(SCHEMA_|EXT_)/.test(d.rule));

  it('each extension, set right, wrong, twice, or on another kind of object: rejected by the schema exactly when lint rejects it', () => {
    const disagree: string[] = [];
    let rejected = 0;
    let cases = 0;
    for (const e of EXTENSIONS) {
      const good = parseYaml(e.example) as unknown;
      for (const [where, place] of PLACES) {
        for (const [what, props] of [
          ['its example', [{ property: e.name, value: good }]],
          ['an object', [{ property: e.name, value: { weird: [1] } }]],
          ['a sentence', [{ property: e.name, value: 'not a valid value' }]],
          ['twice', [{ property: e.name, value: good }, { property: e.name, value: good }]],
          ['a misspelling', [{ property: `${e.name}x`, value: good }]],
        ] as const) {
          const c = base();
          place(c).customProperties = props;
          const schemaRejects = !validate(c);
          const lint = lintRejects(c);
          cases++;
          if (schemaRejects) rejected++;
          if (schemaRejects !== lint) disagree.push(`${e.name} on the ${where}, ${what}: lint ${lint ? 'rejects' : 'accepts'}, the schema ${schemaRejects ? 'rejects' : 'accepts'}`);
        }
      }
    }
    expect(disagree).toEqual([]);
    expect(rejected).toBeGreaterThan(cases / 2);
    expect(rejected).toBeLessThan(cases);
  });
});

describe('extension value schemas', () => {
  const SPREAD: unknown[] = [
    true, false, null, 0, 1, -1, 3, 9, 10, 12, 38, 39, 1024, 10_000, 10_001, 2147483647, 2147483648, 1.5, '', 'x', 'true', '12',
    'cassandra', 'BRL', 'mobility', 'Mobility', 'a'.repeat(48), 'a'.repeat(49), 'dc1', 'dc 1', 'compact', 'delete', 'BACKWARD', 'backward',
    'cdc.app.public.users', '.', '..', 'a/b', [], ['city'], ['city', 2], [1], {}, { a: 1 },
    [{ column: 'at', order: 'DESC' }, { column: 'id' }], [{ column: 'at', order: 'down' }], [{ column: 'at', extra: 1 }], [{}],
    { class: 'NetworkTopologyStrategy', dc1: 3 }, { class: 'NetworkTopologyStrategy', dc1: 10 }, { class: 'NetworkTopologyStrategy', 'dc 1': 3 },
    { class: 'SimpleStrategy', replication_factor: 3 }, { class: 'SimpleStrategy' }, { class: 'Other' }, { dc1: 3 },
  ];

  it.each(EXTENSIONS.map((e) => [e.name, e] as const))('%s: its schema accepts exactly what its parser accepts', (name, e) => {
    const v = ajv().compile(e.schema);
    for (const value of [parseYaml(e.example) as unknown, ...SPREAD]) {
      expect(v(value), `${name}: ${JSON.stringify(value)}`).toBe(e.parse(value).ok);
    }
  });
});
