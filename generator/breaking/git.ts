/**
 * Reads the old side of `contractgen breaking --against <ref>` straight from git, without a checkout:
 * `git ls-tree` lists the contract files at the revision and `git show <ref>:<path>` reads each.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ContractSource } from '../analyze.js';
import { cmp, UsageError } from '../diagnostics/diagnostic.js';
import { CONTRACT_EXTENSIONS, MAX_CONTRACT_BYTES } from '../load/files.js';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** git's own complaint, one line: what a user needs when a read at a revision fails. */
function gitMessage(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  const line = String(err.stderr ?? '').split('\n').find((l) => l.trim()) ?? String(err.message ?? e).split('\n')[0]!;
  return line.replace(/^(fatal|error): /, '');
}

export function isGitRef(cwd: string, ref: string): boolean {
  if (ref.startsWith('-')) return false;
  try {
    git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

export interface GitSide {
  sources: ContractSource[];
  /** the config file's text at the revision, if it has one */
  config?: { file: string; text: string };
}

/** The contracts under `paths` (relative to cwd) as they were at `ref`; display names are `<ref>:<repo path>`. */
export function readGitSide(cwd: string, ref: string, paths: readonly string[], configPath: string): GitSide {
  let top: string;
  try {
    top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new UsageError(`--against ${ref}: not a directory or file, and ${cwd} is not inside a git repository`);
  }
  // git gives the top level with symlinks resolved; so must the paths be
  const real = (abs: string) => (existsSync(abs) ? realpathSync(abs) : abs);
  const rel = (p: string) => relative(top, real(resolve(cwd, p)));
  const inside = (r: string) => !isAbsolute(r) && r !== '..' && !r.startsWith(`..${sep}`);
  const repoPath = (p: string) => rel(p).split(sep).join('/');
  const read = (what: string, args: string[]) => {
    try {
      return git(top, args);
    } catch (e) {
      throw new UsageError(`--against ${ref}: cannot read ${what}: ${gitMessage(e)}`);
    }
  };
  const files = new Set<string>();
  for (const p of paths) {
    if (!inside(rel(p))) throw new UsageError(`--against ${ref}: the contracts ${p} are outside the git repository ${top}, so git has no older version of them; compare against a directory or file instead`);
    const rp = repoPath(p);
    const listed = read(`${p} at ${ref}`, ['ls-tree', '-r', '-z', '--name-only', ref, '--', rp || '.']).split('\0').filter(Boolean);
    for (const f of listed) if (CONTRACT_EXTENSIONS.some((x) => f.endsWith(x)) && !f.split('/').some((seg) => seg.startsWith('.'))) files.add(f);
  }
  const sources = [...files].sort(cmp).map((f): ContractSource => {
    const size = Number(read(`${ref}:${f}`, ['cat-file', '-s', `${ref}:${f}`]).trim());
    if (size > MAX_CONTRACT_BYTES) return { file: `${ref}:${f}`, size };
    return { file: `${ref}:${f}`, text: read(`${ref}:${f}`, ['show', `${ref}:${f}`]) };
  });
  // the config at the revision, if it has one (a config outside the repository has none: the current one applies)
  let config: GitSide['config'];
  if (inside(rel(configPath))) {
    const cp = repoPath(configPath);
    try {
      config = { file: `${ref}:${cp}`, text: git(top, ['show', `${ref}:${cp}`]) };
    } catch {
      config = undefined;
    }
  }
  return { sources, ...(config ? { config } : {}) };
}
