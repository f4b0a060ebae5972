/**
 * What lint reads and what it reports on: a file given by name is read with its contracts directory (so the
 * pre-commit hook, which passes the changed files, resolves relationships) and only the given files are reported
 * on; --target scopes the target checks for lint and generate alike; a run that finds no contract is refused.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TARGET_IDS } from '../generator/targets/capabilities.js';
import { TARGETS } from '../generator/targets/registry.js';
import { bin, cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

const PG = (db: string) => `servers:
  - server: db
    type: postgres
    host: db
    port: 5432
    database: ${db}
    schema: public
`;

/** A sound contract with one dataset; `extra` is YAML of more properties (6-space list items). */
function contract(o: { id: string; name: string; db?: string; servers?: string; extra?: string; schemaExtra?: string }): string {
  return `apiVersion: v3.1.0
kind: DataContract
id: ${o.id}
version: 1.0.0
status: active
${o.servers ?? PG(o.db ?? o.id)}schema:
  - name: ${o.name}
${o.schemaExtra ?? ''}    properties:
      - name: id
        logicalType: integer
        primaryKey: true
${o.extra ?? ''}`;
}

const REF = (to: string) => `      - name: owner_id
        logicalType: integer
        relationships:
          - to: ${to}
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-lint-scope-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface D {
  file: string;
  line: number;
  rule: string;
  severity: string;
  message: string;
}
const json = (stdout: string) => JSON.parse(stdout) as D[];
const problems = (ds: D[]) => ds.filter((d) => d.severity !== 'info');

describe('lint of files given by name', () => {
  it('passes rides.odcs.yaml alone, as the pre-commit hook runs it: its relationships resolve against contracts/ (built bin)', () => {
    const r = bin(['lint', 'contracts/rides.odcs.yaml'], ROOT);
    expect(r.stderr).not.toContain('REL_UNRESOLVED');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('contractgen: 1 contract file(s), 1 dataset(s): 0 errors');
  });

  it('resolves against every contract of contracts/, sub-folders too, and reports only on the files given', async () => {
    const dir = project({
      'contracts/rides.yaml': contract({ id: 'rides', name: 'rides', extra: REF('owners.id') }),
      'contracts/people/owners.yaml': contract({ id: 'owners', name: 'owners' }),
      'contracts/broken.yaml': 'apiVersion: v3.1.0\nkind: [DataContract\n',
      'contracts/bad-version.yaml': contract({ id: 'bad', name: 'bad', extra: REF('nobody.id') }).replace('version: 1.0.0', 'version: "1.0"'),
    });
    const one = await cli(['lint', '--format', 'json', 'contracts/rides.yaml'], dir);
    expect(problems(json(one.stdout)), one.stdout).toEqual([]);
    expect(one.code).toBe(0);
    // the other files' problems are theirs: reported when they are linted
    const bad = await cli(['lint', '--format', 'json', 'contracts/bad-version.yaml'], dir);
    expect(bad.code).toBe(1);
    expect(problems(json(bad.stdout)).map((d) => `${d.file} ${d.rule}`)).toEqual(['contracts/bad-version.yaml VERSION_SEMVER', 'contracts/bad-version.yaml REL_UNRESOLVED']);
    const both = await cli(['lint', '--format', 'json', 'contracts/rides.yaml', 'contracts/broken.yaml'], dir);
    expect([...new Set(problems(json(both.stdout)).map((d) => d.file))]).toEqual(['contracts/broken.yaml']);
    // a relationship into no contract at all is still unresolved
    const lost = project({ 'contracts/rides.yaml': contract({ id: 'rides', name: 'rides', extra: REF('owners.id') }) });
    expect(problems(json((await cli(['lint', '--format', 'json', 'contracts/rides.yaml'], lost)).stdout)).map((d) => d.rule)).toEqual(['REL_UNRESOLVED']);
  });

  it('reports a collision with a contract it was not given in the file it was given', async () => {
    // both declare dataset "owners"; a.yaml's sorts first, so a run on both reports the collision at b.yaml
    const dir = project({
      'contracts/a.yaml': contract({ id: 'a', name: 'owners', db: 'x' }),
      'contracts/b.yaml': contract({ id: 'b', name: 'owners', db: 'y' }),
    });
    for (const f of ['contracts/a.yaml', 'contracts/b.yaml']) {
      const r = await cli(['lint', '--format', 'json', f], dir);
      expect(r.code, f).toBe(1);
      const collisions = problems(json(r.stdout)).filter((d) => d.rule === 'COLLISION');
      expect(collisions.length, f).toBeGreaterThan(0); // the dataset name, and the names derived from it
      expect([...new Set(collisions.map((d) => d.file))], f).toEqual([f]);
    }
  });

  it('outside contracts/, reads the contract files beside the file (not sub-folders)', async () => {
    const dir = project({
      'elsewhere/rides.yaml': contract({ id: 'rides', name: 'rides', extra: REF('owners.id') }),
      'elsewhere/owners.yaml': contract({ id: 'owners', name: 'owners' }),
      'elsewhere/deeper/drivers.yaml': contract({ id: 'drivers', name: 'drivers', extra: REF('owners.id') }),
      'elsewhere/deeper/more/cars.yaml': contract({ id: 'cars', name: 'cars' }),
    });
    expect((await cli(['lint', 'elsewhere/rides.yaml'], dir)).code).toBe(0);
    const deeper = await cli(['lint', '--format', 'json', 'elsewhere/deeper/drivers.yaml'], dir);
    expect(problems(json(deeper.stdout)).map((d) => d.rule)).toEqual(['REL_UNRESOLVED']);
  });

  it('ships a pre-commit hook that passes contract files only, and lints each with contracts/', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; files?: string; pass_filenames?: boolean }>;
    const lint = hooks.find((h) => h.id === 'contractgen-lint')!;
    expect(lint.entry).toBe('contractgen lint');
    expect(lint.pass_filenames).toBe(true);
    const files = new RegExp(lint.files!);
    for (const f of ['contracts/rides.odcs.yaml', 'contracts/sub/a.yml', 'contracts/x.json']) expect(files.test(f), f).toBe(true);
    for (const f of ['generated/kafka/topics/x.yaml', 'contractgen.config.yaml', '.github/workflows/ci.yml', 'docker-compose.yaml', 'contracts/README.md']) expect(files.test(f), f).toBe(false);
  });
});

describe('--target scopes the target checks, for lint and generate alike', () => {
  const untranslated = contract({
    id: 'q',
    name: 'things',
    schemaExtra: '    quality:\n      - type: text\n        description: every thing is a thing\n',
  });
  const mysqlJsonKey = contract({
    id: 'm',
    name: 'events',
    servers: 'servers:\n  - server: db\n    type: mysql\n    host: db\n    port: 3306\n    database: app\n',
    extra: '      - name: payload\n        logicalType: object\n        physicalType: json\n        unique: true\n        properties:\n          - name: a\n            logicalType: string\n',
  });

  it('QUALITY_UNTRANSLATED: reported by lint (before: generate only), not when the quality target is out of scope', async () => {
    const dir = project({ 'contracts/q.yaml': untranslated });
    const rules = async (args: string[]) => problems(json((await cli([...args, '--format', 'json'], dir)).stdout)).map((d) => `${d.severity} ${d.rule}`);
    expect(await rules(['lint'])).toEqual(['warning QUALITY_UNTRANSLATED']);
    expect(await rules(['lint', '--target', 'quality'])).toEqual(['warning QUALITY_UNTRANSLATED']);
    expect(await rules(['lint', '--target', 'postgres', '--target', 'trino'])).toEqual([]);
    const out = join(dir, 'out');
    expect(await rules(['generate', '--out', out])).toEqual(['warning QUALITY_UNTRANSLATED']);
    expect(await rules(['generate', '--out', out, '--target', 'postgres'])).toEqual([]);
  });

  it('TARGET_SKIPPED infos are the targets in scope', async () => {
    const dir = project({ 'contracts/q.yaml': untranslated });
    const skipped = async (args: string[]) => json((await cli([...args, '--format', 'json'], dir)).stdout).filter((d) => d.rule === 'TARGET_SKIPPED').map((d) => d.message.split(':')[0]);
    expect(await skipped(['lint'])).toEqual(['cassandra', 'mysql']);
    expect(await skipped(['lint', '--target', 'mysql', '--target', 'postgres'])).toEqual(['mysql']);
    expect(await skipped(['generate', '--out', join(dir, 'out'), '--target', 'mysql'])).toEqual(['mysql']);
  });

  it('TARGET_UNSUPPORTED: a MySQL key MySQL cannot index is an error naming the target; generate writes nothing', async () => {
    const dir = project({ 'contracts/m.yaml': mysqlJsonKey });
    const lint = await cli(['lint'], dir);
    expect(lint.code).toBe(1);
    expect(lint.stderr).toMatch(/^contracts\/m\.yaml:18:15: error TARGET_UNSUPPORTED mysql: "payload" is a unique column of MySQL type json, which MySQL cannot index/m);
    expect((await cli(['lint', '--target', 'avro'], dir)).code).toBe(0);
    const gen = await cli(['generate'], dir);
    expect(gen.code).toBe(1);
    expect(gen.stderr).toContain('error TARGET_UNSUPPORTED mysql:');
    expect(existsSync(join(dir, 'generated'))).toBe(false);
    expect((await cli(['generate', '--target', 'avro'], dir)).code).toBe(0);
  });

  it('refuses an unknown target, for lint as for generate', async () => {
    for (const cmd of ['lint', 'generate']) {
      const r = await cli([cmd, '--target', 'nope'], ROOT);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toContain('unknown target "nope"; known: postgres, mysql');
    }
  });

  it('knows every target without loading one: TARGET_IDS is the registry, in order', () => {
    expect([...TARGET_IDS]).toEqual(TARGETS.map((t) => t.id));
  });
});

describe('a run that finds no contract', () => {
  it('is refused with exit 2 by lint, generate and test, given or by default, and removes nothing', async () => {
    const dir = project({ 'contracts/users.yaml': contract({ id: 'users', name: 'users' }), 'empty/README.md': 'not a contract\n' });
    expect((await cli(['generate'], dir)).code).toBe(0);
    const before = readFileSync(join(dir, 'generated/postgres/users.sql'), 'utf8');
    for (const args of [['lint', 'empty'], ['lint', '--contracts', 'empty'], ['generate', '--contracts', 'empty'], ['generate', '--contracts', 'empty', '--check'], ['test', '--contracts', 'empty', '--data', 'empty']]) {
      const r = await cli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('no contracts in empty: contract files end in .yaml, .yml, .json');
      expect(r.stderr).not.toContain('internal error');
    }
    expect(readFileSync(join(dir, 'generated/postgres/users.sql'), 'utf8')).toBe(before);
    // the default contracts/, empty
    const bare = project({ 'contracts/.keep': '' });
    for (const cmd of ['lint', 'generate']) {
      const r = await cli([cmd], bare);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toContain('no contracts in contracts: contract files end in');
    }
    expect(existsSync(join(bare, 'generated'))).toBe(false);
  });
});
