import { sql } from 'kysely';
import { bucketOf, type Report } from '../domain/index.js';
import type { Store } from './database.js';
import { applyKept } from './insight-kept.js';

// The linter's quality score of each report in its facts row (issue 17, post-mortem health). Linting a report
// takes far longer than saving it (dictionaries, the prose model), so a save leaves the score empty and this
// fills it afterwards, a few reports at a time (the server's periodic scans; migration 2026-12-08-402 made the
// column, and the reports stored before it are scored the same way). The figures count the reports not scored
// yet beside the scores, so none is left out silently.

/**
 * Score up to `limit` live reports whose facts row has no score, stopping early once `budgetMs` has passed;
 * each score is written in its own transaction with what it changes in the kept tallies, and only if the report
 * was not saved meanwhile (a save empties the score again). Returns how many were scored.
 */
export async function scoreUnscored(
  store: Store,
  score: (report: Report) => number,
  options: { limit?: number; budgetMs?: number } = {},
): Promise<number> {
  const { limit = 20, budgetMs = 200 } = options;
  const started = performance.now();
  const rows = await store.db
    .selectFrom('report_facts as f')
    .innerJoin('reports as r', 'r.id', 'f.report_id')
    .select(['r.id', 'r.version', 'r.content'])
    .where('f.quality_score', 'is', null)
    .where('r.deleted_at', 'is', null)
    .limit(limit)
    .execute();
  let scored = 0;
  for (const r of rows) {
    if (scored > 0 && performance.now() - started > budgetMs) break;
    const value = score(JSON.parse(r.content) as Report);
    await store.db.transaction().execute(async (trx) => {
      // Locked first on PostgreSQL (SQLite has one writer): a save under way holds the row until it commits,
      // and the row and the version are then read as it left them, not as the snapshot had them.
      let q = trx.selectFrom('report_facts').selectAll().where('report_id', '=', r.id);
      if (store.dialect === 'postgres') q = q.forUpdate();
      const prev = await q.executeTakeFirst();
      const now = await trx.selectFrom('reports').select('version').where('id', '=', r.id).executeTakeFirst();
      if (!prev || prev.quality_score !== null || Number(now?.version) !== Number(r.version)) return;
      const set = { quality_score: value, b_quality: bucketOf(value) };
      await trx.updateTable('report_facts').set(set).where('report_id', '=', r.id).execute();
      await applyKept(trx, store.dialect, prev, { ...prev, ...set });
      await sql`update insight_generation set n = n + 1 where id = 1`.execute(trx);
    });
    scored++;
    // Other requests run between two reports.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return scored;
}
