import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import type { ReportInput } from '../domain/index.js';

const report = (title: string, owner: string, over: Partial<ReportInput> = {}): ReportInput => ({
  kind: 'outage',
  title,
  actions: {
    items: [
      { id: 'A1', title: `${title}: fix`, owner, deadline: '2026-03-01', status: 'open' },
      {
        id: 'A2',
        title: `${title}: check`,
        owner,
        status: 'completed',
        verificationPlan: { how: 'No repeat in 30 days', by: '2026-04-01' },
      },
    ],
  },
  ...over,
});

for (const dialect of testDialects()) {
  describe(`calendar feed (${dialect})`, () => {
    let s: TestServer;
    let kim: TestClient;
    let lee: TestClient;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      kim = await s.client('editor', 'Kim Owner');
      lee = await s.client('editor', 'Lee Other');
    });
    afterAll(async () => s.close());

    const feed = (path: string) => s.app.inject({ method: 'GET', url: path });

    it('lists the person’s deadlines and verification dates, by the secret alone, never a report they cannot see', async () => {
      const mk = (who: TestClient, input: ReportInput) =>
        who.call({ method: 'POST', url: '/api/postmortems', payload: input });
      expect((await mk(lee, report('Open incident', 'Kim Owner'))).statusCode).toBe(201);
      expect((await mk(lee, report('Mail incident', 'kim.owner@example.test'))).statusCode).toBe(201);
      // Kim owns an action here, but Kim is not a member of this restricted report: not in Kim's feed.
      const hidden = report('Hidden incident', 'Kim Owner', { visibility: 'restricted', members: [] });
      expect((await mk(lee, hidden)).statusCode).toBe(201);
      expect((await mk(lee, report('Someone else', 'Lee Other'))).statusCode).toBe(201);

      expect((await kim.call({ method: 'GET', url: '/api/calendar' })).json()).toEqual({
        active: false,
        createdAt: null,
      });
      const made = await kim.call({ method: 'POST', url: '/api/calendar' });
      expect(made.statusCode).toBe(201);
      const { path } = made.json() as { path: string };
      expect(path).toMatch(/^\/api\/calendar\/feeds\/[A-Za-z0-9_-]{43}\.ics$/);
      expect((await kim.call({ method: 'GET', url: '/api/calendar' })).json().active).toBe(true);

      const r = await feed(path);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/calendar; charset=utf-8');
      const text = r.body.replaceAll('\r\n ', '');
      expect(text.split('BEGIN:VEVENT')).toHaveLength(5);
      expect(text).toContain('SUMMARY:Due: A1 Open incident: fix');
      expect(text).toContain('SUMMARY:Verify: A2 Open incident: check');
      expect(text).toContain('SUMMARY:Due: A1 Mail incident: fix');
      expect(text).toContain('DTSTART;VALUE=DATE:20260401');
      expect(text).not.toContain('Hidden');
      expect(text).not.toContain('Someone else');
      // The secret is not stored as it is.
      const stored = await s.db.store.db.selectFrom('calendar_feeds').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(path.slice(20, 63));
    });

    it('a new address ends the old one; revoking ends it; anything else is the same 404', async () => {
      const first = (await kim.call({ method: 'POST', url: '/api/calendar' })).json().path as string;
      const second = (await kim.call({ method: 'POST', url: '/api/calendar' })).json().path as string;
      expect(second).not.toBe(first);
      expect((await feed(first)).statusCode).toBe(404);
      expect((await feed(second)).statusCode).toBe(200);
      expect((await kim.call({ method: 'DELETE', url: '/api/calendar' })).statusCode).toBe(204);
      const revoked = await feed(second);
      expect(revoked.statusCode).toBe(404);
      expect(revoked.json().code).toBe('not_found');
      for (const bad of ['x.ics', `${'a'.repeat(43)}.ics`, `${second.slice(20, 63)}.txt`])
        expect((await feed(`/api/calendar/feeds/${bad}`)).statusCode, bad).toBe(404);
      // A NUL is refused in every path parameter before any route looks (url-text.ts): a 400 that says so, and
      // nothing about which addresses exist.
      const nul = await feed('/api/calendar/feeds/%00.ics');
      expect(nul.statusCode).toBe(400);
      expect(nul.json().message).toBe(
        'the path parameter file holds a NUL character (%00): text cannot hold one',
      );
      expect((await s.app.inject({ method: 'POST', url: '/api/calendar' })).statusCode).toBe(401);
    });
  });
}
