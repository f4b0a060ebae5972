/**
 * The command line. `main(argv, io)` is the whole CLI with injected streams, so tests run it in-process;
 * the bins only wire it to process.*. Exit codes: 0 ok, 1 contract problems or drift, 2 usage or config
 * error, 3 internal error. Messages go to stderr; generated content and diffs go to stdout.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cmp, formatDiagnostics, hasErrors, summary, UsageError, type Diagnostic, type DiagnosticFormat } from '../diagnostics.js';
import { displayPath } from '../load/files.js';

export interface Io {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

export const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

const HELP = `contractgen ${VERSION}: data contracts in, every platform artifact out.

Usage:
  contractgen generate [--contracts DIR|FILE]... [--config FILE] [--out DIR] [--target ID]... [--check | --print]
  contractgen lint [PATH...] [--config FILE]
  contractgen convert FILE
  contractgen breaking --against REF|DIR|FILE [--against …] [--contracts DIR|FILE]... [--list-rules]
  contractgen changelog --against REF|DIR|FILE [--contracts DIR|FILE]... [--out FILE]
  contractgen test --data DIR|s3://BUCKET/PREFIX|postgresql://URL [--contracts DIR|FILE]... [--dataset NAME]... [--format text|json|junit]
  contractgen import SOURCE [--out DIR] [--table NAME]... [--merge CONTRACT] [--dialect postgres|mysql] [--schema NAME]...
  contractgen drift --source URL|FILE [--contracts DIR|FILE]... [--dialect postgres|mysql] [--schema NAME]...
  contractgen init [DIR] [--project NAME] [--domain NAME]
  contractgen targets
  contractgen rules
  contractgen --help | --version

Commands:
  generate   Build every artifact from the contracts and write it to the output directory (all or nothing).
             --check writes nothing: it reports missing, changed and stale files with a unified diff and
             exits 1 on drift. --print writes the files to stdout instead.
  lint       Validate contracts (schema + semantic rules) without generating. The pre-commit entry point.
  convert    Print a Data Contract Specification (DCS 1.x) contract in its ODCS v3.1.0 form.
  breaking   Compare the contracts with an older version (a git revision, read without a checkout, or a
             directory or file) and report changes that break consumers, with stable rule IDs; exits 1 on
             errors. A breaking change needs a major version bump. Repeat --against with older versions for
             the *_TRANSITIVE compatibility levels. --list-rules lists the rules.
  changelog  The same comparison as a Markdown changelog on stdout (or --out FILE).
  test       Run the generated quality suites on real data with embedded DuckDB: Parquet or JSON-lines files in
             a folder (<dataset>.parquet, <dataset>.jsonl or a folder <dataset>/), objects under an S3 prefix
             (endpoint from AWS_ENDPOINT_URL or the config's MinIO), or PostgreSQL tables. Prints each
             expectation with PASS or FAIL, the observed value and up to 5 failing rows; exits 1 on a failure.
  import     Write contracts from what exists: a live PostgreSQL (postgresql:// URL), PostgreSQL or MySQL DDL,
             CQL (DESCRIBE KEYSPACE output), Avro schemas or Schema Registry subjects, JSON Schema. One contract
             per table, with placeholders (TODO(import)) for what the source cannot tell and PII suggestions.
             --merge updates an existing contract's schema in place and prints what changed.
  drift      Compare a live PostgreSQL or a DDL/CQL/Avro/JSON Schema file with the contracts and report each
             difference with the rule IDs of breaking (contract => source); exits 1 on a breaking difference.
  init       Scaffold a repository of contracts: contractgen.config.yaml with every setting, an example
             contract, the pre-commit config and a CI workflow. Asks nothing when not on a terminal; never
             overwrites (exit 2, naming the files).
  targets    List the targets and what each generates.
  rules      List every diagnostic rule ID with its severity.

Options:
  --contracts DIR|FILE   contracts to read; repeatable (default: contracts/)
  --config FILE          platform config (default: contractgen.config.yaml, if present)
  --out DIR              output directory (default: generated/)
  --target ID            only this target; repeatable (default: all)
  --against REF|PATH     breaking/changelog: the older contracts (git revision, directory or file)
  --data SOURCE          test: where the rows are (folder, s3://bucket/prefix or postgresql:// URL)
  --dataset NAME         test: only this dataset; repeatable (default: every dataset with data)
  --out DIR              import: where the contracts go (default: contracts/)
  --table NAME           import: only this table (NAME or SCHEMA.NAME); repeatable (default: all)
  --merge CONTRACT       import: update this contract's schema from the source instead of writing new ones
  --dialect DIALECT      import, drift: the SQL dialect of .sql files, postgres or mysql (default: detected)
  --schema NAME          import, drift: only this PostgreSQL schema of a live database; repeatable
  --source URL|FILE      drift: the database (postgresql:// URL) or file(s) to compare the contracts with
  --project NAME         init: the project name (default: the directory's name)
  --domain NAME          init: the business domain (default: data)
  --format FMT           diagnostics as text (default), json or github (GitHub Actions annotations);
                         test: results as text (default), json or junit
  --verbose              also print info diagnostics (skipped targets …)
  --help, -h             this help
  --version, -v          the version

Exit codes: 0 success, 1 contract problems or drift, 2 usage or config error, 3 internal error.
Environment: NO_COLOR disables colour; CONTRACTGEN_DEBUG=1 prints stack traces of internal errors.
`;

interface Common {
  format: DiagnosticFormat;
  verbose: boolean;
}

function parseFormat(v: string | undefined): DiagnosticFormat {
  if (v === undefined) return 'text';
  if (v === 'text' || v === 'json' || v === 'github') return v;
  throw new UsageError(`--format must be text, json or github, not ${JSON.stringify(v)}`);
}

function report(io: Io, diags: Diagnostic[], c: Common) {
  const color = io.isTTY && !('NO_COLOR' in io.env) && c.format === 'text';
  const text = formatDiagnostics(diags, c.format, { color, verbose: c.verbose });
  if (c.format === 'json') io.stdout(text);
  else if (text) io.stderr(text);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`contractgen: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    if (err && (err.name === 'SinkError' || (err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'ENOSPC' || (err as NodeJS.ErrnoException).code === 'EROFS')) {
      io.stderr(`contractgen: ${err.message}; nothing was written\n`);
      return 2;
    }
    io.stderr(`contractgen: internal error: ${err?.message ?? String(e)}\n`);
    if (io.env.CONTRACTGEN_DEBUG) io.stderr(`${err?.stack ?? ''}\n`);
    else io.stderr('(set CONTRACTGEN_DEBUG=1 for a stack trace, and please report it)\n');
    return 3;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout(HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  switch (cmd) {
    case 'generate':
      return generateCmd(rest, io);
    case 'lint':
      return lintCmd(rest, io);
    case 'convert':
      return convertCmd(rest, io);
    case 'breaking':
    case 'changelog':
      return compareCmd(cmd, rest, io);
    case 'test':
      return testCmd(rest, io);
    case 'import':
      return (await import('./import-cmd.js')).importCmd(rest, io, HELP);
    case 'drift':
      return (await import('./import-cmd.js')).driftCmd(rest, io, HELP);
    case 'init':
      return (await import('./import-cmd.js')).initCmd(rest, io, HELP, VERSION);
    case 'targets':
      return targetsCmd(rest, io);
    case 'rules':
      return rulesCmd(io);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(cmd)}; see contractgen --help`);
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
type Parsed = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };

function parse(args: readonly string[], options: OptionSpec): Parsed {
  try {
    return parseArgs({ args: [...args], options: { ...options, format: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}; see contractgen --help`);
  }
}

async function lintCmd(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { config: { type: 'string' }, contracts: { type: 'string', multiple: true } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const c: Common = { format: parseFormat(values.format as string | undefined), verbose: Boolean(values.verbose) };
  const contracts = [...((values.contracts as string[] | undefined) ?? []), ...positionals];
  const { analyze } = await import('../analyze.js');
  const a = analyze({ cwd: io.cwd, contracts: contracts.length ? contracts : ['contracts'], configPath: values.config as string | undefined, configExplicit: values.config !== undefined });
  report(io, a.diagnostics, c);
  if (a.configErrors) return 2;
  if (hasErrors(a.diagnostics)) {
    if (c.format === 'text') io.stderr(`contractgen: ${summary(a.diagnostics)} in ${a.files.length} contract file(s)\n`);
    return 1;
  }
  if (c.format === 'text') io.stderr(`contractgen: ${a.files.length} contract file(s), ${a.model.datasets.length} dataset(s): ${summary(a.diagnostics)}\n`);
  return 0;
}

async function generateCmd(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    contracts: { type: 'string', multiple: true },
    config: { type: 'string' },
    out: { type: 'string' },
    target: { type: 'string', multiple: true },
    check: { type: 'boolean' },
    print: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const c: Common = { format: parseFormat(values.format as string | undefined), verbose: Boolean(values.verbose) };
  if (values.check && values.print) throw new UsageError('--check and --print cannot be combined');
  const [{ TARGETS }, pipeline, sink] = await Promise.all([import('../targets/registry.js'), import('../pipeline.js'), import('../sink/sink.js')]);
  const ids = (values.target as string[] | undefined) ?? [];
  for (const id of ids) {
    if (!TARGETS.some((t) => t.id === id)) throw new UsageError(`unknown target ${JSON.stringify(id)}; known: ${TARGETS.map((t) => t.id).join(', ')}`);
  }
  const contracts = [...((values.contracts as string[] | undefined) ?? []), ...positionals];
  const { analyze } = await import('../analyze.js');
  const a = analyze({ cwd: io.cwd, contracts: contracts.length ? contracts : ['contracts'], configPath: values.config as string | undefined, configExplicit: values.config !== undefined });
  if (a.configErrors) {
    report(io, a.diagnostics, c);
    return 2;
  }
  if (hasErrors(a.diagnostics)) {
    report(io, a.diagnostics, c);
    if (c.format === 'text') io.stderr(`contractgen: ${summary(a.diagnostics)}; nothing was written\n`);
    return 1;
  }
  const outDir = resolve(io.cwd, (values.out as string | undefined) ?? 'generated');
  const shownOut = displayPath(io.cwd, outDir);
  const failed = (diagnostics: Diagnostic[]) => {
    const diags = [...a.diagnostics, ...diagnostics];
    report(io, diags, c);
    if (!hasErrors(diagnostics)) return false;
    if (c.format === 'text') io.stderr(`contractgen: ${summary(diags)}; nothing was written\n`);
    return true;
  };
  if (values.check) {
    // target by target, in path order: each target's files are compared and let go (see generateEach)
    const d = { missing: [] as string[], changed: [] as string[], stale: [] as string[], diff: '' };
    let count = 0;
    const gd = await pipeline.generateEach(a, [...pipeline.selectTargets(ids)].sort((x, y) => cmp(x.id, y.id)), async (files) => {
      const t = await sink.checkSink(outDir, files);
      count += files.size;
      d.missing.push(...t.missing);
      d.changed.push(...t.changed);
      d.stale.push(...t.stale);
      d.diff += t.diff.slice(0, t.diff.length - t.stale.map(sink.staleNote).join('').length); // stale notes go last
    });
    if (failed(gd)) return 1;
    d.diff += d.stale.map(sink.staleNote).join('');
    const n = d.missing.length + d.changed.length + d.stale.length;
    if (n === 0) {
      if (c.format === 'text') io.stderr(`contractgen: ${shownOut}/ is up to date (${count} files)\n`);
      return 0;
    }
    io.stdout(d.diff);
    const list = (label: string, xs: string[]) => xs.map((x) => `  ${label}: ${shownOut}/${x}\n`).join('');
    io.stderr(`contractgen: ${shownOut}/ is out of date: ${d.missing.length} missing, ${d.changed.length} changed, ${d.stale.length} stale\n${list('missing', d.missing)}${list('changed', d.changed)}${list('stale', d.stale)}run \`npx generate\` and commit the result\n`);
    return 1;
  }
  const g = await pipeline.generateFiles(a, pipeline.selectTargets(ids));
  if (failed(g.diagnostics)) return 1;
  if (values.print) {
    sink.printSink(g.files, io.stdout);
    return 0;
  }
  const p = sink.writeSink(outDir, g.files);
  if (c.format === 'text') io.stderr(`contractgen: ${shownOut}/: ${p.write.length} written, ${p.unchanged.length} unchanged, ${p.remove.length} removed\n`);
  return 0;
}

async function testCmd(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { contracts: { type: 'string', multiple: true }, config: { type: 'string' }, data: { type: 'string' }, dataset: { type: 'string', multiple: true } });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const t = await import('./test-cmd.js');
  const format = t.parseTestFormat(values.format as string | undefined);
  if (typeof values.data !== 'string') throw new UsageError('test needs --data: a folder, s3://bucket/prefix or a postgresql:// URL');
  const contracts = [...((values.contracts as string[] | undefined) ?? []), ...positionals];
  const { analyze } = await import('../analyze.js');
  const a = analyze({ cwd: io.cwd, contracts: contracts.length ? contracts : ['contracts'], configPath: values.config as string | undefined, configExplicit: values.config !== undefined });
  if (hasErrors(a.diagnostics)) {
    report(io, a.diagnostics, { format: 'text', verbose: false });
    return a.configErrors ? 2 : 1;
  }
  return t.runTests(a, values.data, (values.dataset as string[] | undefined) ?? [], format, io);
}

async function convertCmd(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const c: Common = { format: parseFormat(values.format as string | undefined), verbose: Boolean(values.verbose) };
  if (positionals.length !== 1) throw new UsageError('convert takes exactly one contract file');
  const abs = resolve(io.cwd, positionals[0]!);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${positionals[0]}`);
  }
  const { loadContract } = await import('../analyze.js');
  const r = loadContract(displayPath(io.cwd, abs), text);
  report(io, r.diagnostics, c);
  if (hasErrors(r.diagnostics) || !r.odcs) return 1;
  const { stringify } = await import('yaml');
  io.stdout(stringify(r.odcs, { lineWidth: 0, version: '1.2' }));
  return 0;
}

async function targetsCmd(_args: readonly string[], io: Io): Promise<number> {
  const { TARGETS } = await import('../targets/registry.js');
  const w = Math.max(...TARGETS.map((t) => t.id.length));
  io.stdout(TARGETS.map((t) => `${t.id.padEnd(w)}  ${t.description}\n`).join(''));
  return 0;
}

async function rulesCmd(io: Io): Promise<number> {
  const { RULES } = await import('../validate/rules.js');
  const w = Math.max(...RULES.map((r) => r.id.length));
  io.stdout(RULES.map((r) => `${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.summary}\n`).join(''));
  return 0;
}

async function compareCmd(cmd: 'breaking' | 'changelog', args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    contracts: { type: 'string', multiple: true },
    config: { type: 'string' },
    against: { type: 'string', multiple: true },
    'list-rules': { type: 'boolean' },
    out: { type: 'string' },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const { BREAKING_RULES } = await import('../breaking/rules.js');
  if (values['list-rules']) {
    const w = Math.max(...BREAKING_RULES.map((r) => r.id.length));
    io.stdout(BREAKING_RULES.map((r) => `${r.id.padEnd(w)}  ${r.category.padEnd(15)}  ${r.severity.padEnd(7)}  ${r.summary}\n`).join(''));
    return 0;
  }
  const c: Common = { format: parseFormat(values.format as string | undefined), verbose: Boolean(values.verbose) };
  const against = (values.against as string[] | undefined) ?? [];
  if (against.length === 0) throw new UsageError(`${cmd} needs --against <git revision | directory | file>`);
  const contracts = [...((values.contracts as string[] | undefined) ?? []), ...positionals];
  const paths = contracts.length ? contracts : ['contracts'];
  const [{ analyze, analyzeSources, readSources, loadConfigText }, { diffModels }, git, fmt, { existsSync }] = await Promise.all([
    import('../analyze.js'),
    import('../breaking/diff.js'),
    import('../breaking/git.js'),
    import('../breaking/format.js'),
    import('node:fs'),
  ]);
  const configPath = (values.config as string | undefined) ?? 'contractgen.config.yaml';
  const now = analyze({ cwd: io.cwd, contracts: paths, configPath: values.config as string | undefined, configExplicit: values.config !== undefined });
  if (now.configErrors) {
    report(io, now.diagnostics, c);
    return 2;
  }
  if (hasErrors(now.diagnostics)) {
    report(io, now.diagnostics, c);
    if (c.format === 'text') io.stderr(`contractgen: the current contracts have errors; fix them before comparing\n`);
    return 1;
  }
  const olds = against.map((a) => {
    if (existsSync(resolve(io.cwd, a))) return { label: a, ...analyzeSources(readSources(io.cwd, [a]), now.config), config: now.config };
    if (!git.isGitRef(io.cwd, a)) throw new UsageError(`--against ${a}: neither a file or directory nor a git revision`);
    const side = git.readGitSide(io.cwd, a, paths, configPath);
    const cfg = side.config ? loadConfigText(side.config.file, side.config.text) : { config: now.config, diagnostics: [] };
    const config = hasErrors(cfg.diagnostics) ? now.config : cfg.config;
    return { label: a, ...analyzeSources(side.sources, config), config };
  });
  // Problems of the old contracts are reported, but they do not fail the comparison.
  const oldProblems = olds.flatMap((o) => o.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ ...d, severity: 'warning' as const, message: `(old contracts) ${d.message}` })));
  if (oldProblems.length) report(io, oldProblems, c);
  const [first, ...history] = olds;
  const changes = diffModels({ model: first!.model, config: first!.config }, { model: now.model, config: now.config }, { history: history.map((h) => ({ model: h.model, config: h.config })), disabled: now.config.breaking.disabled });
  if (cmd === 'changelog') {
    const versions = new Map<string, { from?: string; to?: string; file?: string }>();
    for (const d of first!.model.datasets) versions.set(d.name, { from: d.contract.version });
    for (const d of now.model.datasets) versions.set(d.name, { ...versions.get(d.name), to: d.contract.version, file: d.contract.file });
    const text = fmt.changelog(changes, first!.label, versions);
    if (values.out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(resolve(io.cwd, values.out as string), text);
    } else io.stdout(text);
    return 0;
  }
  const color = io.isTTY && !('NO_COLOR' in io.env) && c.format === 'text';
  const text = fmt.formatChanges(changes, c.format, { color, verbose: c.verbose });
  if (c.format === 'json') io.stdout(text);
  else if (text) io.stderr(text);
  const errors = changes.filter((x) => x.severity === 'error').length;
  if (c.format === 'text') io.stderr(`contractgen: ${errors} breaking change${errors === 1 ? '' : 's'}, ${changes.length - errors} other change${changes.length - errors === 1 ? '' : 's'} against ${first!.label}\n`);
  return errors ? 1 : 0;
}
