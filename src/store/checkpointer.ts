import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The WAL's checkpoints of a SQLite file, run on a worker thread with a connection of its own instead of at
 * the end of whichever commit crosses SQLite's autocheckpoint mark: a checkpoint copies thousands of pages
 * back into the database file and syncs it (1.6 ms of wall time per save at 100,000 reports, measured),
 * which on the main thread holds the event loop for every request. After each commit the writer asks
 * `poke()`: once the WAL holds `frames` or more, the worker runs a PASSIVE checkpoint (it waits on no one,
 * and writers go on meanwhile; the next write after a complete one starts the WAL again from its head). The
 * worker is started at the first checkpoint, so a store that writes little never starts one. A worker that
 * stops (an error, or an exit without one: its checkpoint under way is forgotten) is started again at a later
 * poke, after a pause that doubles with each stop in a row (`restartMs`, up to `maxRestartMs`) and starts
 * again from the least after a checkpoint that answers. The connection's own autocheckpoint stays set,
 * higher, as the backstop while the worker is down or behind.
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private running = false;
  private closed = false;
  /** Stops of the worker since its last answered checkpoint. */
  private stops = 0;
  /** No worker is started before this time (ms since the epoch), after a stop. */
  private restartAt = 0;
  private readonly restartMs: number;
  private readonly maxRestartMs: number;
  /** Checkpoints answered, and workers started (for tests and logs). */
  readonly counts = { checkpoints: 0, started: 0 };

  constructor(
    private readonly file: string,
    /** The WAL's last frame as the WAL index tells it, or undefined when unknown. */
    private readonly lastFrame: () => number | undefined,
    private readonly frames: number,
    options: { restartMs?: number; maxRestartMs?: number } = {},
  ) {
    this.restartMs = options.restartMs ?? 1_000;
    this.maxRestartMs = options.maxRestartMs ?? 60_000;
  }

  /** After a commit: start a checkpoint on the worker when the WAL has grown past the mark and none runs. */
  poke(): void {
    if (this.running || this.closed) return;
    if (!this.worker && Date.now() < this.restartAt) return;
    const last = this.lastFrame();
    if (last === undefined || last < this.frames) return;
    this.running = true;
    (this.worker ??= this.start()).postMessage('checkpoint');
  }

  /** The worker thread, while one runs (tests stop it to see it replaced). */
  get thread(): Worker | undefined {
    return this.worker;
  }

  private start(): Worker {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { sqlite: require.resolve('better-sqlite3'), file: this.file },
    });
    this.counts.started += 1;
    worker.on('message', () => {
      this.running = false;
      this.stops = 0;
      this.counts.checkpoints += 1;
    });
    // An 'error' is followed by 'exit'; either way the worker is gone. Meanwhile the connection's
    // autocheckpoint keeps the WAL bounded, and a later poke starts a new worker once the pause is over.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.running = false;
      this.restartAt = Date.now() + Math.min(this.maxRestartMs, this.restartMs * 2 ** this.stops);
      this.stops += 1;
    });
    worker.unref();
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.closed = true;
    if (worker) await worker.terminate();
  }
}

const require = createRequire(import.meta.url);

/** The worker: its own connection, one PASSIVE checkpoint a message (a busy file is simply tried next time). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqlite);
const db = new SQLite(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', () => {
  let result;
  try {
    result = db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch (e) {
    result = { error: String(e && e.message) };
  }
  parentPort.postMessage(result);
});
`;

/** The WAL's last frame (mxFrame) in a WAL index header as Store.changeMark gives it (native byte order). */
export function lastFrameOf(header: Buffer | undefined): number | undefined {
  if (!header || header.length < 20) return undefined;
  return header.readUInt32LE(0) === 3007000 ? header.readUInt32LE(16) : header.readUInt32BE(16);
}
