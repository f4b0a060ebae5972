/** The Cassandra partition and clustering key of a dataset: from the schema extensions, else from the primary key. */
import type { PathSeg } from '../../load/yaml.js';
import { EXT, type Extensions } from '../extensions.js';
import type { Dataset } from '../ir.js';
import type { BuildContext } from './context.js';

export function cassandraKey(ctx: BuildContext, ds: Dataset, ext: Extensions, path: readonly PathSeg[]): Dataset['cassandraKey'] {
  const names = new Set(ds.fields.map((f) => f.name));
  let partition = ext.get(EXT.cassandraPartitionKey);
  let clustering = ext.get(EXT.cassandraClusteringKey)?.map((c) => ({ column: c.column, order: c.order ?? 'ASC' }));
  if (!partition) {
    if (ds.primaryKey.length === 0) return undefined; // PK_REQUIRED reports it
    partition = [ds.primaryKey[0]!];
    clustering ??= ds.primaryKey.slice(1).map((c) => ({ column: c, order: 'ASC' as const }));
  }
  clustering ??= [];
  const all = [...partition, ...clustering.map((c) => c.column)];
  const missing = all.filter((c) => !names.has(c));
  if (missing.length) {
    ctx.report('CASSANDRA_KEY', [...path, 'name'], `Cassandra key names unknown field(s): ${missing.join(', ')}`);
    return undefined;
  }
  if (new Set(all).size !== all.length) {
    ctx.report('CASSANDRA_KEY', [...path, 'name'], 'a column appears twice in the Cassandra key');
    return undefined;
  }
  if (ds.primaryKey.length && (ds.primaryKey.length !== all.length || !ds.primaryKey.every((c) => all.includes(c)))) {
    ctx.report('CASSANDRA_KEY',
      [...path, 'name'],
      `the Cassandra key (${all.join(', ')}) must be the dataset's primary key (${ds.primaryKey.join(', ')}): mark exactly those fields primaryKey: true`,
    );
    return undefined;
  }
  return { partition, clustering };
}
