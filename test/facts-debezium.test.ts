/**
 * The Avro schemas of the relational CDC topics against what Debezium registers (test/facts/debezium/envelope.json,
 * read from debezium/debezium at v3.0.8.Final, v3.1.3.Final and v3.6.1.Final, rendered as Confluent's AvroData
 * does): for every `debezium.version` the config can select, every Envelope of the repository's contracts, the
 * example contracts and the property-based contracts has Debezium's record names and versions (`connect.version`
 * on the Envelope, on the Source struct from 3.1, on the transaction block and the snapshot enum), the Source
 * fields of that version in their order with their types and optionality, and no version on Key and Value. A
 * schema that differs from what the converter derives is registered as a second subject version at the first
 * event.
 */
import { describe, expect, it } from 'vitest';
import { DEBEZIUM_VERSIONS } from '../generator/config/config.js';
import { facts, filesOf, propertyCases, repoCases } from './helpers/facts.js';

interface ConnectField {
  name: string;
  type: 'STRING' | 'INT64' | 'INT32' | 'BOOLEAN' | 'STRUCT';
  optional: boolean;
  schema_name?: string;
  schema_version?: number;
  parameters?: Record<string, string>;
  default?: string;
}
const dbz = facts<{
  versions: Record<string, string>;
  source: { sourceStructVersion: Record<string, number | null>; postgresql: { name: string; fields: Record<string, ConnectField[]>; originSince: string }; mysql: { name: string; fields: Record<string, ConnectField[]> } };
  envelope: { version: number; fields: Array<{ name: string; optional: boolean }>; transactionBlock: { name: string; version: number; fields: ConnectField[] } };
}>('debezium/envelope.json');

/** Which release's facts a configured version follows: the change points are 3.1.0.Alpha1 (versioned Source) and 3.5.0.Beta1 (origin fields). */
function factsVersion(v: string): '3.0' | '3.1' | '3.6' {
  const minor = Number(v.split('.')[1]);
  return minor < 1 ? '3.0' : minor < 5 ? '3.1' : '3.6';
}

const AVRO: Record<string, string> = { STRING: 'string', INT64: 'long', INT32: 'int', BOOLEAN: 'boolean' };

/** A Connect field as AvroData writes it: optional without default → ["null", T] default null; with a default → [T, "null"]. */
function avroField(f: ConnectField): unknown {
  const base = f.schema_name ? { type: AVRO[f.type], ...(f.schema_version !== undefined ? { 'connect.version': f.schema_version } : {}), ...(f.parameters ? { 'connect.parameters': f.parameters } : {}), ...(f.default !== undefined ? { 'connect.default': f.default } : {}), 'connect.name': f.schema_name } : AVRO[f.type];
  if (!f.optional) return { name: f.name, type: base };
  return f.default !== undefined ? { name: f.name, type: [base, 'null'], default: f.default } : { name: f.name, type: ['null', base], default: null };
}

function problems(envelope: Record<string, any>, key: Record<string, any>, value: Record<string, any>, configured: string): string[] {
  const out: string[] = [];
  const fv = factsVersion(configured);
  if (envelope['connect.version'] !== dbz.envelope.version) out.push(`Envelope connect.version ${envelope['connect.version']}, Debezium writes ${dbz.envelope.version}`);
  if (envelope['connect.name'] !== `${envelope.namespace}.Envelope`) out.push(`Envelope connect.name ${envelope['connect.name']}`);
  const names = (envelope.fields as Array<{ name: string }>).map((f) => f.name);
  if (JSON.stringify(names) !== JSON.stringify(dbz.envelope.fields.map((f) => f.name))) out.push(`Envelope fields ${names.join(',')}`);
  for (const r of [key, value]) if ('connect.version' in r) out.push(`${r.name} has a connect.version; Debezium sets none on Key and Value`);
  const source = (envelope.fields as Array<{ name: string; type: Record<string, any> }>).find((f) => f.name === 'source')!.type;
  const kind = source.namespace === dbz.source.postgresql.name.replace(/\.Source$/, '') ? 'postgresql' : 'mysql';
  const want = dbz.source[kind];
  if (source['connect.name'] !== want.name || `${source.namespace}.${source.name}` !== want.name) out.push(`Source named ${source.namespace}.${source.name} (${source['connect.name']}), Debezium ${want.name}`);
  const version = dbz.source.sourceStructVersion[fv];
  if ((source['connect.version'] ?? null) !== version) out.push(`Source connect.version ${source['connect.version']}, Debezium ${dbz.versions[fv]} writes ${version}`);
  const expected = want.fields[fv]!.map(avroField);
  if (JSON.stringify(source.fields) !== JSON.stringify(expected)) out.push(`Source fields differ from Debezium ${dbz.versions[fv]}:\n  have ${JSON.stringify(source.fields)}\n  want ${JSON.stringify(expected)}`);
  const tx = (envelope.fields as Array<{ name: string; type: unknown[] }>).find((f) => f.name === 'transaction')!.type[1] as Record<string, any>;
  const txw = dbz.envelope.transactionBlock;
  if (`${tx.namespace}.${tx.name}` !== txw.name || tx['connect.version'] !== txw.version || JSON.stringify(tx.fields) !== JSON.stringify(txw.fields.map(avroField))) out.push(`transaction block ${JSON.stringify(tx)}`);
  return out;
}

describe('Avro schemas against Debezium (facts from its source)', () => {
  it('cite their sources', () => {
    expect(dbz.sources.filter((s) => s.repo === 'debezium/debezium').map((s) => s.version)).toEqual(expect.arrayContaining(['v3.0.8.Final', 'v3.1.3.Final', 'v3.6.1.Final']));
  });

  for (const version of DEBEZIUM_VERSIONS) {
    it(`Debezium ${version}: Envelope, Source and transaction block as the converter registers them`, async () => {
      const override = { debezium: { version } };
      const cases = [...(await repoCases(['avro'], override)), ...(await propertyCases(['avro'], override, 15))];
      const envelopes = filesOf(cases, (p) => p.endsWith('/Envelope.avsc'));
      expect(envelopes.length).toBeGreaterThan(3);
      const found = envelopes.flatMap((e) => {
        const c = cases.find((x) => e.label.startsWith(`${x.label}:`))!;
        const dir = e.path.slice(0, -'Envelope.avsc'.length);
        return problems(JSON.parse(e.content), JSON.parse(c.files.get(`${dir}Key.avsc`)!), JSON.parse(c.files.get(`${dir}Value.avsc`)!), version).map((p) => `${e.label}: ${p}`);
      });
      expect(found).toEqual([]);
    }, 120_000);
  }
});
