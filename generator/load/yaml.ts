/**
 * YAML 1.2 (core schema) with positions for every node. Dates stay strings, duplicate keys are errors,
 * aliases are bounded (billion-laughs), and any node can be located by its JSON path.
 *
 * Two readers. The `yaml` library is the reference: exact positions, precise messages, bounded aliases. It reads
 * about 2.5 MB/s, which at a thousand contracts is most of lint's time, so plain contracts (no anchors, aliases
 * or tags) are read first by js-yaml, ten times faster, with node offsets from its event listener. Anything it
 * refuses, anything that needs the reference's limits, and any position its node tree cannot answer for sure
 * goes to the `yaml` library. test/properties.test.ts checks that both readers agree.
 */
import { createRequire } from 'node:module';
import jsyaml from 'js-yaml';
import type { Document, Node } from 'yaml';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RuleId } from '../diagnostics/rules.js';

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
function yamlRule(code: string): RuleId {
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

/** A line indented past MAX_INDENT: what the scan below would stop at (any line break counts here, a superset). */
const DEEP_INDENT = new RegExp(`^[ \\t]{${MAX_INDENT + 1}}`, 'm');

/** More than `n` opening brackets in all: nesting deeper than `n` needs them. */
function bracketsOver(source: string, n: number): boolean {
  let count = 0;
  for (const open of ['[', '{']) for (let i = source.indexOf(open); i >= 0; i = source.indexOf(open, i + 1)) if (++count > n) return true;
  return false;
}

/**
 * The first line whose indentation or open brackets go past the limits, if any. Two native searches rule out
 * nearly every contract first: the character loop, which V8 would otherwise compile with its optimizing compiler
 * on every cold start, runs only on a source that could fail it.
 */
function tooDeep(source: string): { line: number; col: number; why: string } | undefined {
  if (!DEEP_INDENT.test(source) && !bracketsOver(source, MAX_BRACKETS)) return undefined;
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
  if (deep) return { diagnostics: [diagnostic('NESTING_TOO_DEEP', { file, line: deep.line, col: deep.col }, `nesting too deep to read: ${deep.why}`)] };
  return fastLoad(file, source) ?? referenceLoad(file, source);
}

/**
 * The `yaml` library, loaded on first use: its 70-odd modules are most of what a cold `contractgen lint` would
 * spend loading, and plain contracts never need it (the same CommonJS build an `import` resolves to under Node).
 */
let yamlLib: typeof import('yaml') | undefined;
const yamlLibrary = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** The reference reader (the `yaml` library): exact positions and messages, aliases bounded. */
export function referenceLoad(file: string, source: string): { doc?: LoadedYaml; diagnostics: Diagnostic[] } {
  const { LineCounter, parseDocument } = yamlLibrary();
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
    diagnostics.push(diagnostic(yamlRule(e.code), { file, ...p }, firstLine(e.message)));
  }
  for (const w of document.warnings) {
    const p = at(w.pos[0]);
    diagnostics.push(diagnostic('YAML_WARNING', { file, ...p }, firstLine(w.message)));
  }
  if (document.errors.length > 0) return { diagnostics };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    diagnostics.push(diagnostic('YAML_ALIAS', { file, line: 1, col: 1 }, `alias expansion refused: ${firstLine(String((e as Error).message))}`));
    return { diagnostics };
  }
  return { doc: makeLocator(file, document, data, at), diagnostics };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

function makeLocator(file: string, document: Document, data: unknown, at: (o: number) => Pos): LoadedYaml {
  const { isMap, isPair, isScalar, isSeq } = yamlLibrary();
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

// ------------------------------------------------------------------------------------------------ fast reader

/**
 * Left to the reference reader: anchors, aliases and tags (and `<<` merges, which need them), whose limits it
 * enforces; carriage returns and tabs, where YAML readers disagree at the edges (found by the property test).
 */
const NEEDS_REFERENCE = /(^|[\s,[{])[&*!][^\s,\]}]|[\r\t]/m;

/** A node of js-yaml's event stream: where it opened, its children in order, and its value when it closed. */
interface FastNode {
  open: number;
  kind: string | null;
  result: unknown;
  children: FastNode[];
}

function fastLoad(file: string, source: string): { doc: LoadedYaml; diagnostics: Diagnostic[] } | undefined {
  if (NEEDS_REFERENCE.test(source)) return undefined;
  const root: FastNode = { open: 0, kind: null, result: undefined, children: [] };
  const stack: FastNode[] = [root];
  let data: unknown;
  try {
    data = jsyaml.load(source, {
      schema: jsyaml.CORE_SCHEMA,
      json: false, // duplicate keys throw
      listener(event, state) {
        if (event === 'open') {
          const n: FastNode = { open: state.position, kind: null, result: undefined, children: [] };
          stack[stack.length - 1]!.children.push(n);
          stack.push(n);
        } else {
          const n = stack.pop()!;
          n.kind = state.kind;
          n.result = state.result;
        }
      },
    });
  } catch {
    return undefined; // the reference reader reports it, with its own message and position
  }
  if (stack.length !== 1 || root.children.length !== 1) return undefined;
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const at = (offset: number): Pos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - lineStarts[lo]! + 1 };
  };
  // js-yaml opens a node before the separation space in front of it: its first character is further on
  const start = (n: FastNode): number => {
    let i = n.open;
    for (;;) {
      const c = source.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 35) {
        const nl = source.indexOf('\n', i);
        if (nl < 0) return i;
        i = nl + 1;
      } else return i;
    }
  };
  const blanksAfter = (i: number): number => {
    while (source.charCodeAt(i) === 32 || source.charCodeAt(i) === 9) i++;
    return i;
  };
  let reference: LoadedYaml | undefined;
  const fallback = () => (reference ??= referenceLoad(file, source).doc);
  const walk = (path: readonly PathSeg[], wantKey: boolean): Pos | undefined => {
    let node = root.children[0]!;
    let best = at(start(node));
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (node.kind === 'mapping') {
        if (node.children.length % 2 !== 0) return undefined;
        let k = -1;
        for (let j = 0; j < node.children.length; j += 2) if (String(node.children[j]!.result) === String(seg)) k = j;
        if (k < 0) return best;
        const key = at(start(node.children[k]!));
        if (last && wantKey) return key;
        node = node.children[k + 1]!;
        // an empty value has no text: the reference puts it where it would start, after the colon and the
        // blanks that follow it on the same line
        best = node.kind === null && node.result === null ? at(blanksAfter(node.open)) : at(start(node));
      } else if (node.kind === 'sequence') {
        const idx = typeof seg === 'number' ? seg : Number(seg);
        if (!Array.isArray(node.result) || node.children.length !== node.result.length) return undefined;
        const item = node.children[idx];
        if (item === undefined) return best;
        node = item;
        best = at(start(item));
      } else return best;
    }
    return best;
  };
  const locate = (p: readonly PathSeg[], wantKey: boolean): Pos => {
    const got = walk(p, wantKey);
    if (got) return got;
    const ref = fallback();
    return ref ? (wantKey ? ref.keyPos(p) : ref.pos(p)) : { line: 1, col: 1 };
  };
  return { doc: { file, data, pos: (p) => locate(p, false), keyPos: (p) => locate(p, true) }, diagnostics: [] };
}
