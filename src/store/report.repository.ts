import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError, type Report, staleVersion } from '../domain/index.js';
import type { Dialect, Store } from './database.js';
import type { Database, ReportsTable } from './database.types.js';
import {
  queryActionItems,
  type ActionItemFilters,
  type Page,
  type PageResult,
} from './action-items.query.js';
import { CountCache } from './count-cache.js';
import { indexReport } from './report-index.js';
import { queryReports, type ReportFilters } from './report-list.query.js';
import { searchReports } from './report-search.query.js';
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

/** What a save records in the history besides the new content. */
export interface SaveInfo {
  userId: string | null;
  summary: string;
  changes: string[];
  at?: string;
  /** The audit entry for this save, written in the same transaction (its details gain the new version). */
  audit?: { action: string; details?: Record<string, unknown>; ip: string | null };
}

type Db = Kysely<Database> | Transaction<Database>;

/** The audit entry of a change to a report other than a save (delete, undelete). */
export interface ChangeAudit {
  action: string;
  details?: Record<string, unknown>;
  ip: string | null;
}

async function insertAudit(
  trx: Transaction<Database>,
  reportId: string,
  userId: string | null,
  at: string,
  audit: ChangeAudit,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      at,
      user_id: userId,
      action: audit.action,
      target_type: 'report',
      target_id: reportId,
      details: JSON.stringify(audit.details ?? {}),
      ip: audit.ip,
    })
    .execute();
}

const now = () => new Date().toISOString();

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

const columnsOf = (report: Report) => ({
  title: report.title,
  kind: report.kind,
  state: report.state,
  severity: report.severity ?? null,
  restricted: report.visibility === 'restricted' ? 1 : 0,
  period_start: report.period.start ?? null,
  content: JSON.stringify(report),
});

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return (
    err.code === '23505' ||
    err.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
};

/** The answer to a create that names an id some report holds, whichever report that is. */
const idNotAvailable = (id: string) =>
  new AppError('conflict', `the id ${id} is not available; leave the id out and the server chooses one`, [
    { path: ['id'], message: 'not available' },
  ]);

/** Reports, their history, the side tables queries need and the full-text index; SQL only. */
export class ReportRepository {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;

  private readonly getRow: Store['getRow'];
  /** See Store.changeMark: on a SQLite file, changes with every commit to the database. */
  readonly changeMark: () => Buffer | undefined;
  /** Totals of lists and searches, kept while nothing changed; any save here forgets them. */
  private readonly counts: CountCache;

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
    this.getRow = store.getRow;
    this.changeMark = store.changeMark ?? (() => undefined);
    this.counts = new CountCache(this.changeMark);
  }

  /** Store a new report as version 1 and record its first revision. */
  async create(id: string, report: Report, info: SaveInfo): Promise<StoredReport> {
    const at = info.at ?? now();
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await this.db.transaction().execute(async (trx) => {
          // One statement for both questions: is the id free, and which seq comes next.
          const { rows } = await sql<{ taken: string | null; seq: number | null }>`
            select (select id from reports where id = ${id}) as taken, (select max(seq) from reports) as seq`.execute(
            trx,
          );
          // One answer whatever holds the id (a report the caller reads, a deleted one, a restricted one they
          // are not a member of), from this one lookup: it must not tell a restricted report from a deleted one.
          if (rows[0]?.taken) throw idNotAvailable(id);
          const seq = Number(rows[0]?.seq ?? 0) + 1;
          const row: ReportsTable = {
            id,
            seq,
            ...columnsOf(report),
            version: 1,
            review_round: 0,
            created_by: info.userId,
            created_at: at,
            updated_by: info.userId,
            updated_at: at,
            deleted_at: null,
          };
          await trx.insertInto('reports').values(row).execute();
          await this.writeIndex(trx, id, seq, report, false);
          await this.writeRevision(trx, id, 1, report, info, at);
          return { ...toStored(row), report };
        });
        this.counts.clear();
        return created;
      } catch (e) {
        // Two instances may pick the same seq at once; the loser simply tries again.
        if (attempt < 5 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
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
    const at = info.at ?? now();
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('reports')
        .set({
          ...columnsOf(report),
          version: expectedVersion + 1,
          updated_by: info.userId,
          updated_at: at,
          ...(extra.reviewRound !== undefined ? { review_round: extra.reviewRound } : {}),
        })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) return this.failStale(trx, id, expectedVersion);
      await this.writeIndex(trx, id, Number(row.seq), report, true);
      await this.writeRevision(trx, id, expectedVersion + 1, report, info, at);
      return { ...toStored(row), report };
    });
    this.counts.clear();
    return updated;
  }

  private async failStale(trx: Db, id: string, expectedVersion: number): Promise<never> {
    const current = await trx
      .selectFrom('reports')
      .select(['version', 'deleted_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current || current.deleted_at) throw new AppError('not_found', `report ${id} does not exist`);
    throw staleVersion(id, expectedVersion, Number(current.version));
  }

  /**
   * Mark a report deleted (it keeps its history and can be restored); `audit`, when given, is written in the
   * same transaction, so there is no deletion without its entry.
   */
  async softDelete(
    id: string,
    userId: string | null,
    expectedVersion?: number,
    audit?: ChangeAudit,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const at = now();
      let q = trx
        .updateTable('reports')
        .set({ deleted_at: at, updated_by: userId })
        .where('id', '=', id)
        .where('deleted_at', 'is', null);
      if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
      const result = await q.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) await this.failStale(trx, id, expectedVersion ?? -1);
      if (audit) await insertAudit(trx, id, userId, at, audit);
    });
    this.counts.clear();
  }

  /** Bring back a deleted report; `audit`, when given, is written in the same transaction. */
  async undelete(id: string, userId: string | null, audit?: ChangeAudit): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('reports')
          .set({ deleted_at: null, updated_by: userId })
          .where('id', '=', id)
          .where('deleted_at', 'is not', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw new AppError('not_found', `no deleted report ${id}`);
        if (audit) await insertAudit(trx, id, userId, now(), audit);
      });
    } finally {
      this.counts.clear();
    }
  }

  /** Reports the viewer may see, newest change first, with a capped total (see CountCache). */
  async list(viewer: Viewer, filters: ReportFilters, page: Page): Promise<PageResult<ReportSummary>> {
    return queryReports(this.db, this.counts, viewer, filters, page);
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
    return queryActionItems(this.db, this.counts, viewer, filters, page);
  }

  /** Full-text search over every part of the reports the viewer may see, best match first. */
  async search(viewer: Viewer, query: string, page: Page): Promise<Omit<PageResult<SearchHit>, 'next'>> {
    return searchReports(this.db, this.dialect, this.counts, viewer, query, page);
  }

  private async writeRevision(
    trx: Db,
    id: string,
    version: number,
    report: Report,
    info: SaveInfo,
    at: string,
  ) {
    await trx
      .insertInto('report_revisions')
      .values({
        report_id: id,
        version,
        author_id: info.userId,
        created_at: at,
        summary: info.summary,
        changes: JSON.stringify(info.changes),
        content: JSON.stringify(report),
      })
      .execute();
    if (info.audit) {
      await trx
        .insertInto('audit_log')
        .values({
          id: randomUUID(),
          at,
          user_id: info.userId,
          action: info.audit.action,
          target_type: 'report',
          target_id: id,
          details: JSON.stringify({ ...info.audit.details, version }),
          ip: info.audit.ip,
        })
        .execute();
    }
  }

  /** Rewrite the side tables and the search entry of a report inside the caller's transaction. */
  private async writeIndex(trx: Db, id: string, seq: number, report: Report, replace: boolean) {
    const ix = indexReport(report);
    if (replace) {
      for (const table of [
        'action_items',
        'timeline_events',
        'report_tags',
        'report_systems',
        'report_people',
        'report_members',
      ] as const) {
        await trx.deleteFrom(table).where('report_id', '=', id).execute();
      }
    }
    const insert = async <T extends object>(table: keyof Database, rows: T[]) => {
      // Stay well under SQLite's bound-parameter limit however long the lists are.
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + 200) as never)
          .execute();
      }
    };
    await insert(
      'action_items',
      ix.actionItems.map((a, position) => ({ report_id: id, position, ...a })),
    );
    await insert(
      'timeline_events',
      ix.timeline.map((e, position) => ({ report_id: id, position, ...e })),
    );
    await insert(
      'report_tags',
      ix.tags.map((tag) => ({ report_id: id, tag })),
    );
    await insert(
      'report_systems',
      ix.systems.map((system) => ({ report_id: id, system })),
    );
    await insert(
      'report_people',
      ix.people.map((p) => ({ report_id: id, ...p })),
    );
    await insert(
      'report_members',
      ix.members.map((principal) => ({ report_id: id, principal })),
    );
    if (this.dialect === 'postgres') {
      await sql`insert into report_search (report_id, title, body) values (${id}, ${ix.searchTitle}, ${ix.searchBody})
        on conflict (report_id) do update set title = excluded.title, body = excluded.body`.execute(trx);
    } else {
      if (replace) await sql`delete from report_search where rowid = ${seq}`.execute(trx);
      await sql`insert into report_search (rowid, title, body) values (${seq}, ${ix.searchTitle}, ${ix.searchBody})`.execute(
        trx,
      );
    }
  }
}
