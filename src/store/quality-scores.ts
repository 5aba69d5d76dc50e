import { sql, type Kysely, type Transaction } from 'kysely';
import { bucketOf, type Report } from '../domain/index.js';
import type { Store } from './database.js';
import type { Database } from './database.types.js';
import { applyKept, applyKeptOf, refindEnds } from './insight-kept.js';
import { triesAfter } from './pg-save.js';

// The linter's quality score of each report in its facts row (issue 17, post-mortem health). A save empties the
// score (the content changed); `hindsight serve` fills it again in the background, a report at a time, the lint
// run in a worker thread (server/scorer/background-scorer.ts) and the score written here on the main thread's
// store, recently saved reports first and the rest (the reports stored before migration 2026-12-08-402 made the
// column) slowly; `hindsight migrate --score-reports N` does the same in the foreground. A score is written only
// if the report was not saved meanwhile, in one transaction with what it changes in the kept tallies. The figures
// count the reports not scored yet beside the scores, so none is left out silently.

/** What scoring a report needs: its id, the version read, and the stored content (JSON). */
export interface ScoreJob {
  id: string;
  version: number;
  content: string;
}

/**
 * Up to `limit` ids of reports whose facts row has no score, greatest id first, below `before` when given (a
 * keyset walk over the partial index insight_unscored). Deleted reports are among them; jobsFor leaves them out.
 */
export async function unscoredIds(
  store: Store,
  options: { before?: string; limit: number },
): Promise<string[]> {
  let q = store.db
    .selectFrom('report_facts')
    .select('report_id')
    .where('quality_score', 'is', null)
    .orderBy('report_id', 'desc')
    .limit(options.limit);
  if (options.before !== undefined) q = q.where('report_id', '<', options.before);
  return (await q.execute()).map((r) => r.report_id);
}

/** The live, still unscored reports among `ids`, with their version and content. */
export async function jobsFor(store: Store, ids: string[]): Promise<ScoreJob[]> {
  if (ids.length === 0) return [];
  const rows = await store.db
    .selectFrom('report_facts as f')
    .innerJoin('reports as r', 'r.id', 'f.report_id')
    .select(['r.id', 'r.version', 'r.content'])
    .where('f.report_id', 'in', ids)
    .where('f.quality_score', 'is', null)
    .where('r.deleted_at', 'is', null)
    .execute();
  return rows.map((r) => ({ id: r.id, version: Number(r.version), content: r.content }));
}

/**
 * Store `value` as the score of report `id` at `version`, with what it changes in the kept tallies, in one
 * transaction; nothing when the report was saved meanwhile (another version, or the score no longer empty), or
 * when `basis` (scoreBasis, read before the lint) no longer equals the stored settings.
 * True when it was written. With `bump: false` the insights' generation is left for the caller to move later
 * (bumpInsights): the background scorer moves it at most every few seconds, so that a backlog being scored does
 * not throw the kept insights away after every report.
 */
/** The settings keys a stored score depends on: the linter reads them (unknown severity, internal names). */
export const SCORE_BASIS_KEYS = ['severityScale', 'internalNetwork'] as const;

/**
 * The stored text of the settings a score depends on, to tell whether they changed between a lint and the
 * write of its score (writeScore's `basis`).
 */
export async function scoreBasis(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', [...SCORE_BASIS_KEYS])
    .orderBy('key')
    .execute();
  return JSON.stringify(rows.map((r) => [r.key, r.value]));
}

export async function writeScore(
  store: Store,
  id: string,
  version: number,
  value: number,
  options: { bump?: boolean; basis?: string } = {},
): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    // On PostgreSQL the report's row is locked first, as a save does: a save under way finishes before this reads
    // (and its version no longer matches), one coming waits until this has written. SQLite runs one at a time.
    let current = trx.selectFrom('reports').select('version').where('id', '=', id);
    if (store.dialect === 'postgres') current = current.forUpdate();
    const now = await current.executeTakeFirst();
    // The facts row locked too (a statement after the report's lock, so it reads the row as a save left it).
    let facts = trx.selectFrom('report_facts').selectAll().where('report_id', '=', id);
    if (store.dialect === 'postgres') facts = facts.forUpdate();
    const prev = await facts.executeTakeFirst();
    if (!prev || prev.quality_score !== null || Number(now?.version) !== version) return false;
    // Linted under settings that have changed since (forgetScores empties the scores stored before the change;
    // this one, read in the same transaction, would come after it).
    if (options.basis !== undefined && (await scoreBasis(trx)) !== options.basis) return false;
    const set = { quality_score: value, b_quality: bucketOf(value) };
    await trx.updateTable('report_facts').set(set).where('report_id', '=', id).execute();
    await applyKept(trx, store.dialect, prev, { ...prev, ...set });
    if (options.bump !== false) await bumpInsights(trx);
    return true;
  });
}

/**
 * The settings key that holds how far forgetScores got: the least report id walked (the walk goes on below it),
 * null before the first chunk.
 */
const FORGET_KEY = 'scores:forget-below';

/**
 * Empty every stored score: the settings a score depends on (the severity scale, the internal network) changed,
 * so the scores stored under the old ones are no longer the editor's. The background scorer fills them again,
 * and meanwhile the figures count those reports as not scored yet rather than show stale scores. The facts
 * rows are walked from the greatest id down, `chunk` at a time, each chunk one transaction with its change to
 * the kept tallies and with how far the walk got (settings key FORGET_KEY, written first): the event loop is
 * free between chunks (at 100,000 reports one transaction took 2 s of CPU; a chunk of 100 takes a few
 * milliseconds), and a walk a crash cut short goes on at the next start (resumeForgetScores). A score written meanwhile under the new settings may be emptied
 * too, and is written again. Returns how many scores were emptied.
 */
export async function forgetScores(store: Store, options: { chunk?: number } = {}): Promise<number> {
  await startForgettingScores(store);
  return resumeForgetScores(store, options);
}

/**
 * The first step of forgetScores, on its own: the walk marked as to do from the greatest id (the settings
 * service does this before it answers; the server then walks in the background, and at its next start should
 * it stop first).
 */
export async function startForgettingScores(store: Store): Promise<void> {
  const at = new Date().toISOString();
  await store.db
    .insertInto('settings')
    .values({ key: FORGET_KEY, value: 'null', updated_at: at, updated_by: null })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'null', updated_at: at }))
    .execute();
}

/**
 * Go on with a forgetScores walk a stop cut short (nothing when none is under way); how many were emptied. With
 * `stopped`, asked before each chunk, the walk ends early when it says so (the server closing), its place kept.
 */
export async function resumeForgetScores(
  store: Store,
  options: { chunk?: number; stopped?: () => boolean } = {},
): Promise<number> {
  const chunk = options.chunk ?? 100;
  let emptied = 0;
  let retries = 0;
  for (;;) {
    if (options.stopped?.()) return emptied;
    const step = store.db.transaction().execute(async (trx) => {
      // The mark locked on PostgreSQL until the chunk commits: a walk started again meanwhile (the settings changed
      // once more, startForgettingScores) waits, rather than have this chunk write its place over the restart, or
      // the last chunk delete it; a second walk (another instance) goes on from this one's place.
      let marked = trx.selectFrom('settings').select('value').where('key', '=', FORGET_KEY);
      if (store.dialect === 'postgres') marked = marked.forUpdate();
      const mark = await marked.executeTakeFirst();
      if (!mark) return false;
      const below = JSON.parse(mark.value) as string | null;
      let q = trx.selectFrom('report_facts').selectAll().where('quality_score', 'is not', null);
      if (below !== null) q = q.where('report_id', '<', below);
      q = q.orderBy('report_id', 'desc').limit(chunk);
      if (store.dialect === 'postgres') q = q.forUpdate();
      const rows = await q.execute();
      if (rows.length === 0) {
        // The buckets scored meanwhile (under the new settings) get their least and greatest value right.
        await refindEnds(trx, store.dialect, 'b:quality_score');
        await trx.deleteFrom('settings').where('key', '=', FORGET_KEY).execute();
        await bumpInsights(trx);
        return false;
      }
      const ids = rows.map((r) => r.report_id);
      const set = { quality_score: null, b_quality: null };
      await trx.updateTable('report_facts').set(set).where('report_id', 'in', ids).execute();
      // Without finding each bucket's ends again from the rows (most of a chunk's time): a bucket keeps its
      // least and greatest value until it is empty or the walk ends.
      await applyKeptOf(
        trx,
        store.dialect,
        rows.map((r) => [r, { ...r, ...set }] as const),
        { refind: false },
      );
      await trx
        .updateTable('settings')
        .set({ value: JSON.stringify(ids[ids.length - 1]) })
        .where('key', '=', FORGET_KEY)
        .execute();
      return rows.length;
    });
    let more: number | false;
    try {
      more = await step;
    } catch (e) {
      // A deadlock with a save on PostgreSQL: the chunk is walked again (five times in a row at most).
      const again = triesAfter(e, retries, 5);
      if (again !== undefined) {
        retries = again;
        continue;
      }
      throw e;
    }
    if (more === false) return emptied;
    emptied += more;
    retries = 0;
    // The WAL checkpointed on its own thread as it grows, as after a save: a walk of 100,000 rows left to the
    // connection's backstop stalled the event loop 300-400 ms every second or so (its checkpoints).
    store.committed?.();
    // Requests run between two chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Move the insights' generation on, so that kept insights are computed afresh at their next request. */
export async function bumpInsights(db: Pick<Store, 'db'>['db']): Promise<void> {
  await sql`update insight_generation set n = n + 1 where id = 1`.execute(db);
}

/**
 * Score up to `limit` live reports whose facts row has no score, stopping early once `budgetMs` has passed;
 * each score is written by writeScore. Returns how many were scored.
 */
export async function scoreUnscored(
  store: Store,
  score: (report: Report) => number,
  options: { limit?: number; budgetMs?: number } = {},
): Promise<number> {
  const { limit = 20, budgetMs = 200 } = options;
  const started = performance.now();
  const jobs = (
    await store.db
      .selectFrom('report_facts as f')
      .innerJoin('reports as r', 'r.id', 'f.report_id')
      .select(['r.id', 'r.version', 'r.content'])
      .where('f.quality_score', 'is', null)
      .where('r.deleted_at', 'is', null)
      .limit(limit)
      .execute()
  ).map((r) => ({ id: r.id, version: Number(r.version), content: r.content }));
  let scored = 0;
  for (const job of jobs) {
    if (scored > 0 && performance.now() - started > budgetMs) break;
    if (await writeScore(store, job.id, job.version, score(JSON.parse(job.content) as Report))) scored++;
    // Other requests run between two reports.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return scored;
}
