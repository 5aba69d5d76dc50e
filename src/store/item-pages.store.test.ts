// Action-item pages kept as the JSON text SQLite wrote (action-items.query.ts ItemPageCache) while nothing they
// show has changed: count_generation's rows_gen and item_page_generation (migration 2026-12-11-300), moved by
// triggers whoever writes. Every change a page shows (an item, a report's title or visibility, a linked issue)
// must be in the next page, read through this repository or written by another connection; commits that change
// nothing shown (score writes, a poll's bookkeeping) must leave the page kept. The migration runs again, down
// and up, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { reportSchema, type Report } from '../domain/index.js';
import { ItemPageCache } from './action-items.query.js';
import { openStore, ReportRepository, writeScore, type Store, type Viewer } from './index.js';
import * as itemPageGeneration from './migrations/2026-12-11-300-item-page-generation.js';

const info = { userId: null, summary: 'saved', changes: [] };
const anyone: Viewer = { userId: 'nobody', principals: ['nobody'] };
const page = { limit: 50, offset: 0 };
const report = (id: string, title: string): Report => reportSchema.parse({ ...buildReport({ id }), title });

/** A page through a repository, and the same page as a new repository (nothing kept) reads it. */
async function pages(reports: ReportRepository, store: Store, viewer = anyone) {
  const kept = await reports.actionItemsJson(viewer, {}, page);
  const fresh = await new ReportRepository(store).actionItemsJson(viewer, {}, page);
  return { kept: JSON.parse(kept!.items) as unknown[], fresh: JSON.parse(fresh!.items) as unknown[] };
}

const hitsOf = (reports: ReportRepository) =>
  (reports as unknown as { itemPages: ItemPageCache }).itemPages.hits;

describe('kept action-item pages on SQLite', () => {
  let t: TestStore;
  let reports: ReportRepository;

  beforeAll(async () => {
    t = await openTestStore('sqlite');
    reports = new ReportRepository(t.store);
    for (const id of ['p-1', 'p-2']) await reports.create(id, report(id, `Report ${id}`), info);
  }, 60_000);
  afterAll(async () => t?.dispose());

  it('are served again while nothing shown changed, and show every change in the next page', async () => {
    const db = t.store.db;
    const first = await pages(reports, t.store);
    expect(first.kept.length).toBeGreaterThan(0);
    expect(first.kept).toEqual(first.fresh);
    const hits = hitsOf(reports);
    await pages(reports, t.store);
    expect(hitsOf(reports)).toBe(hits + 1);

    // A score write (the background scorer) changes nothing shown: the page stays kept.
    const v = (await reports.get('p-2'))!.version;
    expect(await writeScore(t.store, 'p-2', v, 50)).toBe(true);
    await pages(reports, t.store);
    expect(hitsOf(reports)).toBe(hits + 2);

    const expectShown = async (check: (items: Record<string, unknown>[]) => void) => {
      const { kept, fresh } = await pages(reports, t.store);
      expect(kept).toEqual(fresh);
      check(kept as Record<string, unknown>[]);
    };
    const actionId = (first.kept[0] as { id: string; reportId: string }).id;
    const reportId = (first.kept[0] as { id: string; reportId: string }).reportId;
    const mine = (items: Record<string, unknown>[]) =>
      items.find((i) => i.reportId === reportId && i.id === actionId)!;

    // A report's title, written by SQL (as another writer would).
    await sql`update reports set title = 'Renamed' where id = ${reportId}`.execute(db);
    await expectShown((items) => expect(mine(items).reportTitle).toBe('Renamed'));

    // An issue linked to the action, its state changed, its polling bookkeeping moved, then unlinked.
    await sql`insert into tracker_links (report_id, action_id, connection_id, status, attempt, issue_key,
      issue_url, state, created_at, updated_at) values (${reportId}, ${actionId}, 'c1', 'linked', 'a1', 'OPS-1',
      'https://issues.example.com/OPS-1', 'open', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`.execute(
      db,
    );
    await expectShown((items) => expect(mine(items).issue).toMatchObject({ key: 'OPS-1', state: 'open' }));
    await sql`update tracker_links set state = 'closed' where report_id = ${reportId}`.execute(db);
    await expectShown((items) => expect(mine(items).issue).toMatchObject({ state: 'closed' }));
    const before = hitsOf(reports);
    await sql`update tracker_links set polled_at = '2026-01-02T00:00:00Z' where report_id = ${reportId}`.execute(
      db,
    );
    await pages(reports, t.store);
    expect(hitsOf(reports)).toBe(before + 1);
    await sql`delete from tracker_links where report_id = ${reportId}`.execute(db);
    await expectShown((items) => expect(mine(items).issue).toBeNull());

    // An action item changed by SQL, and a save through the repository.
    await sql`update action_items set title = 'Changed by SQL' where report_id = ${reportId} and item_id = ${actionId}`.execute(
      db,
    );
    await expectShown((items) => expect(mine(items).title).toBe('Changed by SQL'));
    const stored = (await reports.get('p-1'))!;
    const items = stored.report.actions.items.map((a) => ({ ...a, title: `${a.title} (edited)` }));
    await reports.update(
      'p-1',
      stored.version,
      reportSchema.parse({ ...stored.report, actions: { ...stored.report.actions, items } }),
      info,
    );
    await expectShown((shown) =>
      expect(
        shown.filter((i) => i.reportId === 'p-1').every((i) => String(i.title).endsWith('(edited)')),
      ).toBe(true),
    );

    // Restricted to Dana: gone for anyone else, there for her.
    const dana: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };
    const p2 = (await reports.get('p-2'))!;
    await pages(reports, t.store, dana);
    await reports.update(
      'p-2',
      p2.version,
      reportSchema.parse({ ...p2.report, visibility: 'restricted', members: ['dana@example.com'] }),
      info,
    );
    await expectShown((shown) => expect(shown.some((i) => i.reportId === 'p-2')).toBe(false));
    const forDana = await pages(reports, t.store, dana);
    expect(forDana.kept).toEqual(forDana.fresh);
    expect(forDana.kept.some((i) => (i as { reportId: string }).reportId === 'p-2')).toBe(true);
  });

  it('keep no page after a cursor (a client walking the list reads each once)', async () => {
    const held = () => (reports as unknown as { itemPages: { pages: Map<string, unknown> } }).itemPages.pages;
    const first = await reports.actionItemsJson(anyone, {}, { limit: 1, offset: 0 });
    expect(first!.next).not.toBeNull();
    const size = held().size;
    const hits = hitsOf(reports);
    const after = { limit: 1, offset: 0, cursor: first!.next! };
    const one = await reports.actionItemsJson(anyone, {}, after);
    const again = await reports.actionItemsJson(anyone, {}, after);
    expect(again).toEqual(one);
    expect(JSON.parse(one!.items)).not.toEqual(JSON.parse(first!.items));
    expect(hitsOf(reports)).toBe(hits);
    expect(held().size).toBe(size);
    // The first page (no cursor) is kept and served again.
    await reports.actionItemsJson(anyone, {}, { limit: 1, offset: 0 });
    expect(hitsOf(reports)).toBe(hits + 1);
  });

  it('show what another connection (another process) wrote', async () => {
    await pages(reports, t.store);
    const other = openStore(t.url);
    try {
      await sql`update reports set title = 'Renamed elsewhere' where id = 'p-1'`.execute(other.db);
    } finally {
      await other.close();
    }
    const { kept, fresh } = await pages(reports, t.store);
    expect(kept).toEqual(fresh);
    expect(kept.some((i) => (i as { reportTitle: string }).reportTitle === 'Renamed elsewhere')).toBe(true);
  });

  it('are neither kept nor served while a transaction of the store is open', async () => {
    await pages(reports, t.store);
    const hits = hitsOf(reports);
    await t.store.db
      .transaction()
      .execute(async (trx) => {
        await sql`update reports set title = 'Rolled back' where id = 'p-1'`.execute(trx);
        // Read on the same connection: the uncommitted title, which must not be kept.
        const inside = await reports.actionItemsJson(anyone, {}, page);
        expect(inside!.items).toContain('Rolled back');
        throw Object.assign(new Error('roll back'), { expected: true });
      })
      .catch((e: { expected?: boolean }) => {
        if (!e.expected) throw e;
      });
    expect(hitsOf(reports)).toBe(hits);
    const { kept, fresh } = await pages(reports, t.store);
    expect(kept).toEqual(fresh);
    expect(JSON.stringify(kept)).not.toContain('Rolled back');
  });
});

describe('the kept pages budget', () => {
  it('counts each page whole (its key too): empty pages under keys of their own stay within it', () => {
    const budget = 100_000;
    const cache = new ItemPageCache(
      () => '1/1',
      () => undefined,
      () => false,
      budget,
    );
    // A filter no item matches, a different one each time (as any viewer may ask): "[]" under a long key.
    const keyOf = (i: number) =>
      JSON.stringify(['u', ['u@example.com'], { ownerContains: `nobody-${i}` }, page]);
    for (let i = 0; i < 20_000; i++) cache.set(keyOf(i), '1/1', { items: '[]', next: null });
    const held = (cache as unknown as { pages: Map<string, unknown> }).pages;
    let chars = 0;
    for (const key of held.keys()) chars += key.length + 2;
    expect(chars).toBeLessThanOrEqual(budget);
    // The newest are kept, the oldest went first.
    expect(cache.get(keyOf(19_999), '1/1')).toEqual({ items: '[]', next: null });
    expect(cache.get(keyOf(0), '1/1')).toBeUndefined();
  });
});

describe.each(testDialects())('migration 2026-12-11-300 on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  }, 60_000);
  afterAll(async () => t?.dispose());

  it('runs again, down and up again', async () => {
    await itemPageGeneration.up(t.store.db);
    await itemPageGeneration.down(t.store.db);
    await itemPageGeneration.up(t.store.db);
    await itemPageGeneration.up(t.store.db);
    if (dialect !== 'sqlite') return;
    const { rows } = await sql<{ gen: number }>`select gen from item_page_generation`.execute(t.store.db);
    expect(rows).toEqual([{ gen: 0 }]);
    const reports = new ReportRepository(t.store);
    await reports.create('m-1', report('m-1', 'Before'), info);
    await sql`update reports set title = 'After' where id = 'm-1'`.execute(t.store.db);
    const again = await sql<{ gen: number }>`select gen from item_page_generation`.execute(t.store.db);
    expect(again.rows[0]!.gen).toBe(1);
  });
});
