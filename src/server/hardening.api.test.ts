// Attacks that once worked (issue 14), each kept closed: sign-in bursts, address locks, slow Markdown,
// restricted reports leaking through names, history, ids and the audit log, and loose body handling.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from './spa.js';
import { actorOf } from './services/access.js';
import { multipartForm, startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { overlappingZip } from '../../test/zip.js';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { ReportRepository } from '../store/index.js';
import { reportSchema } from '../domain/index.js';

const password = 'a very long passphrase';

describe.each(testDialects())('hardening on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;
  let viewer: TestClient;
  let admin: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect, {
      trustProxy: true,
      auth: { maxFailuresPerAccount: 5, maxFailuresPerAddress: 8 },
    });
    editor = await s.client('editor', 'Edda Editor', password);
    viewer = await s.client('viewer', 'Vic Viewer', password);
    admin = await s.client('admin', 'Ada Admin', password);
  });
  afterAll(async () => s?.close());

  const login = (email: string, pw: string, from: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: pw },
      headers: { 'x-forwarded-for': from },
    });

  describe('sign-in limits', () => {
    it('checks at most the limit of a burst of wrong passwords sent at once, and then refuses the right one', async () => {
      await s.client('viewer', 'Bo Burst', password);
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) => login('bo.burst@example.test', `wrong ${i}`, `10.1.0.${i}`)),
      );
      const checked = burst.filter((r) => r.statusCode === 401).length;
      const refused = burst.filter((r) => r.statusCode === 429).length;
      expect(checked).toBeLessThanOrEqual(5);
      expect(checked + refused).toBe(40);
      const failed = await s.app.services.auditLog.list(
        { action: 'auth.login.failed' },
        { limit: 1000, offset: 0 },
      );
      const account = await s.app.services.users.list(actorOf(admin.user, 'cli'));
      const bo = account.find((u) => u.email === 'bo.burst@example.test')!;
      expect(failed.filter((e) => e.targetId === bo.id).length).toBe(checked);
      // Refused attempts leave nothing behind: the limit still allows exactly the guesses not yet checked.
      for (let i = checked; i < 5; i++)
        expect((await login('bo.burst@example.test', 'wrong again', '10.1.2.1')).statusCode).toBe(401);
      expect((await login('bo.burst@example.test', 'wrong again', '10.1.2.1')).statusCode).toBe(429);
      // The account is locked now, even for its password, from a fresh address.
      expect((await login('bo.burst@example.test', password, '10.1.1.1')).statusCode).toBe(429);
    }, 120_000);

    it("does not lock an account out of an address that other accounts' failures locked, once it signed in there", async () => {
      await s.client('viewer', 'Kim Known', password);
      await s.client('viewer', 'Nia New', password);
      const office = '192.0.2.10';
      expect((await login('kim.known@example.test', password, office)).statusCode).toBe(200);
      // Someone behind the same address guesses at other accounts until the address is over its limit.
      for (let i = 0; i < 9; i++) await login(`nobody${i}@example.test`, 'guess', office);
      expect((await login('nia.new@example.test', password, office)).statusCode).toBe(429);
      // Kim signed in from here before: the address lock does not refuse Kim's password.
      expect((await login('kim.known@example.test', password, office)).statusCode).toBe(200);
      // Kim's own limit still holds from that address.
      for (let i = 0; i < 5; i++) await login('kim.known@example.test', 'wrong', office);
      expect((await login('kim.known@example.test', password, office)).statusCode).toBe(429);
      // Elsewhere, Nia is not affected at all.
      expect((await login('nia.new@example.test', password, '198.51.100.7')).statusCode).toBe(200);
    }, 120_000);

    it('counts the client address from X-Forwarded-For when trust-proxy is on', async () => {
      await s.client('viewer', 'Pax Proxy', password);
      for (let i = 0; i < 9; i++) await login(`ghost${i}@example.test`, 'guess', '203.0.113.5');
      // Another client behind the same proxy is a different address.
      expect((await login('pax.proxy@example.test', password, '203.0.113.6')).statusCode).toBe(200);
    }, 120_000);
  });

  describe('per-account backoff', () => {
    let b: TestServer;
    // The limits' clock, moved on by the test: real waits of seconds are flaky on a loaded machine.
    let now = Date.parse('2026-01-01T00:00:00Z');
    beforeAll(async () => {
      b = await startTestServer(dialect, {
        auth: { maxFailuresPerAccount: 2, backoffMs: 60_000, backoffCapMs: 240_000, clock: () => now },
      });
      await b.client('viewer', 'Wes Waiting', password);
    });
    afterAll(async () => b?.close());
    const attempt = (pw: string) =>
      b.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'wes.waiting@example.test', password: pw },
      });
    const later = (s: number) => (now += s * 1000);

    it('makes each wait after the free failures twice as long, up to a cap, and starts over after a success', async () => {
      expect((await attempt('wrong')).statusCode).toBe(401);
      later(1);
      expect((await attempt('wrong')).statusCode).toBe(401);
      // Past the free failures: the next check waits a minute after the latest failure, even for the password.
      later(30);
      const early = await attempt(password);
      expect(early.statusCode).toBe(429);
      expect(early.json().message).toBe('too many failed sign-ins; try again in 30 seconds');
      later(30);
      expect((await attempt('wrong')).statusCode).toBe(401);
      // The wait has doubled to 2 minutes: 119 s later is too early, and the refusal does not lengthen it.
      later(119);
      expect((await attempt('wrong')).json().message).toMatch(/try again in 1 second$/);
      later(1);
      expect((await attempt('wrong')).statusCode).toBe(401);
      // Doubled again to 4 minutes (the cap), and capped there after the next failure.
      later(239);
      expect((await attempt('wrong')).statusCode).toBe(429);
      later(1);
      expect((await attempt('wrong')).statusCode).toBe(401);
      later(239);
      expect((await attempt('wrong')).statusCode).toBe(429);
      later(1);
      expect((await attempt(password)).statusCode).toBe(200);
      // A success starts over: two free failures again.
      expect((await attempt('wrong')).statusCode).toBe(401);
      expect((await attempt('wrong')).statusCode).toBe(401);
      expect((await attempt('wrong')).statusCode).toBe(429);
      // Failures older than a day are forgotten.
      later(24 * 3600 + 1);
      expect((await attempt(password)).statusCode).toBe(200);
    });

    it('checks at most one guess per wait of a burst sent during a backoff', async () => {
      await b.client('viewer', 'Bea Burst', password);
      const guess = (pw: string) =>
        b.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: 'bea.burst@example.test', password: pw },
        });
      expect((await guess('wrong')).statusCode).toBe(401);
      expect((await guess('wrong')).statusCode).toBe(401);
      later(61);
      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(`wrong ${i}`)));
      expect(burst.filter((r) => r.statusCode === 401).length).toBeLessThanOrEqual(1);
      expect(burst.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(29);
    }, 60_000);
  });

  describe('old failed sign-ins', () => {
    let p: TestServer;
    let now = Date.parse('2026-01-01T00:00:00Z');
    const day = 24 * 3600_000;
    beforeAll(async () => {
      p = await startTestServer(dialect, { trustProxy: true, auth: { clock: () => now } });
      await p.client('viewer', 'Pia Pruned', password);
    });
    afterAll(async () => p?.close());
    const attempt = (pw: string, from: string) =>
      p.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'pia.pruned@example.test', password: pw },
        headers: { 'x-forwarded-for': from },
      });
    const rows = async () =>
      (await p.db.store.db.selectFrom('login_failures').select(['key', 'at']).orderBy('at').execute()).map(
        (r) => `${r.key.replace(/:.*/, '')} ${new Date(r.at).toISOString().slice(0, 16)}`,
      );

    it('are deleted once no limit looks at them, on a later sign-in, at most every ten minutes', async () => {
      const t0 = now;
      const at = (ms: number) => (now = t0 + ms);
      const min = 60_000;
      expect((await attempt('wrong', '192.0.2.1')).statusCode).toBe(401);
      expect((await attempt(password, '192.0.2.1')).statusCode).toBe(200);
      expect((await attempt('wrong', '192.0.2.2')).statusCode).toBe(401);
      at(5 * min);
      expect((await attempt('wrong', '192.0.2.3')).statusCode).toBe(401);
      // Two failures (account and address rows each), the success's mark for its address, one more failure.
      expect(await rows()).toHaveLength(6);
      // 29 days on, failures are long forgotten by the limits, but the address the account signed in from is
      // vouched for 30 days: nothing goes.
      at(29 * day);
      expect((await attempt('wrong', '192.0.2.4')).statusCode).toBe(401);
      expect(await rows()).toHaveLength(8);
      // Past 30 days, a sign-in deletes what is older.
      at(30 * day + min);
      expect((await attempt('wrong', '192.0.2.5')).statusCode).toBe(401);
      expect(await rows()).toEqual([
        'email 2026-01-01T00:05',
        'ip 2026-01-01T00:05',
        'email 2026-01-30T00:00',
        'ip 2026-01-30T00:00',
        'email 2026-01-31T00:01',
        'ip 2026-01-31T00:01',
      ]);
      // Five minutes later the 00:05 rows are old too, but this instance deleted five minutes ago: they wait.
      at(30 * day + 6 * min);
      expect((await attempt('wrong', '192.0.2.6')).statusCode).toBe(401);
      expect(await rows()).toHaveLength(8);
      at(30 * day + 11 * min);
      expect((await attempt('wrong', '192.0.2.7')).statusCode).toBe(401);
      expect((await rows()).slice(0, 2)).toEqual(['email 2026-01-30T00:00', 'ip 2026-01-30T00:00']);
      expect(await rows()).toHaveLength(8);
    });
  });

  describe('request bodies', () => {
    // 57 bytes: a date line followed by a run of emphasis marks froze the importer for minutes.
    const slow = `May 30${'*'.repeat(48)}x\n`;

    it('answers the 57-byte Markdown body that once froze the server, quickly', async () => {
      expect(Buffer.byteLength(slow)).toBe(56);
      const started = Date.now();
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: `# T\n\n${slow}`.slice(0, 57),
        headers: { 'content-type': 'text/markdown' },
      });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.statusCode).toBeLessThan(500);
    });

    it("refuses a viewer's Markdown before reading it", async () => {
      const r = await viewer.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: slow.repeat(1000),
        headers: { 'content-type': 'text/markdown' },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().message).toMatch(/editor role/);
    });

    it('refuses a Markdown body that is not UTF-8, naming the byte', async () => {
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: Buffer.concat([Buffer.from('# Title\n\nCaf'), Buffer.from([0xe9]), Buffer.from(' x\n')]),
        headers: { 'content-type': 'text/markdown' },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toMatch(/not valid UTF-8 \(at byte 12\)/);
    });

    it('refuses a JSON body that is not UTF-8 too, instead of storing U+FFFD', async () => {
      const json = Buffer.from(JSON.stringify({ ...completeReport(), title: 'Caf\u0001 down' }));
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: Buffer.from(json.toString('latin1').replace('\\u0001', '\u00e9'), 'latin1'),
        headers: { 'content-type': 'application/json' },
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().message).toMatch(/not valid UTF-8 \(at byte \d+\)/);
      // Well-formed JSON in UTF-8 is read as before.
      const ok = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: Buffer.from(JSON.stringify({ ...completeReport(), title: 'Café down' })),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json().report.title).toBe('Café down');
    });

    it('finds the bad byte of a large JSON sign-in body in linear time, before any account is read', async () => {
      // 1 MB of U+FFFD spelled out in UTF-8, then one byte that is not UTF-8: measuring each prefix anew for
      // every replacement character took seconds for 300 KB, and anyone may send it to the sign-in route.
      const head = Buffer.from('{"email":"a@b.c","password":"');
      const spelled = Buffer.from('\uFFFD'.repeat(350_000));
      const body = Buffer.concat([head, spelled, Buffer.from([0xff]), Buffer.from('"}')]);
      const started = Date.now();
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().message).toMatch(
        new RegExp(`not valid UTF-8 \\(at byte ${head.length + spelled.length}\\)`),
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('refuses a zip bomb from its directory, quickly, with what was over the limit', async () => {
      const line = (i: number) => `{"level":50,"time":${1709301600000 + i},"msg":"timeout ${i * 7919}"}\n`;
      const body = Buffer.from(Array.from({ length: 40_000 }, (_, i) => line(i)).join(''));
      const bomb = overlappingZip(body, 200); // about 500 MB unpacked
      const started = Date.now();
      const r = await editor.call({
        method: 'POST',
        url: '/api/evidence',
        ...multipartForm([{ name: 'file', filename: 'logs.zip', data: bomb, type: 'application/zip' }]),
      });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r.statusCode).toBe(413);
      expect(r.json().message).toMatch(/logs\.zip: unpacks to more than 256 MB/);
    });

    it('stops unpacking an archive when the client that sent it goes away', async () => {
      const line = (i: number) => `{"level":50,"time":${1709301600000 + i},"msg":"timeout ${i * 7919}"}\n`;
      const body = Buffer.from(Array.from({ length: 30_000 }, (_, i) => line(i)).join(''));
      const big = overlappingZip(body, 90); // about 200 MB unpacked: within the limits, seconds of work
      const service = s.app.services.evidence;
      const original = service.read.bind(service);
      let outcome: Promise<{ signal?: AbortSignal; error?: unknown; at: number }> | undefined;
      service.read = (who, file, zone, format, signal) => {
        const work = original(who, file, zone, format, signal);
        outcome = work.then(
          () => ({ signal, at: Date.now() }),
          (error: unknown) => ({ signal, error, at: Date.now() }),
        );
        return work;
      };
      try {
        await s.app.listen({ port: 0, host: '127.0.0.1' });
        const { port } = s.app.server.address() as { port: number };
        const form = multipartForm([{ name: 'file', filename: 'big.zip', data: big }]);
        const ac = new AbortController();
        const sent = fetch(`http://127.0.0.1:${port}/api/evidence`, {
          method: 'POST',
          headers: { ...form.headers, authorization: `Bearer ${editor.token}` },
          body: form.payload,
          signal: ac.signal,
        }).catch(() => undefined);
        while (!outcome) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 300));
        const leftAt = Date.now();
        ac.abort();
        await sent;
        const done = await outcome;
        expect(done.signal?.aborted).toBe(true);
        expect(String(done.error)).toMatch(/reading stopped/);
        expect(done.at - leftAt).toBeLessThan(2000);
      } finally {
        service.read = original;
      }
    });

    it('refuses text/plain instead of making an empty report of {}', async () => {
      const before = (await editor.call({ method: 'GET', url: '/api/postmortems' })).json().total;
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: '{}',
        headers: { 'content-type': 'text/plain' },
      });
      expect(r.statusCode).toBe(415);
      expect(r.json().message).toMatch(/text\/markdown or application\/json/);
      expect((await editor.call({ method: 'GET', url: '/api/postmortems' })).json().total).toBe(before);
    });
  });

  describe('restricted reports', () => {
    const restricted = (members: string[], extra: Record<string, unknown> = {}) =>
      s.app.services.reports.create(actorOf(editor.user, 'cli'), {
        ...completeReport(),
        visibility: 'restricted',
        members,
        ...extra,
      });

    it('grants access to the accounts named by e-mail or user id, never to a display name', async () => {
      const named = await s.client('viewer', 'Dana Lee');
      const byId = await s.client('viewer', 'Ike Id');
      const report = await restricted([named.user.email, byId.user.id, 'Dana Lee'], {
        authors: ['Dana Lee', 'Impostor Name'],
        reviewers: ['Impostor Name'],
      });
      expect((await named.call({ method: 'GET', url: `/api/postmortems/${report.id}` })).statusCode).toBe(
        200,
      );
      expect((await byId.call({ method: 'GET', url: `/api/postmortems/${report.id}` })).statusCode).toBe(200);
      // Names are not unique: a later account with a member's or an author's name sees nothing.
      for (const [i, name] of ['Dana Lee', 'Impostor Name'].entries()) {
        const user = await s.app.services.users.create(null, {
          email: `twin${i}@example.test`,
          name,
          role: 'viewer',
        });
        const { token } = await s.app.services.auth.createToken(actorOf(user, 'cli'), 'twin');
        const call = (url: string) =>
          s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        const r = await call(`/api/postmortems/${report.id}`);
        expect(r.statusCode, name).toBe(404);
        const list = (await call('/api/postmortems?limit=200')).json();
        expect(
          list.items.some((i: { id: string }) => i.id === report.id),
          name,
        ).toBe(false);
      }
    });

    it('lists accounts for the members picker by name and e-mail only, without disabled ones', async () => {
      const gone = await s.client('viewer', 'Gil Gone');
      await s.app.services.users.update(actorOf(admin.user, 'cli'), gone.user.id, { disabled: true });
      const r = await viewer.call({ method: 'GET', url: '/api/accounts' });
      expect(r.statusCode).toBe(200);
      const items = r.json().items as Record<string, unknown>[];
      expect(items).toContainEqual({ id: editor.user.id, name: 'Edda Editor', email: editor.user.email });
      expect(items.every((i) => Object.keys(i).sort().join() === 'email,id,name')).toBe(true);
      expect(items.some((i) => i.id === gone.user.id)).toBe(false);
    });

    it('shows past versions only to those who could see them then', async () => {
      const insider = await s.client('editor', 'Ina Insider');
      const outsider = await s.client('editor', 'Oto Outsider');
      const first = await restricted([insider.user.email], {
        analysis: { primaryCause: 'The secret vendor outage.' },
      });
      const opened = await insider.call({
        method: 'PUT',
        url: `/api/postmortems/${first.id}`,
        payload: {
          version: 1,
          report: {
            ...first.report,
            visibility: 'internal',
            members: [],
            analysis: { primaryCause: 'Public.' },
          },
        },
      });
      expect(opened.statusCode, opened.body).toBe(200);
      const seen = (v: TestClient) =>
        v.call({ method: 'GET', url: `/api/postmortems/${first.id}/revisions` });
      expect((await seen(insider)).json().items.map((r: { version: number }) => r.version)).toEqual([2, 1]);
      expect((await seen(outsider)).json().items.map((r: { version: number }) => r.version)).toEqual([2]);
      const old = await outsider.call({ method: 'GET', url: `/api/postmortems/${first.id}/revisions/1` });
      expect(old.statusCode).toBe(404);
      expect(old.body).not.toContain('secret vendor');
      const diff = await outsider.call({
        method: 'GET',
        url: `/api/postmortems/${first.id}/diff?from=1&to=2`,
      });
      expect(diff.statusCode).toBe(404);
      expect(diff.body).not.toContain('secret vendor');
      const restore = await outsider.call({
        method: 'POST',
        url: `/api/postmortems/${first.id}/revisions/1/restore`,
        payload: { version: 2 },
      });
      expect(restore.statusCode).toBe(404);
      expect(
        (await insider.call({ method: 'GET', url: `/api/postmortems/${first.id}/diff?from=1&to=2` }))
          .statusCode,
      ).toBe(200);
    });

    it('gives a restricted report a fresh id, so a guessed id cannot tell it exists', async () => {
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { ...completeReport(), id: 'pm-merger-talks', visibility: 'restricted', members: [] },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().id).not.toBe('pm-merger-talks');
      expect(r.json().id).toMatch(/^pm-[0-9a-f]{10}$/);
      // The id is free: someone else may take it for an internal report.
      const other = await s.client('editor', 'Gus Guesser');
      const guess = await other.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { ...completeReport(), id: 'pm-merger-talks' },
      });
      expect(guess.statusCode).toBe(201);
    });

    it('answers a create naming any taken id alike, so an old or later-restricted report looks like a deleted one', async () => {
      const owner = actorOf(editor.user, 'cli');
      // Stored before restricted reports got fresh ids: a restricted report under the id its creator chose.
      await new ReportRepository(s.db.store).create(
        'inc-acquisition-talks',
        reportSchema.parse({
          ...completeReport(),
          id: 'inc-acquisition-talks',
          visibility: 'restricted',
          members: [],
        }),
        { userId: editor.user.id, summary: 'created', changes: [] },
      );
      // Created internal under a chosen id, restricted later.
      const later = await s.app.services.reports.create(owner, { ...completeReport(), id: 'inc-layoffs' });
      await s.app.services.reports.update(owner, later.id, later.version, {
        ...later.report,
        visibility: 'restricted',
        members: [],
      });
      const gone = await s.app.services.reports.create(owner, { ...completeReport(), id: 'inc-old-typo' });
      await s.app.services.reports.remove(actorOf(admin.user, 'cli'), gone.id);
      await s.app.services.reports.create(owner, { ...completeReport(), id: 'inc-open' });

      const outsider = await s.client('editor', 'Olga Outsider');
      const attempt = async (id: string) => {
        const r = await outsider.call({
          method: 'POST',
          url: '/api/postmortems',
          payload: { ...completeReport(), id },
        });
        const read = await outsider.call({ method: 'GET', url: `/api/postmortems/${id}` });
        return { status: r.statusCode, body: r.body.replaceAll(id, 'ID'), read: read.statusCode };
      };
      const deleted = await attempt('inc-old-typo');
      expect(deleted.status).toBe(409);
      expect(deleted.read).toBe(404);
      expect(deleted.body).not.toMatch(/exist/i);
      // Restricted, old or made so later: the same status and body as a deleted report, and 404 to read it.
      expect(await attempt('inc-acquisition-talks')).toEqual(deleted);
      expect(await attempt('inc-layoffs')).toEqual(deleted);
      // A report the caller can read gets the same create answer (reading it tells them nothing new).
      const open = await attempt('inc-open');
      expect({ status: open.status, body: open.body }).toEqual({
        status: deleted.status,
        body: deleted.body,
      });
      // The members still reach theirs.
      expect((await editor.call({ method: 'GET', url: '/api/postmortems/inc-layoffs' })).statusCode).toBe(
        200,
      );
    });

    it("keeps a restricted report's entries out of the audit log of an admin who is not a member", async () => {
      const secret = await restricted([editor.user.email]);
      const open = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
      const entries = (await admin.call({ method: 'GET', url: '/api/audit?limit=200' })).json().items as {
        targetId: string;
      }[];
      expect(entries.some((e) => e.targetId === open.id)).toBe(true);
      expect(entries.some((e) => e.targetId === secret.id)).toBe(false);
      const member = await s.client('admin', 'Mia Member Admin');
      const withMember = await restricted([member.user.email]);
      const theirs = (await member.call({ method: 'GET', url: '/api/audit?limit=200' })).json().items as {
        targetId: string;
      }[];
      expect(theirs.some((e) => e.targetId === withMember.id)).toBe(true);
    });
  });

  describe('security headers', () => {
    const strict = (h: Record<string, unknown>, what: string) => {
      expect(h['x-content-type-options'], what).toBe('nosniff');
      expect(h['x-frame-options'], what).toBe('DENY');
      expect(String(h['content-security-policy']), what).toMatch(/frame-ancestors 'none'/);
      expect(h['referrer-policy'], what).toBeDefined();
    };

    it('are on JSON, errors, Markdown, attachments, the OpenAPI document and the docs page', async () => {
      const report = await s.app.services.reports.create(actorOf(editor.user, 'cli'), completeReport());
      const file = await s.app.services.attachments.upload(actorOf(editor.user, 'cli'), report.id, {
        filename: 'page.html',
        contentType: 'text/html',
        data: Buffer.from('<script>alert(1)</script>'),
      });
      const answers = {
        json: await editor.call({ method: 'GET', url: `/api/postmortems/${report.id}` }),
        markdown: await editor.call({
          method: 'GET',
          url: `/api/postmortems/${report.id}`,
          headers: { accept: 'text/markdown' },
        }),
        error: await s.app.inject({ method: 'GET', url: '/api/postmortems' }),
        missing: await editor.call({ method: 'GET', url: '/api/nothing-here' }),
        attachment: await editor.call({ method: 'GET', url: `/api/attachments/${file.id}` }),
        openapi: await s.app.inject({ method: 'GET', url: '/api/openapi.json' }),
        docs: await s.app.inject({ method: 'GET', url: '/api/docs' }),
        docsAsset: await s.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' }),
        health: await s.app.inject({ method: 'GET', url: '/healthz' }),
      };
      // The web app's page, when it is built (`npm test` builds it first).
      const page = existsSync(join(WEB_DIST, 'index.html'))
        ? { html: await s.app.inject({ method: 'GET', url: '/reports/x' }) }
        : {};
      for (const [what, r] of Object.entries({ ...answers, ...page })) strict(r.headers, what);
      expect(answers.docs.statusCode).toBe(200);
      expect(String(answers.docs.headers['content-security-policy'])).toMatch(/script-src 'self'/);
      expect(String(answers.docs.headers['content-security-policy'])).not.toMatch(/upgrade-insecure/);
      expect(String(answers.json.headers['content-security-policy'])).toMatch(/default-src 'none'/);
      expect(String(answers.attachment.headers['content-security-policy'])).toMatch(/sandbox/);
    });
  });
});
