import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CountCache } from './count-cache.js';
import { walIndexHeader } from './database.js';

/** A read-only connection to a SQLite file another connection (the app's) writes: for reads off the main thread. */
export interface SqliteReader {
  /** The rows of a read as arrays of column values (as Store.rawRows). */
  rawRows(sqlText: string, params: readonly unknown[]): unknown[][];
  /** As Store.changeMark: moves with every commit to the file by any connection. */
  changeMark(): Buffer | undefined;
  close(): void;
}

/** How much of the file a reader maps into memory (see openSqliteReader). */
const MMAP_BYTES = 2 ** 31;

/**
 * Open `file` read-only. In WAL mode a reader runs beside the writer and sees every transaction committed
 * before its statement began, so a save acknowledged to a client is seen by the next read here.
 */
export function openSqliteReader(file: string): SqliteReader {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  // A checkpoint or the writer's recovery may hold a lock for a moment: wait instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  // The upper levels of the full-text index and the summary index stay in memory (the default is 2 MB).
  sqlite.pragma('cache_size = -32768');
  // The file is read through a memory map (SQLite caps it at 2 GB; the rest is read as before): a search reads
  // pages all over a large file (its matches' index and summary entries), and each page that is not in the
  // cache costs a read call and a copy into it otherwise. Measured on 100,000 reports (1.9 GB): a third less
  // CPU per search. The mapped pages are the operating system's file cache, shared by every reader.
  sqlite.pragma(`mmap_size = ${MMAP_BYTES}`);
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
 * the change mark alone, each such commit made every search worker count its searches afresh (in the HTTP
 * bench's full run, 1,000 varied searches cost 6.6 CPU ms each with the scorer on, 4.1 with it off).
 */
export function readerCounts(reader: SqliteReader): CountCache {
  return new CountCache(reader.changeMark, {
    generation: () => {
      const row = reader.rawRows('select rows_gen, text_gen from count_generation where id = 1', [])[0];
      return row ? { rows_gen: Number(row[0]), text_gen: Number(row[1]) } : undefined;
    },
  });
}
