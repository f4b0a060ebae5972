/**
 * The back half of the pipeline: model → targets → emit, and on to a sink. Targets run one at a time; each is
 * imported, given its own templates and static files, run and emitted right before its files are handed on, so
 * only one target's output is in memory at a time and a run loads only the targets (and through them ts-morph,
 * prettier, Handlebars) it runs.
 * - generateFiles: the in-memory file map (--print, the tests);
 * - writeOutput: all or nothing into the output directory, each target's files staged on disk as it goes;
 * - checkOutput: the typed drift report of `generate --check`.
 * writeOutput and checkOutput skip a target whose inputs hash (emit/inputs.ts) is the one recorded in the hashes
 * file (sink/hashes.ts) when every file it wrote still has its recorded hash: nothing it reads has changed, so
 * it would write the same files again.
 */
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, type Analysis } from './analyze.js';
import { cmp, hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import { emitInto, sortedMap } from './emit/emit.js';
import { inputHashes, type InputSources } from './emit/inputs.js';
import { loadAssets, TEMPLATE_ROOT } from './emit/templates.js';
import { addDrift, noDrift, type DriftReport } from './sink/drift.js';
import { filesMatch, HASHES_FILE, hashesContent, hashFiles, readHashes, type HashesFile, type TargetHashes } from './sink/hashes.js';
import { checkSink, openWrite, type Plan } from './sink/sink.js';
import { loadTarget, TARGETS, type TargetInfo, type TargetLike } from './targets/registry.js';

export interface GenerateResult {
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

/** The registry entries of the targets `ids` names, in registry order; all of them when none is named. */
export function selectTargets(ids: readonly string[] | undefined): TargetInfo[] {
  if (!ids || ids.length === 0) return [...TARGETS];
  return TARGETS.filter((t) => ids.includes(t.id));
}

export interface RunOptions {
  /** where the templates/<target>/ folders are (tests) */
  templateRoot?: string;
}

export async function generateFiles(analysis: Analysis, targets: readonly TargetLike[], opts: RunOptions = {}): Promise<GenerateResult> {
  const files = new Map<string, string>();
  const diagnostics = await generateEach(
    analysis,
    targets,
    (out) => {
      for (const [k, v] of out.files) files.set(k, v);
    },
    opts,
  );
  return { files: sortedMap(files), diagnostics };
}

/** One target's emitted files (sorted) and what it reported. */
export interface TargetOutput {
  id: string;
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

/**
 * Runs the targets one at a time, in the order given, and hands each target's emitted files to `each` as soon as
 * they exist. Returns every target's diagnostics.
 */
export async function generateEach(analysis: Analysis, targets: readonly TargetLike[], each: (out: TargetOutput) => void | Promise<void>, opts: RunOptions = {}): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const t of targets) {
    const out = await runAndEmit(t, analysis, opts.templateRoot ?? TEMPLATE_ROOT);
    diagnostics.push(...out.diagnostics);
    await each(out);
  }
  return diagnostics;
}

/** One target, loaded, run and emitted; its raw outputs die with this frame, before the files are handed on. */
async function runAndEmit(t: TargetLike, analysis: Analysis, templateRoot: string): Promise<TargetOutput> {
  const target = await loadTarget(t);
  const r = target.run(analysis.model, { config: analysis.config, ...loadAssets(templateRoot, [target.id]) });
  const diagnostics = [...r.diagnostics];
  const files = new Map<string, string>();
  await emitInto(files, diagnostics, { target: target.id, files: r.files });
  return { id: target.id, files: sortedMap(files), diagnostics };
}

/** Where the output goes and what it was made from. */
export interface OutputOptions extends RunOptions {
  outDir: string;
  cwd: string;
  /** --config, as given; undefined: contractgen.config.yaml if it exists */
  configPath: string | undefined;
  /** compare every file by running every target, whatever the hashes say */
  full?: boolean;
}

function sources(analysis: Analysis, o: OutputOptions): InputSources {
  return { cwd: o.cwd, contracts: analysis.files, configFile: resolve(o.cwd, o.configPath ?? DEFAULT_CONFIG_FILE) };
}

/** The recorded hashes of the targets they still hold for: the same inputs hash, every file as it was written. */
function upToDate(targets: readonly TargetLike[], recorded: HashesFile, inputs: ReadonlyMap<string, string>, outDir: string, full: boolean): Map<string, TargetHashes> {
  const ok = new Map<string, TargetHashes>();
  if (full) return ok;
  for (const t of targets) {
    const r = recorded[t.id];
    if (r && r.inputs === inputs.get(t.id) && Object.keys(r.files).length > 0 && filesMatch(outDir, r.files)) ok.set(t.id, r);
  }
  return ok;
}

export interface CheckResult {
  report: DriftReport;
  diagnostics: Diagnostic[];
  /** the targets that ran (the others were answered from the hashes file) */
  ran: string[];
}

/** `generate --check`: each target's files compared with the disk, in path order, one target at a time; writes nothing. */
export async function checkOutput(analysis: Analysis, targets: readonly TargetLike[], o: OutputOptions): Promise<CheckResult> {
  const sorted = [...targets].sort((x, y) => cmp(x.id, y.id));
  const inputs = inputHashes(
    sorted.map((t) => t.id),
    sources(analysis, o),
    o.templateRoot,
  );
  const recorded = readHashes(o.outDir);
  const skip = upToDate(sorted, recorded, inputs, o.outDir, o.full ?? false);
  const report = noDrift();
  const ran: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const t of sorted) {
    const r = skip.get(t.id);
    if (r) {
      report.checked += Object.keys(r.files).length;
      diagnostics.push(...r.diagnostics);
      continue;
    }
    ran.push(t.id);
    diagnostics.push(...(await generateEach(analysis, [t], async (out) => addDrift(report, await checkSink(o.outDir, out.files)), o)));
  }
  return { report, diagnostics, ran };
}

export interface WriteResult {
  /** undefined when a target failed: nothing was written */
  plan: Plan | undefined;
  diagnostics: Diagnostic[];
  ran: string[];
}

/**
 * `generate`: every target's files, staged on disk as each target finishes and committed all together, or nothing
 * when any target reports an error. The hashes file is committed with them.
 */
export async function writeOutput(analysis: Analysis, targets: readonly TargetLike[], o: OutputOptions): Promise<WriteResult> {
  const w = openWrite(o.outDir);
  try {
    const inputs = inputHashes(
      targets.map((t) => t.id),
      sources(analysis, o),
      o.templateRoot,
    );
    const recorded = readHashes(o.outDir);
    const skip = upToDate(targets, recorded, inputs, o.outDir, o.full ?? false);
    const next: HashesFile = { ...recorded };
    const ran: string[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const t of targets) {
      const r = skip.get(t.id);
      if (r) {
        w.keep(Object.keys(r.files));
        diagnostics.push(...r.diagnostics);
        continue;
      }
      ran.push(t.id);
      const mine = await generateEach(
        analysis,
        [t],
        (out) => {
          next[out.id] = { inputs: inputs.get(out.id)!, files: hashFiles(out.files), diagnostics: out.diagnostics };
          w.add(out.files);
        },
        o,
      );
      diagnostics.push(...mine);
    }
    if (hasErrors(diagnostics)) {
      w.abort();
      return { plan: undefined, diagnostics, ran };
    }
    w.put(HASHES_FILE, hashesContent(next));
    return { plan: w.commit(), diagnostics, ran };
  } catch (e) {
    w.abort();
    throw e;
  }
}
