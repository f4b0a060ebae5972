/**
 * Kafka as far as the sources and the sync see it: topics of partitions, records appended with the default
 * partitioner (murmur2 of the key), offsets per partition, the producer's timestamp.
 */
import type { RawRecord } from '../../generated/sync/runtime.js';

/** Kafka's default partitioner for keyed records: murmur2 of the key bytes, made positive, modulo the partitions. */
export function kafkaPartition(key: Buffer | null, partitions: number, roundRobin = 0): number {
  if (key === null) return roundRobin % partitions;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const len = key.length;
  let h = (seed ^ len) | 0;
  const words = len >> 2;
  for (let i = 0; i < words; i++) {
    const o = i * 4;
    let k = (key[o]! & 0xff) | ((key[o + 1]! & 0xff) << 8) | ((key[o + 2]! & 0xff) << 16) | ((key[o + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = len & 3;
  const tail = words * 4;
  if (rest === 3) h ^= (key[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (key[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= key[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}

/** A topic's log: records appended as a producer would, read back in any interleaving of its partitions. */
export class Topic {
  readonly records: RawRecord[] = [];
  private readonly next: number[];
  private unkeyed = 0;

  constructor(
    readonly name: string,
    readonly partitions: number,
  ) {
    this.next = Array.from({ length: partitions }, () => 0);
  }

  /** Appends a record (a null value is a tombstone) to the partition of its key; returns it. */
  send(key: Buffer | null, value: Buffer | null, timestampMs: number, partition?: number): RawRecord {
    const p = partition ?? kafkaPartition(key, this.partitions, this.unkeyed++);
    const r: RawRecord = { topic: this.name, partition: p, offset: String(this.next[p]!++), timestamp: String(timestampMs), key, value, headers: [] };
    this.records.push(r);
    return r;
  }
}
