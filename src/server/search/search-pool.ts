// Searches on a SQLite file run in worker threads, each with a read-only connection (WAL lets readers run
// beside the writer), so that on a machine with two cores or more the searches are spread over them and the
// main thread is left the HTTP work. A worker answers with the reply's JSON text, which the route sends as it
// is. PostgreSQL and `:memory:` databases (the tests') keep the search on the main thread.
import { Worker } from 'node:worker_threads';
import { AppError } from '../../domain/errors.js';
import { workerEntry } from '../../fs/worker-entry.js';
import type { Store, Viewer } from '../../store/index.js';

/** A search a worker runs. */
export interface SearchTask {
  id: number;
  viewer: Viewer;
  q: string;
  page: { limit: number; offset: number };
}

/** A worker's message: ready once its connection is open, then one answer per task. */
export type SearchReply =
  | { ready: true; id?: undefined }
  | { id: number; json: Uint8Array; error?: undefined }
  | { id: number; error: string; json?: undefined };

interface Pending {
  resolve: (json: Buffer) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  pending: Map<number, Pending>;
}

/** Workers that failed to start one after another before the pool gives up and leaves search to the main thread. */
const START_FAILURES = 3;
/** Searches a worker may have waiting before more are refused (503 with Retry-After) rather than queued. */
const WAITING_PER_WORKER = 64;

export class SearchPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;
  /** Workers that stopped before they were ready, since the last that became ready. */
  private startFailures = 0;

  constructor(
    private readonly file: string,
    size: number,
    private readonly onError: (e: Error) => void = () => {},
    private readonly waitingPerWorker = WAITING_PER_WORKER,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  /** The threads, for tests that stop one as a crash would. */
  get workers(): Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /**
   * The JSON text of the search's reply (as UTF-8 bytes from a worker), or undefined when the pool has given up (its workers could not
   * start): the caller then searches on the main thread. A worker that stops while it has the search makes
   * it a 503, which a client may try again.
   */
  search(viewer: Viewer, q: string, page: { limit: number; offset: number }): Promise<Buffer> | undefined {
    if (this.closing || this.startFailures >= START_FAILURES) return undefined;
    // Each query text has a worker of its own, where its kept total (each worker has its CountCache) and the
    // pages it read are, unless that worker has more than one search waiting beyond the least busy one's.
    let least = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < least.pending.size) least = s;
    const own = this.slots[hashOf(q) % this.slots.length]!;
    const slot = own.pending.size <= least.pending.size + 1 ? own : least;
    // Bounded, like the lint pool's queue: a flood of searches is refused, not held in memory without end.
    if (slot.pending.size >= this.waitingPerWorker)
      return Promise.reject(
        new AppError('unavailable', 'the server has as many searches waiting as it takes; try again', [], {
          retryAfter: 1,
        }),
      );
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({
        id,
        viewer: { userId: viewer.userId, principals: viewer.principals },
        q,
        page: { limit: page.limit, offset: page.offset },
      } satisfies SearchTask);
    });
  }

  /** Stop the workers; searches still waiting are answered 503. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot {
    // A bare worker: none of the parent's flags or loaders.
    const worker = new Worker(workerEntry(import.meta.url, 'search.worker'), {
      execArgv: [],
      workerData: { file: this.file },
    });
    // Never what keeps a process alive.
    worker.unref();
    const slot: Slot = { worker, ready: false, pending: new Map() };
    worker.on('message', (m: SearchReply) => {
      if (m.id === undefined) {
        slot.ready = true;
        this.startFailures = 0;
        return;
      }
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      // A worker sends the text as UTF-8 bytes whose memory it hands over: seen as a Buffer here, not copied.
      if (m.json !== undefined) p?.resolve(Buffer.from(m.json.buffer, m.json.byteOffset, m.json.byteLength));
      else p?.reject(new Error(`search worker: ${m.error}`));
    });
    worker.on('error', (e) => this.onError(e));
    worker.on('exit', (code) => {
      const stopped = new AppError('unavailable', 'the search was interrupted; try again', [], {
        retryAfter: 1,
      });
      for (const p of slot.pending.values()) p.reject(stopped);
      slot.pending.clear();
      if (this.closing) return;
      if (!slot.ready) this.startFailures += 1;
      this.onError(new Error(`a search worker stopped (exit code ${code})`));
      // Replaced, unless workers keep failing to start (then search goes back to the main thread).
      const at = this.slots.indexOf(slot);
      if (at >= 0 && this.startFailures < START_FAILURES) this.slots[at] = this.start();
    });
    return slot;
  }
}

/** FNV-1a of a text's UTF-16 units: which worker a query goes to first. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
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
