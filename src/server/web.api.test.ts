import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReport } from '../domain/index.js';
import { multipartForm, startTestServer, type TestServer } from '../../test/server.js';

// The routes the web app needs besides the report API: first-run setup, lint as a service, and the
// app's own files at `/` next to an API that stays as it was.
describe('web app support on sqlite', () => {
  let s: TestServer;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hindsight-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Hindsight test shell</title>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log("app")');
    s = await startTestServer('sqlite', { webRoot: root });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the first admin once, publicly, and refuses afterwards', async () => {
    const before = await s.app.inject({ method: 'GET', url: '/api/setup' });
    expect(before.json()).toEqual({ needed: true });
    const weak = await s.app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { email: 'first@example.test', name: 'First Admin', password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().details[0].path).toEqual(['body', 'password']);

    const body = { email: 'first@example.test', name: 'First Admin', password: 'a long enough secret' };
    // Two instances on one database race: the claim lives in the database, so only one can win.
    const { buildApp } = await import('./app.js');
    const twin = await buildApp({ validateResponses: true, db: s.db.store });
    const [a, b] = await Promise.all([
      s.app.inject({ method: 'POST', url: '/api/setup', payload: body }),
      twin.inject({
        method: 'POST',
        url: '/api/setup',
        payload: { ...body, email: 'second@example.test' },
      }),
    ]);
    await twin.close();
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(await s.app.services.users.count()).toBe(1);
    expect((await s.app.inject({ method: 'GET', url: '/api/setup' })).json()).toEqual({ needed: false });

    const winner = a.statusCode === 201 ? body.email : 'second@example.test';
    expect((a.statusCode === 201 ? a : b).json()).toMatchObject({ email: winner, role: 'admin' });
    const login = await s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: winner, password: body.password },
    });
    expect(login.statusCode).toBe(200);
  });

  it("serves a lint rule's documentation page, which findings link to", async () => {
    expect((await s.app.inject({ method: 'GET', url: '/api/lint/rules/blame' })).statusCode).toBe(401);
    const reader = await s.client('editor', 'Rule Reader');
    const page = await reader.call({ method: 'GET', url: '/api/lint/rules/blame' });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/markdown/u);
    expect(page.body).toContain('# blame');
    const missing = await reader.call({ method: 'GET', url: '/api/lint/rules/..%2F..%2Fpackage' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not_found');
  });

  it('lints an unsaved report and scores it, for signed-in callers only', async () => {
    const report = newReport('outage', { title: 'Checkout errors on 2024-03-05' });
    report.analysis.primaryCause = 'The engineer forgot to renew the certificate.';
    expect((await s.app.inject({ method: 'POST', url: '/api/lint', payload: { report } })).statusCode).toBe(
      401,
    );
    const editor = await s.client('editor', 'Lint Writer');
    const r = await editor.call({ method: 'POST', url: '/api/lint', payload: { report } });
    expect(r.statusCode, r.body).toBe(200);
    const { findings, score } = r.json();
    const blame = findings.find((f: { ruleId: string }) => f.ruleId === 'blame');
    expect(blame).toMatchObject({ path: ['analysis', 'primaryCause'], section: 'analysis' });
    expect(score.overall).toBeGreaterThanOrEqual(0);
    expect(score.overall).toBeLessThan(100);

    const one = await editor.call({
      method: 'POST',
      url: '/api/lint',
      payload: { report, section: 'summary' },
    });
    expect(one.json().findings.every((f: { section: string }) => f.section === 'summary')).toBe(true);

    const bad = await editor.call({ method: 'POST', url: '/api/lint', payload: { report: { title: 7 } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.length).toBeGreaterThan(0);
  });

  it('reads an uploaded evidence file into timeline candidates with suggested kinds, storing nothing', async () => {
    const form = (zone: string | undefined, filename: string, data: string) =>
      multipartForm([
        ...(zone === undefined ? [] : [{ name: 'zone', value: zone }]),
        { name: 'file', filename, data, type: 'text/plain' },
      ]);
    const log = [
      '2026-03-05 14:00:03 ERROR payment-gw TLS handshake failed: certificate expired',
      '2026-03-05 14:06:10 WARN alertmanager Checkout error rate above 5 percent',
    ].join('\n');
    const stored = async () => {
      const db = s.db.store.db;
      const count = async (table: 'attachments' | 'attachment_chunks' | 'reports') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return [await count('attachments'), await count('attachment_chunks'), await count('reports')];
    };
    const before = await stored();
    const editor = await s.client('editor', 'Evidence Reader');
    const r = await editor.call({
      method: 'POST',
      url: '/api/evidence',
      ...form('Europe/Berlin', 'gateway.log', log),
    });
    expect(r.statusCode, r.body).toBe(200);
    const { candidates, inputs } = r.json();
    expect(inputs[0]).toMatchObject({ name: 'gateway.log', format: 'text' });
    // Stamps without a zone are read in the zone given: 14:00 in Berlin in March is 13:00 UTC.
    expect(candidates.map((c: { at: string }) => c.at)).toEqual([
      '2026-03-05T13:00:03Z',
      '2026-03-05T13:06:10Z',
    ]);
    expect(candidates[1]).toMatchObject({ kind: 'detected', link: 'gateway.log:2' });

    const badZone = await editor.call({
      method: 'POST',
      url: '/api/evidence',
      ...form('Mars/Olympus', 'gateway.log', log),
    });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().message).toContain('Mars/Olympus');
    const nothing = await editor.call({
      method: 'POST',
      url: '/api/evidence',
      ...form(undefined, 'notes.txt', 'no times here at all'),
    });
    expect(nothing.statusCode).toBeGreaterThanOrEqual(400);
    expect(nothing.statusCode).toBeLessThan(500);
    expect(nothing.json().message).toMatch(/notes\.txt|nothing/);
    const viewer = await s.client('viewer', 'Evidence Viewer');
    const refused = await viewer.call({
      method: 'POST',
      url: '/api/evidence',
      ...form(undefined, 'gateway.log', log),
    });
    expect(refused.statusCode).toBe(403);
    // Reading evidence keeps nothing: no attachment, no chunk, no report.
    expect(await stored()).toEqual(before);
  });

  it('serves the web app at / and for client routes, without touching the API', async () => {
    const home = await s.app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hindsight test shell');
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    const deep = await s.app.inject({ method: 'GET', url: '/reports/pm-1/edit?section=analysis' });
    expect(deep.body).toContain('Hindsight test shell');

    const asset = await s.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await s.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    const escape = await s.app.inject({ method: 'GET', url: '/assets/..%2f..%2fetc%2fpasswd' });
    expect([403, 404]).toContain(escape.statusCode);
    expect(escape.body).not.toContain('root:');

    const api = await s.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('not_found');
    expect((await s.app.inject({ method: 'GET', url: '/api/postmortems' })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
