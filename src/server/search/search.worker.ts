// A search worker thread (see search-pool.ts): its own read-only connection to the SQLite file, the same search
// as the app's (searchSqliteReports) and the reply's JSON text built as the route builds it (presentSearchPage).
import { parentPort, workerData } from 'node:worker_threads';
import { CountCache } from '../../store/count-cache.js';
import { openSqliteReader } from '../../store/read-only.js';
import { searchSqliteReports } from '../../store/report-search.query.js';
import { presentSearchPage } from '../presenters.js';
import type { SearchAnswer, SearchJob } from './search-pool.js';

const port = parentPort!;
const reader = openSqliteReader((workerData as { file: string }).file);
// Totals kept while the file's change mark stands, as the app's own (a commit by any connection moves it).
const counts = new CountCache(reader.changeMark);

port.on('message', ({ id, job }: { id: number; job: SearchJob }) => void answer(id, job));

async function answer(id: number, task: SearchJob) {
  let reply: SearchAnswer;
  try {
    const page = await searchSqliteReports(counts, task.viewer, task.q, task.page, reader.rawRows);
    reply = { json: JSON.stringify(presentSearchPage(page, task.page.limit, task.page.offset)) };
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage({ id, reply });
}
port.postMessage({ ready: true });
