// Searches on a SQLite file run in worker threads, each with a read-only connection (WAL lets readers run
// beside the writer), so that on a machine with two cores or more the searches are spread over them and the
// main thread is left the HTTP work. A worker answers with the reply's JSON text, which the route sends as it
// is. PostgreSQL and `:memory:` databases (the tests') keep the search on the main thread.
//
// The threads are a WorkerPool (workers/worker-pool.ts) keyed by query text: each text has a thread of its own,
// where its kept total (each thread has its CountCache) and the pages it read are.
import type { Worker } from 'node:worker_threads';
import { workerEntry } from '../../fs/worker-entry.js';
import type { Store, Viewer } from '../../store/index.js';
import type { Encoding } from '../reply-compression.js';
import { WorkerPool, type WorkerProgram } from '../../fs/worker-pool.js';

/** A search a worker runs. */
export interface SearchJob {
  viewer: Viewer;
  q: string;
  page: { limit: number; offset: number };
  /** The encoding the client accepts: the worker compresses the reply in it (off the main thread, in place). */
  encoding?: Encoding;
}

/**
 * A worker's answer: the reply's JSON text as UTF-8 bytes, compressed in `encoding` when it says so (whose memory
 * the worker hands over, so that it is neither copied nor encoded again here), or the message of the error the
 * search threw.
 */
export type SearchAnswer =
  { json: Uint8Array; encoding?: Encoding; error?: undefined } | { error: string; json?: undefined };

/** Workers that failed to start one after another before the pool gives up and leaves search to the main thread. */
const START_FAILURES = 3;
/** Searches a worker may have waiting before more are refused (503 with Retry-After) rather than queued. */
const WAITING_PER_WORKER = 64;
/** The longest one search may run: past it, 503 and its thread replaced (a runaway query does not keep a core). */
const TIMEOUT_MS = 5_000;

export interface SearchPoolOptions {
  waitingPerWorker?: number;
  timeoutMs?: number;
  /** Another worker program (for tests). */
  program?: WorkerProgram;
}

/**
 * All search workers' page caches together (KiB): 512 MB, at most 256 MB a worker (a few workers) and never less
 * than SQLite's default of 2 MB (over 256 workers). Pages are taken as searches read them, so a small file holds less.
 */
const READER_CACHE_TOTAL_KIB = 512 * 1024;

export function readerCacheKib(workers: number): number {
  return Math.min(256 * 1024, Math.max(2 * 1024, Math.floor(READER_CACHE_TOTAL_KIB / Math.max(1, workers))));
}

export class SearchPool {
  readonly pool: WorkerPool<SearchJob, SearchAnswer>;

  constructor(
    file: string,
    size: number,
    onError: (e: Error) => void = () => {},
    options: SearchPoolOptions = {},
  ) {
    const threads = Math.max(1, size);
    this.pool = new WorkerPool(
      options.program ?? {
        work: 'search',
        // A bare worker: none of the parent's flags or loaders.
        entry: () => workerEntry(import.meta.url, 'search.worker'),
        // The workers' page caches share one budget, so a many-core machine does not keep a cache of its own per core.
        options: { execArgv: [], workerData: { file, cacheKib: readerCacheKib(threads) } },
        tooLong: 'try fewer or rarer words',
      },
      {
        threads,
        queue: threads * ((options.waitingPerWorker ?? WAITING_PER_WORKER) - 1),
        timeoutMs: options.timeoutMs ?? TIMEOUT_MS,
        eager: true,
        // Every search is handed to its thread at once (as many as may wait), so a thread goes from one search
        // to the next without waiting for the main thread to send it.
        pipeline: options.waitingPerWorker ?? WAITING_PER_WORKER,
        startFailures: START_FAILURES,
        onError,
      },
    );
  }

  /** The threads, for tests that stop one as a crash would. */
  get workers(): Worker[] {
    return this.pool.workers;
  }

  /**
   * The JSON text of the search's reply (UTF-8 bytes), compressed in `encoding` when given and the reply is large
   * enough, or undefined when the pool has given up (its workers could not start) or is closed: the caller then
   * searches on the main thread. A worker that stops while it has the search, or a search past the time-out,
   * makes it a 503, which a client may try again.
   */
  search(
    viewer: Viewer,
    q: string,
    page: { limit: number; offset: number },
    encoding?: Encoding,
  ): Promise<{ body: Buffer; encoding?: Encoding }> | undefined {
    if (!this.pool.available) return undefined;
    const job = {
      viewer: { userId: viewer.userId, principals: viewer.principals },
      q,
      page: { limit: page.limit, offset: page.offset },
      encoding,
    };
    return this.pool.run(job, undefined, q).then((answer) => {
      // A view of the bytes the worker handed over, not a copy.
      if (answer.json !== undefined)
        return {
          body: Buffer.from(answer.json.buffer, answer.json.byteOffset, answer.json.byteLength),
          encoding: answer.encoding,
        };
      throw new Error(`search worker: ${answer.error}`);
    });
  }

  /** Stop the workers; searches still waiting are answered 503. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * The search pool for an app on `store`: `workers` threads on a SQLite file (`hindsight serve`: one per core);
 * none on PostgreSQL or a `:memory:` database.
 */
export function startSearchPool(
  store: Store,
  workers: number,
  onError: (e: Error) => void,
): SearchPool | undefined {
  if (store.dialect !== 'sqlite' || store.where === ':memory:' || workers <= 0 || !store.changeMark)
    return undefined;
  return new SearchPool(store.where, workers, onError);
}
