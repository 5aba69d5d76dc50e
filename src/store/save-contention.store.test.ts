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
