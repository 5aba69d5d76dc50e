// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The insights' tallies over the public reports, kept up to date by every save (issue 17, item 7): one row per
// quarter, severity, figure and group with its count (and, for the buckets of a duration, the least and
// greatest value in it), so the figures over whole quarters read a few thousand rows instead of aggregating
// every report (insight-kept.ts). `insight_kept_state.ready` is 0 until the rows have been computed from
// report_facts (rebuildKept, run by the migrator after the migrations, in one transaction); until then the
// figures are computed the slower way. An index on the quarter of the public facts rows finds the reports of
// the quarters a date filter takes only part of. Everything is made only when missing, so a run cut short on
// SQLite can run again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('insight_kept')
    .ifNotExists()
    .addColumn('quarter', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('figure', 'text', (c) => c.notNull())
    .addColumn('grp', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('lo', 'double precision')
    .addColumn('hi', 'double precision')
    .addPrimaryKeyConstraint('insight_kept_key', ['quarter', 'severity', 'figure', 'grp'])
    .execute();
  await db.schema
    .createTable('insight_kept_state')
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('ready', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into insight_kept_state (id, ready) select 1, 0
    where not exists (select 1 from insight_kept_state)`.execute(db);
  await sql
    .raw('create index if not exists insight_quarter on report_facts (quarter) where public = 1')
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop index if exists insight_quarter').execute(db);
  await db.schema.dropTable('insight_kept_state').ifExists().execute();
  await db.schema.dropTable('insight_kept').ifExists().execute();
}
