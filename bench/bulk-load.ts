// Loads many new reports into a migrated SQLite file fast: the rows each save would write (saveRows and
// newReportRow, the functions the repository writes with), through prepared statements, a batch of reports per
// transaction. For building the bench dataset only: it takes the file to itself (no other writer) and skips
// what a service adds (audit entries, checks); test/bulk-load.test.ts compares its rows with the repository's.
import SQLite from 'better-sqlite3';
import type { Report } from '../src/domain/index.js';
import type * as RowsModule from '../src/store/report-rows.js';

type Rows = typeof RowsModule;

export interface BulkLoader {
  /** Queue one new report; written with its batch. */
  add(id: string, report: Report, info: RowsModule.SaveInfo & { at: string }): void;
  /** Write what is queued and close the file. */
  close(): void;
}

const insertOf = (db: SQLite.Database, table: string, columns: string[]) =>
  db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);

/** A loader into the SQLite file `file`, which the current migrations have made. */
export function bulkLoader(file: string, rows: Rows, batch = 1_000): BulkLoader {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const inserts = new Map<string, SQLite.Statement>();
  const insert = (table: string, row: object) => {
    const columns = Object.keys(row);
    const key = `${table}(${columns.join(',')})`;
    let stmt = inserts.get(key);
    if (!stmt) inserts.set(key, (stmt = insertOf(db, table, columns)));
    stmt.run(...Object.values(row));
  };
  let seq = Number((db.prepare('select max(seq) as n from reports').get() as { n: number | null }).n ?? 0);
  let queued: [string, Report, RowsModule.SaveInfo & { at: string }][] = [];
  const flush = db.transaction(() => {
    for (const [id, report, info] of queued) {
      seq += 1;
      insert('reports', rows.newReportRow(id, seq, report, info, info.at));
      const save = rows.saveRows(id, 1, report, info, info.at);
      for (const table of rows.SIDE_TABLES) for (const r of save.side[table]) insert(table, r);
      insert('report_search', { rowid: seq, ...save.search });
      insert('report_revisions', save.revision);
      if (save.audit) insert('audit_log', save.audit);
    }
    queued = [];
  });
  return {
    add(id, report, info) {
      queued.push([id, report, info]);
      if (queued.length >= batch) flush();
    },
    close() {
      if (queued.length > 0) flush();
      db.close();
    },
  };
}
