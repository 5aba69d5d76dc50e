// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// A search checks which of its ranked matches the viewer may see, by sequence number, and shows the page's
// reports as summaries. Those columns come after a report's content (see 2026-12-06-602), so reading them
// from the row costs a page or more per report; this index holds the visibility columns first, then the
// summary, so neither reads a report's row. Re-runnable: "if not exists".
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists reports_search_summary on reports (seq, deleted_at, restricted, created_by,
    id, title, kind, state, severity, period_start, version, created_at, updated_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists reports_search_summary`.execute(db);
}
