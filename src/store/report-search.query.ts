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
 * (more when a later page asks for it) and, on SQLite, up to TITLE_HITS older ones with the words in their
 * title: ranking every match of a word found in most reports costs a read of each, and such a word says
 * little about which report is wanted (its weight in the score is near nil), so recency is as good a guide
 * for the rest. Measured on 100,000 reports: bm25 costs about 1.3 µs a ranked match.
 */
export const RANK_WINDOW = 500;

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
  return dialect === 'postgres'
    ? searchPostgres(db, counts, viewer, words, page)
    : searchSqlite(db, counts, viewer, words, page);
}

async function searchSqlite(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  words: string[],
  page: Page,
) {
  // Words that occur in nearly every report only slow the search down; PostgreSQL drops them too.
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  const terms = meaningful.length > 0 ? meaningful : words;
  // Each word becomes a quoted FTS5 string, so no input can be read as query syntax.
  const match = terms.map((w) => `"${w}"`).join(' ');
  const visible = sql`r.deleted_at is null and ${visibilitySql(viewer)}`;
  // Ranked: every match of a word on at most RANK_WINDOW reports; for one on more, the newest RANK_WINDOW
  // matches and (for a word on fewer than COUNT_CAP reports) up to TITLE_HITS older reports with every word
  // in their title: the title weighs ten times the body in the score, so those are the older reports most
  // likely to rank high. A word on more reports than that is met in titles too often to tell one report from
  // another, and its weight in the score is near nil. The matches not ranked follow, newest first: one order
  // for every page, so paging on shows each match once.
  // The newest RANK_WINDOW matches from the index alone (hidden and deleted reports among them): the oldest
  // of them, and whether there are more.
  const newest = (
    await sql<{ low: number | null; n: number }>`select min(rowid) as low, count(*) as n from (
      select rowid from report_search where report_search match ${match}
      order by rowid desc limit ${RANK_WINDOW})`.execute(db)
  ).rows[0];
  const everyMatch = Number(newest?.n ?? 0) < RANK_WINDOW;
  const low = everyMatch ? 0 : Number(newest?.low ?? 0);
  // The visible matches, counted (capped, kept) when not every match is ranked; else those ranked.
  const counted = everyMatch
    ? undefined
    : await counts.get(JSON.stringify(['search', viewer, match]), async (limit) => {
        const { rows } = await sql<{ n: number }>`select count(*) as n from (
          select 1 from report_search join reports r on r.seq = report_search.rowid
          where report_search match ${match} and ${visible} limit ${limit})`.execute(db);
        return Number(rows[0]?.n ?? 0);
      });
  let older: number[] = [];
  if (counted?.totalExact) {
    older = (
      await sql<{ seq: number }>`select rowid as seq from report_search
        where report_search match ${`{title} : (${match})`} and rowid < ${low}
        order by rowid desc limit ${TITLE_HITS}`.execute(db)
    ).rows.map((r) => Number(r.seq));
  }
  // FTS5 walks a term's matches newest first cheaply, but a range of rowids costs it a walk of every match
  // (measured: 5 ms for a word on 95,000 reports): the window is taken by a LIMIT, and the older title hits
  // by a condition SQLite checks (the "+" keeps it from FTS5) on each of at most COUNT_CAP matches.
  const scored = everyMatch
    ? sql`select rowid, bm25(report_search, 10.0, 1.0) as score from report_search
          where report_search match ${match}`
    : older.length === 0
      ? sql`select rowid, bm25(report_search, 10.0, 1.0) as score from report_search
            where report_search match ${match} order by rowid desc limit ${RANK_WINDOW}`
      : sql`select rowid, bm25(report_search, 10.0, 1.0) as score from report_search
            where report_search match ${match}
              and (+report_search.rowid >= ${low} or +report_search.rowid in (${sql.join(older)}))`;
  const upTo = page.offset + page.limit;
  const top = (
    await sql<{ seq: number; score: number }>`
      select c.rowid as seq, c.score as score from (${scored}) c join reports r on r.seq = c.rowid
      where ${visible}
      order by c.score, c.rowid
      ${everyMatch ? sql`` : sql`limit ${upTo}`}`.execute(db)
  ).rows;
  const ranked: { seq: number; score: number | null }[] = top.slice(page.offset, upTo);
  if (!everyMatch && top.length < upTo) {
    const rest = await sql<{ seq: number }>`
      select r.seq as seq from report_search join reports r on r.seq = report_search.rowid
      where report_search match ${match} and report_search.rowid < ${low}
        ${older.length > 0 ? sql`and +report_search.rowid not in (${sql.join(older)})` : sql``}
        and ${visible}
      order by report_search.rowid desc
      limit ${page.limit - ranked.length} offset ${Math.max(0, page.offset - top.length)}`.execute(db);
    for (const r of rest.rows) ranked.push({ seq: r.seq, score: null });
  }
  const { total, totalExact } = counted ?? { total: top.length, totalExact: true };
  if (ranked.length === 0) return { total, totalExact, items: [] };
  // Summaries and prose for the page alone; its snippets are cut here (see snippetOf), not by FTS5's
  // snippet(), which tokenizes every shown report's text again inside the query.
  const details = await sql<ReportsTable & { body: string }>`
    select r.id, r.seq, r.title, r.kind, r.state, r.severity, r.restricted, r.period_start, r.version,
      r.created_at, r.updated_at, r.deleted_at, s.body
    from reports r join report_search s on s.rowid = r.seq
    where r.seq in (${sql.join(ranked.map((r) => Number(r.seq)))})`.execute(db);
  const bySeq = new Map(details.rows.map((r) => [Number(r.seq), r]));
  const stems = terms.map(stemOf);
  const items = ranked.flatMap((hit) => {
    const r = bySeq.get(Number(hit.seq));
    return r
      ? [
          {
            ...toSummary(r),
            score: hit.score === null ? 0 : -Number(hit.score),
            snippet: snippetOf(r.body, stems),
          },
        ]
      : [];
  });
  return { total, totalExact, items };
}

/** Older reports with the words in their title ranked beside the newest matches (see searchSqlite). */
export const TITLE_HITS = 100;

/** Words shown around the best place in a snippet. */
const SNIPPET_WORDS = 16;

/**
 * A rough stem, so that a snippet marks the forms the porter tokenizer matched ("upgraded" for "upgrade",
 * "outages" for "outage"): lower case, less a common English ending.
 */
export function stemOf(word: string): string {
  const w = word.toLowerCase();
  const m = /^(.{3,}?)(?:ies|ing|ed|es|e|s|ly)$/u.exec(w);
  return m ? m[1]! : w;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The snippet of a search hit: about SNIPPET_WORDS words of `body` around the place with the most of the
 * query's words (the first such place), each of those words between \u0001 and \u0002, with "…" where text is
 * left out. Without any of them in the body (the title matched), its first words. Only the words starting
 * like a query word are looked at closely, so a long text costs one pass of a regular expression.
 */
export function snippetOf(body: string, stems: string[]): string {
  const hits: { start: number; end: number; stem: number }[] = [];
  if (stems.length > 0) {
    const starts = new RegExp(`(?<![\\p{L}\\p{N}])(?:${stems.join('|')})[\\p{L}\\p{N}]*`, 'giu');
    for (const m of body.matchAll(starts)) {
      const stem = stemOf(m[0]);
      const k = stems.findIndex((s) => stem === s || m[0].toLowerCase() === s);
      if (k >= 0) hits.push({ start: m.index, end: m.index + m[0].length, stem: k });
    }
  }
  // The hit with the most distinct query words among the hits that follow it closely (a word is about
  // eight characters with its space).
  let from = 0;
  if (hits.length > 0) {
    let best = 0;
    let bestScore = 0;
    for (let i = 0; i < hits.length; i++) {
      const seen = new Set<number>();
      for (let k = i; k < hits.length && hits[k]!.start - hits[i]!.start < SNIPPET_WORDS * 6; k++)
        seen.add(hits[k]!.stem);
      if (seen.size > bestScore) [best, bestScore] = [i, seen.size];
      if (bestScore === stems.length) break;
    }
    // Two words before it, for context.
    from = hits[best]!.start;
    const isWord = (i: number) => i >= 0 && /[\p{L}\p{N}]/u.test(body[i]!);
    for (let back = 0; back < 2 && from > 0; back++) {
      let i = from - 1;
      while (i >= 0 && from - i < 40 && !isWord(i)) i--;
      while (i >= 0 && from - i < 40 && isWord(i)) i--;
      if (from - i >= 40) break;
      from = i + 1;
    }
  }
  WORD.lastIndex = from;
  let out = from > 0 ? '…' : '';
  let at = from;
  let h = hits.findIndex((x) => x.start >= from);
  for (let n = 0; n < SNIPPET_WORDS; n++) {
    const m = WORD.exec(body);
    if (!m) return out + body.slice(at);
    out += body.slice(at, m.index);
    const hit = h >= 0 && hits[h]?.start === m.index ? hits[h++] : undefined;
    out += hit ? `\u0001${body.slice(hit.start, hit.end)}\u0002` : m[0];
    at = hit ? hit.end : m.index + m[0].length;
    WORD.lastIndex = at;
  }
  return WORD.exec(body) ? `${out}…` : out + body.slice(at);
}

async function searchPostgres(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  words: string[],
  page: Page,
) {
  const text = words.join(' ');
  // The query is written out in each condition (not a CTE's column), so the planner sees the words and picks
  // per word: for one in most reports, reports walked newest first until the window is full; for a rarer
  // one, its matches from the GIN index. The order is SQLite's (see searchSqlite): the ranked candidates, then
  // the rest newest first.
  const tsq = sql`plainto_tsquery('english', ${text})`;
  const where: RawBuilder<unknown> = sql`s.document @@ ${tsq} and r.deleted_at is null and ${visibilitySql(viewer)}`;
  // Each document a query reads costs a fetch of its tsvector from TOAST: the newest RANK_WINDOW visible
  // matches are found and scored in one pass, and a query with fewer matches needs no count at all.
  type Scored = { seq: number; score: number };
  const scored = (rows: { seq: number; score: number }[]): Scored[] =>
    rows.map((r) => ({ seq: Number(r.seq), score: Number(r.score) }));
  const window = scored(
    (
      await sql<Scored>`select r.seq, ts_rank(s.document, ${tsq}) as score
        from reports r join report_search s on s.report_id = r.id
        where ${where} order by r.seq desc limit ${RANK_WINDOW}`.execute(db)
    ).rows,
  );
  const everyMatch = window.length < RANK_WINDOW;
  const low = everyMatch ? 0 : window[window.length - 1]!.seq;
  const { total, totalExact } = everyMatch
    ? { total: window.length, totalExact: true }
    : await counts.get(JSON.stringify(['search', viewer, text]), (limit) =>
        countPostgres(db, counts, viewer, tsq, where, limit),
      );
  let older: Scored[] = [];
  if (!everyMatch && totalExact) {
    // Every word in the title: the words are letters and digits only, so they are safe as tsquery operands.
    const inTitle = sql`to_tsquery('english', ${words.map((w) => `${w}:A`).join(' & ')})`;
    older = scored(
      (
        await sql<Scored>`select r.seq, ts_rank(s.document, ${tsq}) as score
          from reports r join report_search s on s.report_id = r.id
          where ${where} and s.document @@ ${inTitle} and r.seq < ${low}
          order by r.seq desc limit ${TITLE_HITS}`.execute(db)
      ).rows,
    );
  }
  // Best first, then older first among equals (as the ranked query orders on both dialects).
  const candidates = window.concat(older).sort((a, b) => b.score - a.score || a.seq - b.seq);
  const upTo = page.offset + page.limit;
  const ranked: Scored[] = candidates.slice(page.offset, upTo);
  if (!everyMatch && candidates.length < upTo) {
    const rest = await sql<{ seq: number }>`
      select r.seq from reports r join report_search s on s.report_id = r.id
      where ${where} and r.seq < ${low}
        ${older.length > 0 ? sql`and r.seq not in (${sql.join(older.map((o) => o.seq))})` : sql``}
      order by r.seq desc
      limit ${page.limit - ranked.length} offset ${Math.max(0, page.offset - candidates.length)}`.execute(db);
    for (const r of rest.rows) ranked.push({ seq: Number(r.seq), score: 0 });
  }
  if (ranked.length === 0) return { total, totalExact, items: [] };
  // The page's rows and prose; snippets are cut in JavaScript (snippetOf, as on SQLite): ts_headline parses
  // each shown report's text again inside the query.
  const rows = await sql<ReportsTable & { body: string }>`
    select r.id, r.seq, r.title, r.kind, r.state, r.severity, r.restricted, r.period_start, r.version,
      r.created_at, r.updated_at, r.deleted_at, s.body
    from reports r join report_search s on s.report_id = r.id
    where r.seq in (${sql.join(ranked.map((r) => r.seq))})`.execute(db);
  const bySeq = new Map(rows.rows.map((r) => [Number(r.seq), r]));
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  const stems = (meaningful.length > 0 ? meaningful : words).map(stemOf);
  return {
    total,
    totalExact,
    items: ranked.flatMap((hit) => {
      const r = bySeq.get(hit.seq);
      return r ? [{ ...toSummary(r), score: hit.score, snippet: snippetOf(r.body, stems) }] : [];
    }),
  };
}

/**
 * How many reports the viewer may see match (up to `limit`), on PostgreSQL. Counting reads every match's
 * document; for a word on most reports that is thousands of reads for a total shown as "10,000+". So the
 * planner's estimate of all matches (from the column's statistics of lexeme frequencies, kept by ANALYZE)
 * is asked first: when it exceeds the cap by a margin even after every report the viewer may not see is
 * taken away, the total is the cap; only below that are the matches counted.
 */
async function countPostgres(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  tsq: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  limit: number,
): Promise<number> {
  const plan = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`
    explain (format json) select 1 from report_search s where s.document @@ ${tsq}`.execute(db);
  const estimate = Number(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  if (estimate > ESTIMATE_MARGIN * limit) {
    const hidden = await counts.get(JSON.stringify(['hidden', viewer]), async (cap) => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from (select 1 from reports r
        where not (r.deleted_at is null and ${visibilitySql(viewer)}) limit ${cap}) h`.execute(db);
      return Number(rows[0]?.n ?? 0);
    });
    if (hidden.totalExact && estimate - hidden.total > ESTIMATE_MARGIN * limit) return limit;
  }
  const count = await sql<{ n: number }>`
    select count(*) as n from (select 1 from reports r join report_search s on s.report_id = r.id
      where ${where} limit ${limit}) c`.execute(db);
  return Number(count.rows[0]?.n ?? 0);
}

/** How far above the cap an estimated count must be to be taken as over it (see countPostgres). */
const ESTIMATE_MARGIN = 1.2;
