// A few worker threads that run a request's CPU-bound work off the event loop (the editor's lint, searches), with
// the limits a server needs: at most `threads` jobs running and `queue` more accepted, the rest refused at once
// with 503 and Retry-After; a job that runs longer than `timeoutMs` is abandoned and its thread terminated (the
// only way to stop synchronous code) and replaced; a thread that dies is replaced; close() ends them all.
//
// A worker's program posts { ready: true } once it has loaded what it needs (so the time-out counts the job, not
// the start-up), then answers each { id, job } with { id, reply }, in the order it was given them.
//
// For work whose threads keep state (search: each thread's kept totals), a job may carry a key: a key is hashed
// to one thread, which it waits for unless that thread has two jobs more than the least busy one (then it goes
// to that one). `eager` starts every thread at once and replaces a lost one at once; `pipeline` hands a thread
// that many jobs ahead, so that it never waits for the main thread between two; `startFailures` gives up after
// that many threads in a row stopped before they were ready (`available` is then false: the caller does the
// work itself); `idleMs` ends a thread that had nothing to do for that long.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { AppError } from '../domain/index.js';

export interface WorkerPoolOptions {
  /** Jobs at once, each on its own thread (default 1). */
  threads?: number;
  /** Jobs accepted beyond one per thread; more are refused with 503 (default 16). */
  queue?: number;
  /** The longest one job may run once a thread has it (default 20 s). */
  timeoutMs?: number;
  /** The longest a new thread may take to become ready (default 60 s). */
  startTimeoutMs?: number;
  /** Start every thread at once and replace a lost one at once (default: a thread starts when a job waits). */
  eager?: boolean;
  /** Jobs handed to a thread before it has answered the first (default 1). */
  pipeline?: number;
  /** Threads in a row that stop before they are ready before the pool gives up (default: never). */
  startFailures?: number;
  /** A thread with no job for this long ends; the next job starts another (default: never). */
  idleMs?: number;
  /** Keep the process alive while a thread has a job (a command whose only work is on the thread). */
  hold?: boolean;
  /** Told of each thread that failed, stopped or was stopped for a job past the time-out. */
  onError?: (e: Error) => void;
}

/** What the pool does, in words for its errors ("lint"), and where its worker's program is. */
export interface WorkerProgram {
  work: string;
  entry: () => URL | string;
  /** Passed to `new Worker` (for tests: `{ eval: true }` with the program's text as `entry`). */
  options?: WorkerOptions;
  /** What to do about a job stopped at the time-out (default "try a smaller part of it"). */
  tooLong?: string;
}

interface Waiting {
  job: unknown;
  /** Whether it waits for one thread (a keyed job) rather than for any. */
  keyed: boolean;
  resolve: (reply: unknown) => void;
  reject: (e: Error) => void;
  signal: AbortSignal | undefined;
  leave: () => void;
}

interface Sent {
  id: number;
  w: Waiting;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  /** The jobs handed to the thread, oldest first: the first runs, under `timer`; the others wait in its port. */
  sent: Sent[];
  timer?: NodeJS.Timeout;
  started: number;
  startTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
}

type Message = { ready: true } | { id: number; reply: unknown };

const gone = () => new AppError('unavailable', 'the request was abandoned by its client before its turn');
const shuttingDown = () => new AppError('unavailable', 'the server is shutting down; try again shortly');

/** A bounded pool of worker threads running one kind of job; see the file's comment. */
export class WorkerPool<Job, Reply> {
  readonly threads: number;
  readonly queue: number;
  readonly timeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly eager: boolean;
  private readonly pipeline: number;
  private readonly maxStartFailures: number;
  private readonly idleMs: number | undefined;
  private readonly hold: boolean;
  private readonly onError: (e: Error) => void;
  /** The threads by index (a key's thread is the one at its hash's index). */
  private readonly slots: (Slot | undefined)[];
  /** Jobs without a key, for the first thread free. */
  private readonly shared: Waiting[] = [];
  /** Keyed jobs waiting for the thread at each index. */
  private readonly keyed: Waiting[][];
  private nextId = 1;
  private closed = false;
  /** Threads that stopped before they were ready since the last that became ready. */
  private startFailures = 0;
  /** A running mean of how long a job took (ms), for Retry-After. */
  private meanMs = 1_000;
  /** Counts, for tests and logs. */
  readonly stats = { started: 0, done: 0, timedOut: 0, crashed: 0, refused: 0, peakWaiting: 0 };

  constructor(
    private readonly program: WorkerProgram,
    options: WorkerPoolOptions = {},
  ) {
    this.threads = Math.max(1, options.threads ?? 1);
    this.queue = Math.max(0, options.queue ?? 16);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.eager = options.eager ?? false;
    this.pipeline = Math.max(1, options.pipeline ?? 1);
    this.maxStartFailures = options.startFailures ?? Infinity;
    this.idleMs = options.idleMs;
    this.hold = options.hold ?? false;
    this.onError = options.onError ?? (() => {});
    this.slots = Array.from({ length: this.threads }, () => undefined);
    this.keyed = Array.from({ length: this.threads }, () => []);
    if (this.eager) this.pump();
  }

  /** Threads alive (started or starting). */
  get size(): number {
    return this.closed ? 0 : this.slots.filter(Boolean).length;
  }

  /** The threads, by index (for tests that stop one as a crash would). */
  get workers(): Worker[] {
    return this.slots.flatMap((s) => (s ? [s.worker] : []));
  }

  /** False once closed, or given up after threads failed to start (the caller then does the work itself). */
  get available(): boolean {
    return !this.closed && this.startFailures < this.maxStartFailures;
  }

  /**
   * Run one job on a thread (the thread of `key`, if given), waiting for a turn; 503 when too many are accepted
   * already, on close, or once the pool has given up.
   */
  run(job: Job, signal?: AbortSignal, key?: string): Promise<Reply> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (!this.available)
      return Promise.reject(
        new AppError('unavailable', `the ${this.program.work} threads could not start; try again`, [], {
          retryAfter: 1,
        }),
      );
    if (signal?.aborted) return Promise.reject(gone());
    const accepted = this.accepted();
    if (accepted >= this.threads + this.queue) {
      this.stats.refused += 1;
      return Promise.reject(
        new AppError(
          'unavailable',
          `the server has ${accepted} ${this.program.work} jobs running or waiting, as many as it takes; try again in ${this.retryAfter(accepted)} s`,
          [],
          { retryAfter: this.retryAfter(accepted) },
        ),
      );
    }
    return new Promise<Reply>((resolve, reject) => {
      const queue = key === undefined ? this.shared : this.keyed[this.indexFor(key)]!;
      const entry: Waiting = {
        job,
        keyed: key !== undefined,
        resolve: resolve as (reply: unknown) => void,
        reject,
        signal,
        // The client went away while waiting: its place goes to nobody, the job never runs.
        leave: () => {
          const at = queue.indexOf(entry);
          if (at < 0) return;
          queue.splice(at, 1);
          reject(gone());
        },
      };
      signal?.addEventListener('abort', entry.leave, { once: true });
      queue.push(entry);
      this.stats.peakWaiting = Math.max(this.stats.peakWaiting, accepted + 1 - this.threads);
      this.pump();
    });
  }

  /** Terminate every thread; jobs running or waiting are refused with 503. */
  async close(): Promise<void> {
    this.closed = true;
    this.refuseWaiting(shuttingDown());
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    for (const slot of slots) this.settle(slot, shuttingDown());
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Jobs accepted and not yet answered. */
  private accepted(): number {
    let n = this.shared.length;
    for (let i = 0; i < this.threads; i++) n += this.keyed[i]!.length + (this.slots[i]?.sent.length ?? 0);
    return n;
  }

  private load(index: number): number {
    return this.keyed[index]!.length + (this.slots[index]?.sent.length ?? 0);
  }

  /** The key's own thread, or the least busy one when the own one has two jobs more. */
  private indexFor(key: string): number {
    const own = hashOf(key) % this.threads;
    let least = 0;
    for (let i = 1; i < this.threads; i++) if (this.load(i) < this.load(least)) least = i;
    return this.load(own) <= this.load(least) + 1 ? own : least;
  }

  private retryAfter(accepted: number): number {
    return Math.max(1, Math.ceil((((accepted + 1) / this.threads) * this.meanMs) / 1000));
  }

  /** Hand waiting jobs to ready threads, and start threads where jobs wait (every thread, if eager). */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) if (slot?.ready) this.dispatch(slot);
    if (!this.available) return;
    let sharedWaiting = this.shared.length;
    for (const slot of this.slots) if (slot && !slot.ready) sharedWaiting -= 1;
    for (let i = 0; i < this.threads; i++) {
      if (this.slots[i]) continue;
      if (this.eager || this.keyed[i]!.length > 0) this.spawn(i);
      else if (sharedWaiting > 0) {
        this.spawn(i);
        sharedWaiting -= 1;
      }
    }
  }

  /** Hand the thread its own waiting jobs, then shared ones, up to `pipeline` at a time. */
  private dispatch(slot: Slot): void {
    const own = this.keyed[slot.index]!;
    while (slot.sent.length < this.pipeline) {
      const w = own.shift() ?? this.shared.shift();
      if (!w) break;
      w.signal?.removeEventListener('abort', w.leave);
      const id = this.nextId++;
      try {
        slot.worker.postMessage({ id, job: w.job });
      } catch (e) {
        // The job cannot be copied to the thread (structured cloning recursing past the stack on a body nested
        // thousands deep, which JSON.parse reads): refused, and the thread stays free. Thrown from here, it was
        // an uncaught exception in the thread's message handler (the process ended) or a 500 holding the thread
        // until the time-out.
        w.reject(
          new AppError(
            'bad_request',
            `the ${this.program.work} request cannot be handed to a thread: ${(e as Error).message}`,
          ),
        );
        continue;
      }
      slot.sent.push({ id, w });
      if (slot.sent.length === 1) this.startClock(slot);
    }
    if (slot.sent.length > 0) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      if (this.hold) slot.worker.ref();
    }
  }

  /** The time-out of the job the thread runs now (the oldest it was handed). */
  private startClock(slot: Slot): void {
    slot.started = performance.now();
    slot.timer = setTimeout(() => {
      this.stats.timedOut += 1;
      const error = new AppError(
        'unavailable',
        `the ${this.program.work} took longer than ${formatSeconds(this.timeoutMs)} and was stopped; ${this.program.tooLong ?? 'try a smaller part of it'}`,
        [],
        { retryAfter: this.retryAfter(this.accepted()) },
      );
      this.onError(error);
      // Only the job it runs is answered so; those handed to it behind that one go to its replacement.
      const [running, ...behind] = slot.sent.splice(0);
      running?.w.reject(error);
      for (const { w } of behind.reverse()) {
        (w.keyed ? this.keyed[slot.index]! : this.shared).unshift(w);
        w.signal?.addEventListener('abort', w.leave, { once: true });
      }
      this.drop(slot, error);
    }, this.timeoutMs);
  }

  private spawn(index: number): void {
    const worker = new Worker(this.program.entry(), this.program.options);
    // Never what keeps a process alive, unless `hold` (then while it has jobs, and while it starts for one).
    if (!this.hold) worker.unref();
    const slot: Slot = { index, worker, ready: false, sent: [], started: 0 };
    this.stats.started += 1;
    this.slots[index] = slot;
    slot.startTimer = setTimeout(
      () =>
        this.drop(
          slot,
          new AppError(
            'unavailable',
            `the ${this.program.work} thread did not start in time; try again`,
            [],
            {
              retryAfter: 1,
            },
          ),
        ),
      this.startTimeoutMs,
    );
    slot.startTimer.unref();
    worker.on('message', (m: Message) => {
      if ('ready' in m) {
        clearTimeout(slot.startTimer);
        slot.ready = true;
        this.startFailures = 0;
        this.dispatch(slot);
        this.idleUnlessBusy(slot);
        return;
      }
      const at = slot.sent.findIndex((s) => s.id === m.id);
      if (at < 0) return;
      const [{ w }] = slot.sent.splice(at, 1) as [Sent];
      if (at === 0) {
        clearTimeout(slot.timer);
        this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - slot.started);
        if (slot.sent.length > 0) this.startClock(slot);
      }
      this.stats.done += 1;
      w.resolve(m.reply);
      this.dispatch(slot);
      this.idleUnlessBusy(slot);
    });
    const died = (e: Error | undefined, code?: number) => {
      if (this.closed || this.slots[index] !== slot) return;
      this.stats.crashed += 1;
      this.onError(e ?? new Error(`a ${this.program.work} thread stopped (exit code ${code})`));
      this.drop(
        slot,
        new AppError(
          'unavailable',
          `the ${this.program.work} thread stopped${e ? ` (${e.message})` : ''}; try again`,
          [],
          { retryAfter: 1 },
        ),
      );
    };
    worker.on('error', (e) => died(e));
    worker.on('exit', (code) => died(undefined, code));
  }

  private idleUnlessBusy(slot: Slot): void {
    if (this.hold && slot.sent.length === 0) slot.worker.unref();
    if (this.idleMs === undefined || slot.sent.length > 0 || slot.idleTimer) return;
    slot.idleTimer = setTimeout(() => {
      if (slot.sent.length > 0 || this.slots[slot.index] !== slot) return;
      this.slots[slot.index] = undefined;
      void slot.worker.terminate();
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  /**
   * Take a thread out (timed out, died, or never started): the jobs handed to it are refused with `error`, the
   * thread terminated. One that died before it was ready refuses the waiting jobs too when no thread is ready (it
   * would most likely die again: the next request tries afresh), and counts towards giving up; otherwise a new
   * thread takes the queue.
   */
  private drop(slot: Slot, error: AppError): void {
    if (this.closed || this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    this.settle(slot, error);
    void slot.worker.terminate();
    if (!slot.ready) {
      this.startFailures += 1;
      if (!this.slots.some((s) => s?.ready) || !this.available) this.refuseWaiting(error);
    }
    this.pump();
  }

  private refuseWaiting(error: Error): void {
    for (const queue of [this.shared, ...this.keyed])
      for (const w of queue.splice(0)) {
        w.signal?.removeEventListener('abort', w.leave);
        w.reject(error);
      }
  }

  private settle(slot: Slot, error: Error): void {
    clearTimeout(slot.startTimer);
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    for (const { w } of slot.sent.splice(0)) w.reject(error);
  }
}

/** FNV-1a of a text's UTF-16 units: which thread a key goes to first. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
