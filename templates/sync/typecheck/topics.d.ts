/**
 * Used only by the type-check of templates/sync/static/ (tsconfig.static.json, `npm run typecheck`), never copied:
 * the exports of the topics.ts that the sync target builds with ts-morph from the contracts. test/sync.test.ts
 * checks that a generated topics.ts is assignable to this.
 */
export interface TopicDefinition {
  readonly topic: string;
  readonly dataset: string;
  readonly source: 'postgres' | 'mysql' | 'cassandra';
  readonly valueFormat: 'avro' | 'json';
}

export declare const TOPICS: readonly TopicDefinition[];

export type TopicName = string;

export declare const DEFAULTS: {
  brokers: string;
  groupId: string;
  deadLetterTopic: string;
  endpoint: string;
  bucket: string;
  region: string;
  prefix: string;
  maxRecords: number;
  maxBytes: number;
  maxAgeMs: number;
  retries: number;
  backoffMs: number;
  s3TimeoutMs: number;
  httpPort: number;
};
