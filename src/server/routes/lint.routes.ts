import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, SECTION_KEYS } from '../../domain/index.js';
import { lintResultSchema } from '../../domain/api-contract.js';
import { otherContent, replies } from '../contract.js';
import { isRuleId, ruleDoc } from '../../lint/docs.js';
import { actor } from '../auth.hook.js';
import type { Services } from '../services/index.js';
import type { LintPool } from '../workers/lint-pool.js';

/**
 * The linter as a service for the web app, which cannot load its dictionaries and language models in a
 * browser: findings for a report as it is being written (not yet saved), and its quality score. The check and the
 * lint run on a thread of the LintPool (workers/lint-pool.ts), never on the event loop.
 */
export function lintRoutes(services: Services, options: { lint: LintPool }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/lint',
      {
        schema: {
          tags: ['lint'],
          summary: 'Lint a report (all of it, or one section) and score it; nothing is stored',
          body: z.strictObject({
            report: z.record(z.string(), z.unknown()),
            section: z.enum(SECTION_KEYS).optional(),
          }),
          response: replies({ 200: lintResultSchema }),
        },
      },
      async (request, reply) => {
        actor(request);
        const { severityScale: scale, internalNetwork: network } = await services.settings.get();
        // A client that goes away while its lint waits gives up its place in the queue.
        const left = new AbortController();
        const onClose = () => {
          if (!reply.raw.writableFinished) left.abort();
        };
        reply.raw.on('close', onClose);
        try {
          const { report, section } = request.body;
          const json = await options.lint.lint({ report, section, scale, network }, left.signal);
          // The JSON text the thread wrote, as Fastify would have written the object (the 200 schema).
          return reply.type('application/json; charset=utf-8').send(json as never);
        } finally {
          reply.raw.off('close', onClose);
        }
      },
    );
    // A rule's documentation page (docs/rules/<id>.md), which the web app links from each finding.
    app.get(
      '/api/lint/rules/:id',
      {
        schema: {
          tags: ['lint'],
          summary: "A lint rule's documentation: what it finds, why, examples, how to silence it (Markdown)",
          params: z.strictObject({ id: z.string().max(60) }),
          response: replies({ 200: otherContent('text/markdown', 'The rule page, in Markdown') }),
        },
      },
      async (request, reply) => {
        actor(request);
        const page = isRuleId(request.params.id) ? ruleDoc(request.params.id) : undefined;
        if (!page) throw new AppError('not_found', `no lint rule "${request.params.id}"`);
        return reply.type('text/markdown; charset=utf-8').send(page);
      },
    );
  };
}
