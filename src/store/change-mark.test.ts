import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-mark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the change mark of a SQLite file (its WAL-index header)', () => {
  it('stays put while nothing commits and moves with every commit, from any connection', async () => {
    const file = join(dir, 'mark.db');
    const a = openStore(file);
    const b = openStore(file);
    try {
      await migrateToLatest(a);
      await sql`select count(*) from reports`.execute(a.db);
      const first = a.changeMark!();
      expect(first).toBeInstanceOf(Buffer);
      await sql`select count(*) from users`.execute(a.db);
      await sql`select count(*) from users`.execute(b.db);
      expect(a.changeMark!()!.equals(first!)).toBe(true);
      // A commit on the other connection moves it; so does one on this connection.
      await sql`create table scratch (x integer)`.execute(b.db);
      const second = a.changeMark!()!;
      expect(second.equals(first!)).toBe(false);
      expect(b.changeMark!()!.equals(second)).toBe(true);
      await sql`insert into scratch values (1)`.execute(a.db);
      expect(a.changeMark!()!.equals(second)).toBe(false);
      // A transaction rolled back commits nothing.
      const third = a.changeMark!()!;
      await a.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into scratch values (2)`.execute(trx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(a.changeMark!()!.equals(third)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('finds the mark beside the file a symbolic link points to, where SQLite keeps it', async () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'linked.db');
    const first = openStore(target);
    await migrateToLatest(first);
    await first.close();
    const link = join(dir, 'link.db');
    symlinkSync(target, link);
    const viaLink = openStore(link);
    try {
      await sql`select count(*) from users`.execute(viaLink.db);
      const before = viaLink.changeMark!();
      expect(before).toBeInstanceOf(Buffer);
      await sql`create table scratch (x integer)`.execute(viaLink.db);
      expect(viaLink.changeMark!()!.equals(before!)).toBe(false);
    } finally {
      await viaLink.close();
    }
  });

  it('has no mark for a database in memory', async () => {
    const m = openStore(':memory:');
    try {
      expect(m.changeMark).toBeUndefined();
    } finally {
      await m.close();
    }
  });
});
