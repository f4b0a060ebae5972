/** The static registry of targets, in the order they run and are listed. */
import { cassandraTarget } from './cassandra.js';
import { mysqlTarget } from './mysql.js';
import { postgresTarget } from './postgres.js';
import type { Target } from './target.js';

export const TARGETS: readonly Target[] = [postgresTarget, mysqlTarget, cassandraTarget];

export function targetById(id: string): Target | undefined {
  return TARGETS.find((t) => t.id === id);
}
