/**
 * The command line: one module per command, each declared once. Every command's --help comes from its
 * declaration; unknown flags, missing values and unexpected arguments are refused with exit 2 and a message that
 * names them; the declaration's parser gives each flag its declared type; no user input makes an exit 3.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs, type Command } from '../generator/cli/command.js';
import { generate } from '../generator/cli/commands/generate.js';
import { test as testCommand } from '../generator/cli/commands/test.js';
import { COMMANDS, loadCommands } from '../generator/cli/registry.js';
import { bin, cli } from './helpers/cli.js';
import { ROOT } from './helpers/reference.js';

const commands: Command[] = await loadCommands();

describe('the command registry', () => {
  it('lists the twelve commands, each module under the name it is registered with', () => {
    expect(commands.map((c) => c.name)).toEqual(['generate', 'lint', 'convert', 'breaking', 'changelog', 'test', 'import', 'drift', 'init', 'targets', 'rules', 'schema']);
    expect(COMMANDS.map(([n]) => n)).toEqual(commands.map((c) => c.name));
  });

  it('contractgen --help lists every command with its summary and its usage from the declaration', async () => {
    const r = await cli(['--help'], ROOT);
    expect(r.code).toBe(0);
    for (const c of commands) {
      expect(r.stdout).toContain(`\n  ${c.usage()}\n`);
      expect(r.stdout).toMatch(new RegExp(`^ {2}${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    const none = await cli([], ROOT);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe(r.stdout);
  });

  it("docs/cli.md's command synopsis is the declarations' usage lines", () => {
    const page = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    const block = /^# The command line\n\n```\n([\s\S]*?)```/.exec(page)![1]!;
    expect(block).toBe(`${commands.map((c) => c.usage()).join('\n')}\ncontractgen COMMAND --help\ncontractgen --help | --version\n`);
  });
});

describe('per-command --help', () => {
  for (const name of COMMANDS.map(([n]) => n)) {
    it(`${name} --help: usage, every flag with its help, examples; exit 0, nothing run`, async () => {
      const c = commands.find((x) => x.name === name)!;
      const r = await cli([name, '--help'], ROOT);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.startsWith(`contractgen ${name}: ${c.summary}\n\nUsage:\n  ${c.usage()}\n`)).toBe(true);
      for (const [flag, f] of Object.entries(c.flags)) {
        expect(r.stdout, flag).toContain(`--${flag}`);
        expect(r.stdout.replace(/\s+/g, ' '), flag).toContain(f.help.replace(/\s+/g, ' '));
      }
      expect(r.stdout).toContain('-h, --help');
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n {2}contractgen ${name}\\b`));
      // -h, `contractgen help <name>` and --help after other arguments say the same
      expect((await cli([name, '-h'], ROOT)).stdout).toBe(r.stdout);
      expect((await cli(['help', name], ROOT)).stdout).toBe(r.stdout);
      expect((await cli([name, '--bogus', '--help'], ROOT)).stdout).toBe(r.stdout);
    });
  }

  it('the built bin prints a command help too', () => {
    const r = bin(['targets', '--help'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:\n  contractgen targets\n');
  });
});

describe('arguments a command does not declare are refused (exit 2, the argument named)', () => {
  for (const name of COMMANDS.map(([n]) => n)) {
    it(`${name}: an unknown flag, an unknown short flag`, async () => {
      for (const bad of ['--bogus', '--bogus=1', '-x']) {
        const r = await cli([name, bad], ROOT);
        expect(r.code, `${name} ${bad}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toBe(`contractgen: ${name}: unknown flag ${bad.replace(/=.*/, '')}; see contractgen ${name} --help\n`);
        expect(r.stdout).toBe('');
      }
    });
  }

  for (const name of ['generate', 'breaking', 'changelog', 'test', 'targets', 'rules']) {
    it(`${name}: a positional argument`, async () => {
      const r = await cli([name, 'stray'], ROOT);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`contractgen: ${name}: unexpected argument "stray" (${name} takes no arguments); see contractgen ${name} --help\n`);
    });
  }

  it('convert: a second file; and no file', async () => {
    const two = await cli(['convert', 'a.yaml', 'b.yaml'], ROOT);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('unexpected argument "b.yaml" (at most 1 FILE)');
    const none = await cli(['convert'], ROOT);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('convert: needs exactly 1 FILE: the contract to convert');
  });

  it('convert and import refuse a FIFO (exit 2) instead of blocking on its read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-fifo-'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    execFileSync('mkfifo', [join(dir, 'pipe.sql')]);
    // a child with a deadline: a blocked read would hang this worker, not fail a test
    const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'contractgen.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    const c = run(['convert', 'pipe.yaml']);
    expect([c.status, c.signal, c.stderr]).toEqual([2, null, 'contractgen: not a file: pipe.yaml\n']);
    const i = run(['import', 'pipe.sql']);
    expect([i.status, i.signal]).toEqual([2, null]);
    expect(i.stderr).toContain('IMPORT_SOURCE not a file or directory: pipe.sql');
  });

  it('a string flag without its value, a boolean with one, a single flag given twice, a bad choice', async () => {
    const cases: Array<[string[], string]> = [
      [['generate', '--out'], 'generate: --out needs a value (--out DIR)'],
      [['generate', '--out='], 'generate: --out needs a value (--out DIR)'],
      [['generate', '--out', '--check'], 'generate: --out needs a value (--out DIR), not the flag --check'],
      [['generate', '--check=yes'], 'generate: --check takes no value'],
      [['lint', '--config', 'a.yaml', '--config', 'b.yaml'], 'lint: --config is given twice'],
      [['lint', '--format', 'xml'], '--format must be text, json or github, not "xml"'],
      [['test', '--data', 'x', '--format', 'github'], '--format must be text, json or junit, not "github"'],
      [['test'], 'test needs --data DIR|s3://BUCKET/PREFIX|postgresql://URL'],
      [['changelog'], 'changelog needs --against REF|DIR|FILE'],
      [['breaking'], 'breaking needs --against'],
      [['--version', 'x'], 'unexpected argument "x" after --version'],
      [['help', 'lint', 'x'], 'unexpected argument "x"'],
      [['help', 'nope'], 'unknown command "nope"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, ROOT);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
  });

  it('`--` ends the flags: what follows is a positional', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-cli-'));
    writeFileSync(join(dir, '--odd.yaml'), 'not: [a contract\n');
    const r = await cli(['lint', '--', '--odd.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^--odd\.yaml:\d+:\d+: error YAML_SYNTAX/m);
  });
});

describe('typed flags: every declaration through its parser', () => {
  /** A value for a string flag: its last choice, else a made-up one. */
  const valueFor = (name: string, f: { choices?: readonly string[] }) => f.choices?.at(-1) ?? `v-${name}`;

  for (const name of COMMANDS.map(([n]) => n)) {
    it(`${name}: every declared flag parses to its declared type`, () => {
      const c = commands.find((x) => x.name === name)!;
      const argv: string[] = [];
      const expected: Record<string, unknown> = {};
      for (const [flag, f] of Object.entries(c.flags)) {
        if (f.type === 'boolean') {
          argv.push(`--${flag}`);
          expected[flag] = true;
        } else if (f.multiple) {
          const [one, two] = [valueFor(flag, f), f.choices?.[0] ?? `${valueFor(flag, f)}-2`];
          argv.push(`--${flag}`, one, `--${flag}=${two}`);
          expected[flag] = [one, two];
        } else {
          argv.push(`--${flag}=${valueFor(flag, f)}`);
          expected[flag] = valueFor(flag, f);
        }
      }
      const max = c.positionals ? Math.min(c.positionals.max ?? 2, 2) : 0;
      const positionals = Array.from({ length: max }, (_, i) => `p${i}`);
      const parsed = parseCommandArgs(c, [...positionals, ...argv]);
      expect(parsed.flags).toEqual(expected);
      expect(parsed.positionals).toEqual(positionals);
      // and absent: booleans false, lists empty, defaults filled in, required ones refused
      const required = Object.entries(c.flags).filter(([, f]) => f.type === 'string' && f.required);
      const minimal = [...Array.from({ length: c.positionals?.min ?? 0 }, () => 'p'), ...required.flatMap(([flag]) => [`--${flag}`, 'x'])];
      const empty = parseCommandArgs(c, minimal).flags as Record<string, unknown>;
      for (const [flag, f] of Object.entries(c.flags)) {
        if (f.type === 'boolean') expect(empty[flag], flag).toBe(false);
        else if (f.required) expect(empty[flag], flag).toEqual(f.multiple ? ['x'] : 'x');
        else if (f.multiple) expect(empty[flag], flag).toEqual([]);
        else expect(empty[flag], flag).toBe(f.default);
      }
      for (const [flag] of required) expect(() => parseCommandArgs(c, minimal.filter((a, i, all) => a !== `--${flag}` && all[i - 1] !== `--${flag}`)), flag).toThrow(`needs --${flag}`);
    });
  }

  it('the typed parse of one command, as its run() sees it', () => {
    const { flags, positionals } = generate.parse(['--check', '--target', 'postgres', '--target=kafka', '--format', 'json']);
    // these assignments type-check only if the declaration's types come through (npm run typecheck covers the commands)
    const check: boolean = flags.check;
    const targets: string[] = flags.target;
    const out: string = flags.out;
    const format: 'text' | 'json' | 'github' = flags.format;
    const config: string | undefined = flags.config;
    expect({ check, targets, out, format, config, positionals }).toEqual({ check: true, targets: ['postgres', 'kafka'], out: 'generated', format: 'json', config: undefined, positionals: [] });
    const t = testCommand.parse(['--data', 's3://b/p', '--dataset', 'users']);
    const data: string = t.flags.data;
    const testFormat: 'text' | 'json' | 'junit' = t.flags.format;
    expect({ data, testFormat, dataset: t.flags.dataset }).toEqual({ data: 's3://b/p', testFormat: 'text', dataset: ['users'] });
  });
});

describe('user input never makes an internal error (exit 3)', () => {
  it('bad paths and places are usage errors, with nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-cli-'));
    cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
    writeFileSync(join(dir, 'a-file'), 'x\n');
    mkdirSync(join(dir, 'a-dir'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'empty'], { cwd: dir });
    const outside = mkdtempSync(join(tmpdir(), 'cg-outside-'));
    cpSync(join(ROOT, 'contracts'), outside, { recursive: true });
    const cases: Array<[string[], string]> = [
      [['generate', '--out', 'a-file'], '--out a-file: not a directory'],
      [['generate', '--check', '--out', 'a-file'], '--out a-file: not a directory'],
      [['generate', '--out', 'a-file/sub'], 'a-file/sub'],
      [['lint', '--config', 'a-dir'], 'cannot read config file a-dir'],
      [['generate', '--config', 'a-dir'], 'cannot read config file a-dir'],
      [['lint', '--config', 'missing.yaml'], 'config file not found: missing.yaml'],
      [['lint', 'no/such/dir'], 'no such file or directory: no/such/dir'],
      [['convert', 'a-dir'], 'not a file: a-dir'],
      [['breaking', '--against', 'HEAD', '--contracts', outside], 'outside the git repository'],
      [['changelog', '--against', 'a-dir', '--out', 'no/such/dir/CHANGES.md'], '--out no/such/dir/CHANGES.md: cannot write it: ENOENT'],
      [['test', '--data', 'a-file'], '--data a-file: not a directory'],
      [['test', '--data', 's3://'], '--data s3://: expected s3://bucket/prefix'],
      // a directory that refuses new entries: Node's recursive mkdir would spin there forever
      ...(existsSync('/proc/self') ? [[['generate', '--target', 'kafka', '--out', '/proc/contractgen-out'], 'cannot create the output directory /proc/contractgen-out: ENOENT'] as [string[], string]] : []),
    ];
    const before = readdirSync(dir, { recursive: true }).sort();
    for (const [args, message] of cases) {
      const r = await cli(args, dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stderr).not.toContain('internal error');
    }
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
  });
});
