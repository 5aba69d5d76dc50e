import { Migrator, sql, type Migration, type MigrationResult } from 'kysely';
import type { Store } from './database.js';
import { backfillCompletion, backfillInsightColumns, backfillMemory } from './memory-backfill.js';
import * as initial from './migrations/2026-11-27-001-initial.js';
import * as attachmentChunks from './migrations/2026-11-27-002-attachment-chunks.js';
import * as mustChangePassword from './migrations/2026-12-05-001-must-change-password.js';
import * as membersNameAccounts from './migrations/2026-12-05-014-members-name-accounts.js';
import * as orderedIndexes from './migrations/2026-12-05-101-ordered-indexes.js';
import * as searchProse from './migrations/2026-12-05-201-search-prose.js';
import * as loginFailuresAt from './migrations/2026-12-06-071-login-failures-at.js';
import * as actionVerification from './migrations/2026-12-06-301-action-verification.js';
import * as listVisibilityIndex from './migrations/2026-12-06-301-list-visibility-index.js';
import * as reportRecurrences from './migrations/2026-12-06-302-report-recurrences.js';
import * as calendarFeeds from './migrations/2026-12-06-303-calendar-feeds.js';
import * as outbox from './migrations/2026-12-06-401-outbox.js';
import * as reminders from './migrations/2026-12-06-402-reminders.js';
import * as sharedMemory from './migrations/2026-12-06-601-shared-memory.js';
import * as insightVisibilityIndex from './migrations/2026-12-06-602-insight-visibility-index.js';
import * as trackerSync from './migrations/2026-12-07-101-tracker-sync.js';
import * as webhookRestricted from './migrations/2026-12-07-201-webhook-restricted.js';
import * as outboxSentIndex from './migrations/2026-12-07-202-outbox-sent-index.js';
import * as insightAggregates from './migrations/2026-12-07-401-insight-aggregates.js';
import * as insightGeneration from './migrations/2026-12-07-402-insight-generation.js';
import * as actionItemReportTitles from './migrations/2026-12-07-501-action-item-report-titles.js';
import * as searchSummaryIndex from './migrations/2026-12-08-101-search-summary-index.js';
import * as actionItemsCovering from './migrations/2026-12-08-301-action-items-covering.js';
import * as insightKept from './migrations/2026-12-08-401-insight-kept.js';
import * as completionQuality from './migrations/2026-12-08-402-completion-quality.js';
import * as insightCountsDone from './migrations/2026-12-08-403-insight-counts-done.js';
import * as pgSaveContention from './migrations/2026-12-08-501-pg-save-contention.js';
import * as searchHidden from './migrations/2026-12-09-201-search-hidden.js';
import * as trackerEventAt from './migrations/2026-12-09-601-tracker-event-at.js';
import * as countGeneration from './migrations/2026-12-10-300-count-generation.js';
import * as pgSearchDocumentInline from './migrations/2026-12-10-401-pg-search-document-inline.js';
import * as itemPageGeneration from './migrations/2026-12-11-300-item-page-generation.js';
import * as keyIndex from './migrations/2026-12-12-101-key-index.js';
import * as severityBuckets from './migrations/2026-12-13-150-severity-buckets.js';
import * as pgChangeNotify from './migrations/2026-12-13-300-pg-change-notify.js';
import * as pgSearchSeqOpen from './migrations/2026-12-14-401-pg-search-seq-open.js';
import * as actionItemsStatusOnce from './migrations/2026-12-16-401-action-items-status-once.js';
import * as pgSideRowsUnchecked from './migrations/2026-12-17-301-pg-side-rows-unchecked.js';
import { keptReady, rebuildKept } from './insight-kept.js';
import { fillKeyIndex } from './key-index.js';

// Listed here rather than read from disk so the same set runs from src (tsx, tests) and from dist.
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-27-001-initial': initial,
  '2026-11-27-002-attachment-chunks': attachmentChunks,
  '2026-12-05-001-must-change-password': mustChangePassword,
  '2026-12-05-014-members-name-accounts': membersNameAccounts,
  '2026-12-05-101-ordered-indexes': orderedIndexes,
  '2026-12-05-201-search-prose': searchProse,
  '2026-12-06-071-login-failures-at': loginFailuresAt,
  '2026-12-06-301-action-verification': actionVerification,
  '2026-12-06-301-list-visibility-index': listVisibilityIndex,
  '2026-12-06-302-report-recurrences': reportRecurrences,
  '2026-12-06-303-calendar-feeds': calendarFeeds,
  '2026-12-06-401-outbox': outbox,
  '2026-12-06-402-reminders': reminders,
  '2026-12-06-601-shared-memory': sharedMemory,
  '2026-12-06-602-insight-visibility-index': insightVisibilityIndex,
  '2026-12-07-101-tracker-sync': trackerSync,
  '2026-12-07-201-webhook-restricted': webhookRestricted,
  '2026-12-07-202-outbox-sent-index': outboxSentIndex,
  '2026-12-07-401-insight-aggregates': insightAggregates,
  '2026-12-07-402-insight-generation': insightGeneration,
  '2026-12-07-501-action-item-report-titles': actionItemReportTitles,
  '2026-12-08-101-search-summary-index': searchSummaryIndex,
  '2026-12-08-301-action-items-covering': actionItemsCovering,
  '2026-12-08-401-insight-kept': insightKept,
  '2026-12-08-402-completion-quality': completionQuality,
  '2026-12-08-403-insight-counts-done': insightCountsDone,
  '2026-12-08-501-pg-save-contention': pgSaveContention,
  '2026-12-09-201-search-hidden': searchHidden,
  '2026-12-09-601-tracker-event-at': trackerEventAt,
  '2026-12-10-300-count-generation': countGeneration,
  '2026-12-10-401-pg-search-document-inline': pgSearchDocumentInline,
  '2026-12-11-300-item-page-generation': itemPageGeneration,
  '2026-12-12-101-key-index': keyIndex,
  '2026-12-13-150-severity-buckets': severityBuckets,
  '2026-12-13-300-pg-change-notify': pgChangeNotify,
  '2026-12-14-401-pg-search-seq-open': pgSearchSeqOpen,
  '2026-12-16-401-action-items-status-once': actionItemsStatusOnce,
  '2026-12-17-301-pg-side-rows-unchecked': pgSideRowsUnchecked,
};

/**
 * Bring the schema up to date; returns the names of the migrations applied now. `through` stops after the
 * named migration (tests build a database as an older release left it, then upgrade it).
 */
export async function migrateToLatest(store: Store, options: { through?: string } = {}): Promise<string[]> {
  // A migration or backfill may sort a whole table (CREATE INDEX over millions of rows): on SQLite such a sort
  // spills to files while they run, not to memory as the connection's temp_store has it (see database.ts).
  store.sqlite?.pragma('temp_store = DEFAULT');
  try {
    return await migrate(store, options);
  } finally {
    store.sqlite?.pragma('temp_store = MEMORY');
  }
}

async function migrate(store: Store, options: { through?: string }): Promise<string[]> {
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
  // Derived rows the shared memory's tables need for reports stored before they existed (none once filled).
  let filled = 0;
  // Today's rows need today's schema: a database stopped before migration 401 is filled when it gets there.
  if (through === undefined || through >= INSIGHT_AGGREGATES) {
    filled += await backfillMemory(store);
    filled += await backfillInsightColumns(store);
  }
  if (through === undefined || through >= COMPLETION_QUALITY) filled += await backfillCompletion(store);
  // The key index of migration 2026-12-12-101, from report_keys (just filled too, if it was).
  if (store.sqlite && (through === undefined || through >= KEY_INDEX_MIGRATION)) fillKeyIndex(store.sqlite);
  // The kept tallies (migration 2026-12-08-401, with 402's columns) computed afresh when new, or when rows were
  // just filled.
  if ((through === undefined || through >= COMPLETION_QUALITY) && (filled > 0 || !(await keptReady(store))))
    await rebuildKept(store);
  // Insights kept by a server on this database were computed without the rows just filled.
  if (filled > 0 && (through === undefined || through >= INSIGHT_GENERATION))
    await sql`update insight_generation set n = n + 1 where id = 1`.execute(store.db);
  if (through === undefined || through >= SEARCH_SEQ_OPEN) await clusterSearch(store);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * PostgreSQL's search rows rewritten by migration 2026-12-14-401, in the order a search walks them (seq), once the
 * migrations' transaction has committed: inside it the rows' old versions, still its own, would be copied too
 * (the table at 20,000 reports 178 MB instead of 100 until a VACUUM). The migration leaves the table's comment
 * 'cluster pending', cleared here once done: a process stopped in between leaves the table as the migration did,
 * correct, and the next migrate clusters it. A server already running on the database waits for the table
 * meanwhile (seconds, once).
 */
async function clusterSearch(store: Store): Promise<void> {
  if (store.dialect !== 'postgres') return;
  const { rows } = await sql<{
    c: string | null;
  }>`select obj_description('report_search'::regclass, 'pg_class') as c`.execute(store.db);
  if (rows[0]?.c !== 'cluster pending') return;
  await sql`cluster report_search using report_search_seq`.execute(store.db);
  // CLUSTER remembers the index for a later bare CLUSTER; nothing here asks for one.
  await sql`alter table report_search set without cluster`.execute(store.db);
  await sql`comment on table report_search is null`.execute(store.db);
}

const INSIGHT_AGGREGATES = '2026-12-07-401-insight-aggregates';
const INSIGHT_GENERATION = '2026-12-07-402-insight-generation';
const COMPLETION_QUALITY = '2026-12-08-402-completion-quality';
const KEY_INDEX_MIGRATION = '2026-12-12-101-key-index';
const SEARCH_SEQ_OPEN = '2026-12-14-401-pg-search-seq-open';
