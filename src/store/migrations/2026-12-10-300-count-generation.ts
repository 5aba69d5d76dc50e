// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Kept totals of lists, action items and searches were forgotten at every commit to the SQLite file (its change
// mark), the background scorer's score writes, outbox claims and sign-ins included, and the next page counted
// afresh on the main thread (the overdue action items: about 25 ms). `count_generation` holds two counters
// that move only when counted data changes, kept by triggers so that every writer moves them (saves, trackers,
// verifications, restores, the bulk load, other processes): `rows_gen` with the rows and columns lists and
// action items count and filter on (the reports' visibility, deletion, state, kind, severity and period; their
// members, tags, systems, people and action items), `text_gen` with what a search matches (the title and
// content of a report). SQLite only: on PostgreSQL one row every save moved would make concurrent saves wait
// for each other, and totals are kept there for a few seconds instead. Re-runnable: "if not exists", "or ignore".
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const ROWS = sql.raw('update count_generation set rows_gen = rows_gen + 1 where id = 1;');
const TEXT = sql.raw('update count_generation set text_gen = text_gen + 1 where id = 1;');

/** The reports' columns list and action-item counts filter on (viewer.ts visibleTo, report-list.query.ts). */
const REPORT_ROW_COLUMNS = [
  'id',
  'seq',
  'created_by',
  'restricted',
  'deleted_at',
  'state',
  'kind',
  'severity',
  'period_start',
];
const REPORT_TEXT_COLUMNS = ['title', 'content'];
/** Side tables whose rows are counted or filtered on: any change of theirs moves rows_gen. */
const SIDE_TABLES = ['action_items', 'report_members', 'report_tags', 'report_systems', 'report_people'];

const changed = (columns: string[]) => sql.raw(columns.map((c) => `old.${c} is not new.${c}`).join(' or '));

const TRIGGERS = [
  'reports_count_insert',
  'reports_count_delete',
  'reports_count_rows',
  'reports_count_text',
  ...SIDE_TABLES.flatMap((t) => [`${t}_count_insert`, `${t}_count_update`, `${t}_count_delete`]),
];

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`create table if not exists count_generation (
    id integer primary key check (id = 1),
    rows_gen integer not null,
    text_gen integer not null
  )`.execute(db);
  await sql`insert or ignore into count_generation (id, rows_gen, text_gen) values (1, 0, 0)`.execute(db);
  await sql`create trigger if not exists reports_count_insert after insert on reports
    begin ${ROWS} ${TEXT} end`.execute(db);
  await sql`create trigger if not exists reports_count_delete after delete on reports
    begin ${ROWS} ${TEXT} end`.execute(db);
  await sql`create trigger if not exists reports_count_rows
    after update of ${sql.raw(REPORT_ROW_COLUMNS.join(', '))} on reports
    when ${changed(REPORT_ROW_COLUMNS)}
    begin ${ROWS} end`.execute(db);
  await sql`create trigger if not exists reports_count_text
    after update of ${sql.raw(REPORT_TEXT_COLUMNS.join(', '))} on reports
    when ${changed(REPORT_TEXT_COLUMNS)}
    begin ${TEXT} end`.execute(db);
  for (const table of SIDE_TABLES) {
    const t = sql.id(table);
    await sql`create trigger if not exists ${sql.id(`${table}_count_insert`)} after insert on ${t}
      begin ${ROWS} end`.execute(db);
    await sql`create trigger if not exists ${sql.id(`${table}_count_update`)} after update on ${t}
      begin ${ROWS} end`.execute(db);
    await sql`create trigger if not exists ${sql.id(`${table}_count_delete`)} after delete on ${t}
      begin ${ROWS} end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const name of TRIGGERS) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
  await sql`drop table if exists count_generation`.execute(db);
}
