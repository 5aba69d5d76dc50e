// Migration 2026-12-17-301 (PostgreSQL): the tables whose rows only a save of their report writes lose their
// foreign key to reports (a check a row at every save), and triggers on reports do what the keys' ON DELETE
// CASCADE did: a report deleted, or reports truncated, takes those rows with it. The tables other writers fill
// keep their keys. It runs again unharmed, and down declares the keys again. On SQLite it does nothing, and a
// deleted report's rows go with it as before.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository } from './index.js';
import { SIDE_TABLES } from './report-rows.js';
import * as migration from './migrations/2026-12-17-301-pg-side-rows-unchecked.js';

const info = { userId: null, summary: 'saved', changes: [] };
const TABLES = migration.SAVE_ONLY_TABLES;

describe.each(testDialects())('the rows a save writes, without a key to their report, on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;

  /** How many rows of each save-only table belong to `id` (on SQLite, report_search is FTS5, without report_id). */
  const rowsOf = async (id: string) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      if (dialect === 'sqlite' && table === 'report_search') continue;
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
        where report_id = ${id}`.execute(t.store.db);
      counts[table] = Number(rows[0]!.n);
    }
    return counts;
  };
  /** The tables holding a foreign key to reports (PostgreSQL). */
  const keyed = async () =>
    (
      await sql<{ tab: string }>`select conrelid::regclass::text as tab from pg_constraint
        where contype = 'f' and confrelid = 'reports'::regclass`.execute(t.store.db)
    ).rows
      .map((r) => r.tab)
      .sort();
  const create = (id: string) =>
    reports.create(
      id,
      buildReport({
        id,
        tags: ['db', 'network'],
        systems: ['checkout'],
        members: ['dana@example.com'],
        visibility: 'restricted',
      }),
      info,
    );

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
  });
  afterAll(async () => t?.dispose());

  if (dialect === 'postgres')
    it('keeps the keys of the tables other writers fill, not of those a save fills', async () => {
      expect(await keyed()).toEqual(['attachments', 'comments', 'reviews']);
    });

  it('takes a deleted report’s rows with it, and only its', async () => {
    await create('gone-1');
    await create('kept-1');
    const before = await rowsOf('gone-1');
    // Every table a save fills got rows, so that the deletes are seen to reach each one.
    for (const table of Object.keys(before))
      if (table !== 'report_recurrences') expect([table, before[table]]).not.toEqual([table, 0]);
    const kept = await rowsOf('kept-1');
    await sql`delete from reports where id = ${'gone-1'}`.execute(t.store.db);
    expect(Object.values(await rowsOf('gone-1')).every((n) => n === 0)).toBe(true);
    expect(await rowsOf('kept-1')).toEqual(kept);
  });

  if (dialect === 'postgres')
    it('runs again unharmed, goes down to the keys and up again', async () => {
      await migration.up(t.store.db);
      expect(await keyed()).toEqual(['attachments', 'comments', 'reviews']);
      // A row whose report is gone (written while the keys were not there) is deleted as the keys come back.
      await sql`insert into report_tags (report_id, tag) values ('nowhere', 'x')`.execute(t.store.db);
      await migration.down(t.store.db);
      expect(await keyed()).toEqual([...TABLES, 'attachments', 'comments', 'reviews'].sort());
      expect((await rowsOf('nowhere')).report_tags).toBe(0);
      await expect(
        sql`insert into report_tags (report_id, tag) values ('nowhere', 'x')`.execute(t.store.db),
      ).rejects.toMatchObject({ code: '23503' });
      await migration.up(t.store.db);
      await migration.up(t.store.db);
      expect(await keyed()).toEqual(['attachments', 'comments', 'reviews']);
      await create('gone-2');
      await sql`delete from reports where id = ${'gone-2'}`.execute(t.store.db);
      expect(Object.values(await rowsOf('gone-2')).every((n) => n === 0)).toBe(true);
    });

  if (dialect === 'postgres')
    it('empties them when reports are truncated', async () => {
      await create('gone-3');
      await sql`truncate reports cascade`.execute(t.store.db);
      for (const table of TABLES) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
          t.store.db,
        );
        expect([table, Number(rows[0]!.n)]).toEqual([table, 0]);
      }
    });
  it('names every side table a save writes', () => {
    for (const table of SIDE_TABLES) expect(TABLES).toContain(table);
  });

  // A table added later with a report_id and no key would keep a deleted report's rows unless the triggers
  // name it: every table holding a report_id either keeps its key or is one the triggers delete from.
  if (dialect === 'postgres')
    it('leaves no table with a report_id outside both the keys and the triggers', async () => {
      const { rows } = await sql<{ tab: string }>`select c.table_name as tab from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = current_schema() and c.column_name = 'report_id' and t.table_type = 'BASE TABLE'`.execute(
        t.store.db,
      );
      const keys = await keyed();
      // tracker_links never had a key (migration 2026-12-07-101): a link to an issue in an outside tracker
      // is kept by its own upkeep, not by the report's row.
      const loose = rows
        .map((r) => r.tab)
        .filter((tab) => !keys.includes(tab) && !TABLES.includes(tab) && tab !== 'tracker_links');
      expect(loose).toEqual([]);
      const { rows: body } = await sql<{ def: string }>`select pg_get_functiondef(
        'hindsight_report_rows_delete'::regproc) as def`.execute(t.store.db);
      for (const table of TABLES) expect(body[0]!.def).toContain(`delete from ${table} `);
    });
});
