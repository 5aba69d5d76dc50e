// @ts-check
import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

/** Build one layer rule: the import patterns a folder may not use, and where the code belongs instead. */
const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

const upper = (names) => names.flatMap((n) => [`**/${n}`, `**/${n}/**`]);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'web/dist/**',
      'bench/.cache/**',
      'bench/.cache-mine/**',
      'old/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Type-aware rules (issue 18): a promise nobody awaits loses its error, and an async function handed to
    // something that expects a plain callback (an onClick, a forEach) runs unawaited the same way. They need the
    // TypeScript program, which is most of `npm run lint`'s time, so they run where an unawaited promise does
    // harm unseen: the product (src/, web/src/) and the browser tests (an unawaited step races the page). Unit
    // tests are left out: vitest itself awaits an assertion left hanging (`expect(…).rejects`) and warns, and a
    // forgotten await there fails the test's own assertions.
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The browser tests are *.e2e.test.ts files: checked as above, unlike the unit tests.
    files: ['e2e/**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // A pattern that backtracks super-linearly lets one short input freeze the server (issue 14).
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    // Environment variables are read and checked in one place (issue 18): src/cli/config.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/config.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Read environment variables in src/cli/config.ts (checked with zod, named in its errors) and pass the values in as options.',
        },
      ],
    },
  },
  {
    // The launcher and the build helpers are plain JavaScript run by Node.
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: forbid(
      [
        ...upper(['markdown', 'lint', 'evidence', 'render', 'charts', 'store', 'server', 'cli']),
        'node:fs',
        'node:fs/*',
        'fs',
        'node:net',
        'node:http',
        'node:child_process',
      ],
      'src/domain is the pure model: no I/O and no imports from the layers above it. Put I/O in src/cli, src/store or src/server and pass data in.',
    ),
  },
  {
    files: [
      'src/markdown/**/*.ts',
      'src/lint/**/*.ts',
      'src/evidence/**/*.ts',
      'src/render/**/*.ts',
      'src/charts/**/*.ts',
    ],
    rules: forbid(
      upper(['store', 'server', 'cli']),
      'markdown, lint, evidence, render and charts work on src/domain (render also on charts); the store, server and CLI call them, never the reverse.',
    ),
  },
  {
    files: ['src/fs/**/*.ts'],
    rules: forbid(
      upper(['markdown', 'lint', 'evidence', 'render', 'store', 'server', 'cli']),
      'src/fs holds file-system helpers (the directory walker) shared by the CLI and the evidence readers; it uses src/domain only.',
    ),
  },
  {
    // A migration that has run must do the same on every database it meets later: it uses kysely and its own
    // code only, never a function of ours that may change after it shipped (types are fine: they do not run).
    files: ['src/store/migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['*', '!kysely'],
              allowTypeImports: true,
              message:
                'A migration is frozen: copy what it needs from the code of its day into the migration file instead of importing it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: forbid(
      upper(['server', 'cli']),
      'src/store is called by services in src/server; it never imports them.',
    ),
  },
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: forbid(
      [
        ...upper(['store', 'server', 'cli', 'lint', 'evidence', 'render', 'charts']),
        'node:*',
        'fs',
        'path',
        'child_process',
      ],
      'web/ runs in the browser: import src/domain (types, schemas, labels, guidance, metrics) and reach everything else through the HTTP API (src/server routes), e.g. POST /api/lint for the linter, whose dictionaries load from disk.',
    ),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: forbid(
      upper(['cli']),
      'src/server must not depend on the CLI; put shared logic in a service or in src/domain.',
    ),
  },
);
