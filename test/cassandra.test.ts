/**
 * The cassandra target. No CQL parser or Cassandra server exists offline, so: identifiers are checked against
 * the real CQL reserved-word list (the DataStax Python driver 3.25.0's `cql_keywords_reserved`, recorded with its
 * source in test/fixtures/cql/driver-3.25.0-reserved.txt), and golden tests pin the CQL.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CQL_RESERVED, quoteCql } from '../generator/model/names.js';
import { generateFrom } from './helpers/generate.js';
import { ROOT } from './helpers/reference.js';

/** The driver's reserved words, as recorded (comment lines start with `#`). */
function driverReservedWords(): string[] {
  return readFileSync(join(ROOT, 'test/fixtures/cql/driver-3.25.0-reserved.txt'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
}

describe('cassandra target', () => {
  it('knows every word the Cassandra driver reserves', () => {
    const words = driverReservedWords();
    expect(words.length).toBe(105); // the count the driver's set has; a truncated file fails here
    expect(words).toEqual([...words].sort());
    expect(words).toEqual(expect.arrayContaining(['add', 'keyspace', 'select', 'token', 'where']));
    for (const w of words) {
      expect(CQL_RESERVED.has(w), w).toBe(true);
      expect(quoteCql(w)).toBe(`"${w}"`);
    }
  });

  it('quotes no identifier that does not need it, and every one that does', async () => {
    const { files } = await generateFrom();
    const cql = files.get('cassandra/rides.cql')!;
    const reserved = new Set(driverReservedWords());
    const idents = [...cql.matchAll(/^ {4}([a-z_][a-z0-9_]*) [a-z<>]+,$/gm)].map((m) => m[1]!);
    expect(idents.length).toBeGreaterThan(15);
    for (const id of idents) expect(reserved.has(id), id).toBe(false);
  });

  it('matches the golden CQL for rides', async () => {
    const { files } = await generateFrom();
    expect(files.get('cassandra/rides.cql')).toBe(readFileSync(join(ROOT, 'generated/cassandra/rides.cql'), 'utf8'));
  });

  it('declares the partition key, clustering order and CDC', async () => {
    const { files } = await generateFrom();
    const cql = files.get('cassandra/rides.cql')!;
    expect(cql).toContain('PRIMARY KEY ((city, requested_date), requested_at, ride_id)');
    expect(cql).toContain(') WITH CLUSTERING ORDER BY (requested_at DESC, ride_id ASC)');
    expect(cql).toContain('  AND cdc = true');
    expect(cql).toContain("WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}");
    expect(cql).toMatch(/^ {4}fare_amount decimal,$/m);
  });

  it('quotes reserved and mixed-case names and keeps comments on one line each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-cql-'));
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(
      join(dir, 'contracts', 'events.yaml'),
      [
        'apiVersion: v3.1.0', 'kind: DataContract', 'id: events', 'version: 1.0.0', 'status: active',
        'servers:', '  - server: c', '    type: custom', '    customProperties:',
        '      - {property: contractgen.server.kind, value: cassandra}', '      - {property: contractgen.cassandra.keyspace, value: ks}',
        'schema:', '  - name: events', '    properties:',
        '      - {name: token, logicalType: string, primaryKey: true, description: "line one\\nDROP TABLE x; -- line two"}',
        '      - {name: userName, logicalType: integer}',
      ].join('\n') + '\n',
    );
    const { files } = await generateFrom(['contracts'], dir, ['cassandra']);
    const cql = files.get('cassandra/events.cql')!;
    expect(cql).toContain('    "token" text,');
    expect(cql).toContain('    "userName" int,');
    expect(cql).toContain('PRIMARY KEY ("token")');
    expect(cql).toContain('    -- line one\n    -- DROP TABLE x; -- line two\n');
  });
});
