/**
 * What `contractgen import` cannot know and leaves for a person: placeholders (owner, purpose, SLA, the host
 * and database of a source read from a file) and PII suggestions. Lint reports each as a warning, at its value,
 * until someone fills it in or decides.
 */
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml, PathSeg } from '../load/yaml.js';
import { EXT } from '../model/extensions.js';

/** The marker of a value a person must write. */
export const PLACEHOLDER = 'TODO(import)';
/** Placeholders where only a host name fits (`.invalid` is reserved by RFC 2606) and only an identifier fits. */
export const PLACEHOLDER_HOST = 'todo.import.invalid';
export const PLACEHOLDER_DATABASE = 'todo_import_database';
const MARKER = /TODO\(import\)|todo[._]import/i;

/** The extension that carries a PII suggestion: never `contractgen.pii`, which asserts it. */
export const PII_SUGGESTED = EXT.piiSuggested.name;

export function isPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && MARKER.test(v);
}

export function scanPlaceholders(doc: LoadedYaml): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (v: unknown, path: PathSeg[], depth: number) => {
    if (depth > 200) return;
    if (typeof v === 'string') {
      if (MARKER.test(v)) {
        const what = path.filter((p) => typeof p === 'string').slice(-2).join('.');
        out.push(diagnostic('PLACEHOLDER', { file: doc.file, ...doc.pos(path) }, `${what || 'this value'} is a placeholder left by contractgen import (${JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v)}); write the real value`));
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i], depth + 1));
      return;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (Array.isArray(o.customProperties)) {
        o.customProperties.forEach((cp, i) => {
          if (cp && typeof cp === 'object' && (cp as Record<string, unknown>).property === PII_SUGGESTED) {
            const field = typeof o.name === 'string' ? `"${o.name}"` : 'this field';
            const why = (cp as Record<string, unknown>).value;
            out.push(
              diagnostic(
                'PII_SUGGESTED',
                { file: doc.file, ...doc.pos([...path, 'customProperties', i, 'value']) },
                `${field} may hold personal data${typeof why === 'string' ? ` (${why})` : ''}: confirm it with contractgen.pii: true, or remove the suggestion`,
              ),
            );
          }
        });
      }
      for (const [k, x] of Object.entries(o)) walk(x, [...path, k], depth + 1);
    }
  };
  walk(doc.data, [], 0);
  return out;
}
