// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The lookup of report_keys by key on SQLite becomes an FTS5 index, `report_key_index` (src/store/key-index.ts):
// one contentless document a report, its keys as words, its rowid the incident's start day and the report's seq.
// The b-tree index report_keys_lookup took a random leaf page for each of a report's keys at every save. The
// few reads by key other than related reports (a system's label, the fishbone categories) get a narrow
// partial index of their own. The index is filled from report_keys, and report_keys_lookup dropped, by
// fillKeyIndex (key-index.ts) after the migrations, in one transaction: derived rows, by today's code, and a
// start cut short fills it again. PostgreSQL keeps report_keys_lookup. Re-runnable.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`create virtual table if not exists report_key_index
    using fts5(k, content='', detail=none, columnsize=0, tokenize='ascii')`.execute(db);
  await sql`create index if not exists report_keys_named on report_keys (kind, key)
    where kind in ('system', 'fishbone')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`create index if not exists report_keys_lookup on report_keys (kind, key, started, report_id)`.execute(
    db,
  );
  await sql`drop index if exists report_keys_named`.execute(db);
  await sql`drop table if exists report_key_index`.execute(db);
}
