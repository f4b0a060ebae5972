/** What `breaking` and `changelog` share: their common flags, and the comparison run from them (breaking/compare.ts). */
import type { Comparison } from '../breaking/compare.js';
import { hasErrors, UsageError } from '../diagnostics/diagnostic.js';
import { analyzeFromFlags, configFlag, contractPaths, contractsFlag, formatFlag, report, verboseFlag, type Shown } from './common.js';
import type { Io } from './io.js';

export const againstFlag = {
  type: 'string',
  value: 'REF|DIR|FILE',
  multiple: true,
  help: 'the older contracts: a git revision (read without a checkout, its config too), or a directory or file; repeat it with older versions, newest first, for the *_TRANSITIVE levels',
} as const;

export const compareFlags = { against: againstFlag, contracts: contractsFlag, config: configFlag, format: formatFlag, verbose: verboseFlag } as const;

interface CompareFlags extends Shown {
  against: string[];
  contracts: string[];
  config: string | undefined;
}

/** The comparison, or the exit code when the current contracts cannot be compared (after reporting why). */
export async function compareFromFlags(command: string, io: Io, flags: CompareFlags): Promise<Comparison | number> {
  if (flags.against.length === 0) throw new UsageError(`${command} needs --against <git revision | directory | file>`);
  const now = await analyzeFromFlags(io, flags);
  if (now.configErrors) {
    report(io, now.diagnostics, flags);
    return 2;
  }
  if (hasErrors(now.diagnostics)) {
    report(io, now.diagnostics, flags);
    if (flags.format === 'text') io.stderr(`contractgen: the current contracts have errors; fix them before comparing\n`);
    return 1;
  }
  const { compareContracts } = await import('../breaking/compare.js');
  const c = compareContracts({ cwd: io.cwd, now, against: flags.against, paths: contractPaths(flags), configPath: flags.config ?? 'contractgen.config.yaml' });
  // problems of the old contracts are reported, but they do not fail the comparison
  if (c.oldProblems.length) report(io, c.oldProblems, flags);
  return c;
}
