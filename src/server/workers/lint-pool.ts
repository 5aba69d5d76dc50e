// The editor's lint (POST /api/lint) off the event loop: a report's lint takes tens of milliseconds, and seconds
// the first time its words are seen, which on the main thread every other request would wait for. A WorkerPool of
// lint.worker.ts threads (one per core but one, at most 4, by default) runs them at normal priority; the
// background scorer keeps its own thread (server/scorer), at the lowest priority, so that it never delays these.
import { availableParallelism } from 'node:os';
import { AppError } from '../../domain/index.js';
import { workerEntry } from '../../fs/worker-entry.js';
import type { LintJob, LintReply } from './lint-job.js';
import { WorkerPool, type WorkerPoolOptions } from '../../fs/worker-pool.js';

export type LintPoolOptions = WorkerPoolOptions;

/** The lint threads of one server. */
export class LintPool {
  readonly pool: WorkerPool<LintJob, LintReply>;

  constructor(options: LintPoolOptions = {}) {
    this.pool = new WorkerPool(
      { work: 'lint', entry: () => workerEntry(import.meta.url, 'lint.worker') },
      { ...options, threads: options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1)) },
    );
  }

  /** The route's reply for this job as JSON text, or the AppError it would have thrown. */
  async lint(job: LintJob, signal?: AbortSignal): Promise<string> {
    const reply = await this.pool.run(job, signal);
    if ('error' in reply) throw new AppError(reply.error.code, reply.error.message, reply.error.details);
    if ('fault' in reply) throw new Error(`the linter failed on its thread: ${reply.fault}`);
    return reply.json;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
