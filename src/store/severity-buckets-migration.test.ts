// Migration 2026-12-13-150 makes one index of each duration out of its two by quarter and by severity on SQLite
// (insight-tallies.query.ts) and leaves PostgreSQL's; it can run again, and down brings them back.
// The figures by severity are compared with those from every row in src/server/insights-sql.api.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest } from './index.js';
import * as migration from './migrations/2026-12-13-150-severity-buckets.js';

const DURATIONS = ['detect', 'respond', 'mitigate', 'resolve'];
const OLD = DURATIONS.flatMap((b) => [`insight_b_${b}_quarter`, `insight_b_${b}_severity`]);
const NEW = DURATIONS.map((b) => `insight_b_${b}_qs`);

describe.each(testDialects())('severity buckets migration on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: '2026-12-12-101-key-index' });
  });
  afterAll(async () => t?.dispose());

  const indexes = async () => {
    const q =
      dialect === 'sqlite'
        ? sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and name like 'insight_b_%'`
        : sql<{ name: string }>`select indexname as name from pg_indexes where indexname like 'insight_b_%'`;
    return (await q.execute(t.store.db)).rows.map((r) => r.name).sort();
  };

  it('makes one index of each duration out of two on SQLite only, and runs again and back', async () => {
    const before = await indexes();
    expect(before).toEqual(expect.arrayContaining(OLD));
    expect(before).not.toEqual(expect.arrayContaining(NEW));
    expect(await migrateToLatest(t.store)).toContain('2026-12-13-150-severity-buckets');
    const after = await indexes();
    if (dialect === 'sqlite')
      expect(after).toEqual([...before.filter((n) => !OLD.includes(n)), ...NEW].sort());
    else expect(after).toEqual(before);
    await migration.up(t.store.db);
    expect(await indexes()).toEqual(after);
    await migration.down(t.store.db);
    expect(await indexes()).toEqual(before);
    await migration.up(t.store.db);
    expect(await indexes()).toEqual(after);
  });
});
