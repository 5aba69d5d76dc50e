import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ReportSummary, SearchHit } from '../domain/api-contract.js';
import type { Page, PageResult } from './action-items.query.js';
import { COUNT_CAP, type CappedCount, type CountCache } from './count-cache.js';
import { ONE_PLAN, type Dialect } from './database.js';
import type { Database } from './database.types.js';
import { PG_SUMMARY_JSON, SUMMARY_JSON } from './report-list.query.js';
import type { Viewer } from './viewer.js';
import { matchEstimates } from './kept-estimates.js';

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

/**
 * Scored matches read beyond a page's end when not every match is scored (see searchSqlite): the page is
 * read again with all of them only when more than this many of the best are hidden from the viewer.
 */
const RANK_SPARE = 64;

/** Older reports with the words in their title ranked beside the newest matches (see searchSqlite). */
export const TITLE_HITS = 100;

/** How a search ranks (SQLite and PostgreSQL); tests set smaller figures to reach each path with few reports. */
export interface SearchTuning {
  /** See RANK_WINDOW. */
  rankWindow: number;
  /** See TITLE_HITS. */
  titleHits: number;
  /**
   * A query matching at least this share of the reports (judged from how closely its newest rankWindow
   * matches follow each other)…
   */
  commonShare: number;
  /** …and about this many reports or more is a common one: its matches are shown newest first, unranked. */
  commonMatches: number;
  /** See RANK_SPARE (SQLite). */
  rankSpare?: number;
}

/** The figures searches run with. */
export const SEARCH_TUNING: SearchTuning = {
  rankWindow: RANK_WINDOW,
  titleHits: TITLE_HITS,
  commonShare: 0.5,
  commonMatches: COUNT_CAP,
};

type Rows = (sqlText: string, params: readonly unknown[]) => unknown[][];

/**
 * A report shown (its SUMMARY_JSON_SQL columns, then its search body when read with them: see BODY) and its bm25
 * score, null when it was not scored.
 */
interface Hit {
  row: unknown[];
  score: number | null;
}

/** A hit of a search: its summary as JSON text (SUMMARY_JSON_SQL, PG_SUMMARY_JSON), its score and marked snippet. */
interface TextHit {
  summary: string;
  score: number;
  snippet: string;
}

/** A page of a search on SQLite (see searchSqliteHits). */
export interface SearchTextPage {
  total: number;
  totalExact: boolean;
  hits: TextHit[];
}

/** A match's seq and its bm25 score (lower is better). */
interface Scored {
  seq: number;
  score: number;
}

/**
 * On PostgreSQL, a report's summary as JSON text (PG_SUMMARY_JSON) and its seq: one string per hit for the pg
 * driver to read, rather than twelve values made an object and written out again.
 */
const PG_SUMMARY_SQL = `${PG_SUMMARY_JSON} as summary, r.seq`;

/**
 * On SQLite, a report's summary as JSON text (SUMMARY_JSON), then its seq: one string per hit rather than twelve
 * values made objects and written out again (measured on 100,000 reports: a page of 50 read and written 0.52 ->
 * 0.43 CPU ms).
 */
const SUMMARY_JSON_SQL = `${SUMMARY_JSON}, r.seq`;

/** The index in a hit's row of its search body, read in the statement that reads its summary. */
const BODY = 2;

/** A hit's sequence number (the second column of SUMMARY_JSON_SQL). */
const seqOf = (row: unknown[]) => Number(row[1]);

/** The condition on reports (aliased `r`) the viewer may see, with its parameters. */
function visibleText(viewer: Viewer): [string, unknown[]] {
  const principals = viewer.principals.length > 0 ? viewer.principals : [''];
  return [
    `r.deleted_at is null and (r.restricted = 0 or r.created_by = ? or exists (select 1 from report_members m where m.report_id = r.id and m.principal in (${principals.map(() => '?').join(', ')})))`,
    [viewer.userId, ...principals],
  ];
}

const BM25 = 'bm25(report_search, 10.0, 1.0)';

/**
 * The condition on reports (aliased `r`) the viewer may see, on PostgreSQL. With `probe`, the members of each
 * restricted report met are looked up in their index, for a statement that meets few reports: the OFFSET keeps
 * PostgreSQL from hashing every member row of the viewer's principals first, which it does when the plan cannot
 * tell how many reports it will meet (a named statement's generic plan; measured at 20,000 reports, "platform"'s
 * page 0.55 -> 0.48 ms of the database's CPU).
 */
const visibilitySql = (viewer: Viewer, probe = false) => {
  const principals = viewer.principals.length > 0 ? viewer.principals : [''];
  return sql`(r.restricted = 0 or r.created_by = ${viewer.userId} or exists (select 1 from report_members m where m.report_id = r.id and m.principal in (${sql.join(principals)})${sql.raw(probe ? ' offset 0' : '')}))`;
};

/**
 * The condition on search rows (aliased `s`) the viewer may see, on PostgreSQL: an open row (its report visible to
 * everyone, see migration 2026-12-14-401) at once; another (a restricted or deleted report's, a few per cent) by
 * its report. The OFFSETs keep that a lookup of each such row's report (and its members), as `probe` does above:
 * otherwise a generic plan may hash every visible report first (measured at 20,000 reports, "platform"'s page:
 * 9.9 ms, 0.18 ms with them).
 */
const searchVisibilitySql = (viewer: Viewer) =>
  sql`(s.open or exists (select 1 from reports r where r.id = s.report_id and r.deleted_at is null and ${visibilitySql(viewer, true)} offset 0))`;

/** Full-text search over the reports the viewer may see, best match first (see RANK_WINDOW). */
export async function searchReports(
  ...args: Parameters<typeof searchHits>
): Promise<Omit<PageResult<SearchHit>, 'next'>> {
  const { total, totalExact, hits } = await searchHits(...args);
  return {
    total,
    totalExact,
    // The summary object gets the hit's fields added, not copied into another object.
    items: hits.map((h) =>
      Object.assign(JSON.parse(h.summary) as ReportSummary, { score: h.score, snippet: h.snippet }),
    ),
  };
}

/**
 * searchReports with its hits' summaries as JSON text written by the database, for a reply written from the
 * text (server/presenters.ts, searchPageJson) rather than from objects.
 */
export async function searchHits(
  db: Kysely<Database>,
  dialect: Dialect,
  counts: CountCache,
  viewer: Viewer,
  query: string,
  page: Page,
  raw?: Rows,
  tuning: SearchTuning = SEARCH_TUNING,
): Promise<SearchTextPage> {
  if (dialect === 'postgres') {
    const words = wordsOf(query);
    if (words.length === 0 || page.offset >= COUNT_CAP) return { hits: [], total: 0, totalExact: true };
    return searchPostgres(db, counts, viewer, words, page, tuning);
  }
  if (!raw) throw new Error('searching SQLite needs its raw reads (Store.rawRows)');
  return searchSqliteHits(counts, viewer, query, page, raw, tuning);
}

const wordsOf = (query: string) => query.match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * A search on SQLite, its hits' summaries as JSON text, on any connection's raw reads: the app's own, or a
 * read-only one in a worker thread (server/search/search.worker.ts, which writes the reply from the text),
 * which gives the same answers from the same file.
 */
export async function searchSqliteHits(
  counts: CountCache,
  viewer: Viewer,
  query: string,
  page: Page,
  raw: Rows,
  tuning: SearchTuning = SEARCH_TUNING,
): Promise<SearchTextPage> {
  const words = wordsOf(query);
  if (words.length === 0 || page.offset >= COUNT_CAP) return { hits: [], total: 0, totalExact: true };
  return searchSqlite(counts, viewer, words, page, raw, tuning);
}

async function searchSqlite(
  counts: CountCache,
  viewer: Viewer,
  words: string[],
  page: Page,
  rows: Rows,
  tuning: SearchTuning,
): Promise<SearchTextPage> {
  // Words that occur in nearly every report only slow the search down; PostgreSQL drops them too.
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  const terms = meaningful.length > 0 ? meaningful : words;
  // Each word becomes a quoted FTS5 string, so no input can be read as query syntax.
  const match = terms.map((w) => `"${w}"`).join(' ');
  const [visible, visibleParams] = visibleText(viewer);
  const upTo = page.offset + page.limit;
  const W = tuning.rankWindow;
  // The newest W matches from the index alone (FTS5 walks a term's matches newest first and stops at the
  // LIMIT; hidden and deleted reports among them): the oldest of them, and whether there are more. A query of
  // several words has them scored in the same walk (see rank): its matches are few as a rule (each word must
  // be in them), and walking every match of each word again to score them cost as much as this walk; one word
  // is walked alone, as a word in most reports, shown unranked (see below), would be scored for nothing.
  let windowScored: Scored[] | undefined;
  let found: number;
  let lowest: number;
  if (terms.length > 1) {
    windowScored = rows(
      `select rowid, ${BM25} from report_search where report_search match ? order by rowid desc limit ?`,
      [match, W],
    ).map((v) => ({ seq: Number(v[0]), score: Number(v[1]) }));
    found = windowScored.length;
    lowest = windowScored[found - 1]?.seq ?? 0;
  } else {
    const [min, n] = rows(
      `select min(rowid), count(*) from (
        select rowid from report_search where report_search match ? order by rowid desc limit ?)`,
      [match, W],
    )[0] ?? [null, 0];
    [found, lowest] = [Number(n), Number(min)];
  }
  if (found === 0) return { total: 0, totalExact: true, hits: [] };
  const everyMatch = found < W;
  const low = everyMatch ? 0 : lowest;
  const countVisible = (common: boolean) =>
    counts.get(JSON.stringify(['search', viewer, match]), (limit) =>
      Promise.resolve(countMatches(rows, viewer, match, limit, common)),
    );
  /** The visible matches older than the ranked ones, newest first: `limit` of them after skipping `skip`. */
  const newestFirst = (below: number, older: number[], limit: number, skip: number) =>
    rows(
      `select ${SUMMARY_JSON_SQL}, report_search.body from report_search
        join reports r indexed by reports_search_summary on r.seq = report_search.rowid
        where report_search match ? and report_search.rowid < ?
          and +report_search.rowid not in (select value from json_each(?)) and ${visible}
        order by report_search.rowid desc limit ? offset ?`,
      [match, below, JSON.stringify(older), ...visibleParams, limit, skip],
    );
  if (!everyMatch) {
    // A common query: its newest W matches lie close together, so it matches about `share` of all
    // reports. Its words then weigh next to nothing in bm25 (their IDF is nil from half the reports on:
    // ln((N - n + 0.5) / (n + 0.5)) <= 0), so scoring tells the matches apart by little but their length,
    // while costing a walk of every match: they are shown newest first, the match a filter, and the walk
    // stops at the page.
    const newest = Number(rows('select max(seq) from reports', [])[0]?.[0] ?? 0);
    const share = W / Math.max(1, newest - low + 1);
    if (share >= tuning.commonShare && share * newest >= tuning.commonMatches) {
      const counted = await countVisible(true);
      const hits = newestFirst(newest + 1, [], page.limit, page.offset);
      return withDetails(
        rows,
        terms,
        counted,
        hits.map((row) => ({ row, score: null })),
      );
    }
  }
  // Ranked: every match of a query on fewer than W reports; for one on more, the newest W matches and
  // (for a query on at most COUNT_CAP reports) up to titleHits older reports with every word in their
  // title: the title weighs ten times the body in the score, so those are the older reports most likely to
  // rank high. The matches not ranked follow, newest first: one order for every page, so paging on shows
  // each match once.
  const counted = everyMatch ? undefined : await countVisible(false);
  let older: number[] = [];
  if (counted?.totalExact) {
    older = rows(
      `select rowid from report_search where report_search match ? and rowid < ? order by rowid desc limit ?`,
      [`{title} : (${match})`, low, tuning.titleHits],
    ).map((v) => Number(v[0]));
  }
  // Scored from the index alone, best first; whether each may be shown is asked of the reports only for
  // as many as the page needs. The window is taken by a LIMIT on the newest matches; with older title hits,
  // by a condition SQLite checks (the "+" keeps it from FTS5) within the range of rowids from the oldest of them
  // on, which FTS5 walks (not every match). When not every match is scored, only the best `limit` come back
  // (SQLite keeps them as it sorts), enough for the page unless more than `limit - upTo` of them are hidden.
  const rank = (limit: number): Scored[] =>
    windowScored ? rankScoredWindow(windowScored, limit) : rankIndex(limit);
  // The window scored as it was read (a query of several words): with the older title hits scored apart (the
  // walk from the oldest of them to the window skips the rest unscored), best first in SQL's order.
  let ranked: Scored[] | undefined;
  const rankScoredWindow = (window: Scored[], limit: number) => {
    ranked ??= window
      .concat(
        older.length === 0
          ? []
          : rows(
              `select rowid, ${BM25} from report_search where report_search match ?
                and report_search.rowid >= ? and report_search.rowid < ?
                and +report_search.rowid in (select value from json_each(?))`,
              [match, older[older.length - 1], low, JSON.stringify(older)],
            ).map((v) => ({ seq: Number(v[0]), score: Number(v[1]) })),
      )
      .sort((a, b) => a.score - b.score || a.seq - b.seq);
    return limit < 0 ? ranked : ranked.slice(0, limit);
  };
  const rankIndex = (limit: number) =>
    (everyMatch
      ? rows(
          `select rowid, ${BM25} as score from report_search where report_search match ? order by score, rowid`,
          [match],
        )
      : older.length === 0
        ? rows(
            `select rowid, score from (select rowid, ${BM25} as score from report_search
                where report_search match ? order by rowid desc limit ?) order by score, rowid limit ?`,
            [match, W, limit],
          )
        : rows(
            `select rowid, ${BM25} as score from report_search where report_search match ?
                and report_search.rowid >= ?
                and (+report_search.rowid >= ? or +report_search.rowid in (select value from json_each(?)))
                order by score, rowid limit ?`,
            [match, older[older.length - 1], low, JSON.stringify(older), limit],
          )
    ).map((v) => ({ seq: Number(v[0]), score: Number(v[1]) }));
  // SQLite's LIMIT -1 is none.
  const firstLimit = everyMatch ? -1 : upTo + (tuning.rankSpare ?? RANK_SPARE);
  let scored = rank(firstLimit);
  const cut = () => firstLimit >= 0 && scored.length >= firstLimit;
  // The page of the visible ones among them, in order, with their summaries and bodies.
  let shownPage = scoredPage(rows, viewer, scored, page, everyMatch);
  if (shownPage && shownPage.visibleCount < upTo && cut()) {
    // Too many of the best were hidden for the page: all of them, then.
    scored = rank(-1);
    shownPage = scoredPage(rows, viewer, scored, page, everyMatch);
  }
  if (shownPage) {
    const { visibleCount, hits } = shownPage;
    if (!everyMatch && visibleCount < upTo) {
      const rest = newestFirst(low, older, page.limit - hits.length, Math.max(0, page.offset - visibleCount));
      for (const row of rest) hits.push({ row, score: null });
    }
    return withDetails(rows, terms, counted ?? { total: visibleCount, totalExact: true }, hits);
  }
  if (cut()) scored = rank(-1);
  // A page's report without a summary row (a search row without its report): the visible ones among them, in
  // order, with their summaries (from an index, not the reports' rows), all of them when every match is scored
  // (their number is the total), else enough for the page.
  const shown: Hit[] = [];
  for (let i = 0; i < scored.length && (everyMatch || shown.length < upTo);) {
    const chunk = scored.slice(i, everyMatch ? scored.length : i + Math.max(upTo - shown.length + 8, 64));
    i += chunk.length;
    const seen = new Map(
      rows(
        `select ${SUMMARY_JSON_SQL} from reports r indexed by reports_search_summary
          where r.seq in (select value from json_each(?)) and ${visible}`,
        [JSON.stringify(chunk.map((c) => c.seq)), ...visibleParams],
      ).map((v) => [seqOf(v), v]),
    );
    for (const c of chunk) {
      const row = seen.get(c.seq);
      if (row) shown.push({ row, score: c.score });
    }
  }
  const hits = shown.slice(page.offset, upTo);
  if (!everyMatch && shown.length < upTo) {
    const rest = newestFirst(low, older, page.limit - hits.length, Math.max(0, page.offset - shown.length));
    for (const row of rest) hits.push({ row, score: null });
  }
  return withDetails(rows, terms, counted ?? { total: shown.length, totalExact: true }, hits);
}

/**
 * The page of the scored matches (`scored`, best first: every match, or the ranked window and older title
 * hits) and their number the viewer may see (with `every`, all of the matches; else the page's and those
 * before it, or fewer when there are no more): only the matches among reports_hidden (restricted or deleted)
 * are asked the visibility rule, the others being visible to everyone, and only the page's reports are read,
 * their summaries and bodies in one statement. Undefined when a page's report has no summary row (a search
 * row without its report), for the caller's walk of every match to settle.
 */
function scoredPage(
  rows: Rows,
  viewer: Viewer,
  scored: { seq: number; score: number }[],
  page: Page,
  every: boolean,
): { visibleCount: number; hits: Hit[] } | undefined {
  const upTo = page.offset + page.limit;
  const [visible, visibleParams] = visibleText(viewer);
  // Every match's visibility when every match is scored (their number is the total), else enough for the page.
  const visibleScored: { seq: number; score: number }[] = [];
  for (let i = 0; i < scored.length && (every || visibleScored.length < upTo);) {
    const chunk = every ? scored : scored.slice(i, i + Math.max(upTo - visibleScored.length + 8, 64));
    i += chunk.length;
    const hidden = rows('select seq from reports_hidden where seq in (select value from json_each(?))', [
      JSON.stringify(chunk.map((c) => c.seq)),
    ]);
    let invisible: Set<number> | undefined;
    if (hidden.length > 0) {
      const seen = new Set(
        rows(
          `select r.seq from reports r indexed by reports_visibility
            where r.seq in (select value from json_each(?)) and ${visible}`,
          [JSON.stringify(hidden.map((h) => h[0])), ...visibleParams],
        ).map((v) => Number(v[0])),
      );
      invisible = new Set(hidden.map((h) => Number(h[0])).filter((seq) => !seen.has(seq)));
    }
    for (const c of chunk) if (!invisible?.has(c.seq)) visibleScored.push(c);
  }
  const onPage = visibleScored.slice(page.offset, upTo);
  if (onPage.length === 0) return { visibleCount: visibleScored.length, hits: [] };
  const summaries = new Map(
    // The bodies from FTS5's content table (report_search_content: c0 the title, c1 the body), the rows its
    // `body` column reads, without a cursor of the full-text table for each (measured: 3% less CPU per search).
    rows(
      `select ${SUMMARY_JSON_SQL}, s.c1 from reports r indexed by reports_search_summary
        join report_search_content s on s.id = r.seq
        where r.seq in (select value from json_each(?)) and ${visible}`,
      [JSON.stringify(onPage.map((c) => c.seq)), ...visibleParams],
    ).map((v) => [seqOf(v), v]),
  );
  if (summaries.size !== onPage.length) return undefined;
  return {
    visibleCount: visibleScored.length,
    hits: onPage.map((c) => ({ row: summaries.get(c.seq)!, score: c.score })),
  };
}

/**
 * How many reports the viewer may see match `match` (an FTS5 query), up to `limit`, on SQLite. Counted from
 * the index: only a match among the restricted and deleted reports (reports_hidden, a small table kept by
 * triggers, migration 2026-12-09-201) is looked up for the visibility rule, the others being visible to
 * everyone; a join of every match to its report cost a seek in an index of all reports each. For a `common`
 * query the matches are first counted without any lookup, up to the limit plus every report hidden from
 * anyone: as many as that leave the visible ones at the limit whatever is hidden, and the count is the limit.
 */
export function countMatches(
  rows: Rows,
  viewer: Viewer,
  match: string,
  limit: number,
  common: boolean,
): number {
  const count = (sqlText: string, params: unknown[]) => Number(rows(sqlText, params)[0]?.[0] ?? 0);
  if (common) {
    const hidden = count('select count(*) from reports_hidden', []);
    const all = count(
      'select count(*) from (select 1 from report_search where report_search match ? limit ?)',
      [match, limit + hidden],
    );
    if (all - hidden >= limit) return limit;
  }
  const [visible, visibleParams] = visibleText(viewer);
  return count(
    `select count(*) from (select 1 from report_search
      where report_search match ? and (+report_search.rowid not in reports_hidden or exists (
        select 1 from reports r indexed by reports_visibility where r.seq = report_search.rowid and ${visible}))
      limit ?)`,
    [match, ...visibleParams, limit],
  );
}

/**
 * The page's hits as summaries with their snippets, cut here from the prose (see snippetOf) rather than by
 * FTS5's snippet(), which tokenizes every shown report's text again inside the query.
 */
function withDetails(
  rows: Rows,
  terms: string[],
  { total, totalExact }: CappedCount,
  hits: Hit[],
): SearchTextPage {
  if (hits.length === 0) return { total, totalExact, hits: [] };
  // Most hits come with their body (read with the summary); the others' are read here.
  const missing = hits.filter((h) => h.row.length <= BODY).map((h) => seqOf(h.row));
  const bodies =
    missing.length === 0
      ? undefined
      : new Map(
          rows(`select rowid, body from report_search where rowid in (select value from json_each(?))`, [
            JSON.stringify(missing),
          ]).map((v) => [Number(v[0]), v[1] as string]),
        );
  const stems = terms.map(stemOf);
  return {
    total,
    totalExact,
    hits: hits.map(({ row, score }) => {
      const body = row.length > BODY ? (row[BODY] as string | null) : bodies?.get(seqOf(row));
      return {
        summary: row[0] as string,
        score: score === null ? 0 : -score,
        snippet: snippetOf(body ?? '', stems),
      };
    }),
  };
}

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
  // Which query word `word` is a form of, or -1.
  const stemAt = (word: string) => {
    const stem = stemOf(word);
    return stems.findIndex((s) => stem === s || word.toLowerCase() === s);
  };
  const hits: { start: number; stem: number }[] = [];
  // The distinct query words among some hits, counted with a stamp per word rather than a Set per count.
  const stamps = new Uint32Array(stems.length);
  let stamp = 0;
  const distinct = (from: number, to: number) => {
    stamp++;
    let n = 0;
    for (let k = from; k < to; k++) {
      const stem = hits[k]!.stem;
      if (stamps[stem] !== stamp) [stamps[stem], n] = [stamp, n + 1];
    }
    return n;
  };
  if (stems.length > 0) {
    // Once a place has every query word, no hit from a little past it on can change the choice below.
    let settled = Infinity;
    // The body is read only up to there: the words past it are not looked for.
    wordsStartingWith(body, stems, (index, word) => {
      if (index >= settled) return false;
      const k = stemAt(word);
      if (k < 0) return true;
      hits.push({ start: index, stem: k });
      if (settled === Infinity) {
        let j = hits.length - 1;
        while (j > 0 && index - hits[j - 1]!.start < SNIPPET_WORDS * 6) j--;
        if (distinct(j, hits.length) === stems.length) settled = index + SNIPPET_WORDS * 6;
      }
      return true;
    });
  }
  // The hit with the most distinct query words among the hits that follow it closely (a word is about
  // eight characters with its space).
  let from = 0;
  if (hits.length > 0) {
    let best = 0;
    let bestScore = 0;
    for (let i = 0; i < hits.length; i++) {
      let k = i;
      while (k < hits.length && hits[k]!.start - hits[i]!.start < SNIPPET_WORDS * 6) k++;
      const score = distinct(i, k);
      if (score > bestScore) [best, bestScore] = [i, score];
      if (bestScore === stems.length) break;
    }
    // Two words before it, for context.
    from = hits[best]!.start;
    // A UTF-16 unit at a time, as before: an ASCII one read by its code, another by WORD_CHAR.
    const isWord = (i: number) => {
      if (i < 0) return false;
      const unit = body.charCodeAt(i);
      return unit < 0x80 ? isAsciiWordChar(unit) : WORD_CHAR.test(body[i]!);
    };
    for (let back = 0; back < 2 && from > 0; back++) {
      let i = from - 1;
      while (i >= 0 && from - i < 40 && !isWord(i)) i--;
      while (i >= 0 && from - i < 40 && isWord(i)) i--;
      if (from - i >= 40) break;
      from = i + 1;
    }
  }
  let out = from > 0 ? '…' : '';
  let at = from;
  for (let n = 0; n < SNIPPET_WORDS; n++) {
    const start = wordFrom(body, at);
    if (start < 0) return out + body.slice(at);
    const end = wordEnd(body, start);
    const text = body.slice(start, end);
    out += body.slice(at, start);
    // A form of a query word starts with its stem: most words are told apart without stemming them.
    const word = text.toLowerCase();
    const hit = stems.some((s) => word.startsWith(s)) && stemAt(text) >= 0;
    out += hit ? `\u0001${text}\u0002` : text;
    at = end;
  }
  return wordFrom(body, at) >= 0 ? `${out}…` : out + body.slice(at);
}

/**
 * Where the next word of `text` (a run of letters and digits, as WORD matches) starts at or after `from`, or -1:
 * ASCII text read a character code at a time, the regular expression only from a character past ASCII.
 */
function wordFrom(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) {
      WORD.lastIndex = i;
      return WORD.exec(text)?.index ?? -1;
    }
    if (isAsciiWordChar(unit)) return i;
  }
  return -1;
}

/** Where the word of `text` starting at `start` ends (as WORD matches it). */
function wordEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && isAsciiWordChar(text.charCodeAt(end))) end++;
  if (end < text.length && text.charCodeAt(end) >= 0x80) {
    WORD_REST.lastIndex = end;
    WORD_REST.exec(text);
    end = WORD_REST.lastIndex;
  }
  return end;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether an ASCII character (its code) is a letter or digit, as WORD_CHAR reads it. */
const isAsciiWordChar = (unit: number) =>
  (unit >= 0x30 && unit <= 0x39) || ((unit | 0x20) >= 0x61 && (unit | 0x20) <= 0x7a);
const WORD_REST = /[\p{L}\p{N}]*/uy;

/**
 * The words of `body` starting like one of `stems` (lower case), in order, each given to `visit` (its index and
 * text) until it returns false: the rest of the body is then not looked at. Found with indexOf in the lower-cased
 * text, far cheaper than a case-insensitive Unicode regular expression over it, which is kept for the rare text
 * whose length lower-casing changes. With several stems, each stem's next word is kept and the first of them
 * given; at one place, the first stem in `stems` takes it (one stem may start another).
 */
function wordsStartingWith(
  body: string,
  stems: string[],
  visit: (index: number, word: string) => boolean,
): void {
  const lower = body.toLowerCase();
  if (lower.length !== body.length) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${stems.join('|')})[\\p{L}\\p{N}]*`, 'giu');
    for (const m of body.matchAll(re)) if (!visit(m.index, m[0])) return;
    return;
  }
  const wordBefore = (i: number) => {
    if (i === 0) return false;
    const unit = body.charCodeAt(i - 1);
    if (unit < 0x80) return isAsciiWordChar(unit);
    // A letter outside the Basic Multilingual Plane is two UTF-16 units.
    const at = unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? i - 2 : i - 1;
    return WORD_CHAR.test(String.fromCodePoint(body.codePointAt(at)!));
  };
  // The next place at or after `from` where `stem` starts a word, or -1.
  const nextStart = (stem: string, from: number) => {
    let i = lower.indexOf(stem, from);
    while (i >= 0 && wordBefore(i)) i = lower.indexOf(stem, i + 1);
    return i;
  };
  // The word starting at `i` (its stem read already).
  const wordAt = (i: number, stem: string) => body.slice(i, wordEnd(body, i + stem.length));
  if (stems.length === 1) {
    const stem = stems[0]!;
    for (let i = nextStart(stem, 0); i >= 0; i = nextStart(stem, i + 1))
      if (!visit(i, wordAt(i, stem))) return;
    return;
  }
  const next = stems.map((stem) => nextStart(stem, 0));
  for (;;) {
    let k = -1;
    for (let s = 0; s < next.length; s++) if (next[s]! >= 0 && (k < 0 || next[s]! < next[k]!)) k = s;
    if (k < 0) return;
    const i = next[k]!;
    // Every stem at this place moves past it: the place is the first stem's.
    for (let s = 0; s < next.length; s++) if (next[s] === i) next[s] = nextStart(stems[s]!, i + 1);
    if (!visit(i, wordAt(i, stems[k]!))) return;
  }
}

/** A hit's row on PostgreSQL (PG_SUMMARY_SQL, then its prose). */
type PgRow = { summary: string; seq: number; body: string };

async function searchPostgres(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  words: string[],
  page: Page,
  tuning: SearchTuning,
): Promise<SearchTextPage> {
  const text = words.join(' ');
  // The query is written out in each condition (not a CTE's column), so the planner sees the words and picks
  // per word: for one in most reports, reports walked newest first until the window is full; for a rarer
  // one, its matches from the GIN index. The order is SQLite's (see searchSqlite): the ranked candidates, then
  // the rest newest first.
  const tsq = sql`plainto_tsquery('english', ${text})`;
  // Matches are found, ordered and ranked from report_search alone (its seq and open columns, migration
  // 2026-12-14-401): a report is read for a match not open to everyone, and for the page's summaries.
  const whereOf = (query: RawBuilder<unknown>): RawBuilder<unknown> =>
    sql`s.document @@ ${query} and ${searchVisibilitySql(viewer)}`;
  const where = whereOf(tsq);
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  const stems = (meaningful.length > 0 ? meaningful : words).map(stemOf);
  const count = (estimate: number) =>
    counts.get(JSON.stringify(['search', viewer, text]), (limit) =>
      countPostgres(db, counts, viewer, tsq, where, limit, estimate),
    );
  // How many reports the query matches and how many there are, as the planner estimates them from the
  // statistics ANALYZE keeps (lexeme frequencies): one plan, no row read; kept a minute by words (kept-estimates.ts).
  const estimate = await matchEstimates(db).get(text, () => estimateMatches(db, tsq));
  if (
    estimate.matches >= tuning.commonMatches &&
    estimate.matches >= tuning.commonShare * Math.max(1, estimate.reports)
  ) {
    // A common query, as on SQLite: its words weigh next to nothing in the rank (ts_rank, like bm25, tells such
    // matches apart by little but their length), while ranking the newest window cost a read of each of its
    // documents (4 ms of the database's CPU at 20,000 reports). Its matches are shown newest first, the walk
    // stopping at the page: the page's rows, with their prose for the snippets, in one statement.
    // The match is a function call (ts_match_vq, what @@ runs), which the GIN index does not answer, so no plan
    // turns on the words and the statement is named (ONE_PLAN): parsed once per connection, its tsquery made once
    // (see windowTsq below). PostgreSQL may still plan it for each search's words, or, on stale statistics of
    // reports, choose a generic plan that scans every live report and sorts them; both answer the same
    // (search-common.store.test.ts forces the generic plan). Measured at 20,000 reports, the database's CPU for
    // "platform"'s page: 0.87 ms unnamed, 0.58 ms named.
    const counted = await count(estimate.matches);
    const { rows } = await sql<PgRow>`${sql.raw(ONE_PLAN)}
      select ${sql.raw(PG_SUMMARY_SQL)}, s.body
      from report_search s join reports r on r.seq = s.seq
      where ts_match_vq(s.document, (select ${tsq})) and ${searchVisibilitySql(viewer)}
      order by s.seq desc limit ${page.limit} offset ${page.offset}`.execute(db);
    return {
      ...counted,
      hits: rows.map((r) => ({ summary: r.summary, score: 0, snippet: snippetOf(r.body, stems) })),
    };
  }
  // The newest rankWindow visible matches are found and scored in one pass (a query with fewer matches needs no
  // count at all), and in the same statement sorted best first (then older first among equals, as the ranked
  // query orders on both dialects): only the best `upTo` come back, with their rows and prose for the page, and
  // the window's size and oldest seq. Sending every scored match to be sorted here cost more than ranking them.
  type Scored = { seq: number; score: number };
  const scored = (rows: { seq: number; score: number }[]): Scored[] =>
    rows.map((r) => ({ seq: Number(r.seq), score: Number(r.score) }));
  const upTo = page.offset + page.limit;
  // A query the estimate puts at twice the window's matches or fewer is best found from the GIN index whatever
  // its words, the plan PostgreSQL makes for a rare word: so that statement is named (database.ts, ONE_PLAN) and
  // planned once per connection, not for every search (measured at 20,000 reports, the database's CPU for the
  // statement: 4.6-6.1 ms planned each time, 3.9-4.4 ms named). Others are planned for their words.
  // Named, its plan is generic: the query's text is a parameter, so plainto_tsquery(…) cannot be folded into a
  // constant as in a plan made for the words, and ts_rank's argument was parsed and stemmed again for every
  // match ranked. As a sub-select (an InitPlan) it is made once per run, and the GIN index still takes it
  // (measured at 20,000 reports, a single word's window of about 480 matches: 3.4 -> 2.4 ms of the database's
  // CPU). Planned for its words, the statement keeps the bare call, whose value the planner folds and reads.
  const onePlan = estimate.matches <= 2 * tuning.rankWindow;
  const windowTsq = onePlan ? sql`(select ${tsq})` : tsq;
  const best = (
    await sql<PgRow & { score: number; n: number; low: number }>`${sql.raw(onePlan ? ONE_PLAN : '')}with
      w as (select s.seq, ts_rank(s.document, ${windowTsq}) as score
        from report_search s
        where ${onePlan ? whereOf(windowTsq) : where} order by s.seq desc limit ${tuning.rankWindow}),
      t as (select seq, score from w order by score desc, seq limit ${upTo})
      select t.score, (select count(*) from w) as n, (select min(seq) from w) as low,
        ${sql.raw(PG_SUMMARY_SQL)}, s.body
      from t join reports r on r.seq = t.seq join report_search s on s.seq = t.seq
      order by t.score desc, t.seq`.execute(db)
  ).rows;
  const windowSize = Number(best[0]?.n ?? 0);
  const everyMatch = windowSize < tuning.rankWindow;
  const low = everyMatch ? 0 : Number(best[0]!.low);
  const { total, totalExact } = everyMatch
    ? { total: windowSize, totalExact: true }
    : await count(estimate.matches);
  let older: Scored[] = [];
  if (!everyMatch && totalExact) {
    // Every word in the title: the words are letters and digits only, so they are safe as tsquery operands.
    const inTitle = sql`to_tsquery('english', ${words.map((w) => `${w}:A`).join(' & ')})`;
    older = scored(
      (
        await sql<Scored>`select s.seq, ts_rank(s.document, ${tsq}) as score
          from report_search s
          where ${where} and s.document @@ ${inTitle} and s.seq < ${low}
          order by s.seq desc limit ${tuning.titleHits}`.execute(db)
      ).rows,
    );
  }
  // The best of the window and the older title hits (the page lies within the window's best `upTo` and them).
  const candidates = scored(best)
    .concat(older)
    .sort((a, b) => b.score - a.score || a.seq - b.seq);
  const ranked: Scored[] = candidates.slice(page.offset, upTo);
  const ranks = windowSize + older.length;
  if (!everyMatch && ranks < upTo) {
    const rest = await sql<{ seq: number }>`
      select s.seq from report_search s
      where ${where} and s.seq < ${low}
        ${older.length > 0 ? sql`and s.seq not in (${sql.join(older.map((o) => o.seq))})` : sql``}
      order by s.seq desc
      limit ${page.limit - ranked.length} offset ${Math.max(0, page.offset - ranks)}`.execute(db);
    for (const r of rest.rows) ranked.push({ seq: Number(r.seq), score: 0 });
  }
  if (ranked.length === 0) return { total, totalExact, hits: [] };
  // The page's rows and prose not read with the window (older title hits, the rest); snippets are cut in
  // JavaScript (snippetOf, as on SQLite): ts_headline parses each shown report's text again inside the query.
  const bySeq = new Map<number, PgRow>(best.map((r) => [Number(r.seq), r]));
  const missing = ranked.filter((r) => !bySeq.has(r.seq));
  if (missing.length > 0) {
    const rows = await sql<PgRow>`
      select ${sql.raw(PG_SUMMARY_SQL)}, s.body
      from report_search s join reports r on r.seq = s.seq
      where s.seq in (${sql.join(missing.map((r) => r.seq))})`.execute(db);
    for (const r of rows.rows) bySeq.set(Number(r.seq), r);
  }
  return {
    total,
    totalExact,
    hits: ranked.flatMap((hit) => {
      const r = bySeq.get(hit.seq);
      return r ? [{ summary: r.summary, score: hit.score, snippet: snippetOf(r.body, stems) }] : [];
    }),
  };
}

/**
 * How many reports the viewer may see match (up to `limit`), on PostgreSQL. Counting reads every match's
 * document; for a word on most reports that is thousands of reads for a total shown as "10,000+". So the
 * planner's estimate of all matches (`estimate`, from the column's statistics of lexeme frequencies, kept by
 * ANALYZE; see estimateMatches) is looked at first: when it exceeds the cap by a margin even after every
 * report the viewer may not see is taken away, the total is the cap; only below that are the matches counted.
 */
async function countPostgres(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  tsq: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  limit: number,
  estimate: number,
): Promise<number> {
  if (estimate > ESTIMATE_MARGIN * limit) {
    // "is not true": for a restricted report with no creator the rule is null, not false.
    const hidden = await counts.get(JSON.stringify(['hidden', viewer]), async (cap) => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from (select 1 from reports r
        where (r.deleted_at is null and ${visibilitySql(viewer)}) is not true limit ${cap}) h`.execute(db);
      return Number(rows[0]?.n ?? 0);
    });
    if (hidden.totalExact && estimate - hidden.total > ESTIMATE_MARGIN * limit) return limit;
  }
  const count = await sql<{ n: number }>`
    select count(*) as n from (select 1 from report_search s where ${where} limit ${limit}) c`.execute(db);
  return Number(count.rows[0]?.n ?? 0);
}

/**
 * The planner's estimate of the reports `tsq` matches (its lexemes' frequencies in the statistics of the
 * documents) and of all reports (search entries, deleted reports' too, as SQLite's newest seq counts them),
 * from one plan of both: the same table's statistics, so the share is the estimate's selectivity. The match is
 * a filter over a sub-select the planner keeps apart (OFFSET 0): its scan's rows are all reports, the filter's
 * the matches, from the column's statistics as for the table itself (the same figures as a plan of the table's
 * match beside a scan of the table, but for a row of rounding: the reports' estimate is rounded before the
 * selectivity applies). The planner then costs no index for either (the GIN index; the UNION ALL's second arm
 * asked before), a third of this statement's CPU in the database: measured at 20,000 reports over the 1,000
 * varied bench queries, 0.26-0.32 -> 0.17-0.22 ms a statement (0.03 ms less in the server), for each search whose
 * estimate is not kept (kept-estimates.ts).
 */
async function estimateMatches(
  db: Kysely<Database>,
  tsq: RawBuilder<unknown>,
): Promise<{ matches: number; reports: number }> {
  type Node = { 'Plan Rows': number; Plans?: Node[] };
  const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: Node }] }>`explain (format json)
    select 1 from (select document from report_search offset 0) s where s.document @@ ${tsq}`.execute(db);
  const matches = rows[0]?.['QUERY PLAN'][0].Plan;
  const reports = matches?.Plans?.[0];
  return { matches: Number(matches?.['Plan Rows'] ?? 0), reports: Number(reports?.['Plan Rows'] ?? 0) };
}

/** How far above the cap an estimated count must be to be taken as over it (see countPostgres). */
const ESTIMATE_MARGIN = 1.2;
