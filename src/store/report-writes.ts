import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { AppError, eventsOfSave, type Report, staleVersion } from '../domain/index.js';
import type { Dialect, Store } from './database.js';
import type {
  Database,
  OutboxTable,
  ReportFactsTable,
  ReportKeysTable,
  ReportsTable,
} from './database.types.js';
import {
  columnsOf,
  newReportRow,
  saveRows,
  SIDE_TABLES,
  type SaveInfo,
  type SaveRows,
} from './report-rows.js';
import { withCompletion, withPublished, type StoredAction } from './report-index.js';
import { applyKept, applyKeptSqlite, keptStatementsPg, type FactsChange } from './insight-kept.js';
import { deliveriesFor, SUBSCRIBERS_SQL, type Subscriber } from './outbox-rows.js';
import { CleanFailure, ids, insertAllSql, named, PgGroupCommit, WHEN_FIRST, type Write } from './pg-save.js';
import { KEY_INDEX, keyDocument, writeKeyChanges, type KeyChange } from './key-index.js';

type Db = Kysely<Database> | Transaction<Database>;

interface Job {
  save: (s: SqliteSaves) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A save of a group failed after it had written, or ended the group's transaction: the group is rolled back
 * (see ReportWrites.commitGroup).
 */
class GroupAborted extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super('a save ended the group commit');
  }
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
  private readonly committed: () => void;
  private readonly writesHeld: () => Promise<void> | undefined;

  constructor(
    store: Store,
    private readonly changed: () => void,
  ) {
    this.db = store.db;
    this.dialect = store.dialect;
    this.sqlite = store.sqlite ? new SqliteSaves(store.sqlite) : undefined;
    this.committed = store.committed?.bind(store) ?? (() => {});
    this.writesHeld = store.writesHeld?.bind(store) ?? (() => undefined);
    this.pgGroups = new PgGroupCommit<Database, GroupTail>(
      store.db,
      () => ({ facts: [], bump: 0 }),
      (trx, tail) => this.finishGroup(trx, tail),
      changed,
    );
  }

  /** On PostgreSQL, creates and updates go through group commits (see pg-save.ts). */
  private readonly pgGroups: PgGroupCommit<Database, GroupTail>;

  /**
   * The end of a group of saves on PostgreSQL: the generation moved by the saves that moved it, and the kept tallies by the change
   * of every facts row the group wrote (migration 2026-12-08-401), in one statement; then, only when a
   * duration left its bucket, that bucket's ends found again.
   */
  private async finishGroup(trx: Transaction<Database>, tail: GroupTail): Promise<void> {
    if (tail.bump === 0) return;
    const kept = (await this.keptTable(trx)) ? keptStatementsPg(tail.facts) : {};
    // The kept rows first, then a counter, as deletions and restores lock them: no two transactions wait on each
    // other's rows in opposite orders (the counter waits for the count of the kept rows' insert).
    await named(
      kept.upsert
        ? sql`with k as (${kept.upsert} returning 1)
          ${bumpSql(tail.bump, sql`(select count(*) from k) >= 0`)}`
        : bumpSql(tail.bump),
    ).execute(trx);
    if (kept.refind) await kept.refind.execute(trx);
  }

  /** Saves waiting for the next group commit (SQLite). */
  private queue: Job[] = [];

  /**
   * Run `save` on SQLite in the next group commit: the saves that arrive while one event-loop turn runs are
   * written in one transaction, one after another, and each is answered only once that transaction has
   * committed. One commit a batch instead of one a save: the commit is most of a save's cost. A save refused
   * before it writes (a stale version, a report gone, an id taken: an AppError, which SqliteSaves throws before
   * its first write; that nothing was written is checked) leaves the others be; one that fails after writing (a
   * constraint, a trigger, a full disk) has the group rolled back and the others written again without it. No
   * savepoint a save: each cost a copy of every page the save changed (its sub-journal) and a flush of FTS5's
   * pending entries.
   */
  private onSqlite<T>(save: (s: SqliteSaves) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ save, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => void this.commitGroup());
    });
  }

  private async commitGroup(): Promise<void> {
    // While the checkpointer holds new writes (a checkpoint copies the WAL's last frames, a few ms), the saves
    // wait here, not the event loop; those that arrive meanwhile join this group.
    for (let held = this.writesHeld(); held; held = this.writesHeld()) await held;
    let jobs = this.queue;
    this.queue = [];
    const saves = this.sqlite!;
    while (jobs.length > 0) {
      let outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[];
      try {
        // The connection is taken through Kysely, so no Kysely transaction is open on it meanwhile.
        outcomes = await this.db.connection().execute(async () =>
          saves.group(() =>
            jobs.map((job, index) => {
              const before = saves.changes();
              try {
                return { ok: true as const, value: job.save(saves) };
              } catch (error) {
                // A save that wrote part of itself, may have, or whose error ended the whole transaction (a
                // trigger's RAISE(ROLLBACK), a full disk, an I/O error), takes the group back with it.
                if (!(error instanceof AppError) || !saves.inTransaction() || saves.changes() !== before)
                  throw new GroupAborted(index, error);
                return { ok: false as const, error };
              }
            }),
          ),
        );
      } catch (error) {
        // The save that failed is refused; the others, none of them stored, run again in a new group (each round
        // takes one save out, so this ends).
        if (error instanceof GroupAborted) {
          jobs[error.index]!.reject(error.cause);
          jobs = jobs.filter((_, i) => i !== error.index);
          continue;
        }
        for (const job of jobs) job.reject(error);
        return;
      }
      this.committed();
      if (outcomes.some((o) => o.ok)) this.changed();
      outcomes.forEach((o, i) => (o.ok ? jobs[i]!.resolve(o.value) : jobs[i]!.reject(o.error)));
      return;
    }
  }

  /** Store a new report as version 1 and record its first revision; the new row. */
  async create(id: string, report: Report, info: SaveInfo): Promise<ReportsTable> {
    const at = info.at ?? now();
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.sqlite) return await this.onSqlite((s) => s.create(id, report, info, at));
        // In the next group commit (pg-save.ts), which calls `changed` once it has committed.
        return await this.pgGroups.run(async (trx, tail) => {
          // The next seq: from the sequence of migration 2026-12-08-501, taken without waiting on other
          // creates; on a database without it, the highest seq plus one, one create at a time (on any instance):
          // without the lock, concurrent ones read the same max(seq) and all but one fail, again and again.
          const sequence = await this.seqSequence(trx);
          if (!sequence) await sql`select pg_advisory_xact_lock(${SEQ_LOCK})`.execute(trx);
          const listeners = await this.subscribersSql(trx);
          // One statement: the row inserted unless its id is taken (by any report, deleted or not), with the next
          // seq; the side rows only then; and who listens (their outbox rows need the events, made here).
          // The report as JSON text once, for its row and its revision.
          const content = JSON.stringify(report);
          const row = newReportRow(id, 0, report, info, at, content);
          const columns = Object.keys(row).filter((c) => c !== 'seq');
          const cols = ids(columns);
          const next = sequence
            ? sql`nextval('reports_next_seq')`
            : sql`(select coalesce(max(seq), 0) + 1 from reports)`;
          const first = {
            statement: sql`insert into reports (seq, ${cols}) select ${next}, ${cols}
              from json_populate_record(null::reports, ${JSON.stringify(row)}::json)
              on conflict (id) do nothing returning seq`,
            select: sql`select (select seq from first) as seq, ${listeners ?? sql`null`} as subs`,
          };
          const saved = saveRows(id, 1, report, info, at, content);
          const { rows } = (await insertAllSql(this.saveWrites(id, saved, true), first)!.execute(trx)) as {
            rows: { seq: number | null; subs: Subscriber[] | null }[];
          };
          if (rows[0]?.seq == null) return new CleanFailure(idNotAvailable(id));
          this.toTail(tail, undefined, saved, true);
          const outbox = this.outboxRows(id, undefined, report, at, rows[0].subs ?? []);
          if (outbox.length > 0) await insertAllSql([{ table: 'outbox', rows: outbox }])!.execute(trx);
          return { ...row, seq: Number(rows[0].seq) };
        });
      } catch (e) {
        // Another process may have taken the seq first (SQLite), or written reports past the sequence (a bulk
        // load, an older release): the loser simply tries again, the sequence first moved past every seq stored.
        // Only ever forwards: seqs past the highest stored may be held by creates not yet committed.
        if (attempt < 5 && isUniqueViolation(e)) {
          if (this.dialect === 'postgres' && (await this.seqSequence(this.db)))
            await sql`select setval('reports_next_seq', m) from (select max(seq) as m from reports) x
              where m >= (select last_value from reports_next_seq)`.execute(this.db);
          continue;
        }
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
    // In the next group commit (pg-save.ts), which calls `changed` once it has committed.
    return this.pgGroups.run(async (trx, tail) => {
      const kept = await this.keptTable(trx);
      const listeners = await this.subscribersSql(trx);
      // The report as JSON text once, for its row and its revision.
      const content = JSON.stringify(report);
      const set: Partial<ReportsTable> = {
        ...columnsOf(report, content),
        version: expectedVersion + 1,
        updated_by: info.userId,
        updated_at: at,
        ...(extra.reviewRound !== undefined ? { review_round: extra.reviewRound } : {}),
      };
      const assignments = sql.join(
        Object.entries(set)
          .filter(([, v]) => v !== undefined)
          .map(([c, v]) => sql`${ids([c])} = ${v}`),
      );
      // One statement: the row updated if still at the version; and, as they stood before it (every part of a
      // statement sees one snapshot), the side rows (a table whose rows the save leaves as they are is not written
      // again, sameRows; the stored actions' states among them, whose completion days carry over, withCompletion),
      // the facts row, who listens, and when anyone does, the stored content (to tell what this save changed, see
      // outboxRows).
      // The facts row stays: writeRows sets it only where it differs (see there). It is read locked, so that a
      // change another transaction commits meanwhile (the quality scorer's) is the one read, not the snapshot's:
      // the kept tallies subtract what the row holds, not what it held when this statement began.
      const stored = sql.join(
        SIDES.map((t) => sql`(select json_agg(t) from ${ids([t])} t where t.report_id = ${id})`),
      );
      const { rows } = await named(sql<ReportsTable & StoredBefore>`with
        u as (update reports set ${assignments}
          where id = ${id} and version = ${expectedVersion} and deleted_at is null returning *)
        select u.*, json_build_array(${stored}) as sides_,
          (select row_to_json(f) from report_facts f where f.report_id = ${id} for update) as prev_,
          ${listeners ?? sql`null`} as subs_,
          ${
            listeners
              ? sql`case when exists (${sql.raw(SUBSCRIBERS_SQL)}) then
                  (select content from reports r where r.id = ${id}) end`
              : sql`null`
          } as before_
        from u`).execute(trx);
      if (!rows[0]) {
        try {
          return await this.failStale(trx, id, expectedVersion);
        } catch (error) {
          // Only its own answer (stale, gone): a failed statement has aborted the transaction, and going on would
          // fail the next save of the group for it, or have COMMIT roll the group back with no error at all.
          if (error instanceof AppError) return new CleanFailure(error);
          throw error;
        }
      }
      const { prev_: prev, subs_, before_, sides_, ...row } = rows[0];
      const saved = withRound(saveRows(id, expectedVersion + 1, report, info, at, content), row.review_round);
      // The stored actions' states and completion days, from the stored side rows read above.
      if (kept)
        withCompletion(
          saved.side.action_items,
          saved.side.report_facts[0],
          (sides_[SIDES.indexOf('action_items')] ?? []) as unknown as StoredAction[],
          saved.revision.created_at.slice(0, 10),
        );
      const outbox = before_
        ? this.outboxRows(id, JSON.parse(before_) as Report, report, at, subs_ ?? [])
        : [];
      // The first publication stays the one on record when a published report is saved again.
      const facts = saved.side.report_facts[0];
      if (facts?.published && prev?.published) withPublished(facts, prev.published);
      const unchanged = new Set(SIDES.filter((t, i) => sameRows(sides_[i] ?? [], saved.side[t])));
      await insertAllSql(this.saveWrites(id, saved, false, outbox, unchanged))!.execute(trx);
      this.toTail(tail, prev ?? undefined, saved, false);
      return row as ReportsTable;
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

  /** Whether the sequence of seqs is there (PostgreSQL, migration 2026-12-08-501); asked once it is. */
  private seqReady = false;

  private async seqSequence(db: Db): Promise<boolean> {
    if (!this.seqReady) {
      const { rows } = await sql<{
        ok: boolean;
      }>`select to_regclass('reports_next_seq') is not null as ok`.execute(db);
      this.seqReady = rows[0]?.ok === true;
    }
    return this.seqReady;
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

  /**
   * The subscribers as a JSON array, an expression for a save's first statement on PostgreSQL; undefined
   * while the outbox tables are not there.
   */
  private async subscribersSql(trx: Db): Promise<RawBuilder<Subscriber[] | null> | undefined> {
    if (!this.outboxReady) await this.subscribers(trx); // sets outboxReady when the tables are there
    if (!this.outboxReady) return undefined;
    return sql<Subscriber[] | null>`(select json_agg(s) from (${sql.raw(SUBSCRIBERS_SQL)}) s)`;
  }

  /**
   * The outbox rows of a save on PostgreSQL, for the statement writing its other rows: the events found by
   * comparing the stored report with the new one, one delivery per subscription that wants each.
   */
  private outboxRows(
    id: string,
    before: Report | undefined,
    after: Report,
    at: string,
    subscribers: Subscriber[],
  ): OutboxTable[] {
    if (subscribers.length === 0) return [];
    const restricted = after.visibility === 'restricted';
    return deliveriesFor(eventsOfSave(id, before, after, at), subscribers, at, restricted);
  }

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
   * A save's rows to write (PostgreSQL; SQLite saves go through SqliteSaves), for insertAllSql: with `created`, the
   * new report's side rows (its own row is the create's `first`); otherwise the rows of each side table but those
   * `unchanged` (whose stored rows are these already) deleted and inserted anew, and the facts row set where it
   * differs. Written, the save's change of the facts row goes to the group's tail (toTail).
   */
  private saveWrites(
    id: string,
    rows: SaveRows,
    created: boolean,
    outbox: OutboxTable[] = [],
    unchanged: ReadonlySet<string> = new Set(),
  ): Write[] {
    const facts = rows.side.report_facts[0];
    const { title, body } = rows.search;
    return [
      ...(created
        ? SIDE_TABLES.map((table): Write => ({ table, rows: rows.side[table] }))
        : SIDES.filter((t) => !unchanged.has(t)).flatMap((table): Write[] => [
            {
              name: `d_${table}`,
              statement: sql`delete from ${ids([table])} where report_id = ${id} returning 1`,
            },
            { table, rows: rows.side[table], after: `d_${table}` },
          ])),
      ...(!created && facts ? [{ statement: factsUpsertSql(facts) }] : []),
      // Left as it is when the prose is (a state, severity or action change): setting it again would parse the
      // prose into the document anew and rewrite its index entries.
      ...searchWrites(id, title, body, created),
      { table: 'report_revisions', rows: [rows.revision] },
      { table: 'audit_log', rows: [rows.audit, rows.queued?.audit].filter((a) => a !== undefined) },
      { table: 'outbox', rows: [...(rows.queued?.outbox ?? []), ...outbox] },
    ];
  }

  /** A written save's change of the facts row, left to the group's end (finishGroup) when it moves the figures. */
  private toTail(
    tail: GroupTail,
    prev: ReportFactsTable | undefined,
    rows: SaveRows,
    created: boolean,
  ): void {
    const facts = rows.side.report_facts[0];
    if (created || figuresMove(prev, facts)) {
      tail.bump += 1;
      tail.facts.push([prev, facts]);
    }
  }
}

/**
 * An update's facts row on PostgreSQL, set only when it differs from the stored one, and then as an update of
 * the row, not a delete and insert: its columns in a dozen partial indexes are mostly unchanged, so the new
 * version is often a heap-only tuple, no index entry written (the row's own columns are those of a fresh save,
 * as the side rows' delete and insert would give).
 */
function factsUpsertSql(facts: ReportFactsTable): RawBuilder<unknown> {
  const columns = Object.keys(facts).filter((c) => c !== 'report_id');
  const all = ids(['report_id', ...columns]);
  const excluded = ids(columns.map((c) => `excluded.${c}`));
  return sql`insert into report_facts (${all}) select ${all}
    from json_populate_recordset(null::report_facts, ${JSON.stringify([facts])}::json)
    on conflict (report_id) do update set (${ids(columns)}) = row(${excluded})
    where row(${ids(columns.map((c) => `report_facts.${c}`))}) is distinct from row(${excluded})`;
}

/**
 * A save's search entry on PostgreSQL. A create's goes in with its row. An update's is set only where its prose
 * differs, as an update, not an upsert: an insert ... on conflict works out the row it would insert (its generated
 * document, the prose parsed: most of the entry's cost) before it finds the row there, so that an upsert parsed the
 * prose twice when it changed and once for nothing when it did not (measured on 300 reports of the bench database,
 * 1.7 KB of prose on average: 0.59-1.03 against 0.38-0.53 ms an entry whose prose changed, 0.26-0.31 against
 * 0.024 ms one whose prose did not). The entry is inserted only when the report has none (each part of a statement
 * sees one snapshot: the update's change is not seen).
 */
function searchWrites(id: string, title: string, body: string, created: boolean): Write[] {
  if (created)
    return [
      {
        statement: sql`insert into report_search (report_id, title, body) select ${id}, ${title}, ${body}
          ${WHEN_FIRST}
          on conflict (report_id) do update set title = excluded.title, body = excluded.body
          where report_search.title <> excluded.title or report_search.body <> excluded.body`,
      },
    ];
  return [
    {
      statement: sql`update report_search set title = ${title}, body = ${body}
        where report_id = ${id} and (title <> ${title} or body <> ${body})`,
    },
    {
      statement: sql`insert into report_search (report_id, title, body) select ${id}, ${title}, ${body}
        where not exists (select 1 from report_search where report_id = ${id})`,
    },
  ];
}

/** The side tables an update on PostgreSQL brings to the save's rows (report_facts is set where it differs). */
const SIDES = SIDE_TABLES.filter((t) => t !== 'report_facts');

/**
 * Whether a report's stored rows of a side table (as PostgreSQL's json_agg gives them) are `next`, as multisets
 * over the columns `next` has (as the SQLite path's sideChanges compares them): an update then leaves the table
 * alone, so that a save which does not change its rows (a title edit changes none) does not delete and insert them
 * again, with their index entries. A table whose rows changed at all is written
 * again whole (by its key, a row that changed is a row deleted and another inserted anyway).
 */
function sameRows(stored: readonly Record<string, unknown>[], next: readonly object[]): boolean {
  if (stored.length !== next.length) return false;
  if (next.length === 0) return true;
  const columns = Object.keys(next[0]!);
  if (next.some((r) => Object.keys(r).join(',') !== columns.join(','))) return false;
  const line = (r: Record<string, unknown>) => JSON.stringify(columns.map((c) => normalized(r[c])));
  const have = stored.map(line).sort();
  const want = next.map((r) => line(r as Record<string, unknown>)).sort();
  return have.every((l, i) => l === want[i]);
}

/** What a group of saves on PostgreSQL leaves to its end: the facts rows' changes, and whether any moved. */
interface GroupTail {
  facts: FactsChange[];
  /** How many of its saves move the insights' generation. */
  bump: number;
}

/** What an update's statement read as it stood before (PostgreSQL; see ReportWrites.update). */
interface StoredBefore {
  /** The stored rows of each of SIDES, in its order (null: none). */
  sides_: (Record<string, unknown>[] | null)[];
  prev_: ReportFactsTable | null;
  subs_: Subscriber[] | null;
  before_: string | null;
}

/**
 * Saves on SQLite as prepared statements, in a group's transaction (or one of their own):
 * the same rows as the Kysely path (report-rows.ts) without building a dozen statements through the query
 * builder for each save.
 */
class SqliteSaves {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(private readonly sqlite: SQLite.Database) {}

  /**
   * What the saves of the open group that succeeded leave to its end: their facts rows' changes, applied to
   * the kept tallies summed (one statement a key, not a dozen a save), and how far the insights' generation
   * moves (one statement a group, by one a save that moves it). Undefined outside a group.
   */
  private groupEnd: GroupEnd | undefined;

  /** What the save being written leaves to the group's end, kept only if it succeeds. */
  private saveEnd: GroupEnd | undefined;

  /** Run `saves` in one transaction, begun IMMEDIATE so that it never has to upgrade a read lock. */
  group<T>(saves: () => T): T {
    return this.sqlite
      .transaction(() => {
        const end: GroupEnd = { moves: [], bump: 0, search: new Map(), keys: [] };
        this.groupEnd = end;
        try {
          const out = saves();
          this.finish(end);
          return out;
        } finally {
          this.groupEnd = undefined;
          this.groupSubscribers = undefined;
        }
      })
      .immediate();
  }

  /**
   * One save, in the open group's transaction (with no savepoint: a failing save has the group rolled back, see
   * ReportWrites.commitGroup), or else in a transaction of its own. Its group-end work joins the group's.
   */
  private save<T>(write: () => T): T {
    const end: GroupEnd = { moves: [], bump: 0, search: new Map(), keys: [] };
    this.saveEnd = end;
    try {
      if (!this.groupEnd)
        return this.sqlite.transaction(() => {
          const alone = write();
          this.finish(end);
          return alone;
        })();
      const out = write();
      this.groupEnd.moves.push(...end.moves);
      this.groupEnd.bump += end.bump;
      for (const [seq, entry] of end.search) this.groupEnd.search.set(seq, entry);
      this.groupEnd.keys.push(...end.keys);
      return out;
    } finally {
      this.saveEnd = undefined;
    }
  }

  private finish(end: GroupEnd) {
    if (end.bump > 0) this.stmt(BUMP_SQL).run(end.bump);
    if (end.moves.length > 0 && this.keptTable())
      applyKeptSqlite(
        {
          run: (text, params) => this.stmt(text).run(...params),
          get: (text, params) => this.stmt(text).get(...params),
        },
        end.moves,
      );
    // Last: a statement of its own journal opens a savepoint, which would flush the entries (see writeSearch).
    this.writeSearch(end.search);
    writeKeyChanges((text, params) => this.stmt(text).run(...params), end.keys);
  }

  /** Rows written on the connection so far (triggers' included): tells whether a failed save wrote any. */
  changes(): number {
    return Number(this.stmt('select total_changes()').pluck().get());
  }

  /** Whether a transaction is open on the connection (an error may have rolled the group's back). */
  inTransaction(): boolean {
    return this.sqlite.inTransaction;
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

  /** Set once the key index of migration 2026-12-12-101 is seen: saves keep it in step from then on. */
  private keyIndexSeen = false;

  private keyIndex(): boolean {
    if (!this.keyIndexSeen)
      this.keyIndexSeen = Boolean(
        this.sqlite.prepare('select 1 from sqlite_master where name = ?').get(KEY_INDEX),
      );
    return this.keyIndexSeen;
  }

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
      // The stored actions, read once: their completion days, then what the save changes in them.
      const actions = this.storedSide('action_items', id);
      if (this.keptTable())
        withCompletion(
          rows.side.action_items,
          facts,
          actions as unknown as StoredAction[],
          rows.revision.created_at.slice(0, 10),
        );
      moves = figuresMove(prev, facts);
      // The stored keys, read once: what the key index holds for the report (see writeKeyChanges).
      const keys = this.storedSide('report_keys', id);
      // Only what the edit changed is written: every row and index entry left alone is a page not rewritten.
      this.replaceFacts(id, prev, facts);
      for (const table of SIDE_TABLES)
        if (table !== 'report_facts' && table !== 'report_keys')
          this.replaceSide(table, id, rows.side[table], table === 'action_items' ? actions : undefined);
      // The key index's document is written again only when the rows it is made of (keys, start) changed.
      if (this.replaceSide('report_keys', id, rows.side.report_keys, keys) && this.keyIndex())
        this.saveEnd!.keys.push([
          keyDocument(seq, keys as unknown as ReportKeysTable[]),
          keyDocument(seq, rows.side.report_keys),
        ]);
      this.saveEnd!.search.set(seq, { ...rows.search, created: false });
    } else {
      for (const table of SIDE_TABLES) this.insertAll(table, rows.side[table]);
      this.saveEnd!.search.set(seq, { ...rows.search, created: true });
      if (this.keyIndex()) this.saveEnd!.keys.push([undefined, keyDocument(seq, rows.side.report_keys)]);
    }
    // The generation and the kept tallies move at the end of the group, once for all its saves.
    if (moves) {
      this.saveEnd!.bump = 1;
      this.saveEnd!.moves.push([prev, facts]);
    }
    this.insert('report_revisions', rows.revision);
    if (rows.audit) this.insert('audit_log', rows.audit);
    if (rows.queued) {
      for (const r of rows.queued.outbox) this.insert('outbox', r);
      this.insert('audit_log', rows.queued.audit);
    }
  }

  /**
   * The search entries of a group's saves, written at its end, after every other write: FTS5 writes the entries
   * it holds as a segment of its index whenever a savepoint opens (a save's savepoint, and the statement journal
   * of any statement that may write several rows), so entries written in each save made one segment a save (and
   * the merges of all those segments); written last, the group's entries go out as one segment at its commit.
   * An update's entry is left as it is when its title and prose are (the index is not rewritten for a change of
   * state or of an action).
   */
  private writeSearch(entries: Map<number, SearchEntry>) {
    if (entries.size === 0) return;
    // The stored entries first, then the writes: no read of the table between writes.
    const writes: [number, SearchEntry, boolean][] = [];
    for (const [seq, entry] of entries) {
      if (entry.created) {
        writes.push([seq, entry, false]);
        continue;
      }
      const stored = this.stmt('select title, body from report_search where rowid = ?').get(seq) as
        { title: string; body: string } | undefined;
      if (!stored || stored.title !== entry.title || stored.body !== entry.body)
        writes.push([seq, entry, stored !== undefined]);
    }
    for (const [seq, entry, stored] of writes) {
      if (stored) this.stmt('delete from report_search where rowid = ?').run(seq);
      this.insert('report_search', { rowid: seq, title: entry.title, body: entry.body });
    }
  }

  /** The facts row brought to `next` by setting only the columns that differ (an index on none is left alone). */
  private replaceFacts(id: string, prev: ReportFactsTable | undefined, next: ReportFactsTable | undefined) {
    if (!next) {
      if (prev) this.stmt('delete from report_facts where report_id = ?').run(id);
      return;
    }
    if (!prev) return this.insert('report_facts', next);
    const changed = changedColumns(prev, next);
    if (changed.length === 0) return;
    this.stmt(`update report_facts set ${changed.map((c) => `${c} = ?`).join(', ')} where report_id = ?`).run(
      ...changed.map((c) => next[c]),
      id,
    );
  }

  /**
   * A side table's rows of a report brought to `next`: the stored rows equal to a new one (every column) stay,
   * the others are deleted, and the new rows no stored one matched are inserted. Whether any row changed.
   */
  private replaceSide(
    table: string,
    id: string,
    next: readonly object[],
    stored: readonly Record<string, unknown>[] = this.storedSide(table, id),
  ): boolean {
    const { gone, inserts } = sideChanges(stored, next);
    for (let i = 0; i < gone.length; i += 100) {
      const part = gone.slice(i, i + 100);
      this.stmt(`delete from ${table} where rowid in (${part.map(() => '?').join(', ')})`).run(...part);
    }
    this.insertAll(table, inserts);
    return gone.length > 0 || inserts.length > 0;
  }

  /** A report's stored rows of a side table, each with its rowid as `handle_`. */
  private storedSide(table: string, id: string): Record<string, unknown>[] {
    return this.stmt(`select rowid as handle_, * from ${table} where report_id = ?`).all(id) as Record<
      string,
      unknown
    >[];
  }

  /** Set once the outbox tables are seen (a database one migration behind has none, and saves go on). */
  private outboxReady = false;

  /**
   * The subscribers as the open group's transaction reads them: read at its first save that asks, not at every
   * save (no save writes webhooks, and no other connection can while the group holds the write lock).
   */
  private groupSubscribers: Subscriber[] | undefined;

  private subscribers(): Subscriber[] {
    if (!this.outboxReady) {
      const found = this.sqlite
        .prepare("select 1 from sqlite_master where type = 'table' and name = 'webhooks'")
        .get();
      if (!found) return [];
      this.outboxReady = true;
    }
    if (this.groupSubscribers) return this.groupSubscribers;
    const subscribers = this.stmt(SUBSCRIBERS_SQL).all() as Subscriber[];
    if (this.groupEnd) this.groupSubscribers = subscribers;
    return subscribers;
  }

  /** The outbox rows of a save (see ReportWrites.outboxRows). */
  private writeOutbox(id: string, before: Report | undefined, after: Report, at: string) {
    const subscribers = this.subscribers();
    if (subscribers.length === 0) return;
    const restricted = after.visibility === 'restricted';
    for (const r of deliveriesFor(eventsOfSave(id, before, after, at), subscribers, at, restricted))
      this.insert('outbox', r);
  }

  create(id: string, report: Report, info: SaveInfo, at: string): ReportsTable {
    return this.save(() => {
      const free = this.stmt(
        'select (select id from reports where id = ?) as taken, (select max(seq) from reports) as seq',
      ).get(id) as { taken: string | null; seq: number | null };
      if (free.taken) throw idNotAvailable(id);
      // The report as JSON text once, for its row and its revision.
      const content = JSON.stringify(report);
      const row = newReportRow(id, Number(free.seq ?? 0) + 1, report, info, at, content);
      this.insert('reports', row);
      this.writeRows(id, row.seq, saveRows(id, 1, report, info, at, content), false);
      this.writeOutbox(id, undefined, report, at);
      return row;
    });
  }

  update(
    id: string,
    expectedVersion: number,
    report: Report,
    info: SaveInfo,
    at: string,
    extra: { reviewRound?: number },
  ): ReportsTable {
    return this.save(() => {
      // The stored row first (the same page the update then writes): the columns the edit leaves as they are
      // stay out of the update, and the indexes on them are not rewritten (SQLite rewrites an index entry
      // whenever a column of it is set, to the same value or not).
      const stored = this.stmt(
        `select ${KEPT_COLUMNS.join(', ')} from reports where id = ? and version = ? and deleted_at is null`,
      ).get(id, expectedVersion) as Pick<ReportsTable, (typeof KEPT_COLUMNS)[number]> | undefined;
      // The report as JSON text once, for its row and its revision.
      const content = JSON.stringify(report);
      const wanted: Partial<ReportsTable> = {
        ...columnsOf(report, content),
        ...(extra.reviewRound !== undefined ? { review_round: extra.reviewRound } : {}),
      };
      const set: Partial<ReportsTable> = {
        version: expectedVersion + 1,
        updated_by: info.userId,
        updated_at: at,
      };
      for (const [c, v] of Object.entries(wanted) as [keyof ReportsTable, unknown][])
        if (!stored || !(c in stored) || !sameValue(stored[c as (typeof KEPT_COLUMNS)[number]], v))
          (set as Record<string, unknown>)[c] = v;
      const before =
        stored && this.subscribers().length
          ? (this.stmt('select content from reports where id = ?').get(id) as { content: string })
          : undefined;
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
        withRound(saveRows(id, expectedVersion + 1, report, info, at, content), row.review_round),
        true,
      );
      if (before) this.writeOutbox(id, JSON.parse(before.content) as Report, report, at);
      return row;
    });
  }
}

/** What a group's saves leave to its end (see SqliteSaves.groupEnd). */
interface GroupEnd {
  moves: [prev: ReportFactsTable | undefined, next: ReportFactsTable | undefined][];
  /** How many saves move the generation: it moves by that many, in one statement. */
  bump: number;
  /** The search entry of each report saved, by seq (the last save of a report wins; see writeSearch). */
  search: Map<number, SearchEntry>;
  /** The changes of the saves to the key index, in order (key-index.ts). */
  keys: KeyChange[];
}

/** A saved report's search entry; `created` when its report is new (no stored entry to compare with). */
interface SearchEntry {
  title: string;
  body: string;
  created: boolean;
}

/** The save's rows with the report's review round in its facts row (the insights read it there). */
function withRound(rows: SaveRows, round: number): SaveRows {
  const facts = rows.side.report_facts[0];
  if (facts) facts.review_round = Number(round);
  return rows;
}

/** The columns of a report's row an update compares with the stored ones before setting them. */
const KEPT_COLUMNS = [
  'title',
  'kind',
  'state',
  'severity',
  'restricted',
  'period_start',
  'review_round',
] as const;

const BUMP_SQL = 'update insight_generation set n = n + ? where id = 1';

/** A column value as SQLite gives it back, for comparing a stored row with a new one (3 and 3.0 are one). */
const normalized = (v: unknown) => (v === null || v === undefined ? null : String(v));

const sameValue = (a: unknown, b: unknown) => normalized(a) === normalized(b);

/** The columns of a facts row that differ from the stored one. */
const changedColumns = (prev: ReportFactsTable, next: ReportFactsTable) =>
  (Object.keys(next) as (keyof ReportFactsTable)[]).filter(
    (k) => k !== 'report_id' && !sameValue(prev[k], next[k]),
  );

/**
 * What brings a report's stored rows of a side table to `next`: the stored rows equal to a new one (in every
 * column the new rows have) stay, the others go (by `handle_`: SQLite's rowid, PostgreSQL's ctid), and the new
 * rows no stored one matched are inserted. Rows of differing shapes are all replaced.
 */
function sideChanges(
  stored: readonly Record<string, unknown>[],
  next: readonly object[],
): { gone: unknown[]; inserts: object[] } {
  const columns = next.length ? Object.keys(next[0]!) : [];
  const sameShape = next.every((r) => {
    const keys = Object.keys(r);
    return keys.length === columns.length && keys.every((k, i) => k === columns[i]);
  });
  if (!sameShape) return { gone: stored.map((r) => r.handle_), inserts: [...next] };
  // The common case first (an edit leaves most side tables as they are): the stored rows, in the order they were
  // inserted (their rowids), are the new ones row by row; then nothing changes, and no row needs its key.
  if (stored.length === next.length) {
    const inserted = [...stored].sort((a, b) => Number(a.handle_) - Number(b.handle_));
    const same = inserted.every((row, i) => {
      const want = next[i] as Record<string, unknown>;
      return columns.every((c) => sameValue(row[c], want[c]));
    });
    if (same) return { gone: [], inserts: [] };
  }
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(columns.map((c) => normalized(row[c])));
  const kept = new Map<string, unknown[]>();
  for (const row of stored) {
    const k = keyOf(row);
    const handles = kept.get(k);
    if (handles) handles.push(row.handle_);
    else kept.set(k, [row.handle_]);
  }
  const inserts: object[] = [];
  for (const row of next) {
    const handles = kept.get(keyOf(row as Record<string, unknown>));
    if (handles?.length) handles.pop();
    else inserts.push(row);
  }
  return { gone: [...kept.values()].flat(), inserts };
}

/** Move the insights' generation (migration 2026-12-07-402) in the caller's transaction. */
async function bumpGeneration(trx: Db): Promise<void> {
  await bumpSql().execute(trx);
}

/**
 * The statement moving the generation through the Kysely path: one of its counters, drawn at random (the
 * generation is their sum, migration 2026-12-08-501), so that concurrent saves on PostgreSQL seldom wait on
 * one row lock; the first counter on a database without the others.
 */
function bumpSql(by = 1, after: RawBuilder<unknown> = sql`true`) {
  const slot = 1 + Math.floor(Math.random() * GENERATION_SLOTS);
  return sql`update insight_generation set n = n + ${by}
    where id = (select max(id) from insight_generation where id <= ${slot}) and ${after}`;
}

const GENERATION_SLOTS = 16;

/**
 * Whether a save may move the figures: the report's facts row differs from the stored one in anything, or the
 * report is or was restricted (who may see it, its members, is not in the facts).
 */
function figuresMove(prev: ReportFactsTable | undefined, next: ReportFactsTable | undefined): boolean {
  if (!prev || !next) return prev !== next;
  if (Number(prev.public) !== 1 || Number(next.public) !== 1) return true;
  return (Object.keys(next) as (keyof ReportFactsTable)[]).some((k) => !sameValue(prev[k], next[k]));
}
