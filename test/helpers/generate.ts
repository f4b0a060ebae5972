/** In-memory generation from a contracts directory, as `generate` does it, for tests. */
import { analyze, type Analysis } from '../../generator/analyze.js';
import { generateFiles, selectTargets } from '../../generator/pipeline.js';
import { ROOT } from './reference.js';

export async function generateFrom(contracts: string[] = ['contracts'], cwd = ROOT, targets?: string[]): Promise<{ analysis: Analysis; files: Map<string, string> }> {
  const analysis = analyze({ cwd, contracts });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`contracts have errors: ${JSON.stringify(errors, null, 1)}`);
  const { files, diagnostics } = await generateFiles(analysis, selectTargets(targets));
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(diagnostics));
  return { analysis, files };
}
