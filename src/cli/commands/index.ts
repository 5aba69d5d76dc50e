import type { RegisterCommand } from './register.js';

/**
 * Each command by name, its module loaded only when asked for: a run loads the one command it runs (the
 * linter's dictionaries only for `lint`, the server only for `serve`), so start-up stays close to Node's own.
 * The order is the order of `hindsight --help`.
 */
export const COMMANDS: Record<string, () => Promise<RegisterCommand>> = {
  new: async () => (await import('./new.command.js')).registerNew,
  validate: async () => (await import('./validate.command.js')).registerValidate,
  import: async () => (await import('./import.command.js')).registerImport,
  render: async () => (await import('./render.command.js')).registerRender,
  metrics: async () => (await import('./metrics.command.js')).registerMetrics,
  evidence: async () => (await import('./evidence.command.js')).registerEvidence,
  lint: async () => (await import('./lint.command.js')).registerLint,
  serve: async () => (await import('./serve.command.js')).registerServe,
  migrate: async () => (await import('./migrate.command.js')).registerMigrate,
  user: async () => (await import('./user.command.js')).registerUser,
  token: async () => (await import('./token.command.js')).registerToken,
};
