// The search entry holds a report's prose only: states, kinds, severities, people, tags and systems are found
// with the list filters (columns and side tables), not as words. An older database, whose entries held every
// string of a report, is rewritten by migration 2026-12-05-201.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository } from './index.js';
import * as searchProse from './migrations/2026-12-05-201-search-prose.js';
import { searchEntry } from './report-index.js';
const anyone = { userId: 'nobody', principals: ['nobody'] };
const page = { limit: 50, offset: 0 };

describe.each(testDialects())('search prose on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    // Today's schema: a save writes side tables that later migrations made. The entry is then widened as the
    // code before migration 201 wrote it, and the migration's rewrite is run on it.
    t = await openTestStore(dialect);
  });
  afterAll(async () => t?.dispose());

  it('rewrites older entries to prose, and finds filters through the list, not the search', async () => {
    const reports = new ReportRepository(t.store);
    const report = reportSchema.parse({
      kind: 'outage',
      title: 'Queue stalled',
      severity: 'SEV1',
      authors: ['Quincy Quasar'],
      tags: ['zanzibar'],
      systems: ['mercator-api'],
      summary: { whatHappened: 'The vorpal consumer stopped acknowledging messages.' },
      involved: ['Team Orbit'],
      lessons: { couldImprove: [{ id: 'L1', text: 'Add a lag alarm' }] },
    });
    await reports.create('r-1', report, { userId: null, summary: 'created', changes: [] });
    // As the code before the migration wrote it: every string of the report.
    const wide = `${searchEntry(report).body}\ndraft outage SEV1 Quincy Quasar zanzibar mercator-api Team Orbit open`;
    if (dialect === 'postgres') {
      await t.store.db
        .updateTable('report_search' as never)
        .set({ body: wide } as never)
        .where('report_id' as never, '=', 'r-1' as never)
        .execute();
    } else {
      await t.store.db
        .updateTable('report_search' as never)
        .set({ body: wide } as never)
        .where('rowid' as never, '=', 1 as never)
        .execute();
    }
    expect((await reports.search(anyone, 'quasar', page)).total).toBe(1);

    await searchProse.up(t.store.db);

    const found = async (q: string) =>
      (await new ReportRepository(t.store).search(anyone, q, page)).items.map((h) => h.id);
    expect(await found('vorpal')).toEqual(['r-1']);
    expect(await found('lag alarm')).toEqual(['r-1']);
    expect(await found('stalled')).toEqual(['r-1']);
    for (const word of ['draft', 'outage', 'SEV1', 'quasar', 'zanzibar', 'mercator', 'orbit', 'open'])
      expect(await found(word), word).toEqual([]);
    const listed = async (filters: object) =>
      (await reports.list(anyone, filters, page)).items.map((r) => r.id);
    expect(await listed({ state: 'draft', kind: 'outage', severity: 'sev1' })).toEqual(['r-1']);
    expect(await listed({ person: 'quincy quasar', tag: 'Zanzibar', system: 'mercator-api' })).toEqual([
      'r-1',
    ]);
    expect(await listed({ person: 'Team Orbit' })).toEqual(['r-1']);

    // A save after the migration writes prose only too.
    const saved = await reports.update(
      'r-1',
      1,
      { ...report, title: 'Queue stalled overnight' },
      {
        userId: null,
        summary: 'edited',
        changes: [],
      },
    );
    expect(saved.version).toBe(2);
    expect(await found('overnight')).toEqual(['r-1']);
    expect(await found('quasar')).toEqual([]);
  });
});
