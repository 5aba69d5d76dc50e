// Verification moves the report on: a published report whose last pending action is verified (or declined
// with a reason) is closed by that save, with the move in its history, its audit entry and its webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import type { ReportInput } from '../domain/index.js';

const actions = (): ReportInput =>
  completeReport({
    title: 'Cache stampede after a deploy',
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Add request coalescing to the cache client',
          owner: 'Platform team',
          deadline: '2024-04-01',
          status: 'completed',
          addresses: ['RC'],
          verificationPlan: { how: 'No stampede in the next three deploys', by: '2024-07-01' },
        },
        {
          id: 'A2',
          title: 'Warm the cache before switching traffic',
          owner: 'Platform team',
          deadline: '2024-04-10',
          status: 'completed',
          addresses: ['RC'],
          verificationPlan: { how: 'Hit ratio above 90% one minute after a switch', by: '2024-07-01' },
        },
        {
          id: 'A3',
          title: 'Buy more cache nodes',
          owner: 'Platform team',
          deadline: '2024-04-10',
          status: 'wont_do',
          declinedReason: 'A1 removes the need',
        },
      ],
    },
  });

describe.each(testDialects())('closing a report when its follow-up completes on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let editor: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Close Admin');
    editor = await s.client('editor', 'Vera Verifier');
    const r = await admin.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: 0 } });
    expect(r.statusCode, r.body).toBe(200);
  });
  afterAll(async () => s?.close());

  const published = async (input: ReportInput = actions()) => {
    const r = await editor.call({ method: 'POST', url: '/api/postmortems', payload: input });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json<{ id: string }>().id;
    for (const [to, version] of [
      ['in_review', 1],
      ['published', 2],
    ] as const) {
      const m = await editor.call({
        method: 'POST',
        url: `/api/postmortems/${id}/transitions`,
        payload: { to, version },
      });
      expect(m.statusCode, m.body).toBe(200);
    }
    return id;
  };
  const verify = (id: string, actionId: string) =>
    editor.call({
      method: 'POST',
      url: `/api/postmortems/${id}/actions/${actionId}/verification`,
      payload: { result: 'effective', notes: 'checked in staging' },
    });

  it('closes a published report with the verification that completes its follow-up, and records it', async () => {
    const id = await published();
    const first = await verify(id, 'A1');
    expect(first.statusCode, first.body).toBe(200);
    // A2 still awaits its check: the report stays published.
    expect(first.json<{ report: { state: string } }>().report.state).toBe('published');

    const last = await verify(id, 'A2');
    expect(last.statusCode, last.body).toBe(200);
    expect(last.json<{ report: { state: string }; version: number }>()).toMatchObject({
      report: { state: 'closed' },
      version: 5,
    });

    const history = await editor.call({ method: 'GET', url: `/api/postmortems/${id}/revisions` });
    const revisions = history.json<{ items: { version: number; summary: string; changes: string[] }[] }>();
    const v5 = revisions.items.find((r) => r.version === 5);
    expect(v5?.summary).toBe('verified A2: effective; follow-up complete: moved from published to closed');
    expect(v5?.changes).toContain('state');

    const audit = await s.db.store.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target_id', '=', id)
      .where('action', '=', 'report.update')
      .execute();
    const closing = audit.map((a) => JSON.parse(a.details ?? '{}') as Record<string, unknown>);
    expect(closing.filter((d) => d.to === 'closed')).toEqual([
      expect.objectContaining({ from: 'published', to: 'closed', reason: 'follow-up complete' }),
    ]);
  });

  it('closes it when the last pending action is declined with a reason in an edit', async () => {
    const input = actions();
    const id = await published(input);
    expect((await verify(id, 'A1')).statusCode).toBe(200);
    const current = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    const { version, report } = current.json<{
      version: number;
      report: { actions: { items: Record<string, unknown>[] } };
    }>();
    report.actions.items[1] = { ...report.actions.items[1], declinedReason: 'Superseded by A1; no check' };
    const put = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<{ report: { state: string } }>().report.state).toBe('closed');
  });

  it('does not close a report whose verified action was reopened since (its old result does not count)', async () => {
    const id = await published();
    expect((await verify(id, 'A1')).statusCode).toBe(200);
    // A1 is reopened (as a reopened issue in a tracker does): in progress, its earlier result kept.
    const current = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    const { version, report } = current.json<{
      version: number;
      report: { actions: { items: Record<string, unknown>[] } };
    }>();
    expect(report.actions.items[0]!.verification).toMatchObject({ result: 'effective' });
    report.actions.items[0] = { ...report.actions.items[0], status: 'in_progress' };
    const put = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report },
    });
    expect(put.statusCode, put.body).toBe(200);
    // Verifying A2 leaves A1 in the way: the report stays published.
    const last = await verify(id, 'A2');
    expect(last.statusCode, last.body).toBe(200);
    expect(last.json<{ report: { state: string } }>().report.state).toBe('published');
    const fu = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    expect(fu.json<{ report: { state: string } }>().report.state).toBe('published');
  });

  it('leaves drafts alone, and keeps a closed report closed when its follow-up opens again', async () => {
    const draft = await editor.call({ method: 'POST', url: '/api/postmortems', payload: actions() });
    const draftId = draft.json<{ id: string }>().id;
    expect((await verify(draftId, 'A1')).json<{ report: { state: string } }>().report.state).toBe('draft');
    expect((await verify(draftId, 'A2')).json<{ report: { state: string } }>().report.state).toBe('draft');

    const id = await published();
    await verify(id, 'A1');
    expect((await verify(id, 'A2')).json<{ report: { state: string } }>().report.state).toBe('closed');
    // A new action after closing: the lifecycle leads from closed only back to draft, a person's choice.
    const current = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    const { version, report } = current.json<{
      version: number;
      report: { actions: { items: Record<string, unknown>[] } };
    }>();
    report.actions.items.push({ id: 'A4', title: 'Alert on the hit ratio', status: 'open' });
    const put = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<{ report: { state: string } }>().report.state).toBe('closed');
  });
});
