// Kept totals (count-cache.ts) follow count_generation on SQLite (migration 2026-12-10-300): every writer of
// counted data must show in the next total, and commits that change nothing counted (the background scorer's
// score writes) must not make the next page count afresh. On PostgreSQL, totals are kept for a few seconds and
// forgotten by any save through this process: the same writers show at once through the repository.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { reportSchema, type Report } from '../domain/index.js';
import { CountCache, countRows } from './count-cache.js';
import { CountWorker } from './count-worker.js';
import { migrateToLatest, openStore, ReportRepository, writeScore, type Viewer } from './index.js';
import * as countGeneration from './migrations/2026-12-10-300-count-generation.js';

const info = { userId: null, summary: 'saved', changes: [] };
const anyone: Viewer = { userId: 'nobody', principals: ['nobody'] };
const dana: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };
const page = { limit: 5, offset: 0 };

const report = (id: string, changes: Partial<Report> = {}): Report =>
  reportSchema.parse({ ...buildReport({ id }), ...changes });
const withActions = (r: Report, map: (a: Report['actions']['items'][number]) => object): Report =>
  reportSchema.parse({
    ...r,
    actions: { ...r.actions, items: r.actions.items.map((a) => ({ ...a, ...map(a) })) },
  });

describe.each(testDialects())('kept totals follow every writer on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  let version = 0;
  let current: Report;

  /** Every total the list, action-item and search pages show, as one viewer sees them. */
  const totals = async (viewer: Viewer = anyone) => ({
    reports: (await reports.list(viewer, {}, page)).total,
    published: (await reports.list(viewer, { state: 'published' }, page)).total,
    tagged: (await reports.list(viewer, { tag: 'zeppelin' }, page)).total,
    items: (await reports.actionItems(viewer, {}, page)).total,
    overdue: (await reports.actionItems(viewer, { overdueOn: '2030-01-01' }, page)).total,
    awaiting: (await reports.actionItems(viewer, { awaitingVerification: true }, page)).total,
    completed: (await reports.actionItems(viewer, { status: 'completed' }, page)).total,
    searched: (await reports.search(viewer, 'quokka', page)).total,
  });
  const save = async (next: Report) => {
    current = next;
    version = (await reports.update('c-1', version, next, info)).version;
  };

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    for (const id of ['c-0', 'c-2']) await reports.create(id, report(id), info);
    current = report('c-1');
  }, 60_000);
  afterAll(async () => t?.dispose());

  it('shows creates, edits, deletes, restores, restrictions and membership changes in the next total', async () => {
    const before = await totals();
    await reports.create('c-1', current, info);
    version = 1;
    let now = await totals();
    expect(now.reports).toBe(before.reports + 1);
    expect(now.items).toBe(before.items + 2);
    expect(now.overdue).toBe(before.overdue + 1);

    // What a tracker's webhook does when the linked issue is closed: the action saved as completed.
    await save(withActions(current, (a) => (a.id === 'A1' ? { status: 'completed' } : {})));
    const closed = await totals();
    expect(closed.completed).toBe(now.completed + 1);
    expect(closed.awaiting).toBe(now.awaiting + 1);
    expect(closed.overdue).toBe(now.overdue - 1);

    // A verification recorded.
    await save(
      withActions(current, (a) =>
        a.id === 'A1' ? { verification: { result: 'effective', on: '2024-05-01', by: 'Kim Example' } } : {},
      ),
    );
    now = await totals();
    expect(now.awaiting).toBe(closed.awaiting - 1);

    // State, tags and the prose searched.
    await save(reportSchema.parse({ ...current, state: 'published', tags: ['zeppelin'] }));
    expect(await totals()).toMatchObject({ published: now.published + 1, tagged: now.tagged + 1 });
    await save(
      reportSchema.parse({ ...current, summary: { ...current.summary, whatHappened: 'A quokka.' } }),
    );
    expect((await totals()).searched).toBe(now.searched + 1);
    now = await totals();

    await reports.softDelete('c-1', null);
    expect(await totals()).toMatchObject({ reports: now.reports - 1, items: now.items - 2, searched: 0 });
    await reports.undelete('c-1', null);
    expect(await totals()).toEqual(now);
    version = (await reports.get('c-1'))!.version;

    // Restricted to Dana: gone for anyone else, there for her; then Dana taken off the members.
    const danaBefore = await totals(dana);
    await save(reportSchema.parse({ ...current, visibility: 'restricted', members: ['dana@example.com'] }));
    expect((await totals()).reports).toBe(now.reports - 1);
    expect((await totals()).items).toBe(now.items - 2);
    expect(await totals(dana)).toEqual(danaBefore);
    await save(reportSchema.parse({ ...current, members: ['erin@example.com'] }));
    expect((await totals(dana)).reports).toBe(danaBefore.reports - 1);
    expect((await totals(dana)).items).toBe(danaBefore.items - 2);
  });

  it('does not count again after a score write, nor a list after a prose edit', async () => {
    const cache = CountCache.forStore(t.store);
    const asked: string[] = [];
    const counter = (name: string) => async () => {
      asked.push(name);
      return 1;
    };
    const ask = async () => {
      await cache.get('rows', counter('rows'), 'rows');
      await cache.get('text', counter('text'));
    };
    await ask();
    expect(asked).toEqual(['rows', 'text']);
    const { version: v } = (await reports.get('c-2'))!;
    expect(await writeScore(t.store, 'c-2', v, 73)).toBe(true);
    await ask();
    // On PostgreSQL the totals are kept while its change mark stands, which a score write does not move.
    expect(asked).toEqual(['rows', 'text']);
    if (dialect !== 'sqlite') return;
    // A prose edit changes what a search matches, not what lists count.
    const stored = (await reports.get('c-2'))!;
    const edited = { ...stored.report, summary: { ...stored.report.summary, impact: 'Fewer orders.' } };
    await reports.update('c-2', stored.version, reportSchema.parse(edited), info);
    await ask();
    expect(asked).toEqual(['rows', 'text', 'text']);
    // A change lists count: both.
    await reports.softDelete('c-2', null);
    await ask();
    expect(asked).toEqual(['rows', 'text', 'text', 'rows', 'text']);
  });

  it('runs again, down and up again', async () => {
    const before = await totals();
    await countGeneration.up(t.store.db);
    await countGeneration.down(t.store.db);
    // Without the table, kept totals fall back to the change mark (or, on PostgreSQL, time): still right.
    const fresh = new ReportRepository(t.store);
    expect((await fresh.list(anyone, {}, page)).total).toBe(before.reports);
    await migrateToLatest(t.store);
    await countGeneration.up(t.store.db);
    expect(await totals()).toEqual(before);
  });
});

// On SQLite another process may write the file: the triggers move the counters whoever writes.
describe('kept totals on SQLite follow another connection', () => {
  let t: TestStore;
  let reports: ReportRepository;
  const totals = async () => ({
    reports: (await reports.list(anyone, {}, page)).total,
    tagged: (await reports.list(anyone, { tag: 'zeppelin' }, page)).total,
    items: (await reports.actionItems(anyone, {}, page)).total,
    completed: (await reports.actionItems(anyone, { status: 'completed' }, page)).total,
  });
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    reports = new ReportRepository(t.store);
    await reports.create('c-0', report('c-0'), info);
  }, 60_000);
  afterAll(async () => t?.dispose());

  it('shows writes by another connection (another process) in the next total', async () => {
    const before = await totals();
    const other = openStore(t.url);
    try {
      await new ReportRepository(other).create('c-other', report('c-other'), info);
      const created = await totals();
      expect(created).toMatchObject({ reports: before.reports + 1, items: before.items + 2 });
      // A plain statement, as a script or an older build would write: the triggers see it too.
      await sql`update action_items set status = 'completed' where report_id = 'c-other' and item_id = 'A1'`.execute(
        other.db,
      );
      expect((await totals()).completed).toBe(created.completed + 1);
      await sql`insert into report_tags (report_id, tag) values ('c-other', 'zeppelin')`.execute(other.db);
      expect((await totals()).tagged).toBe(created.tagged + 1);
    } finally {
      await other.close();
    }
  });
});

describe('a count under way on SQLite', () => {
  it('is not shared with a request made after a save that moved the generation', async () => {
    const t = await openTestStore('sqlite');
    try {
      const reports = new ReportRepository(t.store);
      const cache = CountCache.forStore(t.store);
      let release = () => {};
      const gate = new Promise<void>((r) => (release = r));
      const first = cache.get(
        'k',
        async () => {
          await gate;
          return 1;
        },
        'rows',
      );
      await reports.create('g-0', report('g-0'), info);
      const second = cache.get('k', async () => 2, 'rows');
      release();
      expect((await first).total).toBe(1);
      expect((await second).total).toBe(2);
    } finally {
      await t.dispose();
    }
  });
});

// On a SQLite file, counts are taken by a worker thread with its own connection (count-worker.ts), not on the
// event loop: it sees what is committed, as any other reader, and the totals are the same.
describe('counts of a SQLite file on the count worker', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
  });
  afterAll(async () => t?.dispose());

  it('counts on another connection (a write not yet committed here is not counted) and gives the same totals', async () => {
    const reports = new ReportRepository(t.store);
    for (const id of ['w-0', 'w-1']) await reports.create(id, report(id), info);
    expect((await reports.list(anyone, {}, page)).total).toBe(2);
    const rows = sql`select 1 as one from action_items limit ${100}`;
    expect(await countRows(t.store.db, rows)).toBe(4);
    // An open transaction on the store's connection: its connection would count the row, the worker's does not.
    t.store.sqlite!.exec('begin');
    try {
      t.store.sqlite!.exec(`insert into action_items (report_id, position, item_id, title, status)
        values ('w-0', 9, 'A9', 'Uncommitted', 'open')`);
      expect(t.store.sqlite!.prepare('select count(*) from action_items').pluck().get()).toBe(5);
      expect(await countRows(t.store.db, rows)).toBe(4);
    } finally {
      t.store.sqlite!.exec('rollback');
    }
    const worker = new CountWorker(t.url);
    expect(await worker.count('select count(*) from reports where id > ?', ['w-0'])).toBe(1);
    await expect(worker.count('select nonsense', [])).rejects.toThrow();
    await worker.close();
    await expect(worker.count('select 1', [])).rejects.toThrow();
    // A worker that cannot open its file fails the count (the caller counts instead) and is not started again.
    const broken = new CountWorker(`${t.url}.missing`);
    await expect(broken.count('select 1', [])).rejects.toThrow();
    await expect(broken.count('select 1', [])).rejects.toThrow('closed');
  });
});

// The generation is read on the store's own connection, which sees a transaction of its own still open (an
// async Kysely transaction: a deletion, a restore), while the worker counts only what is committed.
describe('a count taken while a transaction of the store is open', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    const reports = new ReportRepository(t.store);
    for (const id of ['o-0', 'o-1', 'o-2']) await reports.create(id, report(id), info);
  });
  afterAll(async () => t?.dispose());

  const live = (limit: number) =>
    t.store.db
      .selectFrom('reports')
      .where('deleted_at', 'is', null)
      .select(sql`1`.as('one'))
      .limit(limit);

  it('is not kept under the generation that transaction moved (committed or rolled back)', async () => {
    const counts = CountCache.forStore(t.store);
    const total = async () =>
      (await counts.get('live', (cap) => countRows(t.store.db, live(cap)), 'rows')).total;
    expect(await total()).toBe(3);
    // Another commit first, so that the counters are read again at the next count.
    await t.store.db.updateTable('reports').set({ title: 'Renamed' }).where('id', '=', 'o-2').execute();
    await t.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('reports')
        .set({ deleted_at: '2026-01-01T00:00:00Z' })
        .where('id', '=', 'o-0')
        .execute();
      expect(await total()).toBe(3);
    });
    expect(await total()).toBe(2);

    // Rolled back: the generation it moved is the next commit's, which must not find that count.
    await expect(
      t.store.db.transaction().execute(async (trx) => {
        await trx.updateTable('reports').set({ deleted_at: null }).where('id', '=', 'o-0').execute();
        expect(await total()).toBe(2);
        throw new Error('undone');
      }),
    ).rejects.toThrow('undone');
    await t.store.db
      .updateTable('reports')
      .set({ deleted_at: '2026-01-01T00:00:00Z' })
      .where('id', '=', 'o-1')
      .execute();
    expect(await total()).toBe(1);
  });
});

describe('a count worker ended for being idle', () => {
  it('does not fail the counts of the worker started after it when it exits', async () => {
    const t = await openTestStore('sqlite');
    const worker = new CountWorker(t.url, 100);
    try {
      expect(await worker.count('select count(*) from reports', [])).toBe(0);
      expect(worker.size).toBe(1);
      // The idle time-out ends the thread; a count asked after that starts the next one.
      const t0 = performance.now();
      while (worker.size > 0 && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
      expect(worker.size).toBe(0);
      await expect(worker.count('select 7', [])).resolves.toBe(7);
      // And one asked the moment the thread is ended for being idle (its exit comes after).
      while (worker.size > 0 && performance.now() - t0 < 10_000) await new Promise((r) => setImmediate(r));
      await expect(worker.count('select 8', [])).resolves.toBe(8);
    } finally {
      await worker.close();
      await t.dispose();
    }
  }, 30_000);
});

describe('a process whose only work is a count on the worker', () => {
  it('waits for the count before it ends', async () => {
    const t = await openTestStore('sqlite');
    try {
      await new ReportRepository(t.store).create('x-0', report('x-0'), info);
      const { execFileSync } = await import('node:child_process');
      const program = `
        const { openStore, ReportRepository } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)});
        const store = openStore(${JSON.stringify(t.url)});
        const page = await new ReportRepository(store).list({ userId: 'n', principals: [] }, {}, { limit: 1, offset: 0 });
        process.stdout.write('total ' + page.total);`;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
        encoding: 'utf8',
      });
      expect(out).toBe('total 1');
    } finally {
      await t.dispose();
    }
  }, 60_000);
});
