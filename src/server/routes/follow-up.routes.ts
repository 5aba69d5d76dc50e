import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { presentedReportSchema, recurredActionsSchema, recurrenceSchema } from '../../domain/api-contract.js';
import { dateSchema, ID_PATTERNS, lineSchema, VERIFICATION_RESULTS } from '../../domain/index.js';
import { noContent, otherContent, replies } from '../contract.js';
import { actor } from '../auth.hook.js';
import { presentReport } from '../presenters.js';
import type { Services } from '../services/index.js';
import { reportParams, versionSchema } from './schemas.js';

/** Following actions up after the report: recording whether a completed action worked. */
export function followUpRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['action items'];

    app.post(
      '/api/postmortems/:id/actions/:actionId/verification',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            'Record the verification of a completed action: effective, ineffective (not effective) or inconclusive; who is the signed-in account',
          params: reportParams.extend({
            actionId: z.string().regex(ID_PATTERNS.action, 'must be an action id such as A1'),
          }),
          body: z.strictObject({
            /** The version read; left out, the verification applies to the current one. */
            version: versionSchema.optional(),
            result: z.enum(VERIFICATION_RESULTS),
            notes: lineSchema.optional(),
            evidence: z.array(lineSchema).max(20).optional(),
            /** The day of the check; today when left out. */
            on: dateSchema.optional(),
          }),
          response: replies({ 200: presentedReportSchema }),
        },
      },
      async (request) => {
        const { id, actionId } = request.params;
        return presentReport(await services.reports.verifyAction(actor(request), id, actionId, request.body));
      },
    );

    app.get(
      '/api/postmortems/:id/recurrence',
      {
        config: { role: 'viewer' },
        schema: {
          tags,
          summary:
            'The earlier reports this one is a recurrence of and the later ones that recur it, with the actions that "recurred after fix"',
          params: reportParams,
          response: replies({ 200: recurrenceSchema }),
        },
      },
      async (request) => services.reports.recurrence(actor(request), request.params.id),
    );

    app.get(
      '/api/action-items/recurred',
      {
        config: { role: 'viewer' },
        schema: {
          tags,
          summary: 'Completed actions whose cause came back in a later report ("recurred after fix")',
          response: replies({ 200: recurredActionsSchema }),
        },
      },
      async (request) => services.reports.recurredActions(actor(request)),
    );

    const calendarStatus = z.object({ active: z.boolean(), createdAt: z.string().nullable() });

    app.get(
      '/api/calendar',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['calendar'],
          summary: 'Whether you have a secret calendar address, and since when',
          response: replies({ 200: calendarStatus }),
        },
      },
      async (request) => services.calendar.status(actor(request)),
    );

    app.post(
      '/api/calendar',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['calendar'],
          summary:
            'Make a new secret calendar address of your action deadlines and verification dates (the old one stops working); shown once',
          response: replies({ 201: z.object({ path: z.string(), createdAt: z.string() }) }),
        },
      },
      async (request, reply) => reply.status(201).send(await services.calendar.regenerate(actor(request))),
    );

    app.delete(
      '/api/calendar',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['calendar'],
          summary: 'Revoke your secret calendar address',
          response: replies({ 204: noContent }),
        },
      },
      async (request, reply) => {
        await services.calendar.revoke(actor(request));
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/calendar/feeds/:file',
      {
        config: { public: true },
        schema: {
          tags: ['calendar'],
          summary:
            'An iCalendar feed, found by the secret in its address alone (no cookie or token): the owner’s action deadlines and verification dates',
          params: z.strictObject({ file: z.string().max(100) }),
          response: replies({ 200: otherContent('text/calendar', 'An iCalendar (RFC 5545) file') }),
        },
      },
      async (request, reply) => {
        const ics = await services.calendar.feed(request.params.file);
        return reply
          .header('content-type', 'text/calendar; charset=utf-8')
          .header('cache-control', 'private, no-store')
          .header('referrer-policy', 'no-referrer')
          .send(ics as never);
      },
    );
  };
}
