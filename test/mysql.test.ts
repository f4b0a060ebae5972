/** The mysql target: parsed by dt-sql-parser's MySQL grammar; pinned by the golden case test/cases/mysql-source. */
import { describe, expect, it } from 'vitest';
import { MySQL } from 'dt-sql-parser';
import { generateFrom } from './helpers/generate.js';
import { ROOT } from './helpers/reference.js';

const CONTRACTS = 'examples/mysql-source/contracts';

describe('mysql target', () => {
  it('generates DDL that the MySQL grammar accepts, statement by statement', async () => {
    const { files } = await generateFrom([CONTRACTS], ROOT, ['mysql']);
    const sql = files.get('mysql/payments.sql')!;
    const parser = new MySQL();
    expect(parser.validate(sql)).toEqual([]);
    expect(parser.splitSQLByStatement(sql)?.length).toBe(1);
  });

  it('quotes every identifier, escapes backslashes in literals, and uses case-sensitive patterns', async () => {
    const { files } = await generateFrom([CONTRACTS], ROOT, ['mysql']);
    const sql = files.get('mysql/payments.sql')!;
    expect(sql).toMatch(/^ {4}`payment_id` char\(36\) NOT NULL/m);
    expect(sql).toContain("REGEXP_LIKE(`currency`, '^[A-Z]{3}$', 'c')");
    expect(sql).toContain("'The payment provider''s id for this attempt.'");
  });

  it('skips datasets whose source is not MySQL, with an info diagnostic', async () => {
    const { analysis } = await generateFrom();
    const { generateFiles } = await import('../generator/pipeline.js');
    const { mysqlTarget } = await import('../generator/targets/mysql.js');
    const { checkTarget } = await import('../generator/targets/capabilities.js');
    const r = await generateFiles(analysis, [mysqlTarget]);
    expect([...r.files.keys()]).toEqual(['mysql/.contractgen-manifest.json']);
    // the skips are the mysql target's declared checks (capabilities.ts), which lint and generate both run
    expect(checkTarget('mysql', analysis.model, analysis.config).map((d) => `${d.severity} ${d.rule}`)).toEqual(['info TARGET_SKIPPED', 'info TARGET_SKIPPED']);
    expect(r.diagnostics).toEqual([]);
  });
});
