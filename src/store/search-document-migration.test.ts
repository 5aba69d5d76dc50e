// Migration 2026-12-10-401 (PostgreSQL): the search documents (tsvectors) of reports stored before it move
// from the TOAST table into report_search's rows, and those written after it stay there; searches answer as
// before. On SQLite the migration does nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest, ReportRepository, type Viewer } from './index.js';
import * as inline from './migrations/2026-12-10-401-pg-search-document-inline.js';

const info = { userId: null, summary: 'created', changes: [] };
const anyone: Viewer = { userId: 'nobody', principals: [] };
const n = 30;

/** 150 made-up words (deterministic): a tsvector of about 1.8 KB, which does not compress. */
function prose(i: number): string {
  let x = 12345 + i * 7919;
  const letter = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return String.fromCharCode(97 + (x % 26));
  };
  const words = Array.from({ length: 150 }, () => Array.from({ length: 6 }, letter).join(''));
  return `The quasar ${i % 2 === 0 ? 'quasar ' : ''}flared. ${words.join(' ')}.`;
}

const make = (i: number, input: Partial<ReportInput> = {}) =>
  reportSchema.parse({
    kind: 'outage',
    title: `Outage ${i}`,
    summary: { whatHappened: prose(i) },
    ...input,
  });

describe.each(testDialects())('search documents in the row on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  /** Bytes in report_search's TOAST table. */
  const toastBytes = async () => {
    const { rows } = await sql<{ t: string }>`select reltoastrelid::regclass::text as t from pg_class
      where relname = 'report_search'`.execute(t.store.db);
    const r = await sql<{ b: number }>`select coalesce(sum(octet_length(chunk_data)), 0)::int as b
      from ${sql.raw(rows[0]!.t)}`.execute(t.store.db);
    return Number(r.rows[0]!.b);
  };
  const storage = async () =>
    (
      await sql<{ s: string }>`select attstorage as s from pg_attribute
        where attrelid = 'report_search'::regclass and attname = 'document'`.execute(t.store.db)
    ).rows[0]!.s;
  const ranked = async () =>
    (await reports.search(anyone, 'quasar', { limit: 50, offset: 0 })).items.map((h) => [h.id, h.score]);
  /**
   * The same ranking in SQL (every report matches and is visible): for the database before the migration, whose
   * report_search today's search cannot read (it needs migration 2026-12-14-401's columns).
   */
  const rankedSql = async () =>
    (
      await sql<{
        id: string;
        score: number;
      }>`select r.id, ts_rank(s.document, plainto_tsquery('english', 'quasar'))
        as score from report_search s join reports r on r.id = s.report_id order by score desc, r.seq`.execute(
        t.store.db,
      )
    ).rows.map((r) => [r.id, Number(r.score)]);

  beforeAll(async () => {
    t = await openTestStore(dialect, { through: '2026-12-09-601-tracker-event-at' });
    reports = new ReportRepository(t.store);
    for (let i = 0; i < n; i++) await reports.create(`d-${i}`, make(i), info);
  }, 120_000);
  afterAll(async () => t?.dispose());

  it('moves the stored documents into the rows, and keeps new ones there; searches answer the same', async () => {
    if (dialect === 'sqlite') {
      // Nothing to move: the same answers after the migration.
      const answer = await ranked();
      expect(answer).toHaveLength(n);
      await migrateToLatest(t.store);
      expect(await ranked()).toEqual(answer);
      return;
    }
    expect(await storage()).toBe('x');
    const before = await toastBytes();
    // Each document, too big to stay in a row beside the prose, went to the TOAST table.
    expect(before).toBeGreaterThan(n * 1500);
    const answer = await rankedSql();
    expect(answer).toHaveLength(n);

    await migrateToLatest(t.store);
    expect(await storage()).toBe('m');
    const after = await toastBytes();
    // Only the prose could be out of line now (and since migration 2026-12-14-401 it is not): well under half
    // of what the documents took.
    expect(after).toBeLessThan(before / 2);
    expect(await rankedSql()).toEqual(answer);
    expect(await ranked()).toEqual(answer);

    // Run again (a migration cut short is run again): nothing changes.
    await inline.up(t.store.db);
    expect(await toastBytes()).toBe(after);

    // A report saved after it: its document stays in the row too.
    await reports.create('d-new', make(n), info);
    expect(await toastBytes()).toBeLessThan(after + 1500);
    expect((await ranked()).map(([id]) => id)).toContain('d-new');
  });
});
