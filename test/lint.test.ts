/** `contractgen lint`: every problem at once, at the offending key, with stable rule IDs, in three formats. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

const FIVE = 'test/fixtures/lint/five-errors.odcs.yaml';

describe('lint', () => {
  it('reports all five planted errors at the right line and column, and exits 1 (built bin)', () => {
    const r = bin(['lint', FIVE], ROOT);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(FIVE));
    expect(lines).toEqual([
      `${FIVE}:11:22: error SCHEMA_ENUM "logicalType" has unknown value "strng"; expected one of: string, date, timestamp, time, number, integer, object, array, boolean`,
      `${FIVE}:15:19: error SCHEMA_TYPE "required" must be boolean, not string`,
      `${FIVE}:16:9: error SCHEMA_REQUIRED missing required key "name" in schema[0].properties[2]`,
      `${FIVE}:22:17: error REL_UNRESOLVED relationship target dataset "accounts" is not defined in any contract`,
      `${FIVE}:25:9: error SCHEMA_UNKNOWN_KEY unknown key "colour" in schema[0].properties[4]`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  });

  it('passes the shipped contracts with exit 0', async () => {
    const r = await cli(['lint'], ROOT);
    expect(r.stderr).toContain('0 errors');
    expect(r.code).toBe(0);
  });

  it('prints JSON diagnostics on stdout with --format json', async () => {
    const r = await cli(['lint', FIVE, '--format', 'json'], ROOT);
    expect(r.code).toBe(1);
    const all = JSON.parse(r.stdout) as Array<{ rule: string; line: number; col: number; severity: string; file: string }>;
    // JSON has everything, infos included (the targets that skip the dataset, as generate reports them)
    const ds = all.filter((d) => d.severity !== 'info');
    expect(ds.map((d) => `${d.line}:${d.col}:${d.rule}`)).toEqual(['11:22:SCHEMA_ENUM', '15:19:SCHEMA_TYPE', '16:9:SCHEMA_REQUIRED', '22:17:REL_UNRESOLVED', '25:9:SCHEMA_UNKNOWN_KEY']);
    expect(ds.every((d) => d.file === FIVE && d.severity === 'error')).toBe(true);
    expect(all.filter((d) => d.severity === 'info').every((d) => d.rule === 'TARGET_SKIPPED')).toBe(true);
  });

  it('prints GitHub Actions annotations with --format github', async () => {
    const r = await cli(['lint', FIVE, '--format', 'github'], ROOT);
    expect(r.stderr.split('\n')[0]).toBe(`::error file=${FIVE},line=11,col=22,title=SCHEMA_ENUM::"logicalType" has unknown value "strng"; expected one of: string, date, timestamp, time, number, integer, object, array, boolean`);
  });

  it('reports YAML syntax errors and duplicate keys with positions, without crashing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-lint-'));
    writeFileSync(join(dir, 'dup.yaml'), 'apiVersion: v3.1.0\nkind: DataContract\nid: a\nid: b\nversion: 1.0.0\nstatus: active\n');
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v3.1.0\nkind: [DataContract\n');
    const r = await cli(['lint', dir], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^broken\.yaml:\d+:\d+: error YAML_SYNTAX /m);
    expect(r.stderr).toMatch(/^dup\.yaml:4:1: error YAML_DUPLICATE_KEY /m);
  });

  it('refuses a billion-laughs alias bomb with a diagnostic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-lint-'));
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(',')}]`);
    writeFileSync(join(dir, 'bomb.yaml'), lines.join('\n') + '\n');
    const r = await cli(['lint', 'bomb.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.yaml:1:1: error YAML_ALIAS /);
  });

  it('sorts and deduplicates diagnostics across files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-lint-'));
    cpSync(join(ROOT, FIVE), join(dir, 'b.yaml'));
    cpSync(join(ROOT, FIVE), join(dir, 'a.yaml'));
    const r = await cli(['lint', '--format', 'json', 'b.yaml', 'a.yaml'], dir);
    const ds = JSON.parse(r.stdout) as Array<{ file: string; rule: string }>;
    expect(ds.slice(0, 5).every((d) => d.file === 'a.yaml')).toBe(true);
    // both files declare dataset "drivers": one collision, not two
    expect(ds.filter((d) => d.rule === 'COLLISION').length).toBeGreaterThanOrEqual(1);
    const keys = ds.map((d) => JSON.stringify(d));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli(['lint', '--nope'], ROOT)).code).toBe(2);
    expect((await cli(['frobnicate'], ROOT)).code).toBe(2);
    expect((await cli(['lint', 'no/such/dir'], ROOT)).code).toBe(2);
  });
});
