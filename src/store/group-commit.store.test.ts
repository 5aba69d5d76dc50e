// Saves arriving together (written in group commits: on SQLite each in its own savepoint, on PostgreSQL one after
// another, a group rolled back and written again without a save whose statement failed): each is answered on its
// own, a failing one takes no other with it, every acknowledged save is there afterwards, and the kept insight
// tallies a group writes once at its end equal ones computed afresh.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../domain/index.js';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { openStore, type Store } from './database.js';
import { MemoryRepository, OutboxRepository, ReportRepository } from './index.js';
import type { ReportFactsTable } from './database.types.js';
import { applyKept, applyKeptSqlite, rebuildKept } from './insight-kept.js';
import { scoreUnscored } from './quality-scores.js';

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

  it('answers a save whose statement fails with its error, and writes the others of its group', async () => {
    const reports = new ReportRepository(t.store);
    const memory = new MemoryRepository(t.store);
    // A real failure inside the database, for one report title only.
    if (dialect === 'postgres') {
      await sql`create function boom() returns trigger language plpgsql as $$
        begin raise exception 'boom refused'; end $$`.execute(t.store.db);
      await sql`create trigger boom before insert or update on reports for each row
        when (new.title like 'Boom%') execute function boom()`.execute(t.store.db);
    } else {
      await sql`create trigger boom before insert on reports when new.title like 'Boom%'
        begin select raise(abort, 'boom refused'); end`.execute(t.store.db);
      await sql`create trigger boom_update before update on reports when new.title like 'Boom%'
        begin select raise(abort, 'boom refused'); end`.execute(t.store.db);
    }
    try {
      const before = await memory.generation();
      const titles = Array.from({ length: 12 }, (_, i) => (i === 5 ? 'Boom 5' : `Fine ${i}`));
      const created = await Promise.allSettled(
        titles.map((title, i) => reports.create(`b-${i}`, buildReport({ id: `b-${i}`, title }), info)),
      );
      expect(created.map((r) => r.status)).toEqual(
        titles.map((x) => (x.startsWith('Boom') ? 'rejected' : 'fulfilled')),
      );
      expect(String((created[5] as PromiseRejectedResult).reason)).toMatch(/boom refused/);
      expect(await reports.get('b-5')).toBeUndefined();
      for (let i = 0; i < 12; i++)
        if (i !== 5) expect((await reports.get(`b-${i}`))?.report.title).toBe(`Fine ${i}`);
      expect(await memory.generation()).toBe(before + 11);

      // Updates together: one refused by the database, one stale, the others written.
      const updates = await Promise.allSettled(
        [0, 1, 2, 3, 4, 6].map((i) =>
          reports.update(
            `b-${i}`,
            i === 4 ? 7 : 1,
            buildReport({ id: `b-${i}`, title: i === 2 ? 'Boom again' : `Edited ${i}`, severity: 'SEV1' }),
            info,
          ),
        ),
      );
      expect(updates.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(String((updates[2] as PromiseRejectedResult).reason)).toMatch(/boom refused/);
      expect(((updates[4] as PromiseRejectedResult).reason as AppError).code).toBe('conflict');
      for (const i of [0, 1, 3, 6]) {
        const stored = await reports.get(`b-${i}`);
        expect([stored?.version, stored?.report.title, stored?.report.severity]).toEqual([
          2,
          `Edited ${i}`,
          'SEV1',
        ]);
      }
      expect((await reports.get('b-2'))?.report.title).toBe('Fine 2');
      expect((await reports.get('b-4'))?.version).toBe(1);
    } finally {
      await sql`drop trigger if exists boom${sql.raw(dialect === 'postgres' ? ' on reports' : '')}`.execute(
        t.store.db,
      );
      if (dialect === 'sqlite') await sql`drop trigger if exists boom_update`.execute(t.store.db);
    }
  });

  it('keeps the insight tallies of saves written together equal to ones computed afresh', async () => {
    const reports = new ReportRepository(t.store);
    const read = async () =>
      (
        await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
          where n <> 0 order by quarter, severity, figure, grp`.execute(t.store.db)
      ).rows;
    // Durations that differ from report to report, and severities moved both ways at once: each value leaves
    // one bucket's key (which finds its least and greatest value again) and joins another's.
    const ids = Array.from({ length: 16 }, (_, i) => `k-${i}`);
    const build = (i: number, severity: 'SEV1' | 'SEV2' | 'SEV3') => {
      const r = buildReport({ id: ids[i], title: `Kept ${i}`, severity });
      const timeline = r.details.timeline.map((e, k) =>
        k >= 1 ? { ...e, at: new Date(Date.parse(e.at!) + (i + 1) * 7 * 60_000).toISOString() } : e,
      );
      return { ...r, details: { ...r.details, timeline } };
    };
    await Promise.all(ids.map((id, i) => reports.create(id, build(i, i % 2 ? 'SEV1' : 'SEV3'), info)));
    await Promise.all(ids.map((id, i) => reports.update(id, 1, build(i, i % 3 ? 'SEV3' : 'SEV2'), info)));
    const kept = await read();
    expect(kept.length).toBeGreaterThan(20);
    await rebuildKept(t.store);
    expect(kept).toEqual(await read());
  });
});

// Groups whose saves move durations between few values (so a bucket often holds its least or greatest value
// twice), and move one report more than once in a group (a value leaving and coming back, or passing through):
// after every group the kept rows, their least and greatest values included, equal ones computed afresh.
describe.each(testDialects())('kept bucket ends across groups of saves on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => t?.dispose());

  it('stay equal to a rebuild after every group', async () => {
    const reports = new ReportRepository(t.store);
    const memory = new MemoryRepository(t.store);
    const read = async () =>
      (
        await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
          where n <> 0 order by quarter, severity, figure, grp`.execute(t.store.db)
      ).rows;
    // mulberry32: a small seeded generator, so that a failure is the same on every run.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n) | 0;
    };
    const severities = ['SEV1', 'SEV2'] as const;
    const build = (id: string, step: number, severity: 'SEV1' | 'SEV2') => {
      const r = buildReport({ id, title: `Bucket ${id}`, severity });
      const timeline = r.details.timeline.map((e, k) =>
        k >= 1 ? { ...e, at: new Date(Date.parse(e.at!) + step * 10_000).toISOString() } : e,
      );
      return { ...r, details: { ...r.details, timeline } };
    };
    const ids = Array.from({ length: 8 }, (_, i) => `e-${i}`);
    const versions = new Map<string, number>();
    await Promise.all(
      ids.map(async (id) => {
        await reports.create(id, build(id, random(4), 'SEV1'), info);
        versions.set(id, 1);
      }),
    );
    // Two more saved once, then only refused, after their rows are written: one whose statement fails (its
    // savepoint undone on SQLite), one whose failure ends the group's transaction (the group written again
    // without it). Neither may leave its facts row's change in the kept tallies.
    for (const id of ['e-refused', 'e-aborts']) await reports.create(id, build(id, 0, 'SEV1'), info);
    if (dialect === 'postgres') {
      await sql`create function refuse_revision() returns trigger language plpgsql as $$
        begin raise exception 'revision refused'; end $$`.execute(t.store.db);
      await sql`create trigger refuse_revision before insert on report_revisions for each row
        when (new.report_id in ('e-refused', 'e-aborts')) execute function refuse_revision()`.execute(
        t.store.db,
      );
    } else {
      t.store.sqlite!.exec(`create trigger refuse_revision before insert on report_revisions
        when new.report_id = 'e-refused' begin select raise(abort, 'revision refused'); end;
        create trigger abort_revision before insert on report_revisions
        when new.report_id = 'e-aborts' begin select raise(rollback, 'revision aborts the group'); end`);
    }
    for (let round = 0; round < 12; round++) {
      const saves: Promise<unknown>[] = [];
      const refused: Promise<unknown>[] = [];
      for (let k = 0; k < 6; k++) {
        const id = ids[random(ids.length)]!;
        const version = versions.get(id)!;
        versions.set(id, version + 1);
        saves.push(reports.update(id, version, build(id, random(4), severities[random(2)]!), info));
        if (k === 1 || k === 3)
          refused.push(
            reports.update(k === 1 ? 'e-refused' : 'e-aborts', 1, build('e-x', 1 + random(3), 'SEV2'), info),
          );
      }
      const before = await memory.generation();
      const [answers, refusals] = await Promise.all([Promise.allSettled(saves), Promise.allSettled(refused)]);
      // By one an acknowledged save at most (a refused one, or a round written again, moves it by none).
      expect((await memory.generation()) - before).toBeLessThanOrEqual(saves.length);
      expect(answers.filter((a) => a.status === 'rejected')).toEqual([]);
      expect(refusals.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      const kept = await read();
      await rebuildKept(t.store);
      expect(kept, `after group ${round}`).toEqual(await read());
    }
  });
});

// A save whose error ends the whole transaction, not just its own savepoint: on SQLite a trigger's
// RAISE(ROLLBACK) (as a full disk or an I/O error can), on PostgreSQL any error in the save's transaction.
// Every save that was acknowledged must be stored, every one that was refused must not be, and a save that had
// nothing wrong with it must not be refused because another one in its group was.
describe.each(testDialects())('a save that aborts its group on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
    if (dialect === 'sqlite') {
      t.store.sqlite!.exec(`create trigger abort_group before insert on reports when new.title = 'Abort'
        begin select raise(rollback, 'this save aborts its transaction'); end`);
    } else {
      await sql`create function abort_group() returns trigger language plpgsql as $$
        begin raise exception 'this save aborts its transaction'; end $$`.execute(t.store.db);
      await sql`create trigger abort_group before insert on reports for each row
        when (new.title = 'Abort') execute function abort_group()`.execute(t.store.db);
    }
  });
  afterAll(async () => t?.dispose());

  it('answers every other save of the group rightly and stores exactly the acknowledged ones', async () => {
    const reports = new ReportRepository(t.store);
    await reports.create('u-0', buildReport({ id: 'u-0', title: 'Before' }), info);
    // Creates before and after the hostile one, and an update, all arriving in one event-loop turn.
    const titles = ['One', 'Two', 'Abort', 'Three', 'Four'];
    const saves = [
      ...titles.map((title, i) => reports.create(`a-${i}`, buildReport({ id: `a-${i}`, title }), info)),
      reports.update('u-0', 1, buildReport({ id: 'u-0', title: 'After' }), info),
    ];
    const answers = await Promise.allSettled(saves);
    const refused = answers.flatMap((a, i) => (a.status === 'rejected' ? [i] : []));
    expect(refused).toEqual([2]);
    expect(String((answers[2] as PromiseRejectedResult).reason)).toMatch(/aborts its transaction/);
    for (const [i, title] of titles.entries()) {
      const stored = await reports.get(`a-${i}`);
      expect(stored?.report.title).toBe(title === 'Abort' ? undefined : title);
      if (stored) expect((await reports.revisions(`a-${i}`)).map((r) => r.version)).toEqual([1]);
    }
    const updated = await reports.get('u-0');
    expect([updated?.version, updated?.report.title]).toEqual([2, 'After']);
    // The seqs stay one per report with no gap a rolled-back group would leave taken.
    const seqs = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.seq] : []));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('keeps answering saves after an aborted group', async () => {
    const reports = new ReportRepository(t.store);
    const again = await Promise.allSettled([
      reports.create('b-0', buildReport({ id: 'b-0', title: 'Abort' }), info),
      reports.create('b-1', buildReport({ id: 'b-1', title: 'Fine' }), info),
      reports.create('b-2', buildReport({ id: 'b-2', title: 'Abort' }), info),
    ]);
    expect(again.map((a) => a.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    expect(await reports.get('b-0')).toBeUndefined();
    expect((await reports.get('b-1'))?.report.title).toBe('Fine');
    expect(await reports.get('b-2')).toBeUndefined();
    const later = await reports.create('b-3', buildReport({ id: 'b-3', title: 'Later' }), info);
    expect(later.id).toBe('b-3');
  });
});

// A writer of the facts row outside the saves (the background quality scorer, quality-scores.ts) that commits
// while an update of the same report is under way on PostgreSQL: the update must subtract from the kept tallies
// the facts row as that writer left it, not as it stood when the update's first statement began.
describe.each(testDialects().filter((d) => d === 'postgres'))(
  'a facts row written beside an update on %s',
  (dialect) => {
    let t: TestStore;
    beforeAll(async () => {
      t = await openTestStore(dialect);
    });
    afterAll(async () => t?.dispose());

    /** The kept tallies' rows that count. */
    const read = async () =>
      (
        await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
        where n <> 0 order by quarter, severity, figure, grp`.execute(t.store.db)
      ).rows;

    /** A transaction holding a lock: `locked` once it holds it (then `lockTaken` resolves), until `release`. */
    const gate = () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      return { held, release, locked, lockTaken };
    };

    it('keeps the insight tallies equal to ones computed afresh', async () => {
      const reports = new ReportRepository(t.store);
      await reports.create('q-0', buildReport({ id: 'q-0', title: 'Scored' }), info);
      const { held, release, locked, lockTaken } = gate();
      // As the scorer does: the facts row read, updated, and its change applied to the kept tallies.
      const scorer = t.store.db.transaction().execute(async (trx) => {
        const prev = (await trx
          .selectFrom('report_facts')
          .selectAll()
          .where('report_id', '=', 'q-0')
          .executeTakeFirst())!;
        const set = { quality_score: 75, b_quality: 7 };
        await trx.updateTable('report_facts').set(set).where('report_id', '=', 'q-0').execute();
        await applyKept(trx, 'postgres', prev, { ...prev, ...set });
        locked();
        await held;
      });
      await lockTaken;
      const update = reports.update(
        'q-0',
        1,
        buildReport({ id: 'q-0', title: 'Scored', severity: 'SEV1' }),
        info,
      );
      // The update's first statement has run (or waits on the scorer's lock) before the scorer commits.
      await new Promise((resolve) => setTimeout(resolve, 500));
      release();
      await scorer;
      await update;
      const kept = await read();
      await rebuildKept(t.store);
      expect(kept).toEqual(await read());
    });

    it('keeps them equal when the scorer reads a facts row an update has locked', async () => {
      const reports = new ReportRepository(t.store);
      await reports.create('q-1', buildReport({ id: 'q-1', title: 'Scored later' }), info);
      const { held, release, locked, lockTaken } = gate();
      // The generation's counters held, so that the update's group waits at its end with its rows written and locked.
      const holder = t.store.db.transaction().execute(async (trx) => {
        await sql`select n from insight_generation for update`.execute(trx);
        locked();
        await held;
      });
      await lockTaken;
      const update = reports.update(
        'q-1',
        1,
        buildReport({ id: 'q-1', title: 'Scored later', severity: 'SEV3' }),
        info,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const scored = scoreUnscored(t.store, () => 42, { budgetMs: Infinity });
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await holder;
      await update;
      await scored;
      const kept = await read();
      await rebuildKept(t.store);
      expect(kept).toEqual(await read());
    });
  },
);

// FTS5 writes the entries it holds as a new segment of its index whenever a savepoint opens (each save of a group
// has one): a group's search entries are written at its end, so that they make one segment, not one a save (and
// the merges of all of those).
describe('the search entries of a group on sqlite', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    // Segments left as written, so that they can be counted.
    t.store.sqlite!.exec(`insert into report_search (report_search, rank) values ('automerge', 0)`);
  });
  afterAll(async () => t?.dispose());

  /** The segments of the search index, from its structure record (rowid 10 of report_search_data). */
  const segments = () => {
    const row = t.store.sqlite!.prepare('select block from report_search_data where id = 10').get() as
      { block: Buffer } | undefined;
    if (!row) return 0;
    // A 4-byte cookie, then the number of levels and the number of segments, each a varint.
    let at = 4;
    const varint = () => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const b = row.block[at++]!;
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return v;
      }
    };
    varint();
    return varint();
  };

  it('writes them as one segment, and finds every acknowledged save', async () => {
    const reports = new ReportRepository(t.store);
    const before = segments();
    const ids = Array.from({ length: 10 }, (_, i) => `s-${i}`);
    await Promise.all(
      ids.map((id, i) => reports.create(id, buildReport({ id, title: `Quokka ${i}` }), info)),
    );
    expect(segments()).toBe(before + 1);
    await Promise.all(
      ids.map((id, i) => reports.update(id, 1, buildReport({ id, title: `Wombat ${i}` }), info)),
    );
    expect(segments()).toBe(before + 2);
    const viewer = { userId: 'x', principals: [] };
    const page = { limit: 50, offset: 0 };
    expect((await reports.search(viewer, 'wombat', page)).total).toBe(10);
    expect((await reports.search(viewer, 'quokka', page)).total).toBe(0);
    // A save that changes neither title nor prose leaves the index as it is.
    await Promise.all(
      ids.map((id, i) =>
        reports.update(id, 2, buildReport({ id, title: `Wombat ${i}`, severity: 'SEV1' }), info),
      ),
    );
    expect(segments()).toBe(before + 2);
  });
});

// A save of a group runs in the group's transaction with no savepoint of its own (each cost a copy of every page
// the save changed and a flush of FTS5's pending entries); a save that fails after writing has the group rolled
// back and the others written again without it, and one refused before writing (a stale version) leaves them be.
describe('the saves of a group on sqlite', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
  });
  afterAll(async () => t?.dispose());

  /** How many SAVEPOINT statements `run` makes the connection execute. */
  const savepoints = async (run: () => Promise<unknown>) => {
    const proto = Object.getPrototypeOf(t.store.sqlite!.prepare('select 1')) as {
      run: (...args: unknown[]) => unknown;
    };
    const original = proto.run;
    let n = 0;
    proto.run = function (this: { source: string }, ...args: unknown[]) {
      if (/^\s*savepoint\b/i.test(this.source)) n += 1;
      return original.apply(this, args);
    };
    try {
      await run();
    } finally {
      proto.run = original;
    }
    return n;
  };

  it('opens no savepoint a save, and answers each save of a group rightly', async () => {
    const reports = new ReportRepository(t.store);
    const ids = Array.from({ length: 8 }, (_, i) => `p-${i}`);
    const made = await savepoints(() =>
      Promise.all(ids.map((id, i) => reports.create(id, buildReport({ id, title: `Plain ${i}` }), info))),
    );
    expect(made).toBe(0);
    // One stale, one failing half-way (a timeline event without a kind fails after the report row is written).
    const broken = buildReport({ id: 'p-2', title: 'Broken' });
    (broken.details.timeline[0] as { kind: unknown }).kind = null;
    const answers = await Promise.allSettled(
      ids.map((id, i) =>
        reports.update(
          id,
          i === 1 ? 5 : 1,
          i === 2 ? broken : buildReport({ id, title: `Again ${i}` }),
          info,
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(
      ids.map((_, i) => (i === 1 || i === 2 ? 'rejected' : 'fulfilled')),
    );
    expect(((answers[1] as PromiseRejectedResult).reason as AppError).code).toBe('conflict');
    for (const [i, id] of ids.entries()) {
      const stored = await reports.get(id);
      expect([stored?.version, stored?.report.title]).toEqual(
        i === 1 || i === 2 ? [1, `Plain ${i}`] : [2, `Again ${i}`],
      );
      expect((await reports.revisions(id)).length).toBe(stored?.version);
    }
  });
});

// A create on PostgreSQL in one statement (pg-save.ts, insertAllSql's `first`): its row, unless the id is taken,
// and its side rows together, with no statement before it asking whether the id is free or for the next seq.
describe.each(testDialects().filter((d) => d === 'postgres'))('a create on %s', () => {
  let t: TestStore;
  let one: Store;
  const sent: [pg.Client, string][] = [];
  const query = pg.Client.prototype.query;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    // The store's connections send their statements through this (they are bound to it as they connect).
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | null)?.text;
      if (typeof text === 'string') sent.push([this, text.replace(/\s+/g, ' ').trim()]);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    one = openStore(t.url, { poolSize: 1 });
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await one?.close();
    await t?.dispose();
  });

  it('writes the report and its side rows in one statement, and answers a taken id without writing', async () => {
    const reports = new ReportRepository(one);
    await reports.create('one-0', buildReport({ id: 'one-0' }), info); // what is asked once (the schema) is asked
    sent.length = 0;
    const created = await reports.create('one-1', buildReport({ id: 'one-1', title: 'One' }), info);
    // The save's transaction (the change listener's own connection sends statements too).
    const client = sent.find(([, s]) => s === 'begin')?.[0];
    const texts = sent.filter(([c]) => c === client).map(([, s]) => s);
    const saves = texts.slice(texts.indexOf('begin') + 1, texts.indexOf('commit'));
    expect(saves[0]).toMatch(/^\/\* one plan \*\/ with first as \(insert into reports /);
    expect(saves[0]).toMatch(/insert into "report_keys"/);
    expect(saves[0]).toMatch(/insert into "report_revisions"/);
    expect(saves).toHaveLength(2); // and the group's tail (the generation, the kept tallies)
    const { rows } = await sql<{ seq: number }>`select seq from reports where id = 'one-1'`.execute(one.db);
    expect(Number(rows[0]?.seq)).toBe(created.seq);

    const counts = async () =>
      (
        await sql<{
          n: number;
        }>`select (select count(*) from report_revisions) + (select count(*) from report_keys)
          + (select count(*) from audit_log) + (select count(*) from insight_generation where n <> 0) as n`.execute(
          one.db,
        )
      ).rows[0]?.n;
    const before = await counts();
    const generation = await new MemoryRepository(one).generation();
    await expect(reports.create('one-1', buildReport({ id: 'one-1', title: 'Again' }), info)).rejects.toThrow(
      /not available/,
    );
    expect(await counts()).toBe(before);
    expect(await new MemoryRepository(one).generation()).toBe(generation);
    expect((await reports.get('one-1'))?.report.title).toBe('One');
    const search = await sql<{
      title: string;
    }>`select title from report_search where report_id = 'one-1'`.execute(one.db);
    expect(search.rows.map((r) => r.title)).toEqual(['One']);
  });

  it('answers the loser of the same id created on two connections at once with a conflict, writing nothing of it', async () => {
    await new OutboxRepository(t.store).createWebhook(
      { url: 'https://example.com/hook', events: ['report.created'], format: 'json', active: true },
      null,
    );
    const memory = new MemoryRepository(t.store);
    const generation = await memory.generation();
    const here = new ReportRepository(t.store);
    const there = new ReportRepository(one);
    const ids = Array.from({ length: 24 }, (_, i) => `two-${i % 12}`);
    const tries = await Promise.allSettled(
      ids.map((id, i) => (i % 2 ? here : there).create(id, buildReport({ id, title: `Two ${i}` }), info)),
    );
    const refused = tries.flatMap((r) => (r.status === 'rejected' ? [r.reason as AppError] : []));
    expect(refused.map((e) => e.code)).toEqual(Array(12).fill('conflict'));
    expect(await memory.generation()).toBe(generation + 12);
    // Each winner's rows, once each, and no row of a loser.
    const { rows } = await sql<{ n: string }>`select concat_ws(',',
        (select count(*) from reports where id like 'two-%'),
        (select count(*) from report_revisions where report_id like 'two-%'),
        (select count(*) from report_search where report_id like 'two-%'),
        (select count(*) from report_facts where report_id like 'two-%'),
        (select count(*) from outbox where payload like '%two-%')) as n`.execute(t.store.db);
    expect(rows[0]?.n).toBe('12,12,12,12,12');
    const search = await sql<{ report_id: string; title: string }>`select report_id, title from report_search
      where report_id like 'two-%'`.execute(t.store.db);
    const titles = new Map(search.rows.map((r) => [r.report_id, r.title]));
    for (const [i, r] of tries.entries())
      if (r.status === 'fulfilled') {
        expect((await here.get(ids[i]!))?.report.title).toBe(`Two ${i}`);
        expect(titles.get(ids[i]!)).toBe(`Two ${i}`);
      }
  });
});

// A group's kept tallies: when a value at a bucket's end leaves it, the bucket's least and greatest value are looked
// up again, each one seek in the duration's index (quarter, bucket, severity, value), not a walk of the bucket's
// every severity (about 0.4 ms each at 100,000 reports, which `+severity` on the lookup cost).
describe('the ends of a kept bucket on sqlite', () => {
  it('are found again by a seek on quarter, bucket and severity', async () => {
    const t = await openTestStore('sqlite');
    try {
      const reports = new ReportRepository(t.store);
      for (const id of ['e-1', 'e-2', 'e-3']) await reports.create(id, buildReport({ id }), info);
      const db = t.store.sqlite!;
      const facts = db
        .prepare('select * from report_facts where time_to_detect is not null')
        .all() as ReportFactsTable[];
      expect(facts).toHaveLength(3);
      const lookups: { text: string; params: unknown[] }[] = [];
      applyKeptSqlite(
        {
          run: (text, params) => void db.prepare(text).run(...params),
          get: (text, params) => {
            if (/^select (min|max)\(/.test(text)) lookups.push({ text, params });
            return db.prepare(text).get(...params);
          },
        },
        [[facts[0], { ...facts[0]!, public: 0 }]],
      );
      const detect = lookups.filter((l) => l.text.includes('time_to_detect'));
      expect(detect.map((l) => l.text.slice(0, 10))).toEqual(['select min', 'select max']);
      for (const { text, params } of detect) {
        const plan = db.prepare(`explain query plan ${text}`).all(...params) as { detail: string }[];
        expect(plan.map((p) => p.detail).join('; ')).toMatch(
          /INDEX insight_b_detect_qs \(quarter=\? AND b_detect=\? AND severity=\?/,
        );
      }
      // The bucket's two rows left keep their value as its ends.
      const kept = db
        .prepare(
          `select n, lo, hi from insight_kept where figure = 'b:time_to_detect' and quarter = ? and severity = ?`,
        )
        .get(facts[0]!.quarter, facts[0]!.severity) as { n: number; lo: number; hi: number };
      expect(kept).toEqual({ n: 2, lo: facts[1]!.time_to_detect, hi: facts[1]!.time_to_detect });
    } finally {
      await t.dispose();
    }
  });
});
