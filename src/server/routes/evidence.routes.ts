import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  evidenceAcceptedSchema,
  evidenceReadSchema,
  evidenceUploadSchema,
} from '../../domain/api-contract.js';
import { AppError, eventKindSchema, isTimeZone } from '../../domain/index.js';
import { replies } from '../contract.js';
import { EVIDENCE_FORMATS, type EvidenceFormat } from '../../evidence/index.js';
import { actor } from '../auth.hook.js';
import { presentReport } from '../presenters.js';
import { requireRole } from '../services/access.js';
import { MAX_EVIDENCE_CANDIDATES } from '../services/evidence.service.js';
import type { Services } from '../services/index.js';
import { uploadedFile } from './multipart.js';
import { reportParams, uuidSchema, versionSchema } from './schemas.js';

const NOT_MULTIPART = 'upload the evidence as multipart/form-data';

/** Aborted when the client goes away before its answer is sent, so unpacking an archive for nobody stops. */
function whileClientWaits(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}

/** The optional "zone" field, sent before the file. */
function zoneOf(part: MultipartFile): string | undefined {
  const field = part.fields.zone;
  const zone = field && !Array.isArray(field) && field.type === 'field' ? String(field.value).trim() : '';
  return zone || undefined;
}

/** Formats a file can be read as (a git clone is a folder, not an upload). */
const uploadFormatSchema = z.enum(
  EVIDENCE_FORMATS.filter((f) => f !== 'git') as [EvidenceFormat, ...EvidenceFormat[]],
);

/** The optional "format" field, sent before the file: read it as this instead of recognizing it. */
function formatOf(part: MultipartFile): EvidenceFormat | undefined {
  const field = part.fields.format;
  const value = field && !Array.isArray(field) && field.type === 'field' ? String(field.value).trim() : '';
  if (!value) return undefined;
  const r = uploadFormatSchema.safeParse(value);
  if (!r.success) {
    throw new AppError('bad_request', `format: ${value.slice(0, 40)} is not a format Hindsight reads`, [
      { path: ['format'], message: `must be one of ${uploadFormatSchema.options.join(', ')}` },
    ]);
  }
  return r.data;
}

const acceptEvidenceBody = z.strictObject({
  version: versionSchema,
  choices: z
    .array(
      z.strictObject({
        index: z
          .number()
          .int()
          .min(0)
          .max(MAX_EVIDENCE_CANDIDATES - 1),
        kind: eventKindSchema,
      }),
    )
    .min(1, 'choose at least one candidate')
    .max(MAX_EVIDENCE_CANDIDATES),
  zone: z.string().max(100).refine(isTimeZone, 'must be a time zone such as Europe/Berlin').optional(),
  format: uploadFormatSchema.optional(),
  // Required: without it a file that now reads differently (another zone, a newer reader) would have other
  // candidates at the chosen positions, and the wrong records would be added.
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'must be the digest the upload returned'),
});

/**
 * Evidence for the web editor. `POST /api/evidence` reads one uploaded file (chat export, alert history,
 * log, or a zip such as a Slack export) into timeline candidates and stores nothing. For a saved report,
 * `POST /api/postmortems/:id/evidence` keeps the file as an attachment of the report and returns its
 * candidates, numbered; `…/evidence/:attachmentId/accept` adds the chosen ones as a new revision.
 */
export function evidenceRoutes(services: Services): FastifyPluginAsyncZod {
  const { evidence } = services;
  return async (app) => {
    const tags = ['evidence'];
    app.post(
      '/api/evidence',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            'Read one evidence file (multipart field "file"; optional field "zone" for stamps without one) into timeline candidates',
          response: replies({ 200: evidenceReadSchema }),
        },
      },
      async (request, reply) => {
        const who = actor(request);
        // Refuse before reading the upload, as below.
        requireRole(who, 'editor', 'reading evidence');
        const signal = whileClientWaits(reply);
        const part = await uploadedFile(request, NOT_MULTIPART);
        const data = await part.toBuffer();
        return evidence.read(who, { filename: part.filename, data }, zoneOf(part), formatOf(part), signal);
      },
    );

    app.post(
      '/api/postmortems/:id/evidence',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            'Upload an evidence file to a report (multipart field "file", optional field "zone" before it): it is kept as an attachment, and its timeline candidates are returned numbered for review',
          params: reportParams,
          response: replies({ 201: evidenceUploadSchema }),
        },
      },
      async (request, reply) => {
        const who = actor(request);
        // Refuse before reading the upload, so a caller without rights does not get to send 25 MB.
        await evidence.writable(who, request.params.id);
        const signal = whileClientWaits(reply);
        const part = await uploadedFile(request, NOT_MULTIPART);
        const data = await part.toBuffer();
        const result = await evidence.upload(
          who,
          request.params.id,
          { filename: part.filename, contentType: part.mimetype, data },
          zoneOf(part),
          formatOf(part),
          signal,
        );
        return reply.status(201).send(result);
      },
    );

    app.post(
      '/api/postmortems/:id/evidence/:attachmentId/accept',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary:
            'Add chosen candidates of an uploaded evidence file to the report, each with a kind; `version` must be the version you read',
          params: reportParams.extend({ attachmentId: uuidSchema }),
          body: acceptEvidenceBody,
          response: replies({ 200: evidenceAcceptedSchema }),
        },
      },
      async (request) => {
        const { id, attachmentId } = request.params;
        const { stored, added } = await evidence.accept(actor(request), id, attachmentId, request.body);
        return { ...presentReport(stored), added };
      },
    );
  };
}
