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

export function writeSink(root: string, files: ReadonlyMap<string, string>, hooks: WriteHooks = {}): Plan {
  const existing = lstatOrUndefined(root);
  if (existing && !existing.isDirectory() && !existing.isSymbolicLink()) throw new SinkError(`${root} is not a directory`);
  try {
    makeDirs(root);
  } catch (e) {
    throw new SinkError(`cannot create the output directory ${root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const release = acquireLock(root);
  try {
    return writeLocked(root, files, hooks);
  } finally {
    release();
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync never returns under a directory that refuses new
 * entries with ENOENT (`--out /proc/x`), this fails on it.
 */
function makeDirs(dir: string): void {
  if (lstatOrUndefined(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  mkdirSync(dir);
}

function writeLocked(root: string, files: ReadonlyMap<string, string>, hooks: WriteHooks): Plan {
  const p = plan(root, files);
  if (p.write.length === 0 && p.remove.length === 0) return p;
  const staging = join(root, STAGING);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'new'), { recursive: true });
  mkdirSync(join(staging, 'old'), { recursive: true });
  try {
    // 1. stage: nothing visible has changed if this fails
    p.write.forEach((rel, i) => {
      hooks.beforeStage?.(rel);
      writeFileSync(join(staging, 'new', String(i)), files.get(rel)!, { flag: 'wx' });
    });
    // 2. commit, with an undo log
    const undo: Array<() => void> = [];
    try {
      p.write.forEach((rel, i) => {
        hooks.beforeCommit?.(rel);
        const abs = safeJoin(root, rel);
        mkdirSync(dirname(abs), { recursive: true });
        const backup = join(staging, 'old', `w${i}`);
        if (lstatOrUndefined(abs)) {
          renameSync(abs, backup);
          undo.push(() => renameSync(backup, abs));
        } else undo.push(() => unlinkSync(abs));
        renameSync(join(staging, 'new', String(i)), abs);
      });
      p.remove.forEach((rel, i) => {
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
    for (const rel of p.remove) pruneEmptyDirs(root, rel);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return p;
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
