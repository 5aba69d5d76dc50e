// Saves arriving together (on SQLite written in one group commit, each in its own savepoint): each is answered
// on its own, a failing one takes no other with it, and every acknowledged save is there afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../domain/index.js';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository } from './index.js';

const info = { userId: null, summary: 'saved', changes: [] };

describe.each(testDialects())('saves arriving together on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => t?.dispose());

  it('answers each save alone and keeps every acknowledged one', async () => {
    const reports = new ReportRepository(t.store);
    const ids = [...Array.from({ length: 30 }, (_, i) => `g-${i}`), 'g-3'];
    const created = await Promise.allSettled(
      ids.map((id, i) => reports.create(id, buildReport({ id, title: `Group ${i}` }), info)),
    );
    const failed = created.filter((r) => r.status === 'rejected');
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([
      'AppError: the id g-3 is not available; leave the id out and the server chooses one',
    ]);
    expect(((failed[0] as PromiseRejectedResult).reason as AppError).code).toBe('conflict');
    const seqs = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []));
    expect(new Set(seqs).size).toBe(30);
    for (let i = 0; i < 30; i++) expect((await reports.get(`g-${i}`))?.report.title).toBe(`Group ${i}`);

    // Five edits of one version at once: one wins, the others are told the version moved.
    const edits = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((k) =>
        reports.update('g-7', 1, buildReport({ id: 'g-7', title: `Edit ${k}` }), info),
      ),
    );
    const won = edits.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const stored = await reports.get('g-7');
    expect(stored?.version).toBe(2);
    expect(stored?.report.title).toBe(
      (won[0] as PromiseFulfilledResult<{ report: { title: string } }>).value.report.title,
    );
    expect((await reports.revisions('g-7')).map((r) => r.version)).toEqual([2, 1]);
    const found = await reports.search({ userId: 'x', principals: [] }, 'Group', { limit: 50, offset: 0 });
    expect(found.total).toBe(29); // g-7 is titled "Edit …" now
  });
});
