import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from './services/access.js';
import { multipartForm, startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';

type Need = 'read' | 'editor' | 'admin' | 'reviewer';
interface Fixture {
  id: string;
  attachmentId: string;
  commentId: string;
}
interface Route {
  name: string;
  need: Need;
  ok: number;
  /** The route itself names its least role, checked before the report is looked up. */
  early?: boolean;
  /** Prepare the report (e.g. delete it first) before the call. */
  prepare?: (s: TestServer, f: Fixture) => Promise<void>;
  send: (c: TestClient, f: Fixture) => ReturnType<TestClient['call']>;
}

const upload = (name: string) =>
  multipartForm([{ name: 'file', filename: name, data: 'hello', type: 'text/plain' }]);

// Every route that touches one report, and what it needs.
const ROUTES: Route[] = [
  {
    name: 'read report',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}` }),
  },
  {
    name: 'read report as Markdown',
    need: 'read',
    ok: 200,
    send: (c, f) =>
      c.call({ method: 'GET', url: `/api/postmortems/${f.id}`, headers: { accept: 'text/markdown' } }),
  },
  {
    name: 'replace report',
    early: true,
    need: 'editor',
    ok: 200,
    send: (c, f) =>
      c.call({
        method: 'PUT',
        url: `/api/postmortems/${f.id}`,
        payload: { version: 1, report: { kind: 'outage', title: 'Changed' } },
      }),
  },
  {
    name: 'replace section',
    early: true,
    need: 'editor',
    ok: 200,
    send: (c, f) =>
      c.call({
        method: 'PUT',
        url: `/api/postmortems/${f.id}/sections/summary`,
        payload: { version: 1, content: { notes: 'n' } },
      }),
  },
  {
    name: 'delete report',
    early: true,
    need: 'editor',
    ok: 204,
    send: (c, f) => c.call({ method: 'DELETE', url: `/api/postmortems/${f.id}` }),
  },
  {
    name: 'restore deleted report',
    early: true,
    need: 'admin',
    ok: 200,
    prepare: async (s, f) => {
      await s.db.store.db
        .updateTable('reports')
        .set({ deleted_at: new Date().toISOString() })
        .where('id', '=', f.id)
        .execute();
    },
    send: (c, f) => c.call({ method: 'POST', url: `/api/postmortems/${f.id}/restore` }),
  },
  {
    name: 'transition',
    early: true,
    need: 'editor',
    ok: 200,
    send: (c, f) =>
      c.call({
        method: 'POST',
        url: `/api/postmortems/${f.id}/transitions`,
        payload: { to: 'in_review', version: 1 },
      }),
  },
  {
    name: 'list revisions',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}/revisions` }),
  },
  {
    name: 'read revision',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}/revisions/1` }),
  },
  {
    name: 'diff revisions',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}/diff?from=1&to=1` }),
  },
  {
    name: 'restore revision',
    early: true,
    need: 'editor',
    ok: 200,
    send: (c, f) =>
      c.call({
        method: 'POST',
        url: `/api/postmortems/${f.id}/revisions/1/restore`,
        payload: { version: 1 },
      }),
  },
  {
    name: 'list comments',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}/comments` }),
  },
  {
    name: 'add comment',
    need: 'editor',
    ok: 201,
    send: (c, f) =>
      c.call({
        method: 'POST',
        url: `/api/postmortems/${f.id}/comments`,
        payload: { anchor: 'summary', body: 'Note' },
      }),
  },
  {
    name: 'resolve comment',
    need: 'editor',
    ok: 200,
    send: (c, f) =>
      c.call({
        method: 'POST',
        url: `/api/postmortems/${f.id}/comments/${f.commentId}/resolve`,
        payload: {},
      }),
  },
  {
    name: 'list reviews',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}/reviews` }),
  },
  {
    name: 'approve',
    need: 'reviewer',
    ok: 201,
    send: (c, f) =>
      c.call({ method: 'POST', url: `/api/postmortems/${f.id}/reviews`, payload: { decision: 'approve' } }),
  },
  {
    name: 'list attachments',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/postmortems/${f.id}/attachments` }),
  },
  {
    name: 'upload attachment',
    early: true,
    need: 'editor',
    ok: 201,
    send: (c, f) =>
      c.call({ method: 'POST', url: `/api/postmortems/${f.id}/attachments`, ...upload('b.txt') }),
  },
  {
    name: 'download attachment',
    need: 'read',
    ok: 200,
    send: (c, f) => c.call({ method: 'GET', url: `/api/attachments/${f.attachmentId}` }),
  },
  {
    name: 'delete attachment',
    early: true,
    need: 'editor',
    ok: 204,
    send: (c, f) => c.call({ method: 'DELETE', url: `/api/attachments/${f.attachmentId}` }),
  },
];

type RoleName = 'admin' | 'editor' | 'viewer' | 'member editor' | 'member viewer';
const ROLES: RoleName[] = ['admin', 'editor', 'viewer', 'member editor', 'member viewer'];

function expected(route: Route, role: RoleName, restricted: boolean): number {
  const member = role.startsWith('member');
  const base = role.replace('member ', '');
  // Refused for the role alone, before any report is read: the same answer for every id, so it tells nothing.
  if (route.early && route.need === 'editor' && base === 'viewer') return 403;
  if (route.early && route.need === 'admin' && base !== 'admin') return 403;
  if (restricted && !member) return 404;
  if (route.need === 'read') return route.ok;
  if (route.need === 'editor') return base === 'viewer' ? 403 : route.ok;
  if (route.need === 'admin') return base === 'admin' ? route.ok : 403;
  return 403; // nobody in this matrix is a named reviewer
}

describe.each(testDialects())('authorization matrix on %s', (dialect) => {
  let s: TestServer;
  let owner: TestClient;
  const clients = {} as Record<RoleName, TestClient>;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    owner = await s.client('editor', 'Owen Owner');
    clients.admin = await s.client('admin', 'Adam Outsider');
    clients.editor = await s.client('editor', 'Eve Outsider');
    clients.viewer = await s.client('viewer', 'Vera Outsider');
    clients['member editor'] = await s.client('editor', 'Mel Member');
    clients['member viewer'] = await s.client('viewer', 'Max Member');
  });
  afterAll(async () => s?.close());

  const fixture = async (restricted: boolean, title = 'Matrix report'): Promise<Fixture> => {
    const who = actorOf(owner.user, 'cli');
    const stored = await s.app.services.reports.create(who, {
      ...completeReport(),
      title,
      visibility: restricted ? 'restricted' : 'internal',
      members: restricted ? ['mel.member@example.test', clients['member viewer'].user.id] : [],
      analysis: { primaryCause: `The ${restricted ? 'zebracorn' : 'okapi'} cache expired.` },
      actions: { items: [{ id: 'A1', title: 'Matrix action', owner: 'Owen Owner', deadline: '2001-01-01' }] },
    });
    const attachment = await s.app.services.attachments.upload(who, stored.id, {
      filename: 'a.txt',
      contentType: 'text/plain',
      data: Buffer.from('a'),
    });
    const comment = await s.app.services.reviews.comment(who, stored.id, 'summary', 'First');
    return { id: stored.id, attachmentId: attachment.id, commentId: comment.id };
  };

  for (const restricted of [false, true]) {
    for (const route of ROUTES) {
      it(`${route.name} on a ${restricted ? 'restricted' : 'internal'} report: ${ROLES.map((r) => `${r} ${expected(route, r, restricted)}`).join(', ')}`, async () => {
        for (const role of ROLES) {
          const f = await fixture(restricted);
          await route.prepare?.(s, f);
          const r = await route.send(clients[role], f);
          expect({
            role,
            status: r.statusCode,
            body: r.statusCode >= 400 ? r.json() : undefined,
          }).toMatchObject({
            role,
            status: expected(route, role, restricted),
          });
          if (r.statusCode === 404) expect(r.json().code).toBe('not_found');
        }
      });
    }
  }

  it('keeps a restricted report out of every listing, search, action item list and count for non-members', async () => {
    const open = await fixture(false, 'Open matrix report');
    const secret = await fixture(true, 'Secret matrix report');
    for (const role of ROLES) {
      const c = clients[role];
      const sees = role.startsWith('member');
      const ids = async (url: string, key = 'id') =>
        ((await c.call({ method: 'GET', url })).json().items as Record<string, string>[]).map((i) => i[key]);
      const list = (await c.call({ method: 'GET', url: '/api/postmortems?limit=200' })).json();
      expect(list.items.map((r: { id: string }) => r.id).includes(secret.id), role).toBe(sees);
      expect(
        list.items.map((r: { id: string }) => r.id),
        role,
      ).toContain(open.id);
      expect(list.total, role).toBe(list.items.length);
      const search = (await c.call({ method: 'GET', url: '/api/search?q=zebracorn' })).json();
      expect(search.total > 0, role).toBe(sees);
      expect((await ids('/api/search?q=matrix&limit=200')).includes(secret.id), role).toBe(sees);
      expect((await ids('/api/action-items?limit=200', 'reportId')).includes(secret.id), role).toBe(sees);
      expect((await ids(`/api/action-items?report=${secret.id}`, 'reportId')).length > 0, role).toBe(sees);
      const owner = (
        await c.call({ method: 'GET', url: '/api/action-items?owner=owen%20owner&limit=200' })
      ).json();
      expect(
        owner.items.some((i: { reportId: string }) => i.reportId === secret.id),
        role,
      ).toBe(sees);
    }
  });

  it('gives admins alone the account, audit and settings routes', async () => {
    for (const role of ROLES) {
      const c = clients[role];
      const admin = role === 'admin';
      expect((await c.call({ method: 'GET', url: '/api/users' })).statusCode, role).toBe(admin ? 200 : 403);
      expect((await c.call({ method: 'GET', url: '/api/audit' })).statusCode, role).toBe(admin ? 200 : 403);
      expect(
        (await c.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: 1 } })).statusCode,
        role,
      ).toBe(admin ? 200 : 403);
      expect((await c.call({ method: 'GET', url: '/api/settings' })).statusCode, role).toBe(200);
      expect(
        (await c.call({ method: 'POST', url: '/api/postmortems', payload: { kind: 'other', title: 'New' } }))
          .statusCode,
        role,
      ).toBe(role.endsWith('viewer') ? 403 : 201);
    }
  });
});
