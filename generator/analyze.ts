/**
 * The front half of the pipeline, shared by lint and generate: load → validate → model, and the targets'
 * capability checks (targets/capabilities.ts). It imports nothing heavy (no target module, template, prettier or
 * parser), so `contractgen lint` starts fast.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG, resolveConfig, type PlatformConfig } from './config/config.js';
import { convertDcs, isDcs } from './convert/dcs.js';
import { cmp, diagnostic, hasErrors, UsageError, type Diagnostic } from './diagnostics/diagnostic.js';
import { CONTRACT_EXTENSIONS, discover, displayPath, MAX_CONTRACT_BYTES, readLimited } from './load/files.js';
import { loadYaml, type LoadedYaml } from './load/yaml.js';
import { buildDatasets } from './model/build/dataset.js';
import type { Dataset, Model } from './model/ir.js';
import { checkTargets, type TargetId } from './targets/capabilities.js';
import { scanPlaceholders } from './validate/placeholders.js';
import { checkRules } from './validate/rules.js';
import { checkSchema } from './validate/schema-check.js';
import { scanSecrets } from './validate/secrets.js';

export interface AnalyzeOptions {
  cwd: string;
  contracts: readonly string[];
  /** path of contractgen.config.yaml; when undefined, the default file is used if it exists */
  configPath?: string;
  /** true when the user named the config file: then it must exist */
  configExplicit?: boolean;
  /** also run these targets' capability checks (lint and generate: the targets in scope) */
  targets?: readonly TargetId[];
  /**
   * Read the other contracts of each given file's contracts directory too (lint): relationships and collisions
   * are resolved against them, and only the given files are reported on. See `contextPaths`.
   */
  context?: boolean;
  /** refuse a run that finds no contract file (a usage error): lint and generate */
  requireContracts?: boolean;
}

export interface Analysis {
  model: Model;
  config: PlatformConfig;
  diagnostics: Diagnostic[];
  /** contract files read, display paths: the given ones, not those read only as context (the model holds both) */
  files: string[];
  /** whether the config file had errors (exit code 2) */
  configErrors: boolean;
}

export const DEFAULT_CONFIG_FILE = 'contractgen.config.yaml';

export function loadConfig(cwd: string, configPath: string | undefined, explicit: boolean): { config: PlatformConfig; diagnostics: Diagnostic[] } {
  const abs = resolve(cwd, configPath ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(abs)) {
    if (explicit) throw new UsageError(`config file not found: ${configPath}`);
    return { config: DEFAULT_CONFIG, diagnostics: [] };
  }
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config file ${configPath ?? DEFAULT_CONFIG_FILE}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return loadConfigText(displayPath(cwd, abs), text);
}

/** Parses and validates a config file's text. */
export function loadConfigText(file: string, text: string): { config: PlatformConfig; diagnostics: Diagnostic[] } {
  const { doc, diagnostics } = loadYaml(file, text);
  if (!doc) return { config: DEFAULT_CONFIG, diagnostics };
  const schemaDiags = checkSchema('config', doc);
  const secretDiags = scanSecrets(doc);
  if (schemaDiags.length) return { config: DEFAULT_CONFIG, diagnostics: [...diagnostics, ...schemaDiags, ...secretDiags] };
  const r = resolveConfig(doc);
  return { config: r.config, diagnostics: [...diagnostics, ...secretDiags, ...r.diagnostics] };
}

/** Parses and validates one contract; returns its datasets when it is sound enough to model. */
export function loadContract(file: string, text: string, config: PlatformConfig = DEFAULT_CONFIG): { datasets: Dataset[]; diagnostics: Diagnostic[]; doc?: LoadedYaml; odcs?: Record<string, unknown> } {
  const { doc, diagnostics } = loadYaml(file, text);
  if (!doc) return { datasets: [], diagnostics };
  if (typeof doc.data !== 'object' || doc.data === null || Array.isArray(doc.data)) {
    return { datasets: [], diagnostics: [...diagnostics, diagnostic('FORMAT_UNKNOWN', { file, line: 1, col: 1 }, 'not a data contract: expected a mapping with ODCS apiVersion/kind or DCS dataContractSpecification')] };
  }
  const dcs = isDcs(doc.data);
  const schemaDiags = checkSchema(dcs ? 'dcs' : 'odcs', doc);
  const all = [...diagnostics, ...schemaDiags, ...scanSecrets(doc), ...scanPlaceholders(doc)];
  const convert = () => (dcs ? convertDcs(doc) : { odcs: doc.data as Record<string, unknown>, doc });
  const settings = { unsizedDecimal: config.lake.unsizedDecimal };
  if (schemaDiags.length === 0) {
    const converted = convert();
    const built = buildDatasets({ doc: converted.doc, odcs: converted.odcs, format: dcs ? 'dcs' : 'odcs', settings });
    return { datasets: built.datasets, diagnostics: [...all, ...built.diagnostics], doc, odcs: converted.odcs };
  }
  // The schema failed, so nothing will be generated; still model what is sound, so that lint reports the
  // cross-contract problems (unresolved relationships, collisions …) in the same run instead of one at a time.
  try {
    const converted = convert();
    const built = buildDatasets({ doc: converted.doc, odcs: converted.odcs, format: dcs ? 'dcs' : 'odcs', settings });
    return { datasets: built.datasets, diagnostics: [...all, ...built.diagnostics], doc };
  } catch {
    return { datasets: [], diagnostics: all, doc };
  }
}

/** A contract to analyze: its display path and its text (undefined when it was too large to read). */
export interface ContractSource {
  file: string;
  text?: string;
  size?: number;
}

/**
 * The analysis of contracts already in memory (from disk, or from a git revision). `focus`, when given, says
 * which files are reported on: a cross-contract problem between a focused file and another one is reported in
 * the focused file.
 */
export function analyzeSources(sources: readonly ContractSource[], config: PlatformConfig, focus?: (file: string) => boolean): { model: Model; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const datasets: Dataset[] = [];
  for (const { file, text, size } of sources) {
    if (text === undefined || text.length > MAX_CONTRACT_BYTES) {
      diagnostics.push(diagnostic('INPUT_TOO_LARGE', { file, line: 1, col: 1 }, `contract is ${size ?? text?.length} bytes; the limit is ${MAX_CONTRACT_BYTES}`));
      continue;
    }
    let r: ReturnType<typeof loadContract>;
    try {
      r = loadContract(file, text, config);
    } catch (e) {
      // a parser or validator recursing past the stack on pathological input is the input's problem, not ours
      if (!(e instanceof RangeError)) throw e;
      r = { datasets: [], diagnostics: [diagnostic('NESTING_TOO_DEEP', { file, line: 1, col: 1 }, `contract too deeply nested to process: ${e.message}`)] };
    }
    diagnostics.push(...r.diagnostics);
    datasets.push(...r.datasets);
  }
  datasets.sort((a, b) => cmp(a.name, b.name) || cmp(a.contract.file, b.contract.file));
  diagnostics.push(...checkRules(datasets, config, focus));
  return { model: { datasets }, diagnostics };
}

export function readSources(cwd: string, contracts: readonly string[]): ContractSource[] {
  return discover(cwd, contracts).map((abs) => {
    const { text, tooLarge } = readLimited(abs);
    return { file: displayPath(cwd, abs), ...(text !== undefined ? { text } : { size: tooLarge }) };
  });
}

/** The default contracts directory, relative to the working directory. */
export const DEFAULT_CONTRACTS_DIR = 'contracts';

/**
 * The contracts directory of each given path, for `context`: the default contracts directory (read
 * recursively) when the path lies inside it; otherwise, for a file, the other contract files beside it (not
 * recursively: a file at the top of a repository must not pull in node_modules). Absolute paths, sorted. Context
 * is a help, not an input: a folder that cannot be listed adds nothing.
 */
export function contextPaths(cwd: string, given: readonly string[]): string[] {
  const home = resolve(cwd, DEFAULT_CONTRACTS_DIR);
  const out = new Set<string>();
  for (const p of given) {
    const abs = resolve(cwd, p);
    try {
      if (abs.startsWith(home + sep)) {
        if (existsSync(home) && statSync(home).isDirectory()) for (const f of discover(cwd, [home])) out.add(f);
        continue;
      }
      if (!statSync(abs).isFile()) continue;
      const dir = dirname(abs);
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isFile() && !e.name.startsWith('.') && CONTRACT_EXTENSIONS.some((x) => e.name.endsWith(x))) out.add(join(dir, e.name));
      }
    } catch {
      // unreadable context: lint the given files alone
    }
  }
  return [...out].sort(cmp);
}

/** The context files' sources; one that cannot be read is left out (it is not one the user asked about). */
function contextSources(cwd: string, given: readonly string[], known: ReadonlySet<string>): ContractSource[] {
  const out: ContractSource[] = [];
  for (const abs of contextPaths(cwd, given)) {
    const file = displayPath(cwd, abs);
    if (known.has(file)) continue;
    try {
      const { text, tooLarge } = readLimited(abs);
      out.push({ file, ...(text !== undefined ? { text } : { size: tooLarge }) });
    } catch {
      // unreadable: left out
    }
  }
  return out;
}

export function analyze(opts: AnalyzeOptions): Analysis {
  const { config, diagnostics: configDiags } = loadConfig(opts.cwd, opts.configPath, opts.configExplicit ?? false);
  const sources = readSources(opts.cwd, opts.contracts);
  if (opts.requireContracts && sources.length === 0) {
    throw new UsageError(`no contracts in ${opts.contracts.join(', ')}: contract files end in ${CONTRACT_EXTENSIONS.join(', ')}`);
  }
  const given = new Set(sources.map((s) => s.file));
  const extra = opts.context ? contextSources(opts.cwd, opts.contracts, given) : [];
  const focus = extra.length ? (file: string) => given.has(file) : undefined;
  const r = analyzeSources([...sources, ...extra], config, focus);
  const diagnostics = [...configDiags, ...r.diagnostics, ...(opts.targets ? checkTargets(r.model, config, opts.targets) : [])];
  const context = new Set(extra.map((s) => s.file));
  return {
    model: r.model,
    config,
    diagnostics: context.size ? diagnostics.filter((d) => !context.has(d.file)) : diagnostics,
    files: sources.map((s) => s.file),
    configErrors: hasErrors(configDiags),
  };
}
