// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// PostgreSQL only. A search ranks its newest matches (report-search.query.ts): it needs each match's seq (the
// order) and whether the viewer may see it, both on the report's row, and joining every match to its report
// (a lookup of its text id) was most of the database's CPU of a search (measured at 20,000 reports, a word on
// about 500 reports: 3.7 ms the window's statement, of which the join about 2.5 ms). Here report_search gets
// `seq` (the report's) and `open` (true when the report is visible to everyone: not deleted, not restricted), so
// that a search finds, orders and ranks its matches from report_search alone and looks a report up only for a
// match that is not open, or for the page it shows. Triggers keep both: a row written to report_search takes
// them from its report (BEFORE INSERT), and a report whose seq, deletion or restriction changes passes them on
// (AFTER UPDATE). `open` is a shortcut only: a row not open (false or null) is checked against its report.
//
// The rows are also kept whole in the table's pages: the prose (about 1.7 KB) was compressed and moved to the
// TOAST table (a row is over 2 KB with its tsvector), so every shown hit's prose, read for its snippet, was a
// lookup there and a decompression (measured: length() of the prose of 500 matches 4.7 ms, 1.6 ms stored
// whole). toast_tuple_target lets a row up to a page's size stay as it is; only a longer report is compressed,
// as before. The rows already there are written again whole (`body || ''` makes a new value, which is stored as
// the setting says; the tsvector is computed again). The migrations run in one transaction, whose old versions of
// the rows stay in the table until it has committed: the migrator then rewrites the table once more, CLUSTERed on
// seq (the order a search walks it, newest first), without them (clusterSearch in migrator.ts, asked by the table's
// comment 'cluster pending', so that a process stopped before it leaves it to the next migrate). At 20,000 reports
// the two take 9-17 s on a busy machine, the table's exclusive lock held meanwhile; the table grows (rows 39 MB
// and TOAST 23 MB -> rows 78 MB; with its indexes 76 -> 100 MB, 178 MB between the two).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** Whether a report (its row, as `r` or NEW) is visible to everyone. */
const OPEN = (r: string) => sql.raw(`(${r}.deleted_at is null and ${r}.restricted = 0)`);

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table report_search add column if not exists seq integer, add column if not exists open boolean`.execute(
    db,
  );
  await sql`alter table report_search set (toast_tuple_target = 8160)`.execute(db);
  await sql`update report_search s set seq = r.seq, open = ${OPEN('r')}, body = s.body || ''
    from reports r where r.id = s.report_id`.execute(db);
  await sql`alter table report_search alter column seq set not null`.execute(db);
  await sql`create unique index if not exists report_search_seq on report_search (seq)`.execute(db);
  // What the migrator's CLUSTER looks for, committed with the rest (a process stopped before it clusters on its
  // next migrate).
  await sql`comment on table report_search is 'cluster pending'`.execute(db);

  await sql`create or replace function report_search_from_report() returns trigger language plpgsql as $$
    begin
      select r.seq, ${OPEN('r')} into new.seq, new.open from reports r where r.id = new.report_id;
      return new;
    end $$`.execute(db);
  await sql`drop trigger if exists report_search_from_report on report_search`.execute(db);
  await sql`create trigger report_search_from_report before insert or update of report_id on report_search
    for each row execute function report_search_from_report()`.execute(db);
  await sql`create or replace function report_search_follow_report() returns trigger language plpgsql as $$
    begin
      update report_search set seq = new.seq, open = ${OPEN('new')} where report_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`drop trigger if exists report_search_follow_report on reports`.execute(db);
  await sql`create trigger report_search_follow_report after update of seq, deleted_at, restricted on reports
    for each row when (old.seq is distinct from new.seq or ${OPEN('old')} is distinct from ${OPEN('new')})
    execute function report_search_follow_report()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger if exists report_search_follow_report on reports`.execute(db);
  await sql`drop function if exists report_search_follow_report()`.execute(db);
  await sql`drop trigger if exists report_search_from_report on report_search`.execute(db);
  await sql`drop function if exists report_search_from_report()`.execute(db);
  await sql`drop index if exists report_search_seq`.execute(db);
  await sql`comment on table report_search is null`.execute(db);
  await sql`alter table report_search drop column if exists seq, drop column if exists open`.execute(db);
  await sql`alter table report_search reset (toast_tuple_target)`.execute(db);
}
