import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestServer, type TestServer, type TestClient } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';

const cookieValue = (r: LightMyRequestResponse, name: string) => {
  const all = r.headers['set-cookie'];
  const list = Array.isArray(all) ? all : all ? [all] : [];
  return (
    list
      .find((c) => c.startsWith(`${name}=`))
      ?.split(';')[0]
      ?.slice(name.length + 1) ?? ''
  );
};

describe.each(testDialects())('changing and resetting passwords on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Ada Resetter', 'the admin password');
  });
  afterAll(async () => s?.close());

  /** A browser session: its cookie and CSRF token, and a way to call the API with them. */
  const signIn = async (email: string, password: string) => {
    const r = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    expect(r.statusCode, r.body).toBe(200);
    const session = cookieValue(r, 'hindsight_session');
    const csrf = r.json().csrfToken as string;
    return {
      user: r.json().user,
      call: (method: 'GET' | 'POST', url: string, payload?: object) =>
        s.app.inject({
          method,
          url,
          payload,
          cookies: { hindsight_session: session },
          headers: { 'x-csrf-token': csrf },
        }),
    };
  };

  it('changes one’s own password: current one required, other sessions end, API tokens keep working', async () => {
    const me = await s.client('editor', 'Cai Changer', 'first password here');
    const here = await signIn(me.user.email, 'first password here');
    const there = await signIn(me.user.email, 'first password here');

    const wrong = await here.call('POST', '/api/auth/password', {
      current: 'not my password',
      password: 'second password here',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details[0].path).toEqual(['current']);

    const short = await here.call('POST', '/api/auth/password', {
      current: 'first password here',
      password: 'short',
    });
    expect(short.statusCode).toBe(400);

    const ok = await here.call('POST', '/api/auth/password', {
      current: 'first password here',
      password: 'second password here',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ sessionsEnded: 1, tokensStillActive: 1 });

    expect((await here.call('GET', '/api/postmortems')).statusCode).toBe(200);
    expect((await there.call('GET', '/api/postmortems')).statusCode).toBe(401);
    // The API token is a separate credential: it still works, and the answer said so.
    expect((await me.call({ method: 'GET', url: '/api/postmortems' })).statusCode).toBe(200);
    const old = await s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: me.user.email, password: 'first password here' },
    });
    expect(old.statusCode).toBe(401);
    await signIn(me.user.email, 'second password here');
    const log = await s.app.services.auditLog.list(
      { action: 'user.password.change' },
      { limit: 5, offset: 0 },
    );
    expect(log.some((e) => e.targetId === me.user.id)).toBe(true);
  });

  it('an admin reset ends every session and asks for a new password before anything else', async () => {
    const them = await s.client('editor', 'Rex Reset', 'their old password');
    const session = await signIn(them.user.email, 'their old password');

    const byEditor = await them.call({
      method: 'POST',
      url: `/api/users/${admin.user.id}/password`,
      payload: { password: 'hijacked password' },
    });
    expect(byEditor.statusCode).toBe(403);
    const own = await admin.call({
      method: 'POST',
      url: `/api/users/${admin.user.id}/password`,
      payload: { password: 'some new password' },
    });
    expect(own.statusCode).toBe(409);
    const viaPatch = await admin.call({
      method: 'PATCH',
      url: `/api/users/${them.user.id}`,
      payload: { password: 'temporary password 1' },
    });
    expect(viaPatch.statusCode).toBe(400);

    const reset = await admin.call({
      method: 'POST',
      url: `/api/users/${them.user.id}/password`,
      payload: { password: 'temporary password 1' },
    });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({
      sessionsEnded: 1,
      tokensStillActive: 1,
      user: { mustChangePassword: true },
    });
    expect((await session.call('GET', '/api/auth/me')).statusCode).toBe(401);

    const next = await signIn(them.user.email, 'temporary password 1');
    expect(next.user.mustChangePassword).toBe(true);
    expect((await next.call('GET', '/api/auth/me')).json().user.mustChangePassword).toBe(true);
    const blocked = await next.call('GET', '/api/postmortems');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().message).toMatch(/new password/);

    const chosen = await next.call('POST', '/api/auth/password', {
      current: 'temporary password 1',
      password: 'my own new password',
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json().user.mustChangePassword).toBe(false);
    expect((await next.call('GET', '/api/postmortems')).statusCode).toBe(200);
  });

  it('sets a password from the command line’s service, ending every session', async () => {
    const them = await s.client('viewer', 'Cli Person', 'old cli password');
    const session = await signIn(them.user.email, 'old cli password');
    const r = await s.app.services.passwords.setFromCommandLine(them.user.email, 'new cli password', false);
    expect(r).toMatchObject({ sessionsEnded: 1, tokensStillActive: 1 });
    expect((await session.call('GET', '/api/auth/me')).statusCode).toBe(401);
    await signIn(them.user.email, 'new cli password');
    await expect(
      s.app.services.passwords.setFromCommandLine('nobody@example.test', 'whatever long', false),
    ).rejects.toThrow(/no account/);
  });
});
