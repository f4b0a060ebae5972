/**
 * The bins start the CLI from one file when the build made it: dist/cli/run.bundle.cjs, every module of the CLI
 * bundled into one CommonJS file, run with V8's code cache (load/commonjs.ts), which postbuild makes after a
 * `contractgen lint` of the repository's contracts. Node 20 reads each ES module through its thread pool and
 * compiles it on every start; forty small modules cost a cold `lint` more than its work does. The packages stay
 * outside the bundle, each loaded only when the code that needs it runs, as from the modules.
 * CONTRACTGEN_NO_BUNDLE=1, or no bundle (running from source), starts the CLI from its modules instead.
 */
import { fileURLToPath } from 'node:url';
import { runCommonJsCached } from '../load/commonjs.js';

export const BUNDLE_FILE = fileURLToPath(new URL('./run.bundle.cjs', import.meta.url));

/** What the bundle exports: the process wiring, and main() for the build's warm-up run. */
export interface CliEntry {
  runProcess(argv: readonly string[]): Promise<void>;
}

export async function loadCli(env: NodeJS.ProcessEnv = process.env): Promise<CliEntry> {
  const bundled = env.CONTRACTGEN_NO_BUNDLE ? undefined : runCommonJsCached(BUNDLE_FILE);
  return bundled ? (bundled.exports as CliEntry) : import('./run.js');
}
