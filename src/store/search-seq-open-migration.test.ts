// Migration 2026-12-14-401 (PostgreSQL): report_search rows carry their report's seq and whether it is open to
// everyone (not deleted, not restricted), filled for the reports stored before it and kept by triggers as
// reports are created, restricted, deleted and restored; searches find and rank their matches from those
// columns, so they must hide what the reports hide. The prose is kept in the rows, not the TOAST table. On
// SQLite the migration does nothing and searches answer the same.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest, ReportRepository, type Viewer } from './index.js';
import * as seqOpen from './migrations/2026-12-14-401-pg-search-seq-open.js';

const info = { userId: null, summary: 'saved', changes: [] };
const anyone: Viewer = { userId: 'nobody', principals: ['nobody'] };
const dana: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };
const n = 12;

/**
 * 400 words of a made-up vocabulary of 40 (deterministic): about 3 KB of prose, which PostgreSQL compressed
 * (a row is over 2 KB) before the migration.
 */
function prose(i: number): string {
  const vocabulary = Array.from({ length: 40 }, (_, k) =>
    Array.from({ length: 6 }, (_, c) => String.fromCharCode(97 + ((k * 7 + c * 11) % 26))).join(''),
  );
  const words = Array.from({ length: 400 }, (_, k) => vocabulary[(k * 13 + i) % 40]!);
  return `The pulsar ${i % 3 === 0 ? 'pulsar ' : ''}blinked. ${words.join(' ')}.`;
}

const id = (i: number) => `p-${String(i).padStart(2, '0')}`;
const make = (i: number, input: Partial<ReportInput> = {}) =>
  reportSchema.parse({
    kind: 'outage',
    title: `Outage ${i}`,
    visibility: i % 4 === 1 ? 'restricted' : 'internal',
    members: i % 4 === 1 ? ['dana@example.com'] : [],
    summary: { whatHappened: prose(i) },
    ...input,
  });

describe.each(testDialects())('search rows with their seq and openness on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  const versions = new Map<string, number>();
  const found = async (viewer: Viewer) =>
    (await reports.search(viewer, 'pulsar', { limit: 50, offset: 0 })).items.map((h) => h.id).sort();
  /** The reports `viewer` may see, as the reports' own rows say. */
  const visibleTo = async (viewer: Viewer) =>
    (
      await sql<{ id: string }>`select r.id from reports r where r.deleted_at is null and (r.restricted = 0
        or r.created_by = ${viewer.userId} or exists (select 1 from report_members m
          where m.report_id = r.id and m.principal in (${sql.join(viewer.principals)})))
        order by r.id`.execute(t.store.db)
    ).rows.map((r) => r.id);
  /** Each search row's seq and openness against its report's, and its prose whole (PostgreSQL). */
  const expectInStep = async () => {
    if (dialect === 'sqlite') return;
    const { rows } = await sql<{ id: string; seq: number; open: boolean; rseq: number; ropen: boolean }>`
      select s.report_id as id, s.seq, s.open, r.seq as rseq, (r.deleted_at is null and r.restricted = 0) as ropen
      from report_search s join reports r on r.id = s.report_id order by s.report_id`.execute(t.store.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect([r.id, r.seq, r.open]).toEqual([r.id, r.rseq, r.ropen]);
    // Every row's prose stored whole, not compressed (as it was before: a row is over 2 KB with its tsvector).
    const compressed = await sql<{ n: number }>`select count(*)::int as n from report_search
      where pg_column_size(body) < octet_length(body)`.execute(t.store.db);
    expect(compressed.rows[0]!.n).toBe(0);
  };
  /** report_search's size on disk, in bytes (PostgreSQL): as a VACUUM FULL leaves it when it holds no old rows. */
  const size = async () =>
    (await sql<{ n: string }>`select pg_relation_size('report_search') as n`.execute(t.store.db)).rows[0]!.n;
  /** Searches show each viewer what the reports' rows let them see. */
  const expectSearchesHide = async () => {
    for (const viewer of [anyone, dana]) expect(await found(viewer)).toEqual(await visibleTo(viewer));
  };
  const save = async (i: number, input: Partial<ReportInput>) => {
    const stored = await reports.update(id(i), versions.get(id(i))!, make(i, input), info);
    versions.set(id(i), stored.version);
  };

  beforeAll(async () => {
    t = await openTestStore(dialect, { through: '2026-12-13-300-pg-change-notify' });
    reports = new ReportRepository(t.store);
    for (let i = 0; i < n; i++) versions.set(id(i), (await reports.create(id(i), make(i), info)).version);
    await reports.softDelete(id(4), null);
    await migrateToLatest(t.store);
  }, 120_000);
  afterAll(async () => t?.dispose());

  it('fills the rows stored before it from their reports, and keeps the prose in the rows', async () => {
    await expectInStep();
    await expectSearchesHide();
    // Some are hidden from anyone (restricted, deleted), Dana sees the restricted ones.
    expect((await found(anyone)).length).toBe(n - 4);
    expect((await found(dana)).length).toBe(n - 1);
    if (dialect === 'postgres') {
      // Nothing in report_search's TOAST table: every row's prose is in the row.
      const { rows } = await sql<{ t: string }>`select reltoastrelid::regclass::text as t from pg_class
        where relname = 'report_search'`.execute(t.store.db);
      const toast = await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(rows[0]!.t)}`.execute(
        t.store.db,
      );
      expect(toast.rows[0]!.n).toBe(0);
      // Nor the rows' old versions, which the migrations' transaction left: the table is as small as a
      // VACUUM FULL makes it.
      const migrated = await size();
      await sql`vacuum full report_search`.execute(t.store.db);
      expect(migrated).toBe(await size());
    }
  });

  it('keeps them as reports are created, restricted, opened, deleted and restored', async () => {
    versions.set(id(n), (await reports.create(id(n), make(n), info)).version);
    await expectInStep();
    await expectSearchesHide();
    expect(await found(anyone)).toContain(id(n));

    // An open report restricted to Dana, a restricted one opened.
    await save(0, { visibility: 'restricted', members: ['dana@example.com'] });
    await save(1, { visibility: 'internal', members: [] });
    await expectInStep();
    await expectSearchesHide();
    expect(await found(anyone)).not.toContain(id(0));
    expect(await found(anyone)).toContain(id(1));
    expect(await found(dana)).toContain(id(0));

    await reports.softDelete(id(3), null);
    await expectInStep();
    await expectSearchesHide();
    expect(await found(anyone)).not.toContain(id(3));
    await reports.undelete(id(4), null);
    await expectInStep();
    await expectSearchesHide();
    expect(await found(anyone)).toContain(id(4));
  });

  // PostgreSQL only (SQLite has no CLUSTER, and the migration does nothing there).
  if (dialect === 'postgres')
    it('clusters the table at the next migrate when a process stopped before it had', async () => {
      // As a process stopped between the migrations' commit and its CLUSTER leaves it: the rows rewritten, the
      // old versions still in the table, the table marked.
      await sql`update report_search set body = body || ''`.execute(t.store.db);
      await sql`comment on table report_search is 'cluster pending'`.execute(t.store.db);
      const stopped = await size();
      await migrateToLatest(t.store);
      const clustered = await size();
      expect(Number(clustered)).toBeLessThan(Number(stopped));
      await sql`vacuum full report_search`.execute(t.store.db);
      expect(clustered).toBe(await size());
      const { rows } = await sql<{ c: string | null }>`select obj_description('report_search'::regclass,
      'pg_class') as c`.execute(t.store.db);
      expect(rows[0]!.c).toBeNull();
      await expectInStep();
      await expectSearchesHide();
    });

  it('runs again, down and up again', async () => {
    await seqOpen.up(t.store.db);
    await seqOpen.down(t.store.db);
    await seqOpen.down(t.store.db);
    await seqOpen.up(t.store.db);
    await seqOpen.up(t.store.db);
    await expectInStep();
    await expectSearchesHide();
  });
});
