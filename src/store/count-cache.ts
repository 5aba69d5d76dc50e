import { sql, type Expression, type Kysely } from 'kysely';
import { CountWorker } from './count-worker.js';
import type { Store } from './database.js';
import type { Database } from './database.types.js';
/**
 * Counts for paged lists, capped and kept. A total above `COUNT_CAP` is reported as the cap with
 * `totalExact: false` (shown as "10,000+"): counting further would read every row for a number nobody pages to.
 * On SQLite a count is kept while the counted data has not changed: `count_generation` (migration
 * 2026-12-10-300) has counters that triggers move with every change of the rows and columns counted, whoever
 * writes (this process, another one, the bulk load), and that other commits (the background scorer's score
 * writes, outbox claims, sessions) leave alone; they are read again only when the file's change mark (see
 * Store.changeMark) has moved, one small lookup. Without them (PostgreSQL) a count is kept while the change
 * mark stands (on PostgreSQL moved by the notifications of migration 2026-12-13-300, see database.ts
 * ChangeListener), or where there is no mark for `ttlMs` at most; any save through this process forgets them all
 * at once.
 */
export const COUNT_CAP = 10_000;

export interface CappedCount {
  total: number;
  totalExact: boolean;
}

/**
 * What a count depends on: `rows` for lists and action items (the reports' visibility, deletion and filtered
 * columns, their side tables and action items), `text` adds what a search matches (a report's title and content).
 */
export type Counted = 'rows' | 'text';

/** The counters of count_generation, or undefined where there are none (PostgreSQL, an unmigrated file). */
type Generation = () => { rows_gen: number; text_gen: number } | undefined;

interface Entry {
  count: CappedCount;
  /** The generation counted at, for a count kept by it; else the change mark and the time, as before. */
  generation: string | undefined;
  mark: Buffer | undefined;
  at: number;
}

export interface CountCacheOptions {
  /** Reads count_generation's counters (see CountCache.forStore). */
  generation?: Generation;
  /**
   * Whether the connection `generation` reads on has a transaction of its own open (an async Kysely transaction:
   * a deletion, a restore): its counters would then be that transaction's, not yet committed, while counts are
   * taken on another connection (the count worker) that sees only what is committed, and a count kept under a
   * generation it never saw would be served after the commit (or, rolled back, after the next commit that
   * reaches the same figure). Meanwhile counts are kept by change mark, which moves only on commit.
   */
  uncommitted?: () => boolean;
  /** Without a generation nor a change mark, how long a count is kept (default 5 s). */
  ttlMs?: number;
  /** Counts kept at most (default 2,000). */
  max?: number;
}

/**
 * A value read from the database (a generation counter) again only when the file's change mark has moved, or
 * when there is no mark; undefined while it cannot be read (its table missing: a database not migrated yet).
 * The kept counts here and the kept action-item pages (ItemPageCache) both stand on one.
 */
export class MarkedRead<T> {
  private mark: Buffer | undefined;
  private value: T | undefined;

  constructor(
    private readonly read: () => T | undefined,
    private readonly changeMark: () => Buffer | undefined,
  ) {}

  get(mark = this.changeMark()): T | undefined {
    if (mark && this.mark?.equals(mark)) return this.value;
    let now: T | undefined;
    try {
      now = this.read();
    } catch {
      now = undefined;
    }
    this.mark = mark;
    this.value = now;
    return now;
  }
}

/**
 * Answers kept under the change mark they were read at (see Store.changeMark), served while it has not moved;
 * at most `max`, the least recently used forgotten first. The mark must be taken before the answer is read: a
 * commit in between then moves it, and the answer is never served.
 */
export class MarkedPages<T> {
  private readonly entries = new Map<string, { mark: Buffer; value: T }>();

  constructor(private readonly max = 500) {}

  get(key: string, mark: Buffer): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (!e.mark.equals(mark)) return undefined;
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, mark: Buffer, value: T): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { mark, value });
  }
}

/** The statement that reads count_generation's counters (rows_gen, text_gen). */
export const COUNT_GENERATION = 'select rows_gen, text_gen from count_generation where id = 1';

export class CountCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Counts being taken: a request asking for one of them waits for it rather than counting again (on
   * PostgreSQL, where queries run concurrently, fifty requests meeting an expired count all counted at once).
   */
  private readonly pending = new Map<string, Promise<CappedCount>>();
  /** Moved by clear(): a count begun before a save is not kept after it. */
  private epoch = 0;

  /** count_generation's counters, read again only when the change mark moved. */
  private readonly generation: MarkedRead<{ rows_gen: number; text_gen: number }> | undefined;
  private readonly uncommitted: () => boolean;
  private readonly ttlMs: number;
  private readonly max: number;

  constructor(
    private readonly changeMark: () => Buffer | undefined,
    options: CountCacheOptions = {},
  ) {
    this.generation = options.generation && new MarkedRead(options.generation, changeMark);
    this.uncommitted = options.uncommitted ?? (() => false);
    this.ttlMs = options.ttlMs ?? 5_000;
    this.max = options.max ?? 2_000;
  }

  /**
   * The cache of a store: kept by count_generation on SQLite, else by change mark or time. A SQLite file's
   * counts (countRows) are taken on a worker thread (see CountWorker), one for the store.
   */
  static forStore(store: Store): CountCache {
    if (store.dialect === 'sqlite' && store.sqlite && store.where !== ':memory:' && !offThread.has(store.db))
      offThread.set(store.db, new CountWorker(store.sqlite.name));
    const getRow = store.getRow;
    const generation: Generation | undefined = getRow ? () => getRow(COUNT_GENERATION) : undefined;
    const sqlite = store.sqlite;
    return new CountCache(store.changeMark ?? (() => undefined), {
      generation,
      uncommitted: () => sqlite?.inTransaction === true,
    });
  }

  /**
   * Forget every count (after a save through this process). Counts kept by generation stay: a save that
   * changed what they count has moved it.
   */
  clear(): void {
    if (this.counters()) return;
    this.entries.clear();
    this.pending.clear();
    this.epoch += 1;
  }

  /**
   * count_generation's counters now: read again only when the change mark moved (or there is none); undefined
   * when they cannot be read (no such table: a database not migrated yet, or PostgreSQL).
   */
  private counters(mark = this.changeMark()): { rows_gen: number; text_gen: number } | undefined {
    if (!this.generation || this.uncommitted()) return undefined;
    return this.generation.get(mark);
  }

  /**
   * The count under `key`, from `count(cap + 1)` (which counts at most that many rows) when not kept. `counted`
   * says what it depends on (see Counted); a count that does not say is taken to depend on everything.
   */
  async get(
    key: string,
    count: (limit: number) => Promise<number>,
    counted: Counted = 'text',
  ): Promise<CappedCount> {
    const mark = this.changeMark();
    const now = Date.now();
    const c = this.counters(mark);
    const generation = c && (counted === 'rows' ? `${c.rows_gen}` : `${c.rows_gen}/${c.text_gen}`);
    const hit = this.entries.get(key);
    if (
      hit &&
      (generation !== undefined
        ? hit.generation === generation
        : // Under a mark, only a count taken under it (one kept while there was none may predate a commit
          // whose notification was missed, and a page kept under the mark would keep it); else for its time.
          mark
          ? hit.mark !== undefined && mark.equals(hit.mark)
          : now - hit.at < this.ttlMs)
    )
      return hit.count;
    // A count under way joins only requests at its generation, or its change mark where there is no generation
    // (PostgreSQL): one asked after a save, here or in another process, waits for no count begun before.
    const at = generation ?? mark?.toString('hex');
    const pendingKey = at === undefined ? key : `${key}\u0000${at}`;
    const running = this.pending.get(pendingKey);
    if (running) return running;
    const epoch = this.epoch;
    const counting = (async () => {
      const n = await count(COUNT_CAP + 1);
      const result = { total: Math.min(n, COUNT_CAP), totalExact: n <= COUNT_CAP };
      if (epoch === this.epoch) {
        if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
        this.entries.set(key, { count: result, generation, mark, at: now });
      }
      return result;
    })();
    this.pending.set(pendingKey, counting);
    try {
      return await counting;
    } finally {
      if (this.pending.get(pendingKey) === counting) this.pending.delete(pendingKey);
    }
  }
}

/**
 * A counter for CountCache.get: how many rows `rows(limit)` gives, so counting stops at the limit asked. On
 * PostgreSQL the planner's estimate of all the rows (from the statistics ANALYZE keeps) is asked first, and a
 * count estimated at over ESTIMATE_FACTOR times the limit is taken as over it: counting reads every row up to
 * the limit (joined to its report, for the visibility rule), tens of milliseconds at 10,000 rows each time a
 * kept count runs out, for a total shown as "10,000+" anyway.
 */
export function rowsUpTo(
  db: Kysely<Database>,
  rows: (limit: number) => Expression<unknown>,
  hidden?: () => Promise<CappedCount>,
) {
  return async (limit: number): Promise<number> => {
    if (onPostgres(db)) {
      const plan = await sql<{
        'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }];
      }>`explain (format json) ${rows(Number.MAX_SAFE_INTEGER)}`.execute(db);
      const estimate = Number(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
      if (estimate > ESTIMATE_FACTOR * limit) {
        // The planner takes the members' condition of the visibility rule as true for half the rows, whoever
        // asks: the rows the viewer may not see (`hidden`, counted) are taken away from the estimate first.
        if (!hidden) return limit;
        const h = await hidden();
        if (h.totalExact && estimate - h.total > ESTIMATE_FACTOR * limit) return limit;
      }
    }
    return countRows(db, rows(limit));
  };
}

/** The count workers of SQLite files, by the store's Kysely instance (see CountCache.forStore). */
const offThread = new WeakMap<Kysely<Database>, CountWorker>();

/**
 * How many rows `rows` gives (a query with its own limit): on the count worker of a SQLite file when it has
 * one, else (or when the worker cannot answer) on the store's own connection.
 */
export async function countRows(db: Kysely<Database>, rows: Expression<unknown>): Promise<number> {
  const query = sql<{ n: number | string }>`select count(*) as n from (${rows}) as c`;
  const worker = offThread.get(db);
  if (worker) {
    const compiled = query.compile(db);
    try {
      return await worker.count(compiled.sql, compiled.parameters);
    } catch {
      // Counted here instead.
    }
  }
  const r = await query.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** How far over the limit an estimated count must be to be taken as over it (see rowsUpTo). */
export const ESTIMATE_FACTOR = 2;

/** Whether `db` speaks PostgreSQL: its parameters are numbered ($1), SQLite's are not (?). */
const onPostgres = (db: Kysely<Database>) => sql`${0}`.compile(db).sql === '$1';
