import { databaseUrl, openMigratedStore } from '../database.js';
import type { RegisterCommand } from './register.js';

export const registerMigrate: RegisterCommand = (program, ctx) => {
  program
    .command('migrate')
    .description('bring the database schema up to date (serve does this at start too)')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .action(async (opts: { db?: string }) => {
      const { store, applied } = await openMigratedStore(databaseUrl(opts.db));
      await store.close();
      ctx.io.out(
        applied.length === 0
          ? 'The database is up to date.\n'
          : `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`,
      );
    });
};
