import {
  FRONT_MATTER_KEYS,
  actionsByFactor,
  bucketOf,
  completionCounts,
  daysToPublish,
  factorActionState,
  insightRow,
  relationKeys,
  type Report,
} from '../domain/index.js';
import type {
  ActionItemsTable,
  InsightItemsTable,
  ReportFactorsTable,
  ReportFactsTable,
  ReportKeysTable,
  TimelineEventsTable,
} from './database.types.js';

// What the side tables and the search index hold for one report, derived from the stored model so that
// they can never disagree with it.

export interface ReportIndex {
  tags: string[];
  systems: string[];
  people: { person: string; role: string }[];
  members: string[];
  /** Rows of `action_items` and `timeline_events` without the key columns the repository adds. */
  actionItems: Omit<ActionItemsTable, 'report_id' | 'position'>[];
  timeline: Omit<TimelineEventsTable, 'report_id' | 'position'>[];
  searchTitle: string;
  searchBody: string;
}

/** The form names, tags and systems are compared in: case and surrounding space do not matter. */
export const keyOf = (s: string) => s.trim().toLowerCase();

const unique = (xs: string[]) => [...new Set(xs.map(keyOf))];

/**
 * Fields that are not prose, at any depth: what the list filters find through columns and side tables (the
 * metadata of the front matter: state, kind, severity, visibility, members, people, tags, systems …), and ids,
 * instants, enums and links. Searching "draft" or a team's name finds the reports whose text says it, not every
 * report in that state or with that owner: those are filters.
 */
const NOT_PROSE = new Set<string>([
  ...FRONT_MATTER_KEYS,
  'owner',
  'at',
  'end',
  'on',
  'deadline',
  'category',
  'priority',
  'status',
  'result',
  'basis',
  'currency',
  'addresses',
  'link',
]);

function collectProse(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectProse(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (!NOT_PROSE.has(key)) collectProse(v, out);
  }
}

/** The search entry of a report: its title, and its prose (see NOT_PROSE) as the body. */
export function searchEntry(report: Report): { title: string; body: string } {
  const body: string[] = [];
  const { title: _title, ...rest } = report;
  collectProse(rest, body);
  return { title: report.title, body: body.join('\n') };
}

/**
 * The accounts a restricted report is open to besides its creator: its members, each an e-mail or a user id.
 * Names elsewhere in the report (authors, reviewers) grant nothing: display names are not unique.
 */
export function membersOf(report: Report): string[] {
  return unique(report.members);
}

/** Derive every indexed row of a report. */
export function indexReport(report: Report): ReportIndex {
  const people = new Map<string, { person: string; role: string }>();
  const add = (person: string, role: string) =>
    people.set(`${keyOf(person)}\u0000${role}`, { person: keyOf(person), role });
  for (const p of report.authors) add(p, 'author');
  for (const p of report.reviewers) add(p, 'reviewer');
  for (const p of report.involved) add(p, 'involved');
  if (report.facilitator) add(report.facilitator, 'facilitator');
  for (const a of report.actions.items) if (a.owner) add(a.owner, 'owner');

  const search = searchEntry(report);
  return {
    tags: unique(report.tags),
    systems: unique(report.systems),
    people: [...people.values()],
    members: membersOf(report),
    actionItems: report.actions.items.map((a) => ({
      item_id: a.id,
      title: a.title,
      owner: a.owner ?? null,
      owner_key: a.owner ? keyOf(a.owner) : null,
      status: a.status,
      category: a.category ?? null,
      priority: a.priority ?? null,
      deadline: a.deadline ?? null,
      verification_result: a.verification?.result ?? null,
      verify_by: a.verificationPlan?.by ?? null,
      declined: a.declinedReason ? 1 : 0,
    })),
    timeline: report.details.timeline.map((e) => ({ at: e.at, kind: e.kind, text: e.text })),
    searchTitle: search.title,
    searchBody: search.body,
  };
}

/**
 * The shared-memory rows of a report (report_keys, report_facts, report_factors). `published` is when the
 * report was first published, as the store keeps it (null while it is not).
 */
export function memoryRows(
  id: string,
  report: Report,
  published: string | null,
): {
  keys: ReportKeysTable[];
  facts: ReportFactsTable;
  factors: ReportFactorsTable[];
  items: InsightItemsTable[];
} {
  const row = insightRow(id, report, { published });
  const started = row.started ?? '';
  const byFactor = actionsByFactor(report);
  const isPublic = report.visibility === 'restricted' ? 0 : 1;
  return {
    items: insightItems(id, row, isPublic),
    keys: relationKeys(report).map((k) => ({
      report_id: id,
      kind: k.kind,
      key: k.key,
      label: k.label,
      started,
    })),
    facts: withPublished(
      {
        report_id: id,
        title: row.title,
        kind: row.kind,
        severity: row.severity,
        state: row.state,
        started: row.started,
        quarter: row.quarter,
        detection: row.detection,
        time_to_detect: row.timeToDetect,
        time_to_respond: row.timeToRespond,
        time_to_mitigate: row.timeToMitigate,
        time_to_resolve: row.timeToResolve,
        published: row.published,
        actions_total: row.actionsTotal,
        actions_completed: row.actionsCompleted,
        actions_wont_do: row.actionsWontDo,
        verified_effective: row.verifiedEffective,
        verified_ineffective: row.verifiedIneffective,
        open_deadlines: row.openDeadlines.join(','),
        systems: row.systems.join('\n'),
        tags: row.tags.join('\n'),
        // A report is saved live; a deletion clears `public` (report-writes.ts), a restore sets it again.
        public: isPublic,
        review_round: 0,
        days_to_publish: null,
        system_count: row.systems.length,
        b_detect: bucketOrNull(row.timeToDetect),
        b_respond: bucketOrNull(row.timeToRespond),
        b_mitigate: bucketOrNull(row.timeToMitigate),
        b_resolve: bucketOrNull(row.timeToResolve),
        b_publish: null,
        done_on_time: row.completedOnTime,
        done_late: row.completedLate,
        done_no_deadline: row.completedNoDeadline,
        done_unknown: row.completedUnknown,
        // Scored after the save, in the background (quality-scores.ts): linting is too slow for a save.
        quality_score: null,
        b_quality: null,
      },
      row.published,
    ),
    factors: report.analysis.factors.map((f, position) => ({
      report_id: id,
      position,
      factor_id: f.id,
      category: f.category ?? null,
      category_key: f.category ? keyOf(f.category) : null,
      text: f.text,
      quarter: row.quarter,
      action_state: factorActionState(report, f.id, byFactor),
    })),
  };
}

const bucketOrNull = (v: number | null) => (v === null ? null : bucketOf(v));

/**
 * A facts row with its first publication set, and what follows from it (days to publication and its bucket):
 * the writer keeps the first publication on record when a published report is saved again.
 */
export function withPublished(facts: ReportFactsTable, published: string | null): ReportFactsTable {
  facts.published = published;
  facts.days_to_publish = daysToPublish(facts.started, published);
  facts.b_publish = bucketOrNull(facts.days_to_publish);
  return facts;
}

/** The insight_items rows of a report's facts: its systems and the deadlines of its open actions. */
export function insightItems(
  id: string,
  row: {
    kind: string;
    severity: string | null;
    started: string | null;
    systems: string[];
    openDeadlines: string[];
  },
  isPublic: number,
): InsightItemsTable[] {
  const base = {
    report_id: id,
    public: isPublic,
    kind: row.kind,
    severity: row.severity,
    started: row.started,
  };
  return [
    ...row.systems.map((value) => ({ ...base, item: 'system' as const, value })),
    ...row.openDeadlines.map((value) => ({ ...base, item: 'deadline' as const, value })),
  ];
}

/** What the writer knows of an action as stored before a save. */
export interface StoredAction {
  item_id: string;
  status: string;
  completed_on: string | null;
}

/**
 * Set the day each completed action of a save was completed, from what was stored before: an action stored
 * completed keeps its day (or its unknown day); one stored in another state is completed on `day`, the save's;
 * one the store did not hold (a new report, a new action) was completed at an unknown time. Then count the
 * completions into the facts row. `stored` is undefined for a new report.
 */
export function withCompletion(
  actions: { item_id: string; status: string; deadline: string | null; completed_on?: string | null }[],
  facts: ReportFactsTable | undefined,
  stored: readonly StoredAction[] | undefined,
  day: string,
): void {
  const before = new Map((stored ?? []).map((a) => [a.item_id, a]));
  for (const a of actions) {
    const was = before.get(a.item_id);
    a.completed_on =
      a.status !== 'completed' || !was ? null : was.status === 'completed' ? was.completed_on : day;
  }
  if (!facts) return;
  const done = completionCounts(
    actions.map((a) => ({ id: a.item_id, status: a.status, deadline: a.deadline })),
    (id) => actions.find((a) => a.item_id === id)?.completed_on,
  );
  facts.done_on_time = done['on time'];
  facts.done_late = done.late;
  facts.done_no_deadline = done['no deadline'];
  facts.done_unknown = done.unknown;
}
