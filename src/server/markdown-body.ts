import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A Markdown body as text. Bytes that are not UTF-8 are refused, as the CLI refuses such a file: replacing
 * them with U+FFFD would store something other than what was sent.
 */
export function markdownBody(
  _request: FastifyRequest,
  body: Buffer | string,
  done: (err: Error | null, body?: unknown) => void,
): void {
  const text = decodeOrRefuse('Markdown', body, done);
  if (text !== undefined) done(null, text);
}

type Done = (err: Error | null, body?: unknown) => void;

/** The body as text, or undefined after `done` was told which byte is not UTF-8. */
function decodeOrRefuse(what: string, body: Buffer | string, done: Done): string | undefined {
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    const at = firstBadByte(body);
    done(
      new AppError('bad_request', `the ${what} body is not valid UTF-8 (at byte ${at})`, [
        { path: ['body'], message: `invalid UTF-8 at byte ${at}` },
      ]),
    );
    return undefined;
  }
}

/**
 * A JSON body parser that first refuses bytes that are not UTF-8 (Fastify's own would read them as U+FFFD
 * and store that), then hands the text to `parse` — Fastify's default JSON parser, with its guards (typed to
 * return void or a promise, it always answers through `done`).
 */
export function jsonBody(parse: (request: FastifyRequest, body: string, done: Done) => unknown) {
  return (request: FastifyRequest, body: Buffer | string, done: Done): void => {
    const text = decodeOrRefuse('JSON', body, done);
    if (text !== undefined) parse(request, text, done);
  };
}

/** The offset of the first byte that is not part of a valid UTF-8 character. */
function firstBadByte(bytes: Buffer): number {
  // Bytes before the first bad one decode to themselves, so the first replacement character that the
  // input did not spell out itself (EF BF BD) sits right after them.
  // The byte offset is counted on from the last replacement character, so the scan stays linear however many
  // spelled-out ones come first (measuring each prefix anew was quadratic: seconds for a 300 KB body).
  const text = new TextDecoder('utf-8').decode(bytes);
  let from = 0;
  let at = 0;
  for (;;) {
    const i = text.indexOf('\uFFFD', from);
    if (i < 0) return bytes.length;
    at += Buffer.byteLength(text.slice(from, i));
    if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) return at;
    at += 3;
    from = i + 1;
  }
}

/**
 * `text/plain` is neither Markdown nor JSON: guessing which made a report of any text, even of `{}`. The
 * body is not read.
 */
export function refusePlainText(
  _request: FastifyRequest,
  _payload: unknown,
  done: (err: Error | null, body?: unknown) => void,
): void {
  done(
    new AppError(
      'unsupported',
      'text/plain is not accepted: send a report as text/markdown or application/json',
    ),
  );
}
