import { AppError } from '../../domain/index.js';
import { createServices } from '../../server/services/index.js';
import { scoreUnscored } from '../../store/index.js';
import { databaseUrl, openMigratedStore } from '../database.js';
import type { RegisterCommand } from './register.js';

export const registerMigrate: RegisterCommand = (program, ctx) => {
  program
    .command('migrate')
    .description('bring the database schema up to date (serve does this at start too)')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .option(
      '--score-reports <n>',
      "then store the linter's quality score of up to n reports that have none (the insights' post-mortem health)",
    )
    .action(async (opts: { db?: string; scoreReports?: string }) => {
      const limit = opts.scoreReports === undefined ? 0 : Number(opts.scoreReports);
      if (!Number.isInteger(limit) || limit < 0)
        throw new AppError(
          'bad_request',
          `--score-reports must be a whole number, not "${opts.scoreReports}"`,
        );
      const { store, applied } = await openMigratedStore(databaseUrl(opts.db));
      try {
        ctx.io.out(
          applied.length === 0
            ? 'The database is up to date.\n'
            : `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`,
        );
        if (limit > 0) {
          // The linter (dictionaries, prose model) is loaded only when asked for. The settings the editor's score
          // uses (severity scale, internal network) give the same score here.
          const { qualityScore } = await import('../../lint/index.js');
          const { severityScale: scale, internalNetwork: network } =
            await createServices(store).settings.get();
          const t0 = performance.now();
          let scored = 0;
          // A batch at a time, each report in its own transaction: stopping part-way keeps what was scored.
          while (scored < limit) {
            const n = await scoreUnscored(store, (r) => qualityScore(r, { scale, network }), {
              limit: Math.min(50, limit - scored),
              budgetMs: Infinity,
            });
            if (n === 0) break;
            scored += n;
          }
          const s = ((performance.now() - t0) / 1000).toFixed(1);
          ctx.io.out(`Scored ${scored} report(s) in ${s} s.\n`);
        }
      } finally {
        await store.close();
      }
    });
};
