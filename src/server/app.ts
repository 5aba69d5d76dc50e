import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { pingStore, type Store } from '../store/index.js';
import { installAuth } from './auth.hook.js';
import { installErrorHandler } from './error-handler.js';
import { attachmentsRoutes } from './routes/attachments.routes.js';
import { authRoutes, type CookiePolicy } from './routes/auth.routes.js';
import { passwordRoutes } from './routes/password.routes.js';
import { reportsRoutes } from './routes/reports.routes.js';
import { reviewsRoutes } from './routes/reviews.routes.js';
import { searchRoutes } from './routes/search.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { evidenceRoutes } from './routes/evidence.routes.js';
import { lintRoutes } from './routes/lint.routes.js';
import { setupRoutes } from './routes/setup.routes.js';
import { installSpa } from './spa.js';
import type { AuthOptions } from './services/auth.service.js';
import { createServices, type Services } from './services/index.js';
import type { ReviewGate } from './services/review-gate.js';

export interface AppOptions {
  /** The open, migrated database. */
  db: Store;
  /** true for JSON logs on stdout, false for none, or a pino logger. */
  logger?: boolean | FastifyBaseLogger;
  /** Largest JSON or Markdown body, in bytes (default 10 MB). */
  bodyLimit?: number;
  /** Largest uploaded file, in bytes (default 25 MB). */
  uploadLimit?: number;
  /** Trust X-Forwarded-* from a reverse proxy (needed for Secure cookies behind TLS termination). */
  trustProxy?: boolean | string | string[];
  cookies?: Partial<CookiePolicy>;
  auth?: Partial<AuthOptions>;
  /** What keeps a report out of review (default: the model's checks plus linter errors). */
  reviewGate?: ReviewGate;
}

export const DEFAULT_UPLOAD_LIMIT = 25 * 1024 * 1024;
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** Build the Hindsight HTTP app on an open store; nothing is listening until `listen` is called. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance & { services: Services }> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logger = options.logger ?? false;
  const app = Fastify({
    ...(typeof logger === 'boolean'
      ? { logger: logger ? { level: process.env.LOG_LEVEL ?? 'info' } : false }
      : { loggerInstance: logger }),
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
    // Report ids, not free text, are in URLs; long URLs are noise or attacks.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  const services = createServices(options.db, { auth: options.auth, gate: options.reviewGate });
  app.decorate('services', services);

  app.addContentTypeParser(
    ['text/markdown', 'text/x-markdown', 'text/plain'],
    { parseAs: 'string', bodyLimit },
    (_req, body, done) => done(null, body),
  );
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT,
      files: 1,
      fields: 10,
      fieldSize: 10_000,
      parts: 20,
    },
  });

  // The docs page and its assets are public; the API behind them is not.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config as object), public: true };
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hindsight API',
        description: 'Post-mortems as structured, searchable records.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'hindsight_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  installAuth(app, services);

  // While shutting down, answers to requests in flight close their connection, so that a keep-alive
  // client does not hold the process open until its idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await pingStore(options.db);
      return { status: 'ok', database: options.db.dialect };
    } catch {
      return reply
        .status(503)
        .send({ code: 'unavailable', message: 'the database does not answer', details: [] });
    }
  });

  await app.register(reportsRoutes(services));
  await app.register(reviewsRoutes(services));
  await app.register(searchRoutes(services));
  await app.register(settingsRoutes(services));
  await app.register(authRoutes(services, { secure: options.cookies?.secure ?? 'auto' }));
  await app.register(passwordRoutes(services));
  await app.register(attachmentsRoutes(services));
  await app.register(lintRoutes(services));
  await app.register(setupRoutes(services));
  await app.register(evidenceRoutes(services));
  // The web app last: its catch-all route answers only what no API route claims.
  await installSpa(app);

  return app as unknown as FastifyInstance & { services: Services };
}
