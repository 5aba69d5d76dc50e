import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The web app's unit tests (pure model code) run here too; its browser tests are in e2e/.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A green run must mean every test ran: `.only` fails the run in CI.
    allowOnly: false,
  },
});
