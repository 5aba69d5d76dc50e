import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deliverySchema,
  webhookCreatedSchema,
  webhookCreateSchema,
  webhookPatchSchema,
  webhookSchema,
} from '../../domain/api-contract.js';
import { actor } from '../auth.hook.js';
import { noContent, replies } from '../contract.js';
import type { Services } from '../services/index.js';

const idParams = z.object({ id: z.string().min(1).max(100) });

/** Outgoing webhook subscriptions and their delivery logs (admins). */
export function webhooksRoutes(services: Services): FastifyPluginAsyncZod {
  const outbox = services.outbox;
  return async (app) => {
    app.get(
      '/api/settings/webhooks',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Webhook subscriptions (admins)',
          response: replies({ 200: z.object({ items: z.array(webhookSchema) }) }),
        },
      },
      async (request) => ({ items: await outbox.list(actor(request)) }),
    );

    app.post(
      '/api/settings/webhooks',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Subscribe an address to events; the reply shows the signing secret, once (admins)',
          body: webhookCreateSchema,
          response: replies({ 201: webhookCreatedSchema }),
        },
      },
      async (request, reply) => reply.status(201).send(await outbox.create(actor(request), request.body)),
    );

    app.patch(
      '/api/settings/webhooks/:id',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Change a webhook subscription (admins)',
          params: idParams,
          body: webhookPatchSchema,
          response: replies({ 200: webhookSchema }),
        },
      },
      async (request) => outbox.update(actor(request), request.params.id, request.body),
    );

    app.delete(
      '/api/settings/webhooks/:id',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Remove a webhook subscription and its waiting deliveries (admins)',
          params: idParams,
          response: replies({ 204: noContent }),
        },
      },
      async (request, reply) => {
        await outbox.remove(actor(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/settings/webhooks/:id/deliveries',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: "A subscription's latest 50 deliveries, newest first (admins)",
          params: idParams,
          response: replies({ 200: z.object({ items: z.array(deliverySchema) }) }),
        },
      },
      async (request) => ({ items: await outbox.deliveries(actor(request), request.params.id) }),
    );

    app.post(
      '/api/settings/webhooks/:id/deliveries/:deliveryId/redeliver',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['settings'],
          summary: "Send a delivery's payload again, as a new delivery (admins)",
          params: idParams.extend({ deliveryId: z.string().min(1).max(100) }),
          response: replies({ 202: deliverySchema }),
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await outbox.redeliver(actor(request), request.params.id, request.params.deliveryId)),
    );
  };
}
