// Capped counts (count-cache.ts rowsUpTo): counted up to the limit on SQLite; on PostgreSQL a count the
// planner estimates at far over the limit is taken as over it without reading the rows, and one near or under
// the limit is counted exactly.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { buildReport } from '../../test/factories.js';
import { CountCache, ESTIMATE_FACTOR, rowsUpTo } from './count-cache.js';
import { ReportRepository } from './index.js';

describe.each(testDialects())('capped counts on %s', (dialect) => {
  let t: TestStore;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    // 600 audit entries, 500 of one action and 100 of another; ANALYZE gives the planner their shares.
    const rows = Array.from({ length: 600 }, (_, i) => ({
      id: `e-${String(i).padStart(4, '0')}`,
      at: '2024-01-01T00:00:00.000Z',
      user_id: null,
      action: i < 500 ? 'common' : 'rare',
      target_type: null,
      target_id: null,
      details: '{}',
      ip: null,
    }));
    await t.store.db.insertInto('audit_log').values(rows).execute();
    await sql`analyze audit_log`.execute(t.store.db);
  });

  afterAll(async () => {
    await t?.dispose();
  });

  const counter = (action: string) =>
    rowsUpTo(t.store.db, (limit) =>
      t.store.db
        .selectFrom('audit_log')
        .select(sql`1`.as('one'))
        .where('action', '=', action)
        .limit(limit),
    );

  it('counts exactly while the rows are few against the limit', async () => {
    expect(await counter('rare')(1000)).toBe(100);
    expect(await counter('common')(1000)).toBe(500);
    expect(await counter('nothing')(1000)).toBe(0);
  });

  it('stops at the limit, and on PostgreSQL takes a count estimated far over it as over it', async () => {
    // 500 rows against a limit of 50 (over ESTIMATE_FACTOR times it): the cap either way.
    expect(await counter('common')(50)).toBe(50);
    // 100 rows against a limit of 60 (under ESTIMATE_FACTOR times it): counted, and stopped at the limit.
    expect(100).toBeLessThan(ESTIMATE_FACTOR * 60);
    expect(await counter('rare')(60)).toBe(60);
    if (dialect === 'postgres') {
      // The estimate alone answers: with the rows gone but the statistics kept, the answer is still the cap.
      await t.store.db
        .transaction()
        .execute(async (trx) => {
          await trx.deleteFrom('audit_log').where('action', '=', 'common').execute();
          expect(
            await rowsUpTo(trx, (limit) =>
              trx
                .selectFrom('audit_log')
                .select(sql`1`.as('one'))
                .where('action', '=', 'common')
                .limit(limit),
            )(50),
          ).toBe(50);
          // Under the factor, the rows are counted: none left.
          expect(
            await rowsUpTo(trx, (limit) =>
              trx
                .selectFrom('audit_log')
                .select(sql`1`.as('one'))
                .where('action', '=', 'common')
                .limit(limit),
            )(400),
          ).toBe(0);
          // Undone: the transaction is rolled back.
          throw new RollBack();
        })
        .catch((e: unknown) => {
          if (!(e instanceof RollBack)) throw e;
        });
      expect(await counter('common')(1000)).toBe(500);
    }
  });
});

class RollBack extends Error {}

describe('a count in flight', () => {
  it('is shared by the requests that ask for it meanwhile, and not kept past a save', async () => {
    const counts = new CountCache(() => undefined);
    let counted = 0;
    let release: (n: number) => void = () => undefined;
    const slow = () => {
      counted += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const asked = [counts.get('k', slow), counts.get('k', slow), counts.get('k', slow)];
    release(42);
    expect(await Promise.all(asked)).toEqual(Array(3).fill({ total: 42, totalExact: true }));
    expect(counted).toBe(1);
    // Kept now: no count at all.
    expect(await counts.get('k', slow)).toEqual({ total: 42, totalExact: true });
    expect(counted).toBe(1);

    // A save while a count runs: that count answers its callers but is not kept.
    const during = counts.get('j', slow);
    counts.clear();
    release(7);
    expect(await during).toEqual({ total: 7, totalExact: true });
    const after = counts.get('j', slow);
    release(8);
    expect(await after).toEqual({ total: 8, totalExact: true });
    expect(counted).toBe(3);
  });
});

// The planner cannot judge who may see a report (the members' condition is a subplan it takes as true for
// half the rows), so an estimate alone would give a viewer who may see 601 reports among 50,000 restricted
// ones a total of "10,000+": the reports hidden from the viewer are taken away from the estimate first.
describe.each(testDialects())('totals of a viewer who may see few of many reports on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  const stranger = { userId: 'stranger', principals: ['stranger@example.com'] };

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    await reports.create('public-1', buildReport({ id: 'public-1' }), {
      userId: null,
      summary: 's',
      changes: [],
    });
    await sql`insert into reports (id, seq, title, kind, state, severity, restricted, period_start, content,
        version, created_at, updated_at, created_by, updated_by, deleted_at, review_round)
      select 'hidden-' || g.n, 1000 + g.n, title, kind, state, severity, 1, period_start, '{}', version,
        created_at, updated_at, null, updated_by, null, review_round
      from reports, (with recursive s(n) as (select 1 union all select n + 1 from s where n < 50000)
        select n from s) g where id = 'public-1'`.execute(t.store.db);
    // And 600 more the viewer may see (without action items).
    await sql`insert into reports (id, seq, title, kind, state, severity, restricted, period_start, content,
        version, created_at, updated_at, created_by, updated_by, deleted_at, review_round)
      select 'open-' || g.n, 100000 + g.n, title, kind, state, severity, 0, period_start, '{}', version,
        created_at, updated_at, null, updated_by, null, review_round
      from reports, (with recursive s(n) as (select 1 union all select n + 1 from s where n < 600)
        select n from s) g where id = 'public-1'`.execute(t.store.db);
    await sql`insert into action_items (report_id, position, item_id, title, owner, owner_key, status, category,
        priority, deadline, verification_result, verify_by, declined)
      select r.id, a.position, a.item_id, a.title, a.owner, a.owner_key, a.status, a.category, a.priority,
        a.deadline, a.verification_result, a.verify_by, a.declined
      from reports r, action_items a where r.id like 'hidden-%' and a.report_id = 'public-1'`.execute(
      t.store.db,
    );
    // Every report holds the word "zebra" in its search entry.
    if (dialect === 'postgres') {
      await sql`update report_search set body = body || ' zebra' where report_id = 'public-1'`.execute(
        t.store.db,
      );
      await sql`insert into report_search (report_id, title, body)
        select id, 'Hidden', 'zebra' from reports where id like 'hidden-%' or id like 'open-%'`.execute(
        t.store.db,
      );
      await sql`analyze`.execute(t.store.db);
    } else {
      await sql`update report_search set body = body || ' zebra'
        where rowid = (select seq from reports where id = 'public-1')`.execute(t.store.db);
      await sql`insert into report_search (rowid, title, body)
        select seq, 'Hidden', 'zebra' from reports where id like 'hidden-%' or id like 'open-%'`.execute(
        t.store.db,
      );
    }
  }, 120_000);
  afterAll(async () => t?.dispose());

  it('counts the reports and action items the viewer may see, not the planner’s guess', async () => {
    const page = { limit: 10, offset: 0 };
    const list = await reports.list(stranger, {}, page);
    expect({ total: list.total, totalExact: list.totalExact }).toEqual({ total: 601, totalExact: true });
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from action_items where report_id = 'public-1'`.execute(t.store.db);
    const mine = Number(rows[0]?.n);
    expect(mine).toBeGreaterThan(0);
    const items = await reports.actionItems(stranger, {}, page);
    expect({ total: items.total, totalExact: items.totalExact }).toEqual({ total: mine, totalExact: true });
  });

  it('counts the search matches the viewer may see, not the planner’s guess', async () => {
    const found = await reports.search(stranger, 'zebra', { limit: 10, offset: 0 });
    expect(found.items.every((h) => h.id === 'public-1' || h.id.startsWith('open-'))).toBe(true);
    expect({ total: found.total, totalExact: found.totalExact }).toEqual({ total: 601, totalExact: true });
  });
});
