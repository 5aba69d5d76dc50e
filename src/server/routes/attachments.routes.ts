import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attachmentInfoSchema, itemsOf } from '../../domain/api-contract.js';
import { AppError, isAppError } from '../../domain/index.js';
import { noContent, otherContent, replies } from '../contract.js';
import { actor } from '../auth.hook.js';
import type { Services } from '../services/index.js';
import { requireMultipart, uploadedFile } from './multipart.js';
import { reportParams, uuidSchema } from './schemas.js';

const NOT_MULTIPART = 'upload a file as multipart/form-data';

/** RFC 6266 header: an ASCII fallback plus the exact name in UTF-8. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The bytes of a multipart file as they arrive. The multipart parser stops a file at the upload limit and
 * marks it truncated; that becomes a 413 naming the field, and a body that ends inside the file a 400.
 * Either is thrown while the upload is being stored, which then leaves nothing behind.
 */
async function* withinLimit(file: MultipartFile['file']): AsyncGenerator<Buffer, void, undefined> {
  const tooLarge = () =>
    new AppError('too_large', `the file is larger than this server accepts (${file.bytesRead} bytes)`, [
      { path: ['file'], message: `larger than ${file.bytesRead} bytes` },
    ]);
  try {
    for await (const chunk of file) {
      if (file.truncated) throw tooLarge();
      yield chunk as Buffer;
    }
  } catch (e) {
    if (isAppError(e)) throw e;
    // The body ended (or the connection closed) inside the file: a client error, not a server one.
    throw new AppError('bad_request', 'the upload ended before the file did', [
      { path: ['file'], message: 'incomplete' },
    ]);
  }
  // A limit reached exactly at the end of a chunk shows only once the stream has ended.
  if (file.truncated) throw tooLarge();
}

/** Files attached to reports: upload, list, download, delete. */
export function attachmentsRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['attachments'];
    app.get(
      '/api/postmortems/:id/attachments',
      {
        schema: {
          tags,
          summary: 'Files attached to a report',
          params: reportParams,
          response: replies({ 200: itemsOf(attachmentInfoSchema) }),
        },
      },
      async (request) => ({ items: await services.attachments.list(actor(request), request.params.id) }),
    );

    app.post(
      '/api/postmortems/:id/attachments',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary: 'Upload one file (multipart/form-data, field "file")',
          params: reportParams,
          response: replies({ 201: attachmentInfoSchema }),
        },
      },
      async (request, reply) => {
        const who = actor(request);
        requireMultipart(request, NOT_MULTIPART);
        // Check access before reading the upload, so a refused caller does not get to stream 25 MB.
        await services.reports.visible(who, request.params.id);
        const part = await uploadedFile(request, NOT_MULTIPART);
        const info = await services.attachments.uploadStream(who, request.params.id, {
          filename: part.filename,
          contentType: part.mimetype,
          stream: withinLimit(part.file),
        });
        return reply.status(201).send(info);
      },
    );

    app.get(
      '/api/attachments/:attachmentId',
      {
        schema: {
          tags,
          summary: 'Download a file',
          params: z.strictObject({ attachmentId: uuidSchema }),
          response: replies({
            200: otherContent('*/*', 'The bytes, in the content type they were stored with'),
          }),
        },
      },
      async (request, reply) => {
        const { info, stream } = await services.attachments.open(actor(request), request.params.attachmentId);
        return (
          reply
            .header('content-type', info.contentType)
            .header('content-length', info.size)
            .header('content-disposition', contentDisposition(info.filename))
            .header('x-content-type-options', 'nosniff')
            .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox")
            .header('cache-control', 'private, no-store')
            // The stored bytes as they are (the 200 schema: any content type); typed replies know no streams.
            .send(stream as never)
        );
      },
    );

    app.delete(
      '/api/attachments/:attachmentId',
      {
        config: { role: 'editor' },
        schema: {
          tags,
          summary: 'Delete a file',
          params: z.strictObject({ attachmentId: uuidSchema }),
          response: replies({ 204: noContent }),
        },
      },
      async (request, reply) => {
        await services.attachments.remove(actor(request), request.params.attachmentId);
        return reply.status(204).send();
      },
    );
  };
}
