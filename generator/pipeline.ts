/**
 * The back half of the pipeline: model → targets → emit. Returns the in-memory file map that every sink
 * consumes; nothing here touches the disk except loading the templates before the targets run.
 */
import type { Analysis } from './analyze.js';
import type { Diagnostic } from './diagnostics.js';
import { emit, type EmitInput } from './emit/emit.js';
import { loadTemplates } from './emit/templates.js';
import { TARGETS } from './targets/registry.js';
import type { Target, Templates } from './targets/target.js';

export interface GenerateResult {
  files: Map<string, string>;
  diagnostics: Diagnostic[];
}

export function selectTargets(ids: readonly string[] | undefined): Target[] {
  if (!ids || ids.length === 0) return [...TARGETS];
  return TARGETS.filter((t) => ids.includes(t.id));
}

export async function generateFiles(analysis: Analysis, targets: readonly Target[], templates: Templates = loadTemplates()): Promise<GenerateResult> {
  const diagnostics: Diagnostic[] = [];
  const inputs: EmitInput[] = [];
  for (const t of targets) {
    const r = t.run(analysis.model, { config: analysis.config, template: templates });
    diagnostics.push(...r.diagnostics);
    inputs.push({ target: t.id, files: r.files });
  }
  const emitted = await emit(inputs);
  return { files: emitted.files, diagnostics: [...diagnostics, ...emitted.diagnostics] };
}
