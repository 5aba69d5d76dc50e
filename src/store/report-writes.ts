import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError, type Report, staleVersion } from '../domain/index.js';
import type { Dialect } from './database.js';
import type { Database, ReportsTable } from './database.types.js';
import {
  columnsOf,
  newReportRow,
  saveRows,
  SIDE_TABLES,
  type SaveInfo,
  type SaveRows,
} from './report-rows.js';

type Db = Kysely<Database> | Transaction<Database>;

const now = () => new Date().toISOString();

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return (
    err.code === '23505' ||
    err.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
};

/**
 * The writes of reports: each save in one transaction, with its revision, side tables, search entry and
 * audit entry (see report-rows.ts). `changed` runs after every commit (the facade forgets its kept counts).
 */
export class ReportWrites {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly changed: () => void,
  ) {}

  /** Store a new report as version 1 and record its first revision; the new row. */
  async create(id: string, report: Report, info: SaveInfo): Promise<ReportsTable> {
    const at = info.at ?? now();
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await this.db.transaction().execute(async (trx) => {
          // One statement for both questions: is the id free, and which seq comes next.
          const { rows } = await sql<{ taken: string | null; seq: number | null }>`
            select (select id from reports where id = ${id}) as taken, (select max(seq) from reports) as seq`.execute(
            trx,
          );
          if (rows[0]?.taken)
            throw new AppError('conflict', `a report with id ${id} already exists`, [
              { path: ['id'], message: 'already in use' },
            ]);
          const row = newReportRow(id, Number(rows[0]?.seq ?? 0) + 1, report, info, at);
          await trx.insertInto('reports').values(row).execute();
          await this.writeRows(trx, id, row.seq, saveRows(id, 1, report, info, at), false);
          return row;
        });
        this.changed();
        return created;
      } catch (e) {
        // Two instances may pick the same seq at once; the loser simply tries again.
        if (attempt < 5 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
  }

  /**
   * Replace a report's content if it is still at `expectedVersion`; otherwise nothing changes and a
   * conflict names the current version. The updated row.
   */
  async update(
    id: string,
    expectedVersion: number,
    report: Report,
    info: SaveInfo,
    extra: { reviewRound?: number } = {},
  ): Promise<ReportsTable> {
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
      await this.writeRows(
        trx,
        id,
        Number(row.seq),
        saveRows(id, expectedVersion + 1, report, info, at),
        true,
      );
      return row;
    });
    this.changed();
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
    this.changed();
  }

  /** Bring back a deleted report. */
  async undelete(id: string, userId: string | null): Promise<void> {
    const result = await this.db
      .updateTable('reports')
      .set({ deleted_at: null, updated_by: userId })
      .where('id', '=', id)
      .where('deleted_at', 'is not', null)
      .executeTakeFirst();
    this.changed();
    if (Number(result.numUpdatedRows) !== 1) throw new AppError('not_found', `no deleted report ${id}`);
  }

  /** Write a save's rows inside the caller's transaction, replacing the side tables and search entry. */
  private async writeRows(trx: Db, id: string, seq: number, rows: SaveRows, replace: boolean) {
    if (replace) {
      for (const table of SIDE_TABLES) await trx.deleteFrom(table).where('report_id', '=', id).execute();
    }
    for (const table of SIDE_TABLES) {
      const values = rows.side[table];
      // Stay well under SQLite's bound-parameter limit however long the lists are.
      for (let i = 0; i < values.length; i += 200) {
        await trx
          .insertInto(table)
          .values(values.slice(i, i + 200) as never)
          .execute();
      }
    }
    const { title, body } = rows.search;
    if (this.dialect === 'postgres') {
      await sql`insert into report_search (report_id, title, body) values (${id}, ${title}, ${body})
        on conflict (report_id) do update set title = excluded.title, body = excluded.body`.execute(trx);
    } else {
      if (replace) await sql`delete from report_search where rowid = ${seq}`.execute(trx);
      await sql`insert into report_search (rowid, title, body) values (${seq}, ${title}, ${body})`.execute(
        trx,
      );
    }
    await trx.insertInto('report_revisions').values(rows.revision).execute();
    if (rows.audit) await trx.insertInto('audit_log').values(rows.audit).execute();
  }
}
