// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The side tables of the shared memory (issue 17), kept in step with each save like the others:
// report_keys (what a report can share with another: systems, factor categories, cause words, tags,
// fishbone categories, evidence sources; looked up by kind and key, newest incident first),
// report_facts (one row per report: the figures of the insights) and report_factors (each contributing
// factor with its category and the state of the actions that address it). Tables and indexes are made only
// if missing, so a run cut short on SQLite (no transaction around a migration there) can run again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const child = (name: string) =>
    db.schema
      .createTable(name)
      .ifNotExists()
      .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'));

  await child('report_keys')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('started', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_keys_pk', ['report_id', 'kind', 'key'])
    .execute();
  await db.schema
    .createIndex('report_keys_lookup')
    .ifNotExists()
    .on('report_keys')
    .columns(['kind', 'key', 'started', 'report_id'])
    .execute();

  await db.schema
    .createTable('report_facts')
    .ifNotExists()
    .addColumn('report_id', 'text', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started', 'text')
    .addColumn('quarter', 'text')
    .addColumn('detection', 'text')
    .addColumn('time_to_detect', 'double precision')
    .addColumn('time_to_respond', 'double precision')
    .addColumn('time_to_mitigate', 'double precision')
    .addColumn('time_to_resolve', 'double precision')
    .addColumn('published', 'text')
    .addColumn('actions_total', 'integer', (c) => c.notNull())
    .addColumn('actions_completed', 'integer', (c) => c.notNull())
    .addColumn('actions_wont_do', 'integer', (c) => c.notNull())
    .addColumn('verified_effective', 'integer', (c) => c.notNull())
    .addColumn('verified_ineffective', 'integer', (c) => c.notNull())
    .addColumn('open_deadlines', 'text', (c) => c.notNull())
    .addColumn('systems', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .execute();

  await child('report_factors')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('factor_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('category_key', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('quarter', 'text')
    .addColumn('action_state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_factors_pk', ['report_id', 'position'])
    .execute();
  await db.schema
    .createIndex('report_factors_category')
    .ifNotExists()
    .on('report_factors')
    .columns(['category_key', 'report_id'])
    .execute();
  // Reports stored before this are indexed by backfillMemory (src/store/memory-backfill.ts), which
  // migrateToLatest runs after the migrations: the rows are derived data, made by today's code.
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['report_factors', 'report_facts', 'report_keys']) await db.schema.dropTable(t).execute();
}
