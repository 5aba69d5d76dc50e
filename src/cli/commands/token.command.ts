import { AppError } from '../../domain/index.js';
import { actorOf } from '../../server/services/access.js';
import { createServices } from '../../server/services/index.js';
import { databaseUrl, openMigratedStore } from '../database.js';
import type { RegisterCommand } from './register.js';

export const registerToken: RegisterCommand = (program, ctx) => {
  const token = program.command('token').description('personal API tokens for scripts and the CLI');
  token
    .command('create')
    .description('create an API token for an account and print it once')
    .requiredOption('--email <email>', 'the account the token acts as')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .action(async (opts: { email: string; name: string; db?: string }) => {
      const { store } = await openMigratedStore(databaseUrl(opts.db));
      try {
        const services = createServices(store);
        const user = await services.users.byEmail(opts.email);
        if (!user) throw new AppError('not_found', `no account with email ${opts.email}`);
        if (user.disabled) throw new AppError('forbidden', `the account ${user.email} is disabled`);
        const name = opts.name.trim() || 'cli';
        const { token: secret } = await services.auth.createToken(actorOf(user, 'cli'), name);
        ctx.io.out(`${secret}\n`);
        ctx.io.err('This token is shown only now; send it as "Authorization: Bearer <token>".\n');
      } finally {
        await store.close();
      }
    });
};
