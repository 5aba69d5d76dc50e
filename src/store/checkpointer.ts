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
 * higher, as the backstop while the worker is down or behind. Under unbroken writes a checkpoint never finds
 * the WAL fully copied (frames are appended while it runs), so past `hardFrames` new write groups are held,
 * asynchronously and for a few ms at most, while one more checkpoint copies the last frames (see `answered`).
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
  /** Checkpoints answered, workers started, and times new writes were held (for tests and logs). */
  readonly counts = { checkpoints: 0, started: 0, holds: 0 };
  /** Whether the checkpoint under way is the one new writes are held for. */
  private holding = false;
  /** The WAL's last frame when writes were last held, and no new hold before this time (ms since the epoch). */
  private heldAt = 0;
  private noHoldUntil = 0;
  /** While new write groups wait for a checkpoint to copy the WAL's last frames: settled when they may go on. */
  private held: { done: Promise<void>; release: () => void } | undefined;
  /** The WAL's size (frames) past which a checkpoint that could not copy every frame has new writes held. */
  private readonly hardFrames: number;
  /** The most frames a checkpoint may have left to copy for writes to be held for it (the hold stays short). */
  private readonly holdFrames: number;

  constructor(
    private readonly file: string,
    /** The WAL's last frame as the WAL index tells it, or undefined when unknown. */
    private readonly lastFrame: () => number | undefined,
    private readonly frames: number,
    options: { restartMs?: number; maxRestartMs?: number; hardFrames?: number; holdFrames?: number } = {},
  ) {
    this.hardFrames = options.hardFrames ?? frames * 2;
    this.holdFrames = options.holdFrames ?? 2_000;
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

  /**
   * Before a write group begins: a promise while new writes are held (see `answered`), else undefined. The
   * group waits for it asynchronously; the event loop goes on.
   */
  writesHeld(): Promise<void> | undefined {
    return this.held?.done;
  }

  private hold(): void {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    // Whatever happens to the checkpoint, writes wait no longer than this. The timer is not unref'd: while
    // saves wait on the hold, nothing else may keep a process alive (a script that saves, with no server), and
    // Node would exit with the held saves never written (review R2).
    const timer = setTimeout(() => this.unhold(), HOLD_MS);
    this.held = {
      done,
      release: () => {
        clearTimeout(timer);
        release();
      },
    };
    this.counts.holds += 1;
  }

  private unhold(): void {
    const held = this.held;
    this.held = undefined;
    held?.release();
  }

  /**
   * A checkpoint's answer. Under unbroken writes each PASSIVE checkpoint ends with frames appended while it
   * ran, so none ever finds the WAL fully copied and the WAL is never started again from its head (it grew to
   * the connection's backstop, 50,000 frames, whose checkpoint then ran on the main thread). So once the WAL is
   * past `hardFrames` and a checkpoint has left only a few frames (`holdFrames`), new write groups are held
   * while one more checkpoint copies those; the next write after it starts the WAL again (unless a reader
   * still holds an older snapshot: the hold ends anyway).
   */
  private answered(result: { checkpointed?: number } | undefined): void {
    this.counts.checkpoints += 1;
    this.stops = 0;
    if (this.holding) {
      this.holding = false;
      // Not all copied (a reader still holds an older snapshot): no new hold for a while, so a reader that
      // stays does not have writes held again at every checkpoint.
      if ((result?.checkpointed ?? -1) < this.heldAt) this.noHoldUntil = Date.now() + 1_000;
      this.unhold();
      this.running = false;
      return;
    }
    // The checkpoint copied the WAL as it was when it began; the frames appended since are left.
    const last = this.lastFrame() ?? -1;
    const left = last - (result?.checkpointed ?? last);
    if (
      !this.closed &&
      this.worker &&
      last >= this.hardFrames &&
      left > 0 &&
      left <= this.holdFrames &&
      Date.now() >= this.noHoldUntil
    ) {
      this.heldAt = last;
      this.hold();
      this.holding = true;
      this.worker.postMessage('checkpoint');
      return;
    }
    this.running = false;
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
    worker.on('message', (result: { checkpointed?: number } | undefined) => {
      if (this.worker === worker) this.answered(result);
    });
    // An 'error' is followed by 'exit'; either way the worker is gone. Meanwhile the connection's
    // autocheckpoint keeps the WAL bounded, and a later poke starts a new worker once the pause is over.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.running = false;
      this.holding = false;
      this.unhold();
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
    this.unhold();
    if (worker) await worker.terminate();
  }
}

/** The longest new writes are held for a checkpoint (ms), whatever becomes of it. */
const HOLD_MS = 40;

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
