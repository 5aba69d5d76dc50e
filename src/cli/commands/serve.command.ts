import { AppError } from '../../domain/index.js';
import { buildApp, DEFAULT_UPLOAD_LIMIT } from '../../server/app.js';
import { databaseUrl, openMigratedStore } from '../database.js';
import type { RegisterCommand } from './register.js';

export interface ServeOptions {
  port: number;
  host: string;
  db: string;
  trustProxy?: boolean | number | string[];
  uploadLimit?: number;
  /** How long a checked API token is trusted before the database is asked again (ms; 0: every call). */
  tokenCacheMs?: number;
  logger?: boolean | 'pretty';
  /** One log line per request (off by default; failures are always logged). */
  requestLogs?: boolean;
}

/** A running server: its address, and a way to stop it that lets requests in flight finish. */
export interface RunningServer {
  url: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  close(): Promise<void>;
}

/** Open the database, migrate it, and listen. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const { store, applied } = await openMigratedStore(o.db);
  const app = await buildApp({
    db: store,
    logger: o.logger ?? true,
    requestLogs: o.requestLogs ?? false,
    trustProxy: o.trustProxy,
    uploadLimit: o.uploadLimit,
    ...(o.tokenCacheMs !== undefined ? { auth: { tokenCacheMs: o.tokenCacheMs } } : {}),
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
  let closing: Promise<void> | undefined;
  return {
    url: address && `http://${shown}:${port}`,
    app,
    close: () =>
      (closing ??= (async () => {
        // Fastify stops accepting, answers new requests 503, and waits for the ones in flight.
        await app.close();
        await store.close();
      })()),
  };
}

/**
 * `--trust-proxy` alone (or 1/true) trusts any proxy; a number trusts that many hops; otherwise a
 * comma-separated list of proxy addresses or CIDR ranges. Sign-in limits count the client address this gives.
 */
export function parseTrustProxy(value: string | boolean | undefined): boolean | number | string[] {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const v = value.trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim());
  if (list.some((s) => !/^[0-9a-f.:]{2,45}(?:\/\d{1,3})?$/.test(s)))
    throw new AppError(
      'bad_request',
      `--trust-proxy takes nothing, a number of hops, or proxy addresses/CIDR ranges separated by commas, not "${value}"`,
    );
  return list;
}

const parsePort = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new AppError('bad_request', `the port must be a number from 0 to 65535, not "${value}"`);
  return n;
};

export const registerServe: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('run the Hindsight server (SQLite file by default, PostgreSQL with a postgres:// URL)')
    .option('--port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '4000')
    .option('--host <host>', 'address to listen on (env HOST)', process.env.HOST ?? 'localhost')
    .option('--db <url>', 'SQLite file or postgres:// URL (env DATABASE_URL)')
    .option(
      '--trust-proxy [proxies]',
      'behind a reverse proxy: take the client address from X-Forwarded-For (sign-in limits count it); alone trusts any proxy, or give a hop count or proxy addresses/CIDRs (env HINDSIGHT_TRUST_PROXY)',
    )
    .option(
      '--upload-limit <mb>',
      'largest uploaded file in MB (env HINDSIGHT_UPLOAD_LIMIT_MB)',
      process.env.HINDSIGHT_UPLOAD_LIMIT_MB,
    )
    .option('--log-requests', 'log one line per request (env HINDSIGHT_LOG_REQUESTS=1)')
    .option(
      '--token-check-ms <ms>',
      'how long a checked API token is trusted before asking the database again; other instances see a revocation within this time; 0 asks every call (env HINDSIGHT_TOKEN_CHECK_MS, default 1000)',
      process.env.HINDSIGHT_TOKEN_CHECK_MS || undefined,
    )
    .action(
      async (opts: {
        port: string;
        host: string;
        db?: string;
        trustProxy?: boolean | string;
        uploadLimit?: string;
        tokenCheckMs?: string;
        logRequests?: boolean;
      }) => {
        const port = parsePort(opts.port);
        let uploadLimit = DEFAULT_UPLOAD_LIMIT;
        if (opts.uploadLimit !== undefined) {
          const mb = Number(opts.uploadLimit);
          if (!Number.isFinite(mb) || mb <= 0 || mb > 4096)
            throw new AppError(
              'bad_request',
              `the upload limit must be a number of MB from 1 to 4096, not "${opts.uploadLimit}"`,
            );
          uploadLimit = Math.round(mb * 1024 * 1024);
        }
        let tokenCacheMs: number | undefined;
        if (opts.tokenCheckMs !== undefined) {
          tokenCacheMs = Number(opts.tokenCheckMs);
          if (!/^\d+$/.test(opts.tokenCheckMs) || tokenCacheMs > 60_000)
            throw new AppError(
              'bad_request',
              `the token check time must be a number of milliseconds from 0 to 60000, not "${opts.tokenCheckMs}"`,
            );
        }
        const server = await startServer({
          port,
          host: opts.host,
          db: databaseUrl(opts.db),
          trustProxy: parseTrustProxy(opts.trustProxy ?? process.env.HINDSIGHT_TRUST_PROXY),
          uploadLimit,
          tokenCacheMs,
          requestLogs: opts.logRequests ?? process.env.HINDSIGHT_LOG_REQUESTS === '1',
          // Readable lines for a person at a terminal; JSON lines when the output goes to a file or collector.
          logger: process.stdout.isTTY ? 'pretty' : true,
        });
        ctx.io.err(
          `Hindsight is serving on ${server.url} (database: ${databaseUrl(opts.db).replace(/\/\/[^@/]*@/, '//')})\n`,
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
      },
    );
};
