import { randomUUID } from 'node:crypto';
import type { Report } from '../domain/index.js';
import type {
  ActionItemsTable,
  AuditLogTable,
  OutboxTable,
  InsightItemsTable,
  ReportFactorsTable,
  ReportFactsTable,
  ReportKeysTable,
  ReportMembersTable,
  ReportRecurrencesTable,
  ReportPeopleTable,
  ReportRevisionsTable,
  ReportSystemsTable,
  ReportTagsTable,
  ReportsTable,
  TimelineEventsTable,
} from './database.types.js';
import { indexReport, memoryRows } from './report-index.js';

/** What a save records in the history besides the new content. */
export interface SaveInfo {
  userId: string | null;
  summary: string;
  changes: string[];
  at?: string;
  /** The audit entry for this save, written in the same transaction (its details gain the new version). */
  audit?: { action: string; details?: Record<string, unknown>; ip: string | null };
  /**
   * Messages the save queues (the e-mail of a report's publication) with the audit entry that records them:
   * written in the save's transaction, so the state change, the messages and their record stand or fall together.
   */
  queued?: {
    outbox: OutboxTable[];
    audit: { action: string; details: Record<string, unknown>; ip: string | null };
  };
}

/**
 * The columns of a report's row that follow from its content; `content` is the report as JSON text when the caller
 * has it already (a save writes the same text to the row and to its revision: stringified once).
 */
export const columnsOf = (report: Report, content: string = JSON.stringify(report)) => ({
  title: report.title,
  kind: report.kind,
  state: report.state,
  severity: report.severity ?? null,
  restricted: report.visibility === 'restricted' ? 1 : 0,
  period_start: report.period.start ?? null,
  content,
});

/** The rows kept beside a report, in step with its content, keyed by its id (and seq for the search index). */
export interface SideRows {
  action_items: ActionItemsTable[];
  timeline_events: TimelineEventsTable[];
  report_tags: ReportTagsTable[];
  report_systems: ReportSystemsTable[];
  report_people: ReportPeopleTable[];
  report_members: ReportMembersTable[];
  report_keys: ReportKeysTable[];
  /** One row; its `published` is the save's time when the report is published, kept by the writer after. */
  report_facts: ReportFactsTable[];
  report_factors: ReportFactorsTable[];
  insight_items: InsightItemsTable[];
  report_recurrences: ReportRecurrencesTable[];
}

export const SIDE_TABLES = [
  'action_items',
  'timeline_events',
  'report_tags',
  'report_systems',
  'report_people',
  'report_members',
  'report_keys',
  'report_facts',
  'report_factors',
  'insight_items',
  'report_recurrences',
] as const satisfies readonly (keyof SideRows)[];

/** Every row one save of a report writes besides the report row itself. */
export interface SaveRows {
  side: SideRows;
  search: { title: string; body: string };
  revision: ReportRevisionsTable;
  audit: AuditLogTable | undefined;
  /** The outbox rows the save queues and their audit entry (SaveInfo.queued). */
  queued: { outbox: OutboxTable[]; audit: AuditLogTable } | undefined;
}

/**
 * The rows a save of `report` at `version` writes: the side tables, the search entry, the revision and the
 * audit entry. One function for the repository and for bulk loads (bench/bulk-load.ts), so both write the same.
 */
export function saveRows(
  id: string,
  version: number,
  report: Report,
  info: SaveInfo,
  at: string,
  content: string = JSON.stringify(report),
): SaveRows {
  const ix = indexReport(report);
  const memory = memoryRows(
    id,
    report,
    report.state === 'published' || report.state === 'closed' ? at : null,
  );
  return {
    side: {
      action_items: ix.actionItems.map((a, position) => ({ report_id: id, position, ...a })),
      timeline_events: ix.timeline.map((e, position) => ({ report_id: id, position, ...e })),
      report_tags: ix.tags.map((tag) => ({ report_id: id, tag })),
      report_systems: ix.systems.map((system) => ({ report_id: id, system })),
      report_people: ix.people.map((p) => ({ report_id: id, ...p })),
      report_members: ix.members.map((principal) => ({ report_id: id, principal })),
      report_keys: memory.keys,
      report_facts: [memory.facts],
      report_factors: memory.factors,
      insight_items: memory.items,
      report_recurrences: [...new Set(report.recurrenceOf ?? [])].map((earlier_id) => ({
        report_id: id,
        earlier_id,
      })),
    },
    search: { title: ix.searchTitle, body: ix.searchBody },
    revision: {
      report_id: id,
      version,
      author_id: info.userId,
      created_at: at,
      summary: info.summary,
      changes: JSON.stringify(info.changes),
      content,
    },
    audit: info.audit
      ? {
          id: randomUUID(),
          at,
          user_id: info.userId,
          action: info.audit.action,
          target_type: 'report',
          target_id: id,
          details: JSON.stringify({ ...info.audit.details, version }),
          ip: info.audit.ip,
        }
      : undefined,
    queued: info.queued
      ? {
          outbox: info.queued.outbox,
          audit: {
            id: randomUUID(),
            at,
            user_id: info.userId,
            action: info.queued.audit.action,
            target_type: 'report',
            target_id: id,
            details: JSON.stringify({ ...info.queued.audit.details, version }),
            ip: info.queued.audit.ip,
          },
        }
      : undefined,
  };
}

/** A new report's row at version 1. */
export function newReportRow(
  id: string,
  seq: number,
  report: Report,
  info: SaveInfo,
  at: string,
  content: string = JSON.stringify(report),
): ReportsTable {
  return {
    id,
    seq,
    ...columnsOf(report, content),
    version: 1,
    review_round: 0,
    created_by: info.userId,
    created_at: at,
    updated_by: info.userId,
    updated_at: at,
    deleted_at: null,
  };
}
