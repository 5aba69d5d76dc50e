import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { presentedUserSchema } from '../../domain/api-contract.js';
import { lineSchema } from '../../domain/index.js';
import { replies } from '../contract.js';
import { presentUser } from '../presenters.js';
import type { Services } from '../services/index.js';
import { passwordSchema } from '../services/user.service.js';

/**
 * First-run setup: while no account exists, anyone who can reach the server may create the first admin.
 * Once one exists the route refuses, so it cannot be used to take over an installed server.
 */
export function setupRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['accounts'];
    app.get(
      '/api/setup',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Whether the server still needs its first admin',
          response: replies({ 200: z.object({ needed: z.boolean() }) }),
        },
      },
      async () => ({ needed: await services.users.needsSetup() }),
    );

    app.post(
      '/api/setup',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Create the first admin account (only while no account exists); then sign in',
          body: z.strictObject({
            email: z.email('must be an email address').max(320),
            name: lineSchema,
            password: passwordSchema,
          }),
          response: replies({ 201: presentedUserSchema }),
        },
      },
      async (request, reply) => {
        const created = await services.users.createFirstAdmin(request.body);
        return reply.status(201).send(presentUser(created));
      },
    );
  };
}
