/**
 * Rules relaxed so that the official example contracts lint with no error but genuine ones: a host name with an
 * underscore is a warning of its own, a table physicalName is checked only where a database source uses it, and a
 * DCS server location may hold the spec's `{model}` placeholder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../generator/analyze.js';
import { RULES } from '../generator/diagnostics/rules.js';

function lint(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-lint-rules-'));
  writeFileSync(join(dir, 'a.yaml'), text);
  return analyze({ cwd: dir, contracts: ['a.yaml'] }).diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.rule}`);
}

const odcs = (servers: string, schemaExtra = '') => `apiVersion: v3.1.0
kind: DataContract
id: c
version: 1.0.0
status: active
${servers}schema:
  - name: orders
${schemaExtra}    properties:
      - name: id
        logicalType: integer
        primaryKey: true
`;
const pg = (host: string) => `servers:\n  - server: db\n    type: postgres\n    host: ${host}\n    port: 5432\n    database: app\n    schema: public\n`;

describe('rules the official examples meet', () => {
  it('SOURCE_HOST_UNDERSCORE: an underscore in a source host is a warning (it was SOURCE_INVALID, an error)', () => {
    expect(RULES.SOURCE_HOST_UNDERSCORE.severity).toBe('warning');
    expect(lint(odcs(pg('my_host')))).toEqual(['7:13 warning SOURCE_HOST_UNDERSCORE']);
    expect(lint(odcs(pg('pg_primary.db_cluster.internal')))).toEqual(['7:13 warning SOURCE_HOST_UNDERSCORE']);
    expect(lint(odcs(pg('db.internal')))).toEqual([]);
    // still not a host name: an error
    expect(lint(odcs(pg('"db host"')))).toEqual(['7:13 error SOURCE_INVALID']);
    expect(lint(odcs(pg('"-db"')))).toEqual(['7:13 error SOURCE_INVALID']);
  });

  it('NAME_INVALID: a table physicalName is a name only where a database source uses it', () => {
    // ODCS's kafka-server example: physicalName orders.avro.v1 on a Kafka server, which contractgen does not read from
    const kafka = 'servers:\n  - server: k\n    type: kafka\n    host: broker:9092\n    format: avro\n';
    expect(lint(odcs(kafka, '    physicalName: orders.avro.v1\n'))).toEqual([]);
    expect(lint(odcs('', '    physicalName: orders.avro.v1\n'))).toEqual([]);
    expect(lint(odcs(pg('db'), '    physicalName: orders.avro.v1\n'))).toEqual(['14:11 error NAME_INVALID']);
  });

  it('a DCS server location may be a URI template with the spec\'s {model} placeholder, not any text', () => {
    const dcs = (location: string) => `dataContractSpecification: 1.2.1
id: orders
info:
  title: Orders
  version: 1.0.0
servers:
  production:
    type: s3
    location: ${location}
    format: json
models:
  orders:
    fields:
      id:
        type: integer
        primaryKey: true
`;
    expect(lint(dcs('s3://bucket/v2/{model}/*.json'))).toEqual([]);
    expect(lint(dcs('"s3://bucket/my orders/*.json"'))).toEqual(['9:15 error SCHEMA_VALUE']);
    expect(lint(dcs('bucket/{model}'))).toEqual(['9:15 error SCHEMA_VALUE']);
  });
});
