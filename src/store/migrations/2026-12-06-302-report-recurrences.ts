// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

/**
 * A report names the earlier reports it is a recurrence of (`recurrenceOf`); `report_recurrences` keeps those
 * links beside it, so an earlier report finds the later ones and the tracker counts the fixes that did not
 * hold. No report had the field before, so there is nothing to fill in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_recurrences')
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('earlier_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_recurrences_pk', ['report_id', 'earlier_id'])
    .execute();
  await db.schema
    .createIndex('report_recurrences_earlier')
    .on('report_recurrences')
    .columns(['earlier_id', 'report_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_recurrences').execute();
}
