// The authorization matrix, generated from the OpenAPI document: every documented route is called by an
// anonymous caller and by each role, on an internal report, a restricted report the caller is a member of
// and one they are not. A route without a rule here fails the first test, so no route ships unexamined.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { outboxRow } from '../store/index.js';
import { actorOf } from './services/access.js';
import { ReportRepository } from '../store/index.js';
import { multipartForm, startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { startFakeGitHub, type FakeTracker } from '../../test/fake-trackers.js';

type Role = 'viewer' | 'editor' | 'admin';
type Caller = 'anonymous' | Role;
type Variant = 'internal' | 'member' | 'non-member';

/**
 * Who may call a route. `public`: anyone, signed in or not. `signed-in`: any account. `role`: at least that
 * role, refused before anything else is looked at. On a report: `read` any account that may see the report,
 * `edit` an editor who may see it (refused for the role first when `early`), `review` only named reviewers.
 */
type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'role'; role: Role }
  | { kind: 'read' }
  | { kind: 'edit'; role: 'editor' | 'admin'; early: boolean }
  | { kind: 'review' };

interface Fixture {
  id: string;
  attachmentId: string;
  commentId: string;
  evidence: { attachmentId: string; digest: string };
  tokenId: string;
  userId: string;
  webhookId: string;
  deliveryId: string;
  /** The spare account's unsubscribe link (path and query). */
  unsubscribe: string;
  /** A tracker connection (to a local stand-in for GitHub) and its webhook secret. */
  trackerId: string;
  trackerSecret: string;
}

interface Rule {
  access: Access;
  ok: number;
  request: (f: Fixture, n: number) => InjectOptions;
  /** Work on the fixture before the call (e.g. delete the report that the call restores). */
  prepare?: (s: TestServer, f: Fixture) => Promise<void>;
}

const LOG = '{"level":"error","time":"2024-03-01T14:00:00Z","msg":"upstream timeout"}\n';
const file = (name: string, data: string) => multipartForm([{ name: 'file', filename: name, data }]);
const rid = (f: Fixture) => `/api/postmortems/${f.id}`;
const PASSWORD = 'a very long passphrase';

const RULES: Record<string, Rule> = {
  'GET /api/setup': { access: { kind: 'public' }, ok: 200, request: () => ({ url: '/api/setup' }) },
  'POST /api/setup': {
    access: { kind: 'public' },
    ok: 409, // set up already: the same answer for everyone
    request: () => ({
      url: '/api/setup',
      payload: { email: 'x@example.test', name: 'X', password: PASSWORD },
    }),
  },
  'POST /api/auth/login': {
    access: { kind: 'public' },
    ok: 200,
    request: () => ({
      url: '/api/auth/login',
      payload: { email: 'lou.login@example.test', password: PASSWORD },
    }),
  },
  'POST /api/auth/logout': {
    access: { kind: 'signed-in' },
    ok: 204,
    request: () => ({ url: '/api/auth/logout' }),
  },
  'GET /api/auth/me': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/auth/me' }) },
  'GET /api/tokens': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/tokens' }) },
  'POST /api/tokens': {
    access: { kind: 'signed-in' },
    ok: 201,
    request: () => ({ url: '/api/tokens', payload: { name: 'm' } }),
  },
  'DELETE /api/tokens/{id}': {
    access: { kind: 'signed-in' },
    ok: 204,
    request: (f) => ({ url: `/api/tokens/${f.tokenId}` }),
  },
  'POST /api/auth/password': {
    access: { kind: 'signed-in' },
    ok: 400, // the current password given is not the caller's: refused the same way for every account
    request: () => ({
      url: '/api/auth/password',
      payload: { current: 'not the current one', password: `${PASSWORD} anew` },
    }),
  },
  'POST /api/users/{id}/password': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: (f, n) => ({
      url: `/api/users/${f.userId}/password`,
      payload: { password: `${PASSWORD} ${n}` },
    }),
  },
  'GET /api/lint/rules/{id}': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/lint/rules/blame' }),
  },
  'GET /api/accounts': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/accounts' }) },
  'GET /api/users': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: () => ({ url: '/api/users' }),
  },
  'POST /api/users': {
    access: { kind: 'role', role: 'admin' },
    ok: 201,
    request: (_f, n) => ({
      url: '/api/users',
      payload: { email: `new${n}@example.test`, name: `New ${n}`, role: 'viewer', password: PASSWORD },
    }),
  },
  'PATCH /api/users/{id}': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: (f) => ({ url: `/api/users/${f.userId}`, payload: { name: 'Renamed Spare' } }),
  },
  'GET /api/settings': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/settings' }) },
  'PUT /api/settings': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: () => ({ url: '/api/settings', payload: { requiredApprovals: 1 } }),
  },
  'GET /api/audit': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: () => ({ url: '/api/audit' }),
  },
  'GET /api/profile/reminders': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/profile/reminders' }),
  },
  'PUT /api/profile/reminders': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/profile/reminders', payload: { timeZone: 'Europe/Berlin' } }),
  },
  'GET /api/reminders/unsubscribe': {
    access: { kind: 'public' },
    ok: 200,
    request: (f) => ({ url: f.unsubscribe }),
  },
  'POST /api/reminders/unsubscribe': {
    access: { kind: 'public' },
    ok: 200,
    request: (f) => ({ url: f.unsubscribe }),
  },
  'GET /api/settings/webhooks': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: () => ({ url: '/api/settings/webhooks' }),
  },
  'POST /api/settings/webhooks': {
    access: { kind: 'role', role: 'admin' },
    ok: 201,
    request: () => ({
      url: '/api/settings/webhooks',
      payload: { url: 'https://hooks.example.test/in', events: ['report.published'], active: false },
    }),
  },
  'PATCH /api/settings/webhooks/{id}': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: (f) => ({ url: `/api/settings/webhooks/${f.webhookId}`, payload: { active: false } }),
  },
  'DELETE /api/settings/webhooks/{id}': {
    access: { kind: 'role', role: 'admin' },
    ok: 204,
    request: (f) => ({ url: `/api/settings/webhooks/${f.webhookId}` }),
  },
  'GET /api/settings/webhooks/{id}/deliveries': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: (f) => ({ url: `/api/settings/webhooks/${f.webhookId}/deliveries` }),
  },
  'POST /api/settings/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    access: { kind: 'role', role: 'admin' },
    ok: 202,
    request: (f) => ({ url: `/api/settings/webhooks/${f.webhookId}/deliveries/${f.deliveryId}/redeliver` }),
  },
  'GET /api/settings/trackers': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: () => ({ url: '/api/settings/trackers' }),
  },
  'POST /api/settings/trackers': {
    access: { kind: 'role', role: 'admin' },
    ok: 201,
    request: () => ({
      url: '/api/settings/trackers',
      payload: { kind: 'github', name: 'GH', owner: 'acme', repo: 'app', token: 'ghp_matrix' },
    }),
  },
  'PATCH /api/settings/trackers/{id}': {
    access: { kind: 'role', role: 'admin' },
    ok: 200,
    request: (f) => ({ url: `/api/settings/trackers/${f.trackerId}`, payload: { name: 'Renamed' } }),
  },
  'DELETE /api/settings/trackers/{id}': {
    access: { kind: 'role', role: 'admin' },
    ok: 204,
    request: (f) => ({ url: `/api/settings/trackers/${f.trackerId}` }),
  },
  'GET /api/trackers': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/trackers' }) },
  'GET /api/postmortems/{id}/issues': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/issues` }),
  },
  'POST /api/postmortems/{id}/actions/{actionId}/issue': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 201, // in a local stand-in for GitHub
    request: (f) => ({ url: `${rid(f)}/actions/A1/issue`, payload: { connectionId: f.trackerId } }),
  },
  'POST /api/tracker/hooks/{id}': {
    access: { kind: 'public' },
    ok: 200, // a signed GitHub ping: the signature is the credential, not a session
    request: (f) => {
      const body = JSON.stringify({ zen: 'ping' });
      const sig = `sha256=${createHmac('sha256', f.trackerSecret).update(body).digest('hex')}`;
      return {
        url: `/api/tracker/hooks/${f.trackerId}`,
        headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-hub-signature-256': sig },
        payload: body,
      };
    },
  },
  'GET /api/search': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/search?q=cache' }),
  },
  'GET /api/action-items': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/action-items' }),
  },
  'POST /api/lint': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/lint', payload: { report: completeReport() } }),
  },
  'POST /api/evidence': {
    access: { kind: 'role', role: 'editor' },
    ok: 200,
    request: () => ({ url: '/api/evidence', ...file('app.jsonl', LOG) }),
  },
  'GET /api/postmortems': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/postmortems' }),
  },
  'POST /api/postmortems': {
    access: { kind: 'role', role: 'editor' },
    ok: 201,
    request: () => ({ url: '/api/postmortems', payload: { kind: 'other', title: 'New' } }),
  },
  'GET /api/postmortems/{id}': { access: { kind: 'read' }, ok: 200, request: (f) => ({ url: rid(f) }) },
  'GET /api/postmortems/{id}/export': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/export?format=md&audience=public` }),
  },
  'POST /api/postmortems/{id}/distribute': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 409, // this server has no SMTP: refused only after the role and who may see the report
    request: (f) => ({
      url: `${rid(f)}/distribute`,
      payload: { audience: 'public', to: ['list@example.test'] },
    }),
  },
  'GET /api/postmortems/{id}/charts/{chart}': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/charts/timeline` }),
  },
  'GET /api/postmortems/{id}/related': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/related` }),
  },
  'GET /api/insights': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/insights' }) },
  'GET /api/insights/reports': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/insights/reports?figure=byKind&group=outage' }),
  },
  'GET /api/factors': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/factors' }) },
  'GET /api/systems/{name}': {
    access: { kind: 'signed-in' },
    ok: 200,
    // beforeAll stores an internal report naming this system
    request: () => ({ url: '/api/systems/matrix-system' }),
  },
  'GET /api/revisit': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/revisit' }) },
  'PUT /api/postmortems/{id}': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 200,
    request: (f) => ({ url: rid(f), payload: { version: 1, report: { kind: 'outage', title: 'Changed' } } }),
  },
  'DELETE /api/postmortems/{id}': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 204,
    request: (f) => ({ url: rid(f) }),
  },
  'PUT /api/postmortems/{id}/sections/{section}': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/sections/summary`, payload: { version: 1, content: { notes: 'n' } } }),
  },
  'POST /api/postmortems/{id}/actions/{actionId}/verification': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 200,
    prepare: async (s, f) => {
      // Only a completed action can be verified.
      const reports = new ReportRepository(s.db.store);
      const stored = (await reports.get(f.id))!;
      const items = stored.report.actions.items.map((a) => ({ ...a, status: 'completed' as const }));
      const report = { ...stored.report, actions: { ...stored.report.actions, items } };
      await reports.update(f.id, stored.version, report, { userId: null, summary: 'completed', changes: [] });
    },
    request: (f) => ({ url: `${rid(f)}/actions/A1/verification`, payload: { result: 'effective' } }),
  },
  'GET /api/postmortems/{id}/recurrence': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/recurrence` }),
  },
  'GET /api/calendar': { access: { kind: 'signed-in' }, ok: 200, request: () => ({ url: '/api/calendar' }) },
  'POST /api/calendar': { access: { kind: 'signed-in' }, ok: 201, request: () => ({ url: '/api/calendar' }) },
  'DELETE /api/calendar': {
    access: { kind: 'signed-in' },
    ok: 204,
    request: () => ({ url: '/api/calendar' }),
  },
  'GET /api/calendar/feeds/{file}': {
    access: { kind: 'public' },
    ok: 404, // the address is the credential: an unknown one is the same 404 for everyone
    request: () => ({ url: `/api/calendar/feeds/${'x'.repeat(43)}.ics` }),
  },
  'GET /api/action-items/recurred': {
    access: { kind: 'signed-in' },
    ok: 200,
    request: () => ({ url: '/api/action-items/recurred' }),
  },
  'POST /api/postmortems/{id}/restore': {
    access: { kind: 'edit', role: 'admin', early: true },
    ok: 200,
    prepare: async (s, f) => {
      await s.db.store.db
        .updateTable('reports')
        .set({ deleted_at: new Date().toISOString() })
        .where('id', '=', f.id)
        .execute();
    },
    request: (f) => ({ url: `${rid(f)}/restore` }),
  },
  'POST /api/postmortems/{id}/transitions': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/transitions`, payload: { to: 'in_review', version: 1 } }),
  },
  'GET /api/postmortems/{id}/revisions': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/revisions` }),
  },
  'GET /api/postmortems/{id}/revisions/{version}': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/revisions/1` }),
  },
  'GET /api/postmortems/{id}/diff': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/diff?from=1&to=1` }),
  },
  'POST /api/postmortems/{id}/revisions/{revision}/restore': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/revisions/1/restore`, payload: { version: 1 } }),
  },
  'GET /api/postmortems/{id}/comments': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/comments` }),
  },
  'POST /api/postmortems/{id}/comments': {
    access: { kind: 'edit', role: 'editor', early: false },
    ok: 201,
    request: (f) => ({ url: `${rid(f)}/comments`, payload: { anchor: 'summary', body: 'Note' } }),
  },
  'POST /api/postmortems/{id}/comments/{commentId}/resolve': {
    access: { kind: 'edit', role: 'editor', early: false },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/comments/${f.commentId}/resolve`, payload: {} }),
  },
  'GET /api/postmortems/{id}/reviews': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/reviews` }),
  },
  'POST /api/postmortems/{id}/reviews': {
    access: { kind: 'review' },
    ok: 201,
    request: (f) => ({ url: `${rid(f)}/reviews`, payload: { decision: 'approve' } }),
  },
  'GET /api/postmortems/{id}/attachments': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `${rid(f)}/attachments` }),
  },
  'POST /api/postmortems/{id}/attachments': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 201,
    request: (f) => ({ url: `${rid(f)}/attachments`, ...file('b.txt', 'hello') }),
  },
  'GET /api/attachments/{attachmentId}': {
    access: { kind: 'read' },
    ok: 200,
    request: (f) => ({ url: `/api/attachments/${f.attachmentId}` }),
  },
  'DELETE /api/attachments/{attachmentId}': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 204,
    request: (f) => ({ url: `/api/attachments/${f.attachmentId}` }),
  },
  'POST /api/postmortems/{id}/evidence': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 201,
    request: (f) => ({ url: `${rid(f)}/evidence`, ...file('app.jsonl', LOG) }),
  },
  'POST /api/postmortems/{id}/evidence/{attachmentId}/accept': {
    access: { kind: 'edit', role: 'editor', early: true },
    ok: 200,
    request: (f) => ({
      url: `${rid(f)}/evidence/${f.evidence.attachmentId}/accept`,
      payload: { version: 1, choices: [{ index: 0, kind: 'other' }], digest: f.evidence.digest },
    }),
  },
};

const RANK: Record<Caller, number> = { anonymous: -1, viewer: 0, editor: 1, admin: 2 };

/** The status a caller should get from a route on a variant of report. */
function expected(rule: Rule, caller: Caller, variant: Variant): number {
  const a = rule.access;
  if (a.kind === 'public') return rule.ok;
  if (caller === 'anonymous') return 401;
  if (a.kind === 'signed-in') return rule.ok;
  if (a.kind === 'role') return RANK[caller] >= RANK[a.role] ? rule.ok : 403;
  // On a report: a role the route names is refused first, the same for every report and id.
  if (a.kind === 'edit' && a.early && RANK[caller] < RANK[a.role]) return 403;
  if (variant === 'non-member') return 404;
  if (a.kind === 'read') return rule.ok;
  if (a.kind === 'review') return 403; // nobody here is a named reviewer
  return RANK[caller] >= RANK[a.role] ? rule.ok : 403;
}

const isReportRoute = (rule: Rule) => !['public', 'signed-in', 'role'].includes(rule.access.kind);

describe.each(testDialects())('authorization matrix from the OpenAPI document on %s', (dialect) => {
  let s: TestServer;
  let owner: TestClient;
  const callers = {} as Record<Role, TestClient>;
  let routes: string[] = [];
  let n = 0;
  let github: FakeTracker;

  beforeAll(async () => {
    github = await startFakeGitHub({ owner: 'acme', repo: 'app', token: 'ghp_nowhere' });
    s = await startTestServer(dialect, { secretKey: randomBytes(32) });
    owner = await s.client('editor', 'Owen Owner');
    callers.viewer = await s.client('viewer', 'Vera Viewer');
    callers.editor = await s.client('editor', 'Eve Editor');
    callers.admin = await s.client('admin', 'Adam Admin');
    await s.client('viewer', 'Lou Login', PASSWORD);
    await s.app.services.reports.create(actorOf(owner.user, 'cli'), {
      ...completeReport(),
      systems: ['matrix-system'],
    });
    const doc = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  });
  afterAll(async () => {
    await s?.close();
    await github?.close();
  });

  const fixture = async (variant: Variant, caller: Caller): Promise<Fixture> => {
    const who = actorOf(owner.user, 'cli');
    const members =
      variant === 'member' && caller !== 'anonymous'
        ? [owner.user.email, callers[caller].user.email]
        : [owner.user.email];
    const stored = await s.app.services.reports.create(who, {
      ...completeReport(),
      visibility: variant === 'internal' ? 'internal' : 'restricted',
      members: variant === 'internal' ? [] : members,
    });
    const attachment = await s.app.services.attachments.upload(who, stored.id, {
      filename: 'a.txt',
      contentType: 'text/plain',
      data: Buffer.from('a'),
    });
    const comment = await s.app.services.reviews.comment(who, stored.id, 'summary', 'First');
    const evidence = await s.app.services.evidence.upload(who, stored.id, {
      filename: 'app.jsonl',
      contentType: 'application/x-ndjson',
      data: Buffer.from(LOG),
    });
    const tokenOwner = caller === 'anonymous' ? owner : callers[caller];
    const token = await s.app.services.auth.createToken(actorOf(tokenOwner.user, 'cli'), 'to revoke');
    const spare = await s.app.services.users.create(null, {
      email: `spare${(n += 1)}@example.test`,
      name: 'Spare',
      role: 'viewer',
    });
    // A subscription nothing is sent to (no worker runs here), and one delivery in its log.
    const hook = await s.app.services.outbox.repo.createWebhook(
      { url: 'http://127.0.0.1:9/none', events: ['report.published'], format: 'json', active: true },
      null,
    );
    const delivery = outboxRow('webhook', hook.id, 'report.published', {}, new Date().toISOString());
    await s.app.services.outbox.repo.enqueue([delivery]);
    const tracker = await s.app.services.tracker.create(actorOf(callers.admin.user, 'cli'), {
      kind: 'github',
      name: 'Local GitHub',
      baseUrl: github.url,
      owner: 'acme',
      repo: 'app',
      token: 'ghp_nowhere',
    });
    return {
      trackerId: tracker.id,
      trackerSecret: tracker.webhookSecret,
      unsubscribe: await s.app.services.reminders.unsubscribeUrl(spare.id),
      webhookId: hook.id,
      deliveryId: delivery.id,
      id: stored.id,
      attachmentId: attachment.id,
      commentId: comment.id,
      evidence: { attachmentId: evidence.attachment.id, digest: evidence.digest },
      tokenId: token.info.id,
      userId: spare.id,
    };
  };

  it('has a rule for every route in the OpenAPI document, and no rule for a route that is gone', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(
      routes.filter((r) => !(r in RULES)),
      'routes without an authorization rule',
    ).toEqual([]);
    expect(
      Object.keys(RULES).filter((r) => !routes.includes(r)),
      'rules for routes that do not exist',
    ).toEqual([]);
  });

  const CALLERS: Caller[] = ['anonymous', 'viewer', 'editor', 'admin'];
  for (const [route, rule] of Object.entries(RULES)) {
    it(`${route}: every caller, on every kind of report`, async () => {
      const [method] = route.split(' ');
      const variants: Variant[] = isReportRoute(rule) ? ['internal', 'member', 'non-member'] : ['internal'];
      const cells: { caller: Caller; variant: Variant; status: number }[] = [];
      const wanted: typeof cells = [];
      for (const variant of variants) {
        for (const caller of CALLERS) {
          const f = await fixture(variant, caller);
          await rule.prepare?.(s, f);
          const req = rule.request(f, (n += 1));
          const headers =
            caller === 'anonymous'
              ? req.headers
              : { ...(req.headers ?? {}), authorization: `Bearer ${callers[caller].token}` };
          const r = await s.app.inject({ ...req, method: method as InjectOptions['method'], headers });
          cells.push({ caller, variant, status: r.statusCode });
          wanted.push({ caller, variant, status: expected(rule, caller, variant) });
          if (r.statusCode === 404) expect(r.json().code).toBe('not_found');
          expect(r.statusCode, `${route} ${caller} ${variant}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
        }
      }
      expect(cells).toEqual(wanted);
    });
  }
});
