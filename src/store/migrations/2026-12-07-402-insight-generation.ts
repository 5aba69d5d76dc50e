// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// One counter that a save moves only when it changes what the insights are made of (a report's facts row,
// its deletion or restore), so every server process on the database can keep computed insights across the
// other commits. Made only if missing, so a run cut short on SQLite can run again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('insight_generation')
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into insight_generation (id, n) select 1, 0
    where not exists (select 1 from insight_generation)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('insight_generation').ifExists().execute();
}
