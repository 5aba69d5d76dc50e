import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ONE_PLAN, failedAsNamed } from './database.js';

/**
 * A report save on PostgreSQL in few round trips. Written one statement per table (and one per side table
 * to empty it), a save cost two dozen round trips, each a wait on the database while the save's locks (the
 * next seq, the insights' generation) were held. Here every table's rows go in one statement: a
 * data-modifying CTE per table, each reading its rows from one JSON parameter (json_populate_recordset, so
 * each column takes its table's type), and the side tables are emptied in one statement too. The rows are
 * the same as report-rows.ts gives the SQLite path.
 */

/**
 * One table's rows to insert (`after` the statement of that name has run to its end: a delete of the rows they
 * replace), or a statement of its own (an upsert, an update, a delete), `name`d for the writes that follow it.
 */
export type Write =
  | { table: string; rows: readonly object[]; after?: string }
  | { statement: RawBuilder<unknown>; name?: string };

/**
 * A save's statement, named on PostgreSQL (ONE_PLAN, see StatementNames in database.ts): parsed and planned once
 * per connection, not at every save. Its plan (rows inserted from a parameter, rows found by their key) is the same
 * whatever its values, and its text is the same from one save to the next (the values are parameters, the columns
 * and tables those of the rows' shape). Measured on 20,000 reports, 20 saves at once in process: the backends'
 * CPU per save went from 2.5-2.8 to 1.7-2.3 ms for a create and from 3.6-3.8 to 2.6-2.7 ms for an update.
 */
export const named = <T>(statement: RawBuilder<T>): RawBuilder<T> => sql<T>`${sql.raw(ONE_PLAN)}${statement}`;

/** The lists made so far (see ids). */
const idLists = new Map<string, RawBuilder<unknown>>();

/**
 * `names` (columns, tables; `alias.column`) as a list of quoted identifiers, made once per list: a save names the
 * same tables and columns every time, and references built anew for each save (a node for every name, walked by
 * the query compiler) cost more of our CPU than the rest of the statement's making.
 */
export function ids(names: readonly string[]): RawBuilder<unknown> {
  const key = names.join('\u0000');
  let list = idLists.get(key);
  if (!list) {
    if (idLists.size >= 1_000) idLists.clear();
    list = sql.raw(
      names
        .map((n) =>
          n
            .split('.')
            .map((p) => `"${p.replace(/"/g, '""')}"`)
            .join('.'),
        )
        .join(', '),
    );
    idLists.set(key, list);
  }
  return list;
}

/**
 * Makes a statement of `writes` write only when the `first` statement of insertAllSql returned a row.
 */
export const WHEN_FIRST = sql`where exists (select 1 from first)`;

/**
 * One statement inserting every row of `writes`; undefined when there is nothing to write. Rows with the same
 * columns (those whose value is not undefined, as the query builder takes them) go in one CTE, so a column left
 * out keeps its default. Constraints are checked as each row goes in, foreign keys at the statement's end (a
 * report's row and its side rows may be written together).
 *
 * With `first`, its statement runs first (the CTE `first`), the rows of `writes` are written only when it returned
 * a row (a `statement` of `writes` must say so itself, with WHEN_FIRST), and the statement returns `first.select`
 * (which may read `first`): a create's row inserted unless its id is taken, and its side rows with it, in one
 * round trip.
 */
export function insertAllSql(
  writes: readonly Write[],
  first?: { statement: RawBuilder<unknown>; select: RawBuilder<unknown> },
): RawBuilder<unknown> | undefined {
  const parts: RawBuilder<unknown>[] = [];
  /** The CTE names of `parts` their writes gave (the others are w0, w1...). */
  const names = new Map<number, string>();
  const when = first ? WHEN_FIRST : sql``;
  for (const w of writes) {
    if ('statement' in w) {
      if (w.name) names.set(parts.length, w.name);
      parts.push(w.statement);
      continue;
    }
    // The parts of one statement see one snapshot and run in no set order, but the rows an insert reads wait for the
    // count of all that `after` returned: the rows it deleted are gone when these go in (their keys are free).
    const after = w.after
      ? sql`${first ? sql`and` : sql`where`} (select count(*) from ${ids([w.after])}) >= 0`
      : sql``;
    const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
    for (const row of w.rows) {
      const defined = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
      const columns = Object.keys(defined);
      const key = columns.join(',');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { columns, rows: [] }));
      g.rows.push(defined);
    }
    for (const { columns, rows } of groups.values()) {
      const [cols, table] = [ids(columns), ids([w.table])];
      parts.push(
        sql`insert into ${table} (${cols}) select ${cols}
          from json_populate_recordset(null::${table}, ${JSON.stringify(rows)}::json) ${when} ${after}`,
      );
    }
  }
  const ctes = () => parts.map((p, i) => sql`${sql.raw(names.get(i) ?? `w${i}`)} as (${p})`);
  if (first)
    return named(sql`with ${sql.join([sql`first as (${first.statement})`, ...ctes()])} ${first.select}`);
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && names.size === 0) return named(parts[0]!);
  // Every data-modifying CTE runs to completion whether or not the main query reads it.
  return named(sql`with ${sql.join(ctes())} select 1`);
}

/**
 * What a save in a group gives back when it fails before writing anything (a stale version, an id taken): it
 * is answered with `error` and the others of its group go on in the same transaction.
 */
export class CleanFailure {
  constructor(readonly error: unknown) {}
}

interface GroupJob<DB, Tail> {
  save: (trx: Kysely<DB>, tail: Tail) => Promise<unknown>;
  /** What the save writes (a report's id): saves of one key in a group are written one after another. */
  key: string | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** PostgreSQL's codes for a transaction that may succeed when run again: a deadlock, a serialization failure. */
const RETRIABLE = new Set(['40P01', '40001']);

/** PostgreSQL's code for a statement refused because an earlier one of its transaction failed. */
const ABORTED = '25P02';

/**
 * The tries counted so far if a failed transaction is to be run again, else undefined: a deadlock or a
 * serialization failure, counted, `tries` times at most; and, uncounted, one that failed by a named statement the
 * server could not run as prepared (its table changed shape, 0A000; no longer held, 26000): that statement runs
 * unnamed from then on (StatementNames in database.ts), so each such failure is a statement fewer that can fail
 * so, and a group of saves whose five named statements the server has all forgotten (a DEALLOCATE) is written at
 * the sixth try.
 */
export function triesAfter(error: unknown, retries: number, tries: number): number | undefined {
  if (failedAsNamed(error)) return retries;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && RETRIABLE.has(code) && retries < tries ? retries + 1 : undefined;
}

/** A connection in pipeline mode (Store.pipelined): see PgGroupCommit. */
export type Pipelined<DB> = <T>(
  work: (
    db: Kysely<DB>,
    send: (text: string, values?: readonly unknown[]) => Promise<{ command: string }>,
  ) => Promise<T>,
) => Promise<T>;

/**
 * A group's transaction failed: by the saves in `thrown` (each refused alone with its error; `cause` is the first
 * of them), or, with none, by BEGIN, the tail or COMMIT (`cause`).
 */
class GroupFailed<J> extends Error {
  constructor(
    override readonly cause: unknown,
    readonly thrown: ReadonlyMap<J, unknown> = new Map(),
  ) {
    super('a group of saves failed');
  }
}

const codeOf = (error: unknown) => (error as { code?: unknown } | null | undefined)?.code;

/**
 * Group commit on PostgreSQL, as SQLite's saves have it (report-writes.ts): the saves that arrive while the
 * groups under way are written wait for the next, and each group is one transaction on one connection, each save
 * answered once the group has committed. A few groups are written at once (`inFlight`), so that one's round trips
 * overlap another's. One BEGIN and one COMMIT (and its WAL flush) a group instead of a save; and what every save
 * touches (the kept insight tallies of a quarter, the generation counters) is gathered by the saves into the
 * group's `Tail` and its statements, given by `finish`, are written once just before the commit.
 *
 * With `pipelined` (Store.pipelined), the connection is in pipeline mode: BEGIN and every save's first statement
 * go out together, the saves written side by side (each save's statements still in its own order, and saves of
 * one group are of different reports or see each other as the server runs them), and the tail's statements and
 * COMMIT together. A group of creates is then two round trips instead of one a save and three more: under load
 * each round trip waited on the event loop and for a core, and the tail's rows, locked from its statement to the
 * commit, were held across one, so that the groups' tails queued on each other (measured: 20 clients, 3 groups at
 * once, 30-40 ms a round trip, groups of 3-4 saves). Without it (a Store without pipelining), the saves run one
 * after another in a Kysely transaction.
 *
 * A save that fails: when it wrote nothing it returns a CleanFailure and is answered with its error, the group
 * going on; when it throws (a statement failed, and with it the transaction; the statements of other saves that
 * came after it fail as refused, 25P02, and are not theirs to answer for), the group is rolled back, it is
 * answered with its error, and the others are written again as a group without it. A deadlock, a serialization
 * failure retries the whole group, up to three times; a named statement the server could not run retries it
 * without counting (triesAfter).
 */
export class PgGroupCommit<DB, Tail> {
  private queue: GroupJob<DB, Tail>[] = [];
  private running = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly tail: () => Tail,
    /** The statements that write a group's tail, run in order after its saves. */
    private readonly finish: (trx: Kysely<DB>, tail: Tail) => Promise<RawBuilder<unknown>[]>,
    private readonly committed: () => void,
    private readonly options: { maxGroup?: number; inFlight?: number; pipelined?: Pipelined<DB> } = {},
  ) {}

  /**
   * Write `save` in the next group; `key` names what it writes (a report's id): a save reads what it replaces, so
   * a second save of the same report in a group runs once the first has written.
   */
  run<T>(save: (trx: Kysely<DB>, tail: Tail) => Promise<T | CleanFailure>, key?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ save, key, resolve: resolve as (v: unknown) => void, reject });
      if (this.running < (this.options.inFlight ?? 3)) {
        this.running++;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.group(this.queue.splice(0, this.options.maxGroup ?? 32));
    } finally {
      this.running--;
    }
  }

  private async group(jobs: GroupJob<DB, Tail>[]): Promise<void> {
    let pending = jobs;
    for (let retries = 0; pending.length > 0;) {
      let outcomes: { job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[] = [];
      try {
        outcomes = await this.transaction(pending, (o) => (outcomes = o));
      } catch (e) {
        const failed: GroupFailed<GroupJob<DB, Tail>> =
          e instanceof GroupFailed ? (e as GroupFailed<GroupJob<DB, Tail>>) : new GroupFailed(e);
        const error = failed.cause;
        const again = [error, ...failed.thrown.values()]
          .map((err) => triesAfter(err, retries, 3))
          .find((n) => n !== undefined);
        if (again !== undefined) {
          retries = again;
          continue;
        }
        if (failed.thrown.size > 0) {
          for (const [job, err] of failed.thrown) job.reject(err);
          pending = pending.filter((j) => !failed.thrown.has(j));
          continue;
        }
        // BEGIN, the tail or COMMIT failed: no save of the group is written. Those that failed alone keep their
        // own error.
        const own = new Map(outcomes.filter((o) => !o.ok).map((o) => [o.job, o.value]));
        for (const job of pending) job.reject(own.has(job) ? own.get(job) : error);
        return;
      }
      if (outcomes.some((o) => o.ok)) this.committed();
      for (const o of outcomes) (o.ok ? o.job.resolve : o.job.reject)(o.value);
      return;
    }
  }

  /**
   * The group's transaction: its saves, then (when any wrote) the tail's statements, then COMMIT; the saves'
   * outcomes, also handed to `report` once known (a failure after them keeps the errors of those that failed
   * alone). Throws GroupFailed.
   */
  private async transaction(
    pending: GroupJob<DB, Tail>[],
    report: (outcomes: { job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[]) => void,
  ): Promise<{ job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[]> {
    const outcome = (job: GroupJob<DB, Tail>, value: unknown) =>
      value instanceof CleanFailure ? { job, ok: false, value: value.error } : { job, ok: true, value };
    const pipelined = this.options.pipelined;
    if (!pipelined) {
      const outcomes: { job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[] = [];
      report(outcomes);
      await this.db.transaction().execute(async (trx) => {
        const tail = this.tail();
        for (const job of pending) {
          let value: unknown;
          try {
            value = await job.save(trx, tail);
          } catch (error) {
            throw new GroupFailed(error, new Map([[job, error]]));
          }
          outcomes.push(outcome(job, value));
        }
        if (outcomes.some((o) => o.ok)) for (const s of await this.finish(trx, tail)) await s.execute(trx);
      });
      return outcomes;
    }
    return pipelined(async (db, send) => {
      try {
        return await this.pipelinedGroup(pending, report, db, send);
      } catch (error) {
        // Whatever failed, the transaction ends here, not on the connection given back to the pool.
        await send('rollback').catch(() => {});
        throw error;
      }
    });
  }

  /** The group's transaction on a pipelined connection (see transaction). */
  private async pipelinedGroup(
    pending: GroupJob<DB, Tail>[],
    report: (outcomes: { job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[]) => void,
    db: Kysely<DB>,
    send: (text: string, values?: readonly unknown[]) => Promise<{ command: string }>,
  ): Promise<{ job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[]> {
    const outcome = (job: GroupJob<DB, Tail>, value: unknown) =>
      value instanceof CleanFailure ? { job, ok: false, value: value.error } : { job, ok: true, value };
    // BEGIN first, written before any save's statement; then every save at once, each as far as it goes before
    // it waits on an answer.
    const begun = send('begin').then(
      () => undefined,
      (error: unknown) => error ?? new Error('BEGIN failed'),
    );
    const tail = this.tail();
    const last = new Map<string, Promise<unknown>>();
    const settled = await Promise.all(
      pending.map((job) => {
        const before = job.key === undefined ? undefined : last.get(job.key);
        const done = (before ? before.then(() => job.save(db, tail)) : job.save(db, tail)).then(
          (value) => ({ job, threw: false, value }),
          (value: unknown) => ({ job, threw: true, value }),
        );
        if (job.key !== undefined) last.set(job.key, done);
        return done;
      }),
    );
    const beginError = await begun;
    const threw = settled.filter((s) => s.threw);
    if (beginError !== undefined || threw.length > 0) {
      if (beginError !== undefined) throw new GroupFailed(beginError);
      // The statements written after the one that failed are refused (25P02): their saves run again. Were all
      // refused so (no statement of a save failed first), they are all refused, so that the group ends.
      const own = threw.filter((s) => codeOf(s.value) !== ABORTED);
      const culprits = own.length > 0 ? own : threw;
      throw new GroupFailed(culprits[0]!.value, new Map(culprits.map((s) => [s.job, s.value])));
    }
    const outcomes = settled.map((s) => outcome(s.job, s.value));
    report(outcomes);
    // The tail's statements and COMMIT written together: the rows the tail locks are held for no round trip.
    const statements = outcomes.some((o) => o.ok) ? await this.finish(db, tail) : [];
    const written = statements.map((s) => {
      const compiled = s.compile(db);
      return send(compiled.sql, compiled.parameters);
    });
    const results = await Promise.allSettled([...written, send('commit')]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw new GroupFailed(failed.reason);
    const commit = results[results.length - 1] as PromiseFulfilledResult<{ command: string }>;
    // PostgreSQL answers the COMMIT of a transaction an earlier statement aborted with ROLLBACK.
    if (commit.value.command !== 'COMMIT')
      throw new GroupFailed(new Error('the group of saves was rolled back at its COMMIT'));
    return outcomes;
  }
}
