// The quality score of each report, kept by the server itself (issue 17, post-mortem health): a save empties a
// report's score, and this fills it again in the background. The lint runs in one worker thread (score.worker.ts);
// the main thread only reads the report's row, hands its content over, and writes the score with writeScore (only
// if the report was not saved meanwhile, in one transaction with the kept tallies). Reports saved here come first,
// newest first; the rest (the backlog: reports from before the score existed, or saved by another instance) are
// walked by id. The pace is bounded so requests keep the machine: one report at a time, and after each a pause of
// `pauseMs` or as long as the report took, whichever is longer (so the worker uses at most half a core), though a
// save ends the pause once `pauseMs` has passed (a report saved waits at most for the lint under way and pauseMs);
// and while requests keep the event loop busy over half the time, or arrive faster than 20 a second, it waits (its
// writes and its thread would compete with them for the cores and the database: SQLite's checkpoints run on the
// main thread), though never more than a minute at a stretch: then it scores one report and waits again.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import type { InternalNetwork, SeverityScale } from '../../domain/index.js';
import { workerEntry } from '../../fs/worker-entry.js';
import {
  bumpInsights,
  jobsFor,
  scoreBasis,
  unscoredIds,
  writeScore,
  type ScoreJob,
  type Store,
} from '../../store/index.js';

/** What the worker is sent: a report's stored content and the settings the editor's score uses. */
export interface ScoreRequest {
  id: string;
  content: string;
  scale: SeverityScale;
  network: InternalNetwork;
}
export type ScoreReply = { id: string; score: number } | { id: string; error: string };

export interface ScorerOptions {
  /** The least pause after each report scored (default 100 ms); a report that took longer is paused after that long. */
  pauseMs?: number;
  /** Ids of the backlog read at a time (default 20). */
  batch?: number;
  /** With nothing to score, how long until the backlog is looked at again (default 60 s); a save here wakes it. */
  idleMs?: number;
  /**
   * Score only while the server's event loop was busy less than this share of the time since the last look
   * (default 0.5): under load the scorer waits, so it never competes with requests for the cores or the database.
   */
  maxUtilization?: number;
  /**
   * Score only while requests arrive at fewer than this many a second (default 20; see noteRequest): on a machine
   * whose cores are taken by other processes, a server serving a stream of requests can wait for a core with its
   * event loop idle, and the utilization alone let the scorer take turns from the requests.
   */
  maxRequestRate?: number;
  /**
   * The longest the scorer waits for a quiet moment (default 60 s): past that it scores one report even though the
   * server looks busy, then waits again, so that steady traffic (a dashboard polling, a few clients past
   * `maxRequestRate`) slows the scores to one a `maxWaitMs` instead of stopping them for as long as it lasts.
   */
  maxWaitMs?: number;
  /**
   * The longest a score written waits before the insights' generation moves (default 2 s): scores written within
   * that time move it once, so kept insights are not computed afresh after every report of a backlog, and the
   * quality figures lag the scores by at most this long.
   */
  bumpEveryMs?: number;
  /**
   * How long after `start` the first report is looked at (default 0; `hindsight serve` waits 30 s): a server's
   * first moments go to its requests and its own warm-up (the JIT, the search workers' start), not to loading the
   * linter in the scorer's thread and walking the backlog. Saves meanwhile are remembered and scored first.
   */
  startDelayMs?: number;
}

/** Saved ids kept waiting at most; past that, the oldest are left to the backlog walk. */
const RECENT_MAX = 10_000;

/** Scores unscored reports in a worker thread while the server runs; `stop` ends it at once. */
export class BackgroundScorer {
  private readonly pauseMs: number;
  private readonly batch: number;
  private readonly idleMs: number;
  private readonly maxUtilization: number;
  private readonly bumpEveryMs: number;
  private readonly startDelayMs: number;
  private readonly maxRequestRate: number;
  private readonly maxWaitMs: number;
  /** When the scorer began waiting for the server to be quiet (undefined while it is not waiting). */
  private busySince: number | undefined;
  /** Requests noted since the sampler's last look, and the rate (a second) it saw then. */
  private requests = 0;
  private lastRequestRate = 0;
  private requestsSince = performance.now();
  private lastBump = -Infinity;
  /** A timer that moves the generation for scores written since the last move. */
  private owedBump: NodeJS.Timeout | undefined;
  private elu = performance.eventLoopUtilization();
  private lastUtilization = 0;
  private sampler: NodeJS.Timeout | undefined;
  /** Ids saved here and not yet scored, oldest first (a Set keeps insertion order). */
  private readonly recent = new Set<string>();
  private backlog: string[] = [];
  private cursor: string | undefined;
  private backlogDone = false;
  /** Reports the linter failed on: not tried again until they are saved. */
  private readonly failed = new Set<string>();
  private worker: Worker | undefined;
  private pending: { resolve: (r: ScoreReply) => void; reject: (e: Error) => void } | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private sleeping: { timer: NodeJS.Timeout; done: () => void; wakeOnSave: boolean } | undefined;
  /** Scores written since start (for tests and logs). */
  scored = 0;

  /** True while the worker is linting a report. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  constructor(
    private readonly store: Store,
    private readonly settings: () => Promise<{
      severityScale: SeverityScale;
      internalNetwork: InternalNetwork;
    }>,
    private readonly log: FastifyBaseLogger,
    options: ScorerOptions = {},
  ) {
    this.pauseMs = options.pauseMs ?? 100;
    this.batch = options.batch ?? 20;
    this.idleMs = options.idleMs ?? 60_000;
    this.maxUtilization = options.maxUtilization ?? 0.5;
    this.bumpEveryMs = options.bumpEveryMs ?? 2_000;
    this.startDelayMs = options.startDelayMs ?? 0;
    this.maxRequestRate = options.maxRequestRate ?? 20;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
  }

  /** A request arrived (the app calls this for each one): while they come fast, the scorer waits. */
  noteRequest(): void {
    this.requests += 1;
  }

  /** Whether the scoring thread has been started (it is, at the first report scored). */
  get threadStarted(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Whether the event loop was busier than maxUtilization over the last quarter second (the sampler's last
   * window, or the one under way once it is 50 ms long): a long pause must not dilute a burst of requests.
   */
  private serverBusy(): boolean {
    const partial = performance.eventLoopUtilization(performance.eventLoopUtilization(), this.elu);
    const window = performance.now() - this.requestsSince;
    return (
      this.lastUtilization > this.maxUtilization ||
      this.lastRequestRate > this.maxRequestRate ||
      (partial.active + partial.idle >= 50 && partial.utilization > this.maxUtilization) ||
      (window >= 50 && (this.requests * 1000) / window > this.maxRequestRate)
    );
  }

  private sample(): void {
    const now = performance.eventLoopUtilization();
    this.lastUtilization = performance.eventLoopUtilization(now, this.elu).utilization;
    this.elu = now;
    const at = performance.now();
    this.lastRequestRate = (this.requests * 1000) / Math.max(1, at - this.requestsSince);
    this.requests = 0;
    this.requestsSince = at;
  }

  start(): void {
    if (this.stopped) return;
    this.sampler ??= setInterval(() => this.sample(), 250);
    this.sampler.unref();
    this.loop ??= (async () => {
      if (this.startDelayMs > 0) await this.sleep(this.startDelayMs, false);
      await this.run();
    })().catch((e: unknown) => {
      if (!this.stopped) this.log.error({ err: e }, 'the background scorer stopped');
    });
  }

  /** A report was saved (its score emptied): score it next. */
  noteSaved(id: string): void {
    if (this.stopped) return;
    this.recent.delete(id);
    this.recent.add(id);
    this.failed.delete(id);
    if (this.recent.size > RECENT_MAX) this.recent.delete(this.recent.values().next().value as string);
    if (this.sleeping?.wakeOnSave) this.wake();
  }

  /**
   * The settings a score depends on changed and every stored score was emptied: walk the whole backlog again
   * from the newest report, and give the reports the linter failed on another try under the new settings.
   */
  settingsChanged(): void {
    if (this.stopped) return;
    this.backlog = [];
    this.cursor = undefined;
    this.backlogDone = false;
    this.failed.clear();
    this.wake();
  }

  /** Stop now: a lint in progress is abandoned (its worker terminated), a score being written is finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sampler);
    this.wake();
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    await this.loop;
    if (this.owedBump) {
      clearTimeout(this.owedBump);
      this.owedBump = undefined;
      await this.bump();
    }
  }

  /** Move the insights' generation now (the scores written since the last move count in the next figures). */
  private async bump(): Promise<void> {
    this.lastBump = performance.now();
    try {
      await bumpInsights(this.store.db);
    } catch (e) {
      this.log.warn({ err: e }, 'the background scorer could not move the insights generation');
    }
  }

  private wake(): void {
    const s = this.sleeping;
    this.sleeping = undefined;
    if (s) {
      clearTimeout(s.timer);
      s.done();
    }
  }

  private sleep(ms: number, wakeOnSave: boolean): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.sleeping = undefined;
        done();
      }, ms);
      timer.unref();
      this.sleeping = { timer, done, wakeOnSave };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Requests first: while they keep the event loop busy, look again after a pause; after maxWaitMs of that,
      // one report all the same.
      if (this.serverBusy()) {
        this.busySince ??= performance.now();
        if (performance.now() - this.busySince < this.maxWaitMs) {
          await this.sleep(Math.max(this.pauseMs, 250), false);
          continue;
        }
      }
      this.busySince = undefined;
      const id = await this.next();
      if (this.stopped) return;
      if (id === undefined) {
        // Nothing left: the scores written meanwhile count in the figures now.
        if (this.owedBump) {
          clearTimeout(this.owedBump);
          this.owedBump = undefined;
          await this.bump();
        }
        await this.sleep(this.idleMs, true);
        // Look at the whole backlog again: other instances' saves, reports restored meanwhile.
        this.backlogDone = false;
        this.cursor = undefined;
        continue;
      }
      const started = performance.now();
      try {
        const [job] = await jobsFor(this.store, [id]);
        if (!job || this.stopped) continue;
        await this.scoreOne(job);
      } catch (e) {
        // A database error (a deadlock on PostgreSQL, a locked SQLite file): the report is tried again later.
        if (this.stopped) return;
        this.log.warn({ err: e, reportId: id }, 'the background scorer could not score a report');
        this.backlogDone = true;
      }
      if (this.stopped) return;
      // The pause: pauseMs, then as long again as the report took past it, which a save cuts short.
      const took = performance.now() - started;
      await this.sleep(this.pauseMs, false);
      if (!this.stopped && took > this.pauseMs && this.recent.size === 0)
        await this.sleep(took - this.pauseMs, true);
    }
  }

  /** The next report to score: the latest saved here, else the next of the backlog; undefined when none is left. */
  private async next(): Promise<string | undefined> {
    const latest = [...this.recent].pop();
    if (latest !== undefined) {
      this.recent.delete(latest);
      return latest;
    }
    while (this.backlog.length === 0 && !this.backlogDone) {
      const ids = await unscoredIds(this.store, { before: this.cursor, limit: this.batch });
      if (ids.length === 0) this.backlogDone = true;
      else this.cursor = ids[ids.length - 1];
      this.backlog = ids.filter((x) => !this.failed.has(x));
    }
    return this.backlog.shift();
  }

  private async scoreOne(job: ScoreJob): Promise<void> {
    // The stored settings' text first: should they change before the lint reads them, the score is refused.
    const basis = await scoreBasis(this.store.db);
    const { severityScale: scale, internalNetwork: network } = await this.settings();
    let reply: ScoreReply;
    try {
      reply = await this.ask({ id: job.id, content: job.content, scale, network });
    } catch (e) {
      if (this.stopped) return;
      this.log.error({ err: e, reportId: job.id }, 'the background scorer lost its worker');
      this.failed.add(job.id);
      return;
    }
    if ('error' in reply) {
      this.log.warn({ reportId: job.id, error: reply.error }, 'a report could not be scored');
      this.failed.add(job.id);
      return;
    }
    if (this.stopped) return;
    // The generation moves with the score when the last move is old enough; otherwise once, a little later.
    const bump = performance.now() - this.lastBump >= this.bumpEveryMs;
    if (!(await writeScore(this.store, job.id, job.version, reply.score, { bump, basis }))) return;
    this.scored += 1;
    if (bump) {
      this.lastBump = performance.now();
      clearTimeout(this.owedBump);
      this.owedBump = undefined;
    } else
      this.owedBump ??= setTimeout(
        () => {
          this.owedBump = undefined;
          void this.bump();
        },
        Math.max(0, this.lastBump + this.bumpEveryMs - performance.now()),
      ).unref();
  }

  private ask(request: ScoreRequest): Promise<ScoreReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.ensureWorker().postMessage(request);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A bare worker: none of the parent's flags or loaders.
    const worker = new Worker(workerEntry(import.meta.url, 'score.worker'), { execArgv: [] });
    worker.unref();
    worker.on('message', (reply: ScoreReply) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(reply);
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the scoring worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
