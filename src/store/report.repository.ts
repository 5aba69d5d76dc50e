import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { AppError, type Report, staleVersion } from '../domain/index.js';
import type { Dialect, Store } from './database.js';
import type { Database, ReportsTable } from './database.types.js';
import { indexReport, keyOf } from './report-index.js';
import { visibleTo, type Viewer } from './viewer.js';
import type {
  ActionItemRow,
  ReportBookkeeping,
  ReportSummary,
  RevisionSummary,
  SearchHit,
} from '../domain/api-contract.js';

export type { ActionItemRow, ReportSummary, RevisionSummary, SearchHit };

/** A report as stored: the model plus the bookkeeping around it. */
export interface StoredReport extends ReportBookkeeping {
  seq: number;
  deletedAt: string | null;
  report: Report;
}

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

export interface Page {
  limit: number;
  offset: number;
}

export interface ActionItemFilters {
  owner?: string;
  /** Part of the owner's name, in any case. */
  ownerContains?: string;
  status?: string;
  category?: string;
  overdueOn?: string;
  dueBefore?: string;
  reportId?: string;
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

const now = () => new Date().toISOString();

// English function words, left out of SQLite queries (PostgreSQL's english configuration does the same).
const STOP_WORDS = new Set(
  'a an and are as at be but by for from had has have he her his in is it its of on or she that the their they this to was were which will with not after when during'.split(
    ' ',
  ),
);

const toSummary = (r: ReportsTable): ReportSummary => ({
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

/** Reports, their history, the side tables queries need and the full-text index; SQL only. */
export class ReportRepository {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;

  private readonly getRow: Store['getRow'];
  /** See Store.changeMark: on a SQLite file, changes with every commit to the database. */
  readonly changeMark: () => Buffer | undefined;

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
    this.getRow = store.getRow;
    this.changeMark = store.changeMark ?? (() => undefined);
  }

  /** Store a new report as version 1 and record its first revision. */
  async create(id: string, report: Report, info: SaveInfo): Promise<StoredReport> {
    const at = info.at ?? now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const taken = await trx.selectFrom('reports').select('id').where('id', '=', id).executeTakeFirst();
          if (taken)
            throw new AppError('conflict', `a report with id ${id} already exists`, [
              { path: ['id'], message: 'already in use' },
            ]);
          const next = await trx
            .selectFrom('reports')
            .select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<number>`0`).as('seq'))
            .executeTakeFirstOrThrow();
          const seq = Number(next.seq) + 1;
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
    return this.db.transaction().execute(async (trx) => {
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

  /** Mark a report deleted (it keeps its history and can be restored). */
  async softDelete(id: string, userId: string | null, expectedVersion?: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let q = trx
        .updateTable('reports')
        .set({ deleted_at: now(), updated_by: userId })
        .where('id', '=', id)
        .where('deleted_at', 'is', null);
      if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
      const result = await q.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) await this.failStale(trx, id, expectedVersion ?? -1);
    });
  }

  /** Bring back a deleted report. */
  async undelete(id: string, userId: string | null): Promise<void> {
    const result = await this.db
      .updateTable('reports')
      .set({ deleted_at: null, updated_by: userId })
      .where('id', '=', id)
      .where('deleted_at', 'is not', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError('not_found', `no deleted report ${id}`);
  }

  /** Reports the viewer may see, newest change first, with the total for paging. */
  async list(
    viewer: Viewer,
    filters: ReportFilters,
    page: Page,
  ): Promise<{ items: ReportSummary[]; total: number }> {
    let q = this.db.selectFrom('reports as r').where(visibleTo(viewer));
    q = filters.deleted ? q.where('r.deleted_at', 'is not', null) : q.where('r.deleted_at', 'is', null);
    if (filters.state) q = q.where('r.state', '=', filters.state);
    if (filters.kind) q = q.where('r.kind', '=', filters.kind);
    if (filters.severity)
      q = q.where((eb) => eb(eb.fn('lower', ['r.severity']), '=', keyOf(filters.severity!)));
    if (filters.from) q = q.where('r.period_start', '>=', filters.from);
    if (filters.to) q = q.where('r.period_start', '<=', filters.to);
    // Tags, systems and people live in side tables kept in step with each save; each filter is one lookup.
    const sideFilters = [
      ['report_tags', 'tag', filters.tag],
      ['report_systems', 'system', filters.system],
      ['report_people', 'person', filters.person],
    ] as const;
    for (const [table, column, value] of sideFilters) {
      if (!value) continue;
      const wanted = keyOf(value);
      q = q.where(
        sql<SqlBool>`exists (select 1 from ${sql.table(table)} where report_id = ${sql.ref('r.id')} and ${sql.ref(column)} = ${wanted})`,
      );
    }
    const [rows, count] = await Promise.all([
      q
        .selectAll('r')
        .orderBy('r.updated_at', 'desc')
        .orderBy('r.id')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toSummary), total: Number(count.n) };
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

  /** Action items across every report the viewer may see. */
  async actionItems(
    viewer: Viewer,
    filters: ActionItemFilters,
    page: Page,
  ): Promise<{ items: ActionItemRow[]; total: number }> {
    let q = this.db
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
    const [rows, count] = await Promise.all([
      q
        .select([
          'a.report_id',
          'r.title as report_title',
          'a.item_id',
          'a.title',
          'a.owner',
          'a.status',
          'a.category',
          'a.priority',
          'a.deadline',
        ])
        // Items without a deadline sort last on both dialects.
        .orderBy(sql`case when a.deadline is null then 1 else 0 end`)
        .orderBy('a.deadline')
        .orderBy('a.report_id')
        .orderBy('a.position')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(count.n),
      items: rows.map((r) => ({
        reportId: r.report_id,
        reportTitle: r.report_title,
        id: r.item_id,
        title: r.title,
        owner: r.owner,
        status: r.status,
        category: r.category,
        priority: r.priority,
        deadline: r.deadline,
      })),
    };
  }

  /** Full-text search over every part of the reports the viewer may see, best match first. */
  async search(viewer: Viewer, query: string, page: Page): Promise<{ items: SearchHit[]; total: number }> {
    const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return { items: [], total: 0 };
    return this.dialect === 'postgres'
      ? this.searchPostgres(viewer, words, page)
      : this.searchSqlite(viewer, words, page);
  }

  private visibilitySql(viewer: Viewer) {
    const principals = viewer.principals.length > 0 ? viewer.principals : [''];
    return sql`(r.restricted = 0 or r.created_by = ${viewer.userId} or exists (select 1 from report_members m where m.report_id = r.id and m.principal in (${sql.join(principals)})))`;
  }

  private async searchSqlite(viewer: Viewer, words: string[], page: Page) {
    // Words that occur in nearly every report only slow the search down; PostgreSQL drops them too.
    const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
    // Each word becomes a quoted FTS5 string, so no input can be read as query syntax.
    const match = (meaningful.length > 0 ? meaningful : words).map((w) => `"${w}"`).join(' ');
    const where = sql`report_search match ${match} and r.deleted_at is null and ${this.visibilitySql(viewer)}`;
    // Three steps keep every row that is not shown cheap: rank and count through the covering index
    // (never touching the wide report rows), then read summaries and snippets for the page alone.
    const ranked = await sql<{ seq: number; score: number }>`
      select r.seq as seq, bm25(report_search, 10.0, 1.0) as score
      from report_search join reports r on r.seq = report_search.rowid
      where ${where}
      order by score, r.seq
      limit ${page.limit} offset ${page.offset}`.execute(this.db);
    const count = await sql<{ n: number }>`
      select count(*) as n from report_search join reports r on r.seq = report_search.rowid where ${where}`.execute(
      this.db,
    );
    const total = Number(count.rows[0]?.n ?? 0);
    if (ranked.rows.length === 0) return { total, items: [] };
    const seqs = ranked.rows.map((r) => Number(r.seq));
    const details = await sql<ReportsTable & { snippet: string }>`
      select r.id, r.seq, r.title, r.kind, r.state, r.severity, r.restricted, r.period_start, r.version,
        r.created_at, r.updated_at, r.deleted_at,
        snippet(report_search, 1, ${'\u0001'}, ${'\u0002'}, '…', 16) as snippet
      from report_search join reports r on r.seq = report_search.rowid
      where report_search match ${match} and report_search.rowid in (${sql.join(seqs)})`.execute(this.db);
    const bySeq = new Map(details.rows.map((r) => [Number(r.seq), r]));
    const items = ranked.rows.flatMap((hit) => {
      const r = bySeq.get(Number(hit.seq));
      return r ? [{ ...toSummary(r), score: -Number(hit.score), snippet: r.snippet }] : [];
    });
    return { total, items };
  }

  private async searchPostgres(viewer: Viewer, words: string[], page: Page) {
    const text = words.join(' ');
    const where = sql`s.document @@ q and r.deleted_at is null and ${this.visibilitySql(viewer)}`;
    // Rank first and cut the page, then build headlines only for the rows shown: ts_headline is costly.
    const rows = await sql<ReportsTable & { score: number; snippet: string }>`
      with q as (select plainto_tsquery('english', ${text}) as q),
      hits as (
        select r.id, r.seq, r.title, r.kind, r.state, r.severity, r.restricted, r.period_start, r.version,
          r.created_at, r.updated_at, r.deleted_at, s.body, ts_rank(s.document, q.q) as score, q.q as q
        from report_search s join reports r on r.id = s.report_id, q
        where s.document @@ q.q and r.deleted_at is null and ${this.visibilitySql(viewer)}
        order by score desc, r.id
        limit ${page.limit} offset ${page.offset}
      )
      select hits.*, ts_headline('english', hits.body, hits.q,
        ${'StartSel=\u0001, StopSel=\u0002, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'}) as snippet
      from hits order by score desc, id`.execute(this.db);
    const count = await sql<{ n: number }>`
      select count(*) as n from report_search s join reports r on r.id = s.report_id,
        plainto_tsquery('english', ${text}) q where ${where}`.execute(this.db);
    return {
      total: Number(count.rows[0]?.n ?? 0),
      items: rows.rows.map((r) => ({ ...toSummary(r), score: Number(r.score), snippet: r.snippet })),
    };
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
