// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// PostgreSQL only. The tables whose rows a report's save derives from the report itself (its side tables, its
// search entry, its revisions) lose their foreign key to reports: each key made every row a save inserted run a
// check of its own at the statement's end (a SELECT ... FOR KEY SHARE of the report, through SPI), two dozen and
// more a save (a report's keys alone are about twenty), where the save has just inserted the report in the same
// statement (a create) or holds it locked by its update (an update). What the keys did on a delete is done by
// triggers on reports: a deleted report's rows go with it (one statement a table however many reports are
// deleted, from the transition table), and a TRUNCATE of reports empties them too. The tables that other writers
// fill (comments, reviews, attachments) keep theirs. Re-runnable: a key is dropped only if there, the triggers
// made again. Down deletes the rows whose report is gone, then declares the keys again as they were.
// The trigger functions keep the search_path they were made with, so a delete from a session with another one
// still reaches these tables (a key's cascade found them by their oid).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The tables whose rows only a save of their report writes (report-rows.ts SIDE_TABLES, search, revisions). */
export const SAVE_ONLY_TABLES = [
  'action_items',
  'timeline_events',
  'report_tags',
  'report_systems',
  'report_people',
  'report_members',
  'report_keys',
  'report_facts',
  'report_factors',
  'insight_items',
  'report_recurrences',
  'report_search',
  'report_revisions',
];

const FUNCTION = 'hindsight_report_rows_delete';
const TRUNCATE_FUNCTION = 'hindsight_report_rows_truncate';

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const deletes = SAVE_ONLY_TABLES.map(
    (t) => `delete from ${t} where report_id in (select id from gone);`,
  ).join('\n      ');
  await sql`create or replace function ${sql.id(FUNCTION)}() returns trigger language plpgsql
    set search_path from current as $$
    begin
      ${sql.raw(deletes)}
      return null;
    end $$`.execute(db);
  await sql`create or replace function ${sql.id(TRUNCATE_FUNCTION)}() returns trigger language plpgsql
    set search_path from current as $$
    begin
      truncate ${sql.raw(SAVE_ONLY_TABLES.join(', '))};
      return null;
    end $$`.execute(db);
  await sql`drop trigger if exists reports_rows_delete on reports`.execute(db);
  await sql`create trigger reports_rows_delete after delete on reports referencing old table as gone
    for each statement execute function ${sql.id(FUNCTION)}()`.execute(db);
  await sql`drop trigger if exists reports_rows_truncate on reports`.execute(db);
  await sql`create trigger reports_rows_truncate after truncate on reports
    for each statement execute function ${sql.id(TRUNCATE_FUNCTION)}()`.execute(db);
  const { rows } = await sql<{ tab: string; name: string }>`select c.conrelid::regclass::text as tab,
      c.conname as name from pg_constraint c
    where c.contype = 'f' and c.confrelid = 'reports'::regclass
      and c.conrelid::regclass::text in (${sql.join(SAVE_ONLY_TABLES)})`.execute(db);
  for (const { tab, name } of rows)
    await sql`alter table ${sql.table(tab)} drop constraint ${sql.id(name)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger if exists reports_rows_delete on reports`.execute(db);
  await sql`drop trigger if exists reports_rows_truncate on reports`.execute(db);
  await sql`drop function if exists ${sql.id(FUNCTION)}()`.execute(db);
  await sql`drop function if exists ${sql.id(TRUNCATE_FUNCTION)}()`.execute(db);
  for (const t of SAVE_ONLY_TABLES) {
    const name = `${t}_report_id_fkey`;
    const { rows } = await sql`select 1 from pg_constraint where conname = ${name}
      and conrelid = ${t}::regclass`.execute(db);
    if (rows.length > 0) continue;
    await sql`delete from ${sql.table(t)} x where not exists (select 1 from reports r where r.id = x.report_id)`.execute(
      db,
    );
    await sql`alter table ${sql.table(t)} add constraint ${sql.id(name)}
      foreign key (report_id) references reports(id) on delete cascade`.execute(db);
  }
}
