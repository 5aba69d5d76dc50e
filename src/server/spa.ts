import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/index.js';
import { shortPath } from './error-handler.js';

/** Where `npm run build:web` writes the web app, from src/server or dist/server alike. */
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

// Report text is user input shown by the app: scripts come only from this server, never inline.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Serve the built web app at `/`: hashed assets from web/dist/assets, and index.html for every other
 * GET outside /api so that client-side routes survive a reload. Does nothing when the app is not built.
 * `root` serves a build from elsewhere (HINDSIGHT_WEB_ROOT, read by the CLI's configuration).
 */
export async function installSpa(app: FastifyInstance, root: string = WEB_DIST): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) return;
  // `npm run build:web` writes .br and .gz beside each file (scripts/precompress.mjs); they are sent as they are.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });

  app.get('/assets/*', { config: { public: true }, schema: { hide: true } }, (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    // Names carry a content hash, so a browser may keep them for good.
    return reply.sendFile(`assets/${file}`, { maxAge: 31_536_000_000, immutable: true });
  });

  app.get('/*', { config: { public: true }, schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || path === '/api') {
      throw new AppError('not_found', `no route for ${request.method} ${shortPath(path)}`);
    }
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .sendFile('index.html', { cacheControl: false });
  });
}
