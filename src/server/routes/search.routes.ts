import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionItemPageSchema, searchPageSchema } from '../../domain/api-contract.js';
import { ACTION_CATEGORIES, ACTION_STATUSES, dateSchema } from '../../domain/index.js';
import { replies } from '../contract.js';
import { actor } from '../auth.hook.js';
import { searchPageJson } from '../presenters.js';
import { encodingFor, sendsCompressed } from '../reply-compression.js';
import type { SearchPool } from '../search/search-pool.js';
import type { Services } from '../services/index.js';
import { cursorQuery, pageQuery, reportIdSchema } from './schemas.js';

/**
 * Search across reports and action items across reports. With a search pool (a SQLite file), searches run in
 * its worker threads, which answer with the reply's JSON text.
 */
export function searchRoutes(services: Services, pool?: SearchPool): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/search',
      {
        schema: {
          tags: ['search'],
          summary: 'Full-text search over every report you may see, best match first',
          querystring: z.object({ q: z.string().min(1, 'must not be empty').max(500), ...pageQuery }),
          response: replies({ 200: searchPageSchema }),
        },
      },
      async (request, reply) => {
        const { q, limit, offset } = request.query;
        const who = actor(request);
        const found = pool?.search(who.viewer, q, { limit, offset }, encodingFor(request));
        // The 200 schema's reply as JSON text (UTF-8 bytes, compressed when the client accepts it), built in the
        // worker (searchPageJson): sent as it is.
        if (found) {
          const { body, encoding } = await found;
          if (encoding) sendsCompressed(reply, encoding);
          return reply.type('application/json; charset=utf-8').send(body as never);
        }
        // Without workers (PostgreSQL, a database in memory), the reply's text is written here from the hits'
        // summaries as the database wrote them; the reply hook compresses it.
        const page = await services.reports.searchText(who, q, { limit, offset });
        reply.type('application/json; charset=utf-8');
        return reply.send(searchPageJson(page, limit, offset) as never);
      },
    );

    app.get(
      '/api/action-items',
      {
        schema: {
          tags: ['action items'],
          summary: 'Action items across the reports you may see',
          querystring: z.object({
            ...pageQuery,
            ...cursorQuery,
            owner: z.string().min(1).max(200).optional(),
            ownerContains: z.string().min(1).max(200).optional(),
            status: z.enum(ACTION_STATUSES).optional(),
            category: z.enum(ACTION_CATEGORIES).optional(),
            overdue: z.stringbool().optional(),
            awaitingVerification: z.stringbool().optional(),
            dueBefore: dateSchema.optional(),
            report: reportIdSchema.optional(),
          }),
          response: replies({ 200: actionItemPageSchema }),
        },
      },
      async (request, reply) => {
        const { limit, offset, cursor, overdue, report, ...filters } = request.query;
        const today = new Date().toISOString().slice(0, 10);
        const who = actor(request);
        const wanted = { ...filters, reportId: report, overdueOn: overdue ? today : undefined };
        const json = await services.reports.actionItemsJson(who, wanted, { limit, offset, cursor });
        // On SQLite the items come as the JSON text the database wrote, on PostgreSQL as kept: sent as they are (the 200 schema).
        if (json)
          return reply
            .type('application/json; charset=utf-8')
            .send(
              (`{"total":${json.total},"totalExact":${json.totalExact},"next":${JSON.stringify(json.next)},` +
                `"items":${json.items},"limit":${limit},"offset":${offset}}`) as never,
            );
        const page = await services.reports.actionItems(who, wanted, { limit, offset, cursor });
        return { ...page, limit, offset };
      },
    );
  };
}
