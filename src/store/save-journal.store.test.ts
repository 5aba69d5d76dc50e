import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The temporary files SQLite has open in this process (it names them etilqs_… and unlinks them at once). */
const sqliteTempFiles = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).includes('etilqs_');
    } catch {
      return false; // closed meanwhile
    }
  });

describe('the savepoint journal of a save in a group commit (SQLite file)', () => {
  it('is kept in memory, not written to a temporary file, however many pages the save changes', async () => {
    const store = openStore(join(dir, 'journal.db'));
    const db = store.sqlite!;
    expect(db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY
    db.exec('create table t (id integer primary key, v blob not null)');
    const fill = db.prepare('insert into t (id, v) values (?, randomblob(3000))');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) fill.run(i);
    })();
    // As a group commit does (report-writes.ts): a transaction, each save in a savepoint that changes pages
    // already in the file (here some 600 KB of them, far past SQLite's 64 KB spill threshold).
    let during: string[] = [];
    db.transaction(() => {
      db.transaction(() => {
        db.prepare('update t set v = randomblob(3000)').run();
        during = sqliteTempFiles();
      })();
    }).immediate();
    expect(during).toEqual([]);
    // The savepoint still undoes its save alone when that save fails.
    const before = db.prepare('select sum(length(v)) as n, count(*) as c from t').get();
    db.transaction(() => {
      try {
        db.transaction(() => {
          db.prepare('update t set v = randomblob(10)').run();
          throw new Error('this save fails');
        })();
      } catch {
        // the group goes on
      }
      db.prepare("insert into t (id, v) values (1000, x'00')").run();
    }).immediate();
    expect(db.prepare('select sum(length(v)) as n, count(*) as c from t where id < 1000').get()).toEqual(
      before,
    );
    expect(db.prepare('select count(*) as c from t where id = 1000').get()).toEqual({ c: 1 });
    // Migrations sort with files while they run (an index build may sort millions of rows), then saves go on
    // with the journal in memory.
    await migrateToLatest(store);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    await store.close();
  });
});
