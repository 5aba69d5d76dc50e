// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

/**
 * Issue-tracker sync: connections to GitHub or Jira (their credentials encrypted by the server, never in
 * plain text) and the link of an action item to the issue made for it, with the last known state.
 * Re-runnable: every table and index is created only when missing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tracker_connections')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('token_enc', 'text', (c) => c.notNull())
    .addColumn('token_last4', 'text', (c) => c.notNull())
    .addColumn('webhook_secret_enc', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tracker_links')
    .ifNotExists()
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'text', (c) => c.notNull())
    .addColumn('issue_key', 'text')
    .addColumn('issue_url', 'text')
    .addColumn('state', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('polled_at', 'text')
    .addPrimaryKeyConstraint('tracker_links_pk', ['report_id', 'action_id'])
    .execute();
  await sql`create index if not exists tracker_links_issue on tracker_links (connection_id, issue_key)`.execute(
    db,
  );
  await sql`create index if not exists tracker_links_polled on tracker_links (status, polled_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tracker_links').ifExists().execute();
  await db.schema.dropTable('tracker_connections').ifExists().execute();
}
