/**
 * Reads the old side of `contractgen breaking --against <ref>` straight from git, without a checkout:
 * `git ls-tree` lists the contract files at the revision and `git show <ref>:<path>` reads each.
 */
import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import type { ContractSource } from '../analyze.js';
import { cmp, UsageError } from '../diagnostics/diagnostic.js';
import { CONTRACT_EXTENSIONS, MAX_CONTRACT_BYTES } from '../load/files.js';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const repoPath = (p: string) => relative(top, resolve(cwd, p)).split(sep).join('/');
  const files = new Set<string>();
  for (const p of paths) {
    const rp = repoPath(p);
    const listed = git(top, ['ls-tree', '-r', '-z', '--name-only', ref, '--', rp || '.']).split('\0').filter(Boolean);
    for (const f of listed) if (CONTRACT_EXTENSIONS.some((x) => f.endsWith(x)) && !f.split('/').some((seg) => seg.startsWith('.'))) files.add(f);
  }
  const sources = [...files].sort(cmp).map((f): ContractSource => {
    const size = Number(git(top, ['cat-file', '-s', `${ref}:${f}`]).trim());
    if (size > MAX_CONTRACT_BYTES) return { file: `${ref}:${f}`, size };
    return { file: `${ref}:${f}`, text: git(top, ['show', `${ref}:${f}`]) };
  });
  const cp = repoPath(configPath);
  let config: GitSide['config'];
  try {
    config = { file: `${ref}:${cp}`, text: git(top, ['show', `${ref}:${cp}`]) };
  } catch {
    config = undefined;
  }
  return { sources, ...(config ? { config } : {}) };
}
