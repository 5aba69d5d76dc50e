import type { Report } from '../domain/index.js';
import type { Store } from './database.js';
import { memoryRows } from './report-index.js';

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
  let after = -1;
  let filled = 0;
  for (;;) {
    const rows = await db
      .selectFrom('reports as r')
      .leftJoin('report_facts as f', 'f.report_id', 'r.id')
      .where('f.report_id', 'is', null)
      .where('r.seq', '>', after)
      .select(['r.id', 'r.seq', 'r.updated_at', 'r.content'])
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
        for (let i = 0; i < m.keys.length; i += CHUNK)
          await trx
            .insertInto('report_keys')
            .values(m.keys.slice(i, i + CHUNK))
            .execute();
        await trx.insertInto('report_facts').values(m.facts).execute();
        for (let i = 0; i < m.factors.length; i += CHUNK)
          await trx
            .insertInto('report_factors')
            .values(m.factors.slice(i, i + CHUNK))
            .execute();
      }
    });
    filled += rows.length;
    after = Number(rows[rows.length - 1]!.seq);
  }
  return filled;
}
