// Real databases for repository and API tests: a SQLite file in a temp dir always, and PostgreSQL when
// HINDSIGHT_TEST_PG names a server (each test file gets its own database, dropped at the end).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openStore, type Dialect, type Store } from '../src/store/index.js';
import { KEY_INDEX } from '../src/store/key-index.js';

/** The dialects this run tests against. */
export function testDialects(): Dialect[] {
  return process.env.HINDSIGHT_TEST_PG ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestStore {
  store: Store;
  url: string;
  dispose(): Promise<void>;
}

/** A fresh, migrated database of a dialect; `through` stops at an older migration (to test upgrades). */
export async function openTestStore(
  dialect: Dialect,
  options: { through?: string } = {},
): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hindsight-test-'));
    const url = join(dir, 'hindsight.db');
    const store = openStore(url);
    await migrateToLatest(store, options);
    return {
      store,
      url,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.HINDSIGHT_TEST_PG;
  if (!base) throw new Error('HINDSIGHT_TEST_PG is not set');
  const name = `hindsight_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(base);
  target.pathname = `/${name}`;
  const url = target.toString();
  const store = openStore(url, { poolSize: 5 });
  await migrateToLatest(store, options);
  return {
    store,
    url,
    dispose: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A function reading every row of every table of `store` (sorted, as JSON text), but the columns a signed-in request
 * itself writes (a token's last use): two readings are equal when a request stored nothing. The key index (SQLite)
 * is contentless and cannot be read row by row: its shadow tables, read here, hold it.
 */
export async function storedRows(store: Store): Promise<() => Promise<Record<string, unknown[]>>> {
  const tables = (await store.db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => name !== KEY_INDEX)
    .sort();
  return async () => {
    const all: Record<string, unknown[]> = {};
    for (const t of tables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(store.db);
      all[t] = rows.rows.map((r) => JSON.stringify({ ...r, last_used_at: undefined })).sort();
    }
    return all;
  };
}
