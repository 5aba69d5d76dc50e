import { AppError } from '../../domain/index.js';
import { availableParallelism } from 'node:os';
import { buildApp } from '../../server/app.js';
import { serveConfig, type ServeConfig, type ServeFlags } from '../config.js';
import { openMigratedStore } from '../database.js';
import type { RegisterCommand } from './register.js';

export interface ServeOptions extends Omit<
  ServeConfig,
  'logLevel' | 'trustProxy' | 'requestLogs' | 'outbox' | 'scorer'
> {
  outbox?: ServeConfig['outbox'];
  /** The background scorer: on unless `enabled` is false. */
  scorer?: ServeConfig['scorer'];
  trustProxy?: ServeConfig['trustProxy'];
  logger?: boolean | 'pretty';
  /** One log line per request (off by default; failures are always logged). */
  requestLogs?: boolean;
  logLevel?: ServeConfig['logLevel'];
}

/**
 * How long a server waits after it starts before its background scorer looks at the first report: the first
 * half minute goes to requests and the server's own warm-up (measured: the scorer's thread loading the linter
 * took about a second of CPU in the first seconds, beside the search workers' start and the JIT).
 */
export const SCORER_START_DELAY_MS = 30_000;

/** A running server: its address, and a way to stop it that lets requests in flight finish. */
export interface RunningServer {
  url: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  close(): Promise<void>;
}

/** Open the database, migrate it, and listen. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const { store, applied } = await openMigratedStore(o.db);
  // This server's own address, known once it listens (port 0 picks a free port then).
  const bound: { url?: string } = {};
  const app = await buildApp({
    db: store,
    logger: o.logger ?? true,
    requestLogs: o.requestLogs ?? false,
    trustProxy: o.trustProxy,
    uploadLimit: o.uploadLimit,
    logLevel: o.logLevel,
    webRoot: o.webRoot,
    ...(o.chromium ? { chromium: o.chromium } : {}),
    ...(o.outbox?.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: o.outbox.webhookTimeoutMs } : {}),
    ...(o.pdf ? { pdf: o.pdf } : {}),
    ...(o.outbox?.enabled === false
      ? {}
      : {
          outboxWorker: {
            ...(o.outbox?.pollMs !== undefined ? { pollMs: o.outbox.pollMs } : {}),
            ...(o.outbox?.leaseMs !== undefined ? { leaseMs: o.outbox.leaseMs } : {}),
          },
        }),
    ...(o.scorer?.enabled === false
      ? {}
      : {
          qualityScorer: {
            startDelayMs: o.scorer?.startDelayMs ?? SCORER_START_DELAY_MS,
            ...(o.scorer?.pauseMs !== undefined ? { pauseMs: o.scorer.pauseMs } : {}),
          },
        }),
    ...(o.mail
      ? {
          mail: {
            smtpUrl: o.mail.smtpUrl,
            from: o.mail.from,
            // Links in mail need the address people use; without HINDSIGHT_PUBLIC_URL, this server's own,
            // with the port it actually listens on.
            baseUrl: o.mail.baseUrl ?? (() => bound.url),
            ...(o.mail.hour !== undefined ? { hour: o.mail.hour } : {}),
            ...(o.mail.days !== undefined ? { days: o.mail.days } : {}),
          },
        }
      : {}),
    searchWorkers: o.searchWorkers ?? availableParallelism(),
    ...(o.tokenCacheMs !== undefined ? { auth: { tokenCacheMs: o.tokenCacheMs } } : {}),
    ...(o.secretKey ? { secretKey: o.secretKey } : {}),
    ...(o.publicUrl ? { tracker: { publicUrl: o.publicUrl } } : {}),
  });
  if (applied.length > 0) app.log.info({ migrations: applied }, 'database migrated');
  let address: string;
  try {
    address = await app.listen({ port: o.port, host: o.host });
  } catch (e) {
    await app.close();
    await store.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new AppError('io', `port ${o.port} on ${o.host} is already in use`);
    if (code === 'EACCES') throw new AppError('io', `not allowed to listen on port ${o.port}`);
    throw new AppError('io', `cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
  }
  const port = (app.server.address() as { port: number } | null)?.port ?? o.port;
  const shown =
    o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host.includes(':') ? `[${o.host}]` : o.host;
  bound.url = `http://${shown}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: address && bound.url,
    app,
    close: () =>
      (closing ??= (async () => {
        // Fastify stops accepting, answers new requests 503, and waits for the ones in flight.
        await app.close();
        await store.close();
      })()),
  };
}

export const registerServe: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('run the Hindsight server (SQLite file by default, PostgreSQL with a postgres:// URL)')
    .option('--port <port>', 'port to listen on (env PORT, default 4000)')
    .option('--host <host>', 'address to listen on (env HOST, default localhost)')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .option(
      '--trust-proxy [proxies]',
      'behind a reverse proxy: take the client address from X-Forwarded-For (sign-in limits count it); alone trusts any proxy, or give a hop count or proxy addresses/CIDRs (env HINDSIGHT_TRUST_PROXY)',
    )
    .option('--upload-limit <mb>', 'largest uploaded file in MB (env HINDSIGHT_UPLOAD_LIMIT_MB, default 25)')
    .option('--log-requests', 'log one line per request (env HINDSIGHT_LOG_REQUESTS=1)')
    .option(
      '--token-check-ms <ms>',
      'how long a checked API token is trusted before asking the database again; other instances see a revocation within this time; 0 asks every call (env HINDSIGHT_TOKEN_CHECK_MS, default 1000)',
    )
    .action(async (opts: ServeFlags) => {
      const config = serveConfig(opts);
      const server = await startServer({
        ...config,
        // Readable lines for a person at a terminal; JSON lines when the output goes to a file or collector.
        logger: process.stdout.isTTY ? 'pretty' : true,
      });
      ctx.io.err(
        `Hindsight is serving on ${server.url} (database: ${config.db.replace(/\/\/[^@/]*@/, '//')})\n`,
      );
      if ((await server.app.services.users.count()) === 0) {
        ctx.io.err(
          'No accounts yet. Create the first admin with:\n  echo "a long password" | hindsight user create --email you@example.com --name "Your Name" --role admin --password-stdin\n',
        );
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          server.app.log.info({ signal }, 'shutting down');
          server.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
};
