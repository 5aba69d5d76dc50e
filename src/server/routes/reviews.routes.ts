import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commentSchema, itemsOf, reviewSchema, reviewStatusSchema } from '../../domain/api-contract.js';
import { lineSchema, textSchema } from '../../domain/index.js';
import { replies } from '../contract.js';
import { actor } from '../auth.hook.js';
import type { Services } from '../services/index.js';
import { reportParams, uuidSchema } from './schemas.js';

/** Review comments and reviewers' decisions on a report. */
export function reviewsRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['review'];
    app.get(
      '/api/postmortems/:id/comments',
      {
        schema: {
          tags,
          summary: 'Review comments on a report',
          params: reportParams,
          response: replies({ 200: itemsOf(commentSchema) }),
        },
      },
      async (request) => ({ items: await services.reviews.listComments(actor(request), request.params.id) }),
    );

    app.post(
      '/api/postmortems/:id/comments',
      {
        schema: {
          tags,
          summary: 'Comment on a section or field (anchor such as `analysis` or `analysis.primaryCause`)',
          params: reportParams,
          body: z.strictObject({
            anchor: z
              .string()
              .regex(/^[A-Za-z]+(\.[A-Za-z0-9]+)*$/, 'must be a section or a dotted field path')
              .max(200),
            body: textSchema,
          }),
          response: replies({ 201: commentSchema }),
        },
      },
      async (request, reply) => {
        const c = await services.reviews.comment(
          actor(request),
          request.params.id,
          request.body.anchor,
          request.body.body,
        );
        return reply.status(201).send(c);
      },
    );

    app.post(
      '/api/postmortems/:id/comments/:commentId/resolve',
      {
        schema: {
          tags,
          summary: 'Resolve a comment (or reopen it with resolved: false)',
          params: reportParams.extend({ commentId: uuidSchema }),
          body: z.strictObject({ resolved: z.boolean().default(true) }).default({ resolved: true }),
          response: replies({ 200: commentSchema }),
        },
      },
      async (request) =>
        services.reviews.resolve(
          actor(request),
          request.params.id,
          request.params.commentId,
          request.body.resolved,
        ),
    );

    app.get(
      '/api/postmortems/:id/reviews',
      {
        schema: {
          tags,
          summary: 'Approvals and change requests, and where the current round stands',
          params: reportParams,
          response: replies({ 200: reviewStatusSchema }),
        },
      },
      async (request) => services.reviews.listReviews(actor(request), request.params.id),
    );

    app.post(
      '/api/postmortems/:id/reviews',
      {
        schema: {
          tags,
          summary: 'Approve or request changes (named reviewers, while in review)',
          params: reportParams,
          body: z.strictObject({
            decision: z.enum(['approve', 'request_changes']),
            note: lineSchema.optional(),
          }),
          response: replies({ 201: reviewSchema }),
        },
      },
      async (request, reply) => {
        const r = await services.reviews.review(
          actor(request),
          request.params.id,
          request.body.decision,
          request.body.note,
        );
        return reply.status(201).send(r);
      },
    );
  };
}
