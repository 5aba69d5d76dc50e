import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
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
 * out keeps its default. Constraints are checked as each row goes in, foreign keys (the tables a save fills have
 * none since migration 2026-12-17-301) at the statement's end.
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
  save: (trx: Transaction<DB>, tail: Tail) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** PostgreSQL's codes for a transaction that may succeed when run again: a deadlock, a serialization failure. */
const RETRIABLE = new Set(['40P01', '40001']);

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

/**
 * Group commit on PostgreSQL, as SQLite's saves have it (report-writes.ts): the saves that arrive while the
 * groups under way are written wait for the next, and each group is one transaction, its saves one after
 * another on one connection, each answered once the group has committed. A few groups are written at once
 * (`inFlight`), so that one's round trips overlap another's. One BEGIN and one COMMIT (and its WAL flush) a
 * group instead of a save; and what every save touches (the kept insight tallies of a quarter, the generation
 * counters) is gathered by the saves into the group's `Tail` and written once by `finish` just before the
 * commit: those rows stay locked for one statement and a commit, where saves in transactions of their own had
 * queued on them, each until the one before had committed.
 *
 * A save that fails: when it wrote nothing it returns a CleanFailure and is answered with its error, the group
 * going on; when it throws (a statement failed, and with it the transaction), the group is rolled back, it is
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
    private readonly finish: (trx: Transaction<DB>, tail: Tail) => Promise<void>,
    private readonly committed: () => void,
    private readonly options: { maxGroup?: number; inFlight?: number } = {},
  ) {}

  run<T>(save: (trx: Transaction<DB>, tail: Tail) => Promise<T | CleanFailure>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ save, resolve: resolve as (v: unknown) => void, reject });
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
      const outcomes: { job: GroupJob<DB, Tail>; ok: boolean; value: unknown }[] = [];
      let thrown: GroupJob<DB, Tail> | undefined;
      try {
        await this.db.transaction().execute(async (trx) => {
          const tail = this.tail();
          for (const job of pending) {
            let value: unknown;
            try {
              value = await job.save(trx, tail);
            } catch (error) {
              thrown = job;
              throw error;
            }
            if (value instanceof CleanFailure) outcomes.push({ job, ok: false, value: value.error });
            else outcomes.push({ job, ok: true, value });
          }
          if (outcomes.some((o) => o.ok)) await this.finish(trx, tail);
        });
      } catch (error) {
        const again = triesAfter(error, retries, 3);
        if (again !== undefined) {
          retries = again;
          continue;
        }
        if (thrown) {
          thrown.reject(error);
          pending = pending.filter((j) => j !== thrown);
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
}
