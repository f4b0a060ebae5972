/**
 * `contractgen import`, `contractgen drift` and `contractgen init`: thin glue around generator/import/ — flags
 * in, typed options to the library, its typed results printed and written here, at the edge. Loaded only when
 * one of these commands runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Change } from '../breaking/diff.js';
import { cmp, formatDiagnostics, hasErrors, summary, UsageError, type Diagnostic, type DiagnosticFormat } from '../diagnostics.js';
import { displayPath } from '../load/files.js';
import { SourceError, type SourceDescription } from '../import/describe.js';
import type { Dialect } from '../import/source.js';
import type { Io } from './main.js';

type Spec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function parse(args: readonly string[], options: Spec, usage: string): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: [...args], options: { ...options, format: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as ReturnType<typeof parse>;
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}; usage: ${usage}`);
  }
}

function parseFormat(v: unknown): DiagnosticFormat {
  if (v === undefined) return 'text';
  if (v === 'text' || v === 'json' || v === 'github') return v;
  throw new UsageError(`--format must be text, json or github, not ${JSON.stringify(v)}`);
}

function parseDialect(v: unknown): Dialect | undefined {
  if (v === undefined) return undefined;
  if (v === 'postgres' || v === 'mysql') return v;
  throw new UsageError(`--dialect must be postgres or mysql, not ${JSON.stringify(v)}`);
}

function print(io: Io, ds: readonly Diagnostic[], format: DiagnosticFormat, verbose: boolean): void {
  const color = io.isTTY && !('NO_COLOR' in io.env) && format === 'text';
  const text = formatDiagnostics(ds, format, { color, verbose });
  if (format === 'json') io.stdout(text);
  else if (text) io.stderr(text);
}

/** Reads the source; a source that cannot be read at all is exit 2, with its diagnostic. */
async function source(io: Io, opts: { source: string; dialect?: Dialect; schemas: string[] }, format: DiagnosticFormat): Promise<SourceDescription | number> {
  const { readSource } = await import('../import/source.js');
  try {
    return await readSource({ source: opts.source, cwd: io.cwd, ...(opts.dialect ? { dialect: opts.dialect } : {}), ...(opts.schemas.length ? { schemas: opts.schemas } : {}) });
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    print(io, [e.diagnostic], format, false);
    return 2;
  }
}

const IMPORT_USAGE = 'contractgen import SOURCE [--out DIR] [--table NAME]... [--merge CONTRACT] [--dialect postgres|mysql] [--schema NAME]...';

export async function importCmd(args: readonly string[], io: Io, help: string): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, table: { type: 'string', multiple: true }, merge: { type: 'string' }, dialect: { type: 'string' }, schema: { type: 'string', multiple: true } }, IMPORT_USAGE);
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  const format = parseFormat(values.format);
  const verbose = Boolean(values.verbose);
  if (positionals.length !== 1) throw new UsageError(`import takes one source: a postgresql:// URL, or a .sql, .cql, .avsc or .json file or folder; usage: ${IMPORT_USAGE}`);
  if (values.merge !== undefined && values.out !== undefined) throw new UsageError('--merge updates a contract in place; it takes no --out');
  const dialect = parseDialect(values.dialect);
  const src = await source(io, { source: positionals[0]!, ...(dialect ? { dialect } : {}), schemas: (values.schema as string[] | undefined) ?? [] }, format);
  if (typeof src === 'number') return src;
  const tables = (values.table as string[] | undefined) ?? [];
  const { draftContracts } = await import('../import/odcs.js');

  if (values.merge !== undefined) {
    const file = values.merge as string;
    const abs = resolve(io.cwd, file);
    if (!existsSync(abs)) throw new UsageError(`--merge ${file}: no such contract`);
    const shown = displayPath(io.cwd, abs);
    const before = readFileSync(abs, 'utf8');
    const [{ mergeContract }, { loadContract, loadConfig }, { diffModels }, fmt] = await Promise.all([import('../import/merge.js'), import('../analyze.js'), import('../breaking/diff.js'), import('../breaking/format.js')]);
    const scoped = tables.length ? { ...src, tables: src.tables.filter((t) => tables.includes(t.name) || tables.includes(`${t.namespace}.${t.name}`)) } : src;
    const r = mergeContract(shown, before, scoped);
    const diags = [...src.diagnostics, ...r.diagnostics];
    print(io, diags, format, verbose);
    if (hasErrors(diags)) {
      if (format === 'text') io.stderr(`contractgen: ${summary(diags)}; ${shown} was not changed\n`);
      return 1;
    }
    if (!r.changed) {
      if (format === 'text') io.stderr(`contractgen: ${shown} already matches ${src.label}\n`);
      return 0;
    }
    // what changed, in the words of `contractgen breaking`: the merged contract against the one on disk
    const { config } = loadConfig(io.cwd, undefined, false);
    const old = loadContract(`${shown} (before)`, before);
    const now = loadContract(shown, r.text);
    const changes: Change[] = diffModels({ model: { datasets: old.datasets }, config }, { model: { datasets: now.datasets }, config }, { disabled: ['VERSION_BUMP_REQUIRED', 'VERSION_NOT_INCREASED', 'MAJOR_VERSION_BUMP'] });
    writeFileSync(abs, r.text);
    const out = fmt.formatChanges(changes, format, { color: io.isTTY && !('NO_COLOR' in io.env) && format === 'text', verbose: true });
    if (format === 'json') io.stdout(out);
    else if (out) io.stderr(out);
    if (format === 'text') io.stderr(`contractgen: merged ${src.label} into ${shown}: ${changes.length} change${changes.length === 1 ? '' : 's'}${hasErrors(now.diagnostics) ? '; the contract now has lint errors (contractgen lint shows them)' : ''}\n`);
    return 0;
  }

  const { drafts, diagnostics } = draftContracts(src, { tables });
  const diags = [...src.diagnostics, ...diagnostics.filter((d) => !(d.rule === 'IMPORT_EMPTY' && hasErrors(src.diagnostics)))];
  print(io, diags, format, verbose);
  if (hasErrors(diags)) {
    if (format === 'text') io.stderr(`contractgen: ${summary(diags)}; nothing was written\n`);
    return 1;
  }
  const outDir = resolve(io.cwd, (values.out as string | undefined) ?? 'contracts');
  const { serializeDraft } = await import('../import/write.js');
  const files = drafts.map((d) => ({ abs: join(outDir, d.file), text: serializeDraft(d, src.label), draft: d }));
  const existing = files.filter((f) => existsSync(f.abs)).map((f) => displayPath(io.cwd, f.abs));
  if (existing.length) throw new UsageError(`refusing to overwrite ${existing.join(', ')}; use --merge to update an existing contract, or --out another directory`);
  mkdirSync(outDir, { recursive: true });
  for (const f of files) writeFileSync(f.abs, f.text);
  const { placeholderCount } = await import('../import/odcs.js');
  const placeholders = files.reduce((n, f) => n + placeholderCount(f.draft.odcs), 0);
  const pii = files.reduce((n, f) => n + (f.text.match(/contractgen\.pii\.suggested/g)?.length ?? 0), 0);
  if (format === 'text') {
    io.stderr(`contractgen: wrote ${files.length} contract${files.length === 1 ? '' : 's'} to ${displayPath(io.cwd, outDir)}/ from ${src.label}: ${files.map((f) => basename(f.abs)).sort(cmp).join(', ')}\n`);
    io.stderr(`contractgen: review them: ${placeholders} placeholder value${placeholders === 1 ? '' : 's'} (TODO(import)) and ${pii} PII suggestion${pii === 1 ? '' : 's'}; \`contractgen lint\` lists each\n`);
  }
  return 0;
}

const DRIFT_USAGE = 'contractgen drift --source URL|FILE [--contracts DIR|FILE]... [--config FILE] [--dialect postgres|mysql] [--schema NAME]...';

export async function driftCmd(args: readonly string[], io: Io, help: string): Promise<number> {
  const { values, positionals } = parse(args, { source: { type: 'string' }, contracts: { type: 'string', multiple: true }, config: { type: 'string' }, dialect: { type: 'string' }, schema: { type: 'string', multiple: true } }, DRIFT_USAGE);
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  const format = parseFormat(values.format);
  const verbose = Boolean(values.verbose);
  if (typeof values.source !== 'string') throw new UsageError(`drift needs --source: a postgresql:// URL, or a .sql, .cql, .avsc or .json file or folder; usage: ${DRIFT_USAGE}`);
  const contracts = [...((values.contracts as string[] | undefined) ?? []), ...positionals];
  const { analyze } = await import('../analyze.js');
  const a = analyze({ cwd: io.cwd, contracts: contracts.length ? contracts : ['contracts'], configPath: values.config as string | undefined, configExplicit: values.config !== undefined });
  if (a.configErrors || hasErrors(a.diagnostics)) {
    print(io, a.diagnostics, format, verbose);
    if (format === 'text') io.stderr('contractgen: the contracts have errors; fix them before comparing\n');
    return a.configErrors ? 2 : 1;
  }
  const dialect = parseDialect(values.dialect);
  const src = await source(io, { source: values.source, ...(dialect ? { dialect } : {}), schemas: (values.schema as string[] | undefined) ?? [] }, format);
  if (typeof src === 'number') return src;
  const { diag } = await import('../import/describe.js');
  const sourceErrors = src.diagnostics.filter((d) => d.severity === 'error');
  if (!sourceErrors.length && src.tables.length === 0) sourceErrors.push(diag({ file: src.label, line: 1, col: 1 }, 'IMPORT_EMPTY', `${src.label} has no table to compare with the contracts`));
  if (sourceErrors.length) {
    print(io, sourceErrors, format, verbose);
    return 1;
  }
  if (verbose) print(io, src.diagnostics, format === 'json' ? 'text' : format, true);
  const [{ drift }, fmt] = await Promise.all([import('../import/drift.js'), import('../breaking/format.js')]);
  const r = drift({ analysis: a, source: src });
  const color = io.isTTY && !('NO_COLOR' in io.env) && format === 'text';
  // every difference is shown, info ones too: drift exists to list them
  const text = fmt.formatChanges(r.changes, format, { color, verbose: true });
  if (format === 'json') io.stdout(text);
  else if (text) io.stderr(text);
  const errors = r.changes.filter((c) => c.severity === 'error').length;
  if (format === 'text') {
    io.stderr(`contractgen: ${r.compared.length} dataset${r.compared.length === 1 ? '' : 's'} compared with ${src.label}: ${errors} breaking difference${errors === 1 ? '' : 's'}, ${r.changes.length - errors} other${r.changes.length - errors === 1 ? '' : 's'}\n`);
  }
  return errors ? 1 : 0;
}

const INIT_USAGE = 'contractgen init [DIR] [--project NAME] [--domain NAME]';

export async function initCmd(args: readonly string[], io: Io, help: string, version: string): Promise<number> {
  const { values, positionals } = parse(args, { project: { type: 'string' }, domain: { type: 'string' } }, INIT_USAGE);
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`init takes at most one directory; usage: ${INIT_USAGE}`);
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const { scaffold, projectName } = await import('../import/init.js');
  let project = values.project as string | undefined;
  let domain = values.domain as string | undefined;
  // questions only on a terminal, and only for what the flags did not say
  if (io.isTTY && process.stdin.isTTY && (project === undefined || domain === undefined)) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const dflt = projectName(basename(dir));
      if (project === undefined) project = (await rl.question(`Project name [${dflt}]: `)).trim() || dflt;
      if (domain === undefined) domain = (await rl.question('Business domain [data]: ')).trim() || 'data';
    } finally {
      rl.close();
    }
  }
  project ??= projectName(basename(dir));
  domain ??= 'data';
  if (!/^[a-z_][a-z0-9_]*$/.test(project) || project.length > 63) throw new UsageError(`--project must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters), not ${JSON.stringify(project)}`);
  if (domain.trim() === '') throw new UsageError('--domain must not be empty');
  const files = scaffold({ project, domain, version });
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => displayPath(io.cwd, join(dir, f.path)));
  if (existing.length) throw new UsageError(`refusing to overwrite ${existing.join(', ')}; nothing was written`);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    try {
      writeFileSync(join(dir, f.path), f.text, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`refusing to overwrite ${displayPath(io.cwd, join(dir, f.path))}, created meanwhile`);
      throw e;
    }
  }
  io.stderr(`contractgen: created ${files.map((f) => displayPath(io.cwd, join(dir, f.path))).join(', ')}\n`);
  io.stderr('contractgen: next: edit or import contracts (contractgen import), then `contractgen lint` and `npx generate`\n');
  return 0;
}
