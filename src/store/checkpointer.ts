import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The WAL's checkpoints of a SQLite file, run on a worker thread with a connection of its own instead of at
 * the end of whichever commit crosses SQLite's autocheckpoint mark: a checkpoint copies thousands of pages
 * back into the database file and syncs it (1.6 ms of wall time per save at 100,000 reports, measured),
 * which on the main thread holds the event loop for every request. After each commit the writer asks
 * `poke()`: once the WAL holds `frames` or more, the worker runs a PASSIVE checkpoint (it waits on no one,
 * and writers go on meanwhile; the next write after a complete one starts the WAL again from its head). The
 * worker is started at the first checkpoint, so a store that writes little never starts one. The
 * connection's own autocheckpoint stays set, higher, as the backstop should the worker fall behind or fail.
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private running = false;
  private failed = false;

  constructor(
    private readonly file: string,
    /** The WAL's last frame as the WAL index tells it, or undefined when unknown. */
    private readonly lastFrame: () => number | undefined,
    private readonly frames: number,
  ) {}

  /** After a commit: start a checkpoint on the worker when the WAL has grown past the mark and none runs. */
  poke(): void {
    if (this.running || this.failed) return;
    const last = this.lastFrame();
    if (last === undefined || last < this.frames) return;
    this.running = true;
    (this.worker ??= this.start()).postMessage('checkpoint');
  }

  private start(): Worker {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { sqlite: require.resolve('better-sqlite3'), file: this.file },
    });
    worker.on('message', () => (this.running = false));
    // Without a worker the connection's autocheckpoint still keeps the WAL bounded.
    worker.on('error', () => {
      this.failed = true;
      this.worker = undefined;
    });
    worker.unref();
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failed = true;
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
