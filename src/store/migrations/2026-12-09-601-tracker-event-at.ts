// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Replay protection of the trackers' inbound webhooks: the time of the newest event applied to a linked issue
// (GitHub's issue.updated_at, Jira's timestamp), so that an older signed event sent again is refused. Added
// only when missing, so a run cut short on SQLite can run again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

async function hasColumn(db: Kysely<any>, table: string, column: string): Promise<boolean> {
  const t = (await db.introspection.getTables()).find((x) => x.name === table);
  return Boolean(t?.columns.some((c) => c.name === column));
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await hasColumn(db, 'tracker_links', 'event_at')))
    await db.schema.alterTable('tracker_links').addColumn('event_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (await hasColumn(db, 'tracker_links', 'event_at'))
    await db.schema.alterTable('tracker_links').dropColumn('event_at').execute();
}
