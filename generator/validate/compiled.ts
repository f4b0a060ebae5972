/**
 * The validators compiled at build time (generator/build/postbuild.ts): standalone CommonJS code in
 * dist/validate/compiled/<kind>.cjs, with V8's code cache for it beside it (<kind>.cjs.cache). The cache is made
 * after the validator has checked sample contracts, so it holds the compiled functions a contract exercises, not
 * just the top level: the ODCS validator is 330 KB of code that V8 would otherwise compile function by function on
 * the first contract of every `contractgen lint`. V8 refuses a cache made by another V8 version or for other
 * source text (then the code is compiled as usual): nothing depends on it but speed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export const COMPILED_DIR = fileURLToPath(new URL('./compiled/', import.meta.url));

export const cacheFileOf = (file: string) => `${file}.cache`;

export interface CompiledScript {
  /** what the module exported */
  exports: unknown;
  script: Script;
  /** whether V8 took the code cache */
  cache: 'accepted' | 'rejected' | 'none';
}

/** Runs a CommonJS file the way require() would, compiled with `cachedData` when given. */
export function runCommonJs(file: string, cachedData?: Buffer): CompiledScript {
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted' };
}

/** The build's validator for a schema kind, or undefined when there is no build output (running from source). */
export function loadCompiled(kind: string): CompiledScript | undefined {
  const file = `${COMPILED_DIR}${kind}.cjs`;
  let cache: Buffer | undefined;
  try {
    cache = readFileSync(cacheFileOf(file));
  } catch {
    cache = undefined;
  }
  try {
    return runCommonJs(file, cache);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
