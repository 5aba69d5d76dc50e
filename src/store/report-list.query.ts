import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ReportSummary } from '../domain/api-contract.js';
import type { Page, PageResult } from './action-items.query.js';
import { countRows, rowsUpTo, type CountCache } from './count-cache.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Store } from './database.js';
import type { Database, ReportsTable } from './database.types.js';
import { keyOf } from './report-index.js';
import { visibleTo, type Viewer } from './viewer.js';

export interface ReportFilters {
  state?: string;
  kind?: string;
  severity?: string;
  tag?: string;
  system?: string;
  person?: string;
  /** Reports whose period starts at or after this instant. */
  from?: string;
  /** Reports whose period starts at or before this instant. */
  to?: string;
  deleted?: boolean;
}

/** The summary columns of a report row, as lists and search send them. */
export const toSummary = (r: ReportsTable): ReportSummary => ({
  id: r.id,
  seq: Number(r.seq),
  title: r.title,
  kind: r.kind,
  state: r.state,
  severity: r.severity,
  restricted: Number(r.restricted) === 1,
  periodStart: r.period_start,
  version: Number(r.version),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

export const SUMMARY_COLUMNS = [
  'r.id',
  'r.seq',
  'r.title',
  'r.kind',
  'r.state',
  'r.severity',
  'r.restricted',
  'r.period_start',
  'r.version',
  'r.created_at',
  'r.updated_at',
  'r.deleted_at',
] as const;

/** A report's summary from a row read as an array, its columns in SUMMARY_COLUMNS' order. */
const summaryFromArray = (v: unknown[]): ReportSummary => ({
  id: v[0] as string,
  seq: Number(v[1]),
  title: v[2] as string,
  kind: v[3] as string,
  state: v[4] as string,
  severity: v[5] as string | null,
  restricted: Number(v[6]) === 1,
  periodStart: v[7] as string | null,
  version: Number(v[8]),
  createdAt: v[9] as string,
  updatedAt: v[10] as string,
  deletedAt: v[11] as string | null,
});

/**
 * On SQLite, a report's summary (aliased `r`) as JSON text written by SQLite: the text JSON.stringify gives of
 * summaryFromArray's object (the same keys in the same order, numbers, booleans and nulls alike), for a reply made
 * of such texts (the search workers') rather than of objects written out again.
 */
export const SUMMARY_JSON = `json_object('id', r.id, 'seq', r.seq, 'title', r.title, 'kind', r.kind,
  'state', r.state, 'severity', r.severity, 'restricted', json(case when r.restricted = 1 then 'true' else 'false' end),
  'periodStart', r.period_start, 'version', r.version, 'createdAt', r.created_at, 'updatedAt', r.updated_at,
  'deletedAt', r.deleted_at)`;

/** A text value as JSON on PostgreSQL: to_json escapes as JSON.stringify does (`\uXXXX` lower case), null as `null`. */
const pgJson = (column: string) => `coalesce(to_json(${column})::text, 'null')`;

/**
 * SUMMARY_JSON on PostgreSQL: the same text, written out piece by piece (json_build_object puts spaces around its
 * colons and commas, and jsonb sorts the keys).
 */
export const PG_SUMMARY_JSON = `'{"id":' || ${pgJson('r.id')} || ',"seq":' || r.seq || ',"title":' || ${pgJson('r.title')}
  || ',"kind":' || ${pgJson('r.kind')} || ',"state":' || ${pgJson('r.state')} || ',"severity":' || ${pgJson('r.severity')}
  || ',"restricted":' || case when r.restricted = 1 then 'true' else 'false' end
  || ',"periodStart":' || ${pgJson('r.period_start')} || ',"version":' || r.version
  || ',"createdAt":' || ${pgJson('r.created_at')} || ',"updatedAt":' || ${pgJson('r.updated_at')}
  || ',"deletedAt":' || ${pgJson('r.deleted_at')} || '}'`;

/**
 * Whether a tag, system or person on `n` of `reports` reports is best read through that value's index (each
 * of its reports looked up, then sorted) rather than by walking all reports newest first until a page is
 * full. Looking up costs about n seeks; the walk about reports / n steps per row shown, each several times
 * cheaper than a seek: the two meet near n = √(8 · reports) (measured on 100,000 reports: a tag on 2,000 of
 * them took 12 ms looked up, 2 ms walked).
 */
const fewOf = (reports: number) => Math.max(100, Math.ceil(Math.sqrt(8 * reports)));

/**
 * Reports the viewer may see, last changed first. State, kind and severity are columns with an index in
 * this order (migration 2026-12-05-101), so a page reads about as many rows as it shows.
 */
export async function queryReports(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  filters: ReportFilters,
  page: Page,
  raw?: Store['rawRows'],
): Promise<PageResult<ReportSummary>> {
  let q = db.selectFrom('reports as r').where(visibleTo(viewer));
  q = filters.deleted ? q.where('r.deleted_at', 'is not', null) : q.where('r.deleted_at', 'is', null);
  if (filters.state) q = q.where('r.state', '=', filters.state);
  if (filters.kind) q = q.where('r.kind', '=', filters.kind);
  if (filters.severity) q = q.where(sql<SqlBool>`lower(r.severity) = ${keyOf(filters.severity)}`);
  if (filters.from) q = q.where('r.period_start', '>=', filters.from);
  if (filters.to) q = q.where('r.period_start', '<=', filters.to);
  // Tags, systems and people live in side tables kept in step with each save. A value on few reports is
  // best found from its index and the few reports sorted; one on many is best met walking reports in order
  // (a page is soon full). Which is which is one bounded look at the index.
  const sideFilters = [
    ['report_tags', 'tag', filters.tag],
    ['report_systems', 'system', filters.system],
    ['report_people', 'person', filters.person],
  ] as const;
  let limit: number | undefined;
  for (const [table, column, value] of sideFilters) {
    if (!value) continue;
    // seq grows by one a report (deleted ones keep theirs): the largest is the number of reports, from one seek.
    limit ??= fewOf(
      Number(
        (await sql<{ n: number | null }>`select max(seq) as n from reports`.execute(db)).rows[0]?.n ?? 0,
      ),
    );
    const wanted = keyOf(value);
    const few = sql`select report_id from ${sql.table(table)} where ${sql.ref(column)} = ${wanted}`;
    const { rows } = await sql<{ n: number }>`select count(*) as n from (${few} limit ${limit}) f`.execute(
      db,
    );
    q =
      Number(rows[0]?.n ?? 0) < limit
        ? q.where(sql<SqlBool>`r.id in (${few})`)
        : q.where(
            sql<SqlBool>`exists (select 1 from ${sql.table(table)} where report_id = ${sql.ref('r.id')} and ${sql.ref(column)} = ${wanted})`,
          );
  }
  const counted = counts.get(
    JSON.stringify(['reports', viewer, filters]),
    rowsUpTo(
      db,
      (limit) => q.select(sql`1`.as('one')).limit(limit),
      () =>
        counts.get(
          JSON.stringify(['hidden reports', viewer]),
          (cap) =>
            countRows(
              db,
              db
                .selectFrom('reports as r')
                .where((eb) => sql<SqlBool>`(${visibleTo(viewer)(eb)}) is not true`)
                .select(sql`1`.as('one'))
                .limit(cap),
            ),
          'rows',
        ),
    ),
    'rows',
  );
  let rowsQ = q;
  if (page.cursor) {
    const [updatedAt, id] = decodeCursor(page.cursor, ['s', 's']);
    rowsQ = rowsQ.where(sql<SqlBool>`(r.updated_at, r.id) < (${updatedAt}, ${id})`);
  } else if (page.offset > 0) {
    rowsQ = rowsQ.offset(page.offset);
  }
  // Both keys descending, so one index walked backwards gives the order with no sort.
  const query = rowsQ
    .select(SUMMARY_COLUMNS)
    .orderBy('r.updated_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit);
  let items: ReportSummary[];
  if (raw) {
    // On SQLite as arrays, in SUMMARY_COLUMNS' order: a row object per report costs more than the query.
    const compiled = query.compile();
    items = raw(compiled.sql, compiled.parameters).map(summaryFromArray);
  } else {
    items = (await query.execute()).map((r) => toSummary(r as ReportsTable));
  }
  const last = items.length === page.limit ? items[items.length - 1] : undefined;
  return {
    ...(await counted),
    next: last ? encodeCursor([last.updatedAt, last.id]) : null,
    items,
  };
}
