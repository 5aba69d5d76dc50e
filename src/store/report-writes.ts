import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError, eventsOfSave, type Report, staleVersion } from '../domain/index.js';
import type { Dialect, Store } from './database.js';
import type { Database, ReportFactsTable, ReportsTable } from './database.types.js';
import {
  columnsOf,
  newReportRow,
  saveRows,
  SIDE_TABLES,
  type SaveInfo,
  type SaveRows,
} from './report-rows.js';
import { withCompletion, withPublished, type StoredAction } from './report-index.js';
import { applyKept, applyKeptSqlite } from './insight-kept.js';
import { deliveriesFor, SUBSCRIBERS_SQL, type Subscriber } from './outbox-rows.js';

type Db = Kysely<Database> | Transaction<Database>;

interface Job {
  save: (s: SqliteSaves) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const now = () => new Date().toISOString();

/** The answer to a create that names an id some report holds, whichever report that is. */
const idNotAvailable = (id: string) =>
  new AppError('conflict', `the id ${id} is not available; leave the id out and the server chooses one`, [
    { path: ['id'], message: 'not available' },
  ]);

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

/** The PostgreSQL advisory lock creates take while choosing the next seq (an arbitrary constant). */
const SEQ_LOCK = 0x68696e64;

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
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;
  /** On SQLite, saves run as prepared statements on the connection (see SqliteSaves). */
  private readonly sqlite: SqliteSaves | undefined;

  constructor(
    store: Store,
    private readonly changed: () => void,
  ) {
    this.db = store.db;
    this.dialect = store.dialect;
    this.sqlite = store.sqlite ? new SqliteSaves(store.sqlite) : undefined;
  }

  /** Saves waiting for the next group commit (SQLite). */
  private queue: Job[] = [];

  /**
   * Run `save` on SQLite in the next group commit: the saves that arrive while one event-loop turn runs are
   * written in one transaction, each in its own savepoint (one that fails leaves the others be), and each is
   * answered only once that transaction has committed. One commit a batch instead of one a save: the commit
   * is most of a save's cost.
   */
  private onSqlite<T>(save: (s: SqliteSaves) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ save, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => void this.commitGroup());
    });
  }

  private async commitGroup(): Promise<void> {
    const jobs = this.queue;
    this.queue = [];
    const saves = this.sqlite!;
    let outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[];
    try {
      // The connection is taken through Kysely, so no Kysely transaction is open on it meanwhile.
      outcomes = await this.db.connection().execute(async () =>
        saves.group(() =>
          jobs.map((job) => {
            try {
              return { ok: true as const, value: job.save(saves) };
            } catch (error) {
              return { ok: false as const, error };
            }
          }),
        ),
      );
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    if (outcomes.some((o) => o.ok)) this.changed();
    outcomes.forEach((o, i) => (o.ok ? jobs[i]!.resolve(o.value) : jobs[i]!.reject(o.error)));
  }

  /** Store a new report as version 1 and record its first revision; the new row. */
  async create(id: string, report: Report, info: SaveInfo): Promise<ReportsTable> {
    const at = info.at ?? now();
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.sqlite) return await this.onSqlite((s) => s.create(id, report, info, at));
        const created = await this.db.transaction().execute(async (trx) => {
          // Creates take the next seq one at a time (on any instance): without the lock, concurrent ones read
          // the same max(seq) and all but one fail, again and again under load.
          await sql`select pg_advisory_xact_lock(${SEQ_LOCK})`.execute(trx);
          // One statement for both questions: is the id free, and which seq comes next.
          const { rows } = await sql<{ taken: string | null; seq: number | null }>`
            select (select id from reports where id = ${id}) as taken, (select max(seq) from reports) as seq`.execute(
            trx,
          );
          // One answer whatever holds the id (a report the caller reads, a deleted one, a restricted one they
          // are not a member of), from this one lookup: it must not tell a restricted report from a deleted one.
          if (rows[0]?.taken) throw idNotAvailable(id);
          const row = newReportRow(id, Number(rows[0]?.seq ?? 0) + 1, report, info, at);
          await trx.insertInto('reports').values(row).execute();
          await this.writeRows(trx, id, row.seq, saveRows(id, 1, report, info, at), false);
          await this.writeOutbox(trx, id, undefined, report, at);
          return row;
        });
        this.changed();
        return created;
      } catch (e) {
        // Another process may have taken the seq first (SQLite); the loser simply tries again.
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
    if (this.sqlite) return this.onSqlite((s) => s.update(id, expectedVersion, report, info, at, extra));
    const updated = await this.db.transaction().execute(async (trx) => {
      // The stored content, when anyone listens, to tell what this save changed (see writeOutbox).
      const subscribers = await this.subscribers(trx);
      const before =
        subscribers.length > 0
          ? await trx
              .selectFrom('reports')
              .select('content')
              .where('id', '=', id)
              .where('version', '=', expectedVersion)
              .executeTakeFirst()
          : undefined;
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
        withRound(saveRows(id, expectedVersion + 1, report, info, at), row.review_round),
        true,
      );
      if (before)
        await this.writeOutbox(trx, id, JSON.parse(before.content) as Report, report, at, subscribers);
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
      // A deleted report counts for nobody in the insights (memory.repository.ts reads `public`).
      const prev = await this.factsOf(trx, id);
      await trx.updateTable('report_facts').set({ public: 0 }).where('report_id', '=', id).execute();
      if (prev && (await this.keptTable(trx)))
        await applyKept(trx, this.dialect, prev, { ...prev, public: 0 });
      await trx.updateTable('insight_items').set({ public: 0 }).where('report_id', '=', id).execute();
      await bumpGeneration(trx);
      if (audit) await insertAudit(trx, id, userId, at, audit);
    });
    this.changed();
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
        const prev = await this.factsOf(trx, id);
        for (const table of ['report_facts', 'insight_items'])
          await sql`update ${sql.table(table)} set public = (select case when r.restricted = 0 then 1 else 0 end
            from reports r where r.id = ${id}) where report_id = ${id}`.execute(trx);
        if (prev && (await this.keptTable(trx)))
          await applyKept(trx, this.dialect, prev, await this.factsOf(trx, id));
        await bumpGeneration(trx);
        if (audit) await insertAudit(trx, id, userId, now(), audit);
      });
    } finally {
      this.changed();
    }
  }

  /**
   * Set once the schema of migration 2026-12-08-402 is seen (and so 401's kept tallies): a database behind it
   * saves without completion days and kept tallies, which the migrations fill when they run.
   */
  private keptReady = false;

  private async keptTable(trx: Db): Promise<boolean> {
    if (this.keptReady) return true;
    const { rows } = await (
      this.dialect === 'postgres'
        ? sql<{ ok: boolean }>`select to_regclass('insight_kept') is not null as ok`
        : sql<{
            ok: number;
          }>`select count(*) as ok from sqlite_master where type = 'table' and name = 'insight_kept'`
    ).execute(trx);
    this.keptReady = Boolean(rows[0]?.ok);
    return this.keptReady;
  }

  /** The facts row of a report, to tell what a deletion or restore changes in the kept tallies. */
  private async factsOf(trx: Db, id: string): Promise<ReportFactsTable | undefined> {
    return trx.selectFrom('report_facts').selectAll().where('report_id', '=', id).executeTakeFirst();
  }

  /** Set once the outbox tables are seen (a database one migration behind has none, and saves go on). */
  private outboxReady = false;

  private async subscribers(trx: Db): Promise<Subscriber[]> {
    if (!this.outboxReady) {
      // Asked without failing: on PostgreSQL a failed statement would end the whole transaction.
      const { rows } = await sql<{ ok: boolean }>`select to_regclass('webhooks') is not null as ok`.execute(
        trx,
      );
      if (!rows[0]?.ok) return [];
      this.outboxReady = true;
    }
    const { rows } = await sql<Subscriber>`${sql.raw(SUBSCRIBERS_SQL)}`.execute(trx);
    return rows;
  }

  /**
   * The outbox rows of a save, in its transaction: the events found by comparing the stored report with the
   * new one, one delivery per subscription that wants each. Nothing is read when nobody subscribes.
   */
  private async writeOutbox(
    trx: Db,
    id: string,
    before: Report | undefined,
    after: Report,
    at: string,
    known?: Subscriber[],
  ): Promise<void> {
    const subscribers = known ?? (await this.subscribers(trx));
    if (subscribers.length === 0) return;
    const restricted = after.visibility === 'restricted';
    const rows = deliveriesFor(eventsOfSave(id, before, after, at), subscribers, at, restricted);
    for (let i = 0; i < rows.length; i += 200)
      await trx
        .insertInto('outbox')
        .values(rows.slice(i, i + 200))
        .execute();
  }

  /** Write a save's rows inside the caller's transaction, replacing the side tables and search entry. */
  private async writeRows(trx: Db, id: string, seq: number, rows: SaveRows, replace: boolean) {
    const facts = rows.side.report_facts[0];
    let prev: ReportFactsTable | undefined;
    let moves = true;
    if (replace) {
      prev = await trx.selectFrom('report_facts').selectAll().where('report_id', '=', id).executeTakeFirst();
      if (facts?.published && prev?.published) withPublished(facts, prev.published);
      if (await this.keptTable(trx)) {
        const stored = (
          await sql<StoredAction>`select item_id, status, completed_on from action_items
            where report_id = ${id}`.execute(trx)
        ).rows;
        withCompletion(rows.side.action_items, facts, stored, rows.revision.created_at.slice(0, 10));
      }
      moves = figuresMove(prev, facts);
      if (moves) await bumpGeneration(trx);
      for (const table of SIDE_TABLES) await trx.deleteFrom(table).where('report_id', '=', id).execute();
    } else await bumpGeneration(trx);
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
    if (moves && (await this.keptTable(trx))) await applyKept(trx, this.dialect, prev, facts);
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
    if (rows.queued) {
      const { outbox, audit } = rows.queued;
      for (let i = 0; i < outbox.length; i += 200)
        await trx
          .insertInto('outbox')
          .values(outbox.slice(i, i + 200))
          .execute();
      await trx.insertInto('audit_log').values(audit).execute();
    }
  }
}

/**
 * Saves on SQLite as prepared statements, each in a transaction of its own (a savepoint inside a group's):
 * the same rows as the Kysely path (report-rows.ts) without building a dozen statements through the query
 * builder for each save.
 */
class SqliteSaves {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(private readonly sqlite: SQLite.Database) {}

  /** Run `saves` in one transaction, begun IMMEDIATE so that it never has to upgrade a read lock. */
  group<T>(saves: () => T): T {
    return this.sqlite.transaction(saves).immediate();
  }

  private stmt(text: string): SQLite.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) this.statements.set(text, (stmt = this.sqlite.prepare(text)));
    return stmt;
  }

  private insert(table: string, row: object) {
    const columns = Object.keys(row);
    this.stmt(
      `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    ).run(...Object.values(row));
  }

  /**
   * Rows of one table in as few statements as there are runs of a dozen (a report has two dozen keys): one
   * statement per row cost more in binding and stepping than the rows' own writes.
   */
  private insertAll(table: string, rows: readonly object[]) {
    let i = 0;
    while (i < rows.length) {
      // A run of rows with the same columns (each row's own, as `insert` takes them), at most a dozen.
      const columns = Object.keys(rows[i]!);
      const signature = columns.join(',');
      let end = i + 1;
      while (end < rows.length && end - i < 12 && Object.keys(rows[end]!).join(',') === signature) end++;
      const part = rows.slice(i, end);
      const one = `(${columns.map(() => '?').join(', ')})`;
      this.stmt(`insert into ${table} (${columns.join(', ')}) values ${part.map(() => one).join(', ')}`).run(
        ...part.flatMap((r) => Object.values(r) as unknown[]),
      );
      i = end;
    }
  }

  /**
   * Set once the schema of migration 2026-12-08-402 is seen (and so 401's kept tallies): a database behind it
   * saves without completion days and kept tallies, which the migrations fill when they run.
   */
  private keptReady = false;

  private keptTable(): boolean {
    if (!this.keptReady)
      this.keptReady = Boolean(
        this.sqlite
          .prepare("select 1 from sqlite_master where type = 'table' and name = 'insight_kept'")
          .get(),
      );
    return this.keptReady;
  }

  private writeRows(id: string, seq: number, rows: SaveRows, replace: boolean) {
    const facts = rows.side.report_facts[0];
    let prev: ReportFactsTable | undefined;
    let moves = true;
    if (replace) {
      // The first publication stays the one on record when a published report is saved again.
      prev = this.stmt('select * from report_facts where report_id = ?').get(id) as
        ReportFactsTable | undefined;
      if (facts?.published && prev?.published) withPublished(facts, prev.published);
      if (this.keptTable()) {
        const stored = this.stmt(
          'select item_id, status, completed_on from action_items where report_id = ?',
        ).all(id) as StoredAction[];
        withCompletion(rows.side.action_items, facts, stored, rows.revision.created_at.slice(0, 10));
      }
      moves = figuresMove(prev, facts);
      if (moves) this.stmt(BUMP_SQL).run();
      for (const table of SIDE_TABLES) this.stmt(`delete from ${table} where report_id = ?`).run(id);
      this.stmt('delete from report_search where rowid = ?').run(seq);
    }
    if (!replace) this.stmt(BUMP_SQL).run();
    for (const table of SIDE_TABLES) this.insertAll(table, rows.side[table]);
    if (moves && this.keptTable())
      applyKeptSqlite((text, params) => this.stmt(text).run(...params), prev, facts);
    this.insert('report_search', { rowid: seq, ...rows.search });
    this.insert('report_revisions', rows.revision);
    if (rows.audit) this.insert('audit_log', rows.audit);
    if (rows.queued) {
      for (const r of rows.queued.outbox) this.insert('outbox', r);
      this.insert('audit_log', rows.queued.audit);
    }
  }

  /** Set once the outbox tables are seen (a database one migration behind has none, and saves go on). */
  private outboxReady = false;

  private subscribers(): Subscriber[] {
    if (!this.outboxReady) {
      const found = this.sqlite
        .prepare("select 1 from sqlite_master where type = 'table' and name = 'webhooks'")
        .get();
      if (!found) return [];
      this.outboxReady = true;
    }
    return this.stmt(SUBSCRIBERS_SQL).all() as Subscriber[];
  }

  /** The outbox rows of a save (see ReportWrites.writeOutbox). */
  private writeOutbox(id: string, before: Report | undefined, after: Report, at: string) {
    const subscribers = this.subscribers();
    if (subscribers.length === 0) return;
    const restricted = after.visibility === 'restricted';
    for (const r of deliveriesFor(eventsOfSave(id, before, after, at), subscribers, at, restricted))
      this.insert('outbox', r);
  }

  create(id: string, report: Report, info: SaveInfo, at: string): ReportsTable {
    return this.sqlite.transaction(() => {
      const free = this.stmt(
        'select (select id from reports where id = ?) as taken, (select max(seq) from reports) as seq',
      ).get(id) as { taken: string | null; seq: number | null };
      if (free.taken) throw idNotAvailable(id);
      const row = newReportRow(id, Number(free.seq ?? 0) + 1, report, info, at);
      this.insert('reports', row);
      this.writeRows(id, row.seq, saveRows(id, 1, report, info, at), false);
      this.writeOutbox(id, undefined, report, at);
      return row;
    })();
  }

  update(
    id: string,
    expectedVersion: number,
    report: Report,
    info: SaveInfo,
    at: string,
    extra: { reviewRound?: number },
  ): ReportsTable {
    return this.sqlite.transaction(() => {
      const before = this.subscribers().length
        ? (this.stmt('select content from reports where id = ? and version = ?').get(id, expectedVersion) as
            { content: string } | undefined)
        : undefined;
      const set = {
        ...columnsOf(report),
        version: expectedVersion + 1,
        updated_by: info.userId,
        updated_at: at,
        ...(extra.reviewRound !== undefined ? { review_round: extra.reviewRound } : {}),
      };
      const row = this.stmt(
        `update reports set ${Object.keys(set)
          .map((c) => `${c} = ?`)
          .join(', ')} where id = ? and version = ? and deleted_at is null returning *`,
      ).get(...Object.values(set), id, expectedVersion) as ReportsTable | undefined;
      if (!row) {
        const current = this.stmt('select version, deleted_at from reports where id = ?').get(id) as
          { version: number; deleted_at: string | null } | undefined;
        if (!current || current.deleted_at) throw new AppError('not_found', `report ${id} does not exist`);
        throw staleVersion(id, expectedVersion, Number(current.version));
      }
      this.writeRows(
        id,
        Number(row.seq),
        withRound(saveRows(id, expectedVersion + 1, report, info, at), row.review_round),
        true,
      );
      if (before) this.writeOutbox(id, JSON.parse(before.content) as Report, report, at);
      return row;
    })();
  }
}

/** The save's rows with the report's review round in its facts row (the insights read it there). */
function withRound(rows: SaveRows, round: number): SaveRows {
  const facts = rows.side.report_facts[0];
  if (facts) facts.review_round = Number(round);
  return rows;
}

const BUMP_SQL = 'update insight_generation set n = n + 1 where id = 1';

/** Move the insights' generation (migration 2026-12-07-402) in the caller's transaction. */
async function bumpGeneration(trx: Db): Promise<void> {
  await sql`${sql.raw(BUMP_SQL)}`.execute(trx);
}

/**
 * Whether a save may move the figures: the report's facts row differs from the stored one in anything, or the
 * report is or was restricted (who may see it, its members, is not in the facts).
 */
function figuresMove(prev: ReportFactsTable | undefined, next: ReportFactsTable | undefined): boolean {
  if (!prev || !next) return prev !== next;
  if (Number(prev.public) !== 1 || Number(next.public) !== 1) return true;
  const norm = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return (Object.keys(next) as (keyof ReportFactsTable)[]).some((k) => norm(prev[k]) !== norm(next[k]));
}
