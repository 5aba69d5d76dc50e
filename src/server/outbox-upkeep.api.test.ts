// The outbox's upkeep on each database: a lease that outlasts the slowest attempt (a slow delivery is not
// taken twice), the overdue scan reaching every overdue action however many, restricted reports' events only
// for subscriptions that opt in, and sent rows and old delivery logs purged in bounded batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { startReceiver, type Receiver } from '../../test/receiver.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { outboxRow } from '../store/index.js';
import { OutboxService } from './outbox/outbox.service.js';
import { LEASE_MARGIN_MS } from './outbox/outbox.worker.js';

describe.each(testDialects())('outbox upkeep on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let editor: TestClient;
  let receiver: Receiver;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Upkeep Admin');
    editor = await s.client('editor', 'Upkeep Editor');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await s?.close();
  });

  const subscribe = async (path: string, events: string[], more: Record<string, unknown> = {}) => {
    const r = await admin.call({
      method: 'POST',
      url: '/api/settings/webhooks',
      payload: { url: `${receiver.url}${path}`, events, ...more },
    });
    expect(r.statusCode, r.body).toBe(201);
    const hook = r.json<{ id: string; secret: string; restrictedReports: boolean }>();
    receiver.secret = hook.secret;
    return hook;
  };
  const turnOff = (id: string) =>
    admin.call({ method: 'PATCH', url: `/api/settings/webhooks/${id}`, payload: { active: false } });

  it('leases a row for longer than its attempt may take, so a slow delivery is not taken twice', async () => {
    const hook = await subscribe('/slow', ['report.created']);
    receiver.received.length = 0;
    receiver.answer = () => 'hold';
    const timeoutMs = 1000;
    const slow = new OutboxService(s.app.services.outbox.repo, s.app.services.audit, timeoutMs);
    const made = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'other', title: 'A slow receiver' },
    });
    expect(made.statusCode).toBe(201);
    // Asked for a lease far shorter than the attempt's time-out (HINDSIGHT_OUTBOX_LEASE_MS=100, say).
    const first = slow.worker({ leaseMs: 100, maxAttempts: 1 });
    const second = slow.worker({ leaseMs: 100, maxAttempts: 1 });
    expect(first.leaseMs).toBe(2 * timeoutMs + LEASE_MARGIN_MS);
    const sending = first.runOnce();
    await receiver.waitFor(1);
    // Well past the 100 ms asked for, while the first attempt still waits for its answer.
    await new Promise((r) => setTimeout(r, 400));
    expect(await second.runOnce()).toBe(0);
    expect(await sending).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [row] = await s.app.services.outbox.repo.forTarget(hook.id, 1);
    expect(row).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: `no answer within ${timeoutMs} ms`,
    });
    receiver.answer = () => 200;
    expect((await turnOff(hook.id)).statusCode).toBe(200);
  });

  const rowsOf = (hookId: string) =>
    s.db.store.db.selectFrom('outbox').selectAll().where('target', '=', hookId).execute();
  const remove = async (hookId: string) =>
    expect((await admin.call({ method: 'DELETE', url: `/api/settings/webhooks/${hookId}` })).statusCode).toBe(
      204,
    );

  it('finds every overdue action in one scan, however many come before it (1,200 here)', async () => {
    const hook = await subscribe('/overdue', ['action.overdue']);
    const ids: string[] = [];
    for (let r = 0; r < 3; r += 1) {
      const items = Array.from({ length: 400 }, (_, i) => ({
        id: `A${i + 1}`,
        title: `Overdue chore ${r}-${i + 1}`,
        // Report 2 holds the latest deadlines: the old scan's first 1,000 by deadline never reached them.
        deadline: r === 2 ? '2025-06-01' : '2024-01-01',
        status: 'open',
      }));
      const made = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { kind: 'other', title: `Many chores ${r}`, actions: { items } },
      });
      expect(made.statusCode, made.body).toBe(201);
      ids.push(made.json<{ id: string }>().id);
    }
    await s.app.services.outbox.scanOverdue(new Date());
    const rows = await rowsOf(hook.id);
    expect(rows).toHaveLength(1200);
    const late = rows.filter(
      (r) => (JSON.parse(r.payload) as { report: { id: string } }).report.id === ids[2],
    );
    expect(late).toHaveLength(400);
    // A second scan finds them all handled (one mark per action and deadline) and writes nothing.
    await s.app.services.outbox.scanOverdue(new Date());
    expect(await rowsOf(hook.id)).toHaveLength(1200);
    // Small pages reach the same end: a scan in pages of 7 finds nothing left to write either.
    await s.app.services.outbox.scanOverdue(new Date(), 7);
    expect(await rowsOf(hook.id)).toHaveLength(1200);
    await remove(hook.id);
    for (const id of ids) {
      const del = await editor.call({ method: 'DELETE', url: `/api/postmortems/${id}` });
      expect(del.statusCode).toBe(204);
    }
  });

  it("sends restricted reports' events only to subscriptions that opt in (off by default)", async () => {
    const plain = await subscribe('/plain', ['report.created', 'action.overdue']);
    expect(plain.restrictedReports).toBe(false);
    const open = await subscribe('/open', ['report.created', 'action.overdue'], { restrictedReports: true });
    expect(open.restrictedReports).toBe(true);
    const list = await admin.call({ method: 'GET', url: '/api/settings/webhooks' });
    const listed = list.json<{ items: { id: string; restrictedReports: boolean }[] }>().items;
    expect(listed.find((h) => h.id === plain.id)?.restrictedReports).toBe(false);
    expect(listed.find((h) => h.id === open.id)?.restrictedReports).toBe(true);

    const secret = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: {
        kind: 'security',
        title: 'Leaked signing key',
        visibility: 'restricted',
        members: ['upkeep.editor@example.test'],
        actions: { items: [{ id: 'A1', title: 'Rotate the key', deadline: '2024-02-01', status: 'open' }] },
      },
    });
    expect(secret.statusCode, secret.body).toBe(201);
    const internal = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'other', title: 'An internal one' },
    });
    expect(internal.statusCode).toBe(201);
    await s.app.services.outbox.scanOverdue(new Date());
    const events = async (id: string) =>
      (await rowsOf(id)).map((r) => {
        const p = JSON.parse(r.payload) as { event: string; report: { title: string } };
        return `${p.event} ${p.report.title}`;
      });
    expect((await events(plain.id)).sort()).toEqual(['report.created An internal one']);
    expect((await events(open.id)).sort()).toEqual([
      'action.overdue Leaked signing key',
      'report.created An internal one',
      'report.created Leaked signing key',
    ]);

    // Turning it on later is a PATCH; from then on that subscription gets them too.
    const on = await admin.call({
      method: 'PATCH',
      url: `/api/settings/webhooks/${plain.id}`,
      payload: { restrictedReports: true },
    });
    expect(on.statusCode).toBe(200);
    expect(on.json<{ restrictedReports: boolean }>().restrictedReports).toBe(true);
    const later = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'security', title: 'Second leak', visibility: 'restricted' },
    });
    expect(later.statusCode).toBe(201);
    expect(await events(plain.id)).toContain('report.created Second leak');
    const bad = await admin.call({
      method: 'PATCH',
      url: `/api/settings/webhooks/${plain.id}`,
      payload: { restrictedReports: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { path: string[] }[] }>().details[0]?.path).toEqual([
      'body',
      'restrictedReports',
    ]);
    await remove(plain.id);
    await remove(open.id);
  });

  it('purges sent and given-up rows after the retention period, in bounded batches, and keeps pending ones', async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    const repo = s.app.services.outbox.repo;
    const make = (n: number, created: string) =>
      Array.from({ length: n }, (_, i) =>
        outboxRow('webhook', 'purge-test', 'report.created', { n: i }, created),
      );
    const oldSent = make(5, ago(40));
    const oldFailed = make(2, ago(40));
    const oldPending = make(1, ago(40));
    const recentSent = make(2, ago(40));
    await repo.enqueue([...oldSent, ...oldFailed, ...oldPending, ...recentSent]);
    const set = async (rows: { id: string }[], values: { status: string; sent_at?: string }) =>
      s.db.store.db
        .updateTable('outbox')
        .set(values)
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    await set(oldSent, { status: 'sent', sent_at: ago(35) });
    await set(oldFailed, { status: 'failed' });
    // Made long ago, but sent only yesterday (after retries): kept until 30 days after its sending.
    await set(recentSent, { status: 'sent', sent_at: ago(1) });
    const left = async () => (await repo.forTarget('purge-test', 100)).map((r) => r.id).sort();

    // One statement deletes at most its batch.
    expect(await repo.purge(ago(30), 3)).toBe(3);
    expect(await left()).toHaveLength(7);
    // The scan's purge goes on in batches (of 2 here) until none is left, within its bound of batches.
    expect(await s.app.services.outbox.purge(now, 2, 1)).toBe(2);
    expect(await s.app.services.outbox.purge(now, 2)).toBe(2);
    expect(await left()).toEqual([...oldPending, ...recentSent].map((r) => r.id).sort());
    // The worker's periodic scan runs it too.
    await set(recentSent, { status: 'sent', sent_at: ago(31) });
    await s.app.services.outbox.worker().scan(now);
    expect(await left()).toEqual(oldPending.map((r) => r.id));
  });
});
