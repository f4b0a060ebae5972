/**
 * The Trino DDL and the partition refreshes against Trino's own rules (test/facts/trino/trino.json, read from
 * trinodb/trino at release 461): for both table formats the config can select (Hive, Iceberg), every table of the
 * repository's contracts, the example contracts and the property-based contracts sets only the connector's table
 * properties, with values of their types; Hive partition columns come last, in `partitioned_by` order; no Hive
 * column has a type Hive cannot create or a timestamp precision other than the catalog's (milliseconds by
 * default); every `sync_partition_metadata` call (the refresh files and the DAGs) has the procedure's arguments
 * and modes, on a partitioned table. The masked views hash personal text with hmac_sha256(varbinary, varbinary)
 * and a key read from the restricted key table, never with a bare sha256, and are SECURITY DEFINER with the
 * clauses in the grammar's order.
 */
import { describe, expect, it } from 'vitest';
import { facts, propertyCases, repoCases, type Case } from './helpers/facts.js';

interface Prop {
  name: string;
  type: string;
  allowed?: Array<string | number> | string;
}
const trino = facts<{
  hive: { tableProperties: Prop[]; columnTypes: { create_rejected: string[] } };
  iceberg: { tableProperties: Prop[] };
  functions: { hmac_sha256: { signature: string } };
  procedures: { sync_partition_metadata: { arguments: Array<{ name: string; allowed?: string[] }> } };
  views: { grammar: string; clause_order: string };
}>('trino/trino.json');

interface Table {
  name: string;
  columns: Array<{ name: string; type: string }>;
  props: Record<string, string>;
}

/** Splits at the commas outside quotes and parentheses. */
function topLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The CREATE TABLE statements of a generated file: name, columns (name, type) and WITH properties. */
function tables(sql: string): Table[] {
  const text = sql.replace(/^--.*$/gm, '');
  return [...text.matchAll(/CREATE TABLE IF NOT EXISTS (\S+) \(\n([\s\S]*?)\n\)\n(?:COMMENT '(?:[^']|'')*'\n)?WITH \(\n([\s\S]*?)\n\);/g)].map((m) => ({
    name: m[1]!,
    columns: topLevel(m[2]!).map((def) => {
      const c = /^("(?:[^"]|"")+"|\S+) ([\s\S]+?)(?: COMMENT '(?:[^']|'')*')?$/.exec(def)!;
      return { name: c[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'), type: c[2]! };
    }),
    props: Object.fromEntries(topLevel(m[3]!).map((def) => /^(\w+) = ([\s\S]+)$/.exec(def)!.slice(1, 3) as [string, string])),
  }));
}

const arrayOf = (v: string) => /^ARRAY\[(.*)\]$/.exec(v)?.[1]!.split(', ').map((x) => x.replace(/^'|'$/g, '')) ?? [];

function tableProblems(t: Table, format: 'hive' | 'iceberg'): string[] {
  const out: string[] = [];
  const props = new Map((format === 'hive' ? trino.hive : trino.iceberg).tableProperties.map((p) => [p.name, p]));
  for (const [k, v] of Object.entries(t.props)) {
    const p = props.get(k);
    if (!p) {
      out.push(`${t.name}: ${k} is not a ${format} table property`);
      continue;
    }
    if (p.type.startsWith('array')) {
      if (!/^ARRAY\['[^']*'(, '[^']*')*\]$/.test(v)) out.push(`${t.name}: ${k} = ${v} is not an array of varchar`);
    } else if (p.type.startsWith('enum')) {
      const value = /^'(.*)'$/.exec(v)?.[1];
      if (!Array.isArray(p.allowed) || !p.allowed.includes(value ?? '')) out.push(`${t.name}: ${k} = ${v} is not one of ${JSON.stringify(p.allowed)}`);
    } else if (p.type === 'varchar' && !/^'(?:[^']|'')*'$/.test(v)) out.push(`${t.name}: ${k} = ${v} is not a varchar`);
  }
  const location = /^'(.*)'$/.exec(t.props.external_location ?? t.props.location ?? '')?.[1];
  if (location !== undefined && location.replace(/^[a-z0-9]+:\/\//, '').includes('//')) out.push(`${t.name}: location ${location} contains //, which Trino refuses`);
  const names = t.columns.map((c) => c.name.toLowerCase());
  const part = arrayOf(t.props.partitioned_by ?? t.props.partitioning ?? '');
  for (const p of part) if (!names.includes(p.toLowerCase())) out.push(`${t.name}: partition column ${p} is not a column`);
  if (format === 'hive') {
    if (part.length && JSON.stringify(names.slice(-part.length)) !== JSON.stringify(part.map((p) => p.toLowerCase()))) out.push(`${t.name}: partition columns must be the last columns, in partitioned_by order`);
    for (const c of t.columns) {
      const type = c.type.toLowerCase();
      if (/\btimestamp\(\d+\)/.test(type)) out.push(`${t.name}.${c.name}: ${c.type}: the Hive catalog accepts only its configured precision (milliseconds: plain timestamp)`);
      for (const r of trino.hive.columnTypes.create_rejected) if (/^[a-z ]+$/.test(r) && new RegExp(`(^|[(<, ])${r}($|[)>, ])`).test(type)) out.push(`${t.name}.${c.name}: ${c.type}: Unsupported Hive type`);
    }
  }
  return out;
}

/** Every sync_partition_metadata call of a text: named arguments the procedure has, a mode it knows. */
function syncProblems(text: string, partitioned: Set<string>): string[] {
  const out: string[] = [];
  const args = new Map(trino.procedures.sync_partition_metadata.arguments.map((a) => [a.name.toLowerCase(), a]));
  for (const m of text.matchAll(/CALL (\w+)\.system\.sync_partition_metadata\(([^)]*)\)/g)) {
    const given = Object.fromEntries([...m[2]!.matchAll(/(\w+) => '([^']*)'/g)].map((a) => [a[1]!, a[2]!]));
    for (const k of Object.keys(given)) if (!args.has(k.toLowerCase())) out.push(`${m[0]}: no argument ${k}`);
    for (const [k, a] of args) if ((a as { required?: boolean }).required && !(k in given)) out.push(`${m[0]}: argument ${k} missing`);
    if (!args.get('mode')!.allowed!.includes(given.mode!.toUpperCase())) out.push(`${m[0]}: mode ${given.mode}`);
    if (!partitioned.has(`${m[1]}.${given.schema_name}.${given.table_name}`)) out.push(`${m[0]}: the table is not partitioned`);
  }
  return out;
}

function viewProblems(sql: string, keyTable: string): string[] {
  const out: string[] = [];
  const view = /CREATE OR REPLACE VIEW (\S+)\n(COMMENT '(?:[^']|'')*'\n)?(SECURITY (?:DEFINER|INVOKER)\n)?AS\n([\s\S]*?);/.exec(sql);
  if (!view) return ['no masked view (or its clauses out of the grammar order: COMMENT, SECURITY, AS)'];
  if (view[3]?.trim() !== 'SECURITY DEFINER') out.push(`${view[1]}: not SECURITY DEFINER (readers would need the key)`);
  if (/(?<!hmac_)sha256\(/.test(view[4]!)) out.push(`${view[1]}: an unkeyed sha256, reversible by enumeration`);
  for (const m of view[4]!.matchAll(/hmac_sha256\((.*?), \(SELECT "key" FROM (\S+?)\)\)/g)) {
    if (!/^to_utf8\(.*\)$/.test(m[1]!)) out.push(`${view[1]}: hmac_sha256 data ${m[1]} is not varbinary (${trino.functions.hmac_sha256.signature})`);
    if (m[2] !== keyTable) out.push(`${view[1]}: the key comes from ${m[2]}, not ${keyTable}`);
  }
  return out;
}

function problems(c: Case, format: 'hive' | 'iceberg'): string[] {
  const out: string[] = [];
  const config = c.config;
  const keyTable = `${config.trino.catalogs.trusted}.${config.trino.maskingKey.schema}.${config.trino.maskingKey.table}`;
  const partitioned = new Set<string>();
  const all: Table[] = [];
  for (const [path, sql] of c.files) {
    if (!path.startsWith('trino/') || !path.endsWith('.sql')) continue;
    const ts = tables(sql);
    all.push(...ts);
    for (const t of ts) if (arrayOf(t.props.partitioned_by ?? '').length) partitioned.add(t.name);
    if (!path.endsWith('.refresh.sql') && !path.endsWith('schemas.sql') && !path.endsWith('pii-key.sql')) {
      if (ts.length !== 2) out.push(`${path}: ${ts.length} tables found, the raw and the trusted expected`);
      out.push(...viewProblems(sql, keyTable).map((p) => `${path}: ${p}`));
      if (sql.includes('hmac_sha256') && !c.files.has('trino/pii-key.sql')) out.push(`${path}: hashes with a key, but no pii-key.sql creates the key table`);
    }
  }
  const key = c.files.get('trino/pii-key.sql');
  if (key) {
    const t = tables(key).find((x) => x.name === keyTable);
    if (!t || JSON.stringify(t.columns) !== JSON.stringify([{ name: 'key', type: 'varbinary' }])) out.push(`pii-key.sql: no table ${keyTable} ("key" varbinary)`);
    if (/INSERT|VALUES \(/.test(key.replace(/^--.*$/gm, ''))) out.push('pii-key.sql: holds a key value');
  }
  // the raw tables are Hive JSON external tables in either mode (test/iceberg.test.ts says why)
  const rawPrefix = `${config.trino.catalogs.raw}.${config.naming.rawSchema}.`;
  for (const t of all) out.push(...tableProblems(t, t.name.startsWith(rawPrefix) ? 'hive' : format));
  for (const [path, text] of c.files) if ((path.startsWith('trino/') && path.endsWith('.refresh.sql')) || path.startsWith('airflow/')) out.push(...syncProblems(text, partitioned).map((p) => `${path}: ${p}`));
  return out;
}

describe('Trino DDL, views and refreshes against Trino (facts from its source)', () => {
  it('cite their sources', () => {
    expect(trino.sources.some((s) => s.repo === 'trinodb/trino' && s.version === '461')).toBe(true);
  });

  for (const format of ['hive', 'iceberg'] as const) {
    it(`${format}: table properties and their types, partition columns, column types, keyed masked views, sync_partition_metadata`, async () => {
      const override = { trino: format === 'iceberg' ? { tableFormat: format, catalogs: { raw: 'hive', trusted: 'iceberg' } } : { tableFormat: format } };
      const targets = ['trino', 'airflow'];
      const cases = [...(await repoCases(targets, override)), ...(await propertyCases(targets, override, 20))];
      expect(cases.flatMap((c) => problems(c, format).map((p) => `${c.label}: ${p}`))).toEqual([]);
    }, 120_000);
  }

  it('would catch an unkeyed hash, a missing SECURITY DEFINER, a property Hive lacks and a wrong partition order (the check can fail)', () => {
    const sql = `CREATE TABLE IF NOT EXISTS hive.trusted.t (\n    d date,\n    a varchar\n)\nWITH (\n    format = 'PARQUET',\n    location = 's3a://b//x/',\n    partitioned_by = ARRAY['d']\n);\nCREATE OR REPLACE VIEW hive.trusted.t_masked\nAS\nSELECT\n    to_hex(sha256(to_utf8(a))) AS a\nFROM hive.trusted.t;`;
    const t = tables(sql)[0]!;
    expect(tableProblems(t, 'hive')).toEqual(['hive.trusted.t: location is not a hive table property', 'hive.trusted.t: location s3a://b//x/ contains //, which Trino refuses', 'hive.trusted.t: partition columns must be the last columns, in partitioned_by order']);
    expect(viewProblems(sql, 'hive.restricted.k')).toEqual(['hive.trusted.t_masked: not SECURITY DEFINER (readers would need the key)', 'hive.trusted.t_masked: an unkeyed sha256, reversible by enumeration']);
  });
});
