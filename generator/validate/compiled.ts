/**
 * The validators compiled at build time (generator/build/postbuild.ts): standalone CommonJS code in
 * dist/validate/compiled/<kind>.cjs, run with V8's code cache beside it (<kind>.cjs.cache, load/commonjs.ts). The
 * cache is made after the validator has checked sample contracts, so it holds the compiled functions a contract
 * exercises, not just the top level: the ODCS validator is 330 KB of code that V8 would otherwise compile function
 * by function on the first contract of every `contractgen lint`.
 */
import { fileURLToPath } from 'node:url';
import { runCommonJsCached, type CommonJsRun } from '../load/commonjs.js';

/** `../validate/compiled/` resolves the same from dist/validate/ and from the bundled CLI in dist/cli/. */
export const COMPILED_DIR = fileURLToPath(new URL('../validate/compiled/', import.meta.url));

/** The build's validator for a schema kind, or undefined when there is no build output (running from source). */
export function loadCompiled(kind: string): CommonJsRun | undefined {
  return runCommonJsCached(`${COMPILED_DIR}${kind}.cjs`);
}
