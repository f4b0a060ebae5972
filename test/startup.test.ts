/**
 * What makes a cold `contractgen lint` start fast must not change what it finds: the build's validators run with
 * V8's code cache and give Ajv's verdict; the secret scan's substring pre-tests never skip a value its patterns
 * would flag. (Times are in BENCHMARKS.md, never asserted here.)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadYaml, MAX_BRACKETS, MAX_INDENT, type LoadedYaml } from '../generator/load/yaml.js';
import { validator } from '../generator/validate/schema-check.js';
import { scanSecrets } from '../generator/validate/secrets.js';
import { ROOT } from './helpers/reference.js';

const DIST_COMPILED = join(ROOT, 'dist', 'validate', 'compiled.js');

describe('the bundled CLI', () => {
  const run = (args: string[], cwd: string, start: 'bundle' | 'modules') => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/contractgen.js'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...(start === 'modules' ? { CONTRACTGEN_NO_BUNDLE: '1' } : {}) },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('is built, and starts with its code cache accepted', async () => {
    const { BUNDLE_FILE } = (await import(join(ROOT, 'dist/cli/bundle.js'))) as typeof import('../generator/cli/bundle.js');
    const { runCommonJsCached } = (await import(join(ROOT, 'dist/load/commonjs.js'))) as typeof import('../generator/load/commonjs.js');
    expect(existsSync(BUNDLE_FILE), 'npm run build bundles the CLI').toBe(true);
    const r = runCommonJsCached(BUNDLE_FILE)!;
    expect(r.cache).toBe('accepted');
    expect(typeof (r.exports as { runProcess?: unknown }).runProcess).toBe('function');
  });

  it('answers every command as the modules do: same output, same messages, same exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-bundle-'));
    cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
    cpSync(join(ROOT, 'contractgen.config.yaml'), join(dir, 'contractgen.config.yaml'));
    cpSync(join(ROOT, 'test/fixtures/lint'), join(dir, 'lint'), { recursive: true });
    for (const args of [
      ['--help'],
      ['--version'],
      ['lint'],
      ['lint', 'lint', '--format', 'json'],
      ['generate', '--print'],
      ['generate', '--target', 'sync', '--print', '--verbose'],
      ['generate', '--check', '--out', join(ROOT, 'generated'), '--full'],
      ['convert', 'lint/five-errors.odcs.yaml'],
      ['targets'],
      ['rules'],
      ['schema'],
      ['generate', '--bogus'],
    ]) {
      expect(run(args, dir, 'bundle'), args.join(' ')).toEqual(run(args, dir, 'modules'));
    }
  });
});

describe("the build's validators", () => {
  it('load with their code cache accepted, and give the verdict and errors of the validator Ajv compiles now', async () => {
    expect(existsSync(DIST_COMPILED), 'npm run build first').toBe(true);
    const { loadCompiled } = (await import(DIST_COMPILED)) as typeof import('../generator/validate/compiled.js');
    const docs: LoadedYaml[] = [];
    for (const dir of ['contracts', 'test/fixtures/lint', 'test/fixtures/hostile']) {
      for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((x) => /\.ya?ml$/.test(x))) {
        const { doc } = loadYaml(f, readFileSync(join(ROOT, dir, f), 'utf8'));
        if (doc && typeof doc.data === 'object' && doc.data !== null && 'apiVersion' in doc.data) docs.push(doc);
      }
    }
    expect(docs.length).toBeGreaterThan(20);
    for (const kind of ['odcs', 'dcs', 'config'] as const) {
      const compiled = loadCompiled(kind)!;
      expect(compiled.cache, kind).toBe('accepted');
      if (kind !== 'odcs') continue;
      const built = compiled.exports as ((d: unknown) => boolean) & { errors?: unknown };
      const now = validator('odcs', 'runtime');
      for (const doc of docs) {
        expect(built(doc.data), doc.file).toBe(now(doc.data));
        expect(built.errors ?? null, doc.file).toEqual(now.errors ?? null);
      }
    }
  });
});

describe('the secret scan', () => {
  const doc = (data: unknown): LoadedYaml => ({ file: 'x.yaml', data, pos: () => ({ line: 1, col: 1 }), keyPos: () => ({ line: 1, col: 1 }) });
  const SECRET_KEY = /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth[_-]?key|pwd)$/i;
  const PATTERNS = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
    /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
    /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
    /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:(?!\$\{)[^/\s@]+@/i,
  ];
  const pieces = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab', 'gho_', 'ghs_', 'xoxp-', 'ASIAABCDEFGHIJKLMNOP', 'postgres://app:s3cret@db', '-----BEGIN ', 'RSA ', 'PRIVATE KEY-----', 'AKIA', 'ASIA', 'ABCDEFGHIJKLMNOP', 'ghp_', 'gho_', 'xoxb-', '0123456789abcdefghij', 'https://', 'u:p@h', ':', '@', '/', ' ', 'x', 'Z', '${', 'PaSsWoRd', 'pwd', 'ſ', 'K', 'api_key', 'apiKey', 'Secret', 'TOKEN', 'credential', 'CREDENTIAL', 'auth-key', 'AUTH_KEY', 'passwd', 'PASSWD', 'pass', 'PASS', 'PWD', 'accessKey', 'private-KEY'];
  const text = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), { maxLength: 8 }).map((xs) => xs.join(''));

  it('flags a value exactly when one of its patterns matches it', () => {
    fc.assert(
      fc.property(text, (v) => {
        const flagged = scanSecrets(doc({ description: v })).length > 0;
        expect(flagged, JSON.stringify(v)).toBe(PATTERNS.some((re) => re.test(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it('flags a literal under a key exactly when the key looks like a credential', () => {
    fc.assert(
      fc.property(text, (k) => {
        const flagged = scanSecrets(doc({ [k]: 'a-literal-value' })).length > 0;
        expect(flagged, JSON.stringify(k)).toBe(SECRET_KEY.test(k));
        const cp = scanSecrets(doc({ customProperties: [{ property: k, value: 'a-literal-value' }] })).length > 0;
        // the property's name is a value too, and scanned as one
        expect(cp, JSON.stringify(k)).toBe(SECRET_KEY.test(k) || PATTERNS.some((re) => re.test(k)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the nesting limits before parsing', () => {
  const deep = (source: string) => loadYaml('x.yaml', source).diagnostics.find((d) => d.rule === 'NESTING_TOO_DEEP');

  it('stop at the first line indented past the limit, and not before', () => {
    const line = (n: number, ch = ' ') => `${ch.repeat(n)}- x\n`;
    expect(deep(`a:\n${line(MAX_INDENT)}`)).toBeUndefined();
    expect(deep(`a:\n${line(MAX_INDENT - 1, ' ')}`)).toBeUndefined();
    expect(deep(`a:\n${line(2)}${line(MAX_INDENT + 1)}`)).toMatchObject({ line: 3, col: MAX_INDENT + 1 });
    expect(deep(`a:\n${' '.repeat(200)}${'\t'.repeat(MAX_INDENT - 199)}- x\n`)).toMatchObject({ line: 2 });
    // a carriage return is not a line start for the limit
    expect(deep(`a: b\r${' '.repeat(MAX_INDENT + 1)}c\n`)).toBeUndefined();
  });

  it('stop at the bracket that opens one level too many, counting only open ones', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(deep(nested(MAX_BRACKETS))).toBeUndefined();
    expect(deep(nested(MAX_BRACKETS + 1))).toMatchObject({ line: 1, col: MAX_BRACKETS + 1 });
    expect(deep(`${'[a] '.repeat(MAX_BRACKETS * 3)}\n`.replace(/^/, 'k: '))).toBeUndefined(); // many, never deep
    expect(deep(`k: ${'{'.repeat(MAX_BRACKETS / 2)}${'['.repeat(MAX_BRACKETS / 2 + 1)}`)).toMatchObject({ col: 4 + MAX_BRACKETS });
  });
});

