import { createRequire } from 'node:module';
import { WorkerPool } from '../fs/worker-pool.js';

/**
 * Counts of a SQLite file taken on a worker thread with a read-only connection of its own: a cold count of
 * 10,001 action items joined to their reports is 3 to 17 ms of CPU (the overdue ones the most), and on the main
 * thread it held the event loop for every request meanwhile. The main thread compiles the statement and waits
 * for the number; a WAL reader never waits for the writer, and sees every commit made before it was asked (the
 * caller reads the count generation first, so a count is never kept under a newer generation than it saw).
 * The thread (a WorkerPool of one) starts at the first count and ends after `idleMs` without one; it holds the
 * process while a count is awaited; when it cannot answer (it failed to start, the file went away, a count ran
 * past 10 s) the caller counts on its own connection; after a failure to start, always.
 */
export class CountWorker {
  private readonly pool: WorkerPool<
    { sql: string; parameters: readonly unknown[] },
    { n?: number; error?: string }
  >;

  constructor(file: string, idleMs = 10_000) {
    this.pool = new WorkerPool(
      {
        work: 'count',
        entry: () => WORKER,
        options: { eval: true, workerData: { sqlite: require.resolve('better-sqlite3'), file } },
      },
      { threads: 1, queue: 10_000, timeoutMs: 10_000, pipeline: 64, startFailures: 1, idleMs, hold: true },
    );
  }

  /** Threads alive (for tests). */
  get size(): number {
    return this.pool.size;
  }

  /** The first column of the first row of `sqlText`, as a number. */
  async count(sqlText: string, parameters: readonly unknown[]): Promise<number> {
    if (!this.pool.available) throw new Error('the count worker is closed');
    const reply = await this.pool.run({ sql: sqlText, parameters });
    if (reply.error !== undefined) throw new Error(reply.error);
    return Number(reply.n);
  }

  /** End the worker (counts asked after this are refused, and taken by the caller). */
  close(): Promise<void> {
    return this.pool.close();
  }
}

const require = createRequire(import.meta.url);

/** The worker: a read-only connection; each job one statement, its statements kept by SQL text. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.sqlite);
const db = new SQLite(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', ({ id, job: { sql, parameters } }) => {
  try {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= 200) statements.clear();
      statements.set(sql, (stmt = db.prepare(sql).pluck()));
    }
    parentPort.postMessage({ id, reply: { n: Number(stmt.get(...parameters) ?? 0) } });
  } catch (e) {
    parentPort.postMessage({ id, reply: { error: String((e && e.message) || e) } });
  }
});
parentPort.postMessage({ ready: true });
`;
