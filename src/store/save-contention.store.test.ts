// Migration 2026-12-08-501: on PostgreSQL creates take their seq from a sequence and saves move one of several
// generation counters, so concurrent saves do not wait on one another; on both dialects the generation is the
// counters' sum and moves with every save that changes the insights. The migration runs again unharmed, and a
// report written past the sequence (a bulk load, an older release) does not stop the next create.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { MemoryRepository, ReportRepository } from './index.js';
import * as contention from './migrations/2026-12-08-501-pg-save-contention.js';

const info = { userId: null, summary: 'saved', changes: [] };

describe.each(testDialects())('saves without a common lock on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  let memory: MemoryRepository;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    memory = new MemoryRepository(t.store);
  });
  afterAll(async () => t?.dispose());

  it('moves the generation with each create, however many run at once, and gives each its own seq', async () => {
    const before = await memory.generation();
    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        reports.create(`c-${i}`, buildReport({ id: `c-${i}`, title: `Create ${i}` }), info),
      ),
    );
    expect(new Set(created.map((r) => r.seq)).size).toBe(24);
    expect(await memory.generation()).toBe(before + 24);
    const { rows } = await sql<{ n: number }>`select count(*) as n from insight_generation`.execute(
      t.store.db,
    );
    expect(Number(rows[0]?.n)).toBe(16);
  });

  it('runs again without moving the generation or the next seq backwards', async () => {
    const generation = await memory.generation();
    await contention.up(t.store.db);
    await contention.up(t.store.db);
    expect(await memory.generation()).toBe(generation);
    const next = await reports.create('after-rerun', buildReport({ id: 'after-rerun' }), info);
    const { rows } = await sql<{
      n: number;
    }>`select max(seq) as n from reports where id <> 'after-rerun'`.execute(t.store.db);
    expect(next.seq).toBe(Number(rows[0]?.n) + 1);
  });

  it('creates on after reports were written past the sequence', async () => {
    // A row written straight into the table with a seq ahead of the sequence, as a bulk load does.
    const stored = (await reports.get('c-0'))!;
    const ahead = stored.seq + 1000;
    await sql`insert into reports (id, seq, title, kind, state, severity, restricted, period_start, content,
        version, created_at, updated_at, created_by, updated_by, deleted_at, review_round)
      select 'bulk-1', ${ahead}, title, kind, state, severity, restricted, period_start, content, version,
        created_at, updated_at, created_by, updated_by, deleted_at, review_round from reports where id = 'c-0'`.execute(
      t.store.db,
    );
    // However far behind the sequence is, the next creates succeed, each with a seq of its own.
    if (dialect === 'postgres')
      await sql`select setval('reports_next_seq', ${ahead - 1})`.execute(t.store.db);
    const a = await reports.create('after-bulk-a', buildReport({ id: 'after-bulk-a' }), info);
    const b = await reports.create('after-bulk-b', buildReport({ id: 'after-bulk-b' }), info);
    expect(a.seq).toBeGreaterThan(ahead);
    expect(b.seq).toBe(a.seq + 1);
  });

  it('never hands out a seq again after a create meets a unique violation', async () => {
    if (dialect === 'sqlite') {
      // One writer: creates of one id queue up, one wins, the next create takes the next seq.
      const tries = await Promise.allSettled(
        [1, 2, 3].map(() => reports.create('same-id', buildReport({ id: 'same-id' }), info)),
      );
      expect(tries.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const { rows } = await sql<{ n: number }>`select max(seq) as n from reports`.execute(t.store.db);
      const next = await reports.create('after-same-id', buildReport({ id: 'after-same-id' }), info);
      expect(next.seq).toBe(Number(rows[0]?.n) + 1);
      return;
    }
    // Seqs the sequence has already given to creates still running (or failed): none may be given again.
    const { rows } = await sql<{ v: number }>`select nextval('reports_next_seq') as v
      from generate_series(1, 3)`.execute(t.store.db);
    const given = Math.max(...rows.map((r) => Number(r.v)));
    // Another transaction holds a row with the id a create then asks for: the create's insert waits on it
    // and, once that commits, fails on the key (a unique violation), so the create tries again.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted = () => {};
    const holding = new Promise<void>((resolve) => (inserted = resolve));
    const held = t.store.db.transaction().execute(async (trx) => {
      await sql`insert into reports (id, seq, title, kind, state, severity, restricted, period_start, content,
          version, created_at, updated_at, created_by, updated_by, deleted_at, review_round)
        select 'held-id', -5, title, kind, state, severity, restricted, period_start, content, version,
          created_at, updated_at, created_by, updated_by, deleted_at, review_round from reports where id = 'c-0'`.execute(
        trx,
      );
      inserted();
      await gate;
    });
    await holding;
    const creating = reports.create('held-id', buildReport({ id: 'held-id' }), info).then(
      () => 'created',
      (e: Error) => e.message,
    );
    for (let i = 0; i < 100; i++) {
      const waiting = await sql<{ n: number }>`select count(*) as n from pg_locks where not granted`.execute(
        t.store.db,
      );
      if (Number(waiting.rows[0]?.n) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    release();
    await held;
    expect(await creating).toMatch(/not available/);
    const next = await reports.create('after-held-id', buildReport({ id: 'after-held-id' }), info);
    expect(next.seq).toBeGreaterThan(given);
  });

  it('moves the generation when a save changes the facts, and on delete and restore', async () => {
    const before = await memory.generation();
    const current = (await reports.get('c-1'))!;
    await reports.update('c-1', current.version, { ...current.report, severity: 'SEV1' }, info);
    const afterEdit = await memory.generation();
    expect(afterEdit).toBeGreaterThan(before);
    await reports.softDelete('c-1', null);
    await reports.undelete('c-1', null);
    expect(await memory.generation()).toBe(afterEdit + 2);
  });
});

// A database the sequence's migration has not reached (or where it was dropped): creates take the highest seq
// plus one, one at a time under an advisory lock, in the same one statement as with the sequence (report-writes.ts
// create, `next`).
describe.each(testDialects().filter((d) => d === 'postgres'))(
  'creates without the seq sequence on %s',
  () => {
    let t: TestStore;

    beforeAll(async () => {
      t = await openTestStore('postgres');
      await sql`drop sequence reports_next_seq`.execute(t.store.db);
    });
    afterAll(async () => t?.dispose());

    it('give each create the next seq, and refuse a taken id without writing anything', async () => {
      const reports = new ReportRepository(t.store);
      const memory = new MemoryRepository(t.store);
      const ids = ['n-1', 'n-2', 'n-3', 'n-2', 'n-4', 'n-5'];
      const created = await Promise.allSettled(
        ids.map((id) => reports.create(id, buildReport({ id }), info)),
      );
      expect(created.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([
        'AppError: the id n-2 is not available; leave the id out and the server chooses one',
      ]);
      const seqs = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []));
      expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);

      const counts = async () =>
        (
          await sql<{ n: string }>`select concat_ws(',', (select count(*) from reports),
          (select count(*) from report_revisions), (select count(*) from report_search),
          (select count(*) from report_facts), (select count(*) from audit_log)) as n`.execute(t.store.db)
        ).rows[0]?.n;
      const before = await counts();
      const generation = await memory.generation();
      await expect(reports.create('n-4', buildReport({ id: 'n-4', title: 'Again' }), info)).rejects.toThrow(
        /not available/,
      );
      expect(await counts()).toBe(before);
      expect(await memory.generation()).toBe(generation);
      expect((await reports.get('n-4'))?.report.title).not.toBe('Again');

      // A report written past the others (a bulk load): the next create goes past it.
      await sql`update reports set seq = 40 where id = 'n-5'`.execute(t.store.db);
      const next = await reports.create('n-6', buildReport({ id: 'n-6' }), info);
      expect(next.seq).toBe(41);
      expect(await memory.generation()).toBe(generation + 1);
    });
  },
);
