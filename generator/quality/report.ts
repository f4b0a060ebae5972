/** `contractgen test` output: text for people, JSON for tools, JUnit XML for CI test reports. */
import { html } from '../model/names.js';
import type { Outcome } from './duckdb.js';

export type TestFormat = 'text' | 'json' | 'junit';

export interface SuiteResult {
  dataset: string;
  from: string;
  rows: number;
  outcomes: Outcome[];
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

function observedText(o: Outcome): string {
  if (o.error) return `error: ${o.error}`;
  return Object.entries((o.observed ?? {}) as Record<string, unknown>)
    .map(([k, v]) => `${k}=${json(v)}`)
    .join(' ');
}

export function renderText(results: readonly SuiteResult[], color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.dataset}: ${r.outcomes.length} expectations on ${r.rows} rows from ${r.from}`);
    for (const o of r.outcomes) {
      out.push(`  ${o.passed ? paint('32', 'PASS') : paint('31', 'FAIL')} ${o.rule} (${o.type}) ${observedText(o)}`);
      for (const s of o.samples) out.push(`       ${json(s)}`);
    }
    const failed = r.outcomes.filter((o) => !o.passed).length;
    out.push(`  ${r.outcomes.length - failed} passed, ${failed} failed`);
  }
  const failed = results.reduce((n, r) => n + r.outcomes.filter((o) => !o.passed).length, 0);
  const total = results.reduce((n, r) => n + r.outcomes.length, 0);
  out.push(`contractgen test: ${results.length} dataset(s), ${total - failed} passed, ${failed} failed`);
  return `${out.join('\n')}\n`;
}

export function renderJson(results: readonly SuiteResult[]): string {
  return `${json({ results, passed: results.every((r) => r.outcomes.every((o) => o.passed)) })}\n`;
}


export function renderJunit(results: readonly SuiteResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="contractgen test">'];
  for (const r of results) {
    const failures = r.outcomes.filter((o) => !o.passed && !o.error).length;
    const errors = r.outcomes.filter((o) => o.error).length;
    out.push(`  <testsuite name="${html(r.dataset)}" tests="${r.outcomes.length}" failures="${failures}" errors="${errors}">`);
    for (const o of r.outcomes) {
      const head = `    <testcase classname="${html(r.dataset)}" name="${html(`${o.rule} (${o.type})`)}"`;
      if (o.passed) out.push(`${head}/>`);
      else {
        const tag = o.error ? 'error' : 'failure';
        out.push(`${head}>`, `      <${tag} message="${html(observedText(o))}">${html(o.samples.map(json).join('\n'))}</${tag}>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
