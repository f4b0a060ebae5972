/**
 * Diagnostics are data (buf's FileAnnotation): a position, a stable rule ID, a severity and a message.
 * Every stage returns them; the CLI sorts, dedupes and prints them in one of three formats. A diagnostic is
 * made by `diagnostic(rule, at, message)`, which takes the severity from the rule registry.
 */
import { ALLOWED_BREAKING_SEVERITY, BREAKING_RULES, type BreakingCategory, type BreakingRuleId } from './breaking-rules.js';
import { RULES, type RuleId, type Severity } from './rules.js';

export type { Severity } from './rules.js';

/** Where a diagnostic points: a file and a 1-based line and column. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic extends Position {
  readonly severity: Severity;
  readonly rule: RuleId | BreakingRuleId;
  readonly message: string;
}

/** The one way to make a diagnostic: its severity is the registry's for the rule. */
export function diagnostic(rule: RuleId, at: Position, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, severity: RULES[rule].severity, rule, message };
}

/** A breaking-change diagnostic (`contractgen breaking`): the severity and category are the registry's. */
export function breakingDiagnostic(rule: BreakingRuleId, at: Position, message: string): Diagnostic & { readonly category: BreakingCategory } {
  const r = BREAKING_RULES[rule];
  return { file: at.file, line: at.line, col: at.col, severity: r.severity, rule, category: r.category, message };
}

/** A breaking change that a major version bump allows: the registry's ALLOWED_BREAKING_SEVERITY, a note appended. */
export function allowedBreaking<T extends Diagnostic>(change: T, note: string): T {
  return { ...change, severity: ALLOWED_BREAKING_SEVERITY, message: `${change.message} ${note}` };
}

export type DiagnosticFormat = 'text' | 'json' | 'github';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Byte-wise comparison, independent of the locale (determinism). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.rule}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      cmp(a.rule, b.rule) ||
      cmp(a.message, b.message),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** One line, whatever the message holds: control characters would let a contract forge output lines. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export interface FormatOptions {
  color: boolean;
  /** include info diagnostics (text and github); json always has everything */
  verbose: boolean;
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };

export function formatDiagnostics(ds: readonly Diagnostic[], format: DiagnosticFormat, opts: FormatOptions): string {
  const sorted = sortDiagnostics(ds);
  if (format === 'json') return JSON.stringify(sorted, null, 2) + '\n';
  const shown = opts.verbose ? sorted : sorted.filter((d) => d.severity !== 'info');
  if (format === 'github') {
    // GitHub Actions workflow commands: ::error file=F,line=L,col=C,title=T::message
    const level = (s: Severity) => (s === 'info' ? 'notice' : s);
    const prop = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
    const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    return shown
      .map((d) => `::${level(d.severity)} file=${prop(d.file)},line=${d.line},col=${d.col},title=${prop(d.rule)}::${data(d.message)}\n`)
      .join('');
  }
  return shown
    .map((d) => {
      const sev = opts.color ? `${COLORS[d.severity]}${d.severity}\x1b[0m` : d.severity;
      return `${oneLine(d.file)}:${d.line}:${d.col}: ${sev} ${d.rule} ${oneLine(d.message)}\n`;
    })
    .join('');
}

export function summary(ds: readonly Diagnostic[]): string {
  const n = (s: Severity) => ds.filter((d) => d.severity === s).length;
  const e = n('error');
  const w = n('warning');
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

/** A user-facing failure that is not tied to a contract position (usage, config file missing …). */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 2) {
    super(message);
  }
}
