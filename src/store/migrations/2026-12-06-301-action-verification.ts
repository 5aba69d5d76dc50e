// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

/**
 * The tracker shows completed actions still awaiting verification, and the calendar lists verification dates:
 * `action_items` keeps the recorded result, the planned check date and whether the action was declined with a
 * reason. Rows of completed actions are filled in from each report's stored content (others have nothing yet).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds only one at a time. SQLite runs DDL outside a transaction, so a
  // crash after some of them leaves columns behind with the migration unrecorded: add only those missing
  // (the backfill below writes the same values however often it runs).
  const table = (await db.introspection.getTables()).find((t) => t.name === 'action_items');
  const has = new Set(table?.columns.map((c) => c.name) ?? []);
  if (!has.has('verification_result'))
    await db.schema.alterTable('action_items').addColumn('verification_result', 'text').execute();
  if (!has.has('verify_by'))
    await db.schema.alterTable('action_items').addColumn('verify_by', 'text').execute();
  if (!has.has('declined'))
    await db.schema
      .alterTable('action_items')
      .addColumn('declined', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

  const ids = (await db
    .selectFrom('action_items')
    .select('report_id')
    .distinct()
    .where('status', 'in', ['completed', 'wont_do'])
    .execute()) as { report_id: string }[];
  for (const { report_id } of ids) {
    const row = (await db
      .selectFrom('reports')
      .select('content')
      .where('id', '=', report_id)
      .executeTakeFirst()) as { content: string } | undefined;
    if (!row) continue;
    const items = ((JSON.parse(row.content) as { actions?: { items?: unknown[] } }).actions?.items ?? []) as {
      verification?: { result?: string };
      verificationPlan?: { by?: string };
      declinedReason?: string;
    }[];
    for (const [position, a] of items.entries()) {
      if (!a.verification && !a.verificationPlan && !a.declinedReason) continue;
      await db
        .updateTable('action_items')
        .set({
          verification_result: a.verification?.result ?? null,
          verify_by: a.verificationPlan?.by ?? null,
          declined: a.declinedReason ? 1 : 0,
        })
        .where('report_id', '=', report_id)
        .where('position', '=', position)
        .execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('action_items').dropColumn('verification_result').execute();
  await db.schema.alterTable('action_items').dropColumn('verify_by').execute();
  await db.schema.alterTable('action_items').dropColumn('declined').execute();
}
