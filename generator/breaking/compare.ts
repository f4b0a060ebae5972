/**
 * The comparison behind `contractgen breaking` and `contractgen changelog`: the older sides (a git revision read
 * without a checkout, or a directory or file), the newest of them diffed against the current contracts with the
 * rest as history for the *_TRANSITIVE levels, and each dataset's versions for the changelog. Returns typed
 * values; the commands print them (format.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeSources, loadConfigText, readSources, type Analysis } from '../analyze.js';
import type { PlatformConfig } from '../config/config.js';
import { diagnostic, hasErrors, UsageError, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/ir.js';
import { diffModels, type Change } from './diff.js';
import { isGitRef, readGitSide } from './git.js';

/** One older version of the contracts. */
export interface OldSide {
  /** the --against value: a revision, directory or file */
  label: string;
  model: Model;
  config: PlatformConfig;
  diagnostics: Diagnostic[];
}

/** A dataset's contract version before and after, and its current contract file (absent on a removed dataset). */
export interface DatasetVersions {
  from?: string;
  to?: string;
  file?: string;
}

export interface Comparison {
  /** the side compared against: the first --against */
  against: string;
  changes: Change[];
  /** errors in the older contracts, as warnings: they do not fail the comparison */
  oldProblems: Diagnostic[];
  /** per dataset name */
  versions: Map<string, DatasetVersions>;
}

export interface CompareOptions {
  cwd: string;
  /** the current contracts, analyzed without errors */
  now: Analysis;
  /** the --against values, newest first */
  against: readonly string[];
  /** the contract paths the current side was read from (relative to cwd): the same paths are read at a revision */
  paths: readonly string[];
  /** the config file read at a revision */
  configPath: string;
}

/** An older side: a directory or file if one exists at that path, else a git revision. */
export function readOldSide(o: Omit<CompareOptions, 'against'>, against: string): OldSide {
  if (existsSync(resolve(o.cwd, against))) return { label: against, ...analyzeSources(readSources(o.cwd, [against]), o.now.config), config: o.now.config };
  if (!isGitRef(o.cwd, against)) throw new UsageError(`--against ${against}: neither a file or directory nor a git revision`);
  const side = readGitSide(o.cwd, against, o.paths, o.configPath);
  const cfg = side.config ? loadConfigText(side.config.file, side.config.text) : { config: o.now.config, diagnostics: [] };
  const config = hasErrors(cfg.diagnostics) ? o.now.config : cfg.config;
  return { label: against, ...analyzeSources(side.sources, config), config };
}

export function compareContracts(o: CompareOptions): Comparison {
  if (o.against.length === 0) throw new UsageError('nothing to compare against');
  const olds = o.against.map((a) => readOldSide(o, a));
  const oldProblems = olds.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => diagnostic('OLD_CONTRACT_INVALID', d, `(old contracts) ${d.rule}: ${d.message}`)));
  const [first, ...history] = olds as [OldSide, ...OldSide[]];
  const now = o.now;
  const changes = diffModels({ model: first.model, config: first.config }, { model: now.model, config: now.config }, { history: history.map((h) => ({ model: h.model, config: h.config })), disabled: now.config.breaking.disabled });
  const versions = new Map<string, DatasetVersions>();
  for (const d of first.model.datasets) versions.set(d.name, { from: d.contract.version });
  for (const d of now.model.datasets) versions.set(d.name, { ...versions.get(d.name), to: d.contract.version, file: d.contract.file });
  return { against: first.label, changes, oldProblems, versions };
}
