// Outgoing webhooks end to end on each database: an admin subscribes a local receiver, saves write the
// deliveries in their own transaction, a worker sends them signed, failures are retried with backoff and
// given up at the cap, the delivery log shows each, and "redeliver" sends a payload again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { startReceiver, type Receiver } from '../../test/receiver.js';
import { completeReport } from '../../test/reports.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { OutboxService } from './outbox/outbox.service.js';
import { backoff } from './outbox/outbox.worker.js';

describe.each(testDialects())('outgoing webhooks on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let editor: TestClient;
  let receiver: Receiver;
  let hookId: string;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Hook Admin');
    editor = await s.client('editor', 'Hook Editor');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await s?.close();
  });

  const worker = (o = {}) => s.app.services.outbox.worker({ backoffMs: 1000, ...o });
  const bodies = () => receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);

  it('refuses subscriptions that are not to an http(s) address, or name no known event', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.test/x', 'javascript:alert(1)', 'not a url']) {
      const r = await admin.call({
        method: 'POST',
        url: '/api/settings/webhooks',
        payload: { url, events: ['report.created'] },
      });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().code).toBe('bad_request');
      expect(JSON.stringify(r.json().details)).toContain('url');
    }
    const unknown = await admin.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: { url: receiver.url, events: ['report.exploded'] },
    });
    expect(unknown.statusCode).toBe(400);
    const none = await admin.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: { url: receiver.url, events: [] },
    });
    expect(none.statusCode).toBe(400);
    const asEditor = await editor.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: { url: receiver.url, events: ['report.created'] },
    });
    expect(asEditor.statusCode).toBe(403);
  });

  it('delivers the events of a save, signed, with a version and a delivery id', async () => {
    const created = await admin.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: {
        url: `${receiver.url}/hook`,
        events: [
          'report.created',
          'report.state_changed',
          'action.created',
          'action.completed',
          'action.verified',
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const hook = created.json<{ id: string; secret: string; format: string }>();
    expect(hook.secret).toMatch(/^whsec_/);
    expect(hook.format).toBe('json');
    hookId = hook.id;
    receiver.secret = hook.secret;
    const list = await admin.call({ method: 'GET', url: '/api/settings/webhooks' });
    expect(list.json().items).toHaveLength(1);
    expect(JSON.stringify(list.json())).not.toContain(hook.secret);

    const made = await editor.call({ method: 'POST', url: '/api/postmortems', payload: completeReport() });
    expect(made.statusCode).toBe(201);
    const { id, version } = made.json<{ id: string; version: number }>();
    // Nothing is sent by the save itself: the rows wait for the worker.
    expect(receiver.received).toHaveLength(0);
    expect(await worker().runOnce()).toBe(2);
    expect(receiver.received).toHaveLength(2);
    for (const r of receiver.received) {
      expect(r.signed).toBe(true);
      expect(r.path).toBe('/hook');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-hindsight-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const events = bodies();
    expect(events.map((e) => e.event).sort()).toEqual(['action.created', 'report.created']);
    const action = events.find((e) => e.event === 'action.created')!;
    expect(action).toMatchObject({
      version: 1,
      report: { id, title: completeReport().title, state: 'draft' },
      action: { id: 'A1', owner: 'Platform team', deadline: '2024-04-01', status: 'open' },
    });
    expect(action.deliveryId).toBe(
      receiver.received[events.indexOf(action)]!.headers['x-hindsight-delivery'],
    );
    expect(receiver.received[0]!.headers['x-hindsight-event']).toBe(events[0]!.event);
    // A second pass finds nothing left.
    expect(await worker().runOnce()).toBe(0);

    // Complete the action, then verify it; then move the report into review.
    const report = completeReport();
    const item = report.actions!.items![0]!;
    const done = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report: { ...report, actions: { items: [{ ...item, status: 'completed' }] } } },
    });
    expect(done.statusCode).toBe(200);
    const verified = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: {
        version: version + 1,
        report: {
          ...report,
          actions: {
            items: [
              { ...item, status: 'completed', verification: { result: 'effective', on: '2024-05-01' } },
            ],
          },
        },
      },
    });
    expect(verified.statusCode).toBe(200);
    const moved = await editor.call({
      method: 'POST',
      url: `/api/postmortems/${id}/transitions`,
      payload: { to: 'in_review', version: version + 2 },
    });
    expect(moved.statusCode).toBe(200);
    receiver.received.length = 0;
    expect(await worker().runOnce()).toBe(3);
    const later = bodies();
    expect(later.map((e) => e.event).sort()).toEqual([
      'action.completed',
      'action.verified',
      'report.state_changed',
    ]);
    expect(later.find((e) => e.event === 'report.state_changed')).toMatchObject({
      report: { state: 'in_review' },
      previous: { state: 'draft' },
    });
    expect(later.find((e) => e.event === 'action.verified')).toMatchObject({
      action: { status: 'completed', verification: { result: 'effective', on: '2024-05-01' } },
    });
    expect(receiver.received.every((r) => r.signed)).toBe(true);

    const log = await admin.call({ method: 'GET', url: `/api/settings/webhooks/${hookId}/deliveries` });
    expect(log.statusCode).toBe(200);
    const items = log.json<{ items: { status: string; attempts: number; lastStatus: number }[] }>().items;
    expect(items).toHaveLength(5);
    expect(items.every((d) => d.status === 'sent' && d.attempts === 1 && d.lastStatus === 200)).toBe(true);
  });

  it('retries a failed delivery with growing delays, gives up at the cap, and redelivers on request', async () => {
    expect([1, 2, 3, 4, 10].map((n) => backoff(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
    receiver.received.length = 0;
    receiver.answer = () => 503;
    const made = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'other', title: 'A report nobody can receive' },
    });
    expect(made.statusCode).toBe(201);
    const w = worker({ maxAttempts: 3 });
    const t0 = Date.now();
    expect(await w.runOnce()).toBe(1);
    const [row] = await s.app.services.outbox.repo.forTarget(hookId, 1);
    expect(row).toMatchObject({ status: 'pending', last_status: 503 });
    expect(Number(row!.attempts)).toBe(1);
    // Due again after about the first delay, not before.
    const due1 = Date.parse(row!.due_at) - t0;
    expect(due1).toBeGreaterThanOrEqual(900);
    expect(due1).toBeLessThan(5000);
    expect(await w.runOnce()).toBe(0);
    expect(await w.runOnce(new Date(Date.parse(row!.due_at) + 1))).toBe(1);
    const again = (await s.app.services.outbox.repo.row(row!.id))!;
    expect(Number(again.attempts)).toBe(2);
    // The second delay is double the first.
    expect(Date.parse(again.due_at) - Date.now()).toBeGreaterThan(1500);
    expect(await w.runOnce(new Date(Date.parse(again.due_at) + 1))).toBe(1);
    const given = (await s.app.services.outbox.repo.row(row!.id))!;
    expect(given.status).toBe('failed');
    expect(given.last_error).toContain('503');
    expect(receiver.received).toHaveLength(3);
    // Every attempt of one delivery carries the same delivery id.
    expect(new Set(receiver.received.map((r) => r.headers['x-hindsight-delivery']))).toEqual(
      new Set([row!.id]),
    );

    receiver.answer = () => 200;
    const redo = await admin.call({
      method: 'POST',
      url: `/api/settings/webhooks/${hookId}/deliveries/${row!.id}/redeliver`,
    });
    expect(redo.statusCode).toBe(202);
    const fresh = redo.json<{ id: string; status: string }>();
    expect(fresh.id).not.toBe(row!.id);
    expect(fresh.status).toBe('pending');
    expect(await worker().runOnce()).toBe(1);
    const last = receiver.received.at(-1)!;
    expect(last.headers['x-hindsight-delivery']).toBe(fresh.id);
    expect(last.signed).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({
      event: 'report.created',
      report: { title: 'A report nobody can receive' },
    });
    const missing = await admin.call({
      method: 'POST',
      url: `/api/settings/webhooks/${hookId}/deliveries/nope/redeliver`,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('gives up on a receiver that does not answer within the time-out', async () => {
    receiver.received.length = 0;
    receiver.answer = () => 'hold';
    const quick = new OutboxService(s.app.services.outbox.repo, s.app.services.audit, 300);
    const made = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'other', title: 'Slow receiver' },
    });
    expect(made.statusCode).toBe(201);
    const t0 = Date.now();
    expect(await quick.worker({ maxAttempts: 1 }).runOnce()).toBe(1);
    expect(Date.now() - t0).toBeLessThan(3000);
    const [row] = await s.app.services.outbox.repo.forTarget(hookId, 1);
    expect(row).toMatchObject({ status: 'failed', last_error: 'no answer within 300 ms' });
    receiver.answer = () => 200;
  });

  it('sends Slack-compatible messages, and action.overdue once per action and deadline', async () => {
    const slack = await admin.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: { url: `${receiver.url}/slack`, events: ['action.overdue'], format: 'slack' },
    });
    expect(slack.statusCode).toBe(201);
    const slackHook = slack.json<{ id: string; secret: string }>();
    receiver.secret = slackHook.secret;
    // Only the slack subscription from now on.
    const off = await admin.call({
      method: 'PATCH',
      url: `/api/settings/webhooks/${hookId}`,
      payload: { active: false },
    });
    expect(off.json().active).toBe(false);
    receiver.received.length = 0;
    // Its A1 (deadline 2024-04-01) is open and overdue; the first report's A1 is completed, so not.
    const made = await editor.call({ method: 'POST', url: '/api/postmortems', payload: completeReport() });
    expect(made.statusCode).toBe(201);
    const w = worker();
    expect(await w.runOnce()).toBe(0);
    await w.scan(new Date(Date.now() - 60_000));
    await w.scan(new Date());
    expect(await w.runOnce()).toBe(1);
    expect(await w.runOnce()).toBe(0);
    const [msg] = receiver.received;
    expect(msg!.path).toBe('/slack');
    expect(msg!.signed).toBe(true);
    const body = JSON.parse(msg!.body) as {
      text: string;
      blocks: { type: string; text: { text: string } }[];
    };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toContain('Overdue: action A1 "Roll out configuration changes one region at a time"');
    expect(body.text).toContain('2024-04-01');
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: body.text } });

    const removed = await admin.call({ method: 'DELETE', url: `/api/settings/webhooks/${slackHook.id}` });
    expect(removed.statusCode).toBe(204);
    const gone = await admin.call({
      method: 'GET',
      url: `/api/settings/webhooks/${slackHook.id}/deliveries`,
    });
    expect(gone.statusCode).toBe(404);
  });
});
