/**
 * Sinks: the only code that touches the output directory.
 * - write: all-or-nothing. New contents are staged inside the output directory first; only when every file is
 *   staged are they renamed into place, and a failure during that step rolls every completed rename back.
 *   Files that did not change are not touched. Stale files (in the old manifest, not in the new map) go too.
 * - check: compares the map with the disk and reports missing, changed (with the diff) and stale files as a typed
 *   report (drift.ts renders it).
 * - print: writes the map to stdout.
 * No path leaves the output directory, and no symlink inside it is followed.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync, existsSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { cmp } from '../diagnostics/diagnostic.js';
import { isSafeRelativePath, MANIFEST, parseManifest } from '../emit/emit.js';
import type { DriftEntry, DriftReport, Hunk } from './drift.js';

export class SinkError extends Error {
  override name = 'SinkError';
}

const STAGING = '.contractgen-staging';
const LOCK = '.contractgen-lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer at a time per output directory: an exclusive lock file holding the writer's pid. A lock whose
 * process is gone (a crash) is taken over; a live one is a clear error rather than two interleaved writes.
 */
export function acquireLock(root: string): () => void {
  const path = join(root, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new SinkError(`another contractgen (pid ${pid}) is writing ${root}; try again when it is done`);
      }
      rmSync(path, { force: true }); // stale: its writer is gone
    }
  }
  throw new SinkError(`cannot lock ${root}`);
}

/** Resolves `rel` under `root`, refusing anything that escapes it or passes through a symlink. */
/**
 * `dirs`: directories already found to be real directories (not symlinks) during one read-only pass, so a check
 * of thousands of files lstats each directory once. Writers pass none: the tree may change under them.
 */
export function safeJoin(root: string, rel: string, dirs?: Set<string>): string {
  if (!isSafeRelativePath(rel)) throw new SinkError(`refusing unsafe output path ${JSON.stringify(rel)}`);
  const abs = resolve(root, ...rel.split('/'));
  if (!abs.startsWith(resolve(root) + sep)) throw new SinkError(`refusing output path outside ${root}: ${rel}`);
  let cur = resolve(root);
  for (const seg of rel.split('/').slice(0, -1)) {
    cur = join(cur, seg);
    if (dirs?.has(cur)) continue;
    const st = lstatOrUndefined(cur);
    if (st?.isDirectory()) dirs?.add(cur);
    if (st?.isSymbolicLink()) throw new SinkError(`refusing to write through the symlink ${cur}`);
    if (st && !st.isDirectory()) throw new SinkError(`${cur} is in the way: it is not a directory`);
  }
  return abs;
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Reads a regular file under root; symlinks and directories read as "not a generated file". */
function readRegular(root: string, rel: string, dirs?: Set<string>): string | undefined {
  let abs: string;
  try {
    abs = safeJoin(root, rel, dirs);
  } catch {
    return undefined;
  }
  const st = lstatOrUndefined(abs);
  if (!st || !st.isFile()) return undefined;
  return readFileSync(abs, 'utf8');
}

export interface Plan {
  write: string[];
  remove: string[];
  unchanged: string[];
}

/**
 * Files an earlier run generated that the new map no longer has: every target directory in the map carries
 * its manifest, and what the manifest on disk lists beyond the new map is stale.
 */
export function staleFiles(root: string, files: ReadonlyMap<string, string>): string[] {
  const stale: string[] = [];
  for (const rel of files.keys()) {
    if (!(rel === MANIFEST || rel.endsWith(`/${MANIFEST}`))) continue;
    const dir = rel.slice(0, rel.length - MANIFEST.length);
    for (const old of parseManifest(readRegular(root, rel))) {
      const p = dir + old;
      if (!files.has(p) && readRegular(root, p) !== undefined) stale.push(p);
    }
  }
  return stale.sort(cmp);
}

export function plan(root: string, files: ReadonlyMap<string, string>): Plan {
  const write: string[] = [];
  const unchanged: string[] = [];
  for (const [rel, content] of files) {
    const abs = safeJoin(root, rel);
    const st = lstatOrUndefined(abs);
    if (st?.isFile() && readFileSync(abs, 'utf8') === content) unchanged.push(rel);
    else write.push(rel);
  }
  const remove = staleFiles(root, files);
  return { write: write.sort(cmp), remove, unchanged };
}

export interface WriteHooks {
  /** test hook: called before each staged file is written and before each commit rename */
  beforeStage?: (rel: string) => void;
  beforeCommit?: (rel: string) => void;
}

/**
 * An all-or-nothing write that is fed in batches (one target's files at a time) and keeps none of them: each
 * batch's changed files go straight to the staging folder inside the output directory, so at a few thousand
 * contracts the whole output is never in memory at once. Nothing visible changes until `commit`, which renames
 * every staged file into place (and the stale files out) with an undo log; `abort`, or a failure anywhere,
 * leaves the directory as it was. The output directory is locked from `openWrite` to `commit` or `abort`.
 */
export interface StagedWrite {
  /** Stages one batch: the files whose contents differ from the disk, and the stale files of its manifests. */
  add(files: ReadonlyMap<string, string>): void;
  /** Counts files known to be unchanged without reading them (the pipeline checked their hashes). */
  keep(paths: Iterable<string>): void;
  /**
   * A file that is not a generated file (no manifest lists it: the hashes file), written with the rest when its
   * contents differ, and not counted in the plan.
   */
  put(rel: string, content: string): void;
  /** Renames everything staged into place; returns what was written, removed and left alone. */
  commit(): Plan;
  /** Drops what was staged; the directory is as it was (an output directory it created is removed again). */
  abort(): void;
}

export function openWrite(root: string, hooks: WriteHooks = {}): StagedWrite {
  const existing = lstatOrUndefined(root);
  if (existing && !existing.isDirectory() && !existing.isSymbolicLink()) throw new SinkError(`${root} is not a directory`);
  let created: string | undefined;
  try {
    created = makeDirs(root);
  } catch (e) {
    throw new SinkError(`cannot create the output directory ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const release = acquireLock(root);
  const staging = join(root, STAGING);
  let stagingReady = false;
  /** staged files: where each goes, in staging order */
  const staged: Array<{ rel: string; counted: boolean }> = [];
  const write: string[] = [];
  const remove: string[] = [];
  const unchanged: string[] = [];
  const seen = new Set<string>();
  let open = true;

  const stage = (rel: string, content: string, counted: boolean) => {
    if (!stagingReady) {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(join(staging, 'new'), { recursive: true });
      mkdirSync(join(staging, 'old'), { recursive: true });
      stagingReady = true;
    }
    hooks.beforeStage?.(rel);
    writeFileSync(join(staging, 'new', String(staged.length)), content, { flag: 'wx' });
    staged.push({ rel, counted });
    if (counted) write.push(rel);
  };
  const differs = (rel: string, content: string) => {
    const st = lstatOrUndefined(safeJoin(root, rel));
    return !(st?.isFile() && readFileSync(safeJoin(root, rel), 'utf8') === content);
  };
  const close = (undoCreate: boolean) => {
    open = false;
    try {
      rmSync(staging, { recursive: true, force: true });
    } finally {
      release();
      if (undoCreate && created) removeCreated(root, created);
    }
  };
  const unique = (rel: string) => {
    if (!open) throw new Error('internal error: the write is already closed');
    if (seen.has(rel)) throw new Error(`internal error: ${rel} was staged twice`);
    seen.add(rel);
  };

  return {
    add(files) {
      for (const [rel, content] of files) {
        unique(rel);
        if (differs(rel, content)) stage(rel, content, true);
        else unchanged.push(rel);
      }
      remove.push(...staleFiles(root, files));
    },
    keep(paths) {
      for (const rel of paths) {
        unique(rel);
        unchanged.push(rel);
      }
    },
    put(rel, content) {
      unique(rel);
      if (differs(rel, content)) stage(rel, content, false);
    },
    commit() {
      if (!open) throw new Error('internal error: the write is already closed');
      const result: Plan = { write: write.sort(cmp), remove: [...new Set(remove)].sort(cmp), unchanged };
      try {
        if (staged.length > 0 || result.remove.length > 0) commitStaged(root, staging, staged, result.remove, hooks);
      } catch (e) {
        close(true);
        throw e;
      }
      close(false);
      return result;
    },
    abort() {
      if (open) close(true);
    },
  };
}

/** Renames the staged files into place in path order, then the stale files out; on a failure, undoes it all. */
function commitStaged(root: string, staging: string, staged: ReadonlyArray<{ rel: string }>, remove: readonly string[], hooks: WriteHooks): void {
  const order = staged.map((s, i) => ({ rel: s.rel, i })).sort((a, b) => cmp(a.rel, b.rel));
  const undo: Array<() => void> = [];
  mkdirSync(join(staging, 'old'), { recursive: true });
  try {
    for (const { rel, i } of order) {
      hooks.beforeCommit?.(rel);
      const abs = safeJoin(root, rel);
      mkdirSync(dirname(abs), { recursive: true });
      const backup = join(staging, 'old', `w${i}`);
      if (lstatOrUndefined(abs)) {
        renameSync(abs, backup);
        undo.push(() => renameSync(backup, abs));
      } else undo.push(() => unlinkSync(abs));
      renameSync(join(staging, 'new', String(i)), abs);
    }
    remove.forEach((rel, i) => {
      hooks.beforeCommit?.(rel);
      const abs = safeJoin(root, rel);
      const backup = join(staging, 'old', `r${i}`);
      renameSync(abs, backup);
      undo.push(() => renameSync(backup, abs));
    });
  } catch (e) {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch {
        /* keep undoing the rest */
      }
    }
    throw e;
  }
  for (const rel of remove) pruneEmptyDirs(root, rel);
}

/** The whole map at once: stage, then commit (or leave the directory as it was). */
export function writeSink(root: string, files: ReadonlyMap<string, string>, hooks: WriteHooks = {}): Plan {
  const w = openWrite(root, hooks);
  try {
    w.add(files);
  } catch (e) {
    w.abort();
    throw e;
  }
  return w.commit();
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync never returns under a directory that refuses new
 * entries with ENOENT (`--out /proc/x`), this fails on it. Returns the outermost directory it created, if any.
 */
function makeDirs(dir: string): string | undefined {
  if (lstatOrUndefined(dir)) return undefined;
  const parent = dirname(dir);
  const above = parent !== dir ? makeDirs(parent) : undefined;
  mkdirSync(dir);
  return above ?? dir;
}

/** Removes the directories makeDirs created for a write that did not happen, if they are still empty. */
function removeCreated(root: string, outermost: string): void {
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === resolve(outermost) || dirname(dir) === dir) return;
  }
}

function pruneEmptyDirs(root: string, rel: string) {
  const segs = rel.split('/').slice(0, -1);
  for (let n = segs.length; n > 0; n--) {
    const dir = join(root, ...segs.slice(0, n));
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
      else return;
    } catch {
      return;
    }
  }
}

/**
 * Compares the map with the disk; writes nothing. Entries come in the map's order, then the stale files: the
 * typed report that drift.ts renders.
 */
export async function checkSink(root: string, files: ReadonlyMap<string, string>): Promise<DriftReport> {
  const { structuredPatch } = await import('diff');
  const entries: DriftEntry[] = [];
  const hunks = (rel: string, from: string, to: string): Hunk[] => structuredPatch(`a/${rel}`, `b/${rel}`, from, to, '', '', { context: 3 }).hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines }));
  const dirs = new Set<string>();
  const exists = existsSync(root);
  for (const [rel, content] of files) {
    const current = exists ? readRegular(root, rel, dirs) : undefined;
    if (current === undefined) entries.push({ kind: 'missing', path: rel, hunks: hunks(rel, '', content) });
    else if (current !== content) entries.push({ kind: 'changed', path: rel, hunks: hunks(rel, current, content) });
  }
  if (exists) for (const rel of staleFiles(root, files)) entries.push({ kind: 'stale', path: rel });
  return { checked: files.size, entries };
}

export function printSink(files: ReadonlyMap<string, string>, out: (s: string) => void) {
  for (const [rel, content] of files) out(`==> ${rel} <==\n${content}\n`);
}
