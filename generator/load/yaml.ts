/**
 * YAML 1.2 (core schema) with positions for every node. Dates stay strings, duplicate keys are errors,
 * aliases are bounded (billion-laughs), and any node can be located by its JSON path.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

export type PathSeg = string | number;

export interface Pos {
  line: number;
  col: number;
}

export interface LoadedYaml {
  file: string;
  data: unknown;
  /** Position of the value at `path`; falls back to the nearest existing ancestor. */
  pos(path: readonly PathSeg[]): Pos;
  /** Position of the key that holds `path` (for a sequence item: the item itself). */
  keyPos(path: readonly PathSeg[]): Pos;
}

/** The YAML parser's own error codes, mapped to our stable rule IDs. */
function yamlRule(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'YAML_DUPLICATE_KEY';
    case 'ALIAS_PROPS':
    case 'BAD_ALIAS':
    case 'RESOURCE_EXHAUSTION':
      return 'YAML_ALIAS';
    default:
      return 'YAML_SYNTAX';
  }
}

export const MAX_ALIAS_COUNT = 100;

/** Nesting no contract needs, checked before parsing, because parsers recurse: indentation columns, brackets. */
export const MAX_INDENT = 400;
export const MAX_BRACKETS = 128;

/** The first line whose indentation or open brackets go past the limits, if any. */
function tooDeep(source: string): { line: number; col: number; why: string } | undefined {
  let depth = 0;
  let line = 1;
  let col = 1;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') {
      line++;
      col = 1;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && (c === ' ' || c === '\t')) {
      indent++;
      if (indent > MAX_INDENT) return { line, col, why: `indented more than ${MAX_INDENT} columns` };
    } else lineStart = false;
    if (c === '[' || c === '{') {
      depth++;
      if (depth > MAX_BRACKETS) return { line, col, why: `more than ${MAX_BRACKETS} nested brackets` };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    col++;
  }
  return undefined;
}

export function loadYaml(file: string, source: string): { doc?: LoadedYaml; diagnostics: Diagnostic[] } {
  const deep = tooDeep(source);
  if (deep) return { diagnostics: [{ file, line: deep.line, col: deep.col, severity: 'error', rule: 'NESTING_TOO_DEEP', message: `nesting too deep to read: ${deep.why}` }] };
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const document = parseDocument(source, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
    keepSourceTokens: false,
    lineCounter,
  });
  const at = (offset: number): Pos => {
    const lp = lineCounter.linePos(offset);
    return { line: lp.line, col: lp.col };
  };
  for (const e of document.errors) {
    const p = at(e.pos[0]);
    diagnostics.push({ file, ...p, severity: 'error', rule: yamlRule(e.code), message: firstLine(e.message) });
  }
  for (const w of document.warnings) {
    const p = at(w.pos[0]);
    diagnostics.push({ file, ...p, severity: 'warning', rule: 'YAML_WARNING', message: firstLine(w.message) });
  }
  if (document.errors.length > 0) return { diagnostics };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    diagnostics.push({ file, line: 1, col: 1, severity: 'error', rule: 'YAML_ALIAS', message: `alias expansion refused: ${firstLine(String((e as Error).message))}` });
    return { diagnostics };
  }
  return { doc: makeLocator(file, document, data, at), diagnostics };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

function makeLocator(file: string, document: Document, data: unknown, at: (o: number) => Pos): LoadedYaml {
  const start = (n: Node | null | undefined): Pos | undefined => (n && n.range ? at(n.range[0]) : undefined);
  const walk = (path: readonly PathSeg[], wantKey: boolean): Pos => {
    let node: unknown = document.contents;
    let best: Pos = start(document.contents as Node) ?? { line: 1, col: 1 };
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
        if (!pair) return best;
        const keyPos = start(pair.key as Node);
        if (last && wantKey && keyPos) return keyPos;
        node = pair.value;
        best = start(pair.value as Node) ?? keyPos ?? best;
      } else if (isSeq(node)) {
        const idx = typeof seg === 'number' ? seg : Number(seg);
        const item = node.items[idx];
        if (item === undefined) return best;
        node = item;
        best = start(item as Node) ?? best;
      } else {
        return best;
      }
    }
    return best;
  };
  return { file, data, pos: (p) => walk(p, false), keyPos: (p) => walk(p, true) };
}
