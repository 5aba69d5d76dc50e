import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { buildReport } from '../../test/factories.js';
import { ONE_PLAN, openStore, StatementNames, type Store } from './database.js';
import { ReportRepository } from './report.repository.js';

// On PostgreSQL the statements run again and again are named (prepared once per connection, their plan kept):
// see StatementNames in database.ts.

describe('statement names', () => {
  it('names a statement from its third run, and keeps its name', () => {
    const names = new StatementNames();
    expect(names.nameOf('select $1')).toBeUndefined();
    expect(names.nameOf('select $1')).toBeUndefined();
    const name = names.nameOf('select $1');
    expect(name).toMatch(/^hindsight_[0-9a-f]{8}_\d+$/);
    expect(names.nameOf('select $1')).toBe(name);
    expect(names.nameOf('select $1, $2')).toBeUndefined();
  });

  it("gives each process's statements names of their own (backends shared through a pooler)", () => {
    const [a, b] = [new StatementNames(), new StatementNames()].map((names) => {
      for (let i = 0; i < 3; i++) names.nameOf('select $1');
      return names.nameOf('select $1');
    });
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
  });

  it('names reads only, and never a full-text one, whose plan depends on the words', () => {
    const names = new StatementNames();
    for (let i = 0; i < 5; i++) expect(names.nameOf('update t set v = $1')).toBeUndefined();
    const text = `select 1 from report_search s where s.document @@ plainto_tsquery('english', $1)`;
    for (let i = 0; i < 10; i++) expect(names.nameOf(text)).toBeUndefined();
  });

  it('names a full-text read marked as having one plan, from its third run', () => {
    const names = new StatementNames();
    const text = `${ONE_PLAN}with w as (select 1 from report_search s where s.document @@ plainto_tsquery('english', $1)) select * from w`;
    expect(names.nameOf(text)).toBeUndefined();
    expect(names.nameOf(text)).toBeUndefined();
    expect(names.nameOf(text)).toMatch(/^hindsight_[0-9a-f]{8}_\d+$/);
  });

  it('names at most as many statements as it is given', () => {
    const names = new StatementNames(2);
    const named = ['select 1', 'select 2', 'select 3'].map((t) => {
      names.nameOf(t);
      names.nameOf(t);
      return names.nameOf(t);
    });
    expect(named[0]).toBeDefined();
    expect(named[1]).toBeDefined();
    expect(named[0]).not.toBe(named[1]);
    expect(named[2]).toBeUndefined();
  });
});

describe.each(testDialects().filter((d) => d === 'postgres'))('named statements on %s', () => {
  let t: TestStore;
  let one: Store;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    // One connection, so that every statement below meets the same backend's prepared statements.
    one = openStore(t.url, { poolSize: 1 });
  });

  afterAll(async () => {
    await one?.close();
    await t?.dispose();
  });

  const prepared = async () =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(one.db)).rows.map(
      (r) => r.statement,
    );

  it('prepares a statement run repeatedly, and gives the same answers', async () => {
    await sql`create table named_t (id int primary key, v text)`.execute(one.db);
    await sql`insert into named_t values (1, 'one'), (2, 'two')`.execute(one.db);
    const read = (id: number) =>
      one.db
        .selectFrom('named_t' as never)
        .selectAll()
        .where('id' as never, '=', id as never);
    const text = read(1).compile().sql;
    for (let i = 0; i < 6; i++) {
      const id = 1 + (i % 2);
      expect(await read(id).execute()).toEqual([{ id, v: id === 1 ? 'one' : 'two' }]);
    }
    expect(await prepared()).toContain(text);
    // A full-text statement is planned with its words every time.
    const words = (w: string) =>
      sql`select ${w}::text as w, to_tsvector('english', 'a word') @@ plainto_tsquery('english', ${w}) as hit`;
    for (let i = 0; i < 5; i++) await words('word').execute(one.db);
    expect((await prepared()).some((s) => s.includes('tsquery'))).toBe(false);
    // Unless it is marked as having one plan whatever its words: then it is prepared too, with the same answers.
    const marked = (w: string) =>
      sql<{
        w: string;
        hit: boolean;
      }>`${sql.raw(ONE_PLAN)}select ${w}::text as w, to_tsvector('english', 'a word') @@ plainto_tsquery('english', ${w}) as hit`;
    for (let i = 0; i < 5; i++) {
      const w = i % 2 === 0 ? 'word' : 'other';
      expect((await marked(w).execute(one.db)).rows).toEqual([{ w, hit: w === 'word' }]);
    }
    expect((await prepared()).some((s) => s.startsWith(ONE_PLAN))).toBe(true);
  });

  /** Another process migrates: a kept plan's rows would no longer be what its statement was described as. */
  const migrateElsewhere = async (statement: string) => {
    const other = new (await import('pg')).default.Client({ connectionString: t.url });
    await other.connect();
    await other.query(statement);
    await other.end();
  };

  it('runs a statement unnamed once the table under it changed shape, at once outside a transaction', async () => {
    const all = () => sql<{ id: number }>`select * from named_t where id = ${1}`.execute(one.db);
    for (let i = 0; i < 4; i++) expect((await all()).rows).toEqual([{ id: 1, v: 'one' }]);
    await migrateElsewhere(`alter table named_t add column w text default 'x'`);
    expect((await all()).rows).toEqual([{ id: 1, v: 'one', w: 'x' }]);
    expect((await all()).rows).toEqual([{ id: 1, v: 'one', w: 'x' }]);
  });

  it('runs a statement unnamed once the server no longer holds it (deallocated), at once outside a transaction', async () => {
    const few = () => sql<{ id: number }>`select id from named_t where id < ${2}`.execute(one.db);
    for (let i = 0; i < 4; i++) expect((await few()).rows).toEqual([{ id: 1 }]);
    expect(await prepared()).toContain(`select id from named_t where id < $1`);
    await sql`deallocate all`.execute(one.db);
    expect((await few()).rows).toEqual([{ id: 1 }]);
    expect((await few()).rows).toEqual([{ id: 1 }]);
  });

  it('fails a transaction that ran it once (the error aborted it), then runs it unnamed', async () => {
    const all = (db: typeof one.db) => sql<{ id: number }>`select * from named_t where id > ${0}`.execute(db);
    for (let i = 0; i < 4; i++) expect((await all(one.db)).rows).toHaveLength(2);
    await migrateElsewhere(`alter table named_t add column u int default 7`);
    await expect(one.db.transaction().execute(async (trx) => all(trx))).rejects.toMatchObject({
      code: '0A000',
    });
    const again = await one.db.transaction().execute(async (trx) => all(trx));
    expect(again.rows[0]).toMatchObject({ u: 7 });
  });

  it("names a save's statements, and a save goes on when the table under one changed shape", async () => {
    const reports = new ReportRepository(one);
    const info = { userId: null, summary: 'saved', changes: [] };
    let saved = await reports.create('named-1', buildReport({ id: 'named-1' }), info);
    for (let i = 0; i < 4; i++)
      saved = await reports.update(
        'named-1',
        saved.version,
        buildReport({ id: 'named-1', title: `T${i}` }),
        info,
      );
    const saves = (await prepared()).filter((s) => s.startsWith(ONE_PLAN));
    expect(saves.some((s) => s.includes('u as (update reports set'))).toBe(true);
    // The update's writes (a title edit's: its revision, not its side rows, which it leaves as they are).
    expect(saves.some((s) => s.includes('insert into "report_revisions"'))).toBe(true);
    // The update's statement returns the report's row: with a column more, its kept plan no longer fits (0A000).
    // The group is written again, the statement unnamed, and the save is answered as if nothing had happened.
    await migrateElsewhere(`alter table reports add column named_extra int`);
    saved = await reports.update(
      'named-1',
      saved.version,
      buildReport({ id: 'named-1', title: 'After' }),
      info,
    );
    expect(saved.version).toBe(6);
    expect((await reports.get('named-1'))?.report.title).toBe('After');
    await migrateElsewhere(`alter table reports drop column named_extra`);
  });

  it('a group of a create and an update goes on when the server no longer holds their named statements', async () => {
    // A store of its own: its statement names all new (the tests above forgot some of the saves').
    const own = openStore(t.url, { poolSize: 1 });
    const reports = new ReportRepository(own);
    const info = { userId: null, summary: 'saved', changes: [] };
    for (let i = 0; i < 4; i++) await reports.create(`r1b-c${i}`, buildReport({ id: `r1b-c${i}` }), info);
    let saved = await reports.create('r1b-g', buildReport({ id: 'r1b-g' }), info);
    for (let i = 0; i < 5; i++)
      saved = await reports.update(
        'r1b-g',
        saved.version,
        buildReport({ id: 'r1b-g', title: `T${i}` }),
        info,
      );
    // What a DEALLOCATE (or a transaction-mode pooler) leaves: pg still believes the names parsed here.
    await sql`deallocate all`.execute(own.db);
    // Both asked in the same turn: one group, one transaction, five named statements each failing once (26000).
    const outcomes = await Promise.allSettled([
      reports.create('r1b-new', buildReport({ id: 'r1b-new' }), info),
      reports.update('r1b-g', saved.version, buildReport({ id: 'r1b-g', title: 'After' }), info),
    ]);
    await own.close();
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});
