// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Creates on PostgreSQL ran one at a time: each held, until its commit, the lock under which it chose the next
// seq and the row lock of the insights' generation counter. Here the next seq comes from a sequence (taken
// without waiting on anyone; a create that fails leaves a gap, which nothing relies on), and the generation is
// the sum of GENERATION_SLOTS counters, a save moving one of them, so concurrent saves seldom wait on one
// another. SQLite has one writer: it keeps moving the first counter, and the sum is that counter.
// Both steps are safe to run again (a run cut short, or a sequence already ahead of the reports).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const SLOTS = 16;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`insert into insight_generation (id, n)
    select k, 0 from (${sql.join(
      Array.from({ length: SLOTS - 1 }, (_, i) => sql`select ${sql.lit(i + 2)} as k`),
      sql` union all `,
    )}) slots where not exists (select 1 from insight_generation g where g.id = slots.k)`.execute(db);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create sequence if not exists reports_next_seq owned by reports.seq`.execute(db);
  // Never backwards: past the highest seq stored, and past any the sequence has given.
  await sql`select setval('reports_next_seq', greatest(v, 1), v > 0) from (select greatest(
      (select coalesce(max(seq), 0) from reports),
      (select case when is_called then last_value else 0 end from reports_next_seq)) as v) x`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The counters folded back into the first, so the generation stays where it was.
  await sql`update insight_generation set n = (select sum(n) from insight_generation) where id = 1`.execute(
    db,
  );
  await sql`delete from insight_generation where id > 1`.execute(db);
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await sql`drop sequence if exists reports_next_seq`.execute(db);
}
