import type { Report } from './report.schema.js';

// The records the HTTP API sends as JSON, declared once: src/store builds them and web/ reads them.
// Pure types, so the browser bundle can import them without pulling in anything that runs.

export type Role = 'admin' | 'editor' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  /** An admin reset the password: the person must choose a new one before doing anything else. */
  mustChangePassword?: boolean;
}

/** The bookkeeping kept around every report, named the same in the store and in the API. */
export interface ReportBookkeeping {
  id: string;
  version: number;
  state: string;
  restricted: boolean;
  reviewRound: number;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
}

/** A report as `GET /api/postmortems/:id` returns it: the store's `seq` is sent as `number`. */
export interface PresentedReport extends ReportBookkeeping {
  number: number;
  report: Report;
}

/** One line of a list of reports; the store reads it from columns only, so lists never parse report bodies. */
export interface ReportSummary {
  id: string;
  seq: number;
  title: string;
  kind: string;
  state: string;
  severity: string | null;
  restricted: boolean;
  periodStart: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface SearchHit extends ReportSummary {
  score: number;
  /** Plain text with the matched words between \u0001 and \u0002. */
  snippet: string;
}

export interface ActionItemRow {
  reportId: string;
  reportTitle: string;
  id: string;
  title: string;
  owner: string | null;
  status: string;
  category: string | null;
  priority: string | null;
  deadline: string | null;
}

export interface RevisionSummary {
  version: number;
  authorId: string | null;
  createdAt: string;
  summary: string;
  changes: string[];
}

export interface Comment {
  id: string;
  reportId: string;
  /** A section (`analysis`) or a field path (`analysis.factors.0.text`) the comment is about. */
  anchor: string;
  body: string;
  authorId: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export type ReviewDecision = 'approve' | 'request_changes';

export interface Review {
  id: string;
  reportId: string;
  userId: string;
  round: number;
  decision: ReviewDecision;
  note: string | null;
  reportVersion: number;
  createdAt: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  userId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}
