import { AppError } from '../domain/index.js';
import { isPostgresUrl, migrateToLatest, openStore, type Store } from '../store/index.js';

/** Where the data lives when nothing else is said. */
export const DEFAULT_DATABASE = './data/hindsight.db';

/**
 * The database a command uses: --db, else DATABASE_URL, else the SQLite file under ./data. An empty
 * DATABASE_URL (`DATABASE_URL= hindsight serve`) counts as unset: SQLite would take '' for a throwaway
 * temporary database, and everything written would be lost at exit.
 */
export function databaseUrl(flag: string | undefined): string {
  return flag ?? (process.env.DATABASE_URL || undefined) ?? DEFAULT_DATABASE;
}

/** Open and migrate the database, with a message that says which one when that fails. */
export async function openMigratedStore(url: string): Promise<{ store: Store; applied: string[] }> {
  let store: Store;
  try {
    store = openStore(url);
  } catch (e) {
    throw new AppError('io', `cannot open the database ${url}: ${(e as Error).message}`);
  }
  try {
    const applied = await migrateToLatest(store);
    return { store, applied };
  } catch (e) {
    await store.close().catch(() => {});
    const where = isPostgresUrl(url) ? store.where : url;
    throw new AppError('io', `cannot use the database ${where}: ${(e as Error).message}`);
  }
}
