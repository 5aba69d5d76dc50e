import { sql } from 'kysely';
import type { Report } from '../domain/index.js';
import type { Store } from './database.js';
import { bucketOf, daysToPublish } from '../domain/index.js';
import { insightItems, memoryRows } from './report-index.js';
import { keyDocument, keyIndexReady, runner, writeKeyChanges } from './key-index.js';

const BATCH = 500;
/** Rows per insert: well under SQLite's limit on bound parameters however many keys or factors a report has. */
const CHUNK = 200;

/**
 * Fill the shared memory's side tables (report_keys, report_facts, report_factors) for every report that has no
 * facts row: those stored before migration 2026-12-06-601 made the tables. The rows are derived data, so they
 * come from today's code (memoryRows), not from a copy frozen in the migration. A batch at a time in seq order,
 * each in its own transaction, so a crash part-way leaves whole reports done and the next start goes on.
 * Returns how many reports were filled.
 */
export async function backfillMemory(store: Store): Promise<number> {
  const db = store.db;
  // Every start after the first has nothing to fill. This anti-join reads only an index holding seq and id
  // (reports_visibility on SQLite: ~30 ms at 100,000 reports), where the batch query below, which needs the
  // content, visits every report's row (~1.3 s there) to find none.
  const first = await db
    .selectFrom('reports as r')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('report_facts as f').select('f.report_id').whereRef('f.report_id', '=', 'r.id'))),
    )
    .where('r.seq', '>', -1)
    .select('r.seq')
    .orderBy('r.seq')
    .limit(1)
    .executeTakeFirst();
  if (first === undefined) return 0;
  let after = Number(first.seq) - 1;
  let filled = 0;
  // The key index (key-index.ts) once filled is kept in step here too; before, its fill reads these rows.
  const keyIndex = store.sqlite && keyIndexReady(store.sqlite) ? runner(store.sqlite) : undefined;
  for (;;) {
    const rows = await db
      .selectFrom('reports as r')
      .leftJoin('report_facts as f', 'f.report_id', 'r.id')
      .where('f.report_id', 'is', null)
      .where('r.seq', '>', after)
      .select(['r.id', 'r.seq', 'r.updated_at', 'r.content', 'r.deleted_at', 'r.review_round'])
      .orderBy('r.seq')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const r of rows) {
        const report = JSON.parse(r.content) as Report;
        // The first publication is not on record for reports stored before this: their last change stands in.
        const published = report.state === 'published' || report.state === 'closed' ? r.updated_at : null;
        const m = memoryRows(r.id, report, published);
        m.facts.review_round = Number(r.review_round);
        if (r.deleted_at) {
          m.facts.public = 0;
          for (const i of m.items) i.public = 0;
        }
        for (let i = 0; i < m.keys.length; i += CHUNK)
          await trx
            .insertInto('report_keys')
            .values(m.keys.slice(i, i + CHUNK))
            .execute();
        if (keyIndex) writeKeyChanges(keyIndex, [[undefined, keyDocument(Number(r.seq), m.keys)]]);
        await trx.insertInto('report_facts').values(m.facts).execute();
        for (let i = 0; i < m.factors.length; i += CHUNK)
          await trx
            .insertInto('report_factors')
            .values(m.factors.slice(i, i + CHUNK))
            .execute();
        for (let i = 0; i < m.items.length; i += CHUNK)
          await trx
            .insertInto('insight_items')
            .values(m.items.slice(i, i + CHUNK))
            .execute();
      }
    });
    filled += rows.length;
    after = Number(rows[rows.length - 1]!.seq);
  }
  return filled;
}

const bucket = (v: number | null) => (v === null ? null : bucketOf(v));

/**
 * Fill the columns migration 2026-12-07-401 added to report_facts (`public`, review round, days to publication,
 * the buckets) for rows written before it: from each row and its report's, by today's code. A batch per
 * transaction; rows still unfilled are found by the partial index insight_unfilled. Returns how many.
 */
export async function backfillInsightColumns(store: Store): Promise<number> {
  const db = store.db;
  let filled = 0;
  for (;;) {
    const rows = await db
      .selectFrom('report_facts as f')
      .innerJoin('reports as r', 'r.id', 'f.report_id')
      .where('f.public', 'is', null)
      .select([
        'f.report_id',
        'f.started',
        'f.published',
        'f.systems',
        'f.time_to_detect',
        'f.time_to_respond',
        'f.time_to_mitigate',
        'f.time_to_resolve',
        'f.kind',
        'f.severity',
        'f.open_deadlines',
        'r.restricted',
        'r.deleted_at',
        'r.review_round',
      ])
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const r of rows) {
        const days = daysToPublish(r.started, r.published);
        const n = (v: number | null) => (v === null ? null : Number(v));
        const isPublic = Number(r.restricted) === 0 && !r.deleted_at ? 1 : 0;
        const lines = (s: string, sep: string) => (s === '' ? [] : s.split(sep));
        const items = insightItems(
          r.report_id,
          { ...r, systems: lines(r.systems, '\n'), openDeadlines: lines(r.open_deadlines, ',') },
          isPublic,
        );
        await trx.deleteFrom('insight_items').where('report_id', '=', r.report_id).execute();
        for (let i = 0; i < items.length; i += CHUNK)
          await trx
            .insertInto('insight_items')
            .values(items.slice(i, i + CHUNK))
            .execute();
        await trx
          .updateTable('report_facts')
          .set({
            public: isPublic,
            review_round: Number(r.review_round),
            days_to_publish: days,
            system_count: r.systems === '' ? 0 : r.systems.split('\n').length,
            b_detect: bucket(n(r.time_to_detect)),
            b_respond: bucket(n(r.time_to_respond)),
            b_mitigate: bucket(n(r.time_to_mitigate)),
            b_resolve: bucket(n(r.time_to_resolve)),
            b_publish: bucket(days),
          })
          .where('report_id', '=', r.report_id)
          .execute();
      }
    });
    filled += rows.length;
  }
  return filled;
}

/**
 * Fill what migration 2026-12-08-402 added for rows stored before it: the day each completed action was
 * completed, where the report's revisions show it (the first revision after one holding the action in another
 * state; an action completed in the first revision, or added completed, stays unknown), then each facts row's
 * completed actions on time, late, with no deadline and unknown, in one statement. A crash part-way leaves rows
 * still null (found by the partial index insight_undone), and the next start goes on. Returns how many facts rows.
 */
export async function backfillCompletion(store: Store): Promise<number> {
  const db = store.db;
  // Only reports with a completed action and a second revision can show when it was completed.
  const candidates = await sql<{ report_id: string }>`select f.report_id from report_facts f
    where f.done_unknown is null
      and exists (select 1 from action_items a where a.report_id = f.report_id and a.status || '' = 'completed')
      and exists (select 1 from report_revisions v where v.report_id = f.report_id and v.version = 2)`.execute(
    db,
  );
  for (let i = 0; i < candidates.rows.length; i += BATCH) {
    const ids = candidates.rows.slice(i, i + BATCH).map((r) => r.report_id);
    await db.transaction().execute(async (trx) => {
      for (const id of ids) {
        const revisions = await trx
          .selectFrom('report_revisions')
          .select(['created_at', 'content'])
          .where('report_id', '=', id)
          .orderBy('version')
          .execute();
        const day = new Map<string, string | null>();
        let before = new Map<string, string>();
        for (const [n, v] of revisions.entries()) {
          const report = JSON.parse(v.content) as Report;
          const now = new Map(report.actions.items.map((a) => [a.id, a.status as string]));
          for (const [action, status] of now) {
            if (status !== 'completed') day.delete(action);
            else if (!day.has(action)) {
              const was = before.get(action);
              day.set(
                action,
                n > 0 && was !== undefined && was !== 'completed' ? v.created_at.slice(0, 10) : null,
              );
            }
          }
          before = now;
        }
        for (const [action, on] of day)
          if (on !== null)
            await trx
              .updateTable('action_items')
              .set({ completed_on: on })
              .where('report_id', '=', id)
              .where('item_id', '=', action)
              .where('status', '=', 'completed')
              .execute();
      }
    });
  }
  // `status || ''` keeps SQLite from reading the actions by their status index (every completed action, for
  // each report) instead of by report.
  const done = (cond: string) =>
    sql.raw(`(select count(*) from action_items a where a.report_id = report_facts.report_id
      and a.status || '' = 'completed' and ${cond})`);
  const r = await sql`update report_facts set
      done_on_time = ${done('a.deadline is not null and a.completed_on is not null and a.completed_on <= a.deadline')},
      done_late = ${done('a.deadline is not null and a.completed_on is not null and a.completed_on > a.deadline')},
      done_no_deadline = ${done('a.deadline is null')},
      done_unknown = ${done('a.deadline is not null and a.completed_on is null')}
    where done_unknown is null`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
