// The records the API sends are declared once, as zod schemas in src/domain/api-contract.ts, for the server's
// routes (their response schemas) and this client alike: every type here is inferred from them. The imports
// are type-only, so no schema reaches the browser bundle.
import type { z } from 'zod';
import type * as Contract from '../../src/domain/api-contract.js';

export type {
  ActionItemRow,
  AuditEntry,
  Comment,
  ErrorBody,
  Finding,
  QualityScore,
  ReportSummary,
  Review,
  ReviewStatus,
  RevisionSummary as Revision,
  Role,
  User,
} from '../../src/domain/api-contract.js';
export type { SeverityLevel } from '../../src/domain/severity.js';
export type { Settings } from '../../src/domain/settings.schema.js';

/** A report as the API returns it. */
export type StoredReport = Contract.PresentedReport;

/** A search result as the API sends it: the store's hit plus its snippet marked up for display. */
export type SearchHit = Contract.PresentedSearchHit;

/** Pages of lists: at most 10,000 counted (`totalExact` false beyond); lists carry the next page's cursor. */
export type ReportPage = z.infer<typeof Contract.reportPageSchema>;
export type ActionItemPage = z.infer<typeof Contract.actionItemPageSchema>;
export type SearchPage = z.infer<typeof Contract.searchPageSchema>;
/** Recurrence links of a report, and the actions that recurred after their fix. */
export type Recurrence = Contract.Recurrence;
export type RecurredActions = Contract.RecurredActions;

/** An active account as the directory lists it (members of restricted reports). */
export type Account = z.infer<typeof Contract.directoryEntrySchema>;
export type ApiToken = z.infer<typeof Contract.apiTokenSchema>;
export type PasswordChanged = z.infer<typeof Contract.passwordChangeReplySchema>;
export type ReportDiff = z.infer<typeof Contract.reportDiffSchema>;

/** Evidence read from a file, for review; an upload to a saved report, kept as an attachment; accepted. */
export type EvidenceCandidate = z.infer<typeof Contract.evidenceCandidateSchema>;
export type Extraction = z.infer<typeof Contract.evidenceReadSchema>;
export type EvidenceUpload = z.infer<typeof Contract.evidenceUploadSchema>;
export type EvidenceAccepted = z.infer<typeof Contract.evidenceAcceptedSchema>;

/** A webhook subscription and one entry of its delivery log (admin settings). */
export type Webhook = Contract.WebhookInfo;
export type WebhookCreated = z.infer<typeof Contract.webhookCreatedSchema>;
export type Delivery = Contract.Delivery;
export type ReminderSettings = Contract.ReminderSettings;
export type TrackerConnection = Contract.TrackerConnectionInfo;
export type TrackerConnectionCreated = z.infer<typeof Contract.trackerConnectionCreatedSchema>;
export type TrackerLink = Contract.TrackerLinkInfo;
export interface TrackerChoice {
  id: string;
  kind: 'github' | 'jira';
  name: string;
}
