// Migration 2026-12-06-601 makes the shared-memory side tables and fills them for the reports already stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { MemoryRepository, migrateToLatest } from './index.js';
import { backfillMemory } from './memory-backfill.js';
import { newReportRow } from './report-rows.js';

const BEFORE = '2026-12-05-201-search-prose';

describe.each(testDialects())('shared-memory migration on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: BEFORE });
  });
  afterAll(async () => t?.dispose());

  it('indexes the reports stored before it', async () => {
    const make = (title: string, state: 'draft' | 'published') =>
      reportSchema.parse({
        kind: 'outage',
        title,
        state,
        systems: ['Ledger'],
        period: { start: '2024-05-01T00:00:00Z' },
        analysis: {
          primaryCause: 'The quorblat shard rebalancer stalled.',
          factors: [{ id: 'CF1', text: 'Quorblat rebalancer had no timeout', category: 'Dependencies' }],
        },
      });
    const info = { userId: null, summary: 'created', changes: [] };
    const at = '2024-06-01T00:00:00.000Z';
    // Rows as the code before the migration wrote them: the report only.
    await t.store.db
      .insertInto('reports')
      .values(newReportRow('old-1', 1, make('First', 'published'), info, at))
      .execute();
    await t.store.db
      .insertInto('reports')
      .values(newReportRow('old-2', 2, make('Second', 'draft'), info, at))
      .execute();
    expect(await migrateToLatest(t.store)).toContain('2026-12-06-601-shared-memory');
    const memory = new MemoryRepository(t.store);
    const viewer = { userId: 'nobody', principals: ['nobody'] };
    const related = await memory.related(viewer, 'old-1');
    expect(related.map((r) => r.id)).toEqual(['old-2']);
    expect(related[0]!.reasons).toEqual(expect.arrayContaining(['same system: Ledger']));
    const rows = await memory.insightRows(viewer, {});
    expect(rows.find((r) => r.id === 'old-1')?.published).toBe(at);
    expect(rows.find((r) => r.id === 'old-2')?.published).toBeNull();
    expect((await memory.factors(viewer)).map((f) => f.category)).toEqual(['Dependencies', 'Dependencies']);
  });

  it('fills a report missing its rows after filled ones, and finds nothing when all are filled', async () => {
    expect(await backfillMemory(t.store)).toBe(0);
    await t.store.db.deleteFrom('report_keys').where('report_id', '=', 'old-2').execute();
    await t.store.db.deleteFrom('insight_items').where('report_id', '=', 'old-2').execute();
    await t.store.db.deleteFrom('report_factors').where('report_id', '=', 'old-2').execute();
    await t.store.db.deleteFrom('report_facts').where('report_id', '=', 'old-2').execute();
    expect(await backfillMemory(t.store)).toBe(1);
    const facts = await t.store.db
      .selectFrom('report_facts')
      .select('report_id')
      .orderBy('report_id')
      .execute();
    expect(facts.map((f) => f.report_id)).toEqual(['old-1', 'old-2']);
    expect(await backfillMemory(t.store)).toBe(0);
  });
});
