import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reportSchema, SECTION_KEYS } from '../../domain/index.js';
import { AppError } from '../../domain/index.js';
import { lintResultSchema } from '../../domain/api-contract.js';
import { otherContent, replies } from '../contract.js';
import { isRuleId, ruleDoc } from '../../lint/docs.js';
import { lintReport, scoreReport, sortFindings } from '../../lint/index.js';
import { actor } from '../auth.hook.js';
import type { Services } from '../services/index.js';
import { parseWith } from '../services/validation.js';

/**
 * The linter as a service for the web app, which cannot load its dictionaries and language models in a
 * browser: findings for a report as it is being written (not yet saved), and its quality score.
 */
export function lintRoutes(services: Services): FastifyPluginAsyncZod {
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
      async (request) => {
        actor(request);
        const report = parseWith(reportSchema, request.body.report, 'the report is not valid');
        const { severityScale: scale, internalNetwork: network } = await services.settings.get();
        const all = lintReport(report, { scale, network });
        const { section } = request.body;
        const findings = sortFindings(section ? all.filter((f) => f.section === section) : all);
        return { findings, score: scoreReport(report, all) };
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
