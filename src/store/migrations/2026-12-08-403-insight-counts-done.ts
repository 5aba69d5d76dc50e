// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The count figures read by the aggregating way (a kind filter) also sum migration 402's completion counts and
// count the scored reports: a covering index of the public facts rows with those columns too, in place of
// insight_counts (migration 2026-12-07-401), so those figures still never read a table row. Made and dropped
// only if missing or present, so a run cut short on SQLite can run again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `create index if not exists insight_counts_done on report_facts (kind, quarter, detection, severity,
       started, review_round, published, system_count, actions_total, actions_completed, actions_wont_do,
       verified_effective, verified_ineffective, done_on_time, done_late, done_no_deadline, done_unknown,
       quality_score) where public = 1`,
    )
    .execute(db);
  await sql.raw('drop index if exists insight_counts').execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `create index if not exists insight_counts on report_facts (kind, quarter, detection, severity, started,
       review_round, published, system_count, actions_total, actions_completed, actions_wont_do,
       verified_effective, verified_ineffective) where public = 1`,
    )
    .execute(db);
  await sql.raw('drop index if exists insight_counts_done').execute(db);
}
