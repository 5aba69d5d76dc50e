// A few worker threads that run a request's CPU-bound work off the event loop (the editor's lint), with the limits a
// server needs: at most `threads` jobs at a time, at most `queue` waiting, the rest refused at once with 503 and
// Retry-After; a job that runs longer than `timeoutMs` is abandoned and its thread terminated (the only way to stop
// synchronous code) and replaced; a thread that dies is replaced for the next job; close() ends them all.
//
// A worker's program posts { ready: true } once it has loaded what it needs (so the time-out counts the job, not
// the start-up), then answers each { id, job } with { id, reply }.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { AppError } from '../../domain/index.js';

export interface WorkerPoolOptions {
  /** Jobs at once, each on its own thread (default 1). */
  threads?: number;
  /** Jobs that may wait for a thread; more are refused with 503 (default 16). */
  queue?: number;
  /** The longest one job may run once a thread has it (default 20 s). */
  timeoutMs?: number;
  /** The longest a new thread may take to become ready (default 60 s). */
  startTimeoutMs?: number;
}

/** What the pool does, in words for its errors ("lint"), and where its worker's program is. */
export interface WorkerProgram {
  work: string;
  entry: () => URL | string;
  /** Passed to `new Worker` (for tests: `{ eval: true }` with the program's text as `entry`). */
  options?: WorkerOptions;
}

interface Running {
  resolve: (reply: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  started: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The id of the job it runs, with how to answer it. */
  running?: { id: number; job: Running };
  startTimer?: NodeJS.Timeout;
}

interface Waiting {
  job: unknown;
  resolve: (reply: unknown) => void;
  reject: (e: Error) => void;
  signal: AbortSignal | undefined;
  leave: () => void;
}

type Message = { ready: true } | { id: number; reply: unknown };

const gone = () => new AppError('unavailable', 'the request was abandoned by its client before its turn');

/** A bounded pool of worker threads running one kind of job; see the file's comment. */
export class WorkerPool<Job, Reply> {
  readonly threads: number;
  readonly queue: number;
  readonly timeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private nextId = 1;
  private closed = false;
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
  }

  /** Threads alive (started or starting). */
  get size(): number {
    return this.slots.length;
  }

  /** Run one job on a thread, waiting for a turn; 503 when too many wait already or on close. */
  run(job: Job, signal?: AbortSignal): Promise<Reply> {
    if (this.closed)
      return Promise.reject(new AppError('unavailable', 'the server is shutting down; try again shortly'));
    if (signal?.aborted) return Promise.reject(gone());
    const free = this.threads - this.slots.filter((s) => s.running).length;
    if (this.waiting.length >= this.queue + free) {
      this.stats.refused += 1;
      const retryAfter = Math.max(
        1,
        Math.ceil((((this.waiting.length + 1) / this.threads) * this.meanMs) / 1000),
      );
      return Promise.reject(
        new AppError(
          'unavailable',
          `the server has ${this.threads - free + this.waiting.length} ${this.program.work} jobs running or waiting, as many as it takes; try again in ${retryAfter} s`,
          [],
          { retryAfter },
        ),
      );
    }
    return new Promise<Reply>((resolve, reject) => {
      const entry: Waiting = {
        job,
        resolve: resolve as (reply: unknown) => void,
        reject,
        signal,
        // The client went away while waiting: its place goes to nobody, the job never runs.
        leave: () => {
          const at = this.waiting.indexOf(entry);
          if (at < 0) return;
          this.waiting.splice(at, 1);
          reject(gone());
        },
      };
      signal?.addEventListener('abort', entry.leave, { once: true });
      this.waiting.push(entry);
      this.stats.peakWaiting = Math.max(this.stats.peakWaiting, this.waiting.length);
      this.pump();
    });
  }

  /** Terminate every thread; jobs running or waiting are refused with 503. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new AppError('unavailable', 'the server is shutting down; try again shortly');
    for (const w of this.waiting.splice(0)) {
      w.signal?.removeEventListener('abort', w.leave);
      w.reject(closing);
    }
    const slots = this.slots.splice(0);
    for (const slot of slots) this.settle(slot, closing);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Hand waiting jobs to ready idle threads, and start threads while jobs wait and there is room. */
  private pump(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.running);
      if (!slot) break;
      this.dispatch(slot, this.waiting.shift()!);
    }
    const starting = this.slots.filter((s) => !s.ready).length;
    let wanted = Math.min(this.waiting.length - starting, this.threads - this.slots.length);
    for (; wanted > 0; wanted -= 1) this.spawn();
  }

  private dispatch(slot: Slot, w: Waiting): void {
    w.signal?.removeEventListener('abort', w.leave);
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.stats.timedOut += 1;
      this.drop(
        slot,
        new AppError(
          'unavailable',
          `the ${this.program.work} took longer than ${formatSeconds(this.timeoutMs)} and was stopped; try a smaller part of it`,
        ),
      );
    }, this.timeoutMs);
    slot.running = { id, job: { resolve: w.resolve, reject: w.reject, timer, started: performance.now() } };
    try {
      slot.worker.postMessage({ id, job: w.job });
    } catch (e) {
      // The job cannot be copied to the thread (structured cloning recursing past the stack on a body nested
      // thousands deep, which JSON.parse reads): refused, and the thread stays free. Thrown from here, it was
      // an uncaught exception in the thread's message handler (the process ended) or a 500 holding the thread
      // until the time-out.
      clearTimeout(timer);
      slot.running = undefined;
      w.reject(
        new AppError(
          'bad_request',
          `the ${this.program.work} request cannot be handed to a thread: ${(e as Error).message}`,
        ),
      );
    }
  }

  private spawn(): void {
    const worker = new Worker(this.program.entry(), this.program.options);
    worker.unref();
    const slot: Slot = { worker, ready: false };
    this.stats.started += 1;
    this.slots.push(slot);
    slot.startTimer = setTimeout(
      () =>
        this.drop(
          slot,
          new AppError('unavailable', `the ${this.program.work} thread did not start in time; try again`),
        ),
      this.startTimeoutMs,
    );
    slot.startTimer.unref();
    worker.on('message', (m: Message) => {
      if ('ready' in m) {
        clearTimeout(slot.startTimer);
        slot.ready = true;
        this.pump();
        return;
      }
      const running = slot.running;
      if (!running || running.id !== m.id) return;
      slot.running = undefined;
      clearTimeout(running.job.timer);
      this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - running.job.started);
      this.stats.done += 1;
      running.job.resolve(m.reply);
      this.pump();
    });
    const died = (e?: Error) => {
      if (!this.slots.includes(slot)) return;
      this.stats.crashed += 1;
      this.drop(
        slot,
        new AppError(
          'unavailable',
          `the ${this.program.work} thread stopped${e ? ` (${e.message})` : ''}; try again`,
        ),
      );
    };
    worker.on('error', died);
    worker.on('exit', () => died());
  }

  /**
   * Take a thread out (timed out, died, or never started): its job is refused with `error`, the thread
   * terminated; one that died before it was ready refuses the jobs waiting too (it would most likely die
   * again: the next request tries afresh), otherwise a new thread takes the queue.
   */
  private drop(slot: Slot, error: AppError): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    const wasReady = slot.ready;
    this.settle(slot, error);
    void slot.worker.terminate();
    if (!wasReady && !this.slots.some((s) => s.ready)) {
      for (const w of this.waiting.splice(0)) {
        w.signal?.removeEventListener('abort', w.leave);
        w.reject(error);
      }
    }
    if (!this.closed) this.pump();
  }

  private settle(slot: Slot, error: Error): void {
    clearTimeout(slot.startTimer);
    const running = slot.running;
    slot.running = undefined;
    if (!running) return;
    clearTimeout(running.job.timer);
    running.job.reject(error);
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
