// Migration 2026-12-07-401 adds the columns the insights are computed from in SQL: rows written before it are
// filled after the migrations (backfillInsightColumns), deleted and restricted reports not counted for all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeInsights, insightsFromTallies, reportSchema } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { MemoryRepository, migrateToLatest } from './index.js';
import { memoryRows } from './report-index.js';
import { newReportRow } from './report-rows.js';

const BEFORE = '2026-12-06-602-insight-visibility-index';
const TODAY = '2025-01-01';

describe.each(testDialects())('insight columns migration on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: BEFORE });
  });
  afterAll(async () => t?.dispose());

  it('fills the rows stored before it, and the SQL figures equal those from every row', async () => {
    const info = { userId: null, summary: 'created', changes: [] };
    const at = '2024-06-01T00:00:00.000Z';
    for (let i = 0; i < 6; i++) {
      const report = reportSchema.parse({
        kind: i % 2 ? 'outage' : 'security',
        title: `Old ${i}`,
        state: i % 3 === 0 ? 'published' : 'draft',
        systems: i === 5 ? [] : ['Ledger'],
        visibility: i === 4 ? 'restricted' : 'internal',
        period: { start: `2024-0${1 + i}-01T00:00:00Z` },
        details: {
          timeline: [{ at: `2024-0${1 + i}-01T0${1 + i}:00:00Z`, kind: 'resolved', text: 'Fixed.' }],
        },
      });
      const row = newReportRow(`old-${i}`, i + 1, report, info, at);
      await t.store.db
        .insertInto('reports')
        .values({ ...row, deleted_at: i === 3 ? at : null })
        .execute();
      // The facts row as the code before migration 401 wrote it: none of its columns.
      const m = memoryRows(`old-${i}`, report, report.state === 'published' ? at : null);
      const {
        public: _p,
        review_round: _r,
        days_to_publish: _d,
        system_count: _s,
        b_detect: _b1,
        b_respond: _b2,
        b_mitigate: _b3,
        b_resolve: _b4,
        b_publish: _b5,
        // Nor those of migration 2026-12-08-402 after it.
        done_on_time: _c1,
        done_late: _c2,
        done_no_deadline: _c3,
        done_unknown: _c4,
        quality_score: _q1,
        b_quality: _q2,
        ...old
      } = m.facts;
      await t.store.db.insertInto('report_facts').values(old).execute();
    }
    expect(await migrateToLatest(t.store)).toContain('2026-12-07-401-insight-aggregates');
    const flags = await t.store.db
      .selectFrom('report_facts')
      .select(['report_id', 'public'])
      .orderBy('report_id')
      .execute();
    expect(flags.map((f) => Number(f.public))).toEqual([1, 1, 1, 0, 0, 1]);
    const memory = new MemoryRepository(t.store);
    const viewer = { userId: 'someone-else', principals: [] };
    const sqlWay = insightsFromTallies(await memory.insightTallies(viewer, {}, TODAY));
    expect(sqlWay).toEqual(computeInsights(await memory.insightRows(viewer, {}), TODAY));
    expect(sqlWay.reports).toBe(4);
    expect(sqlWay.bySystem).toEqual([
      { figure: 'bySystem', group: 'ledger', count: 3 },
      { figure: 'bySystem', group: '(none)', count: 1 },
    ]);
  });
});
