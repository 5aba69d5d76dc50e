// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// A page of action items (the tracker, the home page) is kept as the JSON text SQLite wrote while nothing it
// shows has changed (action-items.query.ts ItemPageCache), which count_generation's rows_gen mostly tells (action
// items, members, the reports' visibility and deletion): `item_page_generation` holds one counter, moved by
// triggers, for the rest a page shows: a report's title, and the issue linked to an action (its link's status,
// key, address and state; not its polling bookkeeping, which moves every poll). Whoever writes moves it (saves,
// the tracker's webhooks and polls, other processes). SQLite only, as count_generation. Re-runnable.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const MOVE = sql.raw('update item_page_generation set gen = gen + 1 where id = 1;');
const LINK_COLUMNS = ['report_id', 'action_id', 'status', 'issue_key', 'issue_url', 'state'];
const changed = (columns: string[]) => sql.raw(columns.map((c) => `old.${c} is not new.${c}`).join(' or '));

const TRIGGERS = [
  'reports_item_page_title',
  'tracker_links_item_page_insert',
  'tracker_links_item_page_update',
  'tracker_links_item_page_delete',
];

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`create table if not exists item_page_generation (
    id integer primary key check (id = 1),
    gen integer not null
  )`.execute(db);
  await sql`insert or ignore into item_page_generation (id, gen) values (1, 0)`.execute(db);
  await sql`create trigger if not exists reports_item_page_title after update of title on reports
    when old.title is not new.title
    begin ${MOVE} end`.execute(db);
  await sql`create trigger if not exists tracker_links_item_page_insert after insert on tracker_links
    begin ${MOVE} end`.execute(db);
  await sql`create trigger if not exists tracker_links_item_page_update
    after update of ${sql.raw(LINK_COLUMNS.join(', '))} on tracker_links
    when ${changed(LINK_COLUMNS)}
    begin ${MOVE} end`.execute(db);
  await sql`create trigger if not exists tracker_links_item_page_delete after delete on tracker_links
    begin ${MOVE} end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const name of TRIGGERS) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
  await sql`drop table if exists item_page_generation`.execute(db);
}
