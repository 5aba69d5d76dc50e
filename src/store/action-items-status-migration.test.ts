// Migration 2026-12-16-401 makes action_items_status_shown again without the second copy of `status` among the
// columns it carries (SQLite: a trailing key; PostgreSQL: INCLUDE); it can run again, and down brings the old
// definition back. The pages it serves are held to a plain reading of the tables in action-items.store.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest } from './index.js';
import * as migration from './migrations/2026-12-16-401-action-items-status-once.js';

const NAME = '2026-12-16-401-action-items-status-once';

describe.each(testDialects())('action items status index migration on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: '2026-12-14-401-pg-search-seq-open' });
  });
  afterAll(async () => t?.dispose());

  /** The columns the index holds, in order (an expression as '(expr)'). */
  const columns = async (): Promise<string[]> => {
    if (dialect === 'sqlite') {
      const { rows } = await sql<{
        name: string | null;
      }>`select name from pragma_index_xinfo('action_items_status_shown') where key = 1`.execute(t.store.db);
      return rows.map((r) => r.name ?? '(expr)');
    }
    const { rows } = await sql<{ name: string }>`select a.attname as name
      from pg_index i join pg_class c on c.oid = i.indexrelid
      cross join lateral unnest(i.indkey) with ordinality k(attnum, n)
      left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where c.relname = 'action_items_status_shown' order by k.n`.execute(t.store.db);
    return rows.map((r) => r.name ?? '(expr)');
  };
  const statusCount = (cols: string[]) => cols.filter((c) => c === 'status').length;

  it('holds the status once, runs again, and down brings the second copy back', async () => {
    const before = await columns();
    expect(statusCount(before)).toBe(2);
    expect(await migrateToLatest(t.store)).toContain(NAME);
    const after = await columns();
    expect(statusCount(after)).toBe(1);
    expect(after.filter((c) => c !== 'status')).toEqual(before.filter((c) => c !== 'status'));
    await migration.up(t.store.db);
    expect(await columns()).toEqual(after);
    await migration.down(t.store.db);
    expect(await columns()).toEqual(before);
    await migration.up(t.store.db);
    expect(await columns()).toEqual(after);
  });
});
