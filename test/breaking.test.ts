/**
 * `contractgen breaking`: a before/after pair for every rule, in both directions (loosening is not reported as
 * breaking), Avro compatibility confirmed by avsc with real encode/decode, semver, and a git revision read from
 * a temporary repository without a checkout.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import avro from 'avsc';
import { analyzeSources } from '../generator/analyze.js';
import { canRead } from '../generator/breaking/avro-compat.js';
import { diffModels, isWidening, type Change } from '../generator/breaking/diff.js';
import { BREAKING_RULE_LIST as BREAKING_RULES } from '../generator/diagnostics/breaking-rules.js';
import { DEFAULT_CONFIG, mergeConfig, type PlatformConfig } from '../generator/config/config.js';
import { relationalSchemas } from '../generator/targets/lang/avro-envelope.js';
import { connectorConfig } from '../generator/targets/debezium.js';
import { cdcConnectors } from '../generator/model/cdc.js';
import { lakeName } from '../generator/model/naming.js';
import { cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

const USERS = readFileSync(join(ROOT, 'contracts/users.odcs.yaml'), 'utf8');
const RIDES = readFileSync(join(ROOT, 'contracts/rides.odcs.yaml'), 'utf8');
const CONFIG = mergeConfig(DEFAULT_CONFIG, { naming: { topicPrefix: 'ridehailing' } }) as PlatformConfig;

function model(users: string, rides: string | undefined, config = CONFIG) {
  const sources = [{ file: 'contracts/users.odcs.yaml', text: users }, ...(rides === undefined ? [] : [{ file: 'contracts/rides.odcs.yaml', text: rides }])];
  const r = analyzeSources(sources, config);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`fixture has errors: ${JSON.stringify(errors)}`);
  return { model: r.model, config };
}

function compare(o: [string, string | undefined], n: [string, string | undefined], disabled: string[] = []): Change[] {
  return diffModels(model(...o), model(...n), { disabled });
}

const replace = (s: string, a: string, b: string) => {
  if (!s.includes(a)) throw new Error(`fixture text not found: ${a}`);
  return s.replace(a, b);
};

interface Case {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  change: () => [string, string | undefined];
  /** rules the reverse change must report ('none' = no error at all) */
  reverse: string[] | 'none-error';
}

const CASES: Case[] = [
  { rule: 'DATASET_REMOVED', severity: 'error', change: () => [USERS, undefined], reverse: ['DATASET_ADDED'] },
  { rule: 'FIELD_REMOVED', severity: 'error', change: () => [replace(USERS, '      - name: city\n        logicalType: string\n        required: true\n', '      - name: city_gone\n        logicalType: string\n'), RIDES], reverse: ['FIELD_REMOVED'] },
  { rule: 'FIELD_TYPE_CHANGED', severity: 'error', change: () => [USERS, replace(RIDES, 'format: i32\n          minimum: 0\n        description: Trip duration', 'format: i16\n          minimum: 0\n        description: Trip duration')], reverse: ['FIELD_TYPE_WIDENED'] },
  { rule: 'FIELD_TYPE_WIDENED', severity: 'info', change: () => [USERS, replace(RIDES, 'format: i16\n          minimum: 1', 'format: i32\n          minimum: 1')], reverse: ['FIELD_TYPE_CHANGED'] },
  { rule: 'FIELD_MADE_REQUIRED', severity: 'error', change: () => [replace(USERS, '      - name: birth_date\n        logicalType: date\n', '      - name: birth_date\n        logicalType: date\n        required: true\n'), RIDES], reverse: ['FIELD_MADE_OPTIONAL'] },
  { rule: 'FIELD_ADDED_REQUIRED', severity: 'error', change: () => [replace(USERS, '      - name: city\n', '      - name: locale\n        logicalType: string\n        required: true\n      - name: city\n'), RIDES], reverse: ['FIELD_REMOVED'] },
  { rule: 'ENUM_VALUE_REMOVED', severity: 'error', change: () => [replace(USERS, 'validValues: [rider, driver, both]', 'validValues: [rider, driver]'), RIDES], reverse: 'none-error' },
  { rule: 'CONSTRAINT_TIGHTENED', severity: 'error', change: () => [USERS, replace(RIDES, 'minimum: 1\n          maximum: 5', 'minimum: 1\n          maximum: 4')], reverse: 'none-error' },
  { rule: 'CONSTRAINT_TIGHTENED', severity: 'error', change: () => [replace(USERS, "maxLength: 100\n        description: City of residence.", "maxLength: 100\n          pattern: \"^[A-Za-z ]+$\"\n        description: City of residence."), RIDES], reverse: 'none-error' },
  { rule: 'CONSTRAINT_TIGHTENED', severity: 'error', change: () => [replace(USERS, 'minLength: 1\n          maxLength: 200', 'minLength: 3\n          maxLength: 200'), RIDES], reverse: 'none-error' },
  { rule: 'PRIMARY_KEY_CHANGED', severity: 'error', change: () => [replace(USERS, '      - name: email\n        logicalType: string\n        required: true\n', '      - name: email\n        logicalType: string\n        primaryKey: true\n        primaryKeyPosition: 2\n        required: true\n'), RIDES], reverse: ['PRIMARY_KEY_CHANGED'] },
  { rule: 'PARTITIONING_CHANGED', severity: 'error', change: () => [USERS, replace(RIDES, '{column: requested_at, order: DESC}', '{column: requested_at, order: ASC}')], reverse: ['PARTITIONING_CHANGED'] },
  { rule: 'PARTITIONING_CHANGED', severity: 'error', change: () => [USERS, replace(RIDES, '        partitioned: true\n        partitionKeyPosition: 1\n', '')], reverse: ['PARTITIONING_CHANGED'] },
  { rule: 'TOPIC_RENAMED', severity: 'error', change: () => [replace(USERS, "    physicalType: table\n    businessName: Users\n", "    physicalType: table\n    businessName: Users\n    customProperties:\n      - {property: contractgen.kafka.topic, value: identity.users}\n"), RIDES], reverse: ['TOPIC_RENAMED'] },
  { rule: 'PII_CLASSIFICATION_REMOVED', severity: 'error', change: () => [replace(USERS, "Login e-mail address, unique across users.\n        examples: [\"maria.silva@example.com\"]\n        customProperties:\n          - property: contractgen.pii\n            value: true\n", "Login e-mail address, unique across users.\n        examples: [\"maria.silva@example.com\"]\n"), RIDES], reverse: ['PII_CLASSIFICATION_ADDED'] },
  { rule: 'SOURCE_TABLE_CHANGED', severity: 'error', change: () => [replace(USERS, '    physicalName: users\n', '    physicalName: app_users\n'), RIDES], reverse: ['SOURCE_TABLE_CHANGED'] },
  { rule: 'SLA_RETENTION_REDUCED', severity: 'warning', change: () => [replace(USERS, '    value: 5\n    unit: y', '    value: 1\n    unit: y'), RIDES], reverse: 'none-error' },
];

describe('breaking-change rules', () => {
  it('has a before/after pair for every rule that compares two datasets', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    const meta = ['DATASET_ADDED', 'FIELD_ADDED', 'FIELD_MADE_OPTIONAL', 'ENUM_VALUE_ADDED', 'CONSTRAINT_LOOSENED', 'PII_CLASSIFICATION_ADDED', 'CLASSIFICATION_CHANGED', 'FIELD_PHYSICAL_NAME_CHANGED', 'CDC_DISABLED', 'SLA_FRESHNESS_RELAXED', 'AVRO_INCOMPATIBLE', 'VERSION_BUMP_REQUIRED', 'MAJOR_VERSION_BUMP', 'VERSION_NOT_INCREASED'];
    for (const r of BREAKING_RULES) expect(covered.has(r.id) || meta.includes(r.id), r.id).toBe(true);
  });

  for (const c of CASES) {
    it(`${c.rule}: reported forwards; the reverse is ${Array.isArray(c.reverse) ? c.reverse.join(', ') : 'not an error'}`, () => {
      const base: [string, string | undefined] = [USERS, RIDES];
      const changed = c.change();
      const fwd = compare(base, changed);
      expect(fwd.map((x) => `${x.rule}:${x.severity}`), JSON.stringify(fwd.map((x) => x.message))).toContain(`${c.rule}:${c.severity}`);
      // a breaking change in a contract that still exists needs a major bump (a removed contract has no version left)
      if (c.severity === 'error' && c.rule !== 'DATASET_REMOVED') expect(fwd.map((x) => x.rule)).toContain('VERSION_BUMP_REQUIRED');
      const rev = compare(changed, base);
      if (c.reverse === 'none-error') expect(rev.filter((x) => x.severity === 'error'), JSON.stringify(rev)).toEqual([]);
      else for (const r of c.reverse) expect(rev.map((x) => x.rule)).toContain(r);
      // positions: the new location and the old one are both real places
      const hit = fwd.find((x) => x.rule === c.rule)!;
      expect(hit.line).toBeGreaterThan(0);
      if (!/_ADDED(_|$)/.test(c.rule)) {
        expect(hit.old, `${c.rule}: the old position`).toBeDefined();
        expect(hit.old!.line).toBeGreaterThan(0);
      }
    });
  }

  it('reports nothing for identical contracts', () => {
    expect(compare([USERS, RIDES], [USERS, RIDES])).toEqual([]);
  });

  it('tells widening from narrowing', () => {
    expect(isWidening({ kind: 'int32' }, { kind: 'int64' })).toBe(true);
    expect(isWidening({ kind: 'int64' }, { kind: 'int32' })).toBe(false);
    expect(isWidening({ kind: 'int64' }, { kind: 'float64' })).toBe(false); // loses precision above 2^53
    expect(isWidening({ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 12, scale: 2 })).toBe(true);
    expect(isWidening({ kind: 'decimal', precision: 10, scale: 2 }, { kind: 'decimal', precision: 10, scale: 3 })).toBe(false);
    expect(isWidening({ kind: 'string', maxLength: 10 }, { kind: 'string' })).toBe(true);
    expect(isWidening({ kind: 'timestamp' }, { kind: 'timestamp_ntz' })).toBe(false);
  });

  it('lets the config switch rules off', () => {
    const changes = compare([USERS, RIDES], [replace(USERS, 'validValues: [rider, driver, both]', 'validValues: [rider, driver]'), RIDES], ['ENUM_VALUE_REMOVED', 'VERSION_BUMP_REQUIRED']);
    expect(changes.filter((c) => c.severity === 'error')).toEqual([]);
  });
});

describe('semver', () => {
  const breakingChange = () => replace(USERS, 'validValues: [rider, driver, both]', 'validValues: [rider, driver]');

  it('demands a major bump for a breaking change', () => {
    const c = compare([USERS, RIDES], [replace(breakingChange(), 'version: 1.0.0', 'version: 1.1.0'), RIDES]);
    const bump = c.find((x) => x.rule === 'VERSION_BUMP_REQUIRED')!;
    expect(bump.severity).toBe('error');
    expect(bump.message).toContain('from 1.0.0 to 1.1.0');
    expect([bump.line, bump.col]).toEqual([7, 10]); // the new contract's version value
  });

  it('reports breaking changes as info after a major bump, and versioned names apply', () => {
    const v2 = replace(breakingChange(), 'version: 1.0.0', 'version: 2.0.0');
    const c = compare([USERS, RIDES], [v2, RIDES]);
    expect(c.filter((x) => x.severity === 'error')).toEqual([]);
    expect(c.find((x) => x.rule === 'ENUM_VALUE_REMOVED')!.message).toContain('allowed by the major version bump 1.0.0 → 2.0.0');
    expect(c.find((x) => x.rule === 'TOPIC_RENAMED')!.message).toContain('ridehailing.public.users.v2');
    expect(c.find((x) => x.rule === 'MAJOR_VERSION_BUMP')!.severity).toBe('info');
    const m = model(v2, RIDES);
    const users = m.model.datasets.find((d) => d.name === 'users')!;
    expect(lakeName(users)).toBe('users_v2');
    const cfg = connectorConfig(cdcConnectors(m.model.datasets, CONFIG).find((x) => x.kind === 'postgres')!, CONFIG);
    expect(cfg).toMatchObject({ transforms: 'route0', 'transforms.route0.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route0.regex': 'ridehailing\\.public\\.users', 'transforms.route0.replacement': 'ridehailing.public.users.v2' });
    // schema names stay Debezium's (from the topic it writes to), the subject follows the routed topic
    expect(relationalSchemas(users, CONFIG).envelope.namespace).toBe('ridehailing.public.users');
  });

  it('warns when a contract changes without a new version', () => {
    const c = compare([USERS, RIDES], [replace(USERS, 'validValues: [rider, driver, both]', 'validValues: [rider, driver, both, fleet]'), RIDES]);
    expect(c.map((x) => `${x.rule}:${x.severity}`)).toEqual(['ENUM_VALUE_ADDED:warning', 'VERSION_NOT_INCREASED:warning']);
  });
});

describe('Avro compatibility per subject (avsc)', () => {
  const usersDs = (text: string) => model(text, RIDES).model.datasets.find((d) => d.name === 'users')!;
  const T = (s: unknown) => avro.Type.forSchema(s as never, { logicalTypes: {}, assertLogicalTypes: false } as never);
  const row = { user_id: '8f14e45f-ceea-4e1a-9c6a-3f1c2b7d9a10', full_name: 'Maria', email: 'm@example.com', phone: '+5511987654321', document_number: '52998224725', birth_date: null, city: 'SP', state: 'SP', user_type: 'rider', status: 'active', created_at: '2024-03-01T12:00:00Z', updated_at: '2024-03-01T12:00:00Z' };

  it('agrees with a real encode/decode: an optional field added is BACKWARD compatible', () => {
    const oldV = relationalSchemas(usersDs(USERS), CONFIG).value;
    const newV = relationalSchemas(usersDs(replace(USERS, '      - name: city\n', '      - name: nickname\n        logicalType: string\n      - name: city\n')), CONFIG).value;
    expect(canRead(newV, oldV)).toBeNull();
    const reader = T(newV);
    const decoded = reader.fromBuffer(T(oldV).toBuffer(row), reader.createResolver(T(oldV))) as Record<string, unknown>;
    expect(decoded).toMatchObject({ ...row, nickname: null });
    expect(compare([USERS, RIDES], [replace(USERS, '      - name: city\n', '      - name: nickname\n        logicalType: string\n      - name: city\n'), RIDES]).map((c) => c.rule)).not.toContain('AVRO_INCOMPATIBLE');
  });

  it('agrees with a real encode/decode: a required field added is not BACKWARD compatible', () => {
    const oldV = relationalSchemas(usersDs(USERS), CONFIG).value;
    const newText = replace(USERS, '      - name: city\n', '      - name: locale\n        logicalType: string\n        required: true\n      - name: city\n');
    const newV = relationalSchemas(usersDs(newText), CONFIG).value;
    expect(canRead(newV, oldV)).toMatch(/locale/);
    expect(() => T(newV).createResolver(T(oldV))).toThrow();
    expect(compare([USERS, RIDES], [newText, RIDES]).filter((c) => c.rule === 'AVRO_INCOMPATIBLE').map((c) => c.message)).toEqual([expect.stringContaining('ridehailing.public.users-value (BACKWARD)')]);
  });

  it('checks FORWARD with the old schema as reader', () => {
    const forward = (t: string) => replace(t, "    physicalType: table\n    businessName: Users\n", "    physicalType: table\n    businessName: Users\n    customProperties:\n      - {property: contractgen.schemaRegistry.compatibility, value: FORWARD}\n");
    // removing an optional field: FORWARD-compatible only if the old reader has a default for it (it does: null)
    const removedOptional = forward(replace(USERS, '      - name: birth_date\n        logicalType: date\n', '      - name: birth_day_removed_marker\n        logicalType: date\n'));
    const c = compare([forward(USERS), RIDES], [removedOptional, RIDES]);
    expect(c.filter((x) => x.rule === 'AVRO_INCOMPATIBLE')).toEqual([]);
    // removing a required field breaks FORWARD: old readers need it
    const removedRequired = forward(replace(USERS, '      - name: city\n        logicalType: string\n        required: true\n', '      - name: city\n        logicalType: string\n'));
    const msgs = compare([forward(USERS), RIDES], [removedRequired, RIDES]).filter((x) => x.rule === 'AVRO_INCOMPATIBLE').map((x) => x.message);
    expect(msgs).toEqual([expect.stringContaining('(FORWARD): the previous version cannot read data written with the new schema')]);
  });

  it('checks *_TRANSITIVE levels against every earlier version', () => {
    const level = (t: string, l: string) => replace(t, "    physicalType: table\n    businessName: Users\n", `    physicalType: table\n    businessName: Users\n    customProperties:\n      - {property: contractgen.schemaRegistry.compatibility, value: ${l}}\n`);
    const v1 = USERS;
    // v2 adds `locale` as required with a default (readable from v1 data); v3 drops the default: it still reads
    // v2 data, which has the field, but no longer v1 data, which has not.
    const v2 = replace(USERS, '      - name: city\n', "      - name: locale\n        logicalType: string\n        required: true\n        customProperties:\n          - {property: contractgen.default, value: pt-BR}\n      - name: city\n");
    const v3 = replace(USERS, '      - name: city\n', '      - name: locale\n        logicalType: string\n        required: true\n      - name: city\n');
    for (const [l, expectIncompatible] of [['BACKWARD', false], ['BACKWARD_TRANSITIVE', true]] as const) {
      const c = diffModels(model(level(v2, l), RIDES), model(level(v3, l), RIDES), { history: [model(level(v1, l), RIDES)] });
      const avroIssues = c.filter((x) => x.rule === 'AVRO_INCOMPATIBLE');
      expect(avroIssues.length > 0, l).toBe(expectIncompatible);
      if (expectIncompatible) expect(avroIssues[0]!.message).toContain('version -2');
    }
  });
});

describe('contractgen breaking / changelog (CLI)', () => {
  const repo = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-git-'));
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q', '-b', 'main');
    cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
    cpSync(join(ROOT, 'contractgen.config.yaml'), join(dir, 'contractgen.config.yaml'));
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('tag', 'v1');
    return { dir, git };
  };

  it('reads the old side from a git revision without a checkout, and exits 1 on breaking changes', async () => {
    const { dir } = repo();
    writeFileSync(join(dir, 'contracts/users.odcs.yaml'), replace(USERS, 'validValues: [rider, driver, both]', 'validValues: [rider, driver]'));
    const r = await cli(['breaking', '--against', 'v1'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^contracts\/users\.odcs\.yaml:\d+:\d+: error ENUM_VALUE_REMOVED "users\.user_type": allowed value "both" was removed \(was at v1:contracts\/users\.odcs\.yaml:\d+:\d+\)$/m);
    expect(r.stderr).toMatch(/^contracts\/users\.odcs\.yaml:7:10: error VERSION_BUMP_REQUIRED /m);
    const json = await cli(['breaking', '--against', 'main', '--format', 'json'], dir);
    const changes = JSON.parse(json.stdout) as Array<{ rule: string; old?: { file: string } }>;
    expect(changes.find((c) => c.rule === 'ENUM_VALUE_REMOVED')!.old!.file).toBe('main:contracts/users.odcs.yaml');
    const gh = await cli(['breaking', '--against', 'v1', '--format', 'github'], dir);
    expect(gh.stderr).toMatch(/^::error file=contracts\/users\.odcs\.yaml,line=\d+,col=\d+,title=ENUM_VALUE_REMOVED::/m);
  });

  it('exits 0 when nothing breaks, and compares against a directory too', async () => {
    const { dir } = repo();
    expect((await cli(['breaking', '--against', 'HEAD'], dir)).code).toBe(0);
    const old = mkdtempSync(join(tmpdir(), 'cg-old-'));
    writeFileSync(join(old, 'users.odcs.yaml'), USERS);
    writeFileSync(join(old, 'rides.odcs.yaml'), RIDES);
    expect((await cli(['breaking', '--against', old], dir)).code).toBe(0);
  });

  it('writes a Markdown changelog', async () => {
    const { dir } = repo();
    writeFileSync(join(dir, 'contracts/users.odcs.yaml'), replace(replace(USERS, 'validValues: [rider, driver, both]', 'validValues: [rider, driver]'), 'version: 1.0.0', 'version: 2.0.0'));
    const r = await cli(['changelog', '--against', 'v1'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Contract changes since v1');
    expect(r.stdout).toContain('## users (1.0.0 → 2.0.0)');
    expect(r.stdout).toMatch(/- \*\*ENUM_VALUE_REMOVED\*\*: "users\.user\\_type": allowed value "both" was removed \(allowed by the major version bump 1\.0\.0 → 2\.0\.0\)/);
  });

  it('lists its rules, and refuses an unknown revision', async () => {
    const l = await cli(['breaking', '--list-rules'], ROOT);
    for (const r of BREAKING_RULES) expect(l.stdout).toContain(r.id);
    const { dir } = repo();
    const bad = await cli(['breaking', '--against', 'no-such-branch'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('neither a file or directory nor a git revision');
  });

  it('refuses, as a usage error (exit 2), contracts outside the repository that a git revision cannot hold', async () => {
    const { dir } = repo();
    const outside = mkdtempSync(join(tmpdir(), 'cg-outside-'));
    writeFileSync(join(outside, 'users.odcs.yaml'), USERS);
    for (const cmd of ['breaking', 'changelog']) {
      const r = await cli([cmd, '--against', 'HEAD', '--contracts', outside], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`contractgen: --against HEAD: the contracts ${outside} are outside the git repository`);
      expect(r.stderr).not.toContain('internal error');
    }
    // the same contracts compared against a directory are fine
    expect((await cli(['breaking', '--against', join(dir, 'contracts'), '--contracts', outside], dir)).code).toBe(1); // rides was removed
  });
});
