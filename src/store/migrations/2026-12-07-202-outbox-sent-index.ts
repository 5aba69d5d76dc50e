// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

/**
 * The purge deletes rows sent before the retention period, a batch at a time: an index on (status, sent_at)
 * lets each batch find its rows directly instead of reading past every row sent more recently.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('outbox_sent')
    .ifNotExists()
    .on('outbox')
    .columns(['status', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_sent').ifExists().execute();
}
