import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ActionItemRow } from '../domain/api-contract.js';
import { countRows, rowsUpTo, type CountCache, type CappedCount } from './count-cache.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { Store } from './database.js';
import type { Database } from './database.types.js';
import { keyOf } from './report-index.js';
import { visibleTo, type Viewer } from './viewer.js';

export interface ActionItemFilters {
  owner?: string;
  /** Part of the owner's name, in any case. */
  ownerContains?: string;
  status?: string;
  category?: string;
  overdueOn?: string;
  dueBefore?: string;
  reportId?: string;
  /** Only completed actions whose verification is not recorded nor declined. */
  awaitingVerification?: boolean;
}

/** A page: `offset` rows skipped, or (faster at depth) the rows after `cursor`, a previous page's `next`. */
export interface Page {
  limit: number;
  offset: number;
  cursor?: string;
}

export interface PageResult<T> extends CappedCount {
  items: T[];
  /** Cursor of the page after this one; null on the last page. */
  next: string | null;
}

// Items without a deadline sort last on both dialects. Written exactly as in the indexes of migration
// 2026-12-05-101, which keep the items in this order so that a page is a short index walk.
const DEADLINE_KEY = sql<string>`coalesce(a.deadline, '9999-12-31')`;

/** Action items across every report the viewer may see, soonest deadline first. */
export async function queryActionItems(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  filters: ActionItemFilters,
  page: Page,
  raw?: Store['rawRows'],
): Promise<PageResult<ActionItemRow>> {
  let q = db
    .selectFrom('action_items as a')
    .innerJoin('reports as r', 'r.id', 'a.report_id')
    .where('r.deleted_at', 'is', null)
    .where(visibleTo(viewer));
  if (filters.reportId) q = q.where('a.report_id', '=', filters.reportId);
  if (filters.owner) q = q.where('a.owner_key', '=', keyOf(filters.owner));
  if (filters.ownerContains) {
    // Part of a name, any case: owner keys are stored lower-cased; LIKE's wildcards in the input are literal.
    const part = keyOf(filters.ownerContains).replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`a.owner_key like ${`%${part}%`} escape '\\'`);
  }
  if (filters.status) q = q.where('a.status', '=', filters.status);
  if (filters.category) q = q.where('a.category', '=', filters.category);
  if (filters.dueBefore) q = q.where('a.deadline', '<', filters.dueBefore);
  if (filters.overdueOn) {
    q = q.where('a.deadline', '<', filters.overdueOn).where('a.status', 'not in', ['completed', 'wont_do']);
  }
  if (filters.awaitingVerification) {
    q = q
      .where('a.status', '=', 'completed')
      .where('a.verification_result', 'is', null)
      .where('a.declined', '=', 0);
  }
  const key = JSON.stringify(['action_items', viewer, filters]);
  const counted = counts.get(
    key,
    rowsUpTo(
      db,
      (limit) => q.select(sql`1`.as('one')).limit(limit),
      () =>
        counts.get(JSON.stringify(['hidden action items', viewer]), (cap) =>
          countRows(
            db,
            db
              .selectFrom('action_items as a')
              .innerJoin('reports as r', 'r.id', 'a.report_id')
              .where((eb) => sql<SqlBool>`(${visibleTo(viewer)(eb)}) is not true`)
              .select(sql`1`.as('one'))
              .limit(cap),
          ),
        ),
    ),
  );
  const select = (part: typeof q) =>
    part.select([
      'a.report_id',
      'r.title as report_title',
      'a.item_id',
      'a.title',
      'a.owner',
      'a.status',
      'a.category',
      'a.priority',
      'a.deadline',
      'a.position',
      'a.verification_result',
      'a.verify_by',
      'a.declined',
    ]);
  // In the order selected above; on SQLite read as arrays, which costs half what a row object does.
  type Row = [
    string,
    string,
    string,
    string,
    string | null,
    string,
    string | null,
    string | null,
    string | null,
    number,
    string | null,
    string | null,
    number,
  ];
  const run = async (query: ReturnType<typeof select>): Promise<Row[]> => {
    if (raw) {
      const compiled = query.compile();
      return raw(compiled.sql, compiled.parameters) as Row[];
    }
    return (await query.execute()).map((r) => [
      r.report_id,
      r.report_title,
      r.item_id,
      r.title,
      r.owner,
      r.status,
      r.category,
      r.priority,
      r.deadline,
      Number(r.position),
      r.verification_result,
      r.verify_by,
      Number(r.declined),
    ]);
  };
  let rows: Row[];
  if (page.cursor) {
    // After the cursor: first the rest of its deadline, then the later deadlines. Written as two index seeks,
    // not one comparison of (deadline, report, position): SQLite seeks an expression index by its first
    // column only there, and walked every item before the cursor (7 ms a page halfway down 200,000 items).
    const [deadline, reportId, position] = decodeCursor(page.cursor, ['s', 's', 'n']);
    rows = await run(
      select(
        q
          .where(sql<boolean>`${DEADLINE_KEY} = ${deadline}`)
          .where(sql<boolean>`(a.report_id, a.position) > (${reportId}, ${position})`),
      )
        .orderBy('a.report_id')
        .orderBy('a.position')
        .limit(page.limit),
    );
    if (rows.length < page.limit) {
      rows = rows.concat(
        await run(
          select(q.where(sql<boolean>`${DEADLINE_KEY} > ${deadline}`))
            .orderBy(DEADLINE_KEY)
            .orderBy('a.report_id')
            .orderBy('a.position')
            .limit(page.limit - rows.length),
        ),
      );
    }
  } else {
    rows = await run(
      select(page.offset > 0 ? q.offset(page.offset) : q)
        .orderBy(DEADLINE_KEY)
        .orderBy('a.report_id')
        .orderBy('a.position')
        .limit(page.limit),
    );
  }
  const last = rows.length === page.limit ? rows[rows.length - 1] : undefined;
  // The issues made for the page's actions: one short lookup by the links' primary key, not a join in
  // the paged query (which walks an index in deadline order).
  const issues = new Map<string, { key: string; url: string; state: 'open' | 'closed' | null }>();
  const pageReports = [...new Set(rows.map((r) => r[0]))];
  if (pageReports.length > 0) {
    const links = await db
      .selectFrom('tracker_links')
      .select(['report_id', 'action_id', 'issue_key', 'issue_url', 'state'])
      .where('report_id', 'in', pageReports)
      .where('status', '=', 'linked')
      .execute();
    for (const l of links)
      if (l.issue_key && l.issue_url)
        issues.set(`${l.report_id}\u0000${l.action_id}`, {
          key: l.issue_key,
          url: l.issue_url,
          state: l.state,
        });
  }
  return {
    ...(await counted),
    next: last ? encodeCursor([last[8] ?? '9999-12-31', last[0], Number(last[9])]) : null,
    items: rows.map(
      ([
        reportId,
        reportTitle,
        id,
        title,
        owner,
        status,
        category,
        priority,
        deadline,
        ,
        verification,
        verifyBy,
        declined,
      ]) => ({
        reportId,
        reportTitle,
        id,
        title,
        owner,
        status,
        category,
        priority,
        deadline,
        verification,
        verifyBy,
        awaitingVerification: status === 'completed' && verification === null && Number(declined) === 0,
        issue: issues.get(`${reportId}\u0000${id}`) ?? null,
      }),
    ),
  };
}
