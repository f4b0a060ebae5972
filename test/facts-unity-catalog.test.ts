/**
 * The Unity Catalog payloads against what the server checks and stores (test/facts/unity-catalog/server.json, read
 * from unitycatalog/unitycatalog at v0.4.1, v0.5.0 and v0.6.0), for the repository's contracts, the example
 * contracts and the property-based contracts: catalog, schema and table names the server's name check accepts;
 * storage locations in a scheme it accepts (not s3a), with a path below the bucket (v0.6.0 refuses a bucket root
 * for an EXTERNAL table); every column with the fields the server needs (type_text, type_name, position) and an
 * explicit nullable (an omitted one is stored as false), a type_json whose name and nullable match the column
 * (v0.5.0+), positions 0..n-1. How the apply script compares with what the server stores is in
 * test/unity-catalog.test.ts (the server's normalization, its column order, its defaults).
 */
import { describe, expect, it } from 'vitest';
import { facts, filesOf, propertyCases, repoCases } from './helpers/facts.js';

const uc = facts<{ allowedSchemes: string[]; names: { regex: string; max_length: number }; normalizedUrl: { derived_facts: Record<string, string> } }>('unity-catalog/server.json');

function problems(kind: 'catalog' | 'schema' | 'table', p: Record<string, any>): string[] {
  const out: string[] = [];
  const name = new RegExp(`^(?:${uc.names.regex.split(' ')[0]})$`);
  for (const k of kind === 'catalog' ? ['name'] : kind === 'schema' ? ['name', 'catalog_name'] : ['name', 'catalog_name', 'schema_name']) {
    if (!name.test(p[k]) || p[k].length > uc.names.max_length) out.push(`${k} ${JSON.stringify(p[k])} fails the server's name check`);
  }
  if (kind !== 'table') return out;
  const loc = String(p.storage_location);
  const scheme = /^([^:]+):\/\//.exec(loc)?.[1];
  if (!scheme || !uc.allowedSchemes.includes(scheme)) out.push(`storage_location ${loc}: scheme ${scheme} is refused (Unsupported URI scheme)`);
  if (!/^[a-z0-9]+:\/\/[^/]+\/[^/]/.test(loc)) out.push(`storage_location ${loc} is a bucket root (refused for EXTERNAL tables from v0.6.0)`);
  (p.columns as Array<Record<string, any>>).forEach((c, i) => {
    for (const k of ['type_text', 'type_name', 'position', 'nullable']) if (c[k] === undefined) out.push(`column ${c.name}: no ${k}${k === 'nullable' ? ' (stored as false)' : ''}`);
    if (c.position !== i) out.push(`column ${c.name}: position ${c.position}, expected ${i}`);
    const j = JSON.parse(c.type_json);
    for (const k of ['name', 'type', 'nullable', 'metadata']) if (!(k in j)) out.push(`column ${c.name}: type_json.${k} is required`);
    if (j.name !== c.name) out.push(`column ${c.name}: type_json name ${j.name} does not match the column name`);
    if (j.nullable !== c.nullable) out.push(`column ${c.name}: type_json nullable ${j.nullable} does not match the column's`);
  });
  return out;
}

describe('Unity Catalog payloads against the server (facts from its source)', () => {
  it('cite their sources', () => {
    expect(uc.sources.map((s) => s.version)).toEqual(['v0.4.1', 'v0.5.0', 'v0.6.0']);
  });

  it('names, storage locations and columns the server accepts and stores as sent', async () => {
    const cases = [...(await repoCases(['unity-catalog'])), ...(await propertyCases(['unity-catalog'], {}, 20))];
    const payloads = filesOf(cases, (p) => /^unity-catalog\/(catalog|schemas\/.+|tables\/.+)\.json$/.test(p));
    expect(payloads.length).toBeGreaterThan(20);
    const found = payloads.flatMap((f) => problems(f.path.includes('/tables/') ? 'table' : f.path.includes('/schemas/') ? 'schema' : 'catalog', JSON.parse(f.content)).map((p) => `${f.label}: ${p}`));
    expect(found).toEqual([]);
  }, 120_000);

  it('would catch s3a, a bucket root, an omitted nullable and a type_json that does not match (the check can fail)', () => {
    const t = { name: 'a.b', catalog_name: 'c', schema_name: 's', storage_location: 's3a://bucket/', columns: [{ name: 'x', type_text: 'int', type_name: 'INT', position: 0, type_json: '{"name":"y","type":"integer","nullable":true,"metadata":{}}' }] };
    expect(problems('table', t)).toEqual([
      'name "a.b" fails the server\'s name check',
      'storage_location s3a://bucket/: scheme s3a is refused (Unsupported URI scheme)',
      'storage_location s3a://bucket/ is a bucket root (refused for EXTERNAL tables from v0.6.0)',
      'column x: no nullable (stored as false)',
      'column x: type_json name y does not match the column name',
      "column x: type_json nullable true does not match the column's",
    ]);
  });
});
