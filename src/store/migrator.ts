import { Migrator, type Migration, type MigrationResult } from 'kysely';
import type { Store } from './database.js';
import * as initial from './migrations/2026-11-27-001-initial.js';
import * as attachmentChunks from './migrations/2026-11-27-002-attachment-chunks.js';
import * as mustChangePassword from './migrations/2026-12-05-001-must-change-password.js';
import * as membersNameAccounts from './migrations/2026-12-05-014-members-name-accounts.js';
import * as orderedIndexes from './migrations/2026-12-05-101-ordered-indexes.js';
import * as searchProse from './migrations/2026-12-05-201-search-prose.js';
import * as actionVerification from './migrations/2026-12-06-301-action-verification.js';
import * as reportRecurrences from './migrations/2026-12-06-302-report-recurrences.js';
import * as calendarFeeds from './migrations/2026-12-06-303-calendar-feeds.js';

// Listed here rather than read from disk so the same set runs from src (tsx, tests) and from dist.
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-27-001-initial': initial,
  '2026-11-27-002-attachment-chunks': attachmentChunks,
  '2026-12-05-001-must-change-password': mustChangePassword,
  '2026-12-05-014-members-name-accounts': membersNameAccounts,
  '2026-12-05-101-ordered-indexes': orderedIndexes,
  '2026-12-05-201-search-prose': searchProse,
  '2026-12-06-301-action-verification': actionVerification,
  '2026-12-06-302-report-recurrences': reportRecurrences,
  '2026-12-06-303-calendar-feeds': calendarFeeds,
};

/**
 * Bring the schema up to date; returns the names of the migrations applied now. `through` stops after the
 * named migration (tests build a database as an older release left it, then upgrade it).
 */
export async function migrateToLatest(store: Store, options: { through?: string } = {}): Promise<string[]> {
  const { through } = options;
  if (through !== undefined && !(through in MIGRATIONS)) throw new Error(`no migration named ${through}`);
  const migrations = Object.fromEntries(
    Object.entries(MIGRATIONS).filter(([name]) => through === undefined || name <= through),
  );
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
