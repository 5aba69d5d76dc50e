// A report's summary written by SQLite as JSON text (SUMMARY_JSON, the search workers' replies) against the same
// summary as the list reads it (summaryFromArray): the same text, key for key, for the values a report can hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../test/databases.js';
import { buildReport } from '../../test/factories.js';
import { ReportRepository } from './index.js';
import { SUMMARY_JSON } from './report-list.query.js';
import type { Viewer } from './viewer.js';

const dana: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };

describe('a summary as JSON text on sqlite', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    const reports = new ReportRepository(t.store);
    const info = { userId: null, summary: 'saved', changes: [] };
    await reports.create('sj-1', buildReport({ id: 'sj-1', title: 'Quotes " and \\ and <b> & 🚀' }), info);
    await reports.create('sj-2', buildReport({ id: 'sj-2', severity: undefined, period: undefined }), info);
    await reports.create(
      'sj-3',
      buildReport({
        id: 'sj-3',
        visibility: 'restricted',
        members: ['dana@example.com'],
        state: 'published',
      }),
      info,
    );
  });
  afterAll(async () => t?.dispose());

  it('is the text JSON.stringify gives of the list’s summary', async () => {
    const listed = await new ReportRepository(t.store).list(dana, {}, { limit: 10, offset: 0 });
    expect(listed.items.map((s) => s.id).sort()).toEqual(['sj-1', 'sj-2', 'sj-3']);
    // What the three hold that a summary writes differently: a null, a true and a false, text to escape.
    expect(
      listed.items.map((s) => [s.restricted, s.severity === null, s.periodStart === null]),
    ).toContainEqual([false, true, true]);
    expect(listed.items.some((s) => s.restricted)).toBe(true);
    const written = new Map(
      (
        t.store.sqlite!.prepare(`select r.id, ${SUMMARY_JSON} as json from reports r`).all() as {
          id: string;
          json: string;
        }[]
      ).map((r) => [r.id, r.json]),
    );
    for (const summary of listed.items) expect(written.get(summary.id)).toBe(JSON.stringify(summary));
  });
});
