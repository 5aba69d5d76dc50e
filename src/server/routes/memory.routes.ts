import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  figureReportsSchema,
  insightsSchema,
  recurringFactorsSchema,
  relatedListSchema,
  revisitListSchema,
  systemPageSchema,
} from '../../domain/api-contract.js';
import { dateSchema, FIGURES, reportKindSchema } from '../../domain/index.js';
import { actor } from '../auth.hook.js';
import { replies } from '../contract.js';
import type { Services } from '../services/index.js';
import { reportParams } from './schemas.js';

const insightQuery = {
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  kind: reportKindSchema.optional(),
  severity: z.string().min(1).max(100).optional(),
  system: z.string().min(1).max(200).optional(),
  tag: z.string().min(1).max(200).optional(),
  team: z.string().min(1).max(200).optional(),
};

/** The shared memory: related incidents, insights, recurring factors, system pages, the revisit list. */
export function memoryRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/postmortems/:id/related',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['memory'],
          summary: 'Reports related to this one, best first, each with the reasons',
          params: reportParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
          response: replies({ 200: relatedListSchema }),
        },
      },
      async (request) => ({
        items: await services.memory.related(actor(request), request.params.id, request.query.limit),
      }),
    );

    app.get(
      '/api/insights',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['memory'],
          summary:
            'Figures over the reports you may see: distributions, detection, follow-up, health, counts',
          querystring: z.object(insightQuery),
          response: replies({ 200: insightsSchema }),
        },
      },
      async (request) => services.memory.insights(actor(request), request.query),
    );

    app.get(
      '/api/insights/reports',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['memory'],
          summary: 'The reports behind one group of a figure, newest incident first',
          querystring: z.object({
            ...insightQuery,
            figure: z.enum(FIGURES),
            group: z.string().min(1).max(300),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: replies({ 200: figureReportsSchema }),
        },
      },
      async (request) => {
        const { figure, group, limit, ...filters } = request.query;
        return services.memory.figureReports(actor(request), filters, figure, group, limit);
      },
    );

    app.get(
      '/api/factors',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['memory'],
          summary: 'Contributing factors by category and by fishbone category: counts, trend, action states',
          querystring: z.object({
            system: z.string().min(1).max(200).optional(),
            /** Factors listed per category at most; counts, trends and states always cover them all. */
            limit: z.coerce.number().int().min(1).max(500).default(50),
            /** Only this category, from `cursor` on (the `next` of an earlier reply). */
            category: z.string().min(1).max(200).optional(),
            cursor: z
              .string()
              .regex(/^\d{1,9}$/, 'must be the next cursor of an earlier reply')
              .optional(),
          }),
          response: replies({ 200: recurringFactorsSchema }),
        },
      },
      async (request) => services.memory.recurringFactors(actor(request), request.query),
    );

    app.get(
      '/api/systems/:name',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['memory'],
          summary: "A system's reports, open actions and recurring factor categories",
          params: z.object({ name: z.string().min(1).max(200) }),
          response: replies({ 200: systemPageSchema }),
        },
      },
      async (request) => services.memory.system(actor(request), request.params.name),
    );

    app.get(
      '/api/revisit',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['memory'],
          summary: 'Reports to review again on the anniversary of their incident, and why',
          querystring: z.object({
            on: dateSchema.optional(),
            ahead: z.coerce.number().int().min(0).max(366).default(30),
          }),
          response: replies({ 200: revisitListSchema }),
        },
      },
      async (request) => ({
        items: await services.memory.revisit(actor(request), request.query.on, request.query.ahead),
      }),
    );
  };
}
