// The durable outbox under the two conditions it exists for. Two server instances on one database, each with
// its own connections and worker, share 100 due deliveries: each is sent exactly once (on PostgreSQL the
// claim skips rows another instance has locked; on SQLite the claim is one serial write). And a server
// process killed between the commit of a change and the delivery it causes: the delivery is made after
// the restart, with the same delivery id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { startReceiver, type Receiver } from '../../test/receiver.js';
import { killed, serveProcess as serve, until } from '../../test/serve-process.js';
import { openStore, outboxRow } from '../store/index.js';
import { buildApp, type HindsightApp } from './app.js';
import { actorOf } from './services/access.js';
import { createServices } from './services/index.js';

describe.each(testDialects())('the durable outbox on %s', (dialect) => {
  let t: TestStore;
  let receiver: Receiver;
  let hookId: string;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    receiver = await startReceiver();
    const services = createServices(t.store);
    const hook = await services.outbox.repo.createWebhook(
      { url: `${receiver.url}/in`, events: ['report.created'], format: 'json', active: true },
      null,
    );
    hookId = hook.id;
    receiver.secret = hook.secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.dispose();
  });

  it('sends each of 100 due deliveries exactly once with two instances working', async () => {
    receiver.received.length = 0;
    // A receiver that takes a little while, so both instances are busy at once.
    receiver.answer = () => 200;
    const at = new Date().toISOString();
    const rows = Array.from({ length: 100 }, (_, i) =>
      outboxRow('webhook', hookId, 'report.created', { version: 1, event: 'report.created', n: i }, at),
    );
    await createServices(t.store).outbox.repo.enqueue(rows);

    const apps: HindsightApp[] = [];
    const stores = [openStore(t.url, { poolSize: 4 }), openStore(t.url, { poolSize: 4 })];
    try {
      for (const store of stores) {
        const app = await buildApp({ db: store, outboxWorker: { pollMs: 10, batch: 5 } });
        apps.push(app);
      }
      // Both start at once.
      await Promise.all(apps.map((a) => a.ready()));
      await receiver.waitFor(100, 30_000);
      // Anything sent twice would arrive within a few more polls.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      for (const a of apps) await a.close();
      for (const s of stores) await s.close();
    }
    const ids = receiver.received.map((r) => String(r.headers['x-hindsight-delivery']));
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const taken = apps.map((a) => a.outboxWorker!.counts.taken);
    process.stdout.write(
      `outbox ${dialect}: ${ids.length} requests, ${counts.size} distinct; taken by instance ${taken.join(' + ')}\n`,
    );
    expect(ids).toHaveLength(100);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(receiver.received.every((r) => r.signed)).toBe(true);
    // Both instances took part, and between them took each row once.
    expect(taken.every((n) => n > 0)).toBe(true);
    expect(taken[0]! + taken[1]!).toBe(100);
    const states = await t.store.db
      .selectFrom('outbox')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .groupBy('status')
      .execute();
    expect(states.map((s) => [s.status, Number(s.n)])).toEqual([['sent', 100]]);
  }, 60_000);

  it('delivers after a restart what a killed server had committed but not yet delivered', async () => {
    const services = createServices(t.store);
    const user = await services.users.create(null, {
      email: 'k@example.test',
      name: 'Killed',
      role: 'editor',
    });
    const { token } = await services.auth.createToken(actorOf(user, 'cli'), 'outbox');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // A short attempt time-out, so the lease derived from it (2 × 500 ms + 1 s) runs out soon after a kill.
    const env = {
      HINDSIGHT_OUTBOX_POLL_MS: '20',
      HINDSIGHT_OUTBOX_LEASE_MS: '1500',
      HINDSIGHT_WEBHOOK_TIMEOUT_MS: '500',
    };
    receiver.received.length = 0;

    // 1. Killed mid-delivery: the receiver holds the request open, and the server dies before any answer.
    receiver.answer = () => 'hold';
    let server = await serve(t.url, env);
    const first = await fetch(`${server.url}/api/postmortems`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'other', title: 'Killed while sending' }),
    });
    expect(first.status).toBe(201);
    const firstId = ((await first.json()) as { id: string }).id;
    await receiver.waitFor(1);
    await killed(server.child);
    const heldId = String(receiver.received[0]!.headers['x-hindsight-delivery']);
    const held = await services.outbox.repo.row(heldId);
    expect(held).toMatchObject({ status: 'pending', sent_at: null });

    // 2. Killed before the worker took anything: this process sends nothing at all.
    server = await serve(t.url, { ...env, HINDSIGHT_OUTBOX_WORKER: '0' });
    const second = await fetch(`${server.url}/api/postmortems`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'other', title: 'Killed before sending' }),
    });
    expect(second.status).toBe(201);
    const secondId = ((await second.json()) as { id: string }).id;
    await killed(server.child);
    expect(receiver.received).toHaveLength(1);

    // Restart: the dead holder's lease runs out, and both deliveries are made.
    receiver.answer = () => 200;
    server = await serve(t.url, env);
    try {
      await until(
        'both deliveries answered',
        () => receiver.received.filter((r) => r.answered === 200).length >= 2,
      );
      await until(
        'both recorded as sent',
        async () => (await services.outbox.repo.row(heldId))?.status === 'sent',
      );
    } finally {
      await killed(server.child);
    }
    const answered = receiver.received.filter((r) => r.answered === 200);
    expect(answered).toHaveLength(2);
    const reports = answered.map((r) => (JSON.parse(r.body) as { report: { id: string } }).report.id);
    expect(reports.sort()).toEqual([firstId, secondId].sort());
    // The delivery cut short is retried as itself: the same id, so a receiver can tell a repeat.
    expect(answered.some((r) => r.headers['x-hindsight-delivery'] === heldId)).toBe(true);
    expect(answered.every((r) => r.signed)).toBe(true);
    expect(Number((await services.outbox.repo.row(heldId))!.attempts)).toBe(2);
  }, 90_000);
});
