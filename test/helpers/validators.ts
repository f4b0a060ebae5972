/**
 * Runs every generated file through the real parser or engine for its kind, and returns the problems found.
 * Shared by the hostile-input corpus and the property-based tests: whatever a contract says, the output must
 * stay valid.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { MySQL, SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { loadModule, parseSync } from 'libpg-query';
import MarkdownIt from 'markdown-it';
import { parse as parseHtml, parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { parseDocument } from 'yaml';
import { CQL_RESERVED } from '../../generator/model/names.js';
import { debeziumConfigProblems, debeziumKindOf, unityCatalogKind, validateUnityCatalog } from './platform-refs.js';
import { reference, ROOT } from './reference.js';

const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');
const Ajv = require('ajv').default;
const ruff = require('@astral-sh/ruff-wasm-nodejs') as { Workspace: new (o: unknown, e: number) => { check(s: string): Array<{ code: string; message: string; start_location: { row: number } }> }; PositionEncoding: { Utf16: number } };

class Decimal extends avro.types.LogicalType {
  override _fromValue(v: unknown) {
    return v;
  }
  override _toValue(v: unknown) {
    return v;
  }
}

/** Statement kinds generated SQL may contain: anything else (DROP, DELETE …) means text escaped into code. */
const PG_STATEMENTS = new Set(['CreateStmt', 'IndexStmt', 'CommentStmt', 'CreateSchemaStmt', 'AlterTableStmt', 'CreateRoleStmt', 'GrantStmt', 'GrantRoleStmt', 'CreatePublicationStmt', 'CreateFunctionStmt']);
/** The only functions generated SQL may create: the IMMUTABLE helpers of nested CHECKs (targets/lang/sql-nested.ts). */
const PG_FUNCTIONS = /^contractgen_(unique_elements|all_match|all_lengths|jsonb_unique_items|jsonb_entries)$/;

let pgReady = false;
let crd: ((x: unknown) => boolean) | undefined;
const trino = new TrinoSQL();
const spark = new SparkSQL();
const mysql = new MySQL();
const markdown = new MarkdownIt({ html: true, linkify: false });

type HtmlNode = DefaultTreeAdapterMap['node'];
/** Elements and attributes generated pages may contain: anything else came from text that was not escaped. */
const HTML_ELEMENTS = new Set('html head body meta title link main header h1 h2 h3 p a code pre table thead tbody tr th td ul li figure figcaption form label input script div span br svg defs marker path line g rect text'.split(' '));
const HTML_ATTRIBUTES = new Set('lang charset name content rel href id class role onsubmit for type autocomplete placeholder disabled aria-live aria-labelledby xmlns viewBox refX refY markerWidth markerHeight orient d x1 y1 x2 y2 marker-end data-node x y width height rx src'.split(' ').map((a) => a.toLowerCase()));

/** parse5's spec parse errors, and any element, attribute, script or link target the generator did not write. */
function htmlProblems(text: string, kind: 'html' | 'markdown'): string[] {
  const out: string[] = [];
  const onParseError = (e: { code: string; startLine: number; startCol: number }) => out.push(`HTML parse error ${e.code} at ${e.startLine}:${e.startCol}`);
  const root = kind === 'html' ? parseHtml(text, { onParseError, sourceCodeLocationInfo: true }) : parseFragment(text, { onParseError, sourceCodeLocationInfo: true });
  const walk = (n: HtmlNode) => {
    if ('tagName' in n) {
      if (!HTML_ELEMENTS.has(n.tagName) || (kind === 'markdown' && !['a', 'br', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'p', 'h1', 'h2', 'h3', 'ul', 'li'].includes(n.tagName))) out.push(`unexpected <${n.tagName}>`);
      for (const a of n.attrs) {
        if (!HTML_ATTRIBUTES.has(a.name.toLowerCase())) out.push(`unexpected attribute ${a.name} on <${n.tagName}>`);
        if ((a.name === 'href' || a.name === 'src') && !/^(#[\w-]+|[\w-]+\.(html|md)(#[\w-]+)?|assets\/[\w-]+\.(js|css)|url\(#arrow\))$/.test(a.value)) out.push(`unexpected link ${a.name}=${JSON.stringify(a.value)}`);
        if (a.name === 'onsubmit' && a.value !== 'return false') out.push(`unexpected handler ${a.value}`);
      }
      if (n.tagName === 'script' && !n.attrs.some((a) => a.name === 'src')) out.push('inline <script>');
    }
    if ('childNodes' in n) for (const c of n.childNodes) walk(c as HtmlNode);
    if ('content' in n && n.content) walk(n.content as HtmlNode);
  };
  walk(root as HtmlNode);
  return out;
}
const lint = new ruff.Workspace({ lint: { select: ['E9', 'F'] } }, ruff.PositionEncoding.Utf16);

export async function validateOutputs(files: ReadonlyMap<string, string>, label: string): Promise<string[]> {
  return validateCases([{ label, files }]);
}

/** Validates the outputs of many generations at once: one Python and one Java process for all of them. */
export async function validateCases(cases: ReadonlyArray<{ label: string; files: ReadonlyMap<string, string> }>): Promise<string[]> {
  const problems: string[] = [];
  const report = (label: string, path: string, what: string) => problems.push(`${label}: ${path}: ${what}`);
  if (!pgReady) {
    await loadModule();
    pgReady = true;
  }
  if (!crd) {
    const doc = parseDocument(readFileSync(reference('kafka/strimzi-kafkatopic-crd-1.2.0.yaml').path, 'utf8')).toJS();
    crd = new Ajv({ strict: false }).compile(doc.spec.versions[0].schema.openAPIV3Schema);
  }
  type Deferred = { label: string; path: string; content: string };
  const py: Deferred[] = [];
  const props: Deferred[] = [];
  for (const { label, files } of cases) for (const [path, content] of files) {
    const bad = (p: string, what: string) => report(label, p, what);
    try {
      if (path.endsWith('.json') || path.endsWith('.avsc')) {
        const v = JSON.parse(content);
        const uc = unityCatalogKind(path);
        if (uc) {
          const err = validateUnityCatalog(uc, v);
          if (err) bad(path, `Unity Catalog ${uc}: ${err}`);
        }
        const dbz = path.startsWith('debezium/') && path.endsWith('/connector.json') ? debeziumKindOf(v.config?.['connector.class']) : undefined;
        if (path.startsWith('debezium/') && path.endsWith('/connector.json') && !dbz) bad(path, `not a Debezium connector class: ${v.config?.['connector.class']}`);
        if (dbz) for (const p of debeziumConfigProblems(v.config, dbz)) bad(path, p);
        if (path.endsWith('.avsc')) avro.Type.forSchema(v, { logicalTypes: { decimal: Decimal }, assertLogicalTypes: true } as never);
      } else if (path.endsWith('.yaml')) {
        const d = parseDocument(content, { uniqueKeys: true, strict: true });
        if (d.errors.length) bad(path, d.errors[0]!.message);
        const v = d.toJS();
        if (v?.kind === 'KafkaTopic' && !crd!(v)) bad(path, 'KafkaTopic does not validate against the Strimzi CRD');
      } else if (path.endsWith('.sql') && (path.startsWith('mysql/') || (path.startsWith('debezium/') && debeziumKindOf(connectorOf(files, path)) === 'mysql'))) {
        const errs = mysql.validate(content);
        if (errs.length) bad(path, `MySQL grammar: ${errs[0]!.message} at ${errs[0]!.startLine}:${errs[0]!.startColumn}`);
        if (path.startsWith('mysql/') && (content.match(/;\s*$/gm) ?? []).length !== 1) bad(path, 'expected exactly one statement');
      } else if (path.endsWith('.sql') && (path.startsWith('postgres/') || path.startsWith('debezium/'))) {
        // psql variables are not SQL: give the parser a literal where psql would substitute one
        const tree = parseSync(content.replace(/:'debezium_password'/g, "'x'")) as { stmts: Array<{ stmt: Record<string, unknown> }> };
        for (const s of tree.stmts) {
          const kind = Object.keys(s.stmt)[0]!;
          if (!PG_STATEMENTS.has(kind)) bad(path, `unexpected statement ${kind}`);
          if (kind === 'CreateFunctionStmt') {
            const names = ((s.stmt.CreateFunctionStmt as { funcname: Array<{ String: { sval: string } }> }).funcname ?? []).map((n) => n.String.sval);
            if (!PG_FUNCTIONS.test(names[names.length - 1] ?? '')) bad(path, `unexpected function ${names.join('.')}`);
          }
        }
      } else if (path.endsWith('.sql') && path.startsWith('trino/')) {
        const errs = trino.validate(content);
        if (errs.length) bad(path, `Trino grammar: ${errs[0]!.message} at ${errs[0]!.startLine}:${errs[0]!.startColumn}`);
        const n = trino.splitSQLByStatement(content)?.length ?? 0;
        const want = path.endsWith('schemas.sql') || path.endsWith('pii-key.sql') ? 2 : path.endsWith('.refresh.sql') ? -1 : 3;
        if (want > 0 && n !== want) bad(path, `${n} statements, expected ${want}`);
      } else if (path.endsWith('.cql')) {
        // string literals may span lines (CQL's STRING_LITERAL takes any character but a lone quote)
        for (const line of content.replace(/--[^\n]*|'(?:[^']|'')*'/g, (m) => (m.startsWith('--') ? m : "''")).split('\n')) {
          // a column or a user-defined type's field: a name and a type (native, collection, frozen UDT)
          const col = /^ {4}(?!--)(\S+) ([a-z<>]+|frozen<[a-z0-9_<>,"]+>),?$/.exec(line);
          if (col && !/^"([^"]|"")+"$/.test(col[1]!) && (!/^[a-z_][a-z0-9_]*$/.test(col[1]!) || CQL_RESERVED.has(col[1]!))) bad(path, `unquoted identifier ${col[1]}`);
          if (line && !/^(--|CREATE KEYSPACE |  WITH replication|  AND |CREATE TABLE IF NOT EXISTS |CREATE TYPE IF NOT EXISTS \S+ \($|\);$|    --( |$)|    \S+ ([a-z<>]+|frozen<[a-z0-9_<>,"]+>),?$|    PRIMARY KEY \(|\) WITH )/.test(line)) bad(path, `unexpected CQL line ${JSON.stringify(line.slice(0, 80))}`);
        }
      } else if (path.endsWith('.py')) {
        py.push({ label, path, content });
        const issues = lint.check(content).map((d) => `${d.start_location.row}: ${d.code} ${d.message}`);
        if (issues.length) bad(path, `Ruff: ${issues.join('; ')}`);
      } else if (path.endsWith('.properties')) {
        props.push({ label, path, content });
      } else if (path.endsWith('.html')) {
        for (const p of htmlProblems(content, 'html')) bad(path, p);
      } else if (path.endsWith('.md') && path.startsWith('docs/')) {
        // Markdown as GitHub would read it: the HTML markdown-it renders must hold no markup the text brought in
        for (const p of htmlProblems(markdown.render(content), 'markdown')) bad(path, p);
      } else if (path.endsWith('.ts') || path.endsWith('.mts') || path.endsWith('.js')) {
        const out = ts.transpileModule(content, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
        if (out.diagnostics?.length) bad(path, `TypeScript: ${ts.flattenDiagnosticMessageText(out.diagnostics[0]!.messageText, ' ')}`);
      }
    } catch (e) {
      bad(path, (e as Error).message.split('\n')[0]!);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'cg-validate-'));
  if (py.length) {
    const files = py.map((d, i) => writeTemp(dir, `${i}.py`, d.content));
    // the SQL of hundreds of jobs: far beyond spawnSync's default 1 MiB of stdout
    const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test/helpers/pyinspect.py'), ...files], { encoding: 'utf8', maxBuffer: 512 << 20 });
    if (r.status !== 0) report('python', 'CPython', `${r.stderr.trim().split('\n').slice(-1)[0]} (in ${JSON.stringify(py.map((d, i) => `${i}.py=${d.label}:${d.path}`))})`);
    else {
      const inspected = JSON.parse(r.stdout) as Array<{ sql: Record<string, string>; error?: string }>;
      inspected.forEach((x, i) => {
        if (x.error) report(py[i]!.label, py[i]!.path, `CPython: ${x.error}`);
        for (const [name, text] of Object.entries(x.sql)) {
          const errs = spark.validate(text);
          if (errs.length) report(py[i]!.label, py[i]!.path, `SparkSQL ${name}: ${errs[0]!.message}`);
        }
      });
    }
  }
  if (props.length) {
    const files = props.map((d, i) => writeTemp(dir, `${i}.properties`, d.content));
    const r = spawnSync('java', [join(ROOT, 'test/helpers/PropsCheck.java'), ...files], { encoding: 'utf8' });
    if (r.status !== 0) report('properties', 'java.util.Properties', r.error ? `${r.error} (needs a JDK: .ci/run installs openjdk-17-jdk-headless)` : r.stderr.split('\n')[0]!);
    else {
      // the Debezium Cassandra agent's properties: only names Debezium Cassandra knows
      const loaded = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { entries: Record<string, string> });
      loaded.forEach((x, i) => {
        if (props[i]!.path.startsWith('debezium/')) for (const p of debeziumConfigProblems(x.entries, 'cassandra')) report(props[i]!.label, props[i]!.path, p);
      });
    }
  }
  return problems;
}

/** The connector.class of the Debezium connector whose folder holds `path`. */
function connectorOf(files: ReadonlyMap<string, string>, path: string): string | undefined {
  const json = files.get(`${path.slice(0, path.lastIndexOf('/'))}/connector.json`);
  return json ? (JSON.parse(json) as { config?: Record<string, string> }).config?.['connector.class'] : undefined;
}

function writeTemp(dir: string, name: string, content: string): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}
