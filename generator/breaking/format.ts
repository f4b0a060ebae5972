/** Output of `contractgen breaking` (text, json, github) and `contractgen changelog` (Markdown). */
import { cmp, formatDiagnostics, type DiagnosticFormat } from '../diagnostics/diagnostic.js';
import type { Change } from './diff.js';

const loc = (c: { file: string; line: number; col: number }) => `${c.file}:${c.line}:${c.col}`;

export function formatChanges(changes: readonly Change[], format: DiagnosticFormat, opts: { color: boolean; verbose: boolean }): string {
  if (format === 'json') {
    return JSON.stringify(sortChanges(changes).map((c) => ({ file: c.file, line: c.line, col: c.col, severity: c.severity, rule: c.rule, category: c.category, dataset: c.dataset, message: c.message, ...(c.old ? { old: { file: c.old.file, line: c.old.line, col: c.old.col } } : {}) })), null, 2) + '\n';
  }
  // text and github: the shared diagnostic printer, the old location appended to the message
  return formatDiagnostics(
    changes.map((c) => ({ ...c, message: c.old ? `${c.message} (was at ${loc(c.old)})` : c.message })),
    format,
    opts,
  );
}

export function sortChanges(changes: readonly Change[]): Change[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...changes].sort((a, b) => cmp(a.dataset, b.dataset) || rank[a.severity] - rank[b.severity] || cmp(a.file, b.file) || a.line - b.line || a.col - b.col || cmp(a.rule, b.rule) || cmp(a.message, b.message));
}

const md = (s: string) => s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

export function changelog(changes: readonly Change[], against: string, versions: Map<string, { from?: string; to?: string; file?: string }>): string {
  const lines = [`# Contract changes since ${md(against)}`, ''];
  if (changes.length === 0) return `${lines.join('\n')}No contract changes.\n`;
  const byDataset = new Map<string, Change[]>();
  for (const c of sortChanges(changes)) byDataset.set(c.dataset, [...(byDataset.get(c.dataset) ?? []), c]);
  for (const [ds, cs] of byDataset) {
    const v = versions.get(ds);
    const version = v?.from && v.to ? (v.from === v.to ? ` (${md(v.to)})` : ` (${md(v.from)} → ${md(v.to)})`) : v?.to ? ` (new, ${md(v.to)})` : ' (removed)';
    lines.push(`## ${md(ds)}${version}`, '');
    if (v?.file) lines.push(`Contract: \`${v.file.replace(/`/g, "'")}\``, '');
    const section = (title: string, sev: string) => {
      const xs = cs.filter((c) => c.severity === sev);
      if (!xs.length) return;
      lines.push(`### ${title}`, '');
      for (const c of xs) lines.push(`- **${c.rule}**: ${md(c.message)}`);
      lines.push('');
    };
    section('Breaking', 'error');
    section('Needs attention', 'warning');
    section('Other changes', 'info');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}
