// Loads many new reports into a migrated SQLite file fast: the rows each save would write (saveRows and
// newReportRow, the functions the repository writes with), through prepared statements, a batch of reports per
// transaction. For building the bench dataset only: it takes the file to itself (no other writer) and skips
// what a service adds (audit entries, checks); test/bulk-load.test.ts compares its rows with the repository's.
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Report } from '../src/domain/index.js';
import type { Database } from '../src/store/database.types.js';
import type * as StoreModule from '../src/store/index.js';
import type * as RowsModule from '../src/store/report-rows.js';
import { keyDocument, keyIndexReady, runner, writeKeyChanges } from '../src/store/key-index.js';

type Rows = typeof RowsModule;

export interface BulkLoader {
  /** Queue one new report; written with its batch. */
  add(id: string, report: Report, info: RowsModule.SaveInfo & { at: string }): void | Promise<void>;
  /** Write what is queued (and close the file). */
  close(): void | Promise<void>;
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
  // The key index (migration 2026-12-12-101), written after the batch's other rows as saves write it.
  const keyIndex = keyIndexReady(db) ? runner(db) : undefined;
  const flush = db.transaction(() => {
    const keys: ReturnType<typeof keyDocument>[] = [];
    for (const [id, report, info] of queued) {
      seq += 1;
      insert('reports', rows.newReportRow(id, seq, report, info, info.at));
      const save = rows.saveRows(id, 1, report, info, info.at);
      for (const table of rows.SIDE_TABLES) for (const r of save.side[table]) insert(table, r);
      insert('report_search', { rowid: seq, ...save.search });
      insert('report_revisions', save.revision);
      if (save.audit) insert('audit_log', save.audit);
      keys.push(keyDocument(seq, save.side.report_keys));
    }
    if (keyIndex)
      writeKeyChanges(
        keyIndex,
        keys.map((k) => [undefined, k]),
      );
    queued = [];
  });
  return {
    add(id, report, info) {
      queued.push([id, report, info]);
      if (queued.length >= batch) flush();
    },
    close() {
      if (queued.length > 0) flush();
      // The kept tallies (insight-kept.ts) know nothing of these rows: the next start computes them afresh.
      db.prepare('update insight_kept_state set ready = 0').run();
      db.close();
    },
  };
}

/**
 * The same on PostgreSQL (or any store): a batch of reports per transaction, each table's rows of the batch
 * in multi-row inserts. The store must be migrated and hold no other writer.
 */
export function storeLoader(store: StoreModule.Store, rows: Rows, batch = 500): BulkLoader {
  let seq: number | undefined;
  let queued: [string, Report, RowsModule.SaveInfo & { at: string }][] = [];
  const insertAll = async (trx: Kysely<Database>, table: keyof Database, values: object[]) => {
    // PostgreSQL takes at most 65,535 parameters a statement.
    for (let i = 0; i < values.length; i += 2_000) {
      await trx
        .insertInto(table)
        .values(values.slice(i, i + 2_000) as never)
        .execute();
    }
  };
  const flush = async () => {
    const work = queued;
    queued = [];
    seq ??= Number(
      (await sql<{ n: number | null }>`select max(seq) as n from reports`.execute(store.db)).rows[0]?.n ?? 0,
    );
    const tables: Record<string, object[]> = { reports: [], report_search: [], report_revisions: [] };
    for (const t of rows.SIDE_TABLES) tables[t] = [];
    const keys: ReturnType<typeof keyDocument>[] = [];
    for (const [id, report, info] of work) {
      seq += 1;
      tables.reports!.push(rows.newReportRow(id, seq, report, info, info.at));
      const save = rows.saveRows(id, 1, report, info, info.at);
      for (const t of rows.SIDE_TABLES) tables[t]!.push(...save.side[t]);
      tables.report_search!.push({ report_id: id, ...save.search });
      tables.report_revisions!.push(save.revision);
      keys.push(keyDocument(seq, save.side.report_keys));
    }
    const keyIndex = store.sqlite && keyIndexReady(store.sqlite) ? runner(store.sqlite) : undefined;
    await store.db.transaction().execute(async (trx) => {
      await insertAll(trx, 'reports', tables.reports!);
      for (const t of rows.SIDE_TABLES) await insertAll(trx, t, tables[t]!);
      await insertAll(trx, 'report_search' as keyof Database, tables.report_search!);
      await insertAll(trx, 'report_revisions', tables.report_revisions!);
      if (keyIndex)
        writeKeyChanges(
          keyIndex,
          keys.map((k) => [undefined, k]),
        );
    });
  };
  return {
    async add(id, report, info) {
      queued.push([id, report, info]);
      if (queued.length >= batch) await flush();
    },
    async close() {
      if (queued.length > 0) await flush();
      // The seqs were chosen here: the sequence creates take theirs from (migration 2026-12-08-501) moves past.
      if (store.dialect === 'postgres')
        await sql`select setval(to_regclass('reports_next_seq'), (select max(seq) from reports))`.execute(
          store.db,
        );
      await sql`update insight_kept_state set ready = 0`.execute(store.db);
    },
  };
}
