import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditPageSchema, settingsSchema } from '../../domain/api-contract.js';
import { actor } from '../auth.hook.js';
import { replies } from '../contract.js';
import { requireRole } from '../services/access.js';
import type { Services } from '../services/index.js';
import { settingsPatchSchema } from '../services/settings.service.js';
import { pageQuery } from './schemas.js';

/** The organization's settings and its audit log. */
export function settingsRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/settings',
      {
        schema: {
          tags: ['settings'],
          summary: 'Severity scale, templates, roster, required approvals',
          response: replies({ 200: settingsSchema }),
        },
      },
      async (request) => {
        actor(request);
        return services.settings.get();
      },
    );

    app.put(
      '/api/settings',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Change some settings (admins)',
          body: settingsPatchSchema,
          response: replies({ 200: settingsSchema }),
        },
      },
      async (request) => services.settings.update(actor(request), request.body),
    );

    app.get(
      '/api/audit',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'The audit log, newest first (admins)',
          querystring: z.object({
            ...pageQuery,
            action: z.string().max(100).optional(),
            target: z.string().max(100).optional(),
            user: z.string().max(100).optional(),
          }),
          response: replies({ 200: auditPageSchema }),
        },
      },
      async (request) => {
        const who = actor(request);
        requireRole(who, 'admin', 'reading the audit log');
        const { limit, offset, action, target, user } = request.query;
        return {
          // Admins see every entry except those about restricted reports they are not members of.
          items: await services.auditLog.list(
            { action, targetId: target, userId: user },
            { limit, offset },
            who.viewer,
          ),
          limit,
          offset,
        };
      },
    );
  };
}
