import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { passwordChangeReplySchema } from '../../domain/api-contract.js';
import { actor } from '../auth.hook.js';
import { replies } from '../contract.js';
import { presentUser } from '../presenters.js';
import type { Services } from '../services/index.js';
import type { PasswordChangeResult } from '../services/password-change.service.js';
import { passwordSchema } from '../services/user.service.js';
import { uuidSchema } from './schemas.js';

const present = (r: PasswordChangeResult) => ({
  user: presentUser(r.user),
  sessionsEnded: r.sessionsEnded,
  tokensStillActive: r.tokensStillActive,
});

/** Changing one's own password and an admin's reset of someone else's. */
export function passwordRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['accounts'];
    app.post(
      '/api/auth/password',
      {
        schema: {
          tags,
          summary:
            'Change your own password (the current one required); your other sessions end, API tokens keep working',
          body: z.strictObject({ current: z.string().min(1).max(1024), password: passwordSchema }),
          response: replies({ 200: passwordChangeReplySchema }),
        },
      },
      async (request) =>
        present(await services.passwords.changeOwn(actor(request), request.body, request.sessionToken)),
    );

    app.post(
      '/api/users/:id/password',
      {
        // Admins only, checked before the body is read (see auth.hook.ts).
        config: { role: 'admin' },
        schema: {
          tags,
          summary:
            'Reset an account’s password (admins): its sessions end and it must choose a new one at the next sign-in',
          params: z.strictObject({ id: uuidSchema }),
          body: z.strictObject({ password: passwordSchema }),
          response: replies({ 200: passwordChangeReplySchema }),
        },
      },
      async (request) =>
        present(
          await services.passwords.resetByAdmin(actor(request), request.params.id, request.body.password),
        ),
    );
  };
}
