// Timestamps are canonical UTC ISO strings on both dialects so that ordering and comparison behave alike;
// flags are 0/1 integers for the same reason.

import type { ColumnType } from 'kysely';

export interface ReportsTable {
  id: string;
  seq: number;
  title: string;
  kind: string;
  state: string;
  severity: string | null;
  restricted: number;
  period_start: string | null;
  content: string;
  version: number;
  review_round: number;
  created_by: string | null;
  created_at: string;
  updated_by: string | null;
  updated_at: string;
  deleted_at: string | null;
}

export interface ReportRevisionsTable {
  report_id: string;
  version: number;
  author_id: string | null;
  created_at: string;
  summary: string;
  changes: string;
  content: string;
}

export interface ActionItemsTable {
  report_id: string;
  position: number;
  item_id: string;
  title: string;
  owner: string | null;
  owner_key: string | null;
  status: string;
  category: string | null;
  priority: string | null;
  deadline: string | null;
  /** The recorded verification result, null until someone checks. */
  verification_result: string | null;
  /** The date the verification plan says to look by. */
  verify_by: string | null;
  /** 1 when the action carries a reason it will not be done or checked. */
  declined: number;
  /**
   * The day (YYYY-MM-DD, UTC) a save first stored the action completed; null when not known (it was completed
   * when the store first saw it). Kept by the writer across saves (migration 2026-12-08-402).
   */
  completed_on?: string | null;
}

export interface TimelineEventsTable {
  report_id: string;
  position: number;
  at: string | null;
  kind: string;
  text: string;
}

export interface ReportTagsTable {
  report_id: string;
  tag: string;
}

export interface ReportSystemsTable {
  report_id: string;
  system: string;
}

export interface ReportPeopleTable {
  report_id: string;
  person: string;
  role: string;
}

export interface ReportMembersTable {
  report_id: string;
  principal: string;
}

/** What a report can share with another (see relationKeys in src/domain/memory.ts), by kind and key. */
export interface ReportKeysTable {
  report_id: string;
  kind: string;
  key: string;
  label: string;
  /** When the incident began ('' when unknown): candidates are taken newest first. */
  started: string;
}

/** The figures of one report for the insights (InsightRow in src/domain/memory.ts). */
export interface ReportFactsTable {
  report_id: string;
  title: string;
  kind: string;
  severity: string | null;
  state: string;
  started: string | null;
  quarter: string | null;
  detection: string | null;
  time_to_detect: number | null;
  time_to_respond: number | null;
  time_to_mitigate: number | null;
  time_to_resolve: number | null;
  /** When the report was first published (kept across later saves). */
  published: string | null;
  actions_total: number;
  actions_completed: number;
  actions_wont_do: number;
  verified_effective: number;
  verified_ineffective: number;
  /** Deadlines of actions not yet done, comma-separated. */
  open_deadlines: string;
  /** Systems and tags in compared form, one per line. */
  systems: string;
  tags: string;
  /** 1 when every viewer counts the report (not deleted, not restricted); null until filled (migration 401). */
  public: number | null;
  review_round: number | null;
  days_to_publish: number | null;
  system_count: number | null;
  /** The bucket of each value beside it (bucketOf in src/domain/memory.ts). */
  b_detect: number | null;
  b_respond: number | null;
  b_mitigate: number | null;
  b_resolve: number | null;
  b_publish: number | null;
  /** Completed actions on time, late, with no deadline, unknown (migration 2026-12-08-402; null until filled). */
  done_on_time: number | null;
  done_late: number | null;
  done_no_deadline: number | null;
  done_unknown: number | null;
  /** The linter's quality score as last saved, and its bucket; null until scored. */
  quality_score: number | null;
  b_quality: number | null;
}

/** A contributing factor with its taxonomy category and what became of the actions that address it. */
/** One row: moved by every commit that changes what the insights are made of. */
export interface InsightGenerationTable {
  id: number;
  n: number;
}

/** The insights' tallies over the public reports by quarter and severity, kept by every save (migration 2026-12-08-401). */
export interface InsightKeptTable {
  /** '' for no quarter (or severity). */
  quarter: string;
  severity: string;
  figure: string;
  grp: string;
  n: number;
  /** The least and greatest value of a duration's bucket; null for counts. */
  lo: number | null;
  hi: number | null;
}

export interface InsightKeptStateTable {
  id: number;
  /** 1 once the kept rows have been computed from report_facts. */
  ready: number;
}

/** What a report has several of that the insights count (a system, an open action's deadline). */
export interface InsightItemsTable {
  report_id: string;
  item: 'system' | 'deadline';
  value: string;
  /** As report_facts.public, but never null. */
  public: number;
  kind: string;
  severity: string | null;
  started: string | null;
}

export interface ReportFactorsTable {
  report_id: string;
  position: number;
  factor_id: string;
  category: string | null;
  category_key: string | null;
  text: string;
  quarter: string | null;
  action_state: string;
}

/** A person's secret calendar address, by the SHA-256 of its secret. */
export interface CalendarFeedsTable {
  user_id: string;
  secret_hash: string;
  created_at: string;
}

/** A report's link to an earlier report it is a recurrence of. */
export interface ReportRecurrencesTable {
  report_id: string;
  earlier_id: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  disabled: number;
  created_at: string;
  /** 1 after an admin reset the password: the next sign-in must choose a new one (defaults to 0). */
  must_change_password: ColumnType<number, number | undefined, number>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginFailuresTable {
  key: string;
  at: string;
  /** Set on a sign-in attempt reserved before its password is checked, so it can be taken back alone. */
  attempt: string | null;
}

export interface CommentsTable {
  id: string;
  report_id: string;
  anchor: string;
  body: string;
  author_id: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
}

export interface ReviewsTable {
  id: string;
  report_id: string;
  user_id: string;
  round: number;
  decision: string;
  note: string | null;
  report_version: number;
  created_at: string;
}

export interface AttachmentsTable {
  id: string;
  report_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_by: string | null;
  created_at: string;
  deleted_at: string | null;
  /** 'pending' while the upload is arriving (invisible to readers), then 'complete'. */
  status: 'pending' | 'complete';
  /** While pending: when the upload last wrote a chunk; abandoned uploads are swept by it. */
  touched_at: string | null;
}

/** An attachment's bytes, in order of `seq`; chunk sizes may differ between attachments. */
export interface AttachmentChunksTable {
  attachment_id: string;
  seq: number;
  data: Buffer;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  user_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string;
  ip: string | null;
}

/** A webhook subscription: where to send which events, in which format, signed with its secret. */
export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  format: 'json' | 'slack';
  secret: string;
  active: number;
  /** 1: also the events of restricted reports (opt-in, 0 by default). */
  restricted: number;
  created_by: string | null;
  created_at: string;
}

/** One delivery or message waiting to go out, or gone (see outbox.repository.ts). */
export interface OutboxTable {
  id: string;
  /** 'webhook' (target: a subscription id) or 'mail' (target: a user id). */
  kind: string;
  target: string;
  event: string;
  payload: string;
  /** 'pending', 'sent' or 'failed' (given up after the last retry). */
  status: string;
  attempts: number;
  due_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A periodic event that has happened (its key), so that it happens once. */
export interface OutboxMarksTable {
  key: string;
  at: string;
}

/** A person's reminder e-mails: on (1) or off (0), and the time zone of their morning (null: UTC). */
export interface ReminderPrefsTable {
  user_id: string;
  enabled: number;
  time_zone: string | null;
  updated_at: string;
}

/** A secret the server made once and every instance shares (e.g. the key of unsubscribe links). */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

/** A connection to an issue tracker; the token and webhook secret are AES-256-GCM ciphertexts. */
export interface TrackerConnectionsTable {
  id: string;
  kind: 'github' | 'jira';
  name: string;
  base_url: string;
  /** JSON: owner and repo (GitHub); project key, issue type and e-mail (Jira). */
  config: string;
  token_enc: string;
  token_last4: string;
  webhook_secret_enc: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The issue made for an action item: pending while it is being made, then linked (or failed). */
export interface TrackerLinksTable {
  report_id: string;
  action_id: string;
  connection_id: string;
  status: 'pending' | 'linked' | 'failed';
  /** A fresh id per try: who holds a pending row. */
  attempt: string;
  issue_key: string | null;
  issue_url: string | null;
  state: 'open' | 'closed' | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  polled_at: string | null;
  /**
   * The tracker's time of the newest webhook event applied (migration 2026-12-09-601): an older one is a
   * replay or a late delivery, and is refused.
   */
  event_at: string | null;
}

/** The tables every repository may touch. The full-text index is dialect-specific and reached with raw SQL. */
export interface Database {
  reports: ReportsTable;
  report_revisions: ReportRevisionsTable;
  action_items: ActionItemsTable;
  timeline_events: TimelineEventsTable;
  report_tags: ReportTagsTable;
  report_systems: ReportSystemsTable;
  report_people: ReportPeopleTable;
  report_members: ReportMembersTable;
  report_keys: ReportKeysTable;
  report_facts: ReportFactsTable;
  report_factors: ReportFactorsTable;
  insight_items: InsightItemsTable;
  insight_generation: InsightGenerationTable;
  insight_kept: InsightKeptTable;
  insight_kept_state: InsightKeptStateTable;
  report_recurrences: ReportRecurrencesTable;
  calendar_feeds: CalendarFeedsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  comments: CommentsTable;
  reviews: ReviewsTable;
  attachments: AttachmentsTable;
  attachment_chunks: AttachmentChunksTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  webhooks: WebhooksTable;
  outbox: OutboxTable;
  outbox_marks: OutboxMarksTable;
  reminder_prefs: ReminderPrefsTable;
  server_secrets: ServerSecretsTable;
  tracker_connections: TrackerConnectionsTable;
  tracker_links: TrackerLinksTable;
}
