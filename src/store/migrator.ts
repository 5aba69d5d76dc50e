import { Migrator, type Migration, type MigrationResult } from 'kysely';
import type { Store } from './database.js';
import * as initial from './migrations/2026-11-27-001-initial.js';

// Listed here rather than read from disk so the same set runs from src (tsx, tests) and from dist.
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-27-001-initial': initial,
};

/** Bring the schema up to date; returns the names of the migrations applied now. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
