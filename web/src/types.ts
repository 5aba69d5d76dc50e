import type { Report } from '../../src/domain/index.js';

export type Role = 'admin' | 'editor' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

/** A report as the API returns it. */
export interface StoredReport {
  id: string;
  number: number;
  version: number;
  state: string;
  restricted: boolean;
  reviewRound: number;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
  report: Report;
}

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
}

export interface SearchHit extends ReportSummary {
  score: number;
  snippet: string;
  snippetHtml: string;
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

export interface PageOf<T> {
  items: T[];
  total: number;
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

export interface Comment {
  id: string;
  reportId: string;
  anchor: string;
  body: string;
  authorId: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface Review {
  id: string;
  userId: string;
  round: number;
  decision: 'approve' | 'request_changes';
  note: string | null;
  reportVersion: number;
  createdAt: string;
}

export interface ReviewStatus {
  status: { round: number; required: number; approvals: number; changesRequested: string[] };
  reviews: Review[];
}

export interface Revision {
  version: number;
  authorId: string | null;
  createdAt: string;
  summary: string;
  changes: string[];
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
