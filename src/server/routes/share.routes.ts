import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHART_IDS, chartOf, reportCharts } from '../../charts/index.js';
import { distributeRequestSchema, distributionSchema } from '../../domain/api-contract.js';
import { audienceSchema } from '../../domain/index.js';
import { EXPORT_FORMATS, exportText, reportFor } from '../../render/export.js';
import { renderHtml } from '../../render/html.render.js';
import type { PdfRenderer } from '../../render/pdf.js';
import { toConfluence } from '../../render/wiki.js';
import { actor } from '../auth.hook.js';
import { replies } from '../contract.js';
import type { Services } from '../services/index.js';
import { reportParams } from './schemas.js';

export interface ShareOptions {
  /** The server's PDF renderer: one browser, a bounded queue (see render/pdf.ts). */
  pdf: PdfRenderer;
}

/** The exported page: its own inline styles and inline SVG, no scripts, nothing fetched, never framed. */
const EXPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

const today = () => new Date().toISOString().slice(0, 10);
const fileName = (id: string, audience: string, ext: string) =>
  `${id.replace(/[^\w.-]/g, '_')}-${audience}.${ext}`;

/** Exports of a report (HTML, PDF, Markdown, JSON, Confluence) per audience, and its charts as SVG. */
export function shareRoutes(services: Services, options: ShareOptions): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['postmortems'];

    app.get(
      '/api/postmortems/:id/export',
      {
        config: { role: 'viewer' },
        schema: {
          tags,
          summary:
            'Export a report for an audience (internal, executive, public) as HTML, PDF, Markdown, JSON or Confluence XHTML',
          params: reportParams,
          querystring: z.strictObject({
            format: z.enum([...EXPORT_FORMATS, 'confluence']).default('html'),
            audience: audienceSchema.default('internal'),
            download: z.enum(['0', '1']).default('0'),
          }),
          response: replies({
            200: {
              description: 'The export, as a file of the format asked for',
              content: {
                'text/html': { schema: z.string() },
                'application/pdf': { schema: z.string() },
                'text/markdown': { schema: z.string() },
                'application/json': { schema: z.unknown() },
                'application/xhtml+xml': { schema: z.string() },
              },
            },
          }),
        },
      },
      async (request, reply) => {
        const { format, audience, download } = request.query;
        const stored = await services.reports.visible(actor(request), request.params.id);
        const { severityScale: scale, internalNetwork: network } = await services.settings.get();
        const opts = { audience, today: today(), scale, network };
        const ext = format === 'confluence' ? 'xhtml' : format;
        if (download === '1' || format === 'pdf') {
          reply.header('content-disposition', `attachment; filename="${fileName(stored.id, audience, ext)}"`);
        }
        if (format === 'pdf') {
          const version = reportFor(stored.report, opts);
          const charts = await reportCharts(version, opts.today);
          const html = renderHtml(version, { charts, audience, scale });
          // A client that goes away while its render waits gives up its place in the queue.
          const left = new AbortController();
          const onClose = () => {
            if (!reply.raw.writableFinished) left.abort();
          };
          reply.raw.on('close', onClose);
          try {
            const pdf = await options.pdf.render(html, version.title, left.signal);
            return reply.type('application/pdf').send(pdf as never);
          } finally {
            reply.raw.off('close', onClose);
          }
        }
        if (format === 'confluence') {
          const version = reportFor(stored.report, opts);
          const charts = await reportCharts(version, opts.today);
          return reply
            .type('application/xhtml+xml; charset=utf-8')
            .send(toConfluence(version, { charts, scale }) as never);
        }
        const { text, contentType } = await exportText(stored.report, format, opts);
        // The HTML page styles itself inline and holds its charts inline; nothing in it may run or load.
        if (format === 'html') reply.header('content-security-policy', EXPORT_CSP);
        return reply.type(contentType).send(text as never);
      },
    );

    app.post(
      '/api/postmortems/:id/distribute',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            "Send a version of a report (internal, executive, public) by e-mail to the given addresses or the list of the report's kind",
          params: reportParams,
          body: distributeRequestSchema,
          response: replies({ 202: distributionSchema }),
        },
      },
      async (request, reply) => {
        const { audience, to } = request.body;
        const sent = await services.distribution.distribute(actor(request), request.params.id, audience, to);
        return reply.code(202).send(sent);
      },
    );

    app.get(
      '/api/postmortems/:id/charts/:chart',
      {
        config: { role: 'viewer' },
        schema: {
          tags,
          summary: 'One chart of a report as SVG (timeline, impact, actions, fishbone), for an audience',
          params: reportParams.extend({ chart: z.enum(CHART_IDS) }),
          querystring: z.strictObject({
            audience: audienceSchema.default('internal'),
            /** The report version the page shows: a new version is a new address, so no stale picture. */
            v: z
              .string()
              .regex(/^\d{1,12}$/, 'must be a version number')
              .optional(),
          }),
          response: replies({
            200: {
              description: 'The chart as an SVG image with a title and a description',
              content: { 'image/svg+xml': { schema: z.string() } },
            },
          }),
        },
      },
      async (request, reply) => {
        const stored = await services.reports.visible(actor(request), request.params.id);
        const { internalNetwork: network } = await services.settings.get();
        const version = reportFor(stored.report, { audience: request.query.audience, network });
        const chart = await chartOf(version, request.params.chart, today());
        return reply
          .type('image/svg+xml; charset=utf-8')
          .header('cache-control', 'private, no-cache')
          .send(chart.svg as never);
      },
    );
  };
}
