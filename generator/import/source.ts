/**
 * Which reader a source needs, and reading it: a `postgresql://` URL is a live catalog; a file or folder is
 * read by its extension (.sql → PostgreSQL or MySQL DDL, detected or given with --dialect; .cql → CQL; .avsc
 * → Avro; .json → an Avro schema, a Schema Registry subject or a JSON Schema, told apart by content). Every
 * reader is loaded lazily, so a command only pays for the parser it needs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { cmp } from '../diagnostics/diagnostic.js';
import { displayPath } from '../load/files.js';
import { diag, SourceError, type SourceDescription } from './describe.js';
import { suggestPii } from './pii.js';

export type Dialect = 'postgres' | 'mysql';

export interface SourceOptions {
  /** a postgresql:// URL, or a file or folder path */
  source: string;
  cwd: string;
  dialect?: Dialect;
  /** PostgreSQL schemas to read (live catalog); the connection also takes libpq's PG* environment variables */
  schemas?: readonly string[];
}

/** Largest source file read: a schema dump is far smaller. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

const EXTENSIONS = ['.sql', '.ddl', '.cql', '.avsc', '.json'];

/** MySQL-only syntax that a PostgreSQL dump never has. */
export function detectDialect(text: string): Dialect {
  const noStrings = text.replace(/'(?:[^'\\]|\\.|'')*'/g, "''");
  return /`|\bENGINE\s*=|\bAUTO_INCREMENT\b|\/\*!\d{5}|\bUNSIGNED\b|\bDEFAULT\s+CHARSET\b|\bLOCK\s+TABLES\b/i.test(noStrings) ? 'mysql' : 'postgres';
}

/** JSON Schema (has $schema, or properties) or Avro (a record, or a subject with a schema string). */
function jsonKind(text: string): 'avro' | 'jsonschema' | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null) return undefined;
    if (typeof v.schema === 'string' || v.type === 'record') return 'avro';
    if ('$schema' in v || 'properties' in v) return 'jsonschema';
  } catch {
    return undefined;
  }
  return undefined;
}

function filesOf(abs: string): string[] {
  const st = statSync(abs);
  if (st.isFile()) return [abs];
  // a FIFO or a device would block the read, or never end
  if (!st.isDirectory()) throw new Error(`not a file or directory: ${abs}`);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  walk(abs);
  return out;
}

/** Reads any source into the import description, with PII suggestions made. */
export async function readSource(opts: SourceOptions): Promise<SourceDescription> {
  let src: SourceDescription;
  try {
    src = await read(opts);
  } catch (e) {
    // a parser recursing past the stack on pathological input is the input's problem, not ours
    if (e instanceof RangeError) throw new SourceError(diag({ file: opts.source, line: 1, col: 1 }, 'IMPORT_SYNTAX', `${opts.source} is nested too deeply to read: ${e.message}`));
    throw e;
  }
  suggestPii(src.tables);
  return src;
}

async function read(opts: SourceOptions): Promise<SourceDescription> {
  const s = opts.source;
  if (/^postgres(ql)?:\/\//i.test(s)) {
    const { readPgCatalog } = await import('./pg-catalog.js');
    return readPgCatalog({ url: s, ...(opts.schemas ? { schemas: opts.schemas } : {}) });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const scheme = s.slice(0, s.indexOf(':'));
    const hint = /^mysql/i.test(scheme) ? '; for MySQL, import its DDL (mysqldump --no-data) instead' : /^cassandra|^cql/i.test(scheme) ? '; for Cassandra, import its DESCRIBE KEYSPACE output (a .cql file)' : '';
    throw new SourceError(diag({ file: s.replace(/\/\/[^@/]*@/, '//'), line: 1, col: 1 }, 'IMPORT_SOURCE', `${scheme}:// is not a source contractgen reads live; it reads postgresql:// URLs and files${hint}`));
  }
  const abs = resolve(opts.cwd, s);
  // the path as given: the same command writes the same contracts wherever it runs
  const label = s;
  let files: string[];
  try {
    files = filesOf(abs);
  } catch (e) {
    const what = e instanceof Error && e.message.startsWith('not a file') ? 'not a file or directory' : 'no such file or directory';
    throw new SourceError(diag({ file: label, line: 1, col: 1 }, 'IMPORT_SOURCE', `${what}: ${s}`));
  }
  if (files.length === 0) throw new SourceError(diag({ file: label, line: 1, col: 1 }, 'IMPORT_SOURCE', `${label} holds no .sql, .cql, .avsc or .json file`));
  const inputs = files.map((f) => {
    const size = statSync(f).size;
    if (size > MAX_SOURCE_BYTES) throw new SourceError(diag({ file: displayPath(opts.cwd, f), line: 1, col: 1 }, 'IMPORT_SOURCE', `${displayPath(opts.cwd, f)} is ${size} bytes; the limit is ${MAX_SOURCE_BYTES}`));
    return { file: displayPath(opts.cwd, f), text: readFileSync(f, 'utf8'), ext: extname(f).toLowerCase() };
  });
  const kindOf = (i: (typeof inputs)[number]): string => (i.ext === '.sql' || i.ext === '.ddl' ? 'sql' : i.ext === '.cql' ? 'cql' : i.ext === '.avsc' ? 'avro' : (jsonKind(i.text) ?? 'json?'));
  const kinds = new Set(inputs.map(kindOf));
  if (kinds.has('json?')) {
    const bad = inputs.find((i) => kindOf(i) === 'json?')!;
    throw new SourceError(diag({ file: bad.file, line: 1, col: 1 }, 'IMPORT_SOURCE', `${bad.file} is neither an Avro schema, a Schema Registry subject nor a JSON Schema`));
  }
  if (kinds.size > 1) throw new SourceError(diag({ file: label, line: 1, col: 1 }, 'IMPORT_SOURCE', `${label} mixes ${[...kinds].sort().join(' and ')} files; import one kind at a time`));
  const kind = [...kinds][0]!;
  if (kind === 'avro') return (await import('./avro.js')).readAvro(label, inputs);
  if (kind === 'jsonschema') return (await import('./json-schema.js')).readJsonSchema(label, inputs);
  const merged = await Promise.all(
    inputs.map(async (i): Promise<SourceDescription> => {
      if (kind === 'cql') return (await import('./cql.js')).readCql(i.file, i.text);
      const dialect = opts.dialect ?? detectDialect(i.text);
      return dialect === 'mysql' ? (await import('./mysql-ddl.js')).readMysqlDdl(i.file, i.text) : (await import('./pg-ddl.js')).readPgDdl(i.file, i.text);
    }),
  );
  const first = merged[0]!;
  const replication = Object.assign({}, ...merged.map((m) => m.server?.replication ?? {})) as Record<string, Record<string, string | number>>;
  const server = first.server ? { ...first.server, ...(Object.keys(replication).length ? { replication } : {}) } : undefined;
  if (server && merged.some((m) => m.server?.kind !== server.kind)) throw new SourceError(diag({ file: label, line: 1, col: 1 }, 'IMPORT_SOURCE', `${label} mixes PostgreSQL and MySQL DDL; import one dialect at a time (or give --dialect)`));
  const database = merged.map((m) => m.server?.database).find((d) => d !== undefined);
  return {
    format: first.format,
    label,
    ...(server ? { server: { ...server, ...(database ? { database } : {}) } } : {}),
    tables: merged.flatMap((m) => m.tables),
    diagnostics: merged.flatMap((m) => m.diagnostics),
  };
}
