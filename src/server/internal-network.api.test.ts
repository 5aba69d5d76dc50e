import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INTERNAL_NETWORK } from '../domain/index.js';
import { testDialects } from '../../test/databases.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';

// Issue 16, item 2: the organisation's internal domains, host suffixes and IP ranges are a setting that the
// public version and the public-leak lint rule both use.
describe.each(testDialects())('internal network setting on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let editor: TestClient;
  let id: string;
  const text = 'The build farm at ci7.acme-build.net (203.0.113.40) and db1.prod.internal stalled.';

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Ada Admin');
    editor = await s.client('editor', 'Eddie Editor');
    const r = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'outage', title: 'Build farm stall', summary: { whatHappened: text } },
    });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const publicText = async () => {
    const r = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}/export?format=json&audience=public`,
    });
    expect(r.statusCode, r.body).toBe(200);
    return JSON.stringify(r.json());
  };
  const leaks = async () => {
    const report = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).json().report;
    const r = await editor.call({ method: 'POST', url: '/api/lint', payload: { report } });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json().findings as { ruleId: string; message: string }[])
      .filter((f) => f.ruleId === 'public-leak')
      .map((f) => /"([^"]+)"/.exec(f.message)?.[1]);
  };

  it('starts from sensible defaults: private ranges and internal-only suffixes', async () => {
    const settings = (await editor.call({ method: 'GET', url: '/api/settings' })).json();
    expect(settings.internalNetwork).toEqual(DEFAULT_INTERNAL_NETWORK);
    expect(settings.internalNetwork.ipRanges).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
    );
    expect(settings.internalNetwork.suffixes).toEqual(expect.arrayContaining(['internal', 'local', 'corp']));
    const pub = await publicText();
    expect(pub).not.toContain('db1.prod.internal');
    // a public address and a public-looking host stay while nobody says they are internal
    expect(pub).toContain('ci7.acme-build.net (203.0.113.40)');
    expect(await leaks()).toEqual(['db1.prod.internal']);
  });

  it('uses the domains, suffixes and ranges an admin sets, for the public version and the lint rule', async () => {
    const put = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: {
        internalNetwork: { domains: ['Acme-Build.net'], suffixes: ['.lab'], ipRanges: ['203.0.113.0/24'] },
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().internalNetwork).toEqual({
      domains: ['acme-build.net'],
      suffixes: ['lab'],
      ipRanges: ['203.0.113.0/24'],
    });
    const pub = await publicText();
    expect(pub).not.toContain('ci7.acme-build.net');
    expect(pub).not.toContain('203.0.113.40');
    // .internal is no longer in the list, so that host is the writer's business now
    expect(pub).toContain('db1.prod.internal');
    expect(await leaks()).toEqual(['ci7.acme-build.net', '203.0.113.40']);
  });

  it('lets only admins change it, and refuses bad entries naming where they are', async () => {
    const denied = await editor.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { internalNetwork: { domains: [], suffixes: [], ipRanges: [] } },
    });
    expect(denied.statusCode).toBe(403);
    for (const [field, value] of [
      ['ipRanges', '10.0.0.0/33'],
      ['ipRanges', 'ten dot zero'],
      // short and octal IPv4 forms some parsers take would name another network: 0.0.0.10/8, 8.0.0.0/8
      ['ipRanges', '10/8'],
      ['ipRanges', '010.0.0.0/8'],
      ['ipRanges', '167772160/8'],
      ['ipRanges', '10.0.0.0/8/8'],
      ['ipRanges', 'fd00::/129'],
      ['domains', 'http://corp.example.com/'],
      ['suffixes', 'a b'],
    ] as const) {
      const r = await admin.call({
        method: 'PUT',
        url: '/api/settings',
        payload: {
          internalNetwork: {
            domains: [],
            suffixes: [],
            ipRanges: [],
            [field]: [field === 'ipRanges' ? '10.0.0.0/8' : 'ok.example', value],
          },
        },
      });
      expect(r.statusCode, `${field} ${value}`).toBe(400);
      const body = r.json();
      expect(body.code).toBe('bad_request');
      expect(JSON.stringify(body), `${field} ${value}`).toContain(field);
      // the refused entry is the second one; the first is valid
      expect(JSON.stringify(body), `${field} ${value}`).toContain(`"${field}",1]`);
    }
    // nothing of the refused changes was stored
    const settings = (await editor.call({ method: 'GET', url: '/api/settings' })).json();
    expect(settings.internalNetwork.domains).toEqual(['acme-build.net']);
    // a list left out keeps its defaults
    const some = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { internalNetwork: { domains: ['corp.example.com'] } },
    });
    expect(some.statusCode, some.body).toBe(200);
    expect(some.json().internalNetwork).toEqual({
      ...DEFAULT_INTERNAL_NETWORK,
      domains: ['corp.example.com'],
    });
  });
});
