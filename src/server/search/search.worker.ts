// A search worker thread (see search-pool.ts): its own read-only connection to the SQLite file, the same search
// as the app's (searchSqliteHits) and the reply's JSON text the route's would be (searchPageJson, from the
// summaries as SQLite wrote them), sent as UTF-8 bytes whose memory is handed over to the main thread
// (transferred, not copied): the main thread neither copies the text out of the message nor encodes it to send it.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteReader, readerCounts } from '../../store/read-only.js';
import { searchSqliteHits } from '../../store/report-search.query.js';
import { searchPageJson } from '../presenters.js';
import { COMPRESS_THRESHOLD, compressedAs } from '../reply-compression.js';
import type { SearchAnswer, SearchJob } from './search-pool.js';

const port = parentPort!;
const { file, cacheKib } = workerData as { file: string; cacheKib: number };
const reader = openSqliteReader(file, cacheKib);
// Totals kept by count_generation's counters, as the app's own (see readerCounts).
const counts = readerCounts(reader);
const utf8 = new TextEncoder();

port.on('message', ({ id, job }: { id: number; job: SearchJob }) => void answer(id, job));

async function answer(id: number, task: SearchJob) {
  let reply: SearchAnswer;
  try {
    const page = await searchSqliteHits(counts, task.viewer, task.q, task.page, reader.rawRows);
    // TextEncoder's bytes have an ArrayBuffer of their own (Buffer.from may slice a shared pool).
    const json = utf8.encode(searchPageJson(page, task.page.limit, task.page.offset));
    // Compressed here, as the reply's hook would on the main thread's side (measured: on zlib's thread pool, a
    // 26 KB page cost 1.3 ms of CPU a search), copied into bytes of their own to hand over.
    reply =
      task.encoding && json.length >= COMPRESS_THRESHOLD
        ? {
            json: new Uint8Array(compressedAs(task.encoding, Buffer.from(json.buffer, 0, json.length))),
            encoding: task.encoding,
          }
        : { json };
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  // The bytes' memory is handed over to the main thread, not copied.
  port.postMessage({ id, reply }, reply.json ? [reply.json.buffer as ArrayBuffer] : []);
}
port.postMessage({ ready: true });
