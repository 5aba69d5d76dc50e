import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../domain/index.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';
import { run } from '../main.js';
import { startServer } from './serve.command.js';

async function hindsight(args: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: async () => stdin,
  });
  return { code, out, err };
}

describe('server commands: migrate, user create, token create, serve', () => {
  let dir: string;
  let db: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hindsight-serve-'));
    db = join(dir, 'data', 'hindsight.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates a new database once', async () => {
    const first = await hindsight(['migrate', '--db', db]);
    expect(first).toMatchObject({
      code: 0,
      out: expect.stringMatching(/Applied \d+ migration\(s\): 2026-11-27-001-initial, /),
    });
    expect((await hindsight(['migrate', '--db', db])).out).toBe('The database is up to date.\n');
  });

  it('creates accounts from the command line and refuses bad ones with exit 2', async () => {
    const ok = await hindsight(
      [
        'user',
        'create',
        '--email',
        'Root@Example.com',
        '--name',
        'Root Admin',
        '--role',
        'admin',
        '--password-stdin',
        '--db',
        db,
      ],
      'a long admin password\n',
    );
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/^Created admin root@example.com/);
    const again = await hindsight([
      'user',
      'create',
      '--email',
      'root@example.com',
      '--name',
      'X',
      '--db',
      db,
    ]);
    expect(again).toMatchObject({ code: 2, err: expect.stringMatching(/already exists/) });
    const role = await hindsight([
      'user',
      'create',
      '--email',
      'a@example.com',
      '--name',
      'A',
      '--role',
      'owner',
      '--db',
      db,
    ]);
    expect(role).toMatchObject({ code: 2, err: expect.stringMatching(/role/) });
    const short = await hindsight(
      ['user', 'create', '--email', 'b@example.com', '--name', 'B', '--password-stdin', '--db', db],
      'short\n',
    );
    expect(short).toMatchObject({ code: 2, err: expect.stringMatching(/password.*at least 10/) });
    const empty = await hindsight(
      ['user', 'create', '--email', 'c@example.com', '--name', 'C', '--password-stdin', '--db', db],
      '',
    );
    expect(empty).toMatchObject({ code: 2, err: expect.stringMatching(/no password/) });
    const missing = await hindsight(['token', 'create', '--email', 'ghost@example.com', '--db', db]);
    expect(missing).toMatchObject({ code: 2, err: expect.stringMatching(/no account/) });
  });

  it('lists the accounts through the user service, one per line', async () => {
    const list = await hindsight(['user', 'list', '--db', db]);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toBe('root@example.com\tRoot Admin\tadmin\n');
  });

  it('sets a password from the command line, ending the account’s sessions; bad input is exit 2', async () => {
    const set = await hindsight(
      ['user', 'set-password', '--email', 'ROOT@example.com', '--password-stdin', '--temporary', '--db', db],
      'a brand new password\n',
    );
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(
      /^Password set for root@example.com \(to be changed at the next sign-in\); 0 sessions ended/,
    );
    const again = await hindsight(
      ['user', 'set-password', '--email', 'root@example.com', '--password-stdin', '--db', db],
      'a long admin password\n',
    );
    expect(again.code, again.err).toBe(0);
    expect(again.out).not.toMatch(/next sign-in/);
    const short = await hindsight(
      ['user', 'set-password', '--email', 'root@example.com', '--password-stdin', '--db', db],
      'short\n',
    );
    expect(short).toMatchObject({ code: 2, err: expect.stringMatching(/password.*at least 10/) });
    const ghost = await hindsight(
      ['user', 'set-password', '--email', 'ghost@example.com', '--password-stdin', '--db', db],
      'a long enough one\n',
    );
    expect(ghost).toMatchObject({
      code: 2,
      err: expect.stringMatching(/no account has the email ghost@example.com/),
    });
  });

  it('refuses a bad port or token check time with exit 2', async () => {
    expect((await hindsight(['serve', '--port', 'eighty', '--db', db])).code).toBe(2);
    const slow = await hindsight(['serve', '--port', '0', '--token-check-ms', 'soon', '--db', db]);
    expect(slow.code).toBe(2);
    expect(slow.err).toMatch(/--token-check-ms must be a number of milliseconds/);
  });

  it('refuses a bad environment variable with exit 2, naming it, before opening anything', async () => {
    process.env.PORT = 'eighty';
    try {
      const r = await hindsight(['serve', '--db', db]);
      expect(r).toMatchObject({ code: 2, out: '' });
      expect(r.err).toBe('hindsight: PORT must be a number from 0 to 65535, not "eighty"\n');
    } finally {
      delete process.env.PORT;
    }
  });

  it('works as a new user would: admin, token, a Markdown report found by its root cause and read back identical', async () => {
    const token = await hindsight(['token', 'create', '--email', 'root@example.com', '--db', db]);
    expect(token.code, token.err).toBe(0);
    const secret = token.out.trim();
    expect(secret).toMatch(/^hst_/);

    const server = await startServer({ port: 0, host: '127.0.0.1', db, logger: false });
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });

      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'root@example.com', password: 'a long admin password' }),
      });
      expect(login.status).toBe(200);

      const markdown = serializePostmortem(
        reportSchema.parse({
          kind: 'outage',
          title: 'Login outage',
          analysis: { primaryCause: 'A stale quokka token cache rejected every session.' },
        }),
      );
      const auth = { authorization: `Bearer ${secret}` };
      const created = await fetch(`${server.url}/api/postmortems`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/markdown' },
        body: markdown,
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const found = (await (await fetch(`${server.url}/api/search?q=quokka`, { headers: auth })).json()) as {
        items: { id: string }[];
      };
      expect(found.items.map((h) => h.id)).toEqual([id]);
      const back = await fetch(`${server.url}/api/postmortems/${id}`, {
        headers: { ...auth, accept: 'text/markdown' },
      });
      expect(await back.text()).toBe(markdown);
    } finally {
      await server.close();
    }
  });

  it('on port 0 without HINDSIGHT_PUBLIC_URL, links in mail name the port it listens on', async () => {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      db,
      logger: false,
      outbox: { enabled: false },
      mail: { smtpUrl: 'smtp://127.0.0.1:2525', from: 'hindsight@example.test' },
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      const link = await server.app.services.reminders.unsubscribeUrl('someone');
      expect(link.startsWith(`${server.url}/api/reminders/unsubscribe?token=`), link).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('finishes a request in flight when shutting down', async () => {
    const token = (
      await hindsight(['token', 'create', '--email', 'root@example.com', '--db', db])
    ).out.trim();
    const server = await startServer({ port: 0, host: '127.0.0.1', db, logger: false });
    const body = JSON.stringify({ kind: 'other', title: 'Sent slowly during shutdown' });
    // The body arrives in two halves; shutdown starts between them and must not cut the request off.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/postmortems`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close();
    const r = await answer;
    expect(r.status, r.text).toBe(201);
    const started = Date.now();
    await closing;
    // The keep-alive connection is closed with the last answer instead of idling out.
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
