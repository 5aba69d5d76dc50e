import { sql, type Kysely } from 'kysely';
import type { Report } from '../domain/index.js';
import type { Dialect, Store } from './database.js';
import { queryRecurrenceLinks } from './recurrence.query.js';
import type { Database, ReportsTable } from './database.types.js';
import {
  queryActionItems,
  queryActionItemsJson,
  ItemPageCache,
  type PageJson,
  type ActionItemFilters,
  type Page,
  type PageResult,
} from './action-items.query.js';
import { CountCache, MarkedPages } from './count-cache.js';
import { queryReports, type ReportFilters } from './report-list.query.js';
import type { SaveInfo } from './report-rows.js';
import { searchHits, searchReports, type SearchTextPage } from './report-search.query.js';
import { ReportWrites, type ChangeAudit } from './report-writes.js';

import type { Viewer } from './viewer.js';
import type {
  ActionItemRow,
  ReportBookkeeping,
  ReportSummary,
  RevisionSummary,
  SearchHit,
} from '../domain/api-contract.js';

export type { ActionItemRow, ReportSummary, RevisionSummary, SearchHit };
export type { ActionItemFilters, Page, PageResult, ReportFilters };

/** A report as stored: the model plus the bookkeeping around it. */
export interface StoredReport extends ReportBookkeeping {
  seq: number;
  deletedAt: string | null;
  report: Report;
}

export type { SaveInfo };

/** The bookkeeping of a stored report without its content. */
export type StoredReportMeta = Omit<StoredReport, 'report'>;

/** The stamp of a stored report's row (see ReportRepository.stamp). */
export const reportStamp = (m: Pick<StoredReportMeta, 'version' | 'updatedAt' | 'updatedBy'>): string =>
  `${m.version}|${m.updatedAt}|${m.updatedBy ?? ''}`;

const toMeta = (r: ReportsTable): StoredReportMeta => ({
  id: r.id,
  seq: Number(r.seq),
  version: Number(r.version),
  state: r.state,
  restricted: Number(r.restricted) === 1,
  reviewRound: Number(r.review_round),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

// Rows are written only through this repository, from reports the schema has validated; validating
// again on every read would cost more than the rest of a request.
const toStored = (r: ReportsTable): StoredReport => ({
  ...toMeta(r),
  report: JSON.parse(r.content) as Report,
});

/** An action item as the JSON its page sends (actionItemRowSchema: its fields in order, null for none). */
const itemJson = (r: ActionItemRow): string =>
  JSON.stringify({
    reportId: r.reportId,
    reportTitle: r.reportTitle,
    id: r.id,
    title: r.title,
    owner: r.owner ?? null,
    status: r.status,
    category: r.category ?? null,
    priority: r.priority ?? null,
    deadline: r.deadline ?? null,
    verification: r.verification ?? null,
    verifyBy: r.verifyBy ?? null,
    awaitingVerification: r.awaitingVerification,
    issue: r.issue ? { key: r.issue.key, url: r.issue.url, state: r.issue.state ?? null } : null,
  });

/**
 * Reports, their history, the side tables queries need and the full-text index; SQL only. A facade: saves
 * are in report-writes.ts, lists in report-list.query.ts, search in report-search.query.ts and action items
 * in action-items.query.ts; reads of one report and its history are here.
 */
export class ReportRepository {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;

  private readonly getRow: Store['getRow'];
  private readonly rawRows: Store['rawRows'];
  /** See Store.changeMark: on a SQLite file, changes with every commit to the database. */
  readonly changeMark: () => Buffer | undefined;
  /** Totals of lists and searches, kept while nothing changed; any save here forgets them. */
  private readonly counts: CountCache;
  /** Action-item pages as SQLite wrote them, kept while what they show stands (SQLite only). */
  private readonly itemPages: ItemPageCache | undefined;
  private readonly writes: ReportWrites;
  /** Pages of lists on PostgreSQL, kept while its change mark stands (see Store.changeMark). */
  private readonly listPages = new MarkedPages<PageResult<ReportSummary>>();
  /** Pages of action items on PostgreSQL, kept the same way (SQLite keeps its own, as JSON: itemPages). */
  private readonly itemPagesPg = new MarkedPages<PageResult<ActionItemRow>>(200);
  /** The same as JSON text (actionItemsJson); a page of 200 items is some 60 KB. */
  private readonly itemJsonPg = new MarkedPages<PageJson>(200);

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
    this.getRow = store.getRow;
    this.rawRows = store.rawRows;
    this.changeMark = store.changeMark ?? (() => undefined);
    this.counts = CountCache.forStore(store);
    this.itemPages = ItemPageCache.forStore(store);
    this.writes = new ReportWrites(store, () => {
      this.counts.clear();
      this.committed += 1;
    });
  }

  private committed = 0;
  private readonly savedListeners: ((id: string) => void)[] = [];

  /** Call `listener` with a report's id once a save of it here (create or update) has committed. */
  onSaved(listener: (id: string) => void): void {
    this.savedListeners.push(listener);
  }

  private saved(id: string): void {
    for (const listener of this.savedListeners) listener(id);
  }

  /** How many writes (saves, deletes, restores) this repository has committed: moves with each. */
  changeCount(): number {
    return this.committed;
  }

  /** Store a new report as version 1 and record its first revision. */
  async create(id: string, report: Report, info: SaveInfo): Promise<StoredReport> {
    const stored = { ...toMeta(await this.writes.create(id, report, info)), report };
    this.saved(stored.id);
    return stored;
  }

  /** A live report's bookkeeping and its content as the stored JSON text, for serving without re-encoding. */
  async getJson(id: string): Promise<{ meta: StoredReportMeta; json: string } | undefined> {
    const row = this.getRow
      ? this.getRow<ReportsTable>('select * from reports where id = ? and deleted_at is null', id)
      : (
          await sql<ReportsTable>`select * from reports where id = ${id} and deleted_at is null`.execute(
            this.db,
          )
        ).rows[0];
    return row ? { meta: toMeta(row), json: row.content } : undefined;
  }

  /**
   * A live report's stamp: it changes whenever anything read back from its row does (every save bumps the
   * version; deleting and restoring change the updater). Undefined when there is no live report.
   */
  async stamp(id: string): Promise<{ stamp: string; restricted: boolean } | undefined> {
    type Row = Pick<ReportsTable, 'version' | 'updated_at' | 'updated_by' | 'restricted'>;
    const row = this.getRow
      ? this.getRow<Row>(
          'select version, updated_at, updated_by, restricted from reports where id = ? and deleted_at is null',
          id,
        )
      : (
          await sql<Row>`select version, updated_at, updated_by, restricted from reports
                         where id = ${id} and deleted_at is null`.execute(this.db)
        ).rows[0];
    if (!row) return undefined;
    return {
      stamp: reportStamp({
        version: Number(row.version),
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      }),
      restricted: Number(row.restricted) === 1,
    };
  }

  /** Read one report; deleted ones only when asked. */
  async get(id: string, options: { includeDeleted?: boolean } = {}): Promise<StoredReport | undefined> {
    // The hottest query of all (every read of a report): written as SQL to skip the query builder's cost.
    const live = options.includeDeleted ? sql`` : sql` and deleted_at is null`;
    const { rows } = await sql<ReportsTable>`select * from reports where id = ${id}${live}`.execute(this.db);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /**
   * Replace a report's content if it is still at `expectedVersion`; otherwise nothing changes and a
   * conflict names the current version.
   */
  async update(
    id: string,
    expectedVersion: number,
    report: Report,
    info: SaveInfo,
    extra: { reviewRound?: number } = {},
  ): Promise<StoredReport> {
    const stored = { ...toMeta(await this.writes.update(id, expectedVersion, report, info, extra)), report };
    this.saved(id);
    return stored;
  }

  /** Mark a report deleted (it keeps its history and can be restored). */
  async softDelete(
    id: string,
    userId: string | null,
    expectedVersion?: number,
    audit?: ChangeAudit,
  ): Promise<void> {
    await this.writes.softDelete(id, userId, expectedVersion, audit);
  }

  /** Bring back a deleted report. */
  async undelete(id: string, userId: string | null, audit?: ChangeAudit): Promise<void> {
    await this.writes.undelete(id, userId, audit);
  }

  /** Reports the viewer may see, newest change first, with a capped total (see CountCache). */
  async list(viewer: Viewer, filters: ReportFilters, page: Page): Promise<PageResult<ReportSummary>> {
    // On SQLite a page costs less than keeping it; on PostgreSQL it is kept while the change mark stands.
    if (this.rawRows) return queryReports(this.db, this.counts, viewer, filters, page, this.rawRows);
    return this.keptByMark(this.listPages, [viewer, filters, page], () =>
      queryReports(this.db, this.counts, viewer, filters, page),
    );
  }

  /**
   * A page kept in `pages` under the change mark by what it was asked with, or computed and kept; computed each
   * time where there is no mark (PostgreSQL not listening yet).
   */
  private async keptByMark<T>(
    pages: MarkedPages<T>,
    asked: unknown[],
    compute: () => Promise<T>,
  ): Promise<T> {
    const mark = this.changeMark();
    if (!mark) return compute();
    const key = JSON.stringify(asked);
    const kept = pages.get(key, mark);
    if (kept) return kept;
    const result = await compute();
    pages.set(key, mark, result);
    return result;
  }

  /** The history of a report, newest first. */
  async revisions(id: string): Promise<RevisionSummary[]> {
    const rows = await this.db
      .selectFrom('report_revisions')
      .select(['version', 'author_id', 'created_at', 'summary', 'changes'])
      .where('report_id', '=', id)
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      version: Number(r.version),
      authorId: r.author_id,
      createdAt: r.created_at,
      summary: r.summary,
      changes: JSON.parse(r.changes) as string[],
    }));
  }

  /** Who each version of a report was open to: its visibility and members then, oldest first. */
  async revisionAccess(id: string): Promise<{ version: number; report: Report }[]> {
    const rows = await this.db
      .selectFrom('report_revisions')
      .select(['version', 'content'])
      .where('report_id', '=', id)
      .orderBy('version', 'asc')
      .execute();
    return rows.map((r) => ({ version: Number(r.version), report: JSON.parse(r.content) as Report }));
  }

  /** One past version of a report, whole. */
  async revision(id: string, version: number): Promise<(RevisionSummary & { report: Report }) | undefined> {
    const r = await this.db
      .selectFrom('report_revisions')
      .selectAll()
      .where('report_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      version: Number(r.version),
      authorId: r.author_id,
      createdAt: r.created_at,
      summary: r.summary,
      changes: JSON.parse(r.changes) as string[],
      report: JSON.parse(r.content) as Report,
    };
  }

  /** Action items across every report the viewer may see, soonest deadline first. */
  async actionItems(
    viewer: Viewer,
    filters: ActionItemFilters,
    page: Page,
  ): Promise<PageResult<ActionItemRow>> {
    // On PostgreSQL kept while the change mark stands (the day of an overdue filter is among the filters).
    if (this.rawRows) return queryActionItems(this.db, this.counts, viewer, filters, page, this.rawRows);
    return this.keptByMark(this.itemPagesPg, [viewer, filters, page], () =>
      queryActionItems(this.db, this.counts, viewer, filters, page),
    );
  }

  /**
   * The same page with its items as JSON text, on SQLite and on PostgreSQL with a change mark; else undefined
   * (use actionItems).
   */
  async actionItemsJson(
    viewer: Viewer,
    filters: ActionItemFilters,
    page: Page,
  ): Promise<PageJson | undefined> {
    if (this.rawRows)
      return queryActionItemsJson(this.db, this.counts, viewer, filters, page, this.rawRows, this.itemPages);
    // On PostgreSQL the page's JSON text is kept while the change mark stands: encoding 200 items is most of
    // the work of a page found in the kept ones.
    if (!this.changeMark()) return undefined;
    return this.keptByMark(this.itemJsonPg, [viewer, filters, page], async () => {
      const { items, ...rest } = await queryActionItems(this.db, this.counts, viewer, filters, page);
      return { ...rest, items: `[${items.map(itemJson).join(',')}]` };
    });
  }

  /** Recurrence links the viewer may see, with both reports (see recurrence.query.ts). */
  async recurrenceLinks(viewer: Viewer, options: { reportId?: string; limit: number }) {
    return queryRecurrenceLinks(this.db, viewer, options);
  }

  /** Full-text search over every part of the reports the viewer may see, best match first. */
  async search(viewer: Viewer, query: string, page: Page): Promise<Omit<PageResult<SearchHit>, 'next'>> {
    return searchReports(this.db, this.dialect, this.counts, viewer, query, page, this.rawRows);
  }

  /** The same, its hits' summaries as JSON text written by the database (see searchHits). */
  async searchText(viewer: Viewer, query: string, page: Page): Promise<SearchTextPage> {
    return searchHits(this.db, this.dialect, this.counts, viewer, query, page, this.rawRows);
  }
}
