// PostgreSQL's change mark (database.ts ChangeListener, migration 2026-12-13-300): two stores on one database,
// as two servers would be. What one commits shows in the other once its notification has arrived (the wait
// below, a few milliseconds: the staleness this allows), and at once in the one that wrote it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import * as changeNotify from './migrations/2026-12-13-300-pg-change-notify.js';
import { ReportRepository, migrateToLatest, openStore, type Store, type Viewer } from './index.js';
import pg from 'pg';
import { ChangeListener, writesNotified } from './database.js';

const make = (title: string): Report => reportSchema.parse({ kind: 'outage', title });
const anyone: Viewer = { userId: 'nobody', principals: [] };
const info = { userId: null, summary: 'created', changes: [] };

/** The store's mark once it listens (the first ask starts listening). */
async function listening(store: Store): Promise<Buffer> {
  for (let i = 0; i < 200; i++) {
    const mark = store.changeMark!();
    if (mark) return mark;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('never listened');
}

/** Wait until `test` holds, at most two seconds. */
async function until(test: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('never');
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDialects().filter((d) => d === 'postgres'))('the change mark of %s', () => {
  let t: TestStore;
  let other: Store;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    other = openStore(t.url, { poolSize: 2 });
  });
  afterAll(async () => {
    await other?.close();
    await t?.dispose();
  });

  it('moves in another process with each commit that changes reports, their side rows or action items, and only then', async () => {
    const a = new ReportRepository(t.store);
    await a.create('m-1', make('First'), info);
    const mark = await listening(other);
    // Reads, and writes to other tables, leave it.
    await sql`select count(*) from reports`.execute(other.db);
    await sql`select count(*) from reports`.execute(t.store.db);
    await sql`insert into login_failures (key, at) values ('k', '2026-01-01T00:00:00.000Z')`.execute(
      t.store.db,
    );
    await pause(200);
    expect(other.changeMark!()!.equals(mark)).toBe(true);
    // A rolled-back change sends nothing.
    await t.store.db
      .transaction()
      .execute(async (trx) => {
        await sql`update reports set title = 'Rolled back' where id = 'm-1'`.execute(trx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await pause(200);
    expect(other.changeMark!()!.equals(mark)).toBe(true);
    // A save in the first store; a tag written by hand.
    await a.update('m-1', 1, make('Second'), { ...info, summary: 'edited' });
    await until(() => !other.changeMark!()!.equals(mark));
    const next = other.changeMark!()!;
    await sql`delete from report_tags`.execute(t.store.db);
    await until(() => !other.changeMark!()!.equals(next));
  });

  it('moves at once in the process that wrote, before its notification comes back', async () => {
    const before = await listening(t.store);
    await sql`update reports set title = 'Here' where id = 'm-1'`.execute(t.store.db);
    expect(t.store.changeMark!()!.equals(before)).toBe(false);
  });

  /** A listener of its own, listening, and a client whose statements it watches, as a pool's would be. */
  async function watched(): Promise<{
    listener: ChangeListener;
    client: pg.Client;
    done: () => Promise<void>;
  }> {
    const listener = new ChangeListener(t.url);
    const client = new pg.Client({ connectionString: t.url });
    listener.mark();
    await until(() => listener.mark() !== undefined);
    await client.connect();
    listener.watch(client as unknown as pg.PoolClient);
    // Its notifications held back: what moves the mark is then this process's own rule alone.
    (
      listener as unknown as { client: { connection: { stream: { pause(): void } } } }
    ).client.connection.stream.pause();
    return {
      listener,
      client,
      done: async () => {
        listener.close();
        await client.end();
      },
    };
  }

  it('moves again at the commit of a transaction that rolled back to a savepoint after its write', async () => {
    const { listener, client, done } = await watched();
    try {
      await client.query('begin');
      await client.query("update reports set title = 'Before a savepoint' where id = 'm-1'");
      await client.query('savepoint s');
      await client.query("insert into login_failures (key, at) values ('s', '2026-01-01T00:00:00.000Z')");
      await client.query('rollback to savepoint s');
      // A read here takes this mark and reads the title before the commit: it must not stand after it.
      const inside = listener.mark()!;
      await client.query('commit');
      expect(listener.mark()!.equals(inside)).toBe(false);
    } finally {
      await done();
    }
  });

  it('moves for a query given a callback once it has run, not when it is sent', async () => {
    const { listener, client, done } = await watched();
    try {
      const before = listener.mark()!;
      let atCallback: Buffer | undefined;
      const ran = new Promise<void>((resolve, reject) =>
        client.query("update reports set title = 'By callback' where id = 'm-1'", [], (error) => {
          atCallback = listener.mark();
          if (error) reject(error);
          else resolve();
        }),
      );
      // Sent, not yet run: a read taking the mark now reads the row before it.
      const atSend = listener.mark()!;
      await ran;
      expect(atSend.equals(before)).toBe(true);
      expect(atCallback!.equals(before)).toBe(false);
    } finally {
      await done();
    }
  });

  it("serves a kept list page until another process's save shows, then the page with it", async () => {
    const a = new ReportRepository(t.store);
    const b = new ReportRepository(other);
    await listening(other);
    // The notification of the last test's write has come.
    await pause(200);
    const first = await b.list(anyone, {}, { limit: 50, offset: 0 });
    // Kept: the same answer, not read again.
    expect(await b.list(anyone, {}, { limit: 50, offset: 0 })).toBe(first);
    await a.create('m-2', make('Another'), info);
    await until(
      async () =>
        (await b.list(anyone, {}, { limit: 50, offset: 0 })).items.length === first.items.length + 1,
    );
    const now = await b.list(anyone, {}, { limit: 50, offset: 0 });
    expect(now.items.map((i) => i.id)).toContain('m-2');
    expect(now.total).toBe(first.total + 1);
  });

  it("serves a kept page of action items until another process's save shows, then the page with it", async () => {
    const a = new ReportRepository(t.store);
    const b = new ReportRepository(other);
    await listening(other);
    await pause(200);
    const first = await b.actionItems(anyone, {}, { limit: 50, offset: 0 });
    expect(await b.actionItems(anyone, {}, { limit: 50, offset: 0 })).toBe(first);
    const withItem = reportSchema.parse({
      kind: 'outage',
      title: 'With an action',
      actions: { items: [{ id: 'A1', title: 'Fix it', owner: 'Pat' }] },
    });
    await a.create('m-3', withItem, info);
    await until(
      async () =>
        (await b.actionItems(anyone, {}, { limit: 50, offset: 0 })).items.length === first.items.length + 1,
    );
    // The same page as JSON text, kept too: the items as the object path gives them.
    const json = (await b.actionItemsJson(anyone, {}, { limit: 50, offset: 0 }))!;
    expect(await b.actionItemsJson(anyone, {}, { limit: 50, offset: 0 })).toBe(json);
    const objects = await b.actionItems(anyone, {}, { limit: 50, offset: 0 });
    expect(JSON.parse(json.items)).toEqual(objects.items);
    expect(json.total).toBe(objects.total);
    await a.update('m-3', 1, reportSchema.parse({ ...withItem, title: 'Renamed' }), info);
    await until(async () =>
      (await b.actionItemsJson(anyone, {}, { limit: 50, offset: 0 }))!.items.includes('Renamed'),
    );
  });

  it('is not there on a database without the notifying triggers (not migrated yet)', async () => {
    const old = await openTestStore('postgres', { through: '2026-12-12-101-key-index' });
    try {
      old.store.changeMark!();
      await pause(300);
      expect(old.store.changeMark!()).toBeUndefined();
      // Once migrated, it listens (at its next try).
      await migrateToLatest(old.store);
      // Re-runnable.
      await changeNotify.up(old.store.db);
      await pause(2_100);
      await listening(old.store);
    } finally {
      await old.dispose();
    }
  });
});

describe('which statements of this process move its mark at once', () => {
  it('those writing what the triggers notify, not the poller bookkeeping, scores or tallies', () => {
    const cases: [string, boolean][] = [
      [
        'with w0 as (insert into "reports" ("id") select 1), w1 as (insert into "report_tags" (x) select 1) select 1',
        true,
      ],
      [
        'with u as (update reports set version = 2 where id = $1 returning *), d0 as (delete from report_tags where report_id = $1) select 1',
        true,
      ],
      ['delete from report_people where report_id = $1', true],
      ['update "reports" set "deleted_at" = $1 where "id" = $2', true],
      ['update "tracker_links" set "status" = $1 where "report_id" = $2', true],
      ['update tracker_links set state = $1, polled_at = $2 where report_id = $3', true],
      [
        'update tracker_links set polled_at = $1 where (report_id, action_id) in (select report_id, action_id from x)',
        false,
      ],
      ['update report_facts set quality_score = $1 from reports where reports.id = $2', false],
      [
        "insert into insight_kept (quarter, figure, n) values ($1, 'reports', 1) on conflict do update set n = 1",
        false,
      ],
      ['select * from reports where id = $1 for update', false],
      ['insert into audit_log (x) values (1)', false],
    ];
    for (const [text, moves] of cases) expect([text, writesNotified(text)]).toEqual([text, moves]);
  });
});
