// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The insights read every report's facts together with the report's deletion, visibility and review round.
// Those columns of `reports` come after its content, so reading them from the row means stepping over the
// content's pages for every report. This index, looked up by id, holds them all: the insights never read a
// report's row.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index reports_id_visible on reports (id, deleted_at, restricted, created_by, review_round)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index reports_id_visible`.execute(db);
}
