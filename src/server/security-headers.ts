import type { FastifyReply } from 'fastify';

/**
 * What an answer that sets no policy of its own gets: JSON, errors, Markdown and files are data, never a page,
 * so nothing in them may run, load or be framed. The web app and the docs page set their own policies.
 */
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

/** The docs page's policy from @fastify/swagger-ui, made to refuse framing and to work over plain HTTP. */
export function docsCsp(header: string): string {
  return header
    .replace(/frame-ancestors [^;]*;/, "frame-ancestors 'none';")
    .replace(/upgrade-insecure-requests;?/, '')
    .trim();
}

/** Security headers on every response, whatever route (or error handler) made it: see app.ts's onSend hook. */
export function setSecurityHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DATA_CSP);
  if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
}
