// The one place that reads the environment and the server's flags (eslint forbids `process.env` elsewhere in
// src). Each value is checked with zod and a bad one is refused with its name: exit 2, nothing started.
// Kept light: zod and the errors module only, so loading it costs a command next to nothing.
import { z } from 'zod';
import { AppError } from '../domain/errors.js';

/** Where the data lives when nothing else is said. */
export const DEFAULT_DATABASE = './data/hindsight.db';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const onOff = z.enum(['1', '0', 'true', 'false', 'yes', 'no'], {
  error: 'must be 1 or 0 (true/false, yes/no)',
});

const portText = z.string().regex(/^\d{1,5}$/, 'must be a number from 0 to 65535');
const port = portText.transform(Number).refine((n) => n <= 65535, 'must be a number from 0 to 65535');
const host = z
  .string()
  .regex(/^[^\s/]{1,255}$/, 'must be a host name or an address, without spaces or slashes');
const uploadMb = z
  .string()
  .regex(/^\d{1,4}(?:\.\d{1,3})?$/, 'must be a number of MB from 1 to 4096')
  .transform(Number)
  .refine((mb) => mb > 0 && mb <= 4096, 'must be a number of MB from 1 to 4096');
const tokenCheckMs = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a number of milliseconds from 0 to 60000')
  .transform(Number)
  .refine((ms) => ms <= 60_000, 'must be a number of milliseconds from 0 to 60000');

const workerMs = z
  .string()
  .regex(/^\d{2,7}$/, 'must be a number of milliseconds from 10 to 3600000')
  .transform(Number)
  .refine((ms) => ms >= 10 && ms <= 3_600_000, 'must be a number of milliseconds from 10 to 3600000');

const smtpUrl = z
  .string()
  .regex(/^smtps?:\/\/[^\s/]+(?::\d{1,5})?\/?$/i, 'must be smtp://[user:password@]host[:port] or smtps://…');
/** An address without the slashes at its end (links are made by appending paths). */
function withoutTrailingSlashes(u: string): string {
  let end = u.length;
  while (end > 0 && u[end - 1] === '/') end -= 1;
  return u.slice(0, end);
}
const publicUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/i, 'must be the http:// or https:// address people open Hindsight at')
  .transform(withoutTrailingSlashes);
const hour = z
  .string()
  .regex(/^\d{1,2}$/, 'must be an hour from 0 to 23')
  .transform(Number)
  .refine((h) => h <= 23, 'must be an hour from 0 to 23');
const days = z
  .string()
  .regex(/^\d{1,2}$/, 'must be a number of days from 1 to 90')
  .transform(Number)
  .refine((d) => d >= 1 && d <= 90, 'must be a number of days from 1 to 90');

/** 32 bytes as 64 hex digits or base64 (44 characters with padding, or base64url). */
const secretKey = z
  .string()
  .transform((v) => (/^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64')))
  .refine(
    (b) => b.length === 32,
    'must be 32 bytes as 64 hex digits or base64 (e.g. the output of `openssl rand -base64 32`)',
  );
const pdfCount = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, `must be a number of ${what} from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a number of ${what} from ${min} to ${max}`);
const pdfTimeout = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a number of seconds from 5 to 600')
  .transform(Number)
  .refine((n) => n >= 5 && n <= 600, 'must be a number of seconds from 5 to 600');

type Env = Record<string, string | undefined>;

/**
 * Every environment variable Hindsight reads, with its check (the README's table lists the same). Each is
 * checked when a command uses it, so a variable meant for another program (LOG_LEVEL=warning) stops only
 * the command that would have used it.
 */
const ENV = {
  DATABASE_URL: z.string(),
  PORT: port,
  HOST: host,
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  HINDSIGHT_TRUST_PROXY: z.string(),
  HINDSIGHT_UPLOAD_LIMIT_MB: uploadMb,
  HINDSIGHT_TOKEN_CHECK_MS: tokenCheckMs,
  HINDSIGHT_LOG_REQUESTS: onOff.transform((v) => v === '1' || v === 'true' || v === 'yes'),
  HINDSIGHT_WEB_ROOT: z.string(),
  HINDSIGHT_DEBUG: z.string(),
  HINDSIGHT_CHROMIUM: z.string(),
  HINDSIGHT_PDF_CONCURRENCY: pdfCount('renders', 1, 16),
  HINDSIGHT_PDF_QUEUE: pdfCount('waiting renders', 0, 500),
  HINDSIGHT_PDF_TIMEOUT_S: pdfTimeout,
  HINDSIGHT_OUTBOX_WORKER: onOff.transform((v) => v === '1' || v === 'true' || v === 'yes'),
  HINDSIGHT_OUTBOX_POLL_MS: workerMs,
  HINDSIGHT_OUTBOX_LEASE_MS: workerMs,
  HINDSIGHT_WEBHOOK_TIMEOUT_MS: workerMs,
  HINDSIGHT_SCORER: onOff.transform((v) => v === '1' || v === 'true' || v === 'yes'),
  HINDSIGHT_SCORER_PAUSE_MS: workerMs,
  HINDSIGHT_SCORER_START_DELAY_MS: workerMs,
  HINDSIGHT_SEARCH_WORKERS: pdfCount('search worker threads', 0, 16),
  SMTP_URL: smtpUrl,
  MAIL_FROM: z
    .string()
    .regex(/^[^\r\n]{3,300}$/, 'must be one line, such as Hindsight <hindsight@example.com>'),
  HINDSIGHT_PUBLIC_URL: publicUrl,
  HINDSIGHT_DIGEST_HOUR: hour,
  HINDSIGHT_DIGEST_DAYS: days,
  HINDSIGHT_SECRET_KEY: secretKey,
} as const;

type EnvName = keyof typeof ENV;

/** Variables whose values are secrets: an error about one does not repeat it. */
const SECRETS = new Set<string>(['HINDSIGHT_SECRET_KEY']);

/** A usage error naming what was wrong (`PORT` or `--port`), with the value given. */
function refuse(name: string, value: unknown, message: string): never {
  throw new AppError('bad_request', `${name} ${message}, not "${String(value)}"`);
}

function check<T extends z.ZodType>(schema: T, name: string, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? 'is not valid';
    // A secret is never echoed into a log or terminal, even a wrong one.
    if (SECRETS.has(name)) throw new AppError('bad_request', `${name} ${message} (value not shown)`);
    refuse(name, value, message);
  }
  return r.data;
}

/** One environment variable, checked; unset or empty is undefined. */
export function fromEnv<N extends EnvName>(
  name: N,
  env: Env = process.env,
): z.output<(typeof ENV)[N]> | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  return check(ENV[name], name, raw) as z.output<(typeof ENV)[N]>;
}

/** Where Chromium is, for PDF exports: HINDSIGHT_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(env: Env = process.env): string {
  return fromEnv('HINDSIGHT_CHROMIUM', env) ?? '/usr/bin/chromium';
}

/** The database a command uses: --db, else DATABASE_URL, else the SQLite file under ./data. */
export function databaseUrl(flag: string | undefined, env: Env = process.env): string {
  // An empty DATABASE_URL counts as unset: SQLite would take '' for a throwaway temporary database.
  return flag ?? fromEnv('DATABASE_URL', env) ?? DEFAULT_DATABASE;
}

/** Whether an internal error also prints its stack (HINDSIGHT_DEBUG set to anything). */
export function debugStacks(env: Env = process.env): boolean {
  return fromEnv('HINDSIGHT_DEBUG', env) !== undefined;
}

/**
 * `--trust-proxy` alone (or 1/true) trusts any proxy; a number trusts that many hops; otherwise a
 * comma-separated list of proxy addresses or CIDR ranges. Sign-in limits count the client address this gives.
 */
export function parseTrustProxy(
  value: string | boolean | undefined,
  name = '--trust-proxy',
): boolean | number | string[] {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const v = value.trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim());
  if (list.some((s) => !/^[0-9a-f.:]{2,45}(?:\/\d{1,3})?$/.test(s)))
    refuse(
      name,
      value,
      'takes nothing, a number of hops, or proxy addresses/CIDR ranges separated by commas',
    );
  return list;
}

/** The flags of `hindsight serve`, as commander gives them. */
export interface ServeFlags {
  port?: string;
  host?: string;
  db?: string;
  trustProxy?: boolean | string;
  uploadLimit?: string;
  tokenCheckMs?: string;
  logRequests?: boolean;
}

/** Everything `serve` needs, from its flags over the environment over the defaults. */
export interface ServeConfig {
  port: number;
  host: string;
  db: string;
  trustProxy: boolean | number | string[];
  /** Largest upload in bytes; undefined: the app's default. */
  uploadLimit?: number;
  tokenCacheMs?: number;
  requestLogs: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  webRoot?: string;
  /** The Chromium executable PDF exports run (the server's default: /usr/bin/chromium). */
  chromium?: string;
  /** PDF renders at once, waiting, and the longest one may take (HINDSIGHT_PDF_CONCURRENCY/_QUEUE/_TIMEOUT_S). */
  pdf?: { concurrency?: number; queue?: number; timeoutMs?: number };
  /** The outbox worker: off with HINDSIGHT_OUTBOX_WORKER=0 (another process sends). */
  outbox: { enabled: boolean; pollMs?: number; leaseMs?: number; webhookTimeoutMs?: number };
  /**
   * The background scorer (the reports' quality scores): off with HINDSIGHT_SCORER=0; HINDSIGHT_SCORER_PAUSE_MS is
   * the least pause after each report scored, HINDSIGHT_SCORER_START_DELAY_MS how long after start it begins.
   */
  scorer: { enabled: boolean; pauseMs?: number; startDelayMs?: number };
  /** Worker threads that run searches on a SQLite file (HINDSIGHT_SEARCH_WORKERS; default one per core, 0 for none). */
  searchWorkers?: number;
  /** E-mail reminders, when SMTP_URL is set. */
  mail?: { smtpUrl: string; from: string; baseUrl?: string; hour?: number; days?: number };
  /** The key that encrypts issue-tracker credentials at rest (HINDSIGHT_SECRET_KEY). */
  secretKey?: Buffer;
  /** The address people open Hindsight at (HINDSIGHT_PUBLIC_URL), for links from issues and mail. */
  publicUrl?: string;
}

/** A flag when given, else its environment variable: checked under the name the value came from. */
function pick<T extends z.ZodType, N extends EnvName>(
  schema: T,
  flag: string | undefined,
  flagName: string,
  envName: N,
  env: Env,
): z.output<T> | z.output<(typeof ENV)[N]> | undefined {
  if (flag !== undefined) return check(schema, flagName, flag);
  return fromEnv(envName, env);
}

/** The server's configuration: flags win over environment variables, which win over the defaults. */
export function serveConfig(flags: ServeFlags, env: Env = process.env): ServeConfig {
  const mb = pick(uploadMb, flags.uploadLimit, '--upload-limit', 'HINDSIGHT_UPLOAD_LIMIT_MB', env);
  const trust = flags.trustProxy ?? fromEnv('HINDSIGHT_TRUST_PROXY', env);
  return {
    port: pick(port, flags.port, '--port', 'PORT', env) ?? 4000,
    host: pick(host, flags.host, '--host', 'HOST', env) ?? 'localhost',
    db: databaseUrl(flags.db, env),
    trustProxy: parseTrustProxy(
      trust,
      flags.trustProxy !== undefined ? '--trust-proxy' : 'HINDSIGHT_TRUST_PROXY',
    ),
    uploadLimit: mb === undefined ? undefined : Math.round(mb * 1024 * 1024),
    tokenCacheMs: pick(tokenCheckMs, flags.tokenCheckMs, '--token-check-ms', 'HINDSIGHT_TOKEN_CHECK_MS', env),
    requestLogs: flags.logRequests ?? fromEnv('HINDSIGHT_LOG_REQUESTS', env) ?? false,
    logLevel: fromEnv('LOG_LEVEL', env) ?? 'info',
    webRoot: fromEnv('HINDSIGHT_WEB_ROOT', env),
    chromium: chromiumPath(env),
    pdf: pdfConfig(env),
    outbox: {
      enabled: fromEnv('HINDSIGHT_OUTBOX_WORKER', env) ?? true,
      pollMs: fromEnv('HINDSIGHT_OUTBOX_POLL_MS', env),
      leaseMs: fromEnv('HINDSIGHT_OUTBOX_LEASE_MS', env),
      webhookTimeoutMs: fromEnv('HINDSIGHT_WEBHOOK_TIMEOUT_MS', env),
    },
    scorer: {
      enabled: fromEnv('HINDSIGHT_SCORER', env) ?? true,
      pauseMs: fromEnv('HINDSIGHT_SCORER_PAUSE_MS', env),
      startDelayMs: fromEnv('HINDSIGHT_SCORER_START_DELAY_MS', env),
    },
    searchWorkers: fromEnv('HINDSIGHT_SEARCH_WORKERS', env),
    mail: mailConfig(env),
    secretKey: fromEnv('HINDSIGHT_SECRET_KEY', env),
    publicUrl: fromEnv('HINDSIGHT_PUBLIC_URL', env),
  };
}

/** The PDF renderer's limits that are set (the app has defaults for the rest). */
function pdfConfig(env: Env): ServeConfig['pdf'] {
  const concurrency = fromEnv('HINDSIGHT_PDF_CONCURRENCY', env);
  const queue = fromEnv('HINDSIGHT_PDF_QUEUE', env);
  const timeout = fromEnv('HINDSIGHT_PDF_TIMEOUT_S', env);
  return {
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(queue !== undefined ? { queue } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
  };
}

/** The mail settings, when SMTP_URL names a server. */
function mailConfig(env: Env): ServeConfig['mail'] {
  const smtpUrl = fromEnv('SMTP_URL', env);
  if (!smtpUrl) return undefined;
  return {
    smtpUrl,
    from: fromEnv('MAIL_FROM', env) ?? 'Hindsight <hindsight@localhost>',
    baseUrl: fromEnv('HINDSIGHT_PUBLIC_URL', env),
    hour: fromEnv('HINDSIGHT_DIGEST_HOUR', env),
    days: fromEnv('HINDSIGHT_DIGEST_DAYS', env),
  };
}
