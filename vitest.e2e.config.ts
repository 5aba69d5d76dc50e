import { defineConfig } from 'vitest/config';

// End-to-end tests (a real server and Chromium); kept out of `npm test`, run by `npm run test:e2e` after the
// build. The web app's pure logic is unit-tested by `npm test` (vitest.config.ts).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // One browser at a time: the machine is small and the scenarios are long.
    fileParallelism: false,
    allowOnly: false,
  },
});
