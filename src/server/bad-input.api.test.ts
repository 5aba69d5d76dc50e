import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';

describe.each(testDialects())('bad input on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;
  let id: string;
  let snapshot: () => Promise<unknown>;

  beforeAll(async () => {
    s = await startTestServer(dialect, { bodyLimit: 64 * 1024 });
    editor = await s.client('editor', 'Bea Bad');
    id = (
      await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { kind: 'outage', title: 'Target' },
      })
    ).json().id;
    snapshot = async () => {
      const db = s.db.store.db;
      return {
        reports: await db.selectFrom('reports').select(['id', 'version', 'content']).orderBy('id').execute(),
        revisions: (
          await db
            .selectFrom('report_revisions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      };
    };
  });
  afterAll(async () => s?.close());

  const cases: [
    string,
    () => Promise<{
      statusCode: number;
      json(): { code: string; message: string; details: { path?: unknown[] }[] };
    }>,
    number,
    unknown[] | undefined,
  ][] = [
    [
      'malformed JSON',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          headers: { 'content-type': 'application/json' },
          payload: '{"kind": "outage",',
        }),
      400,
      undefined,
    ],
    [
      'a wrong type',
      () => editor.call({ method: 'POST', url: '/api/postmortems', payload: { kind: 'outage', title: 42 } }),
      422,
      ['title'],
    ],
    [
      'an unknown field',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          payload: { kind: 'outage', title: 'x', colour: 'red' },
        }),
      422,
      ['colour'],
    ],
    [
      'an unknown nested field',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          payload: { kind: 'outage', title: 'x', summary: { mood: 'bad' } },
        }),
      422,
      ['summary', 'mood'],
    ],
    [
      'an unknown field in an update envelope',
      () =>
        editor.call({
          method: 'PUT',
          url: `/api/postmortems/${id}`,
          payload: { version: 1, report: {}, extra: true },
        }),
      400,
      ['body', 'extra'],
    ],
    [
      'a missing version',
      () =>
        editor.call({
          method: 'PUT',
          url: `/api/postmortems/${id}`,
          payload: { report: { kind: 'outage', title: 'y' } },
        }),
      400,
      ['body', 'version'],
    ],
    [
      'an oversized body',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          payload: { kind: 'outage', title: 'x', summary: { notes: 'y'.repeat(70_000) } },
        }),
      413,
      undefined,
    ],
    ['a bad id', () => editor.call({ method: 'GET', url: '/api/postmortems/%00bad' }), 400, ['params', 'id']],
    [
      'an unknown id',
      () => editor.call({ method: 'GET', url: '/api/postmortems/does-not-exist' }),
      404,
      undefined,
    ],
    [
      'a bad section',
      () =>
        editor.call({
          method: 'PUT',
          url: `/api/postmortems/${id}/sections/gossip`,
          payload: { version: 1, content: {} },
        }),
      400,
      ['params', 'section'],
    ],
    [
      'a bad section body',
      () =>
        editor.call({
          method: 'PUT',
          url: `/api/postmortems/${id}/sections/impact`,
          payload: { version: 1, content: { financial: 'lots' } },
        }),
      422,
      ['financial'],
    ],
    [
      'an invalid transition',
      () =>
        editor.call({
          method: 'POST',
          url: `/api/postmortems/${id}/transitions`,
          payload: { to: 'closed', version: 1 },
        }),
      409,
      ['to'],
    ],
    [
      'an unknown state',
      () =>
        editor.call({
          method: 'POST',
          url: `/api/postmortems/${id}/transitions`,
          payload: { to: 'archived', version: 1 },
        }),
      400,
      ['body', 'to'],
    ],
    [
      'a stale version',
      () =>
        editor.call({
          method: 'PUT',
          url: `/api/postmortems/${id}`,
          payload: { version: 7, report: { kind: 'outage', title: 'z' } },
        }),
      409,
      ['version'],
    ],
    [
      'an unsupported content type',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          headers: { 'content-type': 'application/xml' },
          payload: '<report/>',
        }),
      415,
      undefined,
    ],
    [
      'a bad query value',
      () => editor.call({ method: 'GET', url: '/api/postmortems?state=lost' }),
      400,
      ['querystring', 'state'],
    ],
    [
      'an empty search',
      () => editor.call({ method: 'GET', url: '/api/search?q=' }),
      400,
      ['querystring', 'q'],
    ],
    [
      'a bad attachment id',
      () => editor.call({ method: 'GET', url: '/api/attachments/123' }),
      400,
      ['params', 'attachmentId'],
    ],
    ['an unknown route', () => editor.call({ method: 'GET', url: '/api/nothing-here' }), 404, undefined],
    [
      'Markdown that is binary',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          headers: { 'content-type': 'text/markdown' },
          payload: Buffer.from([0xff, 0xfe, 0x00, 0x01]),
        }),
      400,
      undefined,
    ],
    [
      'an empty Markdown body',
      () =>
        editor.call({
          method: 'POST',
          url: '/api/postmortems',
          headers: { 'content-type': 'text/markdown' },
          payload: ' \n\t\n',
        }),
      400,
      ['body'],
    ],
  ];

  it.each(cases)(
    '%s gets a 4xx JSON error naming the field, and nothing stored changes',
    async (_name, send, status, path) => {
      const before = await snapshot();
      const r = await send();
      expect(r.statusCode).toBe(status);
      const body = r.json();
      expect(body).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        details: expect.any(Array),
      });
      expect(body.message.length).toBeGreaterThan(0);
      if (path) expect(body.details.map((d) => d.path)).toContainEqual(path);
      expect(await snapshot()).toEqual(before);
    },
  );
});
