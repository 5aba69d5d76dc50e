import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ACTION_CATEGORIES, ACTION_STATUSES, reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import type { ActionItemFilters, Page } from './action-items.query.js';
import { ReportRepository, UserRepository, type Viewer } from './index.js';
import * as covering from './migrations/2026-12-08-301-action-items-covering.js';

// Action-item pages are read from statements compiled once per shape and filled with each request's values
// (action-items.query.ts), over indexes that carry the shown columns (migration 2026-12-08-301). Every page
// must hold what a plain reading of the tables says, for any viewer and filter, with paging by cursor and by
// offset that leaves no item out and shows none twice.

/** A small seeded generator (mulberry32), so the data is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const info = { userId: null, summary: 'created', changes: [] };
const OWNERS = ['Pat', 'Sam', 'Dana Scully', 'al_x%'];
const DEADLINES = [undefined, '2024-01-05', '2024-01-05', '2024-02-10', '2024-03-01', '2099-01-01'];

/** The viewers: no principals, a member of some restricted reports, another one, and a creator. */
const viewers: Record<string, Viewer> = {
  anyone: { userId: 'nobody', principals: [] },
  dana: { userId: 'dana-id', principals: ['dana@example.com'] },
  eve: { userId: 'eve-id', principals: ['eve@example.com'] },
  creator: { userId: 'maker', principals: ['maker@example.com', 'maker'] },
};

interface Expected {
  key: string;
  reportId: string;
  owner: string | null;
  status: string;
  category: string | null;
  deadline: string | null;
  awaiting: boolean;
}

describe.each(testDialects())('action items on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  /** Every item with who may see it, read back from the tables as plainly as can be. */
  let truth: (Expected & { visibleTo: Set<string> })[];

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    const maker = await new UserRepository(t.store).create({
      email: 'maker@example.com',
      name: 'Maker',
      role: 'editor',
      passwordHash: null,
    });
    viewers.creator = { userId: maker.id, principals: ['maker@example.com', 'maker'] };
    const rnd = prng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    for (let i = 0; i < 40; i++) {
      const id = `ai-${String(i).padStart(2, '0')}`;
      const restricted = i % 5 === 0;
      const items = Array.from({ length: 1 + (i % 4) }, (_, k) => {
        const status = pick(ACTION_STATUSES);
        return {
          id: `A${k + 1}`,
          title: `Item ${k + 1} of ${id}`,
          ...(rnd() < 0.8 ? { owner: pick(OWNERS) } : {}),
          ...(rnd() < 0.7 ? { category: pick(ACTION_CATEGORIES) } : {}),
          ...(pick(DEADLINES) ? { deadline: pick(DEADLINES.slice(1)) } : {}),
          status,
          ...(status === 'completed' && rnd() < 0.4
            ? { verification: { result: 'effective' as const } }
            : {}),
          ...(rnd() < 0.2 ? { declinedReason: 'Not worth it' } : {}),
        };
      });
      const input: Partial<ReportInput> = {
        kind: 'outage',
        title: `Report ${i}`,
        actions: { items },
        ...(restricted
          ? { visibility: 'restricted', members: i % 10 === 0 ? ['dana@example.com'] : ['eve@example.com'] }
          : {}),
      };
      await reports.create(id, reportSchema.parse(input), {
        ...info,
        userId: restricted && i % 3 === 0 ? maker.id : null,
      });
    }
    await reports.softDelete('ai-07', null);
    // Issues for some actions; only linked ones with a key and an address are shown.
    const now = '2024-01-01T00:00:00.000Z';
    const link = (report_id: string, action_id: string, status: 'linked' | 'pending') => ({
      report_id,
      action_id,
      connection_id: 'c1',
      status,
      attempt: 'x',
      issue_key: `ISS-${report_id}-${action_id}`,
      issue_url: `https://tracker.example/${report_id}/${action_id}`,
      state: 'open' as const,
      error: null,
      created_at: now,
      updated_at: now,
      polled_at: null,
    });
    await t.store.db
      .insertInto('tracker_links')
      .values([link('ai-01', 'A1', 'linked'), link('ai-03', 'A2', 'linked'), link('ai-02', 'A1', 'pending')])
      .execute();

    const rows = await sql<{
      report_id: string;
      item_id: string;
      position: number | string;
      owner: string | null;
      status: string;
      category: string | null;
      deadline: string | null;
      verification_result: string | null;
      declined: number | string;
      deleted_at: string | null;
      restricted: number | string;
      created_by: string | null;
    }>`select a.report_id, a.item_id, a.position, a.owner, a.status, a.category, a.deadline,
         a.verification_result, a.declined, r.deleted_at, r.restricted, r.created_by
       from action_items a join reports r on r.id = a.report_id`.execute(t.store.db);
    const members = await t.store.db.selectFrom('report_members').selectAll().execute();
    truth = rows.rows
      .filter((r) => r.deleted_at === null)
      .map((r) => {
        const see = new Set<string>();
        for (const [name, v] of Object.entries(viewers)) {
          const member = members.some(
            (m) => m.report_id === r.report_id && v.principals.includes(m.principal),
          );
          if (Number(r.restricted) === 0 || r.created_by === v.userId || member) see.add(name);
        }
        return {
          key: `${r.report_id}/${r.item_id}`,
          reportId: r.report_id,
          owner: r.owner,
          status: r.status,
          category: r.category,
          deadline: r.deadline,
          awaiting: r.status === 'completed' && r.verification_result === null && Number(r.declined) === 0,
          visibleTo: see,
          order: `${r.deadline ?? '9999-12-31'}|${r.report_id}|${String(r.position).padStart(4, '0')}`,
        };
      })
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  });
  afterAll(async () => t?.dispose());

  const cases: [string, ActionItemFilters][] = [
    ['none', {}],
    ['owner', { owner: 'PAT' }],
    ['another owner', { owner: 'dana scully' }],
    ['part of an owner, with LIKE wildcards taken literally', { ownerContains: 'X%' }],
    ['part of an owner', { ownerContains: 'a' }],
    ['status', { status: 'open' }],
    ['category', { category: 'process' }],
    ['due before', { dueBefore: '2024-02-11' }],
    ['overdue', { overdueOn: '2024-02-11' }],
    ['awaiting verification', { awaitingVerification: true }],
    ['report', { reportId: 'ai-05' }],
    ['owner and status', { owner: 'sam', status: 'completed' }],
  ];

  const expected = (viewer: string, f: ActionItemFilters) =>
    truth.filter(
      (x) =>
        x.visibleTo.has(viewer) &&
        (!f.owner || x.owner?.toLowerCase() === f.owner.toLowerCase()) &&
        (!f.ownerContains || (x.owner ?? '').toLowerCase().includes(f.ownerContains.toLowerCase())) &&
        (!f.status || x.status === f.status) &&
        (!f.category || x.category === f.category) &&
        (!f.dueBefore || (x.deadline !== null && x.deadline < f.dueBefore)) &&
        (!f.overdueOn ||
          (x.deadline !== null &&
            x.deadline < f.overdueOn &&
            !['completed', 'wont_do'].includes(x.status))) &&
        (!f.awaitingVerification || x.awaiting) &&
        (!f.reportId || x.reportId === f.reportId),
    );

  /**
   * The page as JSON text (written by SQLite; on PostgreSQL encoded here and kept, once its change mark is
   * there) is the object page, item for item.
   */
  const sameAsJson = async (viewer: Viewer, filters: ActionItemFilters, page: Page, objects: unknown) => {
    let json = await reports.actionItemsJson(viewer, filters, page);
    for (let i = 0; json === undefined && dialect !== 'sqlite' && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      json = await reports.actionItemsJson(viewer, filters, page);
    }
    expect({ ...json!, items: JSON.parse(json!.items) as unknown }).toEqual(objects);
  };

  it.each(cases)(
    'gives what the tables say for every viewer, filtered by %s, paged by cursor and by offset',
    async (_, filters) => {
      // The data holds items for every filter (the test would pass vacuously otherwise).
      expect(Object.keys(viewers).some((v) => expected(v, filters).length > 0)).toBe(true);
      // The viewers in turn share compiled statements (dana and eve have as many principals): each must get
      // its own answer, never one filled with another's values.
      for (const viewer of Object.keys(viewers)) {
        const want = expected(viewer, filters).map((x) => x.key);
        const whole = await reports.actionItems(viewers[viewer]!, filters, { limit: 500, offset: 0 });
        expect(
          whole.items.map((a) => `${a.reportId}/${a.id}`),
          viewer,
        ).toEqual(want);
        expect(whole.total).toBe(want.length);
        await sameAsJson(viewers[viewer]!, filters, { limit: 500, offset: 0 }, whole);
        const byCursor: string[] = [];
        const byOffset: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 100; pages++) {
          const page = await reports.actionItems(viewers[viewer]!, filters, { limit: 3, offset: 0, cursor });
          byCursor.push(...page.items.map((a) => `${a.reportId}/${a.id}`));
          await sameAsJson(viewers[viewer]!, filters, { limit: 3, offset: 0, cursor }, page);
          if (!page.next) break;
          cursor = page.next;
        }
        for (let offset = 0; offset < want.length; offset += 4) {
          const page = await reports.actionItems(viewers[viewer]!, filters, { limit: 4, offset });
          byOffset.push(...page.items.map((a) => `${a.reportId}/${a.id}`));
          await sameAsJson(viewers[viewer]!, filters, { limit: 4, offset }, page);
        }
        expect(byCursor, `${viewer} by cursor`).toEqual(want);
        expect(byOffset, `${viewer} by offset`).toEqual(want);
      }
    },
  );

  it('keeps restricted reports from those they are not shared with, and deleted ones from all', async () => {
    const eve = await reports.actionItems(viewers.eve!, {}, { limit: 500, offset: 0 });
    const dana = await reports.actionItems(viewers.dana!, {}, { limit: 500, offset: 0 });
    const ids = (p: typeof eve) => new Set(p.items.map((a) => a.reportId));
    // ai-10 and ai-20 are shared with dana, ai-05 and ai-15 with eve.
    expect(ids(dana).has('ai-10')).toBe(true);
    expect(ids(eve).has('ai-10')).toBe(false);
    expect(ids(eve).has('ai-05')).toBe(true);
    expect(ids(dana).has('ai-05')).toBe(false);
    expect(ids(eve).has('ai-07') || ids(dana).has('ai-07')).toBe(false);
  });

  it('runs the covering-index migration again, and back and forth, with the same pages', async () => {
    const before = await reports.actionItems(viewers.anyone!, {}, { limit: 500, offset: 0 });
    // As after a crash halfway (some new indexes made, some old ones still there): each step is skipped when done.
    await covering.up(t.store.db);
    await covering.down(t.store.db);
    await covering.down(t.store.db);
    await covering.up(t.store.db);
    await covering.up(t.store.db);
    expect(await reports.actionItems(viewers.anyone!, {}, { limit: 500, offset: 0 })).toEqual(before);
  });

  it('shows the issue of a linked action only', async () => {
    const page = await reports.actionItems(viewers.anyone!, { reportId: 'ai-01' }, { limit: 50, offset: 0 });
    expect(page.items.find((a) => a.id === 'A1')?.issue).toEqual({
      key: 'ISS-ai-01-A1',
      url: 'https://tracker.example/ai-01/A1',
      state: 'open',
    });
    const all = await reports.actionItems(viewers.anyone!, {}, { limit: 500, offset: 0 });
    const withIssue = all.items.filter((a) => a.issue).map((a) => `${a.reportId}/${a.id}`);
    expect(withIssue.sort()).toEqual(['ai-01/A1', 'ai-03/A2']);
  });
});
