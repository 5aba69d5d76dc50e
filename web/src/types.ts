// The records the API sends are declared once, in src/domain/api-contract.ts, for the server and this client alike.
import type { PresentedReport, Review, SearchHit as RankedSummary } from '../../src/domain/api-contract.js';

export type {
  ActionItemRow,
  AuditEntry,
  Comment,
  ReportSummary,
  Review,
  RevisionSummary as Revision,
  Role,
  User,
} from '../../src/domain/api-contract.js';

/** A report as the API returns it. */
export type StoredReport = PresentedReport;

/** A search result as the API sends it: the store's hit plus its snippet marked up for display. */
export interface SearchHit extends RankedSummary {
  snippetHtml: string;
}

export interface PageOf<T> {
  items: T[];
  /** At most 10,000; `totalExact` is false when there are more. */
  total: number;
  totalExact?: boolean;
  /** Lists and action items: a cursor for the page after this one (null on the last). */
  next?: string | null;
  limit: number;
  offset: number;
}

export interface Finding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  suggestion?: string;
  fix?: { path: (string | number)[]; replacement: string };
  path: (string | number)[];
  section: string;
  range?: { start: number; end: number };
}

export interface QualityScore {
  overall: number;
  sections: Record<string, number>;
  reasons: {
    section: string;
    ruleId: string;
    severity: string;
    count: number;
    points: number;
    example: string;
  }[];
}

export interface ReviewStatus {
  status: { round: number; required: number; approvals: number; changesRequested: string[] };
  reviews: Review[];
}

export interface SeverityLevel {
  id: string;
  rank: number;
  name: string;
  definition: string;
}

export interface Settings {
  severityScale: { levels: SeverityLevel[] };
  requiredApprovals: number;
  roster: { name: string; email?: string; role?: string; team?: string }[];
  templates: {
    id: string;
    name: string;
    kind: string;
    description?: string;
    tags: string[];
    guidance: Record<string, string>;
  }[];
}
