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
  insights: async () => (await import('./insights.command.js')).registerInsights,
  actions: async () => (await import('./actions.command.js')).registerActions,
  evidence: async () => (await import('./evidence.command.js')).registerEvidence,
  lint: async () => (await import('./lint.command.js')).registerLint,
  serve: async () => (await import('./serve.command.js')).registerServe,
  migrate: async () => (await import('./migrate.command.js')).registerMigrate,
  user: async () => (await import('./user.command.js')).registerUser,
  token: async () => (await import('./token.command.js')).registerToken,
};

/**
 * The commands bin/hindsight.js runs from the bundle (dist/bundle/cli.cjs, made by scripts/bundle-cli.js with a
 * V8 code cache beside it): those that read and write files only. The others (the server and the database, the
 * linter's dictionaries, the evidence readers and their worker, `render` with its charts and PDF printing through
 * playwright-core) run from dist/cli as tsc wrote them, since they read files that sit beside their code; `--help`,
 * `--version` and an unknown name run from the bundle too.
 */
export const BUNDLED_COMMANDS: readonly string[] = ['new', 'validate', 'import', 'metrics', 'evidence'];

/** The command an argument list names: the first word that is not an option, or the one after `help`. */
export function commandOf(argv: readonly string[]): string | undefined {
  const named = argv.find((a) => !a.startsWith('-'));
  return named === 'help' ? argv.slice(argv.indexOf('help') + 1).find((a) => !a.startsWith('-')) : named;
}

/**
 * What `hindsight --help` lists for each command, so that listing them loads none of their modules (the
 * linter's dictionaries cost two seconds). main.test.ts checks it against the commands as they register.
 */
export const COMMAND_HELP: Record<string, { term: string; description: string }> = {
  new: {
    term: 'new [options]',
    description: 'write a new post-mortem from a template, as Postmortem Markdown',
  },
  validate: {
    term: 'validate [options] <files...>',
    description: 'check Postmortem Markdown files against the schema and the semantic rules',
  },
  import: {
    term: 'import [options] <file>',
    description:
      'turn a free-form Markdown post-mortem into Postmortem Markdown, reporting what was recognized',
  },
  render: {
    term: 'render [options] <file>',
    description:
      'render a report for an audience as canonical Markdown, the JSON model, a self-contained HTML page, a PDF, or a wiki page with its charts',
  },
  metrics: {
    term: 'metrics [options] <file>',
    description: 'print the figures derived from a report: response times, impact totals, action statistics',
  },
  insights: {
    term: 'insights [options] [paths...]',
    description:
      'figures over Postmortem Markdown files: durations by quarter and severity, detection, follow-up',
  },
  actions: {
    term: 'actions [options] [paths...]',
    description: 'list the action items of Postmortem Markdown reports, for a person or for CI',
  },
  evidence: {
    term: 'evidence [options] <paths...>',
    description:
      'turn chat exports, alerts, deploys, commits and logs into timeline candidates, or add them to a report',
  },
  lint: {
    term: 'lint [options] [paths...]',
    description: 'check post-mortems for blame, vague impact and missing parts, and score their quality',
  },
  serve: {
    term: 'serve [options]',
    description: 'run the Hindsight server (SQLite file by default, PostgreSQL with a postgres:// URL)',
  },
  migrate: {
    term: 'migrate [options]',
    description: 'bring the database schema up to date (serve does this at start too)',
  },
  user: { term: 'user', description: 'manage local accounts on the server database' },
  token: { term: 'token', description: 'personal API tokens for scripts and the CLI' },
};
