/**
 * `mysql` target: MySQL 8 DDL per dataset whose source is MySQL. Identifiers are always backtick-quoted. Value-set
 * CHECKs compare bytes (`CAST(col AS BINARY) IN (…)`), so the source refuses what the lake's case- and
 * accent-sensitive checks would refuse.
 */
import { fileStem } from '../model/naming.js';
import { mysqlDialect } from './lang/dialects.js';
import { columnComment, datasetHeader, inline, tableComment } from './lang/comments.js';
import { nestedSql } from './lang/sql-nested.js';
import { constraintName, fieldChecks, sqlDefault } from './lang/sql.js';
import { bySource, type Target } from './target.js';

/** The dialect lives in lang/dialects.ts (capabilities.ts needs it); re-exported for callers of this module. */
export { mysqlDialect };

export const mysqlTarget: Target = {
  id: 'mysql',
  description: 'MySQL 8 DDL: tables with constraints, unique keys and comments, per MySQL-sourced dataset',
  run(model, ctx) {
    const d = mysqlDialect;
    const files = [];
    const datasets = bySource('mysql', model, ctx.config, 'mysql');
    for (const { ds, src } of datasets) {
      const qualified = `${d.ident(src.database)}.${d.ident(ds.table)}`;
      const byName = new Map(ds.fields.map((f) => [f.name, f]));
      const lines: string[] = [];
      for (const f of ds.fields) {
        const def = sqlDefault(d, f);
        const cc = columnComment(f);
        lines.push(`${d.ident(f.physicalName)} ${d.column(f)}${f.required ? ' NOT NULL' : ' NULL'}${def !== undefined ? ` DEFAULT ${def}` : ''}${cc ? ` COMMENT ${d.string(cc)}` : ''}`);
      }
      if (ds.primaryKey.length) lines.push(`PRIMARY KEY (${ds.primaryKey.map((n) => d.ident(byName.get(n)!.physicalName)).join(', ')})`);
      for (const f of ds.fields) {
        if (f.unique && !(ds.primaryKey.length === 1 && ds.primaryKey[0] === f.name)) {
          lines.push(`UNIQUE KEY ${d.ident(constraintName([ds.table, f.physicalName, 'key'], d.maxIdent))} (${d.ident(f.physicalName)})`);
        }
      }
      // compound unique keys (schema-level duplicateValues rules)
      for (const key of ds.uniqueKeys) {
        const cols = key.map((n) => byName.get(n)!.physicalName);
        lines.push(`UNIQUE KEY ${d.ident(constraintName([ds.table, ...cols, 'key'], d.maxIdent))} (${cols.map((c) => d.ident(c)).join(', ')})`);
      }
      let jsonSchemas = false;
      for (const f of ds.fields) {
        for (const c of fieldChecks(d, ds.table, f)) lines.push(`CONSTRAINT ${d.ident(c.name)} CHECK (${c.expr})`);
        const nested = nestedSql(d, ds.name, ds.table, f);
        for (const c of nested.checks) lines.push(`CONSTRAINT ${d.ident(c.name)} CHECK (${c.expr})`);
        jsonSchemas ||= nested.checks.length > 0;
      }
      // table CHECKs (from an import); one that an imported table of contractgen's already had under the name of a
      // CHECK the contract makes again (a nested constraint read back raw) is that CHECK: it appears once
      const made = new Set(lines.map((l) => /^CONSTRAINT (\S+) /.exec(l)?.[1]).filter((n): n is string => n !== undefined));
      (ds.checks ?? []).forEach((c, i) => {
        const name = d.ident(c.name ?? constraintName([ds.table, 'check', String(i + 1)], d.maxIdent));
        if (!made.has(name)) lines.push(`CONSTRAINT ${name} CHECK (${c.expression})`);
      });
      const tc = tableComment(ds);
      const content = ctx.template('mysql/table.sql')({
        ...datasetHeader(ds),
        database: inline(src.database),
        qualified,
        needs: jsonSchemas ? '8.0.17+ (enforced CHECK constraints, JSON_SCHEMA_VALID)' : '8.0.16+ (enforced CHECK constraints)',
        lines: lines.map((l, i) => (i < lines.length - 1 ? `${l},` : l)),
        tableComment: tc ? d.string(tc) : '',
      });
      files.push({ path: `${fileStem(ds)}.sql`, content, kind: 'sql' as const, sources: [ds.contract.file] });
    }
    return { files, diagnostics: [] };
  },
};
