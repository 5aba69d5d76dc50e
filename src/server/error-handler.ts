import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, isAppError, type ErrorCode } from '../domain/index.js';

const CODE_BY_STATUS: Record<number, ErrorCode> = Object.fromEntries(
  (Object.entries(ERROR_CODES) as [ErrorCode, { status: number }][])
    .filter(([code]) => code !== 'io')
    .map(([code, { status }]) => [status, code]),
);

/** The longest path part the router takes (its maxParamLength): report ids and names, not free text, are in URLs. */
export const MAX_PARAM_LENGTH = 200;

const FRIENDLY: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is larger than this server accepts',
  FST_REQ_FILE_TOO_LARGE: 'the file is larger than this server accepts',
  FST_FILES_LIMIT: 'send one file per request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'this content type is not accepted here',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the JSON body is empty',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'the request is not multipart/form-data',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length does not match the body',
  // The router's own answers (through frameworkErrors), which would otherwise echo the whole path.
  FST_ERR_BAD_URL:
    'the URL path is not valid percent-encoded UTF-8 (a % must be followed by two hex digits, and the bytes must be UTF-8 text)',
  FST_ERR_MAX_PARAM_LENGTH: `a part of the URL path is longer than ${MAX_PARAM_LENGTH} characters; no id or name is that long`,
};

/**
 * One place turns every failure into a status and `{ code, message, details }`; bad input never yields a 500.
 * Also Fastify's `frameworkErrors`, so that a path the router cannot decode is answered the same way.
 */
export function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isAppError(error)) {
    if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
    return reply.status(error.status).send(error.toJSON());
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const details = error.validation.flatMap((v) => {
      const path = [
        where,
        ...v.instancePath
          .split('/')
          .filter(Boolean)
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      ];
      const keys = (v.params as { keys?: unknown }).keys;
      // Name each unknown field by its own path rather than pointing at the object that holds it.
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        return keys.map((k) => ({ path: [...path, String(k)], message: 'is not a known field' }));
      }
      return [{ path, message: v.message ?? 'invalid' }];
    });
    const first = details[0];
    return reply.status(400).send({
      code: 'bad_request',
      message: `invalid request ${where}${first ? `: ${first.path.slice(1).join('.') || where}: ${first.message}` : ''}`,
      details,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'bad_request';
    const message =
      FRIENDLY[error.code] ??
      (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `the body is not valid JSON: ${error.message}`
        : error.message);
    return reply.status(status).send({ code, message, details: [] });
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send({ code: 'internal', message: 'an internal error occurred; it has been logged', details: [] });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(answerError);

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      code: 'not_found',
      message: `no route for ${request.method} ${shortPath(request.url)}`,
      details: [],
    }),
  );
}

/** The path of a URL, cut at MAX_PARAM_LENGTH characters: a path part past it finds no route. */
export function shortPath(url: string): string {
  const path = url.split('?')[0]!;
  return path.length > MAX_PARAM_LENGTH ? `${path.slice(0, MAX_PARAM_LENGTH)}…` : path;
}
