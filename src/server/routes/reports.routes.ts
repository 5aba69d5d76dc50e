import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  presentedReportSchema,
  reportDiffSchema,
  reportPageSchema,
  revisionSchema,
  revisionSummarySchema,
  itemsOf,
} from '../../domain/api-contract.js';
import { AppError, type Report } from '../../domain/index.js';
import { noContent, replies } from '../contract.js';
import { actor } from '../auth.hook.js';
import { presentReport, presentReportJson } from '../presenters.js';
import { ReportReadCache } from '../report-read-cache.js';
import { encodingFor, sendsCompressed } from '../reply-compression.js';
import { reportFromMarkdown, reportToMarkdown } from '../services/markdown.service.js';
import type { Services } from '../services/index.js';
import { listQuery, reportParams, sectionSchema, versionSchema } from './schemas.js';

const MARKDOWN = /^text\/(?:markdown|x-markdown)\b/i;

/** Reports: create (JSON or Markdown), list, read (JSON or Markdown), update, delete, restore. */
export function reportsRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['postmortems'];
    const reads = new ReportReadCache(services.reports, presentReportJson);

    app.post(
      '/api/postmortems',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            'Create a report from JSON (the report model) or from Markdown (Content-Type: text/markdown)',
          body: z.unknown(),
          response: replies({ 201: presentedReportSchema }),
        },
        // A Markdown body must be text; anything else under that content type is refused before parsing.
        preValidation: async (request) => {
          if (MARKDOWN.test(request.headers['content-type'] ?? '') && typeof request.body !== 'string')
            throw new AppError('bad_request', 'the Markdown body is empty');
        },
      },
      async (request, reply) => {
        const isMarkdown = MARKDOWN.test(request.headers['content-type'] ?? '');
        const input = isMarkdown ? reportFromMarkdown(request.body as string) : request.body;
        const stored = await services.reports.create(actor(request), input);
        return reply
          .status(201)
          .header('location', `/api/postmortems/${stored.id}`)
          .send(presentReport(stored));
      },
    );

    app.get(
      '/api/postmortems',
      {
        schema: {
          tags,
          summary: 'List the reports you may see',
          querystring: listQuery,
          response: replies({ 200: reportPageSchema }),
        },
      },
      async (request) => {
        const { limit, offset, cursor, ...filters } = request.query;
        const page = await services.reports.list(actor(request), filters, { limit, offset, cursor });
        return { ...page, limit, offset };
      },
    );

    app.get(
      '/api/postmortems/:id',
      {
        schema: {
          tags,
          summary: 'Read a report (JSON, or Markdown with Accept: text/markdown)',
          params: reportParams,
          response: replies({
            200: {
              description: 'The report; with Accept: text/markdown, as Postmortem Markdown',
              content: {
                'application/json': { schema: presentedReportSchema },
                'text/markdown': { schema: z.string() },
              },
            },
          }),
        },
      },
      async (request, reply) => {
        const accept = request.headers.accept ?? '';
        if (/text\/markdown/i.test(accept) && !/application\/json/i.test(accept)) {
          const stored = await services.reports.visible(actor(request), request.params.id);
          return reply
            .type('text/markdown; charset=utf-8')
            .header('etag', `"${stored.version}"`)
            .send(reportToMarkdown(stored.report));
        }
        const kept = await reads.read(actor(request), request.params.id, encodingFor(request));
        const { version, body } = kept;
        if (kept.encoding) sendsCompressed(reply, kept.encoding);
        // The cached JSON bytes of a presented report (the 200 schema); typed replies know no Buffer.
        return reply
          .type('application/json; charset=utf-8')
          .header('etag', `"${version}"`)
          .send(body as never);
      },
    );

    app.put(
      '/api/postmortems/:id',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary: 'Replace a report; `version` must be the version you read',
          params: reportParams,
          body: z.strictObject({ version: versionSchema, report: z.record(z.string(), z.unknown()) }),
          response: replies({ 200: presentedReportSchema }),
        },
      },
      async (request) => {
        const { version, report } = request.body;
        return presentReport(
          await services.reports.update(actor(request), request.params.id, version, report),
        );
      },
    );

    app.put(
      '/api/postmortems/:id/sections/:section',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary: 'Replace one section of a report',
          params: reportParams.extend({ section: sectionSchema }),
          body: z.strictObject({ version: versionSchema, content: z.record(z.string(), z.unknown()) }),
          response: replies({ 200: presentedReportSchema }),
        },
      },
      async (request) => {
        const { id, section } = request.params;
        const { version, content } = request.body;
        return presentReport(
          await services.reports.updateSection(actor(request), id, section, version, content),
        );
      },
    );

    app.delete(
      '/api/postmortems/:id',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary: 'Delete a report (an admin can restore it)',
          params: reportParams,
          querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
          response: replies({ 204: noContent }),
        },
      },
      async (request, reply) => {
        await services.reports.remove(actor(request), request.params.id, request.query.version);
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/postmortems/:id/restore',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Restore a deleted report (admins)',
          params: reportParams,
          response: replies({ 200: presentedReportSchema }),
        },
      },
      async (request) => presentReport(await services.reports.undelete(actor(request), request.params.id)),
    );

    app.post(
      '/api/postmortems/:id/transitions',
      {
        config: { role: 'editor' },
        schema: {
          tags: ['lifecycle'],
          summary: 'Move a report to another lifecycle state',
          params: reportParams,
          body: z.strictObject({
            to: z.enum(['draft', 'in_review', 'published', 'closed']),
            version: versionSchema,
          }),
          response: replies({ 200: presentedReportSchema }),
        },
      },
      async (request) => {
        const { to, version } = request.body;
        const who = actor(request);
        const { id } = request.params;
        // On publication the list of the report's kind gets its version, queued in the publishing transaction.
        const saved = await services.reports.transition(who, id, to, version, {
          ...(to === 'published'
            ? { queue: (report: Report) => services.distribution.onPublication(who, id, report) }
            : {}),
        });
        return presentReport(saved);
      },
    );

    app.get(
      '/api/postmortems/:id/revisions',
      {
        schema: {
          tags: ['history'],
          summary: 'The history of a report, newest first',
          params: reportParams,
          response: replies({ 200: itemsOf(revisionSummarySchema) }),
        },
      },
      async (request) => ({ items: await services.reports.revisions(actor(request), request.params.id) }),
    );

    app.get(
      '/api/postmortems/:id/revisions/:version',
      {
        schema: {
          tags: ['history'],
          summary: 'One past version of a report',
          params: reportParams.extend({ version: z.coerce.number().int().min(1) }),
          response: replies({ 200: revisionSchema }),
        },
      },
      async (request) => services.reports.revision(actor(request), request.params.id, request.params.version),
    );

    app.get(
      '/api/postmortems/:id/diff',
      {
        schema: {
          tags: ['history'],
          summary: 'What changed between two versions, by model path',
          params: reportParams,
          querystring: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
          response: replies({ 200: reportDiffSchema }),
        },
      },
      async (request) =>
        services.reports.diff(actor(request), request.params.id, request.query.from, request.query.to),
    );

    app.post(
      '/api/postmortems/:id/revisions/:revision/restore',
      {
        config: { role: 'editor' },
        schema: {
          tags: ['history'],
          summary: 'Make an old version current again (as a new version)',
          params: reportParams.extend({ revision: z.coerce.number().int().min(1) }),
          body: z.strictObject({ version: versionSchema }),
          response: replies({ 200: presentedReportSchema }),
        },
      },
      async (request) => {
        const { id, revision } = request.params;
        return presentReport(
          await services.reports.restoreRevision(actor(request), id, revision, request.body.version),
        );
      },
    );
  };
}
