/**
 * What several commands share: the flags that mean the same everywhere, reading the contracts those flags name,
 * and printing diagnostics. Light on purpose (lint loads it): the analysis is imported when it runs.
 */
import { formatDiagnostics, UsageError, type Diagnostic, type DiagnosticFormat } from '../diagnostics/diagnostic.js';
import type { Analysis } from '../analyze.js';
import { isTargetId, TARGET_IDS, type TargetId } from '../targets/capabilities.js';
import { useColor, type Io } from './io.js';

export const contractsFlag = { type: 'string', value: 'DIR|FILE', multiple: true, shownDefault: 'contracts/', help: 'contracts to read; directories are read recursively' } as const;
export const configFlag = { type: 'string', value: 'FILE', shownDefault: 'contractgen.config.yaml, if present', help: 'platform config' } as const;
export const formatFlag = { type: 'string', value: 'FORMAT', choices: ['text', 'json', 'github'], default: 'text', help: 'diagnostics as text, a JSON array on stdout, or GitHub Actions annotations' } as const;
export const verboseFlag = { type: 'boolean', help: 'also print info diagnostics (skipped targets …)' } as const;
export const targetFlag = { type: 'string', value: 'ID', multiple: true, shownDefault: 'all', help: 'only this target, and only its checks (contractgen targets lists them)' } as const;

/** The targets --target names (all when none), each checked against the target list: a usage error on an unknown one. */
export function targetIds(given: readonly string[]): TargetId[] {
  for (const id of given) if (!isTargetId(id)) throw new UsageError(`unknown target ${JSON.stringify(id)}; known: ${TARGET_IDS.join(', ')}`);
  return given.length ? TARGET_IDS.filter((id) => given.includes(id)) : [...TARGET_IDS];
}

/** How diagnostics are shown. */
export interface Shown {
  format: DiagnosticFormat;
  verbose: boolean;
}

/** Diagnostics to stderr (JSON to stdout); colour on a terminal for text. */
export function report(io: Io, diags: readonly Diagnostic[], shown: Shown): void {
  const text = formatDiagnostics(diags, shown.format, { color: useColor(io) && shown.format === 'text', verbose: shown.verbose });
  if (shown.format === 'json') io.stdout(text);
  else if (text) io.stderr(text);
}

/** The contract paths: --contracts and positional paths, else contracts/. */
export function contractPaths(flags: { contracts: readonly string[] }, positionals: readonly string[] = []): string[] {
  const paths = [...flags.contracts, ...positionals];
  return paths.length ? paths : ['contracts'];
}

/** What a command asks of the analysis besides the contracts and the config (see AnalyzeOptions). */
export interface AnalyzeWith {
  positionals?: readonly string[];
  targets?: readonly TargetId[];
  context?: boolean;
  requireContracts?: boolean;
}

/** load → validate → model (→ the targets' checks), from --contracts/--config (and positional paths, for lint). */
export async function analyzeFromFlags(io: Io, flags: { contracts: readonly string[]; config: string | undefined }, more: AnalyzeWith = {}): Promise<Analysis> {
  const { analyze } = await import('../analyze.js');
  const { positionals = [], ...rest } = more;
  return analyze({ cwd: io.cwd, contracts: contractPaths(flags, positionals), configPath: flags.config, configExplicit: flags.config !== undefined, ...rest });
}
