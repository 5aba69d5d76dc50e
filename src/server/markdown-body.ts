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
    if (text === undefined) return;
    const tooDeep = nestedPast(text, MAX_JSON_DEPTH);
    if (tooDeep >= 0) {
      const at = Buffer.byteLength(text.slice(0, tooDeep));
      done(
        new AppError(
          'bad_request',
          `the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep (at byte ${at}); no request needs more`,
          [{ path: ['body'], message: `nested more than ${MAX_JSON_DEPTH} levels deep at byte ${at}` }],
        ),
      );
      return;
    }
    // A \uD800-\uDFFF escape without its pair parses to a string that is not Unicode: SQLite would store U+FFFD
    // in its place and PostgreSQL refuses it mid-save. A \u0000 escape parses to NUL, which PostgreSQL text cannot
    // hold at all (a 500 mid-save, or in a lookup) and no field of any route has a use for: refused on both
    // databases alike rather than stored on one, naming the field. Looked for only when the text has such an escape.
    if (!SUSPECT_ESCAPE.test(text)) {
      parse(request, text, done);
      return;
    }
    parse(request, text, (err, value) => {
      const found = err ? undefined : badTextAt(value, []);
      if (!found) {
        done(err, value);
        return;
      }
      const { at, nul } = found;
      const where = at.length === 0 ? 'the body' : at.map(String).join('.');
      done(
        nul
          ? new AppError(
              'bad_request',
              `the JSON body holds a NUL character (\\u0000) at ${where}: text cannot hold one`,
              [{ path: ['body', ...at], message: 'a NUL character: text cannot hold one' }],
            )
          : new AppError(
              'bad_request',
              `the JSON body holds an unpaired surrogate escape (\\uD800-\\uDFFF) at ${where}: text must be valid Unicode`,
              [{ path: ['body', ...at], message: 'an unpaired surrogate: text must be valid Unicode' }],
            ),
      );
    });
  };
}

const SUSPECT_ESCAPE = /\\u(?:[dD][89a-fA-F]|0000)/u;
/** A NUL, or a surrogate that is not half of a pair (with the u flag, a pair is one code point and does not match). */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const BAD_TEXT = /[\u0000\uD800-\uDFFF]/u;

// eslint-disable-next-line no-control-regex -- as above
const BAD_TEXT_ALL = /[\u0000\uD800-\uDFFF]/gu;

/** For a key or string: where in it is shown (bad characters as U+FFFD), and whether the bad one is NUL. */
function badTextAt(
  value: unknown,
  path: (string | number)[],
): { at: (string | number)[]; nul: boolean } | undefined {
  if (typeof value === 'string') {
    const bad = BAD_TEXT.exec(value);
    return bad ? { at: path, nul: bad[0] === '\u0000' } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = badTextAt(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const bad = BAD_TEXT.exec(key);
      if (bad) return { at: [...path, key.replace(BAD_TEXT_ALL, '\uFFFD')], nul: bad[0] === '\u0000' };
      const found = badTextAt(v, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * How deep a JSON body may nest arrays and objects. A report is about 6 deep; a body nested thousands deep parses
 * (JSON.parse does not recurse) but every recursive walk after it (validation, structured cloning to a worker
 * thread, JSON.stringify of what is stored) may overflow the stack, a 500 or worse, so it is refused here, once,
 * for every route, before it is parsed.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The index of the bracket that opens level `max + 1` of the JSON text, or -1 when it nests no deeper than
 * `max`. Brackets inside strings do not count; strings are skipped with indexOf, so the scan stays cheap.
 */
export function nestedPast(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      // [ {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
    else if (c === 0x22) {
      // " : on to the closing quote, one not escaped (preceded by an even number of backslashes).
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return -1;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes += 1;
        i = end;
        if (slashes % 2 === 0) break;
      }
    }
  }
  return -1;
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
