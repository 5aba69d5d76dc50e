// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

/**
 * Events of restricted reports go only to the webhook subscriptions that opt in: `webhooks.restricted`
 * (0 or 1, 0 for every subscription made before). Re-runnable: the column is added only when missing
 * (SQLite runs DDL outside a transaction, so a crash can leave it added but the migration unrecorded).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const table = (await db.introspection.getTables()).find((t) => t.name === 'webhooks');
  if (table?.columns.some((c) => c.name === 'restricted')) return;
  await db.schema
    .alterTable('webhooks')
    .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhooks').dropColumn('restricted').execute();
}
