/** `contractgen generate` (and `npx generate`): every artifact, written all or nothing, checked, or printed. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { hasErrors, summary, UsageError, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { displayPath } from '../../load/files.js';
import { defineCommand } from '../command.js';
import { analyzeFromFlags, configFlag, contractsFlag, formatFlag, report, targetFlag, targetIds, verboseFlag } from '../common.js';

export const generate = defineCommand({
  name: 'generate',
  summary: 'Build every artifact from the contracts and write it to the output directory (all or nothing).',
  description: `Loads, validates and models the contracts, runs the targets and writes every file under the output
directory: nothing if any contract has an error; staged, then renamed into place, a failure rolling back what was
done. Unchanged files are not touched; files an earlier run generated that are no longer produced are removed.
--check writes nothing: it reports missing, changed and stale files with a unified diff on stdout and exits 1 on
drift. --print writes the files to stdout instead. A target whose inputs (contracts, config, templates, the
generator) and files are unchanged since it wrote them, by the hashes in <out>/.contractgen-hashes.json, is not
run again; --full runs every target.`,
  flags: {
    contracts: contractsFlag,
    config: configFlag,
    out: { type: 'string', value: 'DIR', default: 'generated', help: 'output directory' },
    target: targetFlag,
    check: { type: 'boolean', help: 'compare with the output directory instead of writing; exit 1 on drift' },
    print: { type: 'boolean', help: 'print every file to stdout instead of writing' },
    full: { type: 'boolean', help: 'run every target and compare every file, even where the hashes file says nothing changed' },
    format: formatFlag,
    verbose: verboseFlag,
  },
  examples: [
    ['contractgen generate', 'generate everything into generated/ (npx generate does the same)'],
    ['contractgen generate --check', 'in CI: fail when generated/ is out of date with the contracts'],
    ['contractgen generate --target postgres --print', "print one target's files without writing"],
  ],
  async run({ flags }, io) {
    if (flags.check && flags.print) throw new UsageError('--check and --print cannot be combined');
    const targets = targetIds(flags.target);
    const [pipeline, sink, drift] = await Promise.all([import('../../pipeline.js'), import('../../sink/sink.js'), import('../../sink/drift.js')]);
    const outDir = resolve(io.cwd, flags.out);
    if (!flags.print && isNonDirectory(outDir)) throw new UsageError(`--out ${flags.out}: not a directory`);
    // the targets' checks run with the analysis: an error there means no target runs, as for a contract error
    const a = await analyzeFromFlags(io, flags, { targets, requireContracts: true });
    if (a.configErrors) {
      report(io, a.diagnostics, flags);
      return 2;
    }
    if (hasErrors(a.diagnostics)) {
      report(io, a.diagnostics, flags);
      if (flags.format === 'text') io.stderr(`contractgen: ${summary(a.diagnostics)}; nothing was written\n`);
      return 1;
    }
    const shownOut = displayPath(io.cwd, outDir);
    /** reports the diagnostics; true when the targets failed */
    const failed = (diagnostics: Diagnostic[]) => {
      const diags = [...a.diagnostics, ...diagnostics];
      report(io, diags, flags);
      if (!hasErrors(diagnostics)) return false;
      if (flags.format === 'text') io.stderr(`contractgen: ${summary(diags)}; nothing was written\n`);
      return true;
    };
    const run = { outDir, cwd: io.cwd, configPath: flags.config, full: flags.full };
    if (flags.check) {
      // target by target, in path order: each target's files are compared and let go; a target whose recorded
      // hashes still hold is not run (pipeline.checkOutput)
      const c = await pipeline.checkOutput(a, pipeline.selectTargets(targets), run);
      if (failed(c.diagnostics)) return 1;
      const shown = drift.renderDrift(c.report, shownOut);
      if (drift.isClean(c.report)) {
        if (flags.format === 'text') io.stderr(shown.stderr);
        return 0;
      }
      io.stdout(shown.stdout);
      io.stderr(shown.stderr);
      return 1;
    }
    if (flags.print) {
      const g = await pipeline.generateFiles(a, pipeline.selectTargets(targets));
      if (failed(g.diagnostics)) return 1;
      sink.printSink(g.files, io.stdout);
      return 0;
    }
    const w = await pipeline.writeOutput(a, pipeline.selectTargets(targets), run);
    if (failed(w.diagnostics) || !w.plan) return 1;
    const p = w.plan;
    if (flags.format === 'text') io.stderr(`contractgen: ${shownOut}/: ${p.write.length} written, ${p.unchanged.length} unchanged, ${p.remove.length} removed\n`);
    return 0;
  },
});

/** Something other than a directory is in the output directory's place. */
function isNonDirectory(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}
