/**
 * The front half of the pipeline, shared by lint and generate: load → validate → model. It imports nothing
 * heavy (no targets, templates, prettier or parsers), so `contractgen lint` starts fast.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG, resolveConfig, type PlatformConfig } from './config/config.js';
import { convertDcs, isDcs } from './convert/dcs.js';
import { cmp, diagnostic, hasErrors, UsageError, type Diagnostic } from './diagnostics/diagnostic.js';
import { discover, displayPath, MAX_CONTRACT_BYTES, readLimited } from './load/files.js';
import { loadYaml, type LoadedYaml } from './load/yaml.js';
import { buildDatasets } from './model/build/dataset.js';
import type { Dataset, Model } from './model/ir.js';
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
}

export interface Analysis {
  model: Model;
  config: PlatformConfig;
  diagnostics: Diagnostic[];
  /** contract files read, display paths */
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
  const all = [...diagnostics, ...schemaDiags, ...scanSecrets(doc)];
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

/** The analysis of contracts already in memory (from disk, or from a git revision). */
export function analyzeSources(sources: readonly ContractSource[], config: PlatformConfig): { model: Model; diagnostics: Diagnostic[] } {
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
  diagnostics.push(...checkRules(datasets, config));
  return { model: { datasets }, diagnostics };
}

export function readSources(cwd: string, contracts: readonly string[]): ContractSource[] {
  return discover(cwd, contracts).map((abs) => {
    const { text, tooLarge } = readLimited(abs);
    return { file: displayPath(cwd, abs), ...(text !== undefined ? { text } : { size: tooLarge }) };
  });
}

export function analyze(opts: AnalyzeOptions): Analysis {
  const { config, diagnostics: configDiags } = loadConfig(opts.cwd, opts.configPath, opts.configExplicit ?? false);
  const sources = readSources(opts.cwd, opts.contracts);
  const r = analyzeSources(sources, config);
  return { model: r.model, config, diagnostics: [...configDiags, ...r.diagnostics], files: sources.map((s) => s.file), configErrors: hasErrors(configDiags) };
}
