import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';

const cookieOf = (setCookie: string | string[] | undefined, name: string) => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((c) => c.startsWith(`${name}=`));
};

describe.each(testDialects())('accounts and sign-in on %s', (dialect) => {
  let s: TestServer;
  const password = 'a very long passphrase';

  beforeAll(async () => {
    s = await startTestServer(dialect, { auth: { maxFailuresPerAccount: 3 } });
    await s.client('editor', 'Sam Session', password);
    await s.client('editor', 'Rae Limited', password);
  });
  afterAll(async () => s?.close());

  const login = (email: string, pw: string, headers: Record<string, string> = {}) =>
    s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: pw }, headers });

  it('refuses the API without credentials, and with a bad token', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/api/postmortems' })).statusCode).toBe(401);
    const bad = await s.app.inject({
      method: 'GET',
      url: '/api/postmortems',
      headers: { authorization: 'Bearer hst_nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('unauthorized');
  });

  it('signs in with a password, sets HttpOnly SameSite cookies and audits the sign-in', async () => {
    const r = await login('SAM.SESSION@example.test', password);
    expect(r.statusCode, r.body).toBe(200);
    const session = cookieOf(r.headers['set-cookie'], 'hindsight_session')!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    expect(r.json().csrfToken).toEqual(expect.any(String));
    const log = await s.app.services.auditLog.list({ action: 'auth.login' }, { limit: 10, offset: 0 });
    expect(log.some((e) => e.userId === r.json().user.id)).toBe(true);
  });

  it('marks cookies Secure behind a TLS-terminating proxy when trustProxy is on', async () => {
    const behind = await startTestServer(dialect, { trustProxy: true });
    try {
      await behind.client('viewer', 'Tia Tls', password);
      const r = await behind.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'tia.tls@example.test', password },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(cookieOf(r.headers['set-cookie'], 'hindsight_session')).toMatch(/Secure/);
    } finally {
      await behind.close();
    }
  });

  it('requires the CSRF header on cookie-authenticated writes, not on reads', async () => {
    const r = await login('sam.session@example.test', password);
    const token = /hindsight_session=([^;]+)/.exec(
      cookieOf(r.headers['set-cookie'], 'hindsight_session')!,
    )![1]!;
    const cookies = { hindsight_session: token };
    const read = await s.app.inject({ method: 'GET', url: '/api/auth/me', cookies });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ via: 'session', user: { email: 'sam.session@example.test' } });
    const body = { kind: 'outage', title: 'Made with a cookie' };
    const forged = await s.app.inject({ method: 'POST', url: '/api/postmortems', cookies, payload: body });
    expect(forged.statusCode).toBe(403);
    const wrong = await s.app.inject({
      method: 'POST',
      url: '/api/postmortems',
      cookies,
      payload: body,
      headers: { 'x-csrf-token': 'x' },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/postmortems',
      cookies,
      payload: body,
      headers: { 'x-csrf-token': r.json().csrfToken },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const out = await s.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      cookies,
      headers: { 'x-csrf-token': r.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect((await s.app.inject({ method: 'GET', url: '/api/auth/me', cookies })).statusCode).toBe(401);
  });

  it('limits failed sign-ins per account, counted in the database', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login('rae.limited@example.test', 'wrong password')).statusCode).toBe(401);
    const blocked = await login('rae.limited@example.test', password);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('rate_limited');
    // A second app on the same database sees the same failures.
    const { buildApp } = await import('./app.js');
    const twin = await buildApp({
      validateResponses: true,
      db: s.db.store,
      auth: { maxFailuresPerAccount: 3 },
    });
    const again = await twin.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'rae.limited@example.test', password },
    });
    expect(again.statusCode).toBe(429);
    await twin.close();
  });

  it('behaves as one with a second instance on the same database: sessions, CSRF and versions are shared', async () => {
    const { buildApp } = await import('./app.js');
    const twin = await buildApp({ validateResponses: true, db: s.db.store });
    try {
      const r = await login('sam.session@example.test', password);
      const token = /hindsight_session=([^;]+)/.exec(
        cookieOf(r.headers['set-cookie'], 'hindsight_session')!,
      )![1]!;
      const cookies = { hindsight_session: token };
      const headers = { 'x-csrf-token': r.json().csrfToken as string };
      const created = await twin.inject({
        method: 'POST',
        url: '/api/postmortems',
        cookies,
        headers,
        payload: { kind: 'other', title: 'Twin' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      const body = (title: string) => ({ version: 1, report: { kind: 'other', title } });
      const first = await s.app.inject({
        method: 'PUT',
        url: `/api/postmortems/${id}`,
        cookies,
        headers,
        payload: body('From A'),
      });
      const second = await twin.inject({
        method: 'PUT',
        url: `/api/postmortems/${id}`,
        cookies,
        headers,
        payload: body('From B'),
      });
      expect([first.statusCode, second.statusCode]).toEqual([200, 409]);
      const read = await twin.inject({ method: 'GET', url: `/api/postmortems/${id}`, cookies });
      expect(read.json().report.title).toBe('From A');
    } finally {
      await twin.close();
    }
  });

  it('stops a revoked token or a disabled account at once here, and within the check interval elsewhere', async () => {
    const { buildApp } = await import('./app.js');
    const twin = await buildApp({ validateResponses: true, db: s.db.store, auth: { tokenCacheMs: 150 } });
    try {
      const me = await s.client('editor', 'Ty Twice');
      const asTwin = (token: string) =>
        twin.inject({
          method: 'GET',
          url: '/api/postmortems',
          headers: { authorization: `Bearer ${token}` },
        });
      const created = await me.call({ method: 'POST', url: '/api/tokens', payload: { name: 'script' } });
      const { token, id } = created.json() as { token: string; id: string };
      const asHere = () =>
        s.app.inject({
          method: 'GET',
          url: '/api/postmortems',
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await asHere()).statusCode).toBe(200);
      expect((await asTwin(token)).statusCode).toBe(200);
      expect((await me.call({ method: 'DELETE', url: `/api/tokens/${id}` })).statusCode).toBe(204);
      expect((await asHere()).statusCode).toBe(401);
      await new Promise((r) => setTimeout(r, 200));
      expect((await asTwin(token)).statusCode).toBe(401);
      // An admin disables the account: its other token stops here at once.
      const admin = await s.client('admin', 'Al Admin');
      expect((await me.call({ method: 'GET', url: '/api/postmortems' })).statusCode).toBe(200);
      const off = await admin.call({
        method: 'PATCH',
        url: `/api/users/${me.user.id}`,
        payload: { disabled: true },
      });
      expect(off.statusCode, off.body).toBe(200);
      expect((await me.call({ method: 'GET', url: '/api/postmortems' })).statusCode).toBe(401);
    } finally {
      await twin.close();
    }
  });

  it('asks the database about a token once per check interval, or on every call when told to', async () => {
    const { buildApp } = await import('./app.js');
    const everyCall = await buildApp({ validateResponses: true, db: s.db.store, auth: { tokenCacheMs: 0 } });
    try {
      const me = await s.client('viewer', 'Cal Count');
      const count = (app: typeof everyCall) => {
        const repo = (
          app.services.auth as unknown as { tokens: { findUser: (h: string) => Promise<unknown> } }
        ).tokens;
        const real = repo.findUser.bind(repo);
        const seen = { n: 0, restore: () => void (repo.findUser = real) };
        repo.findUser = (h: string) => {
          seen.n += 1;
          return real(h);
        };
        return seen;
      };
      const here = count(s.app);
      const there = count(everyCall);
      const get = (app: typeof everyCall) =>
        app.inject({
          method: 'GET',
          url: '/api/postmortems',
          headers: { authorization: `Bearer ${me.token}` },
        });
      for (let i = 0; i < 3; i += 1) {
        expect((await get(s.app)).statusCode).toBe(200);
        expect((await get(everyCall)).statusCode).toBe(200);
      }
      expect(here.n).toBe(1);
      expect(there.n).toBe(3);
      here.restore();
    } finally {
      await everyCall.close();
    }
  });

  it('does not keep a token check that was under way while the token was revoked', async () => {
    const me = await s.client('editor', 'Rita Race');
    const created = await me.call({ method: 'POST', url: '/api/tokens', payload: { name: 'racing' } });
    const { token, id } = created.json() as { token: string; id: string };
    // Hold the database's answer for this token until the revocation has happened.
    const repo = (s.app.services.auth as unknown as { tokens: { findUser: (h: string) => Promise<unknown> } })
      .tokens;
    const real = repo.findUser.bind(repo);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = 0;
    repo.findUser = async (h: string) => {
      const answer = await real(h);
      if (held++ === 0) await gate;
      return answer;
    };
    try {
      const call = () =>
        s.app.inject({
          method: 'GET',
          url: '/api/postmortems',
          headers: { authorization: `Bearer ${token}` },
        });
      const inFlight = call();
      while (held === 0) await new Promise((r) => setTimeout(r, 1));
      expect((await me.call({ method: 'DELETE', url: `/api/tokens/${id}` })).statusCode).toBe(204);
      release();
      expect((await inFlight).statusCode).toBe(200); // it was read before the revocation
      expect((await call()).statusCode).toBe(401); // and not remembered after it
    } finally {
      repo.findUser = real;
    }
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await login('nobody@example.test', password);
    const wrong = await login('sam.session@example.test', 'not the password');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('issues personal API tokens shown once, stored hashed, and revocable', async () => {
    const me = await s.client('viewer', 'Tom Token');
    const created = await me.call({ method: 'POST', url: '/api/tokens', payload: { name: 'laptop' } });
    expect(created.statusCode).toBe(201);
    const secret = created.json().token as string;
    const stored = await s.db.store.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', created.json().id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(secret);
    const listed = (await me.call({ method: 'GET', url: '/api/tokens' })).json();
    expect(JSON.stringify(listed)).not.toContain(secret);
    const use = await s.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(use.json()).toMatchObject({ via: 'token', user: { name: 'Tom Token' } });
    expect((await me.call({ method: 'DELETE', url: `/api/tokens/${created.json().id}` })).statusCode).toBe(
      204,
    );
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { authorization: `Bearer ${secret}` },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('lets admins manage accounts and stores passwords as scrypt hashes', async () => {
    const admin = await s.client('admin', 'Ari Admin');
    const created = await admin.call({
      method: 'POST',
      url: '/api/users',
      payload: {
        email: 'new.person@example.test',
        name: 'New Person',
        role: 'viewer',
        password: 'another long password',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const row = await s.db.store.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'new.person@example.test')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('another long password');
    expect((await login('new.person@example.test', 'another long password')).statusCode).toBe(200);
    const patched = await admin.call({
      method: 'PATCH',
      url: `/api/users/${created.json().id}`,
      payload: { disabled: true },
    });
    expect(patched.json().disabled).toBe(true);
    expect((await login('new.person@example.test', 'another long password')).statusCode).toBe(401);
    const editor = await s.client('editor', 'Ed Noadmin');
    expect((await editor.call({ method: 'GET', url: '/api/users' })).statusCode).toBe(403);
  });
});
