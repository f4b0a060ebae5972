/**
 * A command is declared once: its flags (type, value name, help, choices, default), its positional arguments,
 * a summary and a worked example or two. From that one declaration come the parser (flag values typed by
 * inference, no casts; unknown flags, missing values and unexpected arguments refused with exit 2), the
 * command's `--help` and its usage line in `contractgen --help`.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../diagnostics/diagnostic.js';
import type { Io } from './io.js';

export interface BooleanFlag {
  readonly type: 'boolean';
  readonly help: string;
  readonly short?: string;
}

export interface StringFlag {
  readonly type: 'string';
  readonly help: string;
  /** the value's name in the help: `DIR`, `FILE`, `REF|DIR|FILE` */
  readonly value: string;
  /** repeatable: the value is a list (empty when absent) */
  readonly multiple?: boolean;
  /** the only values allowed; the value's type is their union */
  readonly choices?: readonly string[];
  /** the value when absent */
  readonly default?: string;
  /** what the help gives as the default when the command works it out itself (`contracts/`) */
  readonly shownDefault?: string;
  /** the command cannot run without it */
  readonly required?: boolean;
  readonly short?: string;
}

export type Flag = BooleanFlag | StringFlag;
export type Flags = { readonly [name: string]: Flag };

type ValueOf<F> = F extends { readonly choices: readonly (infer C extends string)[] } ? C : string;

/** The parsed value of a flag, from its declaration. */
export type FlagValue<F extends Flag> = F extends BooleanFlag
  ? boolean
  : F extends { readonly multiple: true }
    ? Array<ValueOf<F>>
    : F extends { readonly default: string } | { readonly required: true }
      ? ValueOf<F>
      : ValueOf<F> | undefined;

export type FlagValues<F extends Flags> = { -readonly [K in keyof F]: FlagValue<F[K]> };

export interface Positionals {
  /** the argument's name in the help: `PATH`, `FILE` */
  readonly name: string;
  readonly help: string;
  /** default 0 */
  readonly min?: number;
  /** default unbounded */
  readonly max?: number;
}

export interface Parsed<F extends Flags> {
  flags: FlagValues<F>;
  positionals: string[];
}

export interface CommandSpec<F extends Flags> {
  readonly name: string;
  /** one line, for `contractgen --help` */
  readonly summary: string;
  /** what it does, for the command's own --help */
  readonly description: string;
  readonly flags: F;
  /** absent: the command takes no positional arguments */
  readonly positionals?: Positionals;
  /** [command line, what it does] */
  readonly examples: ReadonlyArray<readonly [string, string]>;
  run(args: Parsed<F>, io: Io): Promise<number>;
}

/** A command as the registry and main() see it, its flag types erased. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly flags: Flags;
  readonly positionals?: Positionals;
  /** `contractgen <name> …` with every flag */
  usage(): string;
  help(): string;
  /** parses `argv` (the arguments after the command's name) and runs it; --help prints the help */
  execute(argv: readonly string[], io: Io): Promise<number>;
}

/** A command with its parser typed by its declaration. */
export interface TypedCommand<F extends Flags> extends Command {
  readonly flags: F;
  parse(argv: readonly string[]): Parsed<F>;
}

const HELP_FLAG: BooleanFlag = { type: 'boolean', short: 'h', help: 'this help' };

function flagSynopsis(name: string, f: Flag): string {
  if (f.type === 'boolean') return `[--${name}]`;
  const v = f.choices ? f.choices.join('|') : f.value;
  const core = `--${name} ${v}`;
  if (f.multiple) return f.required ? `${core} [--${name} …]` : `[${core}]...`;
  return f.required ? core : `[${core}]`;
}

function positionalSynopsis(p: Positionals): string {
  const min = p.min ?? 0;
  const max = p.max ?? Infinity;
  const one = min >= 1 ? p.name : `[${p.name}]`;
  if (max === 1) return one;
  return min >= 1 ? `${p.name}...` : `[${p.name}...]`;
}

function usageOf(spec: { name: string; flags: Flags; positionals?: Positionals }): string {
  const parts = [`contractgen ${spec.name}`];
  if (spec.positionals) parts.push(positionalSynopsis(spec.positionals));
  // required flags first, in declaration order
  const entries = Object.entries(spec.flags);
  for (const [n, f] of entries) if (f.type === 'string' && f.required) parts.push(flagSynopsis(n, f));
  for (const [n, f] of entries) if (!(f.type === 'string' && f.required)) parts.push(flagSynopsis(n, f));
  return parts.join(' ');
}

/** Two columns, the second wrapped under itself; a first column too wide for it gets a line of its own. */
function table(rows: ReadonlyArray<readonly [string, string]>, indent = 2, width = 110): string {
  const NARROW = 28;
  const w = Math.min(NARROW, Math.max(...rows.map(([a]) => a.length))) + 2;
  const pad = ' '.repeat(indent + w);
  return rows
    .map(([a, b]) => {
      const lines: string[] = [];
      let line = '';
      for (const word of b.split(' ')) {
        if (line && indent + w + line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      lines.push(line);
      const head = a.length + 2 > w ? `${' '.repeat(indent)}${a}\n${pad}` : `${' '.repeat(indent)}${a.padEnd(w)}`;
      return `${head}${lines.join(`\n${pad}`)}\n`;
    })
    .join('');
}

type Description = Pick<CommandSpec<Flags>, 'name' | 'summary' | 'description' | 'flags' | 'positionals' | 'examples'>;

function helpOf(spec: Description): string {
  const all: Flags = { ...spec.flags, help: HELP_FLAG };
  const flagRows = Object.entries(all).map(([n, f]): [string, string] => {
    const name = `${f.short ? `-${f.short}, ` : ''}--${n}${f.type === 'string' ? ` ${f.choices ? f.choices.join('|') : f.value}` : ''}`;
    const shownDefault = f.type === 'string' ? (f.default ?? f.shownDefault) : undefined;
    const notes = f.type === 'string' ? [f.required ? 'required' : '', f.multiple ? 'repeatable' : '', shownDefault !== undefined ? `default: ${shownDefault}` : ''].filter(Boolean) : [];
    return [name, notes.length ? `${f.help} (${notes.join('; ')})` : f.help];
  });
  const out = [`contractgen ${spec.name}: ${spec.summary}`, '', 'Usage:', `  ${usageOf(spec)}`, '', spec.description.trim(), ''];
  if (spec.positionals) out.push('Arguments:', table([[positionalSynopsis(spec.positionals).replace(/[[\]]/g, ''), spec.positionals.help]]).trimEnd(), '');
  out.push('Flags:', table(flagRows).trimEnd(), '');
  if (spec.examples.length) out.push('Examples:', ...spec.examples.flatMap(([cmd, what]) => [`  ${cmd}`, `      ${what}`]), '');
  out.push('Exit codes: 0 success, 1 contract problems, drift or failed checks, 2 usage or config error, 3 internal error.');
  return `${out.join('\n')}\n`;
}

function refuse(spec: { name: string }, message: string): never {
  throw new UsageError(`${spec.name}: ${message}; see contractgen ${spec.name} --help`);
}

/** Parses the arguments after the command's name against its declaration. */
export function parseCommandArgs<F extends Flags>(spec: { name: string; flags: F; positionals?: Positionals }, argv: readonly string[]): Parsed<F> {
  const declared: Record<string, Flag> = { ...spec.flags };
  const options = Object.fromEntries(Object.entries(declared).map(([n, f]) => [n, { type: f.type, ...(f.short ? { short: f.short } : {}) }]));
  // strict: false, so that every refusal below names the argument in our words; tokens say what each one was
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | string[] | boolean | undefined> = {};
  const lists: Record<string, string[]> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const f = Object.hasOwn(declared, t.name) ? declared[t.name] : undefined;
    if (!f) refuse(spec, `unknown flag ${t.rawName}`);
    if (f.type === 'boolean') {
      if (t.value !== undefined) refuse(spec, `${t.rawName} takes no value`);
      values[t.name] = true;
      continue;
    }
    const v = t.value;
    const shown = `--${t.name} ${f.value}`;
    if (v === undefined || v === '') refuse(spec, `${t.rawName} needs a value (${shown})`);
    if (!t.inlineValue && v.startsWith('-') && v !== '-') refuse(spec, `${t.rawName} needs a value (${shown}), not the flag ${v}; write --${t.name}=${v} if that is the value`);
    if (f.choices && !f.choices.includes(v)) {
      const list = f.choices.length > 1 ? `${f.choices.slice(0, -1).join(', ')} or ${f.choices[f.choices.length - 1]}` : f.choices[0];
      throw new UsageError(`--${t.name} must be ${list}, not ${JSON.stringify(v)}`);
    }
    if (f.multiple) values[t.name] = lists[t.name] = [...(lists[t.name] ?? []), v];
    else if (values[t.name] !== undefined) refuse(spec, `--${t.name} is given twice`);
    else values[t.name] = v;
  }
  const p = spec.positionals;
  const max = p ? (p.max ?? Infinity) : 0;
  if (positionals.length > max) {
    const extra = JSON.stringify(positionals[max]);
    refuse(spec, p ? `unexpected argument ${extra} (at most ${max} ${p.name})` : `unexpected argument ${extra} (${spec.name} takes no arguments)`);
  }
  if (p && positionals.length < (p.min ?? 0)) refuse(spec, `needs ${p.max === p.min ? 'exactly' : 'at least'} ${p.min} ${p.name}: ${p.help}`);
  for (const [n, f] of Object.entries(declared)) {
    if (values[n] !== undefined) continue;
    if (f.type === 'boolean') values[n] = false;
    else if (f.required) throw new UsageError(`${spec.name} needs --${n} ${f.value}; see contractgen ${spec.name} --help`);
    else if (f.multiple) values[n] = [];
    else if (f.default !== undefined) values[n] = f.default;
  }
  // every declared flag has its value now, of the declared kind: this is the one place the shape is asserted
  return { flags: values as FlagValues<F>, positionals };
}

/** Whether the arguments ask for help (before any `--`). */
function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

export function defineCommand<const F extends Flags>(spec: CommandSpec<F>): TypedCommand<F> {
  for (const n of Object.keys(spec.flags)) if (n === 'help') throw new Error(`${spec.name}: --help is every command's`);
  return {
    name: spec.name,
    summary: spec.summary,
    flags: spec.flags,
    ...(spec.positionals ? { positionals: spec.positionals } : {}),
    usage: () => usageOf(spec),
    help: () => helpOf(spec),
    parse: (argv) => parseCommandArgs(spec, argv),
    async execute(argv, io) {
      if (wantsHelp(argv)) {
        io.stdout(helpOf(spec));
        return 0;
      }
      return spec.run(parseCommandArgs(spec, argv), io);
    },
  };
}
