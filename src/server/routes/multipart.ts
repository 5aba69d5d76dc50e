import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/index.js';

/** A 415 naming the `file` field unless the request is multipart/form-data; `message` says what to send. */
export function requireMultipart(request: FastifyRequest, message: string): void {
  if (!request.isMultipart())
    throw new AppError('unsupported', message, [{ path: ['file'], message: 'missing' }]);
}

/** The form's file part (the fields sent before it come with it); 415 or 400 naming `file` when there is none. */
export async function uploadedFile(request: FastifyRequest, message: string): Promise<MultipartFile> {
  requireMultipart(request, message);
  const part = await request.file();
  if (!part)
    throw new AppError('bad_request', 'the form has no file', [{ path: ['file'], message: 'missing' }]);
  return part;
}
