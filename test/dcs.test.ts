/** DCS 1.x input: converted to the same model; `convert` prints ODCS; diagnostics point into the DCS file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyze } from '../generator/analyze.js';
import { checkSchema } from '../generator/validate/schema-check.js';
import { cli } from './helpers/cli.js';
import { generateFrom } from './helpers/generate.js';

const DCS = `dataContractSpecification: 1.2.1
id: drivers
info:
  title: Drivers
  version: 1.0.0
  owner: mobility-team
servers:
  production:
    type: postgres
    host: db
    port: 5432
    database: app
    schema: public
models:
  drivers:
    description: Driver profiles.
    fields:
      driver_id:
        type: string
        format: uuid
        primaryKey: true
        required: true
      license_class:
        type: string
        enum: [A, B, D]
        required: true
      earnings:
        type: decimal
        precision: 12
        scale: 2
        minimum: 0
      licensed_at:
        type: timestamp
      name:
        type: text
        pii: true
        maxLength: 120
servicelevels:
  retention:
    period: P2Y
  freshness:
    threshold: 30m
`;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'cg-dcs-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
  return d;
}

describe('DCS input', () => {
  it('converts to ODCS that our ODCS schema accepts, with the DCS facts carried over', async () => {
    const d = dir({ 'drivers.dcs.yaml': DCS });
    const r = await cli(['convert', 'drivers.dcs.yaml'], d);
    expect(r.code, r.stderr).toBe(0);
    const odcs = parse(r.stdout);
    expect(odcs).toMatchObject({ apiVersion: 'v3.1.0', kind: 'DataContract', id: 'drivers', version: '1.0.0', team: { name: 'mobility-team' } });
    expect(checkSchema('odcs', { file: 'x', data: odcs, pos: () => ({ line: 1, col: 1 }), keyPos: () => ({ line: 1, col: 1 }) })).toEqual([]);
    const props = odcs.schema[0].properties;
    expect(props.find((p: { name: string }) => p.name === 'earnings')).toMatchObject({ logicalType: 'number', physicalType: 'decimal(12,2)', logicalTypeOptions: { minimum: 0 } });
    expect(props.find((p: { name: string }) => p.name === 'license_class').quality[0]).toMatchObject({ metric: 'invalidValues', arguments: { validValues: ['A', 'B', 'D'] }, mustBe: 0 });
    expect(props.find((p: { name: string }) => p.name === 'name').customProperties).toEqual([{ property: 'contractgen.pii', value: true }]);
  });

  it('models DCS the same way as ODCS, and generates from it', async () => {
    const d = dir({ 'drivers.dcs.yaml': DCS });
    const a = analyze({ cwd: d, contracts: ['.'] });
    expect(a.diagnostics.filter((x) => x.severity !== 'info')).toEqual([]);
    const ds = a.model.datasets[0]!;
    expect(ds.contract.format).toBe('dcs');
    expect(ds.primaryKey).toEqual(['driver_id']);
    expect(ds.fields.map((f) => [f.name, f.type.kind])).toEqual([['driver_id', 'uuid'], ['license_class', 'string'], ['earnings', 'decimal'], ['licensed_at', 'timestamp'], ['name', 'string']]);
    expect(ds.fields[1]!.constraints.enum).toEqual(['A', 'B', 'D']);
    expect(ds.fields[4]!.pii).toBe(true);
    expect(ds.sla).toMatchObject({ retentionMs: 2 * 365 * 86_400_000, freshnessMs: 1_800_000 });
    const { files } = await generateFrom(['.'], d, ['postgres']);
    expect(files.get('postgres/drivers.sql')).toContain("CONSTRAINT drivers_license_class_check CHECK (license_class IN ('A', 'B', 'D'))");
  });

  it('reports problems of a DCS contract at positions in the DCS file', async () => {
    const bad = DCS.replace('        precision: 12\n        scale: 2\n', '');
    const d = dir({ 'drivers.dcs.yaml': bad });
    const r = await cli(['lint', '.'], d);
    // an unsized decimal is a warning (the lake's decimal is named), positioned at the DCS `type: decimal`
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^drivers\.dcs\.yaml:28:15: warning DECIMAL_UNSIZED /m);
  });

  it('rejects DCS schema errors with the DCS rules', async () => {
    const d = dir({ 'x.yaml': DCS.replace('  title: Drivers\n', '') });
    const r = await cli(['lint', 'x.yaml'], d);
    expect(r.stderr).toMatch(/^x\.yaml:3:1: error SCHEMA_REQUIRED missing required key "title" in info$/m);
  });
});
