/**
 * Runs a CommonJS file the way require() would, with V8's code cache for it when one is given: the compiled
 * functions come from the cache instead of being parsed and compiled again. The build makes such caches for its
 * standalone validators (validate/compiled.ts) and for the bundled CLI (cli/bundle.ts). V8 refuses a cache made
 * by another V8 version or for other source text, and then compiles as usual: nothing depends on it but speed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export const cacheFileOf = (file: string) => `${file}.cache`;

export interface CommonJsRun {
  /** what the file exported */
  exports: unknown;
  /** the compiled script: `createCachedData()` after a run gives a cache with the functions that ran */
  script: Script;
  /** whether V8 took the code cache */
  cache: 'accepted' | 'rejected' | 'none';
}

export function runCommonJs(file: string, cachedData?: Buffer): CommonJsRun {
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted' };
}

/** Runs `file` with its cache file when there is one; undefined when the file itself does not exist. */
export function runCommonJsCached(file: string): CommonJsRun | undefined {
  let cache: Buffer | undefined;
  try {
    cache = readFileSync(cacheFileOf(file));
  } catch {
    cache = undefined;
  }
  try {
    return runCommonJs(file, cache);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && (e as NodeJS.ErrnoException).path === file) return undefined;
    throw e;
  }
}
