// Migration 2026-12-09-201: on SQLite, reports_hidden lists the seqs of the restricted and deleted reports
// (kept by triggers, filled from the reports a database already holds), and search totals count from it
// (countMatches): the same as counting every match joined to its report, for every viewer and limit, and
// never "over the limit" when the visible matches are not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest, ReportRepository, type Viewer } from './index.js';
import * as searchHidden from './migrations/2026-12-09-201-search-hidden.js';
import { countMatches } from './report-search.query.js';

const info = { userId: null, summary: 'created', changes: [] };
const make = (input: Partial<ReportInput>) =>
  reportSchema.parse({ kind: 'outage', title: 'Checkout outage', ...input });
const anyone: Viewer = { userId: 'nobody', principals: ['nobody'] };
const member: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };
const n = 40;

describe.each(testDialects())('reports hidden from someone on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  const hiddenSeqs = async () =>
    t.store.rawRows!('select seq from reports_hidden order by seq', []).map((r) => Number(r[0]));
  const expectedSeqs = async () =>
    t.store.rawRows!(
      'select seq from reports where restricted <> 0 or deleted_at is not null order by seq',
      [],
    ).map((r) => Number(r[0]));

  beforeAll(async () => {
    // Reports stored before the migration: every 5th restricted to Dana, the 7th deleted.
    t = await openTestStore(dialect, { through: '2026-12-08-501-pg-save-contention' });
    reports = new ReportRepository(t.store);
    for (let i = 0; i < n; i++) {
      await reports.create(
        `h-${String(i).padStart(2, '0')}`,
        make({
          visibility: i % 5 === 1 ? 'restricted' : 'internal',
          members: i % 5 === 1 ? ['dana@example.com'] : [],
          summary: { whatHappened: `The nebula drifted on day ${i}.` },
        }),
        info,
      );
    }
    await reports.softDelete('h-07', null);
    await migrateToLatest(t.store);
  }, 120_000);
  afterAll(async () => t?.dispose());

  it('runs again, down and up again', async () => {
    await searchHidden.up(t.store.db);
    await searchHidden.down(t.store.db);
    await searchHidden.down(t.store.db);
    await searchHidden.up(t.store.db);
    await searchHidden.up(t.store.db);
    if (dialect === 'sqlite') {
      expect(await hiddenSeqs()).toEqual(await expectedSeqs());
      expect((await hiddenSeqs()).length).toBe(n / 5 + 1);
    }
  });

  it('follows restricting, opening, deleting and restoring a report, and totals follow it', async () => {
    const total = async (viewer: Viewer) =>
      (await reports.search(viewer, 'nebula', { limit: 5, offset: 0 })).total;
    expect(await total(anyone)).toBe(n - n / 5 - 1);
    expect(await total(member)).toBe(n - 1);
    const reopen = async (id: string, visibility: 'restricted' | 'internal') => {
      const stored = (await reports.get(id, { includeDeleted: true }))!;
      await reports.update(id, stored.version, { ...stored.report, visibility }, info);
    };
    await reopen('h-01', 'internal');
    await reopen('h-02', 'restricted');
    await reports.softDelete('h-03', null);
    await reports.undelete('h-07', null);
    // Restricted, deleted and restored: still restricted.
    await reports.softDelete('h-06', null);
    await reports.undelete('h-06', null);
    if (dialect === 'sqlite') expect(await hiddenSeqs()).toEqual(await expectedSeqs());
    // h-01 opened, h-02 restricted (with no members: hidden from Dana too), h-03 deleted, h-07 back.
    expect(await total(anyone)).toBe(n - n / 5 - 1 + 1 - 1 - 1 + 1);
    expect(await total(member)).toBe(n - 1 - 1 - 1 + 1);
  });

  if (dialect === 'sqlite')
    it('counts what a join of every match to its report counts, up to any limit, on both ways', async () => {
      const rows = t.store.rawRows!;
      for (const viewer of [anyone, member, { userId: 'x', principals: [] }]) {
        const principals = viewer.principals.length > 0 ? viewer.principals : [''];
        const joined = Number(
          rows(
            `select count(*) from report_search join reports r on r.seq = report_search.rowid
              where report_search match '"nebula"' and r.deleted_at is null and (r.restricted = 0 or
                r.created_by = ? or exists (select 1 from report_members m where m.report_id = r.id
                  and m.principal in (${principals.map(() => '?').join(', ')})))`,
            [viewer.userId, ...principals],
          )[0]![0],
        );
        for (let limit = 1; limit <= n + 2; limit++)
          for (const common of [false, true])
            expect([
              viewer.userId,
              limit,
              common,
              countMatches(rows, viewer, '"nebula"', limit, common),
            ]).toEqual([viewer.userId, limit, common, Math.min(joined, limit)]);
      }
    });
});
