/** `postgres` target: PostgreSQL DDL per dataset whose source is PostgreSQL. */
import { sqlString } from '../model/names.js';
import { fileStem } from '../model/naming.js';
import { pgDialect } from './lang/dialects.js';
import { columnComment, datasetHeader, inline, tableComment } from './lang/comments.js';
import { nestedSql, PG_HELPERS, pgHelperSql, type PgHelper } from './lang/sql-nested.js';
import { constraintName, fieldChecks, sqlDefault } from './lang/sql.js';
import { bySource, type Target } from './target.js';

/** The dialect lives in lang/dialects.ts (capabilities.ts needs it); re-exported for callers of this module. */
export { pgDialect };

export const postgresTarget: Target = {
  id: 'postgres',
  description: 'PostgreSQL DDL: tables, NOT NULL/UNIQUE/CHECK constraints, indexes and comments, per PostgreSQL-sourced dataset',
  run(model, ctx) {
    const d = pgDialect;
    const files = [];
    const foreignKeys: Array<{ sql: string; source: string }> = [];
    const datasets = bySource('postgres', model, ctx.config, 'postgres');
    for (const { ds, src } of datasets) {
      const schema = src.schema ?? ctx.config.postgres.defaultSchema;
      const qualified = `${d.ident(schema)}.${d.ident(ds.table)}`;
      const lines: string[] = [];
      for (const f of ds.fields) {
        const def = sqlDefault(d, f);
        lines.push(`${d.ident(f.physicalName)} ${d.column(f)}${f.required ? ' NOT NULL' : ''}${def !== undefined ? ` DEFAULT ${def}` : ''}`);
      }
      const byName = new Map(ds.fields.map((f) => [f.name, f]));
      const pkCols = ds.primaryKey.map((n) => d.ident(byName.get(n)!.physicalName));
      if (pkCols.length) lines.push(`CONSTRAINT ${d.ident(constraintName([ds.table, 'pkey'], d.maxIdent))} PRIMARY KEY (${pkCols.join(', ')})`);
      // compound unique keys (schema-level duplicateValues rules)
      for (const key of ds.uniqueKeys) {
        const cols = key.map((n) => byName.get(n)!.physicalName);
        lines.push(`CONSTRAINT ${d.ident(constraintName([ds.table, ...cols, 'key'], d.maxIdent))} UNIQUE (${cols.map((c) => d.ident(c)).join(', ')})`);
      }
      const helpers = new Set<PgHelper>();
      for (const f of ds.fields) {
        for (const c of fieldChecks(d, ds.table, f)) lines.push(`CONSTRAINT ${d.ident(c.name)} CHECK (${c.expr})`);
        const nested = nestedSql(d, ds.name, ds.table, f, `${d.ident(schema)}.`);
        for (const c of nested.checks) lines.push(`CONSTRAINT ${d.ident(c.name)} CHECK (${c.expr})`);
        for (const h of nested.helpers) helpers.add(h);
      }
      // table CHECKs (from an import); one that an imported table of contractgen's already had under the name of a
      // CHECK the contract makes again (a nested constraint read back raw) is that CHECK: it appears once
      const made = new Set(lines.map((l) => /^CONSTRAINT (\S+) /.exec(l)?.[1]).filter((n): n is string => n !== undefined));
      (ds.checks ?? []).forEach((c, i) => {
        const name = d.ident(c.name ?? constraintName([ds.table, 'check', String(i + 1)], d.maxIdent));
        if (!made.has(name)) lines.push(`CONSTRAINT ${name} CHECK (${c.expression})`);
      });
      // a table CHECK that calls one of contractgen's helper functions (an imported table contractgen made) gets it too
      for (const c of ds.checks ?? []) for (const h of Object.keys(PG_HELPERS) as PgHelper[]) if (new RegExp(`\\b${h}\\s*\\(`).test(c.expression)) helpers.add(h);
      // Foreign keys only inside one database (relationships across systems are checked by the quality suites),
      // and in foreign-keys.sql, applied after every table exists: contracts may reference each other in a cycle.
      for (const rel of ds.relationships) {
        const target = model.datasets.find((x) => x.name === rel.toDataset);
        const ts = target?.source;
        if (!target || ts?.kind !== 'postgres' || ts.host !== src.host || ts.port !== src.port || ts.database !== src.database) continue;
        const tf = rel.toFields.map((n) => d.ident(target.fields.find((x) => x.name === n)!.physicalName));
        const ff = rel.from.map((n) => d.ident(byName.get(n)!.physicalName));
        foreignKeys.push({
          sql: `ALTER TABLE ${qualified} ADD CONSTRAINT ${d.ident(constraintName([ds.table, ...rel.from, 'fkey'], d.maxIdent))} FOREIGN KEY (${ff.join(', ')}) REFERENCES ${d.ident(ts.schema ?? 'public')}.${d.ident(target.table)} (${tf.join(', ')});`,
          source: ds.contract.file,
        });
      }
      const indexes = ds.fields
        .filter((f) => f.unique && !(ds.primaryKey.length === 1 && ds.primaryKey[0] === f.name))
        .map((f) => `CREATE UNIQUE INDEX ${d.ident(constraintName([ds.table, f.physicalName, 'key'], d.maxIdent))} ON ${qualified} (${d.ident(f.physicalName)});`);
      const comments: string[] = [];
      const tc = tableComment(ds);
      if (tc) comments.push(`COMMENT ON TABLE ${qualified} IS ${sqlString(tc)};`);
      for (const f of ds.fields) {
        const cc = columnComment(f);
        if (cc) comments.push(`COMMENT ON COLUMN ${qualified}.${d.ident(f.physicalName)} IS ${sqlString(cc)};`);
      }
      const content = ctx.template('postgres/table.sql')({
        ...datasetHeader(ds),
        database: inline(src.database),
        schema: inline(schema),
        createSchema: schema !== 'public',
        schemaIdent: d.ident(schema),
        qualified,
        helpers: pgHelperSql(d.ident(schema), helpers),
        lines: lines.map((l, i) => (i < lines.length - 1 ? `${l},` : l)),
        indexes,
        comments,
      });
      files.push({ path: `${fileStem(ds)}.sql`, content, kind: 'sql' as const, sources: [ds.contract.file] });
    }
    if (foreignKeys.length) {
      files.push({ path: 'foreign-keys.sql', content: `-- Run after every table file.\n${foreignKeys.map((f) => f.sql).join('\n')}\n`, kind: 'sql' as const, sources: [...new Set(foreignKeys.map((f) => f.source))] });
    }
    return { files, diagnostics: [] };
  },
};
