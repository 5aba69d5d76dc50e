import { describe, expect, it } from 'vitest';
import { databaseUrl, debugStacks, fromEnv, parseTrustProxy, serveConfig } from './config.js';

describe('--trust-proxy', () => {
  it('is off by default, on alone or with 1/true, a hop count with a number, else a list of proxies', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy(true)).toBe(true);
    expect(parseTrustProxy('1')).toBe(true);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => parseTrustProxy('everyone')).toThrow(/a number of hops, or proxy addresses/);
  });
});

describe('the configuration', () => {
  it('takes the flags over the environment over the defaults', () => {
    expect(serveConfig({}, {})).toEqual({
      port: 4000,
      host: 'localhost',
      db: './data/hindsight.db',
      trustProxy: false,
      uploadLimit: undefined,
      tokenCacheMs: undefined,
      requestLogs: false,
      logLevel: 'info',
      webRoot: undefined,
      chromium: '/usr/bin/chromium',
      pdf: {},
      outbox: { enabled: true, pollMs: undefined, leaseMs: undefined },
      scorer: { enabled: true, pauseMs: undefined },
      mail: undefined,
    });
    const env = {
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://db/h',
      HINDSIGHT_TRUST_PROXY: '10.0.0.0/8',
      HINDSIGHT_UPLOAD_LIMIT_MB: '2.5',
      HINDSIGHT_TOKEN_CHECK_MS: '0',
      HINDSIGHT_LOG_REQUESTS: '1',
      LOG_LEVEL: 'warn',
      HINDSIGHT_WEB_ROOT: '/srv/web',
      HINDSIGHT_CHROMIUM: '/opt/chromium/chrome',
      HINDSIGHT_PDF_CONCURRENCY: '3',
      HINDSIGHT_PDF_QUEUE: '20',
      HINDSIGHT_PDF_TIMEOUT_S: '90',
      HINDSIGHT_OUTBOX_WORKER: '0',
      HINDSIGHT_OUTBOX_POLL_MS: '250',
      HINDSIGHT_OUTBOX_LEASE_MS: '60000',
      HINDSIGHT_SCORER: '0',
      HINDSIGHT_SCORER_PAUSE_MS: '500',
      HINDSIGHT_SEARCH_WORKERS: '0',
      SMTP_URL: 'smtp://u:p@mail.example.test:2525',
      HINDSIGHT_PUBLIC_URL: 'https://hindsight.example.test/',
      HINDSIGHT_DIGEST_HOUR: '7',
      HINDSIGHT_SECRET_KEY: 'ab'.repeat(32),
    };
    expect(serveConfig({}, env)).toEqual({
      port: 8080,
      host: '0.0.0.0',
      db: 'postgres://db/h',
      trustProxy: ['10.0.0.0/8'],
      uploadLimit: 2.5 * 1024 * 1024,
      tokenCacheMs: 0,
      requestLogs: true,
      logLevel: 'warn',
      webRoot: '/srv/web',
      chromium: '/opt/chromium/chrome',
      pdf: { concurrency: 3, queue: 20, timeoutMs: 90_000 },
      outbox: { enabled: false, pollMs: 250, leaseMs: 60000 },
      scorer: { enabled: false, pauseMs: 500 },
      searchWorkers: 0,
      mail: {
        smtpUrl: 'smtp://u:p@mail.example.test:2525',
        from: 'Hindsight <hindsight@localhost>',
        baseUrl: 'https://hindsight.example.test',
        hour: 7,
        days: undefined,
      },
      secretKey: Buffer.alloc(32, 0xab),
      publicUrl: 'https://hindsight.example.test',
    });
    expect(() => serveConfig({}, { SMTP_URL: 'http://mail' })).toThrow(/^SMTP_URL must be smtp:/);
    // The tracker key: 64 hex digits or base64 of 32 bytes; anything else is refused by name.
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(serveConfig({}, { HINDSIGHT_SECRET_KEY: b64 }).secretKey).toEqual(Buffer.alloc(32, 7));
    for (const bad of ['short-key', 'ab'.repeat(31), Buffer.alloc(16).toString('base64')]) {
      expect(() => serveConfig({}, { HINDSIGHT_SECRET_KEY: bad })).toThrow(
        /^HINDSIGHT_SECRET_KEY must be 32 bytes/,
      );
      expect(() => serveConfig({}, { HINDSIGHT_SECRET_KEY: bad })).not.toThrow(bad);
    }
    expect(() => serveConfig({}, { HINDSIGHT_PDF_CONCURRENCY: '0' })).toThrow(
      /^HINDSIGHT_PDF_CONCURRENCY must be a number of renders from 1 to 16/,
    );
    expect(() => serveConfig({}, { HINDSIGHT_SCORER_PAUSE_MS: '5' })).toThrow(
      /^HINDSIGHT_SCORER_PAUSE_MS must be a number of milliseconds from 10/,
    );
    expect(() => serveConfig({}, { HINDSIGHT_SCORER: 'slow' })).toThrow(/^HINDSIGHT_SCORER must be 1 or 0/);
    expect(() => serveConfig({}, { HINDSIGHT_SEARCH_WORKERS: '17' })).toThrow(
      /^HINDSIGHT_SEARCH_WORKERS must be a number of search worker threads from 0 to 16/,
    );
    expect(() => serveConfig({}, { HINDSIGHT_PDF_TIMEOUT_S: 'soon' })).toThrow(
      /^HINDSIGHT_PDF_TIMEOUT_S must be/,
    );
    expect(() => serveConfig({}, { SMTP_URL: 'smtp://m', HINDSIGHT_DIGEST_HOUR: '24' })).toThrow(
      /^HINDSIGHT_DIGEST_HOUR must be an hour/,
    );
    expect(
      serveConfig(
        {
          port: '9',
          host: '::1',
          db: 'x.db',
          trustProxy: true,
          uploadLimit: '1',
          tokenCheckMs: '5',
          logRequests: false,
        },
        env,
      ),
    ).toMatchObject({
      port: 9,
      host: '::1',
      db: 'x.db',
      trustProxy: true,
      uploadLimit: 1024 * 1024,
      tokenCacheMs: 5,
      requestLogs: false,
    });
  });

  it('counts an empty variable as unset', () => {
    expect(databaseUrl(undefined, { DATABASE_URL: '' })).toBe('./data/hindsight.db');
    expect(serveConfig({}, { PORT: '', HINDSIGHT_TOKEN_CHECK_MS: '' })).toMatchObject({
      port: 4000,
      tokenCacheMs: undefined,
    });
    expect(debugStacks({ HINDSIGHT_DEBUG: '' })).toBe(false);
    expect(debugStacks({ HINDSIGHT_DEBUG: '1' })).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a number from 0 to 65535, not "eighty"$/],
    [{ PORT: '70000' }, /^PORT must be a number from 0 to 65535/],
    [{ HOST: 'a b' }, /^HOST must be a host name/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error/],
    [{ HINDSIGHT_UPLOAD_LIMIT_MB: '0' }, /^HINDSIGHT_UPLOAD_LIMIT_MB must be a number of MB from 1 to 4096/],
    [{ HINDSIGHT_UPLOAD_LIMIT_MB: 'lots' }, /^HINDSIGHT_UPLOAD_LIMIT_MB must be/],
    [{ HINDSIGHT_TOKEN_CHECK_MS: '-1' }, /^HINDSIGHT_TOKEN_CHECK_MS must be a number of milliseconds/],
    [{ HINDSIGHT_LOG_REQUESTS: 'please' }, /^HINDSIGHT_LOG_REQUESTS must be 1 or 0/],
    [{ HINDSIGHT_TRUST_PROXY: 'everyone' }, /^HINDSIGHT_TRUST_PROXY takes nothing, a number of hops/],
  ])('refuses %o, naming the variable, as a usage error (exit 2)', (env, message) => {
    let caught: unknown;
    try {
      serveConfig({}, env);
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toMatch(message);
    expect((caught as { exitCode: number }).exitCode).toBe(2);
  });

  it('names the flag when the bad value came from a flag', () => {
    expect(() => serveConfig({ port: 'x' }, { PORT: '1' })).toThrow(/^--port must be a number/);
    expect(() => serveConfig({ tokenCheckMs: '70000' }, {})).toThrow(/^--token-check-ms must be/);
  });

  it('checks a variable only when it is used', () => {
    // LOG_LEVEL meant for another program does not stop a command that only needs the database.
    expect(databaseUrl(undefined, { LOG_LEVEL: 'warning', DATABASE_URL: 'a.db' })).toBe('a.db');
    expect(fromEnv('PORT', { PORT: '5' })).toBe(5);
  });
});
