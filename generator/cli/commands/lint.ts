/** `contractgen lint`: validate contracts without generating. The pre-commit path: it loads nothing heavy. */
import { hasErrors, summary } from '../../diagnostics/diagnostic.js';
import { defineCommand } from '../command.js';
import { analyzeFromFlags, configFlag, contractsFlag, formatFlag, report, targetFlag, targetIds, verboseFlag } from '../common.js';

export const lint = defineCommand({
  name: 'lint',
  summary: 'Validate contracts (schema, semantic rules, every target\'s checks) without generating. The pre-commit entry point.',
  description: `Loads, validates and models the contracts (YAML, the ODCS or DCS schema, extensions, semantic rules
across all contracts, and what each target can represent) and reports every problem at once with its file, line,
column and rule ID: every diagnostic generate would report. --target scopes the target checks as it scopes
generate. A file given by name is read with the other contracts of its contracts directory (contracts/, or the
files beside it), so relationships resolve; only the files given are reported on. Generates nothing and loads
no target, template engine or formatter. Exits 1 on any error, 2 on a config error or when no contract is found.`,
  positionals: { name: 'PATH', help: 'contract files or directories, as --contracts (default: contracts/)' },
  flags: { contracts: contractsFlag, config: configFlag, target: targetFlag, format: formatFlag, verbose: verboseFlag },
  examples: [
    ['contractgen lint', 'validate every contract under contracts/'],
    ['contractgen lint contracts/users.odcs.yaml --format github', 'one file, as GitHub Actions annotations'],
    ['contractgen lint --target postgres --target quality', 'only those targets\' checks'],
  ],
  async run({ flags, positionals }, io) {
    const targets = targetIds(flags.target);
    const a = await analyzeFromFlags(io, flags, { positionals, targets, context: true, requireContracts: true });
    report(io, a.diagnostics, flags);
    if (a.configErrors) return 2;
    if (hasErrors(a.diagnostics)) {
      if (flags.format === 'text') io.stderr(`contractgen: ${summary(a.diagnostics)} in ${a.files.length} contract file(s)\n`);
      return 1;
    }
    const given = new Set(a.files);
    const datasets = a.model.datasets.filter((ds) => given.has(ds.contract.file)).length;
    if (flags.format === 'text') io.stderr(`contractgen: ${a.files.length} contract file(s), ${datasets} dataset(s): ${summary(a.diagnostics)}\n`);
    return 0;
  },
});
