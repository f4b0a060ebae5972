/**
 * A Cassandra source, which cannot run here: the reference model of Cassandra's write semantics
 * (test/helpers/cassandra-model.ts) for the dataset's table as the generated CQL declares it (partition key,
 * clustering with its order, regular columns), producing the change events of the Debezium Cassandra agent onto
 * the dataset's topic. With replication factor N every write reaches Kafka up to N times, once per replica's agent,
 * each with its own commit log position and processing time: `replicas` sends them so, interleaved.
 */
import type { Dataset, Field } from '../../generator/model/ir.js';
import { mapType } from '../../generator/model/types.js';
import { CassandraModel, type Bound, type ChangeEvent, type CqlTable, type CqlType, type Row, type WriteOptions } from '../../test/helpers/cassandra-model.js';
import type { Topic } from './kafka.js';
import { canonical, type Canonical } from './lake.js';

/** The model's table for a dataset: its CQL types, key and clustering order. */
export function cqlTable(ds: Dataset): CqlTable {
  const byName = new Map(ds.fields.map((f) => [f.name, f]));
  const col = (f: Field) => ({ name: f.physicalName, type: mapType(f.type).cql as CqlType });
  const key = ds.cassandraKey!;
  return {
    keyspace: ds.source!.database!,
    table: ds.source!.table,
    partitionKey: key.partition.map((n) => col(byName.get(n)!)),
    clustering: key.clustering.map((c) => ({ ...col(byName.get(c.column)!), order: c.order })),
    regular: ds.fields.filter((f) => !ds.primaryKey.includes(f.name)).map(col),
  };
}

export class CassandraCdc {
  readonly model: CassandraModel;
  /** how many replicas' agents send each event (replication factor) */
  replicas = 1;

  constructor(
    readonly ds: Dataset,
    readonly topic: Topic,
    topicPrefix: string,
  ) {
    this.model = new CassandraModel(cqlTable(ds), { name: topicPrefix, version: '3.6.1.Final', cluster: 'mobility' });
  }

  insert(values: Row, o: WriteOptions): void {
    this.send(this.model.insert(values, o), o);
  }
  update(key: Row, set: Row, o: WriteOptions): void {
    this.send(this.model.update(key, set, o), o);
  }
  deleteRow(key: Row, o: WriteOptions): void {
    this.send(this.model.deleteRow(key, o), o);
  }
  deletePartition(key: Row, o: WriteOptions): void {
    this.send(this.model.deletePartition(key, o), o);
  }
  deleteRange(key: Row, start: Bound, end: Bound, o: WriteOptions): void {
    this.send(this.model.deleteRange(key, start, end, o), o);
  }
  snapshot(atMs: number): void {
    this.send(this.model.snapshot(atMs), { ts: atMs * 1000, processedMs: atMs + 5 });
  }

  /** Sends events as the agents do: one copy per replica, the replicas' copies after the first's. */
  send(events: ChangeEvent[], o: WriteOptions): void {
    const processed = o.processedMs ?? Math.floor(o.ts / 1000) + 5;
    for (const e of events) this.topic.send(e.key, e.value, processed);
    for (let agent = 1; agent < this.replicas; agent++) for (const e of events) this.topic.send(e.key, CassandraModel.replica(e, agent, processed + 40 * agent).value, processed + 40 * agent);
  }

  /** The oracle: the table as a read at `asOfMs` returns it, canonical. */
  rows(asOfMs: number): Canonical[] {
    return this.model.rows(asOfMs).map((r) =>
      Object.fromEntries(
        this.ds.fields.map((f) => {
          const v = r[f.physicalName] ?? null;
          if (v === null) return [f.physicalName, null];
          if (f.type.kind === 'timestamp' || f.type.kind === 'timestamp_ntz') return [f.physicalName, String((v as number) * 1000)];
          if (f.type.kind === 'date') return [f.physicalName, new Date((v as number) * 86_400_000).toISOString().slice(0, 10)];
          return [f.physicalName, canonical(f, v)];
        }),
      ),
    );
  }
}
