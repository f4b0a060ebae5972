/** `cassandra` target: CQL keyspace and table per Cassandra-sourced dataset, with CDC enabled on the table. */
import type { Field, LogicalType } from '../model/ir.js';
import { quoteCql, sqlString } from '../model/names.js';
import { fileStem } from '../model/naming.js';
import { elementsOf } from '../model/nested.js';
import { cqlUdtName, mapType } from '../model/types.js';
import { columnComment, datasetHeader, lineComment, tableComment } from './lang/comments.js';
import { bySource, type Target } from './target.js';

/** A CQL map literal: {'class': 'NetworkTopologyStrategy', 'dc1': 3}. Values are quoted strings or numbers. */
export function cqlMap(m: Record<string, string | number>): string {
  return `{${Object.entries(m)
    .map(([k, v]) => `${sqlString(k)}: ${typeof v === 'number' ? String(v) : sqlString(v)}`)
    .join(', ')}}`;
}

type ObjectType = Extract<LogicalType, { kind: 'object' }>;

/** The user-defined types a table's columns use, each after the types it contains (CQL needs them created first). */
export function udtsOf(fields: readonly Field[]): ObjectType[] {
  const out: ObjectType[] = [];
  const names = new Set<string>();
  const visit = (t: LogicalType) => {
    if (t.kind === 'object') {
      for (const f of t.fields) visit(f.type);
      if (!names.has(cqlUdtName(t))) {
        names.add(cqlUdtName(t));
        out.push(t);
      }
    }
    for (const e of elementsOf(t)) visit(e.type);
  };
  for (const f of fields) visit(f.type);
  return out;
}

export const cassandraTarget: Target = {
  id: 'cassandra',
  description: 'Cassandra CQL: keyspace and table with partition and clustering keys and cdc = true, per Cassandra-sourced dataset',
  run(model, ctx) {
    const files = [];
    const datasets = bySource('cassandra', model, ctx.config, 'cassandra');
    for (const { ds, src } of datasets) {
      const key = ds.cassandraKey;
      if (!key) continue; // not served (capabilities.ts): it has no primary key
      const byName = new Map(ds.fields.map((f) => [f.name, f]));
      const col = (n: string) => quoteCql(byName.get(n)!.physicalName);
      const keyspace = quoteCql(src.database);
      const lines: string[] = [];
      for (const f of ds.fields) {
        const cc = columnComment(f);
        if (cc) lines.push(lineComment('--', cc));
        lines.push(`${quoteCql(f.physicalName)} ${mapType(f.type).cql},`);
      }
      const partition = key.partition.map(col);
      const pk = `PRIMARY KEY (${partition.length > 1 ? `(${partition.join(', ')})` : partition[0]}${key.clustering.map((c) => `, ${col(c.column)}`).join('')})`;
      lines.push(pk);
      const options: string[] = [];
      if (key.clustering.length) options.push(`CLUSTERING ORDER BY (${key.clustering.map((c) => `${col(c.column)} ${c.order}`).join(', ')})`);
      options.push('cdc = true');
      if (ds.cassandraTtlSeconds !== undefined) {
        // Rows expire after the retention SLA; time windows let whole SSTables drop once all their data expired
        // (about 30 windows over the time to live). Expiry emits no CDC event: the lake expires the same rows.
        const days = Math.max(1, Math.ceil(ds.cassandraTtlSeconds / 86_400 / 30));
        options.push(`default_time_to_live = ${ds.cassandraTtlSeconds}`);
        options.push(`compaction = ${cqlMap({ class: 'TimeWindowCompactionStrategy', compaction_window_unit: 'DAYS', compaction_window_size: days })}`);
      }
      const tc = tableComment(ds);
      if (tc) options.push(`comment = ${sqlString(tc)}`);
      // a nested object is a frozen user-defined type, created before the table
      const types = udtsOf(ds.fields).map((t) => ({
        qualified: `${keyspace}.${quoteCql(cqlUdtName(t))}`,
        fields: t.fields.map((f, i) => `${quoteCql(f.physicalName)} ${mapType(f.type).cql}${i < t.fields.length - 1 ? ',' : ''}`),
      }));
      const content = ctx.template('cassandra/table.cql')({
        ...datasetHeader(ds),
        partitionKey: key.partition.join(', '),
        clustering: key.clustering.map((c) => `${c.column} ${c.order}`).join(', ') || 'none',
        keyspace,
        replication: cqlMap(src.cassandra?.replication ?? {}),
        qualified: `${keyspace}.${quoteCql(ds.table)}`,
        types,
        lines: lines.flatMap((l) => l.split('\n')),
        options: options.join('\n  AND '),
      });
      files.push({ path: `${fileStem(ds)}.cql`, content, kind: 'cql' as const, sources: [ds.contract.file] });
    }
    return { files, diagnostics: [] };
  },
};
