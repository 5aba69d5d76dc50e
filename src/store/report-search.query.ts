import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SearchHit } from '../domain/api-contract.js';
import type { Page, PageResult } from './action-items.query.js';
import { COUNT_CAP, type CountCache } from './count-cache.js';
import type { Dialect } from './database.js';
import type { Database, ReportsTable } from './database.types.js';
import { toSummary } from './report-list.query.js';
import type { Viewer } from './viewer.js';

// English function words, left out of SQLite queries (PostgreSQL's english configuration does the same).
const STOP_WORDS = new Set(
  'a an and are as at be but by for from had has have he her his in is it its of on or she that the their they this to was were which will with not after when during'.split(
    ' ',
  ),
);

/**
 * How many matches are ranked. A query matching more reports than this ranks the newest this many of them
 * (more when a later page asks for it): ranking every match of a word found in most reports costs a read of
 * each, and such a word says little about which report is wanted (its weight in the score is near nil), so
 * recency is as good a guide for the rest.
 */
export const RANK_WINDOW = 2_000;

const visibilitySql = (viewer: Viewer) => {
  const principals = viewer.principals.length > 0 ? viewer.principals : [''];
  return sql`(r.restricted = 0 or r.created_by = ${viewer.userId} or exists (select 1 from report_members m where m.report_id = r.id and m.principal in (${sql.join(principals)})))`;
};

/** Full-text search over the reports the viewer may see, best match first (see RANK_WINDOW). */
export async function searchReports(
  db: Kysely<Database>,
  dialect: Dialect,
  counts: CountCache,
  viewer: Viewer,
  query: string,
  page: Page,
): Promise<Omit<PageResult<SearchHit>, 'next'>> {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0 || page.offset >= COUNT_CAP) return { items: [], total: 0, totalExact: true };
  const window = Math.min(COUNT_CAP, RANK_WINDOW * Math.ceil((page.offset + page.limit) / RANK_WINDOW));
  return dialect === 'postgres'
    ? searchPostgres(db, counts, viewer, words, page, window)
    : searchSqlite(db, counts, viewer, words, page, window);
}

async function searchSqlite(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  words: string[],
  page: Page,
  window: number,
) {
  // Words that occur in nearly every report only slow the search down; PostgreSQL drops them too.
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  // Each word becomes a quoted FTS5 string, so no input can be read as query syntax.
  const match = (meaningful.length > 0 ? meaningful : words).map((w) => `"${w}"`).join(' ');
  const where = sql`report_search match ${match} and r.deleted_at is null and ${visibilitySql(viewer)}`;
  const counted = counts.get(JSON.stringify(['search', viewer, match]), async (limit) => {
    const { rows } = await sql<{ n: number }>`select count(*) as n from (
        select 1 from report_search join reports r on r.seq = report_search.rowid where ${where} limit ${limit})`.execute(
      db,
    );
    return Number(rows[0]?.n ?? 0);
  });
  // FTS5 walks a term's matches newest first (rowid is seq) and stops at the window, so a word in every
  // report costs no more than a rarer one; only that window is scored, through the covering index (never
  // touching the wide report rows). Summaries and snippets are then read for the page alone.
  const ranked = await sql<{ seq: number; score: number }>`
    select seq, score from (
      select r.seq as seq, bm25(report_search, 10.0, 1.0) as score
      from report_search join reports r on r.seq = report_search.rowid
      where ${where}
      order by report_search.rowid desc
      limit ${window})
    order by score, seq
    limit ${page.limit} offset ${page.offset}`.execute(db);
  const { total, totalExact } = await counted;
  if (ranked.rows.length === 0) return { total, totalExact, items: [] };
  const seqs = ranked.rows.map((r) => Number(r.seq));
  const details = await sql<ReportsTable & { snippet: string }>`
    select r.id, r.seq, r.title, r.kind, r.state, r.severity, r.restricted, r.period_start, r.version,
      r.created_at, r.updated_at, r.deleted_at,
      snippet(report_search, 1, ${'\u0001'}, ${'\u0002'}, '…', 16) as snippet
    from report_search join reports r on r.seq = report_search.rowid
    where report_search match ${match} and report_search.rowid in (${sql.join(seqs)})`.execute(db);
  const bySeq = new Map(details.rows.map((r) => [Number(r.seq), r]));
  const items = ranked.rows.flatMap((hit) => {
    const r = bySeq.get(Number(hit.seq));
    return r ? [{ ...toSummary(r), score: -Number(hit.score), snippet: r.snippet }] : [];
  });
  return { total, totalExact, items };
}

async function searchPostgres(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  words: string[],
  page: Page,
  window: number,
) {
  const text = words.join(' ');
  // The query is written out in each condition (not a CTE's column), so the planner sees the words and picks
  // per word: for one in most reports, reports walked newest first until the window is full; for a rarer
  // one, its matches from the GIN index. Only the page's rows are then read whole, with headlines
  // (ts_headline is costly).
  const tsq = sql`plainto_tsquery('english', ${text})`;
  const where: RawBuilder<unknown> = sql`s.document @@ ${tsq} and r.deleted_at is null and ${visibilitySql(viewer)}`;
  const rows = await sql<ReportsTable & { score: number; snippet: string }>`
    with recent as (
      select r.seq, r.id, ts_rank(s.document, ${tsq}) as score
      from reports r join report_search s on s.report_id = r.id
      where ${where}
      order by r.seq desc
      limit ${window}
    ),
    hits as (select seq, id, score from recent order by score desc, id limit ${page.limit} offset ${page.offset})
    select r.id, r.seq, r.title, r.kind, r.state, r.severity, r.restricted, r.period_start, r.version,
      r.created_at, r.updated_at, r.deleted_at, hits.score,
      ts_headline('english', s.body, ${tsq},
        ${'StartSel=\u0001, StopSel=\u0002, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'}) as snippet
    from hits join reports r on r.id = hits.id join report_search s on s.report_id = hits.id
    order by hits.score desc, hits.id`.execute(db);
  const { total, totalExact } = await counts.get(JSON.stringify(['search', viewer, text]), async (limit) => {
    const count = await sql<{ n: number }>`
      select count(*) as n from (select 1 from reports r join report_search s on s.report_id = r.id
        where ${where} limit ${limit}) c`.execute(db);
    return Number(count.rows[0]?.n ?? 0);
  });
  return {
    total,
    totalExact,
    items: rows.rows.map((r) => ({ ...toSummary(r), score: Number(r.score), snippet: r.snippet })),
  };
}
