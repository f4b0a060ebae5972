import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One PostgreSQL cluster per file; keep the 2-core machine from running too many at once.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
