/**
 * The back half of the pipeline: model → targets → emit. Returns the in-memory file map that every sink
 * consumes; nothing here touches the disk except loading the templates and static files before the targets run.
 */
import type { Analysis } from './analyze.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { emitInto, sortedMap } from './emit/emit.js';
import { loadAssets, type TargetAssets } from './emit/templates.js';
import { TARGETS } from './targets/registry.js';
import type { Target } from './targets/target.js';

export interface GenerateResult {
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

export function selectTargets(ids: readonly string[] | undefined): Target[] {
  if (!ids || ids.length === 0) return [...TARGETS];
  return TARGETS.filter((t) => ids.includes(t.id));
}

export async function generateFiles(analysis: Analysis, targets: readonly Target[], assets: TargetAssets = loadAssets()): Promise<GenerateResult> {
  const files = new Map<string, string>();
  const diagnostics = await generateEach(
    analysis,
    targets,
    (mine) => {
      for (const [k, v] of mine) files.set(k, v);
    },
    assets,
  );
  return { files: sortedMap(files), diagnostics };
}

/**
 * Runs the targets one at a time, in the order given, and hands each target's emitted files (sorted) to `each`
 * as soon as they exist. generateFiles collects them into the one map; `generate --check` compares each
 * target's files and lets them go, so at a few thousand contracts only one target's output is in memory.
 */
export async function generateEach(
  analysis: Analysis,
  targets: readonly Target[],
  each: (files: Map<string, string>) => void | Promise<void>,
  assets: TargetAssets = loadAssets(),
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const t of targets) await each(await runAndEmit(t, analysis, assets, diagnostics));
  return diagnostics;
}

/** One target, run and emitted; its raw outputs die with this frame, before the files are handed on. */
async function runAndEmit(t: Target, analysis: Analysis, assets: TargetAssets, diagnostics: Diagnostic[]): Promise<Map<string, string>> {
  const r = t.run(analysis.model, { config: analysis.config, ...assets });
  diagnostics.push(...r.diagnostics);
  const files = new Map<string, string>();
  await emitInto(files, diagnostics, { target: t.id, files: r.files });
  return sortedMap(files);
}
