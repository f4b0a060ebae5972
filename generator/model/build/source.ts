/** The CDC source of a contract: the one database server (PostgreSQL, MySQL, or Cassandra through the server extensions). */
import { EXT, type Extensions } from '../extensions.js';
import type { SourceBinding } from '../ir.js';
import { arr, isObj, strOr, type BuildContext, type Obj } from './context.js';
import { readExtensions } from './extensions.js';

const SOURCE_TYPES: Record<string, SourceBinding['kind']> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql' };

export function findSource(ctx: BuildContext, odcs: Obj): Omit<SourceBinding, 'table'> | undefined {
  const candidates: Array<{ s: Obj; i: number; kind: SourceBinding['kind']; ext: Extensions }> = [];
  arr(odcs.servers).forEach((s, i) => {
    if (!isObj(s)) return;
    const ext = readExtensions(ctx, s, ['servers', i], 'server');
    const type = strOr(s.type) ?? '';
    const kind = SOURCE_TYPES[type] ?? (type === 'custom' && ext.get(EXT.serverKind) === 'cassandra' ? 'cassandra' : undefined);
    if (kind) candidates.push({ s, i, kind, ext });
  });
  if (candidates.length === 0) return undefined;
  let chosen = candidates[0]!;
  if (candidates.length > 1) {
    const marked = candidates.filter((c) => c.ext.get(EXT.source) === true);
    if (marked.length !== 1) {
      ctx.report('SOURCE_AMBIGUOUS',
        ['servers', candidates[1]!.i, 'server'],
        `${candidates.length} database servers; mark the CDC source with the custom property contractgen.source: true on exactly one`,
      );
      return undefined;
    }
    chosen = marked[0]!;
  }
  const { s, i, kind, ext } = chosen;
  const base = { kind, server: String(s.server), host: strOr(s.host) ?? '', port: typeof s.port === 'number' ? s.port : 0, at: ctx.ref(['servers', i, 'server']) };
  if (kind === 'cassandra') {
    const keyspace = ext.get(EXT.cassandraKeyspace);
    if (!keyspace) {
      ctx.report('SOURCE_INVALID', ['servers', i, 'server'], 'a Cassandra server needs the custom property contractgen.cassandra.keyspace');
      return undefined;
    }
    const replication = ext.get(EXT.cassandraReplication) ?? { class: 'NetworkTopologyStrategy', datacenter1: 3 };
    const datacenter = ext.get(EXT.cassandraDatacenter);
    return { ...base, host: base.host || 'cassandra', port: base.port || 9042, database: keyspace, cassandra: { replication, ...(datacenter ? { datacenter } : {}) } };
  }
  return { ...base, database: strOr(s.database) ?? '', ...(kind === 'postgres' ? { schema: strOr(s.schema) ?? 'public' } : {}) };
}
