import { sql, type CompiledQuery, type Kysely, type SqlBool } from 'kysely';
import type { ActionItemRow } from '../domain/api-contract.js';
import { countRows, MarkedRead, rowsUpTo, type CountCache, type CappedCount } from './count-cache.js';
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
// 2026-12-08-301, which keep the items in this order with what a page shows, so that a page is a short walk
// of one index.
const DEADLINE_KEY = sql<string>`coalesce(a.deadline, '9999-12-31')`;

/**
 * A value a query is built with once per shape and compiled: its place among the compiled parameters is
 * filled with the request's value each time (see `prepared`).
 */
class Slot {
  constructor(
    readonly name: keyof Values,
    readonly index?: number,
  ) {}
}

/** What a page's query takes besides its shape. */
interface Values {
  userId: string;
  principals: string[];
  reportId?: string;
  owner?: string;
  ownerLike?: string;
  status?: string;
  category?: string;
  dueBefore?: string;
  overdueOn?: string;
  offset: number;
  limit: number;
  deadline?: string;
  afterReport?: string;
  afterPosition?: number;
}

type Mode = 'first' | 'offset' | 'same-deadline' | 'later-deadlines';

/** The rows of a page and the count of all of them: the viewer's visible, undeleted reports' items, filtered. */
function filtered(db: Kysely<Database>, v: Values, filters: ActionItemFilters) {
  let q = db
    .selectFrom('action_items as a')
    .innerJoin('reports as r', 'r.id', 'a.report_id')
    .where('r.deleted_at', 'is', null)
    .where(visibleTo({ userId: v.userId, principals: v.principals }));
  if (filters.reportId) q = q.where('a.report_id', '=', v.reportId!);
  if (filters.owner) q = q.where('a.owner_key', '=', v.owner!);
  // Part of a name, any case: owner keys are stored lower-cased; LIKE's wildcards in the input are literal.
  if (filters.ownerContains) q = q.where(sql<boolean>`a.owner_key like ${v.ownerLike} escape '\\'`);
  if (filters.status) q = q.where('a.status', '=', v.status!);
  if (filters.category) q = q.where('a.category', '=', v.category!);
  if (filters.dueBefore) q = q.where('a.deadline', '<', v.dueBefore!);
  if (filters.overdueOn) {
    q = q.where('a.deadline', '<', v.overdueOn!).where('a.status', 'not in', ['completed', 'wont_do']);
  }
  if (filters.awaitingVerification) {
    q = q
      .where('a.status', '=', 'completed')
      .where('a.verification_result', 'is', null)
      .where('a.declined', '=', 0);
  }
  return q;
}

/**
 * A page's item as SQLite's JSON text, with the keys and values the object path gives (see queryActionItems):
 * the page is then sent as written, with no value of it made into a JavaScript string or object.
 */
const ITEM_JSON = sql<string>`json_object(
  'reportId', a.report_id, 'reportTitle', r.title, 'id', a.item_id, 'title', a.title, 'owner', a.owner,
  'status', a.status, 'category', a.category, 'priority', a.priority, 'deadline', a.deadline,
  'verification', a.verification_result, 'verifyBy', a.verify_by,
  'awaitingVerification', case when a.status = 'completed' and a.verification_result is null and a.declined = 0
    then json('true') else json('false') end,
  'issue', case when l.status = 'linked' and l.issue_key is not null and l.issue_url is not null
    then json_object('key', l.issue_key, 'url', l.issue_url, 'state', l.state) end)`;

/** A page as rows of the shown columns, or (SQLite) as each item's JSON text with its sort key. */
type Shape = 'columns' | 'json';

/** The query of one page, in one of its modes. */
function pageQuery(db: Kysely<Database>, v: Values, filters: ActionItemFilters, mode: Mode, shape: Shape) {
  let q = filtered(db, v, filters);
  if (mode === 'same-deadline') {
    // After the cursor: first the rest of its deadline, then the later deadlines. Written as two index seeks,
    // not one comparison of (deadline, report, position): SQLite seeks an expression index by its first
    // column only there, and walked every item before the cursor (7 ms a page halfway down 200,000 items).
    q = q
      .where(sql<boolean>`${DEADLINE_KEY} = ${v.deadline}`)
      .where(sql<boolean>`(a.report_id, a.position) > (${v.afterReport}, ${v.afterPosition})`);
  } else if (mode === 'later-deadlines') q = q.where(sql<boolean>`${DEADLINE_KEY} > ${v.deadline}`);
  if (mode === 'offset') q = q.offset(v.offset);
  const ordered = (
    shape === 'json'
      ? q
          // The item's issue, by the links' primary key: one seek per item of the page.
          .leftJoin('tracker_links as l', (j) =>
            j.onRef('l.report_id', '=', 'a.report_id').onRef('l.action_id', '=', 'a.item_id'),
          )
          .select([ITEM_JSON.as('item'), 'a.deadline', 'a.report_id', 'a.position'])
      : q.select([
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
        ])
  ) as typeof q;
  return (
    ordered
      // Within one deadline the order is the same without the key: the index seek is by it.
      .$if(mode !== 'same-deadline', (o) => o.orderBy(DEADLINE_KEY))
      .orderBy('a.report_id')
      .orderBy('a.position')
      .limit(v.limit)
  );
}

/**
 * Page queries compiled once per shape (which filters are given, how many principals the viewer has, the
 * page's mode): building and compiling one with Kysely cost a tenth of a request's time, the same work
 * every time. Shapes are few (filters × modes × principals), and bounded here all the same.
 */
const compiledPages = new WeakMap<Kysely<Database>, Map<string, CompiledQuery>>();

/** The compiled statements kept for one database (each dialect writes its own SQL). */
function kept<K>(cache: WeakMap<Kysely<Database>, Map<K, CompiledQuery>>, db: Kysely<Database>) {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  return m;
}

function prepared(db: Kysely<Database>, v: Values, filters: ActionItemFilters, mode: Mode, shape: Shape) {
  const given = (Object.keys(filters) as (keyof ActionItemFilters)[]).filter((k) => filters[k]).sort();
  const key = `${shape} ${mode} ${v.principals.length} ${given.join(',')}`;
  const compiledHere = kept(compiledPages, db);
  let compiled = compiledHere.get(key);
  if (!compiled) {
    const slot = <T>(name: keyof Values, index?: number) => new Slot(name, index) as T;
    const slots: Values = {
      userId: slot('userId'),
      principals: v.principals.map((_, i) => slot<string>('principals', i)),
      reportId: slot('reportId'),
      owner: slot('owner'),
      ownerLike: slot('ownerLike'),
      status: slot('status'),
      category: slot('category'),
      dueBefore: slot('dueBefore'),
      overdueOn: slot('overdueOn'),
      offset: slot('offset'),
      limit: slot('limit'),
      deadline: slot('deadline'),
      afterReport: slot('afterReport'),
      afterPosition: slot('afterPosition'),
    };
    compiled = pageQuery(db, slots, filters, mode, shape).compile();
    if (compiledHere.size >= 500) compiledHere.clear();
    compiledHere.set(key, compiled);
  }
  const parameters = compiled.parameters.map((p) => {
    if (!(p instanceof Slot)) return p;
    const value = v[p.name];
    return p.index === undefined ? value : (value as unknown[])[p.index];
  });
  return { ...compiled, parameters };
}

// In the order selected in pageQuery; on SQLite read as arrays, which costs half what a row object does.
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

type Issue = { key: string; url: string; state: 'open' | 'closed' | null };
const compiledLinks = new WeakMap<Kysely<Database>, Map<number, CompiledQuery>>();

/**
 * The issues made for the page's actions, by report and action id: one short lookup by the links' primary
 * key, not a join in the paged query (which walks an index in deadline order). The status is checked here,
 * not in SQL, where SQLite took its index over the key's and read every linked row. The list of reports is
 * padded to a power of two (with repeats), so a handful of compiled statements serve every page.
 */
async function linkedIssues(
  db: Kysely<Database>,
  reportIds: string[],
  raw?: Store['rawRows'],
): Promise<Map<string, Issue>> {
  const issues = new Map<string, Issue>();
  if (reportIds.length === 0) return issues;
  let size = 1;
  while (size < reportIds.length) size *= 2;
  const compiledHere = kept(compiledLinks, db);
  let compiled = compiledHere.get(size);
  if (!compiled) {
    compiled = db
      .selectFrom('tracker_links')
      .select(['report_id', 'action_id', 'status', 'issue_key', 'issue_url', 'state'])
      .where(
        'report_id',
        'in',
        Array.from({ length: size }, () => ''),
      )
      .compile();
    compiledHere.set(size, compiled);
  }
  const parameters = reportIds.concat(Array<string>(size - reportIds.length).fill(reportIds[0]!));
  type Link = [string, string, string, string | null, string | null, 'open' | 'closed' | null];
  const links: Link[] = raw
    ? (raw(compiled.sql, parameters) as Link[])
    : (await db.executeQuery<Record<string, unknown>>({ ...compiled, parameters })).rows.map(
        (l) => [l.report_id, l.action_id, l.status, l.issue_key, l.issue_url, l.state] as Link,
      );
  for (const [reportId, actionId, status, key, url, state] of links)
    if (status === 'linked' && key && url) issues.set(`${reportId}\u0000${actionId}`, { key, url, state });
  return issues;
}

/**
 * A page's rows in a shape, and the count of all: from the first row, after an offset, or after a cursor (the
 * sort key of a previous page's last row).
 */
function valuesOf(viewer: Viewer, filters: ActionItemFilters, page: Page): Values {
  return {
    userId: viewer.userId,
    // An empty list is no valid SQL: a principal nobody has stands in.
    principals: viewer.principals.length > 0 ? viewer.principals : [''],
    reportId: filters.reportId,
    owner: filters.owner === undefined ? undefined : keyOf(filters.owner),
    ownerLike:
      filters.ownerContains === undefined
        ? undefined
        : `%${keyOf(filters.ownerContains).replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    status: filters.status,
    category: filters.category,
    dueBefore: filters.dueBefore,
    overdueOn: filters.overdueOn,
    offset: page.offset,
    limit: page.limit,
  };
}

/** The count of all the items a page is one of (kept by `counts`). */
function countOf(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  filters: ActionItemFilters,
  values: Values,
): Promise<CappedCount> {
  const key = JSON.stringify(['action_items', viewer, filters]);
  return counts.get(
    key,
    rowsUpTo(
      db,
      (limit) =>
        filtered(db, values, filters)
          .select(sql`1`.as('one'))
          .limit(limit),
      // The items of reports the viewer may not see, taken from PostgreSQL's estimate (see rowsUpTo).
      () =>
        counts.get(
          JSON.stringify(['hidden action items', viewer]),
          (cap) =>
            countRows(
              db,
              db
                .selectFrom('action_items as a')
                .innerJoin('reports as r', 'r.id', 'a.report_id')
                .where((eb) => sql<SqlBool>`(${visibleTo(viewer)(eb)}) is not true`)
                .select(sql`1`.as('one'))
                .limit(cap),
            ),
          'rows',
        ),
    ),
    'rows',
  );
}

async function pageOf<R>(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  filters: ActionItemFilters,
  page: Page,
  shape: Shape,
  run: (query: CompiledQuery) => Promise<R[]>,
): Promise<{ rows: R[]; counted: Promise<CappedCount> }> {
  const values = valuesOf(viewer, filters, page);
  const counted = countOf(db, counts, viewer, filters, values);
  const part = (mode: Mode, limit: number) => run(prepared(db, { ...values, limit }, filters, mode, shape));
  if (!page.cursor) return { rows: await part(page.offset > 0 ? 'offset' : 'first', page.limit), counted };
  const [deadline, reportId, position] = decodeCursor(page.cursor, ['s', 's', 'n']);
  values.deadline = deadline as string;
  values.afterReport = reportId as string;
  values.afterPosition = position as number;
  let rows = await part('same-deadline', page.limit);
  if (rows.length < page.limit) rows = rows.concat(await part('later-deadlines', page.limit - rows.length));
  return { rows, counted };
}

/** A page of action items with its items as one JSON array's text (see queryActionItemsJson). */
export interface PageJson extends CappedCount {
  items: string;
  next: string | null;
}

/**
 * queryActionItems on SQLite with the items as JSON text written by SQLite: the same page for a fraction of
 * the work (a page of 200 made as strings and objects, then serialized, cost more than finding it).
 */
export async function queryActionItemsJson(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  filters: ActionItemFilters,
  page: Page,
  raw: NonNullable<Store['rawRows']>,
  pages?: ItemPageCache,
): Promise<PageJson> {
  // The generation is read before the page: a page kept under it is never older than it says. A page after a
  // cursor is neither kept nor looked for: it is read once by a client walking the whole list, and keeping each
  // (up to the budget) held megabytes of text through the young generation's collections for no second read.
  const generation = page.cursor ? undefined : pages?.generation();
  const key =
    generation === undefined ? '' : JSON.stringify([viewer.userId, viewer.principals, filters, page]);
  const kept = generation === undefined ? undefined : pages!.get(key, generation);
  if (kept)
    return { ...(await countOf(db, counts, viewer, filters, valuesOf(viewer, filters, page))), ...kept };
  type JsonRow = [string, string | null, string, number];
  const { rows, counted } = await pageOf(
    db,
    counts,
    viewer,
    filters,
    page,
    'json',
    async (q) => raw(q.sql, q.parameters) as JsonRow[],
  );
  const last = rows.length === page.limit ? rows[rows.length - 1] : undefined;
  const shown = {
    next: last ? encodeCursor([last[1] ?? '9999-12-31', last[2], Number(last[3])]) : null,
    items: `[${rows.map((r) => r[0]).join(',')}]`,
  };
  if (generation !== undefined) pages!.set(key, generation, shown);
  return { ...(await counted), ...shown };
}

/** Bytes of pages kept at most; the least recently read go first. */
const ITEM_PAGES_BUDGET = 16 * 1024 * 1024;

/** What a kept page costs besides its key's and its text's characters (the entry, its objects): about. */
const ENTRY_OVERHEAD = 200;

/**
 * Pages of action items as SQLite wrote them (queryActionItemsJson), kept per viewer, filters and page (the first
 * and offset pages: not those after a cursor) while nothing a page shows has changed: count_generation's
 * rows_gen (the items, members, the reports' visibility and deletion; migration 2026-12-10-300) and
 * item_page_generation's counter (the reports' titles and the linked issues; migration 2026-12-11-300), which
 * triggers move whoever writes. Both are read again only when
 * the file's change mark moved (on `:memory:`, every time), so the background scorer's score writes, sign-ins
 * and outbox claims leave the pages kept, and a page read again costs its count (kept too) and no query. While
 * the store's connection has a transaction of its own open, nothing is kept or served (its counters would be
 * uncommitted; see CountCacheOptions.uncommitted). Pages that depend on the day (overdue) carry it in their key.
 */
export class ItemPageCache {
  private readonly pages = new Map<
    string,
    { generation: string; page: Omit<PageJson, keyof CappedCount>; cost: number }
  >();
  private bytes = 0;
  /** The generation the kept pages are valid for, read again only when the change mark moved. */
  private readonly current: MarkedRead<string>;
  /** Pages served from here (for tests). */
  hits = 0;

  constructor(
    read: () => string | undefined,
    changeMark: () => Buffer | undefined,
    private readonly uncommitted: () => boolean,
    private readonly budget = ITEM_PAGES_BUDGET,
  ) {
    this.current = new MarkedRead(read, changeMark);
  }

  /** The cache of a SQLite store, or undefined (PostgreSQL, which takes the object path). */
  static forStore(store: Store): ItemPageCache | undefined {
    const getRow = store.getRow;
    if (store.dialect !== 'sqlite' || !getRow) return undefined;
    const sqlite = store.sqlite;
    return new ItemPageCache(
      () => {
        const row = getRow<{ rows_gen: number; gen: number }>(
          'select c.rows_gen, p.gen from count_generation c, item_page_generation p where c.id = 1 and p.id = 1',
        );
        return row ? `${row.rows_gen}/${row.gen}` : undefined;
      },
      store.changeMark ?? (() => undefined),
      () => sqlite?.inTransaction === true,
    );
  }

  /** What the kept pages are valid for now; undefined when nothing may be kept or served. */
  generation(): string | undefined {
    if (this.uncommitted()) return undefined;
    // Undefined before the migration: nothing is kept.
    return this.current.get();
  }

  get(key: string, generation: string): Omit<PageJson, keyof CappedCount> | undefined {
    const e = this.pages.get(key);
    if (!e) return undefined;
    this.pages.delete(key);
    if (e.generation !== generation) {
      this.bytes -= e.cost;
      return undefined;
    }
    this.pages.set(key, e);
    this.hits += 1;
    return e.page;
  }

  set(key: string, generation: string, page: Omit<PageJson, keyof CappedCount>): void {
    const old = this.pages.get(key);
    if (old) this.bytes -= old.cost;
    this.pages.delete(key);
    // The entry's whole cost, its key and cursor included: an empty page ("[]") under a key of its own (a filter
    // no item matches, an offset past the end) costs far more than its items, and counted by them alone, millions
    // of such pages fitted the budget.
    const cost = key.length + page.items.length + (page.next?.length ?? 0) + ENTRY_OVERHEAD;
    if (cost > this.budget / 4) return;
    this.pages.set(key, { generation, page, cost });
    this.bytes += cost;
    for (const [k, e] of this.pages) {
      if (this.bytes <= this.budget) break;
      this.pages.delete(k);
      this.bytes -= e.cost;
    }
  }
}

/** Action items across every report the viewer may see, soonest deadline first. */
export async function queryActionItems(
  db: Kysely<Database>,
  counts: CountCache,
  viewer: Viewer,
  filters: ActionItemFilters,
  page: Page,
  raw?: Store['rawRows'],
): Promise<PageResult<ActionItemRow>> {
  const { rows, counted } = await pageOf(db, counts, viewer, filters, page, 'columns', async (query) => {
    if (raw) return raw(query.sql, query.parameters) as Row[];
    return (await db.executeQuery<Record<string, unknown>>(query)).rows.map(
      (r) =>
        [
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
        ] as Row,
    );
  });
  const last = rows.length === page.limit ? rows[rows.length - 1] : undefined;
  const issues = await linkedIssues(db, [...new Set(rows.map((r) => r[0]))], raw);
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
