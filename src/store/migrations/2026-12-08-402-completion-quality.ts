// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Follow-up and post-mortem health (issue 17): the day each action was completed (action_items.completed_on,
// kept by the writer from the save that first stored it completed), each report's completed actions by that
// day against their deadline (on time, late, no deadline, unknown), and the linter's quality score with its
// bucket, in report_facts, with a partial covering index for the scores' percentiles by quarter as the
// durations have. Rows stored before this are filled after the migrations (memory-backfill.ts: completion
// days from the revisions, counts in SQL; scores in batches). Columns and the index are added only when
// missing, so a run cut short on SQLite can run again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

const FACTS: [name: string, type: 'integer' | 'double precision'][] = [
  ['done_on_time', 'integer'],
  ['done_late', 'integer'],
  ['done_no_deadline', 'integer'],
  ['done_unknown', 'integer'],
  ['quality_score', 'double precision'],
  ['b_quality', 'integer'],
];

async function columnsOf(db: Kysely<any>, table: string): Promise<Set<string>> {
  const t = (await db.introspection.getTables()).find((x) => x.name === table);
  return new Set(t?.columns.map((c) => c.name) ?? []);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await columnsOf(db, 'action_items')).has('completed_on'))
    await db.schema.alterTable('action_items').addColumn('completed_on', 'text').execute();
  const have = await columnsOf(db, 'report_facts');
  // One column per statement: SQLite adds only one at a time.
  for (const [name, type] of FACTS)
    if (!have.has(name)) await db.schema.alterTable('report_facts').addColumn(name, type).execute();
  await sql
    .raw(
      `create index if not exists insight_b_quality_quarter on report_facts
       (quarter, b_quality, quality_score, kind, severity, started) where public = 1 and quality_score is not null`,
    )
    .execute(db);
  await sql
    .raw('create index if not exists insight_undone on report_facts (report_id) where done_unknown is null')
    .execute(db);
  await sql
    .raw(
      'create index if not exists insight_unscored on report_facts (report_id) where quality_score is null',
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['insight_b_quality_quarter', 'insight_undone', 'insight_unscored'])
    await sql.raw(`drop index if exists ${i}`).execute(db);
  for (const [name] of [...FACTS].reverse())
    await db.schema.alterTable('report_facts').dropColumn(name).execute();
  await db.schema.alterTable('action_items').dropColumn('completed_on').execute();
}
