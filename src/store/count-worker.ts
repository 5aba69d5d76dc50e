import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Counts of a SQLite file taken on a worker thread with a read-only connection of its own: a cold count of
 * 10,001 action items joined to their reports is 3 to 17 ms of CPU (the overdue ones the most), and on the main
 * thread it held the event loop for every request meanwhile. The main thread compiles the statement and waits
 * for the number; a WAL reader never waits for the writer, and sees every commit made before it was asked (the
 * caller reads the count generation first, so a count is never kept under a newer generation than it saw).
 * The worker starts at the first count and ends after `idleMs` without one; when it cannot answer (it failed
 * to start, the file went away) the caller counts on its own connection; after a failure to start, always.
 */
export class CountWorker {
  private worker: Worker | undefined;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly idleMs = 10_000,
  ) {}

  /** The first column of the first row of `sqlText`, as a number. */
  count(sqlText: string, parameters: readonly unknown[]): Promise<number> {
    if (this.closed) return Promise.reject(new Error('the count worker is closed'));
    clearTimeout(this.idle);
    this.idle = undefined;
    const id = this.next++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const worker = (this.worker ??= this.start());
      // Held while a count is awaited (a process with nothing else to do must not end meanwhile), let go after.
      worker.ref();
      worker.postMessage({ id, sql: sqlText, parameters });
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { sqlite: require.resolve('better-sqlite3'), file: this.file },
    });
    worker.on('message', (m: { id: number; n?: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(Number(m.n));
      if (this.waiting.size === 0 && this.worker === worker) {
        worker.unref();
        this.idle = setTimeout(() => this.stop(worker), this.idleMs);
        this.idle.unref();
      }
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    // A worker that failed (it could not open the file, say) is not started again: the caller counts instead.
    worker.on('error', (e) => {
      this.closed = true;
      fail(e);
    });
    worker.on('exit', (code) => {
      // One ended for being idle had no count waiting (see stop): the counts waiting now are its successor's.
      if (this.worker !== worker && !this.closed) return;
      fail(new Error(`the count worker stopped (exit code ${code})`));
    });
    worker.unref();
    return worker;
  }

  private stop(worker: Worker): void {
    if (this.worker !== worker || this.waiting.size > 0) return;
    this.worker = undefined;
    void worker.terminate();
  }

  /** End the worker (counts asked after this are refused, and taken by the caller). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

const require = createRequire(import.meta.url);

/** The worker: a read-only connection; each message one statement, its statements kept by SQL text. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqlite);
const db = new SQLite(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= 200) statements.clear();
      statements.set(sql, (stmt = db.prepare(sql).pluck()));
    }
    parentPort.postMessage({ id, n: Number(stmt.get(...parameters) ?? 0) });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;
