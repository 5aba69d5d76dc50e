import { performance } from 'node:perf_hooks';
import type SQLite from 'better-sqlite3';

/*
 * Keeps SQLite's full-text index (report_search, FTS5) in few segments while `hindsight serve` runs, as autovacuum
 * keeps a table. FTS5 writes each commit's entries as a new segment and merges segments only when 4 pile up on
 * one level (automerge), so a grown index sits in several segments (ten in the 100,000-report bench file), and
 * every MATCH opens and merges a cursor on each: one segment fewer is less CPU for every search (measured in
 * ARCHITECTURE.md).
 *
 * Once no save has been made here for `quietMs`, it runs FTS5's incremental 'merge' command
 * (https://sqlite.org/fts5.html, "The 'merge' Command") in steps of `pages` pages, each its own transaction on
 * the writer connection, between two turns of the event loop: a save never waits for a merge (they take turns on
 * one thread and one connection), and a step holds the loop for a few milliseconds. After each step it pauses at
 * least as long as the step took. A step that changes nothing (total_changes moves by less than two, as the
 * documentation says) means the index is merged: it waits for the next save, or `idleMs` (another process may
 * have written). A save here stops the steps until writes are quiet again; the merge under way is kept in the
 * index's structure and goes on from there.
 *
 * The merge is FTS5's level merge with 'usermerge' set to 2 (stored in the table's config): a level holding two
 * or more segments is merged into one on the next level, so each level keeps at most one segment; a large segment is
 * rewritten only when the small ones have grown to its size (as automerge does, with 2 for 4), never after each burst of
 * saves. Merging everything into one segment ('merge' with a negative N, or 'optimize') would rewrite the whole
 * index after every quiet spell following a save.
 */
export interface SearchUpkeepOptions {
  /** How long after the last save here the merging starts (default 1,500 ms); also the wait after start. */
  quietMs?: number;
  /** The pages a merge step writes, about (default 32: some 1-3 ms at 100,000 reports). */
  pages?: number;
  /** With nothing to merge, how long until it looks again without a save here (default 60 s). */
  idleMs?: number;
  /** Told each time a run of merge steps has left nothing to merge (for the server's log). */
  onMerged?: (run: { steps: number; ms: number; longestStepMs: number; sinceStartMs: number }) => void;
}

export class SearchUpkeep {
  private readonly quietMs: number;
  private readonly pages: number;
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastSave = -Infinity;
  private stopped = true;
  private readonly merge: SQLite.Statement;
  private readonly totalChanges: SQLite.Statement;
  private usermergeSet = false;
  /** The steps that wrote since the index was last found merged, the first one's start, the longest. */
  private run = { steps: 0, startedAt: 0, longestStepMs: 0 };
  private readonly onMerged: SearchUpkeepOptions['onMerged'];
  /**
   * Merge steps run, the longest in ms, when the index was last found merged (ms since start; undefined while
   * steps still write), and steps that failed (another process holding the write lock).
   */
  readonly stats = { steps: 0, longestStepMs: 0, mergedAtMs: undefined as number | undefined, failed: 0 };
  private readonly startedAt = performance.now();

  constructor(
    private readonly sqlite: SQLite.Database,
    /** Called after each step that wrote (the WAL checkpointer's poke). */
    private readonly committed: () => void = () => undefined,
    options: SearchUpkeepOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 1_500;
    this.pages = options.pages ?? 32;
    this.idleMs = options.idleMs ?? 60_000;
    this.onMerged = options.onMerged;
    this.merge = sqlite.prepare("insert into report_search(report_search, rank) values('merge', ?)");
    this.totalChanges = sqlite.prepare('select total_changes()').pluck();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.quietMs);
  }

  /** A save here committed: merging waits until writes have been quiet for `quietMs`. */
  noteSaved(): void {
    this.lastSave = performance.now();
    if (!this.stopped && !this.timer) this.schedule(this.quietMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const sinceSave = performance.now() - this.lastSave;
    if (sinceSave < this.quietMs) return this.schedule(this.quietMs - sinceSave);
    // Not inside a transaction someone else has open on this connection (a Kysely transaction awaiting).
    if (this.sqlite.inTransaction) return this.schedule(50);
    let wrote: boolean;
    const t = performance.now();
    try {
      wrote = this.step();
    } catch (e) {
      // SQLITE_BUSY: another process holds the write lock; try again later. Anything else: stop for a while.
      this.stats.failed += 1;
      return this.schedule((e as { code?: string }).code === 'SQLITE_BUSY' ? this.quietMs : this.idleMs);
    }
    const ms = performance.now() - t;
    this.stats.steps += 1;
    if (ms > this.stats.longestStepMs) this.stats.longestStepMs = ms;
    if (!wrote) {
      const now = performance.now();
      this.stats.mergedAtMs ??= now - this.startedAt;
      const run = this.run;
      if (run.steps > 0)
        this.onMerged?.({
          steps: run.steps,
          ms: now - run.startedAt,
          longestStepMs: run.longestStepMs,
          sinceStartMs: now - this.startedAt,
        });
      this.run = { steps: 0, startedAt: 0, longestStepMs: 0 };
      return this.schedule(this.idleMs);
    }
    this.stats.mergedAtMs = undefined;
    if (this.run.steps++ === 0) this.run.startedAt = t;
    if (ms > this.run.longestStepMs) this.run.longestStepMs = ms;
    this.committed();
    this.schedule(Math.max(1, ms));
  }

  /** One merge step; whether it wrote anything. Never waits for a lock another process holds. */
  private step(): boolean {
    const timeout = this.sqlite.pragma('busy_timeout', { simple: true }) as number;
    this.sqlite.pragma('busy_timeout = 0');
    try {
      if (!this.usermergeSet) {
        const set = this.sqlite
          .prepare("select v from report_search_config where k = 'usermerge'")
          .pluck()
          .get();
        if (set !== 2)
          this.sqlite.exec("insert into report_search(report_search, rank) values('usermerge', 2)");
        this.usermergeSet = true;
      }
      const before = this.totalChanges.get() as number;
      this.merge.run(this.pages);
      return (this.totalChanges.get() as number) - before >= 2;
    } finally {
      this.sqlite.pragma(`busy_timeout = ${timeout}`);
    }
  }
}
