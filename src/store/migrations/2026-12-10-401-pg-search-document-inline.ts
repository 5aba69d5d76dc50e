// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// PostgreSQL only. A search ranks its newest matches with ts_rank, which reads each one's tsvector. A
// report_search row (title, prose, tsvector: about 3.5 KB) is over the size at which PostgreSQL moves its
// largest values to the TOAST table, so each tsvector read was a lookup there (measured at 20,000 reports,
// the database's CPU: scoring 500 matches in report_search 4.9 ms, 1.5 ms with the tsvector in the row; a
// search's whole window statement, joined to the reports, 5.3-6.4 ms, 4.1-4.5 ms). STORAGE MAIN
// keeps the tsvector in the row (compressed if it must be), the prose still going out of line first. A
// setting of storage applies to rows written after it: the rows already there are rewritten once by CLUSTER
// (which writes each value as the new setting says, without computing the tsvector again; it holds the
// table's exclusive lock meanwhile, about a second per 3,000 reports). Re-runnable: a table whose column is
// MAIN already is left as it is.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const storageOf = async (db: Kysely<any>) =>
  (
    await sql<{ s: string }>`select a.attstorage as s from pg_attribute a
      where a.attrelid = 'report_search'::regclass and a.attname = 'document'`.execute(db)
  ).rows[0]?.s;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  if ((await storageOf(db)) === 'm') return;
  await sql`alter table report_search alter column document set storage main`.execute(db);
  await sql`cluster report_search using report_search_pkey`.execute(db);
  // CLUSTER remembers the index for a later bare CLUSTER; nothing here asks for one.
  await sql`alter table report_search set without cluster`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table report_search alter column document set storage extended`.execute(db);
}
