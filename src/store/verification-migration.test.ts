// The action-verification migration run again after a crash that left some of its columns added but the
// migration unrecorded (SQLite runs DDL outside a transaction): it adds only what is missing and backfills.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest } from './index.js';
import { newReportRow, saveRows } from './report-rows.js';

const BEFORE = '2026-12-06-071-login-failures-at';
const VERIFICATION = '2026-12-06-301-action-verification';

describe.each(testDialects())('action-verification migration after a crash on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: BEFORE });
  });
  afterAll(async () => t?.dispose());

  it('adds the missing columns only and fills them from the stored reports', async () => {
    const report = reportSchema.parse({
      kind: 'outage',
      title: 'Half-migrated',
      actions: {
        items: [
          {
            id: 'A1',
            title: 'Add the alert',
            status: 'completed',
            verification: { result: 'effective', on: '2026-12-01', by: 'Kim' },
            verificationPlan: { how: 'page in staging', by: '2026-12-01' },
          },
          { id: 'A2', title: 'Drop the cron', status: 'wont_do', declinedReason: 'replaced by A1' },
        ],
      },
    });
    const info = { userId: null, summary: 'created', changes: [] };
    const at = '2026-12-01T00:00:00.000Z';
    await t.store.db
      .insertInto('reports')
      .values(newReportRow('r-half', 1, report, info, at))
      .execute();
    const rows = saveRows('r-half', 1, report, info, at).side.action_items.map((r) => {
      // The columns this migration adds did not exist yet.
      const {
        verification_result: _v,
        verify_by: _b,
        declined: _d,
        ...old
      } = r as unknown as Record<string, unknown>;
      return old;
    });
    await t.store.db
      .insertInto('action_items')
      .values(rows as never)
      .execute();

    // What a process killed after the first ALTER left behind.
    await sql`alter table action_items add column verification_result text`.execute(t.store.db);

    expect(await migrateToLatest(t.store, { through: VERIFICATION })).toContain(VERIFICATION);
    const items = await t.store.db
      .selectFrom('action_items')
      .select(['item_id', 'verification_result', 'verify_by', 'declined'])
      .where('report_id', '=', 'r-half')
      .orderBy('position')
      .execute();
    expect(items.map((i) => ({ ...i, declined: Number(i.declined) }))).toEqual([
      { item_id: 'A1', verification_result: 'effective', verify_by: '2026-12-01', declined: 0 },
      { item_id: 'A2', verification_result: null, verify_by: null, declined: 1 },
    ]);
  });
});
