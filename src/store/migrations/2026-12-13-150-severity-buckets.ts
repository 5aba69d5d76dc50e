// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// SQLite keeps one index for each duration where migration 2026-12-07-401 made two, one by quarter and one by
// severity (insight_b_<duration>_quarter and _severity): each cost a save a leaf page. The one left,
// insight_b_<duration>_qs, holds (quarter, bucket, severity, value, …): the values of one quarter's bucket are
// one range of it as before (sorted by the query), those of one severity's bucket one range for each quarter the
// bucket has values in (insight-tallies.query.ts). PostgreSQL keeps both (its plans were not measured without).
// Re-runnable: the new index is made before the old ones go, each step skipped when done.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const MEASURES: [value: string, bucket: string][] = [
  ['time_to_detect', 'b_detect'],
  ['time_to_respond', 'b_respond'],
  ['time_to_mitigate', 'b_mitigate'],
  ['time_to_resolve', 'b_resolve'],
];

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const [value, bucket] of MEASURES) {
    await sql
      .raw(
        `create index if not exists insight_${bucket}_qs on report_facts
         (quarter, ${bucket}, severity, ${value}, kind, started) where public = 1 and ${value} is not null`,
      )
      .execute(db);
    await sql.raw(`drop index if exists insight_${bucket}_quarter`).execute(db);
    await sql.raw(`drop index if exists insight_${bucket}_severity`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const [value, bucket] of MEASURES) {
    for (const by of ['quarter', 'severity']) {
      const other = by === 'quarter' ? 'severity' : 'quarter';
      await sql
        .raw(
          `create index if not exists insight_${bucket}_${by} on report_facts
           (${by}, ${bucket}, ${value}, kind, ${other}, started) where public = 1 and ${value} is not null`,
        )
        .execute(db);
    }
    await sql.raw(`drop index if exists insight_${bucket}_qs`).execute(db);
  }
}
