import { constants as zlib } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingStore, resumeForgetScores, type Store } from '../store/index.js';
import { startSearchPool, type SearchPool } from './search/search-pool.js';
import { installAuth } from './auth.hook.js';
import {
  checkReplies,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  plainSerializerCompiler,
  replies,
  requireReplySchemas,
  type ReplyViolation,
} from './contract.js';
import { answerError, installErrorHandler, MAX_PARAM_LENGTH } from './error-handler.js';
import { jsonBody, markdownBody, refusePlainText } from './markdown-body.js';
import { parseQuery, refusingBadUrlText } from './url-text.js';
import { compressReply } from './reply-compression.js';
import { docsCsp, setSecurityHeaders } from './security-headers.js';
import { attachmentsRoutes } from './routes/attachments.routes.js';
import { authRoutes, type CookiePolicy } from './routes/auth.routes.js';
import { passwordRoutes } from './routes/password.routes.js';
import { reportsRoutes } from './routes/reports.routes.js';
import { shareRoutes } from './routes/share.routes.js';
import { reviewsRoutes } from './routes/reviews.routes.js';
import { memoryRoutes } from './routes/memory.routes.js';
import { searchRoutes } from './routes/search.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { evidenceRoutes } from './routes/evidence.routes.js';
import { followUpRoutes } from './routes/follow-up.routes.js';
import { lintRoutes } from './routes/lint.routes.js';
import { setupRoutes } from './routes/setup.routes.js';
import { requestLogger } from './request-logger.js';
import { installSpa } from './spa.js';
import type { OutboxWorker, OutboxWorkerOptions } from './outbox/outbox.worker.js';
import { webhooksRoutes } from './routes/webhooks.routes.js';
import { remindersRoutes } from './routes/reminders.routes.js';
import type { ReminderOptions } from './outbox/reminders.service.js';
import { mailAttemptMs } from '../mail/mailer.js';
import type { TrackerOptions } from './tracker/tracker.service.js';
import { trackerRoutes } from './routes/tracker.routes.js';
import type { AuthOptions } from './services/auth.service.js';
import { PdfRenderer } from '../render/pdf.js';
import { LintPool, type LintPoolOptions } from './workers/lint-pool.js';
import { BackgroundScorer, type ScorerOptions } from './scorer/background-scorer.js';
import { createServices, type Services } from './services/index.js';
import type { ReviewGate } from './services/review-gate.js';

export interface AppOptions {
  /** The open, migrated database. */
  db: Store;
  /** true for JSON logs on stdout, 'pretty' for readable lines (a terminal), false for none, or a pino logger. */
  logger?: boolean | 'pretty' | FastifyBaseLogger;
  /**
   * Log every request (one line when its reply is sent). Off by default: a line per request costs a
   * server a sizeable share of its throughput, and failures are logged anyway.
   */
  requestLogs?: boolean;
  /** Largest JSON or Markdown body, in bytes (default 10 MB). */
  bodyLimit?: number;
  /** Largest uploaded file, in bytes (default 25 MB). */
  uploadLimit?: number;
  /** Trust X-Forwarded-* from a reverse proxy (needed for Secure cookies behind TLS termination). */
  trustProxy?: boolean | number | string | string[];
  cookies?: Partial<CookiePolicy>;
  auth?: Partial<AuthOptions>;
  /** What keeps a report out of review (default: the model's checks plus linter errors). */
  reviewGate?: ReviewGate;
  /** Time allowed for one webhook attempt (default 10 s; the outbox lease is derived from it). */
  webhookTimeoutMs?: number;
  /** Least level logged (default info). */
  logLevel?: string;
  /** A build of the web app to serve instead of web/dist. */
  webRoot?: string;
  /** The Chromium executable for PDF exports (default /usr/bin/chromium). */
  chromium?: string;
  /** PDF renders at once, renders waiting, and the longest one render may take (defaults 2, 8, 60 s). */
  pdf?: { concurrency?: number; queue?: number; timeoutMs?: number };
  /**
   * The editor's lint threads (workers/lint-pool.ts): threads (default one per core but one, at most 4), lints
   * waiting (default 16; more get 503), the longest one lint may run (default 20 s).
   */
  lint?: LintPoolOptions;
  /**
   * Check every API reply against its route's response schema; a mismatch becomes a 500 that names it and
   * is kept in `app.replyViolations`. For tests: it parses every reply, which production need not pay for.
   */
  validateResponses?: boolean;
  /**
   * Run the outbox worker (webhook deliveries, mail) while the app is up, with these options; off unless
   * given (`hindsight serve` turns it on; tests drive a worker by hand).
   */
  outboxWorker?: OutboxWorkerOptions;
  /**
   * Keep the reports' quality scores filled in a worker thread while the app is up (scorer/background-scorer.ts),
   * with these options; off unless given (`hindsight serve` turns it on).
   */
  qualityScorer?: ScorerOptions;
  /** Send e-mail digests through this SMTP server (`hindsight serve` with SMTP_URL set). */
  mail?: ReminderOptions;
  /** The 32-byte key that encrypts issue-tracker credentials at rest (HINDSIGHT_SECRET_KEY). */
  secretKey?: Buffer;
  /** Issue-tracker sync: call time-out, polling pace, the public address for links back. */
  tracker?: TrackerOptions;
  /**
   * Worker threads that run searches on a SQLite file (search/search-pool.ts); none unless given (`hindsight
   * serve`: one per core). Without them, and always on PostgreSQL and `:memory:`, searches run on the main thread.
   */
  searchWorkers?: number;
}

/** The app with what it carries besides Fastify's own: its services, reply checks and outbox worker. */
export type HindsightApp = FastifyInstance & {
  services: Services;
  replyViolations: ReplyViolation[];
  /** The running outbox worker, when `outboxWorker` was given. */
  outboxWorker?: OutboxWorker;
  /** The PDF renderer the exports share. */
  pdfRenderer: PdfRenderer;
  /** The threads that run POST /api/lint. */
  lintPool: LintPool;
  /** The background scorer, when `qualityScorer` was given. */
  qualityScorer?: BackgroundScorer;
  /** The search workers, on a SQLite file (see AppOptions.searchWorkers). */
  searchPool?: SearchPool;
};

export const DEFAULT_UPLOAD_LIMIT = 25 * 1024 * 1024;
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * JSON lines for log collectors; on a terminal, one readable coloured line per entry through pino-pretty
 * (run by pino in a worker thread, so formatting costs the server's event loop nothing).
 */
/**
 * The address of a request as logged: values of query parameters that carry a credential (Jira's webhook
 * `?secret=`, unsubscribe tokens) are replaced by `[redacted]`, and so is a calendar feed's secret file
 * name, so they never reach a log line.
 */
export function loggedUrl(url: string): string {
  const feeds = '/api/calendar/feeds/';
  if (url.startsWith(feeds)) return `${feeds}[redacted]`;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let redacted = false;
  for (const k of new Set(params.keys()))
    if (/secret|token|key|password/i.test(k)) {
      params.set(k, '[redacted]');
      redacted = true;
    }
  return redacted ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** Fastify's own request serializer, with the credentials in the query left out. */
const serializers = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: loggedUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

function loggerOptions(pretty: boolean, level = 'info') {
  if (!pretty) return { level, serializers };
  return {
    level,
    serializers,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:yyyy-mm-dd HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
    },
  };
}

/** Build the Hindsight HTTP app on an open store; nothing is listening until `listen` is called. */
export async function buildApp(options: AppOptions): Promise<HindsightApp> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logger = options.logger ?? false;
  const app = Fastify({
    ...(typeof logger === 'boolean' || logger === 'pretty'
      ? { logger: logger ? loggerOptions(logger === 'pretty', options.logLevel) : false }
      : { loggerInstance: logger }),
    bodyLimit,
    // A number (hops to trust) works at run time, though Fastify's types leave it out.
    trustProxy: (options.trustProxy ?? false) as boolean | string | string[],
    // Report ids, not free text, are in URLs; long URLs are noise or attacks.
    // Query strings with a NUL or invalid percent-encoding are marked for the validator to refuse (url-text.ts).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, querystringParser: parseQuery },
    return503OnClosing: true,
    // A path the router cannot decode, or a path part past maxParamLength, answered like every other error.
    frameworkErrors: (error, request, reply) => {
      void answerError(error, request, reply);
    },
    // Fastify's own request logging writes two lines per request; see onResponse below for ours.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: requestLogger,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(refusingBadUrlText(validatorCompiler));
  app.setSerializerCompiler(plainSerializerCompiler);
  installErrorHandler(app);

  const services = createServices(options.db, {
    auth: options.auth,
    gate: options.reviewGate,
    webhookTimeoutMs: options.webhookTimeoutMs,
    secretKey: options.secretKey,
    tracker: options.tracker,
  });
  app.decorate('services', services);
  const replyViolations: ReplyViolation[] = [];
  app.decorate('replyViolations', replyViolations);
  // Before compression's hook, so the check sees the JSON as sent.
  if (options.validateResponses) checkReplies(app, replyViolations);

  app.addContentTypeParser(
    ['text/markdown', 'text/x-markdown'],
    { parseAs: 'buffer', bodyLimit },
    markdownBody,
  );
  app.addContentTypeParser('text/plain', refusePlainText);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, jsonBody(parseJson));
  // While shutting down, answers to requests in flight close their connection, so that a keep-alive
  // client does not hold the process open until its idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // What every reply gets, in one hook (each hook costs every request a turn of Fastify's hook runner): the
  // security headers, Connection: close while shutting down, and compression. Replies over 1 KB go out
  // compressed when the client accepts it (lists and reports are repetitive JSON): those built in memory by
  // compressReply, streams by @fastify/compress; brotli at a low quality costs about what gzip does. Bodies
  // sent to us are never inflated. Registered before the web app's static files, which serve their
  // precompressed copies (see spa.ts).
  app.addHook('onSend', (request, reply, payload, done) => {
    setSecurityHeaders(reply);
    if (closing) reply.header('connection', 'close');
    compressReply(request, reply, payload, done);
  });
  await app.register(fastifyCompress, {
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
    globalDecompression: false,
  });
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

  requireReplySchemas(app);
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
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list' },
    staticCSP: true,
    transformStaticCSP: docsCsp,
  });

  installAuth(app, services);

  if (options.requestLogs) {
    app.addHook('onResponse', (request, reply, done) => {
      // The shape of Fastify's own "request completed" line (its req/res serializers), in one line, not two.
      request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
      done();
    });
  }

  app.get(
    '/api/openapi.json',
    {
      config: { public: true },
      schema: { hide: true, response: replies({ 200: z.record(z.string(), z.unknown()) }) },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        hide: true,
        response: replies({
          200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }),
        }),
      },
    },
    async (_request, reply) => {
      try {
        await pingStore(options.db);
        return { status: 'ok' as const, database: options.db.dialect };
      } catch {
        return reply
          .status(503)
          .send({ code: 'unavailable', message: 'the database does not answer', details: [] });
      }
    },
  );

  await app.register(reportsRoutes(services));
  // One browser for every PDF, a bounded queue in front of it, closed with the server.
  const pdf = new PdfRenderer({ chromium: options.chromium ?? '/usr/bin/chromium', ...options.pdf });
  app.decorate('pdfRenderer', pdf);
  app.addHook('onClose', async () => pdf.close());
  await app.register(shareRoutes(services, { pdf }));
  await app.register(reviewsRoutes(services));
  const searchPool = startSearchPool(options.db, options.searchWorkers ?? 0, (e) =>
    app.log.error({ err: e }, 'search worker'),
  );
  app.decorate('searchPool', searchPool);
  if (searchPool) app.addHook('onClose', async () => searchPool.close());
  await app.register(searchRoutes(services, searchPool));
  await app.register(memoryRoutes(services));
  await app.register(settingsRoutes(services));
  await app.register(authRoutes(services, { secure: options.cookies?.secure ?? 'auto' }));
  await app.register(passwordRoutes(services));
  await app.register(attachmentsRoutes(services));
  // The editor's lints run on worker threads, started at the first lint and terminated with the server.
  const lint = new LintPool(options.lint);
  app.decorate('lintPool', lint);
  app.addHook('onClose', async () => lint.close());
  await app.register(lintRoutes(services, { lint }));
  await app.register(setupRoutes(services));
  await app.register(evidenceRoutes(services));
  await app.register(webhooksRoutes(services));
  await app.register(remindersRoutes(services));
  await app.register(trackerRoutes(services));
  // Linked issues' states are read by the outbox worker's periodic scans (a bounded batch each time).
  services.outbox.addScan(async (now) => {
    // A failing poll must not keep the scans after it (digests) from running.
    await services.tracker
      .poll(now, app.log)
      .catch((e: unknown) => app.log.error({ err: e }, 'tracker poll'));
  });
  if (options.mail) {
    const mail = services.reminders.enable(options.mail);
    const attemptMs = mailAttemptMs(options.mail);
    services.outbox.addKind('mail', mail.handler, attemptMs, mail.scan);
    services.outbox.addKind('distribution', services.distribution.enable(options.mail), attemptMs);
    app.addHook('onClose', async () => {
      services.reminders.close();
      services.distribution.close();
    });
  }
  if (options.outboxWorker) {
    const worker = services.outbox.worker(options.outboxWorker, app.log);
    app.decorate('outboxWorker', worker);
    app.addHook('onReady', async () => worker.start());
    // Attempts in flight finish (or time out) before the database is closed.
    app.addHook('onClose', async () => worker.stop());
  }
  // The scores of settings that changed, emptied in the background (a walk at a time; again when another
  // change came during one), and at start what a stop cut short; then the scorer walks its backlog again.
  let forgetting: Promise<void> | undefined;
  let forgetAgain = false;
  let stopForgetting = false;
  let backgroundScorer: BackgroundScorer | undefined;
  const forgetScores = (): void => {
    if (forgetting) {
      forgetAgain = true;
      return;
    }
    forgetting = (async () => {
      try {
        do {
          forgetAgain = false;
          await resumeForgetScores(options.db, { stopped: () => stopForgetting });
          if (stopForgetting) return;
          backgroundScorer?.settingsChanged();
        } while (forgetAgain);
      } catch (e) {
        app.log.error({ err: e }, 'could not empty the quality scores of changed settings');
      } finally {
        // In the same turn as the last look at forgetAgain: a change noted after it starts a walk of its own.
        forgetting = undefined;
      }
    })();
  };
  services.settings.onScoreBasisChanged(forgetScores);
  app.addHook('onReady', async () => forgetScores());
  // A walk under way stops at its next chunk; the next start goes on with it.
  app.addHook('onClose', async () => {
    stopForgetting = true;
    await forgetting;
  });
  if (options.qualityScorer) {
    const scorer = new BackgroundScorer(
      options.db,
      () => services.settings.get(),
      app.log,
      options.qualityScorer,
    );
    backgroundScorer = scorer;
    services.reports.onSaved((id) => scorer.noteSaved(id));
    // Every request the server receives, counted on the HTTP server itself (no Fastify hook): the scorer's pace.
    app.server.on('request', () => scorer.noteRequest());
    app.decorate('qualityScorer', scorer);
    app.addHook('onReady', async () => scorer.start());
    // A lint in progress is abandoned, a score being written finishes, before the database is closed.
    app.addHook('onClose', async () => scorer.stop());
  }
  await app.register(followUpRoutes(services));
  // The web app last: its catch-all route answers only what no API route claims.
  await installSpa(app, options.webRoot);

  return app as unknown as HindsightApp;
}
