// Hostile text in URLs on every route of the OpenAPI document (each query parameter and each path parameter), and
// in Markdown bodies: a NUL (%00), invalid percent-encoding and escapes that are not UTF-8, and very long values.
// Each is answered with a 4xx JSON error, never a 500, and nothing stored changes. A NUL reached PostgreSQL from
// list filters, search terms and path ids (a 500); invalid encoding was searched for as its raw text.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { storedRows, testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { actorOf } from './services/access.js';

interface Operation {
  parameters?: { in: string; name: string }[];
}

describe.each(testDialects())('hostile URLs on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  /** Each route with a query or path parameter, as a URL built with one parameter holding `value`. */
  let urls: (
    value: string,
  ) => { route: string; method: InjectOptions['method']; name: string; url: string }[];
  let snapshot: () => Promise<Record<string, unknown[]>>;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Ada Admin');
    const report = await s.app.services.reports.create(actorOf(admin.user, 'cli'), completeReport());
    const ids: Record<string, string> = { postmortems: report.id, users: admin.user.id };
    const values: Record<string, string> = {
      section: 'summary',
      revision: '1',
      actionId: 'A1',
      chart: 'timeline',
    };
    const doc = s.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    const fill = (path: string, name?: string, value?: string) =>
      path.replace(/\/(\w+)\/\{(\w+)\}/g, (_, what: string, param: string) => {
        if (param === name) return `/${what}/${value}`;
        return `/${what}/${(param === 'id' ? ids[what] : values[param]) ?? randomUUID()}`;
      });
    urls = (value) =>
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).flatMap(([m, op]) =>
          (op.parameters ?? [])
            .filter((p) => p.in === 'query' || p.in === 'path')
            .map((p) => ({
              route: `${m.toUpperCase()} ${path}`,
              method: m.toUpperCase() as InjectOptions['method'],
              name: p.name,
              url: p.in === 'path' ? fill(path, p.name, value) : `${fill(path)}?${p.name}=${value}`,
            })),
        ),
      );
    snapshot = await storedRows(s.db.store);
  }, 60_000);
  afterAll(async () => s?.close());

  it('finds the routes with parameters, filters and search among them', () => {
    const routes = urls('x').map((u) => `${u.route} ${u.name}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/postmortems tag',
        'GET /api/postmortems person',
        'GET /api/search q',
        'GET /api/systems/{name} name',
        'PATCH /api/settings/webhooks/{id} id',
      ]),
    );
    expect(routes.length).toBeGreaterThan(100);
  });

  const cases: { name: string; values: string[]; status: number[]; message: (name: string) => RegExp }[] = [
    {
      name: 'a NUL',
      values: ['%00', 'a%00b'],
      status: [400],
      message: (name) =>
        new RegExp(
          `^the (query|path) parameter ${name} holds a NUL character \\(%00\\): text cannot hold one$`,
        ),
    },
    {
      // In a path, the router finds these itself; its answer goes through the error handler (frameworkErrors).
      name: 'invalid percent-encoding',
      values: ['%ED%A0%80', '%C0%AF', '%FF', 'a%', '%zz'],
      status: [400],
      message: (name) =>
        new RegExp(
          `^the (query parameter ${name}|URL path) is not valid percent-encoded UTF-8 \\(a % must be followed by two hex digits, and the bytes must be UTF-8 text\\)$`,
        ),
    },
    {
      name: 'a very long value',
      values: ['x'.repeat(20_000)],
      // Refused by the parameter's schema, not found, or past the router's maxParamLength; never echoed whole.
      status: [400, 404, 414],
      message: () => /^.{1,500}$/su,
    },
  ];

  for (const c of cases) {
    it(`answers ${c.name} in any parameter with a 4xx JSON error, storing nothing`, async () => {
      const before = await snapshot();
      const answers: string[] = [];
      for (const value of c.values) {
        for (const u of urls(value)) {
          const res = await admin.call({
            method: u.method,
            url: u.url,
            ...(u.method === 'GET' || u.method === 'DELETE' ? {} : { payload: {} }),
          });
          const body = res.json<{ code: string; message: string; details: unknown[] }>();
          if (c.status.includes(res.statusCode) && c.message(u.name).test(body.message)) {
            expect(res.headers['content-type']).toMatch(/^application\/json/);
            expect(body).toMatchObject({ code: expect.any(String), details: expect.any(Array) });
            continue;
          }
          answers.push(`${u.route} ${u.name}=${value.slice(0, 12)} → ${res.statusCode} ${body.message}`);
        }
      }
      expect(answers, 'routes that answered otherwise').toEqual([]);
      expect(await snapshot()).toEqual(before);
    }, 120_000);
  }

  it('reads valid encodings as before: UTF-8 escapes, an escaped %, a + for a space', async () => {
    const who = actorOf(admin.user, 'cli');
    const tagged = await s.app.services.reports.create(
      who,
      completeReport({ tags: ['café', '100%', 'a b'] }),
    );
    try {
      for (const query of ['tag=caf%C3%A9', 'tag=100%25', 'tag=a+b', 'tag=a%20b']) {
        const res = await admin.call({ method: 'GET', url: `/api/postmortems?${query}` });
        expect(res.statusCode, query).toBe(200);
        expect(
          res.json<{ items: { id: string }[] }>().items.map((r) => r.id),
          query,
        ).toEqual([tagged.id]);
      }
    } finally {
      await s.app.services.reports.remove(who, tagged.id);
    }
  });

  it('answers a NUL in a Markdown body with a 400 that says where, storing nothing', async () => {
    const before = await snapshot();
    const res = await admin.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: '# Outage\n\nkind: outage\n\n## Summary\n\nA line with a \u0000 in it.\n',
      headers: { 'content-type': 'text/markdown' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/line \d+: control character U\+0000/);
    expect(await snapshot()).toEqual(before);
  });
});
