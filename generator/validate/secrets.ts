/**
 * SECRET_LITERAL: credentials must be referenced (Kafka Connect config providers `${env:…}`, `${file:…}`,
 * or a secret manager), never written into a contract or the config, because everything here is committed and
 * copied into generated artifacts.
 */
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedYaml, PathSeg } from '../load/yaml.js';

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth[_-]?key|pwd)$/i;
/** A reference to a secret, not a secret: config providers and environment variables. */
const REFERENCE = /^\$\{[A-Za-z][A-Za-z0-9_-]*:[^}]+\}$|^\$\{[A-Z_][A-Z0-9_]*\}$/;

/**
 * Each pattern with a test of text it cannot match without (plain substring searches): most strings of a contract
 * pass none of them, and then no regular expression runs, or is even compiled, which is most of what a cold
 * `contractgen lint` of a few contracts would spend here.
 */
const VALUE_PATTERNS: Array<[RegExp, string, (v: string) => boolean]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key', (v) => v.includes('-----BEGIN ')],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id', (v) => v.includes('AKIA') || v.includes('ASIA')],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token', (v) => v.includes('gh')],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token', (v) => v.includes('xox')],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:(?!\$\{)[^/\s@]+@/i, 'a URL with a password in it', (v) => v.includes('://')],
];

/** SECRET_KEY can only match a key that ends in one of these (its alternatives' last letters, either case). */
const SECRET_KEY_ENDS = new Set('dDsStTnNyYlL');
const secretKey = (k: string) => SECRET_KEY_ENDS.has(k.charAt(k.length - 1)) && SECRET_KEY.test(k);

export function scanSecrets(doc: LoadedYaml): Diagnostic[] {
  const out: Diagnostic[] = [];
  const flag = (path: PathSeg[], what: string) => {
    out.push(diagnostic('SECRET_LITERAL', { file: doc.file, ...doc.pos(path) }, `${what}; reference it as \${env:NAME} or \${file:/path:key} instead of writing it here`));
  };
  const walk = (v: unknown, path: PathSeg[], depth: number) => {
    if (depth > 200) return;
    if (typeof v === 'string') {
      for (const [re, what, possible] of VALUE_PATTERNS) {
        if (possible(v) && re.test(v)) {
          flag(path, `this value looks like ${what}`);
          return;
        }
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i], depth + 1));
      return;
    }
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // customProperties style: {property: password, value: hunter2}
      if (typeof o.property === 'string' && secretKey(o.property) && isLiteral(o.value)) flag([...path, 'value'], `"${o.property}" holds a literal credential`);
      for (const [k, x] of Object.entries(o)) {
        if (secretKey(k) && isLiteral(x)) flag([...path, k], `"${k}" holds a literal credential`);
        else walk(x, [...path, k], depth + 1);
      }
    }
  };
  walk(doc.data, [], 0);
  return out;
}

function isLiteral(v: unknown): boolean {
  return (typeof v === 'string' && v.length > 0 && !REFERENCE.test(v.trim())) || typeof v === 'number';
}
