import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the docs site in Debian's Chromium (test/browser). Kept out of `npm test`, which must
// pass on a fresh machine without a browser; .ci/run installs Chromium and runs both.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
