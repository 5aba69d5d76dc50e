// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The insights answered by SQL over report_facts (issue 17, item 7): each row also says whether the report
// counts for everyone (`public`: not deleted, not restricted), its review round, its days to publication and,
// beside each duration, the bucket of its value (bucketOf in src/domain/memory.ts), so a percentile is found by
// counting buckets over an index and sorting the values of one bucket only. Partial covering indexes hold only
// the public rows: the figures never read a table row. insight_items holds a report's systems and the
// deadlines of its open actions with the same flag and the filters' columns, for the counts of those. Columns and indexes are added only when missing, so a
// run cut short on SQLite (no transaction around a migration there) can run again. Rows stored before this
// have `public` null; backfillInsightColumns (memory-backfill.ts) fills them after the migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

const COLUMNS: [name: string, type: 'integer' | 'double precision'][] = [
  ['public', 'integer'],
  ['review_round', 'integer'],
  ['days_to_publish', 'double precision'],
  ['system_count', 'integer'],
  ['b_detect', 'integer'],
  ['b_respond', 'integer'],
  ['b_mitigate', 'integer'],
  ['b_resolve', 'integer'],
  ['b_publish', 'integer'],
];

const MEASURES: [value: string, bucket: string][] = [
  ['time_to_detect', 'b_detect'],
  ['time_to_respond', 'b_respond'],
  ['time_to_mitigate', 'b_mitigate'],
  ['time_to_resolve', 'b_resolve'],
  ['days_to_publish', 'b_publish'],
];

export async function up(db: Kysely<any>): Promise<void> {
  const table = (await db.introspection.getTables()).find((t) => t.name === 'report_facts');
  const have = new Set(table?.columns.map((c) => c.name) ?? []);
  // One column per statement: SQLite adds only one at a time.
  for (const [name, type] of COLUMNS)
    if (!have.has(name)) await db.schema.alterTable('report_facts').addColumn(name, type).execute();

  for (const [value, bucket] of MEASURES) {
    for (const by of value === 'days_to_publish' ? ['quarter'] : ['quarter', 'severity']) {
      const other = by === 'quarter' ? 'severity' : 'quarter';
      await sql
        .raw(
          `create index if not exists insight_${bucket}_${by} on report_facts
           (${by}, ${bucket}, ${value}, kind, ${other}, started) where public = 1 and ${value} is not null`,
        )
        .execute(db);
    }
  }
  // What a report has several of that the figures count: its systems and the deadlines of its open actions,
  // with the filters' columns beside them, so these counts need no join.
  await db.schema
    .createTable('insight_items')
    .ifNotExists()
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text')
    .addColumn('started', 'text')
    .execute();
  await db.schema
    .createIndex('insight_items_report')
    .ifNotExists()
    .on('insight_items')
    .column('report_id')
    .execute();
  await sql
    .raw(
      `create index if not exists insight_items_public on insight_items (item, value, kind, severity, started)
       where public = 1`,
    )
    .execute(db);
  // Everything the count figures read, for the public rows.
  await sql
    .raw(
      `create index if not exists insight_counts on report_facts (kind, quarter, detection, severity, started,
       review_round, published, system_count, actions_total, actions_completed, actions_wont_do,
       verified_effective, verified_ineffective) where public = 1`,
    )
    .execute(db);
  // The rows not counted for everyone (restricted or deleted): a viewer's restricted reports are among these.
  await sql
    .raw('create index if not exists insight_private on report_facts (report_id) where public = 0')
    .execute(db);
  await sql
    .raw('create index if not exists insight_unfilled on report_facts (report_id) where public is null')
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [, bucket] of MEASURES)
    for (const by of ['quarter', 'severity'])
      await sql.raw(`drop index if exists insight_${bucket}_${by}`).execute(db);
  await sql.raw('drop index if exists insight_counts').execute(db);
  await db.schema.dropTable('insight_items').ifExists().execute();
  await sql.raw('drop index if exists insight_private').execute(db);
  await sql.raw('drop index if exists insight_unfilled').execute(db);
  for (const [name] of [...COLUMNS].reverse())
    await db.schema.alterTable('report_facts').dropColumn(name).execute();
}
