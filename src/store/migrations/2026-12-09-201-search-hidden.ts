// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// A search's total counted its matches by joining each to its report for the visibility rule: a seek in an
// index of every report per match (about 0.6 µs, up to 10,001 matches a count). Only a restricted or deleted
// report can be hidden from anyone, and those are few: `reports_hidden` lists their seqs (SQLite only; kept by
// triggers, so every write path, the bulk load included, keeps it), and a count asks the visibility rule only
// of the matches found there, with a lookup in this small table for the rest. PostgreSQL counts otherwise
// (the planner's estimate, see countPostgres). Re-runnable: "if not exists", "or ignore".
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const HIDDEN = (row: 'new' | 'old') => sql.raw(`(${row}.restricted <> 0 or ${row}.deleted_at is not null)`);

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`create table if not exists reports_hidden (seq integer primary key)`.execute(db);
  await sql`create trigger if not exists reports_hidden_insert after insert on reports when ${HIDDEN('new')}
    begin insert or ignore into reports_hidden (seq) values (new.seq); end`.execute(db);
  await sql`create trigger if not exists reports_hidden_update after update of seq, restricted, deleted_at on reports
    when old.seq is not new.seq or ${HIDDEN('old')} is not ${HIDDEN('new')}
    begin
      delete from reports_hidden where seq = old.seq;
      insert or ignore into reports_hidden (seq) select new.seq where ${HIDDEN('new')};
    end`.execute(db);
  await sql`create trigger if not exists reports_hidden_delete after delete on reports
    begin delete from reports_hidden where seq = old.seq; end`.execute(db);
  // From the visibility index (seq, deleted_at, restricted, …), not the reports' rows.
  await sql`insert or ignore into reports_hidden (seq)
    select seq from reports indexed by reports_visibility where restricted <> 0 or deleted_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const name of ['reports_hidden_insert', 'reports_hidden_update', 'reports_hidden_delete'])
    await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
  await sql`drop table if exists reports_hidden`.execute(db);
}
