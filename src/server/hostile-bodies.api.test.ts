// Hostile JSON bodies on every route that reads one (the OpenAPI document's routes with a JSON request body, and
// report creation, whose body is the report itself): nested thousands deep, a huge string where a field is, a
// content type no route reads, bytes that are not UTF-8, and a body over the size limit. Each is answered with a
// 4xx JSON error whose message says what is wrong and where, and nothing stored changes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { storedRows, testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { MAX_JSON_DEPTH, nestedPast } from './markdown-body.js';
import { actorOf } from './services/access.js';

const LIMIT = 256 * 1024;
const DEEP = 50_000;

interface Operation {
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

/** The text of `{"k":{"k":…{}}}` nested `n` deep. */
const objects = (key: string, n: number) => `{"${key}":`.repeat(n) + '{}' + '}'.repeat(n);

/** The text of `[[[…]]]` nested `n` deep (JSON.stringify of such a value would itself overflow the stack). */
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe.each(testDialects())('hostile JSON bodies on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  /** Each JSON route with its path's parameters filled in, and the names of its body's fields. */
  let routes: { route: string; method: InjectOptions['method']; url: string; fields: string[] }[];
  let snapshot: () => Promise<Record<string, unknown[]>>;

  beforeAll(async () => {
    s = await startTestServer(dialect, { bodyLimit: LIMIT });
    admin = await s.client('admin', 'Ada Admin');
    const who = actorOf(admin.user, 'cli');
    const report = await s.app.services.reports.create(who, completeReport());
    const comment = await s.app.services.reviews.comment(who, report.id, 'summary', 'First');
    const attachment = await s.app.services.attachments.upload(who, report.id, {
      filename: 'a.txt',
      contentType: 'text/plain',
      data: Buffer.from('a'),
    });
    // Real ids, so that the body is what is refused (a malformed id in the path is refused before the body).
    const ids: Record<string, string> = {
      postmortems: report.id,
      users: admin.user.id,
    };
    const values: Record<string, string> = {
      section: 'summary',
      revision: '1',
      commentId: comment.id,
      attachmentId: attachment.id,
      actionId: 'A1',
    };
    const doc = s.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([m, op]) => {
        const json = op.requestBody?.content?.['application/json'];
        const route = `${m.toUpperCase()} ${path}`;
        // Report creation takes the report itself (JSON or Markdown), so its schema is not a JSON one.
        if (!json && route !== 'POST /api/postmortems') return [];
        const url = path.replace(
          /\/(\w+)\/\{(\w+)\}/g,
          (_, what: string, name: string) =>
            `/${what}/${(name === 'id' ? ids[what] : values[name]) ?? randomUUID()}`,
        );
        const fields = Object.keys(json?.schema?.properties ?? { title: 1, kind: 1 });
        return [{ route, method: m.toUpperCase() as InjectOptions['method'], url, fields }];
      }),
    );
    snapshot = await storedRows(s.db.store);
  }, 60_000);
  afterAll(async () => s?.close());

  it('finds the JSON routes', () => {
    expect(routes.map((r) => r.route)).toEqual(
      expect.arrayContaining([
        'POST /api/postmortems',
        'PUT /api/postmortems/{id}',
        'POST /api/postmortems/{id}/comments',
        'PUT /api/settings',
        'POST /api/users',
        'POST /api/lint',
      ]),
    );
    expect(routes.length).toBeGreaterThan(20);
  });

  const each = (fields: string[], value: string) => `{${fields.map((f) => `"${f}":${value}`).join(',')}}`;
  /** One body per field, that field holding `value` and the others nothing. */
  const oneEach = (fields: string[], value: (field: string) => string) =>
    fields.map((f) => `{"${f}":${value(f)}}`);
  const json = (payload: string | Buffer) => ({ payload, type: 'application/json' });
  const cases: {
    name: string;
    /** The bodies sent to a route with these fields. */
    requests: (fields: string[]) => { payload: string | Buffer; type: string }[];
    status: number[];
    message: RegExp;
  }[] = [
    {
      name: 'arrays nested thousands deep',
      requests: (fields) => [json(nested(DEEP)), ...oneEach(fields, () => nested(DEEP / 10)).map(json)],
      status: [400],
      message: /^the JSON body is nested more than \d+ levels deep \(at byte \d+\)/,
    },
    {
      name: 'objects nested thousands deep',
      requests: (fields) => oneEach(fields, (f) => objects(f, DEEP / 10)).map(json),
      status: [400],
      message: /^the JSON body is nested more than \d+ levels deep \(at byte \d+\)/,
    },
    {
      name: 'a huge string',
      requests: (fields) => [
        json(JSON.stringify('x'.repeat(LIMIT / 2))),
        ...oneEach(fields, () => JSON.stringify('x'.repeat(LIMIT / 2))).map(json),
      ],
      status: [400, 422],
      message: /^(invalid request body: \w|the report is not valid: )/,
    },
    {
      name: 'a content type no route reads',
      requests: () => [{ payload: '<report/>', type: 'application/xml' }],
      status: [415],
      message: /content type is not accepted/,
    },
    {
      name: 'bytes that are not UTF-8',
      requests: (fields) => [
        json(Buffer.concat([Buffer.from(`{"${fields[0]}":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
      ],
      status: [400],
      message: /^the JSON body is not valid UTF-8 \(at byte \d+\)/,
    },
    {
      // PostgreSQL refused such text mid-save (a 500); SQLite stored U+FFFD in its place.
      name: 'an unpaired surrogate escape',
      requests: (fields) => [
        json('"\\ud800"'),
        ...oneEach(fields, () => '"before \\ud800 after"').map(json),
        ...oneEach(fields, () => '["\\udc00"]').map(json),
        ...oneEach(fields, () => '{"\\udbff x":"y"}').map(json),
      ],
      status: [400],
      message:
        /^the JSON body holds an unpaired surrogate escape \(\\uD800-\\uDFFF\) at [^:]+: text must be valid Unicode$/,
    },
    {
      // PostgreSQL text cannot hold U+0000: a 500 mid-save there. Refused on both databases, naming the field.
      name: 'a NUL escape',
      requests: (fields) => [
        json('"\\u0000"'),
        ...oneEach(fields, () => '"before \\u0000 after"').map(json),
        ...oneEach(fields, () => '["\\u0000"]').map(json),
        ...oneEach(fields, () => '{"a\\u0000b":"y"}').map(json),
      ],
      status: [400],
      message: /^the JSON body holds a NUL character \(\\u0000\) at [^:]+: text cannot hold one$/,
    },
    {
      name: 'a body over the size limit',
      requests: (fields) => [json(each(fields, JSON.stringify('y'.repeat(LIMIT))))],
      status: [413],
      message: /larger than this server accepts/,
    },
  ];

  for (const c of cases) {
    it(`answers ${c.name} with a 4xx JSON error on every JSON route, storing nothing`, async () => {
      const before = await snapshot();
      expect(before['reports']).toHaveLength(1);
      expect(before['users']!.length).toBeGreaterThanOrEqual(1);
      const answers: string[] = [];
      let sent = 0;
      for (const r of routes) {
        for (const { payload, type } of c.requests(r.fields)) {
          sent += 1;
          const res = await admin.call({
            method: r.method,
            url: r.url,
            payload,
            headers: { 'content-type': type },
          });
          const body = res.json<{ code: string; message: string; details: unknown[] }>();
          answers.push(`${r.route} → ${res.statusCode} ${body.message?.slice(0, 160)}`);
          // Said clearly and briefly: a status the client can act on, the JSON error shape, no echo of the body.
          if (
            !c.status.includes(res.statusCode) ||
            !c.message.test(body.message) ||
            body.message.length > 500
          ) {
            continue;
          }
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          expect(body).toMatchObject({ code: expect.any(String), details: expect.any(Array) });
          answers.pop();
        }
      }
      expect(answers, 'routes that answered otherwise').toEqual([]);
      expect(sent).toBeGreaterThanOrEqual(routes.length);
      expect(await snapshot()).toEqual(before);
    }, 120_000);
  }
});

describe('the surrogate and NUL check', () => {
  it('lets a paired escape and an escaped backslash through, and says where an unpaired surrogate or a NUL is', async () => {
    const s = await startTestServer('sqlite');
    try {
      const admin = await s.client('admin', 'Ada Admin');
      const post = (payload: string) =>
        admin.call({
          method: 'POST',
          url: '/api/postmortems',
          payload,
          headers: { 'content-type': 'application/json' },
        });
      // An emoji as a pair of escapes, and the six characters \ud800 written with an escaped backslash.
      const ok = await post('{"kind":"outage","title":"Pager \\ud83d\\udd25 and \\\\ud800 as text"}');
      expect(ok.statusCode).toBe(201);
      expect(ok.json<{ report: { title: string } }>().report.title).toBe(
        'Pager \u{1f525} and \\ud800 as text',
      );
      const bad = await post(
        '{"kind":"outage","title":"ok","timeline":[{"at":"2026-01-01T00:00:00Z","text":"\\ude00"}]}',
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ message: string; details: { path: unknown[] }[] }>()).toMatchObject({
        message: expect.stringContaining('at timeline.0.text:'),
        details: [{ path: ['body', 'timeline', 0, 'text'] }],
      });
      // The six characters \u0000 written with an escaped backslash are text; the escape itself is refused.
      const text = await post('{"kind":"outage","title":"Written as \\\\u0000"}');
      expect(text.statusCode).toBe(201);
      expect(text.json<{ report: { title: string } }>().report.title).toBe('Written as \\u0000');
      const nul = await post('{"kind":"outage","title":"ok","tags":["a","b\\u0000"]}');
      expect(nul.statusCode).toBe(400);
      expect(nul.json<{ message: string; details: { path: unknown[] }[] }>()).toMatchObject({
        message: 'the JSON body holds a NUL character (\\u0000) at tags.1: text cannot hold one',
        details: [{ path: ['body', 'tags', 1] }],
      });
    } finally {
      await s.close();
    }
  });
});

describe('the depth check', () => {
  it('counts the brackets of arrays and objects, not those inside strings', () => {
    expect(nestedPast('{"a":[1,{"b":[]}]}', 4)).toBe(-1);
    expect(nestedPast('{"a":[1,{"b":[]}]}', 3)).toBe(13);
    // Brackets in strings, escaped quotes and backslashes before a closing quote.
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\"', c: '\\', d: ['\\\\"[['] });
    expect(nestedPast(text, 2)).toBe(-1);
    expect(nestedPast(text, 1)).toBe(text.indexOf('["'));
    expect(nestedPast('"[[[[', 1)).toBe(-1);
    expect(nestedPast(`[${'{"k":'.repeat(64)}1${'}'.repeat(64)}]`, MAX_JSON_DEPTH)).toBe(1 + 63 * 5);
  });
});
