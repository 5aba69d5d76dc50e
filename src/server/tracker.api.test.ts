// Issue-tracker sync on each database, against local servers that speak the documented subset of GitHub's
// and Jira Cloud's REST APIs: connections with encrypted tokens, "create issue" (auth headers, the body,
// Jira's ADF, idempotent retries), state coming back by signed webhook and by polling, and hostile input
// and failing trackers (401, 404, 400, 5xx, time-out: a clear error, nothing lost).
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { startFakeGitHub, startFakeJira, type FakeTracker } from '../../test/fake-trackers.js';
import { completeReport } from '../../test/reports.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { TrackerRepository } from '../store/index.js';
import { SecretBox } from './tracker/secret-box.js';
import { TrackerService } from './tracker/tracker.service.js';

const KEY = randomBytes(32);
const GH = { owner: 'acme', repo: 'platform', token: 'ghp_testtoken1234WXYZ' };
const JIRA = { project: 'OPS', email: 'bot@example.test', token: 'jira-api-token-9876' };

const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe.each(testDialects())('issue-tracker sync on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let editor: TestClient;
  let viewer: TestClient;
  let github: FakeTracker;
  let jira: FakeTracker;
  let gh: { id: string; webhookSecret: string };
  let jc: { id: string; webhookSecret: string };

  beforeAll(async () => {
    github = await startFakeGitHub(GH);
    jira = await startFakeJira(JIRA);
    s = await startTestServer(dialect, { secretKey: KEY, tracker: { timeoutMs: 500, pollEveryMs: 0 } });
    admin = await s.client('admin', 'Tracker Admin');
    editor = await s.client('editor', 'Tracker Editor');
    viewer = await s.client('viewer', 'Tracker Viewer');
  });
  afterAll(async () => {
    await s?.close();
    await github?.close();
    await jira?.close();
  });

  const newReport = async (overrides = {}) => {
    const r = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({
        actions: {
          items: [
            {
              id: 'A1',
              title: 'Canary every configuration change',
              owner: 'Platform team',
              deadline: '2030-04-01',
              addresses: ['RC'],
              successCriterion: 'Every change passes a canary region first.',
              verificationPlan: { how: 'Count changes that skipped the canary', by: '2030-05-01' },
            },
          ],
        },
        ...overrides,
      }),
    });
    expect(r.statusCode).toBe(201);
    return r.json<{ id: string; version: number }>().id;
  };
  const report = async (id: string) =>
    (await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).json<{
      version: number;
      report: { actions: { items: { id: string; status: string; tracker?: string }[] } };
    }>();
  const createIssue = (id: string, connectionId: string, who = editor) =>
    who.call({
      method: 'POST',
      url: `/api/postmortems/${id}/actions/A1/issue`,
      headers: { host: 'hindsight.example.test' },
      payload: { connectionId },
    });
  const hook = (id: string, body: string, headers: Record<string, string>, q = '') =>
    s.app.inject({
      method: 'POST',
      url: `/api/tracker/hooks/${id}${q}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });

  it('connects GitHub and Jira (admins only); the token is stored encrypted and never shown', async () => {
    const asEditor = await editor.call({
      method: 'POST',
      url: '/api/settings/trackers',
      payload: { kind: 'github', name: 'GH', owner: 'a', repo: 'b', token: 'secret-token' },
    });
    expect(asEditor.statusCode).toBe(403);
    const badInput = await admin.call({
      method: 'POST',
      url: '/api/settings/trackers',
      payload: { kind: 'jira', name: 'J', baseUrl: 'file:///etc', projectKey: 'ops', email: 'x', token: 't' },
    });
    expect(badInput.statusCode).toBe(400);
    const paths = JSON.stringify(badInput.json().details);
    for (const f of ['baseUrl', 'projectKey', 'email', 'token']) expect(paths).toContain(f);

    const g = await admin.call({
      method: 'POST',
      url: '/api/settings/trackers',
      payload: { kind: 'github', name: 'Platform repo', baseUrl: github.url, ...GH },
    });
    expect(g.statusCode).toBe(201);
    gh = g.json();
    expect(g.json().token).toEqual({ set: true, last4: 'WXYZ' });
    expect(g.body).not.toContain(GH.token);
    expect(gh.webhookSecret).toMatch(/^whsec_/);
    const j = await admin.call({
      method: 'POST',
      url: '/api/settings/trackers',
      payload: {
        kind: 'jira',
        name: 'Ops Jira',
        baseUrl: `${jira.url}/`,
        projectKey: JIRA.project,
        email: JIRA.email,
        token: JIRA.token,
      },
    });
    expect(j.statusCode).toBe(201);
    jc = j.json();
    expect(j.json().issueType).toBe('Task');

    const list = await admin.call({ method: 'GET', url: '/api/settings/trackers' });
    expect(list.body).not.toContain(GH.token);
    expect(list.body).not.toContain(JIRA.token);
    expect(list.body).not.toContain(gh.webhookSecret);
    expect((await viewer.call({ method: 'GET', url: '/api/settings/trackers' })).statusCode).toBe(403);
    const choices = await viewer.call({ method: 'GET', url: '/api/trackers' });
    expect(choices.json().items.map((c: { name: string }) => c.name)).toEqual(['Platform repo', 'Ops Jira']);

    const { rows } = await sql<Record<string, string>>`select * from tracker_connections`.execute(
      s.db.store.db,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(GH.token);
      expect(stored).not.toContain(JIRA.token);
      expect(stored).not.toContain(gh.webhookSecret);
      expect(stored).not.toContain(jc.webhookSecret);
      expect(row.token_enc).toMatch(/^v1\./);
    }
  });

  it('refuses to store a credential without HINDSIGHT_SECRET_KEY, saying so', async () => {
    const bare = await startTestServer(dialect);
    try {
      const a = await bare.client('admin', 'Keyless Admin');
      const r = await a.call({
        method: 'POST',
        url: '/api/settings/trackers',
        payload: { kind: 'github', name: 'GH', owner: 'a', repo: 'b', token: 'secret-token' },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json().message).toContain('HINDSIGHT_SECRET_KEY');
      const { rows } = await sql`select * from tracker_connections`.execute(bare.db.store.db);
      expect(rows).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it('creates a GitHub issue with the action, its owner, deadline, criterion, plan and a link back; a retry makes no second one', async () => {
    const id = await newReport();
    const before = github.requests.length;
    const r = await createIssue(id, gh.id);
    expect(r.statusCode, r.body).toBe(201);
    const link = r.json();
    expect(link).toMatchObject({
      actionId: 'A1',
      tracker: 'github',
      status: 'linked',
      key: '1',
      state: 'open',
    });
    expect(link.url).toBe(`${github.url}/acme/platform/issues/1`);

    const sent = github.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.path).toBe('/repos/acme/platform/issues');
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${GH.token}`);
    expect(sent[0]!.headers.accept).toBe('application/vnd.github+json');
    const body = JSON.parse(sent[0]!.body) as { title: string; body: string };
    expect(body.title).toBe('Canary every configuration change');
    for (const part of [
      'Platform team',
      '2030-04-01',
      'Every change passes a canary region first.',
      'Count changes that skipped the canary (by 2030-05-01)',
      `http://hindsight.example.test/reports/${id}`,
    ])
      expect(body.body).toContain(part);

    const stored = await report(id);
    expect(stored.report.actions.items[0]!.tracker).toBe(link.url);
    const revisions = await editor.call({ method: 'GET', url: `/api/postmortems/${id}/revisions` });
    expect(JSON.stringify(revisions.json())).toContain('linked A1 to GitHub issue #1');

    const again = await createIssue(id, gh.id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ key: '1', status: 'linked' });
    expect(github.requests.filter((q) => q.method === 'POST')).toHaveLength(
      sent.filter((q) => q.method === 'POST').length +
        github.requests.slice(0, before).filter((q) => q.method === 'POST').length,
    );
    expect(github.issues.size).toBe(1);

    const board = await viewer.call({ method: 'GET', url: `/api/action-items?report=${id}` });
    expect(board.json().items[0].issue).toEqual({ key: '1', url: link.url, state: 'open' });
    const links = await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/issues` });
    expect(links.json().items).toEqual([
      expect.objectContaining({ actionId: 'A1', key: '1', url: link.url }),
    ]);
    expect((await createIssue(id, gh.id, viewer)).statusCode).toBe(403);
    expect((await createIssue(id, 'no-such-connection')).statusCode).toBe(404);
    const noAction = await editor.call({
      method: 'POST',
      url: `/api/postmortems/${id}/actions/A9/issue`,
      payload: { connectionId: gh.id },
    });
    expect(noAction.statusCode).toBe(404);
  });

  it('GitHub webhook: a bad signature is 401, an unknown connection 404, a malformed body 400; closed and reopened move the action', async () => {
    const sub = await admin.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: { url: 'http://127.0.0.1:9/none', events: ['action.completed', 'action.updated'] },
    });
    expect(sub.statusCode).toBe(201);
    const id = await newReport();
    const made = (await createIssue(id, gh.id)).json<{ key: string }>();
    const closed = JSON.stringify({
      action: 'closed',
      issue: { number: Number(made.key), state: 'closed' },
      repository: { full_name: 'acme/platform' },
    });
    const events = { 'x-github-event': 'issues' };

    expect((await hook(gh.id, closed, { ...events })).statusCode).toBe(401);
    const wrong = await hook(gh.id, closed, {
      ...events,
      'x-hub-signature-256': sign('not-the-secret', closed),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('unauthorized');
    expect(
      (
        await hook('00000000-0000-0000-0000-000000000000', closed, {
          ...events,
          'x-hub-signature-256': sign(gh.webhookSecret, closed),
        })
      ).statusCode,
    ).toBe(404);
    const notJson = '{"action": "closed", ';
    const bad = await hook(gh.id, notJson, {
      ...events,
      'x-hub-signature-256': sign(gh.webhookSecret, notJson),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('bad_request');
    const noNumber = JSON.stringify({ action: 'closed', issue: { number: 'one' } });
    const bad2 = await hook(gh.id, noNumber, {
      ...events,
      'x-hub-signature-256': sign(gh.webhookSecret, noNumber),
    });
    expect(bad2.statusCode).toBe(400);
    expect(JSON.stringify(bad2.json().details)).toContain('number');
    expect((await report(id)).report.actions.items[0]!.status).toBe('open');

    const ping = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const pinged = await hook(gh.id, ping, {
      'x-github-event': 'ping',
      'x-hub-signature-256': sign(gh.webhookSecret, ping),
    });
    expect(pinged.json()).toEqual({ changed: 0, ignored: true });

    // The same number in another repository (an organisation's webhook sends every repository's) is not ours.
    const elsewhere = JSON.stringify({
      action: 'closed',
      issue: { number: Number(made.key), state: 'closed' },
      repository: { full_name: 'acme/other' },
    });
    const other = await hook(gh.id, elsewhere, {
      ...events,
      'x-hub-signature-256': sign(gh.webhookSecret, elsewhere),
    });
    expect(other.json()).toEqual({ changed: 0, ignored: true });
    expect((await report(id)).report.actions.items[0]!.status).toBe('open');

    const ok = await hook(gh.id, closed, {
      ...events,
      'x-hub-signature-256': sign(gh.webhookSecret, closed),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ changed: 1, ignored: false });
    let stored = await report(id);
    expect(stored.report.actions.items[0]!.status).toBe('completed');
    const revisions = JSON.stringify(
      (await editor.call({ method: 'GET', url: `/api/postmortems/${id}/revisions` })).json(),
    );
    expect(revisions).toContain(`GitHub issue #${made.key} closed (webhook): A1`);
    const audit = await s.app.services.auditLog.list({ targetId: id }, { limit: 50, offset: 0 });
    expect(JSON.stringify(audit)).toContain('"via":"tracker"');
    const rows = await s.app.services.outbox.repo.forTarget(sub.json().id);
    expect(rows.map((r) => r.event)).toContain('action.completed');
    expect(rows.some((r) => r.payload.includes(id))).toBe(true);
    // The same event again changes nothing.
    expect(
      (await hook(gh.id, closed, { ...events, 'x-hub-signature-256': sign(gh.webhookSecret, closed) })).json()
        .changed,
    ).toBe(0);

    const reopened = JSON.stringify({
      action: 'reopened',
      issue: { number: Number(made.key), state: 'open' },
    });
    const back = await hook(gh.id, reopened, {
      ...events,
      'x-hub-signature-256': sign(gh.webhookSecret, reopened),
    });
    expect(back.json()).toEqual({ changed: 1, ignored: false });
    stored = await report(id);
    expect(stored.report.actions.items[0]!.status).toBe('in_progress');
    const links = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}/issues` })).json();
    expect(links.items[0].state).toBe('open');
  });

  it('hostile webhook bodies (nested 50,000 deep, over the size limit, not UTF-8, another content type) get a 4xx JSON error and change nothing', async () => {
    const id = await newReport();
    const made = (await createIssue(id, gh.id)).json<{ key: string }>();
    const before = await report(id);
    const events = { 'x-github-event': 'issues' };
    const signedHook = (body: string | Buffer, headers: Record<string, string> = {}) =>
      s.app.inject({
        method: 'POST',
        url: `/api/tracker/hooks/${gh.id}`,
        headers: {
          'content-type': 'application/json',
          ...events,
          'x-hub-signature-256': `sha256=${createHmac('sha256', gh.webhookSecret).update(body).digest('hex')}`,
          ...headers,
        },
        payload: body,
      });
    const answers = [
      // Nested 50,000 deep where the event's fields are, signed with the right secret.
      await signedHook('{"action":'.repeat(50_000) + '{}' + '}'.repeat(50_000)),
      await signedHook('['.repeat(50_000) + ']'.repeat(50_000)),
      // Past the webhook's 1 MB limit: refused before the signature is looked at.
      await signedHook(JSON.stringify({ action: 'closed', pad: 'x'.repeat(1024 * 1024) })),
      // Bytes that are not UTF-8 text.
      await signedHook(Buffer.from([0xff, 0xfe, 0x7b, 0x80, 0x22, 0xc3])),
      // A content type the hook does not read.
      await signedHook(JSON.stringify({ action: 'closed', issue: { number: Number(made.key) } }), {
        'content-type': 'text/plain',
      }),
    ];
    for (const a of answers) {
      // The nested object is an event with no issue in it (ignored, 200) or refused; never a failure of ours.
      expect(a.statusCode, a.body).toBeLessThan(500);
      expect(a.headers['content-type']).toMatch(/application\/json/);
      if (a.statusCode >= 400) expect(a.json<{ message: string }>().message.length).toBeGreaterThan(0);
    }
    expect(answers.slice(1).map((a) => a.statusCode)).toEqual([400, 413, 400, 415]);
    const after = await report(id);
    expect(after.version).toBe(before.version);
    expect(after.report.actions.items[0]!.status).toBe(before.report.actions.items[0]!.status);
  });

  it('creates a Jira issue with basic auth and an ADF description; polling and the Jira webhook bring its state back', async () => {
    const id = await newReport();
    const before = jira.requests.length;
    const r = await createIssue(id, jc.id);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      tracker: 'jira',
      key: 'OPS-1',
      url: `${jira.url}/browse/OPS-1`,
      state: 'open',
    });
    const sent = jira.requests[before]!;
    expect(sent.path).toBe('/rest/api/3/issue');
    expect(sent.headers.authorization).toBe(
      `Basic ${Buffer.from(`${JIRA.email}:${JIRA.token}`).toString('base64')}`,
    );
    const fields = (JSON.parse(sent.body) as { fields: Record<string, unknown> }).fields;
    expect(fields.project).toEqual({ key: 'OPS' });
    expect(fields.issuetype).toEqual({ name: 'Task' });
    expect(fields.summary).toBe('Canary every configuration change');
    expect(fields.duedate).toBe('2030-04-01');
    const adf = fields.description as { type: string; version: number; content: { type: string }[] };
    expect(adf.type).toBe('doc');
    expect(adf.version).toBe(1);
    // The action, its fields, the link back, and the marker a retry looks for.
    expect(adf.content.map((n) => n.type)).toEqual(['paragraph', 'bulletList', 'paragraph', 'paragraph']);
    expect(JSON.stringify(adf.content[3])).toMatch(/"Hindsight reference: [0-9a-f]{24}"/);
    const adfText = JSON.stringify(adf);
    for (const part of [
      'Platform team',
      '2030-04-01',
      'Every change passes a canary region first.',
      'Count changes',
    ])
      expect(adfText).toContain(part);
    expect(adfText).toContain(`"type":"link","attrs":{"href":"http://hindsight.example.test/reports/${id}"}`);

    // Polling: the issue is done in Jira; the outbox worker's periodic scan reads it and completes the action.
    jira.issues.get('OPS-1')!.state = 'closed';
    await s.app.services.outbox.worker().scan(new Date(Date.now() + 1000));
    const polled = jira.requests.filter((q) => q.path === '/rest/api/3/issue/OPS-1?fields=status,updated');
    expect(polled.length).toBeGreaterThan(0);
    expect(polled[0]!.headers.authorization).toMatch(/^Basic /);
    expect((await report(id)).report.actions.items[0]!.status).toBe('completed');

    // The Jira webhook, authenticated by the secret in its address: back to "To Do" → in progress.
    const event = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'OPS-1', fields: { status: { statusCategory: { key: 'new' } } } },
    });
    expect((await hook(jc.id, event, {}, '?secret=wrong')).statusCode).toBe(401);
    expect((await hook(jc.id, event, {})).statusCode).toBe(401);
    const malformed = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'OPS-1' } });
    const m = await hook(jc.id, malformed, {}, `?secret=${jc.webhookSecret}`);
    expect(m.statusCode).toBe(400);
    expect(JSON.stringify(m.json().details)).toContain('statusCategory');
    const ok = await hook(jc.id, event, {}, `?secret=${jc.webhookSecret}`);
    expect(ok.json()).toEqual({ changed: 1, ignored: false });
    expect((await report(id)).report.actions.items[0]!.status).toBe('in_progress');
    // Signed with X-Hub-Signature instead of the secret in the address: done again.
    const done = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'OPS-1', fields: { status: { statusCategory: { key: 'done' } } } },
    });
    const signed = await hook(jc.id, done, { 'x-hub-signature': sign(jc.webhookSecret, done) });
    expect(signed.json()).toEqual({ changed: 1, ignored: false });
    expect((await report(id)).report.actions.items[0]!.status).toBe('completed');
  });

  it("a restricted report's title stays out of the issue (GitHub and Jira); its members still get the link back", async () => {
    const id = await newReport({
      title: 'Data exposure at Customer Zeta',
      visibility: 'restricted',
      members: [],
    });
    const gBefore = github.requests.length;
    const g = await createIssue(id, gh.id);
    expect(g.statusCode, g.body).toBe(201);
    const gBody = (JSON.parse(github.requests[gBefore]!.body) as { body: string }).body;
    expect(gBody).toContain('Action **A1** of a restricted post-mortem');
    expect(gBody).toContain(`/reports/${id}`);
    expect(gBody).not.toContain('Customer Zeta');
    // The viewer is no member: the report and its issues stay hidden from them.
    expect((await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/issues` })).statusCode).toBe(404);

    const other = await newReport({
      title: 'Data exposure at Customer Zeta',
      visibility: 'restricted',
      members: [],
    });
    const jBefore = jira.requests.length;
    const j = await createIssue(other, jc.id);
    expect(j.statusCode, j.body).toBe(201);
    const jBody = jira.requests[jBefore]!.body;
    expect(jBody).toContain('of a restricted post-mortem');
    expect(jBody).not.toContain('Customer Zeta');
  });

  it('an issue closed again after its verified action was reopened leaves the action awaiting a new verification', async () => {
    const id = await newReport();
    const made = await createIssue(id, gh.id);
    expect(made.statusCode, made.body).toBe(201);
    const key = Number(made.json<{ key: string }>().key);
    const send = (action: 'closed' | 'reopened') => {
      const body = JSON.stringify({
        action,
        issue: { number: key, state: action === 'closed' ? 'closed' : 'open' },
      });
      return hook(gh.id, body, {
        'x-github-event': 'issues',
        'x-hub-signature-256': sign(gh.webhookSecret, body),
      });
    };
    expect((await send('closed')).json()).toEqual({ changed: 1, ignored: false });
    const verified = await editor.call({
      method: 'POST',
      url: `/api/postmortems/${id}/actions/A1/verification`,
      payload: { result: 'effective', notes: 'no change skipped the canary' },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await send('reopened')).json()).toEqual({ changed: 1, ignored: false });
    expect((await send('closed')).json()).toEqual({ changed: 1, ignored: false });
    const a1 = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).json<{
      report: { actions: { items: { status: string; verification?: unknown }[] } };
    }>().report.actions.items[0]!;
    expect(a1.status).toBe('completed');
    expect(a1.verification).toBeUndefined();
    const board = await viewer.call({ method: 'GET', url: `/api/action-items?report=${id}` });
    expect(board.json().items[0]).toMatchObject({
      status: 'completed',
      awaitingVerification: true,
      verification: null,
    });
    // The earlier result is in the report's history.
    const history = await editor.call({ method: 'GET', url: `/api/postmortems/${id}/revisions` });
    expect(JSON.stringify(history.json())).toContain('verified A1: effective');
  });

  it('only a change of the issue acts: a Jira update of a done issue, or a replayed closed event, leaves an action reopened in Hindsight open', async () => {
    const id = await newReport();
    const made = await createIssue(id, jc.id);
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json<{ key: string }>().key;
    const done = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { key, fields: { status: { statusCategory: { key: 'done' } } } },
    });
    const first = await hook(jc.id, done, { 'x-hub-signature': sign(jc.webhookSecret, done) });
    expect(first.json()).toEqual({ changed: 1, ignored: false });
    // A person reopens the action in Hindsight: the fix did not hold, whatever the issue says.
    const current = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    const { version, report: body } = current.json<{
      version: number;
      report: { actions: { items: Record<string, unknown>[] } };
    }>();
    expect(body.actions.items[0]!.status).toBe('completed');
    body.actions.items[0] = { ...body.actions.items[0], status: 'in_progress' };
    const put = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report: body },
    });
    expect(put.statusCode, put.body).toBe(200);
    // Jira sends issue_updated for a comment on the done issue; the same signed body is also replayed.
    const comment = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { key, fields: { status: { statusCategory: { key: 'done' } } } },
      comment: { body: 'Closing note' },
    });
    const again = await hook(jc.id, comment, { 'x-hub-signature': sign(jc.webhookSecret, comment) });
    expect(again.json()).toEqual({ changed: 0, ignored: false });
    const replay = await hook(jc.id, done, { 'x-hub-signature': sign(jc.webhookSecret, done) });
    expect(replay.json()).toEqual({ changed: 0, ignored: false });
    expect((await report(id)).report.actions.items[0]!.status).toBe('in_progress');
  });

  it('refuses a signed event older than one already applied (a replay after the issue was reopened), on GitHub and Jira', async () => {
    const id = await newReport();
    const made = await createIssue(id, gh.id);
    expect(made.statusCode, made.body).toBe(201);
    const key = Number(made.json<{ key: string }>().key);
    const event = (action: 'closed' | 'reopened', updatedAt: string) =>
      JSON.stringify({
        action,
        issue: { number: key, state: action === 'closed' ? 'closed' : 'open', updated_at: updatedAt },
        repository: { full_name: 'acme/platform' },
      });
    const send = (body: string) =>
      hook(gh.id, body, { 'x-github-event': 'issues', 'x-hub-signature-256': sign(gh.webhookSecret, body) });
    const closed = event('closed', '2025-01-01T10:00:00Z');
    expect((await send(closed)).json()).toEqual({ changed: 1, ignored: false });
    expect((await report(id)).report.actions.items[0]!.status).toBe('completed');
    const reopened = event('reopened', '2025-01-01T11:00:00Z');
    expect((await send(reopened)).json()).toEqual({ changed: 1, ignored: false });
    expect((await report(id)).report.actions.items[0]!.status).toBe('in_progress');
    // Someone who kept the first signed request sends it again: refused, the action stays in progress.
    const replay = await send(closed);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().message).toContain('older than one already applied');
    expect((await report(id)).report.actions.items[0]!.status).toBe('in_progress');
    // The newest event delivered again changes nothing and is no error; a newer one still acts.
    expect((await send(reopened)).json()).toEqual({ changed: 0, ignored: false });
    expect((await send(event('closed', '2025-01-01T12:00:00Z'))).json()).toEqual({
      changed: 1,
      ignored: false,
    });

    const jid = await newReport();
    const jmade = await createIssue(jid, jc.id);
    expect(jmade.statusCode, jmade.body).toBe(201);
    const jkey = jmade.json<{ key: string }>().key;
    const jira = (category: string, timestamp: number) =>
      JSON.stringify({
        timestamp,
        webhookEvent: 'jira:issue_updated',
        issue: { key: jkey, fields: { status: { statusCategory: { key: category } } } },
      });
    const jsend = (body: string) => hook(jc.id, body, { 'x-hub-signature': sign(jc.webhookSecret, body) });
    const done = jira('done', 1_735_725_600_000);
    expect((await jsend(done)).json()).toEqual({ changed: 1, ignored: false });
    expect((await jsend(jira('indeterminate', 1_735_725_660_000))).json()).toEqual({
      changed: 1,
      ignored: false,
    });
    expect((await jsend(done)).statusCode).toBe(409);
    expect((await report(jid)).report.actions.items[0]!.status).toBe('in_progress');
  });

  it('an event time far ahead of this server is not kept: one request with the secret in the address cannot refuse every later event', async () => {
    const id = await newReport();
    const made = await createIssue(id, jc.id);
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json<{ key: string }>().key;
    const event = (category: string, timestamp: number) =>
      JSON.stringify({
        timestamp,
        webhookEvent: 'jira:issue_updated',
        issue: { key, fields: { status: { statusCategory: { key: category } } } },
      });
    // Anyone who has the address sends the issue's own state with a time in the year 2100.
    const forged = await hook(jc.id, event('new', 4_102_444_800_000), {}, `?secret=${jc.webhookSecret}`);
    expect(forged.json()).toEqual({ changed: 0, ignored: false });
    // Jira's real events, at its real time, still act.
    const done = event('done', Date.now());
    const real = await hook(jc.id, done, { 'x-hub-signature': sign(jc.webhookSecret, done) });
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json()).toEqual({ changed: 1, ignored: false });
    expect((await report(id)).report.actions.items[0]!.status).toBe('completed');
    // A time a little ahead (the tracker's clock a minute fast) is still kept: an older replay is refused.
    const reopened = event('indeterminate', Date.now() + 60_000);
    const next = await hook(jc.id, reopened, { 'x-hub-signature': sign(jc.webhookSecret, reopened) });
    expect(next.json()).toEqual({ changed: 1, ignored: false });
    expect((await hook(jc.id, done, { 'x-hub-signature': sign(jc.webhookSecret, done) })).statusCode).toBe(
      409,
    );
  });

  it('a tracker answering 5xx, or not at all, is a clear error on the action; nothing is lost and a retry works', async () => {
    const id = await newReport();
    const v = (await report(id)).version;
    github.mode = 503;
    const down = await createIssue(id, gh.id);
    expect(down.statusCode).toBe(503);
    expect(down.json().message).toContain('GitHub answered 503');
    let links = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}/issues` })).json();
    expect(links.items[0]).toMatchObject({ status: 'failed', key: null });
    expect(links.items[0].error).toContain('503');
    expect((await report(id)).version).toBe(v);

    github.mode = 'hang';
    const started = Date.now();
    const slow = await createIssue(id, gh.id);
    expect(slow.statusCode).toBe(503);
    expect(slow.json().message).toContain('did not answer within 500 ms');
    expect(Date.now() - started).toBeLessThan(5000);

    github.mode = 'ok';
    const count = github.issues.size;
    const retry = await createIssue(id, gh.id);
    expect(retry.statusCode).toBe(201);
    expect(github.issues.size).toBe(count + 1);
    links = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}/issues` })).json();
    expect(links.items[0]).toMatchObject({ status: 'linked', error: null });

    // A poll while the tracker is down leaves the error on the link and the action as it was.
    github.mode = 500;
    await s.app.services.tracker.poll(new Date(Date.now() + 1000));
    github.mode = 'ok';
    links = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}/issues` })).json();
    expect(links.items[0].error).toContain('500');
    expect((await report(id)).report.actions.items[0]!.status).toBe('open');
  });

  it('polls in bounded batches, oldest read first, so every linked issue gets its turn', async () => {
    for (let i = 0; i < 3; i += 1) expect((await createIssue(await newReport(), gh.id)).statusCode).toBe(201);
    const total = Number(
      (
        await sql<{ n: number }>`select count(*) as n from tracker_links where status = 'linked'`.execute(
          s.db.store.db,
        )
      ).rows[0]!.n,
    );
    expect(total).toBeGreaterThanOrEqual(5);
    const small = new TrackerService(
      new TrackerRepository(s.db.store),
      s.app.services.reports,
      s.app.services.audit,
      new SecretBox(KEY),
      { pollBatch: 2, pollEveryMs: 60_000 },
    );
    // Each tracker's log only grows: a round's reads are what came after its lengths before the round.
    const marks = () => [github.requests.length, jira.requests.length] as const;
    const readsSince = ([g, j]: readonly [number, number]) =>
      [...github.requests.slice(g), ...jira.requests.slice(j)]
        .filter((q) => q.method === 'GET')
        .map((q) => `${q.headers.host}${q.path}`);
    const at = new Date(Date.now() + 3_600_000);
    const seen = new Set<string>();
    for (let round = 0; round * 2 < total; round += 1) {
      const before = marks();
      await small.poll(at);
      const now = readsSince(before);
      expect(now.length).toBe(Math.min(2, total - round * 2));
      for (const p of now) seen.add(p);
    }
    expect(seen.size).toBe(total);
    // Everything was read within the minute: the next round reads nothing.
    const before = marks();
    await small.poll(at);
    expect(readsSince(before)).toEqual([]);
  });

  it('a connection change is checked against its kind; a new webhook secret replaces the old one', async () => {
    const wrong = await admin.call({
      method: 'PATCH',
      url: `/api/settings/trackers/${jc.id}`,
      payload: { owner: 'x' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(JSON.stringify(wrong.json().details)).toContain('owner');
    expect(
      (await admin.call({ method: 'PATCH', url: '/api/settings/trackers/nope', payload: { name: 'x' } }))
        .statusCode,
    ).toBe(404);
    const renewed = await admin.call({
      method: 'PATCH',
      url: `/api/settings/trackers/${gh.id}`,
      payload: { newWebhookSecret: true, token: 'ghp_testtoken1234WXYZ' },
    });
    expect(renewed.statusCode).toBe(200);
    const fresh = renewed.json<{ webhookSecret: string }>().webhookSecret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(gh.webhookSecret);
    const ping = JSON.stringify({ zen: 'x' });
    const headers = { 'x-github-event': 'ping' };
    expect(
      (await hook(gh.id, ping, { ...headers, 'x-hub-signature-256': sign(gh.webhookSecret, ping) }))
        .statusCode,
    ).toBe(401);
    expect(
      (await hook(gh.id, ping, { ...headers, 'x-hub-signature-256': sign(fresh, ping) })).statusCode,
    ).toBe(200);
    gh.webhookSecret = fresh;
    // A body that is not JSON at all, or too large, is refused with a JSON answer.
    const form = await s.app.inject({
      method: 'POST',
      url: `/api/tracker/hooks/${gh.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'payload=%7B%7D',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().code).toBeDefined();
    const huge = await hook(gh.id, JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), headers);
    expect(huge.statusCode).toBe(413);
  });

  it('two clicks at once make one issue (the pending link is claimed by one)', async () => {
    const id = await newReport();
    const count = github.issues.size;
    const [a, b] = await Promise.all([createIssue(id, gh.id), createIssue(id, gh.id)]);
    // One makes it; the other finds it being made (409) or, if it came second, made (200, the same link).
    const codes = [a.statusCode, b.statusCode];
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect([200, 409]).toContain(codes.find((c) => c !== 201));
    expect(github.issues.size).toBe(count + 1);
  });

  it('a create whose answer was lost (a time-out after the issue was made) is not made twice: the retry finds it by its marker', async () => {
    for (const [tracker, conn] of [
      [github, gh],
      [jira, jc],
    ] as const) {
      const id = await newReport();
      const count = tracker.issues.size;
      tracker.mode = 'lose';
      const lost = await createIssue(id, conn.id);
      tracker.mode = 'ok';
      expect(lost.statusCode).toBe(503);
      expect(lost.json().message).toContain('did not answer within 500 ms');
      // The tracker made it all the same.
      expect(tracker.issues.size).toBe(count + 1);
      const made = [...tracker.issues.values()].at(-1)!;
      expect(JSON.stringify(made.body)).toMatch(
        /hindsight-ref: [0-9a-f]{24}|Hindsight reference: [0-9a-f]{24}/,
      );

      const before = tracker.requests.length;
      const retry = await createIssue(id, conn.id);
      expect(retry.statusCode, retry.body).toBe(201);
      expect(retry.json()).toMatchObject({ status: 'linked', key: made.key, error: null });
      expect(tracker.issues.size).toBe(count + 1);
      // One look-up, no second create.
      expect(tracker.requests.slice(before).map((q) => q.method)).toEqual([
        tracker === github ? 'GET' : 'POST',
      ]);
      expect((await report(id)).report.actions.items[0]!.tracker).toBe(retry.json().url);

      // Another action's marker is not this one's: a report of its own gets an issue of its own.
      const other = await newReport();
      tracker.mode = 503;
      expect((await createIssue(other, conn.id)).statusCode).toBe(503);
      tracker.mode = 'ok';
      const own = await createIssue(other, conn.id);
      expect(own.statusCode).toBe(201);
      expect(own.json().key).not.toBe(made.key);
      expect(tracker.issues.size).toBe(count + 2);
    }
  });

  it("a marker copied into a later issue by anyone who can write one does not take the retry's link", async () => {
    for (const [tracker, conn, copyKey] of [
      [github, gh, '9001'],
      [jira, jc, 'OPS-9001'],
    ] as const) {
      const id = await newReport();
      tracker.mode = 'lose';
      expect((await createIssue(id, conn.id)).statusCode).toBe(503);
      tracker.mode = 'ok';
      const made = [...tracker.issues.values()].at(-1)!;
      // The marker is in the issue's body, which whoever can read the issue sees: a copy of the body in an issue
      // of one's own, made after it (so listed first, newest first), whose closing would complete the action.
      const later = made.created + 1_000;
      tracker.issues.set(copyKey, { ...made, key: copyKey, created: later, updated: later });
      const retry = await createIssue(id, conn.id);
      expect(retry.statusCode, retry.body).toBe(201);
      expect(retry.json()).toMatchObject({ status: 'linked', key: made.key });
      tracker.issues.delete(copyKey);
    }
  });

  it('a look-up that fails makes no issue blind: the retry fails too, and the next one finds the issue', async () => {
    const id = await newReport();
    const count = github.issues.size;
    github.mode = 'lose';
    expect((await createIssue(id, gh.id)).statusCode).toBe(503);
    github.mode = 502;
    const down = await createIssue(id, gh.id);
    expect(down.statusCode).toBe(503);
    expect(down.json().message).toContain('GitHub answered 502');
    github.mode = 'ok';
    const retry = await createIssue(id, gh.id);
    expect(retry.statusCode).toBe(201);
    expect(github.issues.size).toBe(count + 1);
  });

  it('a poll whose answer was on its way while a newer webhook was applied changes nothing, and a later reopen is seen', async () => {
    const id = await newReport();
    const made = await createIssue(id, gh.id);
    expect(made.statusCode).toBe(201);
    const key = made.json<{ key: string }>().key;
    const issue = github.issues.get(key)!;
    const status = async () => (await report(id)).report.actions.items[0]!.status;
    const event = (action: string, state: string) => {
      const body = JSON.stringify({
        action,
        issue: { number: Number(key), state, updated_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
        repository: { full_name: 'acme/platform' },
      });
      return hook(gh.id, body, {
        'x-github-event': 'issues',
        'x-hub-signature-256': sign(gh.webhookSecret, body),
      });
    };
    // The poll reads the issue open, last changed a minute ago; its answer is held on the way.
    issue.updated = Date.now() - 60_000;
    let reached!: () => void;
    let release!: () => void;
    const read = new Promise<void>((r) => (reached = r));
    github.hold = {
      path: `/repos/acme/platform/issues/${key}`,
      reached,
      until: new Promise((r) => (release = r)),
    };
    const polling = s.app.services.tracker.poll(new Date(Date.now() + 1000));
    await read;
    // Meanwhile the issue is closed, and its webhook applied.
    issue.state = 'closed';
    issue.updated = Date.now();
    expect((await event('closed', 'closed')).statusCode).toBe(200);
    expect(await status()).toBe('completed');
    release();
    await polling;
    expect(await status()).toBe('completed');
    const link = await sql<{
      state: string;
    }>`select state from tracker_links where report_id = ${id}`.execute(s.db.store.db);
    expect(link.rows[0]!.state).toBe('closed');
    // Reopened later: the action is worked on again.
    await new Promise((r) => setTimeout(r, 1_100));
    issue.state = 'open';
    issue.updated = Date.now();
    expect((await event('reopened', 'open')).statusCode).toBe(200);
    expect(await status()).toBe('in_progress');
  });

  it("a poll moves the link's event time to the tracker's own time, so an older event replayed after it is refused", async () => {
    const id = await newReport();
    const made = await createIssue(id, gh.id);
    expect(made.statusCode).toBe(201);
    const key = made.json<{ key: string }>().key;
    const eventAt = async () =>
      (
        await sql<{
          event_at: string | null;
        }>`select event_at from tracker_links where report_id = ${id}`.execute(s.db.store.db)
      ).rows[0]!.event_at;
    // A reopened event signed a while ago (kept by someone, or delivered late).
    const old = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const body = JSON.stringify({
      action: 'reopened',
      issue: { number: Number(key), state: 'open', updated_at: old },
      repository: { full_name: 'acme/platform' },
    });
    // The issue is closed in GitHub later than that event, and no webhook tells it: a poll reads it.
    const issue = github.issues.get(key)!;
    issue.state = 'closed';
    issue.updated = Date.now();
    await s.app.services.tracker.poll(new Date(Date.now() + 1000));
    expect((await report(id)).report.actions.items[0]!.status).toBe('completed');
    expect(await eventAt()).toBe(new Date(Math.floor(issue.updated / 1000) * 1000).toISOString());
    const replay = await hook(gh.id, body, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(gh.webhookSecret, body),
    });
    expect(replay.statusCode).toBe(409);
    expect((await report(id)).report.actions.items[0]!.status).toBe('completed');

    // Jira's form of the time (milliseconds, +0000) is read as the same instant.
    const jid = await newReport();
    const jmade = await createIssue(jid, jc.id);
    const jissue = jira.issues.get(jmade.json<{ key: string }>().key)!;
    jissue.state = 'closed';
    jissue.updated = Date.now() - 5_000;
    await s.app.services.tracker.poll(new Date(Date.now() + 1000));
    const jat = (
      await sql<{
        event_at: string | null;
      }>`select event_at from tracker_links where report_id = ${jid}`.execute(s.db.store.db)
    ).rows[0]!.event_at;
    expect(jat).toBe(new Date(jissue.updated).toISOString());
  });
});
