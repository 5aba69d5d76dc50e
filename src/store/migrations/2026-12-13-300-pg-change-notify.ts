// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// PostgreSQL only. A SQLite file has a change mark that every commit moves (its WAL-index header, see
// database.ts), and what a server keeps (a report's answer, totals, pages) is served again while it stands
// still; PostgreSQL had none, so each read of a report asked the database for its stamp and each total was kept
// a few seconds at most. Here every statement that changes what those show (a report's row; its members, tags,
// systems and people; action items; an action's linked issue, not the link's polling bookkeeping) sends a
// notification on channel `hindsight_change` when its transaction commits (pg_notify: delivered on commit only,
// and one per transaction however many statements sent it). Every writer sends it: this server, another
// instance, a CLI command, the bulk load, SQL typed by hand. A server LISTENs on it (database.ts
// ChangeListener). Statement-level triggers: one call a statement, not a row. Re-runnable: "or replace", and
// each trigger dropped before it is made.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The channel, and the function the triggers call (database.ts checks it is there before trusting the mark). */
export const CHANGE_CHANNEL = 'hindsight_change';
export const CHANGE_FUNCTION = 'hindsight_change_notify';

const LINK_COLUMNS = ['report_id', 'action_id', 'status', 'issue_key', 'issue_url', 'state'];

/** Each table, and the columns whose update sends (all of them when not listed). */
const TABLES: [string, string[] | undefined][] = [
  ['reports', undefined],
  ['report_members', undefined],
  ['report_tags', undefined],
  ['report_systems', undefined],
  ['report_people', undefined],
  ['action_items', undefined],
  ['tracker_links', LINK_COLUMNS],
];

/** The tables whose changes are notified. */
export const CHANGE_TABLES = TABLES.map(([table]) => table);
/** The columns whose update notifies, for the tables that list them. */
export const CHANGE_COLUMNS: Record<string, string[] | undefined> = Object.fromEntries(TABLES);

const triggerOf = (table: string) => `${table}_change_notify`;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create or replace function ${sql.id(CHANGE_FUNCTION)}() returns trigger language plpgsql as $$
    begin
      perform pg_notify(${sql.lit(CHANGE_CHANNEL)}, '');
      return null;
    end $$`.execute(db);
  for (const [table, columns] of TABLES) {
    const update = columns ? sql.raw(`update of ${columns.join(', ')}`) : sql.raw('update');
    await sql`drop trigger if exists ${sql.id(triggerOf(table))} on ${sql.table(table)}`.execute(db);
    await sql`create trigger ${sql.id(triggerOf(table))}
      after insert or ${update} or delete or truncate on ${sql.table(table)}
      for each statement execute function ${sql.id(CHANGE_FUNCTION)}()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table] of TABLES)
    await sql`drop trigger if exists ${sql.id(triggerOf(table))} on ${sql.table(table)}`.execute(db);
  await sql`drop function if exists ${sql.id(CHANGE_FUNCTION)}()`.execute(db);
}
