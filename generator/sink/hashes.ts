/**
 * The hashes file, `<out>/.contractgen-hashes.json`: for each target, the hash of everything its output was made
 * from (the inputs hash, emit/inputs.ts) and the SHA-256 of every file it wrote, its manifest included. `generate`
 * writes it with the files, in the same all-or-nothing commit; `generate --check` (and `generate`) trust a
 * target's files without running it when its inputs hash is the current one and every file on disk still has its
 * recorded hash, and report the diagnostics the target gave when it ran (a skipped dataset, a quality rule with no
 * GX form), so the answer reads the same either way. It is a cache, not a generated file: no manifest lists it and
 * --check never compares it, so a stale or missing one only means the target runs and its files are compared in
 * full.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { cmp, diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { isRuleId } from '../diagnostics/rules.js';
import { isSafeRelativePath } from '../emit/emit.js';
import { safeJoin } from './sink.js';

export const HASHES_FILE = '.contractgen-hashes.json';

export interface TargetHashes {
  /** the inputs hash the target's files were generated from */
  inputs: string;
  /** path under the output directory → SHA-256 of the file's contents (hex) */
  files: Record<string, string>;
  /** what the target reported when it ran (warnings and info: a target with an error writes nothing) */
  diagnostics: Diagnostic[];
}

export type HashesFile = Record<string, TargetHashes>;

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** The hashes of one target's emitted files (its manifest included). */
export function hashFiles(files: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rel, content] of files) out[rel] = sha256(content);
  return out;
}

const HEX = /^[0-9a-f]{64}$/;

/** Reads the hashes file; anything missing, unreadable or malformed reads as no entry (the targets then run). */
export function readHashes(root: string): HashesFile {
  let text: string;
  try {
    const abs = safeJoin(root, HASHES_FILE);
    if (!lstatSync(abs).isFile()) return {};
    text = readFileSync(abs, 'utf8');
  } catch {
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  const targets = isObj(raw) && isObj(raw.targets) ? raw.targets : {};
  const out: HashesFile = {};
  for (const [id, entry] of Object.entries(targets)) {
    if (!isObj(entry) || typeof entry.inputs !== 'string' || !isObj(entry.files)) continue;
    const files: Record<string, string> = {};
    let sound = true;
    for (const [rel, h] of Object.entries(entry.files)) {
      if (!isSafeRelativePath(rel) || typeof h !== 'string' || !HEX.test(h)) sound = false;
      else files[rel] = h;
    }
    const diagnostics = Array.isArray(entry.diagnostics) ? entry.diagnostics.map(readDiagnostic) : [undefined];
    if (sound && diagnostics.every((d) => d !== undefined)) out[id] = { inputs: entry.inputs, files, diagnostics: diagnostics as Diagnostic[] };
  }
  return out;
}

/** A recorded diagnostic, its severity taken from the registry again; undefined if it is not one. */
function readDiagnostic(d: unknown): Diagnostic | undefined {
  if (!isObj(d) || typeof d.rule !== 'string' || !isRuleId(d.rule) || typeof d.file !== 'string' || typeof d.message !== 'string') return undefined;
  if (!Number.isInteger(d.line) || !Number.isInteger(d.col)) return undefined;
  return diagnostic(d.rule, { file: d.file, line: d.line as number, col: d.col as number }, d.message);
}

/** The file's text: targets and paths sorted, diagnostics as recorded, so the same hashes give the same bytes. */
export function hashesContent(h: HashesFile): string {
  const targets: Record<string, { inputs: string; files: Record<string, string>; diagnostics: Array<Omit<Diagnostic, 'severity'>> }> = {};
  for (const id of Object.keys(h).sort(cmp)) {
    const t = h[id]!;
    const files: Record<string, string> = {};
    for (const rel of Object.keys(t.files).sort(cmp)) files[rel] = t.files[rel]!;
    targets[id] = { inputs: t.inputs, files, diagnostics: t.diagnostics.map((d) => ({ rule: d.rule, file: d.file, line: d.line, col: d.col, message: d.message })) };
  }
  return `${JSON.stringify({ generator: 'contractgen', note: 'a cache of what generate wrote: see docs/decisions.md#the-hashes-file', targets }, null, 1)}\n`;
}

/**
 * True when every recorded file is a regular file under root with its recorded hash. Reads each file once; stops
 * at the first that differs.
 */
export function filesMatch(root: string, files: Readonly<Record<string, string>>): boolean {
  const dirs = new Set<string>();
  for (const [rel, h] of Object.entries(files)) {
    let text: Buffer;
    try {
      const abs = safeJoin(root, rel, dirs);
      if (!lstatSync(abs).isFile()) return false;
      text = readFileSync(abs);
    } catch {
      return false;
    }
    if (sha256(text) !== h) return false;
  }
  return true;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
