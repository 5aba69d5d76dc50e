import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  trackerConnectionCreatedSchema,
  trackerConnectionCreateSchema,
  trackerConnectionPatchSchema,
  trackerConnectionSchema,
  trackerLinkSchema,
  trackerLinksSchema,
  TRACKER_KINDS,
} from '../../domain/api-contract.js';
import { ID_PATTERNS } from '../../domain/index.js';
import { actor } from '../auth.hook.js';
import { noContent, replies } from '../contract.js';
import type { Services } from '../services/index.js';
import { reportParams } from './schemas.js';

const idParams = z.object({ id: z.string().min(1).max(100) });
/** Largest inbound tracker webhook body (GitHub caps its payloads at 25 MB; issue events are far smaller). */
const HOOK_BODY_LIMIT = 1024 * 1024;

/** The request's own origin, for the link back from an issue when HINDSIGHT_PUBLIC_URL is not set. */
const originOf = (request: { protocol: string; host: string }) => `${request.protocol}://${request.host}`;

/** Issue-tracker connections (admins), "create issue" for an action, and the trackers' inbound webhooks. */
export function trackerRoutes(services: Services): FastifyPluginAsyncZod {
  const tracker = services.tracker;
  return async (app) => {
    const tags = ['issue trackers'];

    app.get(
      '/api/settings/trackers',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary:
            'Issue-tracker connections; tokens are shown only as set and their last four characters (admins)',
          response: replies({ 200: z.object({ items: z.array(trackerConnectionSchema) }) }),
        },
      },
      async (request) => ({ items: await tracker.list(actor(request)) }),
    );

    app.post(
      '/api/settings/trackers',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary:
            'Connect GitHub Issues or Jira Cloud; the token is stored encrypted (HINDSIGHT_SECRET_KEY), the webhook secret is shown once (admins)',
          body: trackerConnectionCreateSchema,
          response: replies({ 201: trackerConnectionCreatedSchema }),
        },
      },
      async (request, reply) => reply.status(201).send(await tracker.create(actor(request), request.body)),
    );

    app.patch(
      '/api/settings/trackers/:id',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Change a tracker connection, its token, or make a new webhook secret (admins)',
          params: idParams,
          body: trackerConnectionPatchSchema,
          response: replies({ 200: trackerConnectionCreatedSchema }),
        },
      },
      async (request) => tracker.update(actor(request), request.params.id, request.body),
    );

    app.delete(
      '/api/settings/trackers/:id',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Remove a tracker connection (its issues stay linked, no longer synced) (admins)',
          params: idParams,
          response: replies({ 204: noContent }),
        },
      },
      async (request, reply) => {
        await tracker.remove(actor(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/trackers',
      {
        config: { role: 'viewer' },
        schema: {
          tags,
          summary: 'The trackers an issue can be created in: id, kind and name',
          response: replies({
            200: z.object({
              items: z.array(z.object({ id: z.string(), kind: z.enum(TRACKER_KINDS), name: z.string() })),
            }),
          }),
        },
      },
      async () => ({ items: await tracker.choices() }),
    );

    app.get(
      '/api/postmortems/:id/issues',
      {
        config: { role: 'viewer' },
        schema: {
          tags,
          summary: "The issues made for a report's actions, with their state and any error",
          params: reportParams,
          response: replies({ 200: trackerLinksSchema }),
        },
      },
      async (request) => ({ items: await tracker.links(actor(request), request.params.id) }),
    );

    app.post(
      '/api/postmortems/:id/actions/:actionId/issue',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            'Create the issue for an action in a tracker; 201 when made, 200 with the existing link when it has one (no second issue), 503 when the tracker fails',
          params: reportParams.extend({
            actionId: z.string().regex(ID_PATTERNS.action, 'must be an action id such as A1'),
          }),
          body: z.strictObject({ connectionId: z.string().min(1).max(100) }),
          response: replies({ 200: trackerLinkSchema, 201: trackerLinkSchema }),
        },
      },
      async (request, reply) => {
        const { id, actionId } = request.params;
        const { link, created } = await tracker.createIssue(
          actor(request),
          id,
          actionId,
          request.body.connectionId,
          originOf(request),
        );
        return reply.status(created ? 201 : 200).send(link);
      },
    );

    // Inbound webhooks need the body's exact bytes for the signature: in this scope JSON is kept raw.
    await app.register(async (scope) => {
      const hooks = scope.withTypeProvider<ZodTypeProvider>();
      hooks.removeContentTypeParser('application/json');
      hooks.addContentTypeParser(
        'application/json',
        { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      hooks.post(
        '/api/tracker/hooks/:id',
        {
          config: { public: true },
          schema: {
            tags,
            summary:
              "A tracker's webhook: GitHub issues events (X-Hub-Signature-256) or Jira issue events (?secret= or X-Hub-Signature); closed → action completed, reopened → in progress",
            params: idParams,
            querystring: z.object({ secret: z.string().max(200).optional() }),
            response: replies({ 200: z.object({ changed: z.number().int(), ignored: z.boolean() }) }),
          },
        },
        async (request) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          return tracker.webhook(request.params.id, request.headers, request.query, raw);
        },
      );
    });
  };
}
