import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { COUNT_GENERATION, CountCache } from './count-cache.js';
import { walIndexHeader } from './database.js';

/** A read-only connection to a SQLite file another connection (the app's) writes: for reads off the main thread. */
export interface SqliteReader {
  /** The rows of a read as arrays of column values (as Store.rawRows). */
  rawRows(sqlText: string, params: readonly unknown[]): unknown[][];
  /** As Store.changeMark: moves with every commit to the file by any connection. */
  changeMark(): Buffer | undefined;
  close(): void;
}

/**
 * Open `file` read-only. In WAL mode a reader runs beside the writer and sees every transaction committed
 * before its statement began, so a save acknowledged to a client is seen by the next read here.
 */
export function openSqliteReader(file: string, cacheKib = 256 * 1024): SqliteReader {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  // A checkpoint or the writer's recovery may hold a lock for a moment: wait instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  // The pages searches read (the full-text index, the summary index, the shown reports' prose) stay in memory until
  // the next commit by another connection (the default is 2 MB). 256 MB, not 32: on 100,000 reports the pages of a
  // page's summaries and prose were read again from the file (pread) at most searches, a twentieth of a varied search's
  // CPU (measured in process over the HTTP bench's 1,000 varied queries: 1.99 -> 1.89 ms). Pages are taken as read,
  // so a smaller database holds less. The search pool shares one budget among its workers (readerCacheKib).
  sqlite.pragma(`cache_size = -${Math.max(1024, Math.floor(cacheKib))}`);
  // No memory map: at the first read after any commit to the file by another connection (a save, a quality score,
  // a sign-in), SQLite drops the connection's page cache and unmaps its whole mapping (pager.c,
  // pagerBeginReadTransaction), and every page a search then reads is a page fault again. A 2 GB map measured a
  // tenth less CPU per search on a file nobody wrote, but 2.3 times more while scores were written every 0.3 s:
  // 6.0-6.4 CPU ms per varied search against 2.6-2.7 read with pread (100,000 reports).
  sqlite.pragma('mmap_size = 0');
  const statements = new Map<string, SQLite.Statement>();
  const marks = walIndexHeader(`${realpathSync(resolve(file))}-shm`);
  return {
    rawRows(sqlText, params) {
      let stmt = statements.get(sqlText);
      if (!stmt) {
        if (statements.size >= 200) statements.clear();
        statements.set(sqlText, (stmt = sqlite.prepare(sqlText).raw(true)));
      }
      return stmt.all(...params) as unknown[][];
    },
    changeMark: () => marks.read(),
    close() {
      marks.close();
      sqlite.close();
    },
  };
}

/**
 * The kept totals of searches on a reader, kept by count_generation's counters as the app's own
 * (CountCache.forStore): read again when the file's change mark moves, the counters stay put through commits
 * that change nothing a search counts (the background scorer's score writes, sign-ins, outbox claims). Kept by
 * the change mark alone, each such commit made every search worker count its searches afresh: a part of what the
 * background scorer's writes cost the varied searches in the HTTP bench's full run.
 */
export function readerCounts(reader: SqliteReader): CountCache {
  return new CountCache(reader.changeMark, {
    generation: () => {
      const row = reader.rawRows(COUNT_GENERATION, [])[0];
      return row ? { rows_gen: Number(row[0]), text_gen: Number(row[1]) } : undefined;
    },
  });
}
