import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors.js';
import { eventKindSchema, reportSchema, SECTION_KEYS } from './report.schema.js';
import { audienceSchema } from './audience.js';
import { recipientsSchema, settingsSchema } from './settings.schema.js';
import { OUTBOX_EVENTS } from './outbox-events.js';

// The records the HTTP API sends as JSON, declared once as zod schemas: the server's routes declare their
// replies with them (so /api/openapi.json describes every answer and the API tests check each reply
// against them), src/store builds the records, and web/ infers its types from them with type-only imports,
// which are erased, so the browser bundle does not carry these schemas.

const nullableString = z.string().nullable();
const modelPath = z.array(z.union([z.string(), z.number()]));

export const roleSchema = z.enum(['admin', 'editor', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  /** An admin reset the password: the person must choose a new one before doing anything else. */
  mustChangePassword: z.boolean().optional(),
});
export type User = z.infer<typeof userSchema>;

/** An account as the API shows it (presentUser): the reset flag always present. */
export const presentedUserSchema = userSchema.extend({ mustChangePassword: z.boolean() });

/** The bookkeeping kept around every report, named the same in the store and in the API. */
export const reportBookkeepingSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  state: z.string(),
  restricted: z.boolean(),
  reviewRound: z.number().int(),
  createdBy: nullableString,
  createdAt: z.string(),
  updatedBy: nullableString,
  updatedAt: z.string(),
});
export type ReportBookkeeping = z.infer<typeof reportBookkeepingSchema>;

/** A report as `GET /api/postmortems/:id` returns it: the store's `seq` is sent as `number`. */
export const presentedReportSchema = reportBookkeepingSchema.extend({
  number: z.number().int(),
  report: reportSchema,
});
export type PresentedReport = z.infer<typeof presentedReportSchema>;

/** One line of a list of reports; the store reads it from columns only, so lists never parse report bodies. */
export const reportSummarySchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  title: z.string(),
  kind: z.string(),
  state: z.string(),
  severity: nullableString,
  restricted: z.boolean(),
  periodStart: nullableString,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: nullableString,
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;

/** A search hit as the store ranks it. */
export const searchHitSchema = reportSummarySchema.extend({
  score: z.number(),
  /** Plain text with the matched words between \u0001 and \u0002. */
  snippet: z.string(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

/** A search hit as the API sends it: the snippet as plain text, and as HTML with the matches in <mark>. */
export const presentedSearchHitSchema = reportSummarySchema.extend({
  score: z.number(),
  snippet: z.string(),
  snippetHtml: z.string(),
});
export type PresentedSearchHit = z.infer<typeof presentedSearchHitSchema>;

export const actionItemRowSchema = z.object({
  reportId: z.string(),
  reportTitle: z.string(),
  id: z.string(),
  title: z.string(),
  owner: nullableString,
  status: z.string(),
  category: nullableString,
  priority: nullableString,
  deadline: nullableString,
  /** The recorded verification result (effective, ineffective, inconclusive), null before the check. */
  verification: nullableString,
  /** When the verification plan says to look. */
  verifyBy: nullableString,
  /** Completed, not yet verified, and not declined with a reason. */
  awaitingVerification: z.boolean(),
  /** The issue made for it in a tracker (its number or key, address and last known state). */
  issue: z
    .object({ key: z.string(), url: z.string(), state: z.enum(['open', 'closed']).nullable() })
    .nullable(),
});
export type ActionItemRow = z.infer<typeof actionItemRowSchema>;

const recurredActionSchema = z.object({ id: z.string(), title: z.string() });

/** A report's recurrence links: the earlier reports it recurs and the later ones that recur it. */
export const recurrenceSchema = z.object({
  /** Reports this one is a recurrence of, each with its completed actions whose cause came back. */
  earlier: z.array(
    z.object({ reportId: z.string(), title: z.string(), actions: z.array(recurredActionSchema) }),
  ),
  /** Later reports that name this one, each with this report's actions whose cause came back there. */
  later: z.array(
    z.object({ reportId: z.string(), title: z.string(), actions: z.array(recurredActionSchema) }),
  ),
});
export type Recurrence = z.infer<typeof recurrenceSchema>;

/** Actions flagged "recurred after fix" across the reports the caller may see. */
export const recurredActionsSchema = z.object({
  items: z.array(
    z.object({
      reportId: z.string(),
      reportTitle: z.string(),
      id: z.string(),
      title: z.string(),
      recurredIn: z.array(z.object({ reportId: z.string(), title: z.string() })),
    }),
  ),
  total: z.number().int(),
});
export type RecurredActions = z.infer<typeof recurredActionsSchema>;

export const revisionSummarySchema = z.object({
  version: z.number().int(),
  authorId: nullableString,
  createdAt: z.string(),
  summary: z.string(),
  changes: z.array(z.string()),
});
export type RevisionSummary = z.infer<typeof revisionSummarySchema>;

/** One past version of a report, whole. */
export const revisionSchema = revisionSummarySchema.extend({ report: reportSchema });

/** What changed between two versions, by model path. */
export const reportDiffSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(
    z.object({
      path: modelPath,
      op: z.enum(['add', 'remove', 'change']),
      from: z.unknown().optional(),
      to: z.unknown().optional(),
    }),
  ),
});

export const commentSchema = z.object({
  id: z.string(),
  reportId: z.string(),
  /** A section (`analysis`) or a field path (`analysis.factors.0.text`) the comment is about. */
  anchor: z.string(),
  body: z.string(),
  authorId: z.string(),
  createdAt: z.string(),
  resolvedAt: nullableString,
  resolvedBy: nullableString,
});
export type Comment = z.infer<typeof commentSchema>;

export const reviewDecisionSchema = z.enum(['approve', 'request_changes']);
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

export const reviewSchema = z.object({
  id: z.string(),
  reportId: z.string(),
  userId: z.string(),
  round: z.number().int(),
  decision: reviewDecisionSchema,
  note: nullableString,
  reportVersion: z.number().int(),
  createdAt: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;

/** Where the current review round stands, and every decision made. */
export const reviewStatusSchema = z.object({
  status: z.object({
    round: z.number().int(),
    required: z.number().int(),
    approvals: z.number().int(),
    changesRequested: z.array(z.string()),
  }),
  reviews: z.array(reviewSchema),
});
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  userId: nullableString,
  action: z.string(),
  targetType: nullableString,
  targetId: nullableString,
  details: z.record(z.string(), z.unknown()),
  ip: nullableString,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `{ items }`: a whole list in one answer. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** A page of a list: at most 10,000 counted (`totalExact` false beyond), and the cursor of the next page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    totalExact: z.boolean(),
    /** A cursor for the page after this one (null on the last). */
    next: nullableString,
    limit: z.number().int(),
    offset: z.number().int(),
  });
export const reportPageSchema = pageOf(reportSummarySchema);
export const actionItemPageSchema = pageOf(actionItemRowSchema);
export const searchPageSchema = pageOf(presentedSearchHitSchema).omit({ next: true });
export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  limit: z.number().int(),
  offset: z.number().int(),
});

/** Every failure: `{ code, message, details }`, details naming where (a model path, or a file position). */
export const errorBodySchema = z.object({
  code: z.enum([...new Set([...(Object.keys(ERROR_CODES) as ErrorCode[]), 'internal', 'unavailable'])]),
  message: z.string(),
  details: z.array(
    z.object({
      path: modelPath.optional(),
      file: z.string().optional(),
      line: z.number().int().optional(),
      column: z.number().int().optional(),
      message: z.string(),
    }),
  ),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const findingSchema = z.object({
  ruleId: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  suggestion: z.string().optional(),
  fix: z.object({ path: modelPath, replacement: z.string() }).optional(),
  path: modelPath,
  section: z.enum(SECTION_KEYS),
  range: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const qualityScoreSchema = z.object({
  overall: z.number(),
  sections: z.record(z.enum(SECTION_KEYS), z.number()),
  reasons: z.array(
    z.object({
      section: z.enum(SECTION_KEYS),
      ruleId: z.string(),
      severity: z.enum(['error', 'warning', 'info']),
      count: z.number().int(),
      points: z.number(),
      example: z.string(),
    }),
  ),
  parts: z.array(
    z.object({ section: z.enum(SECTION_KEYS), points: z.number(), earned: z.boolean(), asks: z.string() }),
  ),
  passMark: z.number(),
  passed: z.boolean(),
  cappedByError: z.boolean(),
});
export type QualityScore = z.infer<typeof qualityScoreSchema>;

export const lintResultSchema = z.object({ findings: z.array(findingSchema), score: qualityScoreSchema });

export const apiTokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: nullableString,
  revokedAt: nullableString,
});
/** A new token: its secret, shown only in this answer. */
export const createdTokenSchema = apiTokenSchema.extend({ token: z.string() });

export const attachmentInfoSchema = z.object({
  id: z.string(),
  reportId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdBy: nullableString,
  createdAt: z.string(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfoSchema>;

/** A timeline candidate read from evidence, as shown for review. */
export const evidenceCandidateSchema = z.object({
  /** Its position in the list, which `accept` refers to (uploads to a report only). */
  index: z.number().int().optional(),
  at: z.string(),
  kind: eventKindSchema,
  reason: z.string(),
  text: z.string(),
  actor: z.string().optional(),
  source: z.string(),
  link: z.string(),
  level: z.string().optional(),
});
export type EvidenceCandidate = z.infer<typeof evidenceCandidateSchema>;
export const evidenceStatsSchema = z.object({
  files: z.number().int(),
  bytes: z.number().int(),
  lines: z.number().int(),
  records: z.number().int(),
  skipped: z.number().int(),
  ignored: z.number().int(),
  filtered: z.number().int(),
  merged: z.number().int(),
  dropped: z.number().int(),
  warnings: z.array(z.string()),
});
/** `POST /api/evidence`: what a file reads to, with nothing stored. */
export const evidenceReadSchema = z.object({
  inputs: z.array(z.object({ name: z.string(), format: z.string().optional(), reason: z.string() })),
  stats: evidenceStatsSchema,
  candidates: z.array(evidenceCandidateSchema),
});
/** `POST /api/postmortems/:id/evidence`: the file kept as an attachment, and its numbered candidates. */
export const evidenceUploadSchema = evidenceReadSchema.extend({
  attachment: attachmentInfoSchema,
  zone: z.string().optional(),
  format: z.string().optional(),
  digest: z.string(),
  candidates: z.array(evidenceCandidateSchema.extend({ index: z.number().int() })),
});
/** The report after accepting candidates, and what was added. */
export const evidenceAcceptedSchema = presentedReportSchema.extend({
  added: z.object({
    events: z.number().int(),
    materials: z.number().int(),
    changes: z.number().int(),
    appendix: z.string().optional(),
    candidates: z.array(z.number().int()),
  }),
});

export const loginReplySchema = z.object({
  user: presentedUserSchema,
  csrfToken: z.string(),
  expiresAt: z.string(),
});
export const meReplySchema = z.object({
  user: presentedUserSchema,
  via: z.enum(['session', 'token', 'cli']),
});
export const passwordChangeReplySchema = z.object({
  user: presentedUserSchema,
  sessionsEnded: z.number().int(),
  tokensStillActive: z.number().int(),
});
/** An active account as anyone signed in may see it: to name the members of a restricted report. */
export const directoryEntrySchema = z.object({ id: z.string(), name: z.string(), email: z.string() });

export { settingsSchema };

// ── shared memory (issue 17) ───────────────────────────────────────────────────────────────────────

/** A report related to another: a summary, the score it ranked by and the reasons in words. */
export const relatedReportSchema = reportSummarySchema.extend({
  score: z.number(),
  reasons: z.array(z.string()),
});
export type RelatedReport = z.infer<typeof relatedReportSchema>;
export const relatedListSchema = z.object({ items: z.array(relatedReportSchema) });

const figureCell = { figure: z.string(), group: z.string() };
const distributionRowSchema = z.object({
  ...figureCell,
  count: z.number().int(),
  min: z.number(),
  p25: z.number(),
  median: z.number(),
  p75: z.number(),
  p90: z.number(),
  max: z.number(),
});
const countRowSchema = z.object({ ...figureCell, count: z.number().int() });
const byQuarterAndSeverity = z.object({
  byQuarter: z.array(distributionRowSchema),
  bySeverity: z.array(distributionRowSchema),
});

/** The figures of the insights page (computeInsights in src/domain/memory.ts). */
export const insightsSchema = z.object({
  reports: z.number().int(),
  durations: z.object({
    timeToDetect: byQuarterAndSeverity,
    timeToRespond: byQuarterAndSeverity,
    timeToMitigate: byQuarterAndSeverity,
    timeToResolve: byQuarterAndSeverity,
  }),
  detection: z.array(countRowSchema.extend({ period: z.string(), series: z.string() })),
  followUp: z.object({
    statuses: z.array(countRowSchema),
    overdueByAge: z.array(countRowSchema),
    verification: z.array(countRowSchema),
    completion: z.array(countRowSchema),
  }),
  health: z.object({
    daysToPublish: z.array(distributionRowSchema),
    reviewRounds: z.array(countRowSchema),
    quality: z.array(distributionRowSchema),
    scored: z.array(countRowSchema),
  }),
  bySystem: z.array(countRowSchema),
  byKind: z.array(countRowSchema),
});
export type InsightsReply = z.infer<typeof insightsSchema>;

/** A report behind a figure's group. */
export const figureReportSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  severity: nullableString,
  started: nullableString,
});
export type FigureReport = z.infer<typeof figureReportSchema>;
export const figureReportsSchema = z.object({
  total: z.number().int(),
  items: z.array(figureReportSchema),
});

/** One contributing factor as the recurring-factors page lists it. */
export const factorEntrySchema = z.object({
  reportId: z.string(),
  reportTitle: z.string(),
  factorId: z.string(),
  text: z.string(),
  category: nullableString,
  quarter: nullableString,
  /** What became of the actions addressing it (FACTOR_ACTION_STATES). */
  actionState: z.string(),
});
/** A category (taxonomy or fishbone) with its count, its count per quarter and its factors. */
export const factorGroupSchema = z.object({
  name: z.string(),
  count: z.number().int(),
  trend: z.array(z.object({ quarter: z.string(), count: z.number().int() })),
  states: z.record(z.string(), z.number().int()),
  /** The newest `limit` factors of the category (after `cursor` when one is given). */
  factors: z.array(factorEntrySchema),
  /** The cursor of this category's next factors (ask again with `category` and `cursor`), null at the end. */
  next: nullableString,
});
export const recurringFactorsSchema = z.object({
  categories: z.array(factorGroupSchema),
  fishbone: z.array(factorGroupSchema.omit({ factors: true, next: true })),
  /** How "recurred after fix" is decided; absent until the recurrence links are kept (see the store). */
  recurrence: z.string(),
});
export type RecurringFactors = z.infer<typeof recurringFactorsSchema>;

/** A system's page: its reports, open actions and recurring factor categories. */
export const systemPageSchema = z.object({
  system: z.string(),
  reports: z.array(reportSummarySchema),
  openActions: z.array(
    z.object({
      reportId: z.string(),
      itemId: z.string(),
      title: z.string(),
      owner: nullableString,
      status: z.string(),
      deadline: nullableString,
    }),
  ),
  factors: z.array(z.object({ name: z.string(), count: z.number().int() })),
});
export type SystemPage = z.infer<typeof systemPageSchema>;

/** A report to look at again on the anniversary of its incident, and why. */
export const revisitItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  started: z.string(),
  anniversary: z.string(),
  years: z.number().int(),
  reasons: z.array(z.string()),
});
export const revisitListSchema = z.object({ items: z.array(revisitItemSchema) });
// ── outgoing webhooks (admin settings) ────────────────────────────────────────────────────────────

/** Only web addresses: a subscription never reaches a file, a socket path or another scheme. */
const webhookUrl = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine((u) => {
    try {
      const url = new URL(u);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address');

export const webhookFormatSchema = z.enum(['json', 'slack']);
const webhookEvents = z
  .array(z.enum(OUTBOX_EVENTS))
  .min(1, 'name at least one event')
  .max(OUTBOX_EVENTS.length)
  .transform((events) => [...new Set(events)]);

/** What an admin sends to subscribe. */
export const webhookCreateSchema = z.strictObject({
  url: webhookUrl,
  events: webhookEvents,
  format: webhookFormatSchema.default('json'),
  active: z.boolean().default(true),
  /** Also send the events of restricted reports (their titles and actions leave Hindsight): opt-in. */
  restrictedReports: z.boolean().default(false),
});
/** What an admin sends to change a subscription (any of its fields). */
export const webhookPatchSchema = z.strictObject({
  url: webhookUrl.optional(),
  events: webhookEvents.optional(),
  format: webhookFormatSchema.optional(),
  active: z.boolean().optional(),
  restrictedReports: z.boolean().optional(),
});

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  format: webhookFormatSchema,
  active: z.boolean(),
  restrictedReports: z.boolean(),
  createdAt: z.string(),
});
export type WebhookInfo = z.infer<typeof webhookSchema>;
/** A new subscription: the only time its signing secret is shown. */
export const webhookCreatedSchema = webhookSchema.extend({ secret: z.string() });

/** One entry of a subscription's delivery log. */
export const deliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  createdAt: z.string(),
  dueAt: z.string(),
  sentAt: nullableString,
  lastStatus: z.number().int().nullable(),
  lastError: nullableString,
});
export type Delivery = z.infer<typeof deliverySchema>;

/** A person's reminder e-mails as GET/PUT /api/profile/reminders show them. */
export const reminderSettingsSchema = z.object({
  enabled: z.boolean(),
  timeZone: nullableString,
  /** The local hour from which the day's digest goes out, and "due soon" in days (server settings). */
  hour: z.number().int(),
  days: z.number().int(),
  /** Whether this server sends mail at all. */
  mailConfigured: z.boolean(),
});
export type ReminderSettings = z.infer<typeof reminderSettingsSchema>;

/** POST /api/postmortems/:id/distribute: which version, and to whom (else the list of the report's kind). */
export const distributeRequestSchema = z.strictObject({
  audience: audienceSchema,
  to: recipientsSchema.optional(),
});

/** What a sending by e-mail queued: one outbox delivery per recipient. */
export const distributionSchema = z.object({
  audience: audienceSchema,
  recipients: z.array(z.string()),
  deliveries: z.array(z.string()),
  /** Where the recipients came from: the request, or the settings' list for the report's kind. */
  source: z.enum(['request', 'settings']),
});
export type Distribution = z.infer<typeof distributionSchema>;

// ── issue trackers ───────────────────────────────────────────────────────────────────────────────

export const TRACKER_KINDS = ['github', 'jira'] as const;
const trackerName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const trackerToken = z
  .string()
  .min(4, 'must be at least 4 characters')
  .max(1000, 'must be at most 1000 characters');
const ghName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'must be a GitHub owner or repository name (letters, digits, . _ -)',
  );

/** A GitHub connection as an admin enters it; `token` is stored encrypted. */
export const githubConnectionInput = z.strictObject({
  kind: z.literal('github'),
  name: trackerName,
  baseUrl: webhookUrl.default('https://api.github.com'),
  owner: ghName,
  repo: ghName,
  token: trackerToken,
});
/** A Jira Cloud connection (REST API v3, e-mail + API token as basic auth). */
export const jiraConnectionInput = z.strictObject({
  kind: z.literal('jira'),
  name: trackerName,
  baseUrl: webhookUrl,
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'must be a Jira project key such as OPS'),
  issueType: z.string().trim().min(1).max(100).default('Task'),
  email: z.email().max(320),
  token: trackerToken,
});
export const trackerConnectionCreateSchema = z.discriminatedUnion('kind', [
  githubConnectionInput,
  jiraConnectionInput,
]);
/** A change to a connection: any field but the kind; a new token replaces the stored one. */
export const trackerConnectionPatchSchema = z.strictObject({
  name: trackerName.optional(),
  baseUrl: webhookUrl.optional(),
  owner: ghName.optional(),
  repo: ghName.optional(),
  projectKey: jiraConnectionInput.shape.projectKey.optional(),
  issueType: z.string().trim().min(1).max(100).optional(),
  email: z.email().max(320).optional(),
  token: trackerToken.optional(),
  /** Make a new webhook secret (shown once in the reply); the old one stops being accepted. */
  newWebhookSecret: z.boolean().optional(),
});

/** A connection as the API shows it: never the token, only that it is set and its last four characters. */
export const trackerConnectionSchema = z.object({
  id: z.string(),
  kind: z.enum(TRACKER_KINDS),
  name: z.string(),
  baseUrl: z.string(),
  owner: z.string().optional(),
  repo: z.string().optional(),
  projectKey: z.string().optional(),
  issueType: z.string().optional(),
  email: z.string().optional(),
  token: z.object({ set: z.boolean(), last4: z.string() }),
  /** The path of this connection's inbound webhook (without the secret). */
  webhookPath: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TrackerConnectionInfo = z.infer<typeof trackerConnectionSchema>;
/** A new connection (or a new webhook secret): the only time the webhook secret is shown. */
export const trackerConnectionCreatedSchema = trackerConnectionSchema.extend({
  webhookSecret: z.string().optional(),
});

/** The issue made for an action item, and how it stands. */
export const trackerLinkSchema = z.object({
  reportId: z.string(),
  actionId: z.string(),
  connectionId: z.string(),
  tracker: z.enum(TRACKER_KINDS).nullable(),
  status: z.enum(['pending', 'linked', 'failed']),
  key: nullableString,
  url: nullableString,
  state: z.enum(['open', 'closed']).nullable(),
  error: nullableString,
  updatedAt: z.string(),
});
export type TrackerLinkInfo = z.infer<typeof trackerLinkSchema>;
export const trackerLinksSchema = z.object({ items: z.array(trackerLinkSchema) });
