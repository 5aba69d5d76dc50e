import { AppError } from '../../domain/index.js';
import { createServices } from '../../server/services/index.js';
import { z } from 'zod';
import { newUserSchema, passwordSchema, ROLES } from '../../server/services/user.service.js';
import { parseWith } from '../../server/services/validation.js';
import { databaseUrl, openMigratedStore } from '../database.js';
import type { RegisterCommand } from './register.js';

export const registerUser: RegisterCommand = (program, ctx) => {
  const user = program.command('user').description('manage local accounts on the server database');
  user
    .command('create')
    .description('create an account (the way to make the first admin)')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'editor')
    .option(
      '--password-stdin',
      'read the password from standard input (without it the account can only use API tokens)',
    )
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .action(
      async (opts: { email: string; name: string; role: string; passwordStdin?: boolean; db?: string }) => {
        let password: string | undefined;
        if (opts.passwordStdin) {
          // One trailing line break is how echo and most password managers end the input; it is not part of it.
          password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
          if (password.length === 0) throw new AppError('bad_request', 'no password on standard input');
        }
        const input = parseWith(
          newUserSchema,
          { email: opts.email, name: opts.name, role: opts.role, password },
          'cannot create the account',
          'bad_request',
        );
        const { store } = await openMigratedStore(databaseUrl(opts.db));
        try {
          const created = await createServices(store).users.create(null, input);
          ctx.io.out(`Created ${created.role} ${created.email} (${created.id}).\n`);
        } finally {
          await store.close();
        }
      },
    );

  user
    .command('set-password')
    .description("set an account's password on the server database; every session of the account ends")
    .requiredOption('--email <email>', 'sign-in email of the account')
    .requiredOption('--password-stdin', 'read the new password from standard input')
    .option('--temporary', 'the person must choose a new password at the next sign-in')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .action(async (opts: { email: string; temporary?: boolean; db?: string }) => {
      const password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
      if (password.length === 0) throw new AppError('bad_request', 'no password on standard input');
      const checked = parseWith(
        z.strictObject({ password: passwordSchema }),
        { password },
        'cannot set the password',
        'bad_request',
      );
      const { store } = await openMigratedStore(databaseUrl(opts.db));
      try {
        const r = await createServices(store).passwords.setFromCommandLine(
          opts.email,
          checked.password,
          opts.temporary === true,
        );
        ctx.io.out(
          `Password set for ${r.user.email}${opts.temporary ? ' (to be changed at the next sign-in)' : ''}; ` +
            `${r.sessionsEnded} session${r.sessionsEnded === 1 ? '' : 's'} ended, ` +
            `${r.tokensStillActive} API token${r.tokensStillActive === 1 ? '' : 's'} still active ` +
            `(revoke them on the profile page if the password leaked).\n`,
        );
      } finally {
        await store.close();
      }
    });

  user
    .command('list')
    .description('list accounts')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .action(async (opts: { db?: string }) => {
      const { store } = await openMigratedStore(databaseUrl(opts.db));
      try {
        for (const u of await createServices(store).users.list(null)) {
          ctx.io.out(`${u.email}\t${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
        }
      } finally {
        await store.close();
      }
    });
};
