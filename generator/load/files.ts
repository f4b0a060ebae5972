/** Finds contract files and reads them with a size limit. Paths are reported relative to cwd, with '/'. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { cmp, UsageError } from '../diagnostics/diagnostic.js';

export const CONTRACT_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Largest contract file contractgen reads: far above any real contract, far below what hurts. */
export const MAX_CONTRACT_BYTES = 4 * 1024 * 1024;

export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return (rel === '' ? '.' : rel.startsWith('..') ? abs : rel).split(sep).join('/');
}

/** Expands files and directories (recursively, sorted byte-wise) into contract files. */
export function discover(cwd: string, inputs: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && CONTRACT_EXTENSIONS.some((x) => e.name.endsWith(x))) out.add(p);
    }
  };
  for (const input of inputs) {
    const abs = resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new UsageError(`no such file or directory: ${input}`);
    }
    if (st.isDirectory()) walk(abs);
    else if (st.isFile()) out.add(abs);
    // a FIFO or a device would block the read, or never end
    else throw new UsageError(`not a file or directory: ${input}`);
  }
  return [...out].sort(cmp);
}

export function readLimited(abs: string): { text?: string; tooLarge?: number } {
  const size = statSync(abs).size;
  if (size > MAX_CONTRACT_BYTES) return { tooLarge: size };
  return { text: readFileSync(abs, 'utf8') };
}
