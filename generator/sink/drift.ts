/**
 * What `generate --check` finds, as a value: one entry per file that is missing, changed (with its diff) or
 * stale, and the one renderer that turns it into the unified diff on stdout and the summary on stderr.
 */

/** A hunk of a unified diff: `lines` start with ' ', '-', '+' or '\' (no newline at end of file). */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export type DriftEntry =
  /** generated, not on disk: its diff adds the whole file */
  | { kind: 'missing'; path: string; hunks: Hunk[] }
  /** on disk with other contents */
  | { kind: 'changed'; path: string; hunks: Hunk[] }
  /** on disk, generated earlier (in the manifest), no longer produced */
  | { kind: 'stale'; path: string };

export interface DriftReport {
  /** how many generated files were compared */
  checked: number;
  /** in the order found: each target's files in path order, its stale files after them */
  entries: DriftEntry[];
}

export const noDrift = (): DriftReport => ({ checked: 0, entries: [] });

/** Adds one target's report to the whole run's. */
export function addDrift(into: DriftReport, part: DriftReport): void {
  into.checked += part.checked;
  into.entries.push(...part.entries);
}

export const isClean = (r: DriftReport) => r.entries.length === 0;

/** One file's diff, as `diff -u a/<path> b/<path>` prints it (an empty file header date, so a trailing tab). */
export function formatFileDiff(path: string, hunks: readonly Hunk[]): string {
  const out = [`--- a/${path}\t`, `+++ b/${path}\t`];
  for (const h of hunks) {
    // unified diff quirk: an empty side's start is one lower
    out.push(`@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} +${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`, ...h.lines);
  }
  return `${out.join('\n')}\n`;
}

/** The line --check prints for a stale file, after the diffs. */
export function staleNote(path: string): string {
  return `stale: ${path} (generated earlier, no longer produced)\n`;
}

/**
 * The report as the command prints it: `stdout` the diffs of missing and changed files then the stale notes,
 * `stderr` the summary. `out` is the output directory as the user sees it (`generated`).
 */
export function renderDrift(r: DriftReport, out: string): { stdout: string; stderr: string } {
  if (isClean(r)) return { stdout: '', stderr: `contractgen: ${out}/ is up to date (${r.checked} files)\n` };
  const of = <K extends DriftEntry['kind']>(kind: K) => r.entries.filter((e): e is Extract<DriftEntry, { kind: K }> => e.kind === kind);
  const missing = of('missing');
  const changed = of('changed');
  const stale = of('stale');
  const stdout = r.entries.map((e) => (e.kind === 'stale' ? '' : formatFileDiff(e.path, e.hunks))).join('') + stale.map((e) => staleNote(e.path)).join('');
  const list = (label: string, xs: readonly DriftEntry[]) => xs.map((x) => `  ${label}: ${out}/${x.path}\n`).join('');
  const stderr = `contractgen: ${out}/ is out of date: ${missing.length} missing, ${changed.length} changed, ${stale.length} stale\n${list('missing', missing)}${list('changed', changed)}${list('stale', stale)}run \`npx generate\` and commit the result\n`;
  return { stdout, stderr };
}
