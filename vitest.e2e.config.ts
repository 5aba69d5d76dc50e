import { defineConfig } from 'vitest/config';

// End-to-end tests (a real server and Chromium) and the web app's pure logic; kept out of `npm test`,
// run by `npm run test:e2e` after the build.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // One browser at a time: the machine is small and the scenarios are long.
    fileParallelism: false,
    allowOnly: false,
  },
});
