/** Every semantic rule fires on its planted problem, at the offending key, and stays quiet on sound input. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyze } from '../generator/analyze.js';
import { BREAKING_RULES, isBreakingRuleId } from '../generator/diagnostics/breaking-rules.js';
import { breakingDiagnostic, diagnostic, type Diagnostic } from '../generator/diagnostics/diagnostic.js';
import { isRuleId, RULE_LIST, RULES, UNREPORTED_RULES } from '../generator/diagnostics/rules.js';
import { parseReference } from '../generator/model/build/relationships.js';
import { parseDuration } from '../generator/model/build/sla.js';
import { parse as parseYaml } from 'yaml';
import { EXT, EXTENSIONS, Extensions } from '../generator/model/extensions.js';
import { cli } from './helpers/cli.js';

function lint(contracts: Record<string, string>, config?: string): Diagnostic[] {
  const dir = mkdtempSync(join(tmpdir(), 'cg-rules-'));
  for (const [name, text] of Object.entries(contracts)) writeFileSync(join(dir, name), text);
  if (config) writeFileSync(join(dir, 'contractgen.config.yaml'), config);
  return analyze({ cwd: dir, contracts: Object.keys(contracts) }).diagnostics;
}

const PG = `servers:
  - server: db
    type: postgres
    host: db
    port: 5432
    database: app
    schema: public
`;

/** A minimal sound contract; `props` is the YAML of schema[0].properties items (8-space indented). */
function contract(opts: { id?: string; name?: string; version?: string; servers?: string; props: string; schemaExtra?: string; top?: string }): string {
  return `apiVersion: v3.1.0
kind: DataContract
id: ${opts.id ?? 'c1'}
version: ${opts.version ?? '1.0.0'}
status: active
${opts.top ?? ''}${opts.servers ?? PG}schema:
  - name: ${opts.name ?? 'things'}
${opts.schemaExtra ?? ''}    properties:
${opts.props}`;
}

const ID = `      - name: id
        logicalType: integer
        primaryKey: true
`;

const rules = (ds: Diagnostic[]) => ds.map((d) => d.rule);
const find = (ds: Diagnostic[], rule: string) => ds.find((d) => d.rule === rule);

describe('semantic rules', () => {
  it('are quiet on a sound contract', () => {
    expect(lint({ 'a.yaml': contract({ props: ID }) })).toEqual([]);
  });

  it('PK_REQUIRED: a CDC source table without a primary key', () => {
    const ds = lint({ 'a.yaml': contract({ props: '      - name: x\n        logicalType: string\n' }) });
    expect(find(ds, 'PK_REQUIRED')).toMatchObject({ severity: 'error', line: 14, col: 11 });
  });

  it('REL_UNRESOLVED: unknown dataset or field; resolves across contracts', () => {
    const rel = (to: string) => contract({ props: ID + `      - name: owner_id\n        logicalType: integer\n        relationships:\n          - to: ${to}\n` });
    const other = contract({ id: 'c2', name: 'owners', servers: PG.replace('database: app', 'database: other'), props: ID });
    expect(rules(lint({ 'a.yaml': rel('owners.id'), 'b.yaml': other }))).toEqual([]);
    const missingField = lint({ 'a.yaml': rel('owners.nope'), 'b.yaml': other });
    expect(find(missingField, 'REL_UNRESOLVED')).toMatchObject({ file: 'a.yaml', line: 22, col: 17 }); // the value of `to`
    expect(rules(lint({ 'a.yaml': rel('nobody.id') }))).toContain('REL_UNRESOLVED');
  });

  it('REL_TYPE_MISMATCH: a relationship between different types', () => {
    const a = contract({ props: ID + '      - name: owner_id\n        logicalType: string\n        relationships:\n          - to: owners.id\n' });
    const b = contract({ id: 'c2', name: 'owners', servers: PG.replace('database: app', 'database: other'), props: ID });
    expect(find(lint({ 'a.yaml': a, 'b.yaml': b }), 'REL_TYPE_MISMATCH')?.severity).toBe('warning');
  });

  it('NAME_INVALID and NAME_RESERVED', () => {
    const ds = lint({ 'a.yaml': contract({ props: ID + '      - name: first-name\n        logicalType: string\n      - name: select\n        logicalType: string\n      - name: class\n        logicalType: string\n' }) });
    expect(find(ds, 'NAME_INVALID')).toMatchObject({ severity: 'error', line: 19, col: 15 }); // the name value
    const reserved = ds.filter((d) => d.rule === 'NAME_RESERVED').map((d) => d.message);
    expect(reserved).toEqual(['field name "select" is reserved in PostgreSQL; it will be quoted there', 'field name "class" is reserved in Python; it will be quoted there']);
    expect(rules(lint({ 'a.yaml': contract({ props: ID + `      - name: ${'x'.repeat(64)}\n        logicalType: string\n` }) }))).toContain('NAME_INVALID');
  });

  it('CONSTRAINT_INCONSISTENT: empty ranges, values outside their own pattern, impossible lengths', () => {
    const ds = lint({
      'a.yaml': contract({
        props:
          ID +
          `      - name: a
        logicalType: integer
        logicalTypeOptions: {minimum: 10, maximum: 1}
      - name: b
        logicalType: string
        logicalTypeOptions: {pattern: "^[a-z]+$"}
        quality:
          - {metric: invalidValues, arguments: {validValues: [ok, NOT_OK]}, mustBe: 0}
      - name: c
        logicalType: string
        logicalTypeOptions: {minLength: 5, maxLength: 2}
      - name: d
        logicalType: string
        quality:
          - {metric: invalidValues, arguments: {validValues: [x, y]}, mustBe: 0}
        customProperties:
          - {property: contractgen.default, value: z}
      - name: e
        logicalType: boolean
        logicalTypeOptions: {}
`,
      }),
    });
    const msgs = ds.filter((d) => d.rule === 'CONSTRAINT_INCONSISTENT').map((d) => d.message);
    expect(msgs).toEqual(
      expect.arrayContaining([
        'range of "a" is empty (10 … 1)',
        'allowed value "NOT_OK" of "b" does not match its pattern',
        'minLength 5 of "c" exceeds maxLength 2',
        'default "z" of "d" is not an allowed value',
      ]),
    );
  });

  it('PATTERN_INVALID: a pattern that does not compile', () => {
    const ds = lint({ 'a.yaml': contract({ props: ID + '      - name: p\n        logicalType: string\n        logicalTypeOptions: {pattern: "([a-z"}\n' }) });
    expect(find(ds, 'PATTERN_INVALID')?.severity).toBe('error');
  });

  it('DECIMAL_PRECISION: decimals need precision and scale, and both must fit', () => {
    const mk = (extra: string) => lint({ 'a.yaml': contract({ props: ID + `      - name: amount\n        logicalType: number\n${extra}` }) });
    // an unsized decimal is not an error: a warning at the physicalType value naming the lake's decimal
    expect(find(mk('        physicalType: decimal\n'), 'DECIMAL_UNSIZED')).toMatchObject({ line: 21, col: 23, severity: 'warning' });
    expect(rules(mk('        physicalType: numeric\n'))).toEqual(['DECIMAL_UNSIZED']);
    expect(rules(mk('        customProperties:\n          - {property: contractgen.decimal.precision, value: 10}\n'))).toContain('DECIMAL_PRECISION');
    expect(rules(mk('        physicalType: decimal(4,6)\n'))).toContain('DECIMAL_PRECISION');
    expect(rules(mk('        physicalType: decimal(10,2)\n        customProperties:\n          - {property: contractgen.decimal.scale, value: 3}\n'))).toContain('DECIMAL_PRECISION');
    expect(mk('        physicalType: numeric(12,4)\n')).toEqual([]);
  });

  it('COLLISION: two datasets on one topic, or one lake name after case folding', () => {
    const topic = (id: string, db: string) =>
      contract({ id, name: `t_${id}`, servers: PG.replace('database: app', `database: ${db}`), props: ID, schemaExtra: '    customProperties:\n      - {property: contractgen.kafka.topic, value: shared.topic}\n' });
    const ds = lint({ 'a.yaml': topic('a', 'x'), 'b.yaml': topic('b', 'y') });
    expect(ds.filter((d) => d.rule === 'COLLISION').map((d) => d.message)).toEqual([expect.stringContaining('the same Kafka topic "shared.topic"')]);
    const caseFold = lint({ 'a.yaml': contract({ name: 'Users', props: ID }), 'b.yaml': contract({ id: 'c2', name: 'users', servers: PG.replace('database: app', 'database: y'), props: ID }) });
    expect(caseFold.filter((d) => d.rule === 'COLLISION').map((d) => d.message).join('\n')).toContain('same lake table "users"');
  });

  it('SECRET_LITERAL: literal credentials anywhere, references allowed', () => {
    const secret = `${PG}    customProperties:
      - {property: password, value: hunter2}
      - {property: apiToken, value: "\${env:API_TOKEN}"}
`;
    const ds = lint({ 'a.yaml': contract({ servers: secret, props: ID + '      - name: url\n        logicalType: string\n        description: "see postgres://app:s3cret@db:5432/app"\n' }) });
    const found = ds.filter((d) => d.rule === 'SECRET_LITERAL');
    expect(found.map((d) => `${d.line}:${d.col}`)).toEqual(['14:37', '24:22']);
    expect(found.every((d) => !d.message.includes('hunter2') && !d.message.includes('s3cret'))).toBe(true);
  });

  it('VERSION_SEMVER: the contract version is semver', () => {
    expect(rules(lint({ 'a.yaml': contract({ version: '1.0', props: ID }) }))).toContain('VERSION_SEMVER');
    expect(rules(lint({ 'a.yaml': contract({ version: '2.1.0-rc.1+build.5', props: ID }) }))).not.toContain('VERSION_SEMVER');
  });

  it('EXT_*: unknown, misplaced and badly typed contractgen extensions', () => {
    const ds = lint({
      'a.yaml': contract({
        props: ID + '      - name: x\n        logicalType: string\n        customProperties:\n          - {property: contractgen.pi, value: true}\n          - {property: contractgen.kafka.partitions, value: 3}\n      - name: y\n        logicalType: string\n        customProperties:\n          - {property: contractgen.pii, value: "yes"}\n          - {property: other.tool.setting, value: 1}\n',
      }),
    });
    expect(find(ds, 'EXT_UNKNOWN')?.message).toBe('unknown contractgen extension "contractgen.pi"; did you mean "contractgen.pii"?');
    expect(find(ds, 'EXT_SCOPE')?.message).toBe('"contractgen.kafka.partitions" belongs on a schema, not on a property');
    expect(find(ds, 'EXT_VALUE')?.message).toBe('contractgen.pii must be true or false');
    expect(ds.filter((d) => d.rule.startsWith('EXT_'))).toHaveLength(3);
  });

  it('SOURCE_AMBIGUOUS, CASSANDRA_KEY, SLA_VALUE, MYSQL_KEY_LENGTH, TYPE_UNKNOWN, FIELD_DUPLICATE, API_VERSION_UNSUPPORTED', () => {
    const two = PG + '  - server: db2\n    type: mysql\n    host: m\n    port: 3306\n    database: app\n';
    expect(rules(lint({ 'a.yaml': contract({ servers: two, props: ID }) }))).toContain('SOURCE_AMBIGUOUS');
    const cass = `servers:
  - server: c
    type: custom
    customProperties:
      - {property: contractgen.server.kind, value: cassandra}
      - {property: contractgen.cassandra.keyspace, value: ks}
`;
    const badKey = contract({ servers: cass, props: ID + '      - name: day\n        logicalType: date\n', schemaExtra: '    customProperties:\n      - {property: contractgen.cassandra.partitionKey, value: [day]}\n' });
    expect(rules(lint({ 'a.yaml': badKey }))).toContain('CASSANDRA_KEY');
    expect(rules(lint({ 'a.yaml': contract({ props: ID, top: 'slaProperties:\n  - {property: retention, value: 3, unit: fortnights}\n' }) }))).toContain('SLA_VALUE');
    const my = 'servers:\n  - server: m\n    type: mysql\n    host: m\n    port: 3306\n    database: app\n';
    expect(rules(lint({ 'a.yaml': contract({ servers: my, props: '      - name: code\n        logicalType: string\n        primaryKey: true\n' }) }))).toContain('MYSQL_KEY_LENGTH');
    expect(rules(lint({ 'a.yaml': contract({ props: ID + '      - name: g\n        physicalType: geometry\n' }) }))).toContain('TYPE_UNKNOWN');
    expect(rules(lint({ 'a.yaml': contract({ props: ID + ID }) }))).toContain('FIELD_DUPLICATE');
    expect(rules(lint({ 'a.yaml': contract({ props: ID }).replace('v3.1.0', 'v2.2.2') }))).toContain('API_VERSION_UNSUPPORTED');
  });

  it('lists every rule it can report with a severity', () => {
    const ids = RULE_LIST.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });
});

describe('model helpers', () => {
  it('parses SLA durations in units and ISO-8601', () => {
    expect(parseDuration(15, 'm')).toBe(900_000);
    expect(parseDuration(5, 'y')).toBe(5 * 365 * 86_400_000);
    expect(parseDuration('P7D', undefined)).toBe(7 * 86_400_000);
    expect(parseDuration('PT15M', undefined)).toBe(900_000);
    expect(parseDuration('P', undefined)).toBeUndefined();
    expect(parseDuration(3, 'fortnights')).toBeUndefined();
  });

  it('parses shorthand and fully qualified references', () => {
    expect(parseReference('users.user_id')).toEqual({ dataset: 'users', field: 'user_id', external: false });
    expect(parseReference('/schema/users/properties/user_id')).toEqual({ dataset: 'users', field: 'user_id', external: false });
    expect(parseReference('other.yaml#/schema/users/properties/user_id')).toEqual({ dataset: 'users', field: 'user_id', external: true });
    expect(parseReference('users')).toBeUndefined();
  });
});

/**
 * The registry is the one source of rule IDs and severities. The generator's own sources are read with the
 * TypeScript compiler: a string literal in a rule position (typed by the registry's RuleId or BreakingRuleId)
 * is a use of that rule; no call site may carry a severity of its own.
 */
describe('the rule registry', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = readdirSync(join(root, 'generator'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, 'generator', f).split(sep).join('/'))
    .sort();
  const program = ts.createProgram(files, { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const registered = new Set<string>([...Object.keys(RULES), ...Object.keys(BREAKING_RULES)]);
  const rel = (f: string) => f.slice(root.length).replace(/^\/+/, '');
  const inRegistry = (f: string) => /^generator\/diagnostics\//.test(rel(f));
  /** A contextual type names rules when one of its string-literal members is a registered rule ID. */
  const isRuleType = (t: ts.Type | undefined): boolean =>
    t !== undefined && (t.isUnion() ? t.types : [t]).some((m) => m.isStringLiteral() && registered.has(m.value));

  const uses = new Map<string, string[]>();
  const severitySites: string[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!files.includes(sf.fileName) || inRegistry(sf.fileName)) continue;
    const where = (n: ts.Node) => `${rel(sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && isRuleType(checker.getContextualType(n))) {
        uses.set(n.text, [...(uses.get(n.text) ?? []), where(n)]);
      }
      if (ts.isObjectLiteralExpression(n)) {
        const names = n.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : undefined));
        const spreads = n.properties.some((p) => ts.isSpreadAssignment(p));
        // copying a diagnostic's own severity (`severity: c.severity`, a serializer) chooses nothing
        const copied = n.properties.some((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'severity' && ts.isPropertyAccessExpression(p.initializer) && p.initializer.name.text === 'severity');
        if (names.includes('severity') && !copied && (names.includes('rule') || spreads)) severitySites.push(`${where(n)} builds a diagnostic with its own severity`);
      }
      if (ts.isParameter(n) && ((ts.isIdentifier(n.name) && n.name.text === 'severity') || (n.type && /\bSeverity\b/.test(n.type.getText(sf))))) {
        severitySites.push(`${where(n)} takes a severity parameter`);
      }
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && n.left.name.text === 'severity') {
        severitySites.push(`${where(n)} assigns a severity`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }

  it('sees the rule positions (the walk itself works)', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(uses.get('PK_REQUIRED')).toEqual([expect.stringMatching(/^generator\/validate\/rules\.ts:\d+$/)]);
    expect(uses.get('FIELD_REMOVED')?.[0]).toMatch(/^generator\/breaking\/diff\.ts:/);
  });

  it('registers every rule ID used anywhere in generator/', () => {
    const unregistered = [...uses.keys()].filter((id) => !isRuleId(id) && !isBreakingRuleId(id));
    expect(unregistered).toEqual([]);
  });

  it('has every registered rule reachable: reported somewhere, or listed with the reason it is not', () => {
    const unreachable = [...registered].filter((id) => !uses.has(id) && !(id in UNREPORTED_RULES));
    expect(unreachable).toEqual([]);
    for (const [id, why] of Object.entries(UNREPORTED_RULES)) {
      expect(uses.has(id), `${id} is reported now: drop it from UNREPORTED_RULES`).toBe(false);
      expect(why.length).toBeGreaterThan(10);
    }
  });

  it('leaves no call site a way to choose a severity', () => {
    expect(severitySites).toEqual([]);
    expect(diagnostic.length).toBe(3);
    expect(breakingDiagnostic.length).toBe(3);
    const d = diagnostic('CASSANDRA_KEY_IGNORED', { file: 'a.yaml', line: 1, col: 2 }, 'm');
    expect(d).toEqual({ file: 'a.yaml', line: 1, col: 2, severity: RULES.CASSANDRA_KEY_IGNORED.severity, rule: 'CASSANDRA_KEY_IGNORED', message: 'm' });
    expect(breakingDiagnostic('FIELD_MADE_OPTIONAL', d, 'm')).toMatchObject({ severity: 'warning', category: 'field' });
  });

  it('`contractgen rules` and `breaking --list-rules` list the registries, in order, with their severities', async () => {
    const cols = (out: string, n: number) => out.trim().split('\n').map((l) => l.split(/\s+/).slice(0, n));
    expect(cols((await cli(['rules'], root)).stdout, 2)).toEqual(RULE_LIST.map((r) => [r.id, r.severity]));
    expect(cols((await cli(['breaking', '--list-rules'], root)).stdout, 3)).toEqual(Object.entries(BREAKING_RULES).map(([id, r]) => [id, r.category, r.severity]));
  });

  it('reports each rule at its registered severity, one severity per rule', () => {
    const cass = lint({ 'a.yaml': contract({ props: ID, schemaExtra: '    customProperties:\n      - {property: contractgen.cassandra.partitionKey, value: [id]}\n' }) });
    expect(find(cass, 'CASSANDRA_KEY_IGNORED')).toMatchObject({ severity: 'warning', line: 14, col: 11 });
    expect(find(cass, 'CASSANDRA_KEY')).toBeUndefined();
    const fmt = lint({ 'a.yaml': contract({ props: ID + '      - name: e\n        logicalType: string\n        logicalTypeOptions: {format: hostname}\n' }) });
    expect(fmt.map((d) => [d.rule, d.severity])).toEqual([['FORMAT_UNCHECKED', 'warning']]);
  });
});

describe('severities as reported', () => {
  it('every diagnostic of every hostile and lint fixture has its rule\'s registered severity', () => {
    const root = fileURLToPath(new URL('fixtures/', import.meta.url));
    const hostile = readdirSync(join(root, 'hostile'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(root, 'hostile', e.name));
    const seen = new Set<string>();
    const wrong: string[] = [];
    for (const dir of [...hostile, join(root, 'lint')]) {
      const contracts = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'contractgen.config.yaml');
      for (const d of analyze({ cwd: dir, contracts }).diagnostics) {
        seen.add(d.rule);
        const registered = isRuleId(d.rule) ? RULES[d.rule].severity : undefined;
        if (d.severity !== registered) wrong.push(`${d.rule} reported as ${d.severity}, registered ${registered ?? 'nowhere'} (${d.file}:${d.line})`);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    // and the planted ones of this file, which reach the rules the fixtures do not
    const planted = [
      lint({ 'a.yaml': contract({ props: ID, schemaExtra: '    customProperties:\n      - {property: contractgen.cassandra.partitionKey, value: [id]}\n' }) }),
      lint({ 'a.yaml': contract({ props: ID + '      - name: e\n        logicalType: string\n        logicalTypeOptions: {format: hostname}\n' }) }),
    ].flat();
    for (const d of planted) if (!isRuleId(d.rule) || d.severity !== RULES[d.rule].severity) wrong.push(`${d.rule} reported as ${d.severity}`);
    expect(wrong).toEqual([]);
  });
});

describe('extension declarations', () => {
  it('each parses its own example and refuses a value of another type, with the EXT_VALUE message', () => {
    for (const e of EXTENSIONS) {
      const example = parseYaml(e.example) as unknown;
      expect(e.parse(example), `${e.name}: ${e.example}`).toEqual({ ok: true, value: example });
      const wrong = e.parse(Symbol('not YAML'));
      expect(wrong.ok, e.name).toBe(false);
      if (!wrong.ok) expect(wrong.problem, e.name).toMatch(/^(must|class) /);
    }
  });

  it('reads back typed values, and only values that parsed', () => {
    const exts = new Extensions();
    expect(exts.set(EXT.kafkaTopic, 'cdc.app.users')).toBeUndefined();
    expect(exts.set(EXT.kafkaPartitions, 0)).toBe('must be an integer from 1 to 10000');
    expect(exts.set(EXT.cassandraClusteringKey, [{ column: 'at', order: 'DESC' }, { column: 'id' }])).toBeUndefined();
    expect(exts.get(EXT.kafkaTopic)).toBe('cdc.app.users');
    expect(exts.has(EXT.kafkaPartitions)).toBe(false);
    expect(exts.get(EXT.kafkaPartitions)).toBeUndefined();
    expect(exts.get(EXT.cassandraClusteringKey)).toEqual([{ column: 'at', order: 'DESC' }, { column: 'id' }]);
  });

  it('declares every extension once, under contractgen.', () => {
    const names = EXTENSIONS.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^contractgen\.[a-z][A-Za-z.]+$/);
  });
});
