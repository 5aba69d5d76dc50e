import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync, type BrotliOptions } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Encoding = 'br' | 'gzip';

/** Replies smaller than this go out as they are: compressing them saves less than it costs. */
export const COMPRESS_THRESHOLD = 1024;

/**
 * Replies up to this size are compressed on the event loop, larger ones on zlib's thread pool. Under load the pool
 * cost far more of the server's CPU than the same compression done in place: the bench's action-item pages
 * (62.8 KB, brotli, 50 connections on 100,000 reports) took 4.41 and 3.19 CPU ms a request through the pool
 * against 1.03 and 1.11 in place with other benches running, 2.41 against 0.66 on a quiet machine (674 -> 1,509
 * requests a second), with no more time on the event loop (0.89 / 0.66 / 0.53 ms a request against 0.74 / 0.73 /
 * 0.65); search pages on PostgreSQL (18-29 KB) showed the same. In place, 64 KB holds the event loop
 * about 0.5 ms (brotli at quality 3) to 1.1 ms (gzip); larger replies (a page of hundreds of hits, a long
 * report) go to the pool so that no one reply holds it for milliseconds.
 */
export const COMPRESS_IN_PLACE = 64 * 1024;

const TEXTUAL = /^(?:text\/|application\/(?:json|[\w.+-]+\+json|javascript|xml)\b)/i;

/**
 * The encoding to send for an Accept-Encoding header: brotli or gzip, whichever the client weighs more
 * (brotli on a tie; `*` stands for either when not named), or none.
 */
export function pickEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  let br: number | undefined;
  let gz: number | undefined;
  let any: number | undefined;
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim());
    let q = 1;
    for (const p of params) {
      const m = /^q\s*=\s*([\d.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q)) q = 0;
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gz = q;
    else if (name === '*') any = q;
  }
  const brQ = br ?? any ?? 0;
  const gzQ = gz ?? any ?? 0;
  if (brQ <= 0 && gzQ <= 0) return undefined;
  return brQ >= gzQ ? 'br' : 'gzip';
}

/**
 * Compress the replies the routes build in memory (JSON, Markdown, error bodies) in one call to zlib on its
 * thread pool, with a Content-Length, rather than through a chain of streams and a chunked reply as
 * @fastify/compress does for every payload: for the few kilobytes of a typical reply that chain cost more
 * than the compression. Replies that are streams (files) are left to @fastify/compress, whose hook runs after
 * this one and leaves a reply that already has a Content-Encoding be. Run by app.ts's onSend hook.
 */
export function compressReply(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
  if (request.headers['x-no-compression'] !== undefined || reply.hasHeader('content-encoding'))
    return done(null, payload);
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size < COMPRESS_THRESHOLD) return done(null, payload);
  const type = reply.getHeader('content-type');
  if (!TEXTUAL.test(typeof type === 'string' ? type : 'application/json')) return done(null, payload);
  const encoding = pickEncoding(request.headers['accept-encoding']);
  varyOnEncoding(reply);
  if (!encoding) return done(null, payload);
  const finish = (error: Error | null, compressed: Buffer) => {
    if (error) return done(error);
    reply.header('content-encoding', encoding);
    reply.removeHeader('content-length');
    done(null, compressed);
  };
  if (encoding === 'br') {
    const options = brotliOptions(size);
    if (size <= COMPRESS_IN_PLACE) return inPlace(() => brotliCompressSync(payload, options), finish);
    brotliCompress(payload, options, finish);
  } else {
    if (size <= COMPRESS_IN_PLACE) return inPlace(() => gzipSync(payload, GZIP), finish);
    gzip(payload, GZIP, finish);
  }
}

/**
 * Brotli at quality 3 for a reply of `size` bytes: on report JSON from the bench's 100,000 (3 KB, 15 KB, 60 KB,
 * interleaved in one process) it took 0.07-0.17, 0.21 and 1.0 ms against quality 4's 0.13-0.18, 0.33 and 1.3 ms,
 * for 1-3% more bytes; gzip at level 6 took 0.07-0.08, 0.30 and 1.8 ms.
 */
const brotliOptions = (size: number): BrotliOptions => ({
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 3,
    [constants.BROTLI_PARAM_SIZE_HINT]: size,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
});

const GZIP = { level: 6 };

/** A reply's bytes as compressReply sends them in this encoding (for the bench's bare server: the same bytes). */
export function compressedAs(encoding: Encoding, payload: Buffer): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(payload, brotliOptions(payload.length))
    : gzipSync(payload, GZIP);
}

/** Whether or not this client gets it compressed, another may: caches must key on the header. */
function varyOnEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  if (vary === undefined) reply.header('vary', 'Accept-Encoding');
  else if (!/accept-encoding/i.test(String(vary))) reply.header('vary', `${String(vary)}, Accept-Encoding`);
}

/** The encoding compressReply would answer this request's JSON in, for a route that keeps compressed bytes. */
export function encodingFor(request: FastifyRequest): Encoding | undefined {
  if (request.headers['x-no-compression'] !== undefined) return undefined;
  return pickEncoding(request.headers['accept-encoding']);
}

/** A reply whose bytes the route sends compressed in `encoding` already: compressReply then leaves them be. */
export function sendsCompressed(reply: FastifyReply, encoding: Encoding): FastifyReply {
  varyOnEncoding(reply);
  return reply.header('content-encoding', encoding);
}

/** Compress on the event loop, handing the result (or the error) to `finish` as the thread pool's call does. */
function inPlace(compress: () => Buffer, finish: (error: Error | null, compressed: Buffer) => void): void {
  let compressed: Buffer;
  try {
    compressed = compress();
  } catch (error) {
    return finish(error as Error, Buffer.alloc(0));
  }
  finish(null, compressed);
}
