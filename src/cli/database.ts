import { AppError } from '../domain/index.js';
import { isPostgresUrl, migrateToLatest, openStore, type Store } from '../store/index.js';

export { databaseUrl, DEFAULT_DATABASE } from './config.js';

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
