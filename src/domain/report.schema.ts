import { z } from 'zod';
import {
  dateSchema,
  instantSchema,
  lineSchema,
  listOf,
  numberSchema,
  textSchema,
  timeZoneSchema,
} from './primitives.schema.js';
import { EVENT_KINDS } from './event-kinds.js';

/** What a report is about. */
export const REPORT_KINDS = ['outage', 'security', 'launch', 'project', 'success', 'other'] as const;
export const reportKindSchema = z.enum(REPORT_KINDS);

/** Where a report is in its life: written, reviewed, shared, then closed once its actions are verified. */
export const LIFECYCLE_STATES = ['draft', 'in_review', 'published', 'closed'] as const;
export const lifecycleStateSchema = z.enum(LIFECYCLE_STATES);

/** How the problem first came to light. */
export const DETECTION_METHODS = ['automated', 'customer', 'internal', 'third_party', 'other'] as const;
export const detectionMethodSchema = z.enum(DETECTION_METHODS);

export const VISIBILITIES = ['internal', 'restricted'] as const;
export const visibilitySchema = z.enum(VISIBILITIES);

export { EVENT_KINDS } from './event-kinds.js';
export const eventKindSchema = z.enum(EVENT_KINDS);

export const FINANCIAL_KINDS = ['lost_revenue', 'cost', 'fine', 'refund', 'other'] as const;
export const IMPACT_CATEGORIES = ['operational', 'reputational', 'customer', 'team'] as const;
export const BASES = ['estimate', 'confirmed'] as const;
export const FISHBONE_CATEGORIES = [
  'people',
  'tools',
  'process',
  'materials',
  'measurement',
  'environment',
] as const;
export const BARRIER_STATUSES = ['held', 'failed', 'missing'] as const;
export const ACTION_CATEGORIES = ['immediate', 'process', 'systemic', 'documentation'] as const;
export const ACTION_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const ACTION_STATUSES = ['open', 'in_progress', 'blocked', 'completed', 'wont_do'] as const;
/** What a verification found; 'ineffective' is the stored word for "not effective". */
export const VERIFICATION_RESULTS = ['effective', 'ineffective', 'inconclusive'] as const;
export const MATERIAL_KINDS = [
  'log',
  'metric',
  'screenshot',
  'communication',
  'document',
  'interview',
  'other',
] as const;

/** Ids that other parts of a report can point at. */
export const ID_PATTERNS = {
  rootCause: /^RC$/,
  factor: /^CF\d{1,4}$/,
  lesson: /^L\d{1,4}$/,
  action: /^A\d{1,4}$/,
  material: /^M\d{1,4}$/,
  appendix: /^[A-Z]{1,2}$/,
} as const;

const idOf = (pattern: RegExp, example: string) => z.string().regex(pattern, `must be an id like ${example}`);

const notes = textSchema.optional();

// ── metadata ──────────────────────────────────────────────────────────────────────────────────────

export const periodSchema = z.strictObject({
  start: instantSchema.optional(),
  end: instantSchema.optional(),
  timezone: timeZoneSchema.default('UTC'),
});

// ── I. executive summary ──────────────────────────────────────────────────────────────────────────

export const executiveSummarySchema = z.strictObject({
  whatHappened: textSchema.optional(),
  impact: textSchema.optional(),
  coreIssue: textSchema.optional(),
  keyLessons: textSchema.optional(),
  nextSteps: textSchema.optional(),
  notes,
});

// ── II. event details ─────────────────────────────────────────────────────────────────────────────

export const timelineEventSchema = z.strictObject({
  /** The instant in UTC, or null when the source gives no usable time. */
  at: instantSchema.nullable(),
  /** Set when the source gives the time only roughly (`~09:58`, `around 10:00`, `12:??`). */
  approximate: z.literal(true).optional(),
  /** The end of an entry written as a span (`09:00 - 11:00`), in UTC. */
  end: instantSchema.optional(),
  /** Set when the end is only roughly known (`12:26-12:??`). */
  endApproximate: z.literal(true).optional(),
  kind: eventKindSchema,
  text: lineSchema,
  actor: lineSchema.optional(),
  source: lineSchema.optional(),
  /** A link to the evidence: a URL or the id of a supporting material (M1). */
  evidence: lineSchema.optional(),
});

export const eventDetailsSchema = z.strictObject({
  timeline: listOf(timelineEventSchema).default([]),
  severityRationale: textSchema.optional(),
  affected: textSchema.optional(),
  howFound: textSchema.optional(),
  stepsTaken: textSchema.optional(),
  notes,
});

// ── III. impact ───────────────────────────────────────────────────────────────────────────────────

export const financialLineSchema = z.strictObject({
  kind: z.enum(FINANCIAL_KINDS),
  description: lineSchema.optional(),
  amount: numberSchema,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  basis: z.enum(BASES),
});

export const impactFigureSchema = z.strictObject({
  category: z.enum(IMPACT_CATEGORIES),
  measure: lineSchema,
  value: numberSchema,
  unit: lineSchema.optional(),
  basis: z.enum(BASES),
});

export const impactSchema = z.strictObject({
  financial: listOf(financialLineSchema).default([]),
  figures: listOf(impactFigureSchema).default([]),
  operational: textSchema.optional(),
  reputational: textSchema.optional(),
  customer: textSchema.optional(),
  team: textSchema.optional(),
  notes,
});

// ── IV. root cause analysis ───────────────────────────────────────────────────────────────────────

export const whyStepSchema = z.strictObject({
  question: lineSchema.optional(),
  answer: lineSchema,
});

export const fiveWhysSchema = z.strictObject({
  problem: lineSchema,
  steps: listOf(whyStepSchema, 50).default([]),
  conclusion: lineSchema.optional(),
});

export const fishboneCauseSchema = z.strictObject({
  category: z.enum(FISHBONE_CATEGORIES),
  cause: lineSchema,
  subCauses: listOf(lineSchema, 100).default([]),
});

export const barrierSchema = z.strictObject({
  barrier: lineSchema,
  status: z.enum(BARRIER_STATUSES),
  why: lineSchema.optional(),
});

export const changeSchema = z.strictObject({
  at: instantSchema.optional(),
  change: lineSchema,
  source: lineSchema.optional(),
  link: lineSchema.optional(),
});

/** A name from the organisation's factor taxonomy (settings): no square brackets, which mark it in Markdown. */
export const factorCategorySchema = lineSchema
  .max(80, 'must be at most 80 characters')
  .regex(/^[^[\]]+$/, 'must not contain square brackets');

export const factorSchema = z.strictObject({
  id: idOf(ID_PATTERNS.factor, 'CF1'),
  text: lineSchema,
  /** The factor's category in the organisation's taxonomy (settings `factorCategories`). */
  category: factorCategorySchema.optional(),
});

export const rootCauseAnalysisSchema = z.strictObject({
  primaryCause: textSchema.optional(),
  factors: listOf(factorSchema).default([]),
  causalChain: textSchema.optional(),
  fiveWhys: listOf(fiveWhysSchema, 50).default([]),
  fishbone: listOf(fishboneCauseSchema).default([]),
  barriers: listOf(barrierSchema).default([]),
  changes: listOf(changeSchema).default([]),
  notes,
});

// ── V. lessons ────────────────────────────────────────────────────────────────────────────────────

export const lessonSchema = z.strictObject({
  id: idOf(ID_PATTERNS.lesson, 'L1'),
  text: lineSchema,
});

export const lessonsSchema = z.strictObject({
  wentWell: listOf(lessonSchema).default([]),
  wentWrong: listOf(lessonSchema).default([]),
  couldImprove: listOf(lessonSchema).default([]),
  lucky: listOf(lessonSchema).default([]),
  notes,
});

// ── VI. action items ──────────────────────────────────────────────────────────────────────────────

/** How the team will know an action worked, and by when it will look. */
export const verificationPlanSchema = z.strictObject({
  how: lineSchema,
  by: dateSchema.optional(),
});

/** What the check of a completed action found, who looked and when, with links to what they saw. */
export const verificationSchema = z.strictObject({
  result: z.enum(VERIFICATION_RESULTS),
  on: dateSchema.optional(),
  by: lineSchema.optional(),
  notes: lineSchema.optional(),
  /** Links (URLs or material ids such as M2) to what shows the result. */
  evidence: listOf(
    lineSchema.refine((s) => !s.includes(', '), 'an evidence link cannot contain ", " (it separates links)'),
    20,
  ).optional(),
});

export const actionItemSchema = z.strictObject({
  id: idOf(ID_PATTERNS.action, 'A1'),
  title: lineSchema,
  details: lineSchema.optional(),
  category: z.enum(ACTION_CATEGORIES).optional(),
  priority: z.enum(ACTION_PRIORITIES).optional(),
  owner: lineSchema.optional(),
  deadline: dateSchema.optional(),
  status: z.enum(ACTION_STATUSES).default('open'),
  /** Ids of the root cause (RC), contributing factors (CF1…) or lessons (L1…) this action answers. */
  addresses: listOf(
    z.string().regex(/^[A-Z]{1,3}\d{0,4}$/, 'must be an id such as RC, CF2 or L3'),
    50,
  ).default([]),
  successCriterion: lineSchema.optional(),
  tracker: lineSchema.optional(),
  verificationPlan: verificationPlanSchema.optional(),
  verification: verificationSchema.optional(),
  /** Why the action will not be done or not be verified; a won't-do action needs one for a complete follow-up. */
  declinedReason: lineSchema.optional(),
});

export const actionsSchema = z.strictObject({
  items: listOf(actionItemSchema).default([]),
  notes,
});

// ── VII. supporting materials ─────────────────────────────────────────────────────────────────────

export const materialSchema = z.strictObject({
  id: idOf(ID_PATTERNS.material, 'M1'),
  kind: z.enum(MATERIAL_KINDS),
  title: lineSchema,
  /** A URL, or `attachment:<id>` for a file uploaded to the server. */
  link: lineSchema.optional(),
  description: lineSchema.optional(),
});

export const appendixSchema = z.strictObject({
  id: idOf(ID_PATTERNS.appendix, 'A'),
  title: lineSchema,
  content: textSchema.optional(),
});

export const supportingSchema = z.strictObject({
  items: listOf(materialSchema).default([]),
  appendices: listOf(appendixSchema, 100).default([]),
  notes,
});

// ── the report ──

/** The metadata lists whose entries can be marked internal one by one (`tags.2`, `involved.0`). */
export const METADATA_MARK_LISTS = [
  'authors',
  'reviewers',
  'involved',
  'tags',
  'systems',
  'related',
] as const;

/** A mark in a report's `internal` list; audience.ts says what each form names. */
export const INTERNAL_MARK_PATTERN = new RegExp(
  [
    '^[a-z]+\\.[a-zA-Z]+$',
    '^(?:CF|L|A|M)\\d{1,4}$',
    '^appendix\\.[A-Z]{1,2}$',
    '^[a-z]+\\.[a-zA-Z]+\\.\\d{1,4}$',
    '^(?:analysis\\.fiveWhys\\.\\d{1,4}\\.steps|analysis\\.fishbone\\.\\d{1,4}\\.subCauses)\\.\\d{1,4}$',
    `^(?:${METADATA_MARK_LISTS.join('|')})\\.\\d{1,4}$`,
  ].join('|'),
);
export const INTERNAL_MARK_MESSAGE =
  'must be a field path (impact.team), an item id (A2, appendix.B), a row (details.timeline.3), an entry of a row (analysis.fiveWhys.0.steps.1) or of a metadata list (tags.2)';

const reportIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be letters, digits, dots, dashes or underscores');

// ────────────────────────────────────────────────────────────────────────────────────

export const reportSchema = z.strictObject({
  id: reportIdSchema.optional(),
  title: lineSchema,
  kind: reportKindSchema,
  state: lifecycleStateSchema.default('draft'),
  severity: lineSchema.optional(),
  period: periodSchema.prefault({}),
  detection: detectionMethodSchema.optional(),
  authors: listOf(lineSchema, 100).default([]),
  facilitator: lineSchema.optional(),
  reviewers: listOf(lineSchema, 100).default([]),
  involved: listOf(lineSchema, 500).default([]),
  tags: listOf(lineSchema, 100).default([]),
  systems: listOf(lineSchema, 200).default([]),
  visibility: visibilitySchema.default('internal'),
  members: listOf(lineSchema, 500).default([]),
  related: listOf(lineSchema, 100).default([]),
  /** Fields and items left out of the public version: field paths, item ids, rows (see audience.ts). */
  internal: listOf(z.string().regex(INTERNAL_MARK_PATTERN, INTERNAL_MARK_MESSAGE), 1000).default([]),
  /** Ids of earlier reports this incident is a recurrence of: their fixes for the same cause did not hold. */
  recurrenceOf: listOf(reportIdSchema, 50).optional(),
  summary: executiveSummarySchema.prefault({}),
  details: eventDetailsSchema.prefault({}),
  impact: impactSchema.prefault({}),
  analysis: rootCauseAnalysisSchema.prefault({}),
  lessons: lessonsSchema.prefault({}),
  actions: actionsSchema.prefault({}),
  materials: supportingSchema.prefault({}),
});

export type Report = z.output<typeof reportSchema>;
export type ReportInput = z.input<typeof reportSchema>;
export type ReportKind = z.infer<typeof reportKindSchema>;
export type LifecycleState = z.infer<typeof lifecycleStateSchema>;
export type EventKind = z.infer<typeof eventKindSchema>;
export type TimelineEvent = z.output<typeof timelineEventSchema>;
export type ExecutiveSummary = z.output<typeof executiveSummarySchema>;
export type EventDetails = z.output<typeof eventDetailsSchema>;
export type FinancialLine = z.output<typeof financialLineSchema>;
export type ImpactFigure = z.output<typeof impactFigureSchema>;
export type Impact = z.output<typeof impactSchema>;
export type WhyStep = z.output<typeof whyStepSchema>;
export type FiveWhys = z.output<typeof fiveWhysSchema>;
export type FishboneCause = z.output<typeof fishboneCauseSchema>;
export type Barrier = z.output<typeof barrierSchema>;
export type Change = z.output<typeof changeSchema>;
export type Factor = z.output<typeof factorSchema>;
export type RootCauseAnalysis = z.output<typeof rootCauseAnalysisSchema>;
export type Lesson = z.output<typeof lessonSchema>;
export type Lessons = z.output<typeof lessonsSchema>;
export type Verification = z.output<typeof verificationSchema>;
export type VerificationPlan = z.output<typeof verificationPlanSchema>;
export type ActionItem = z.output<typeof actionItemSchema>;
export type Actions = z.output<typeof actionsSchema>;
export type Material = z.output<typeof materialSchema>;
export type Appendix = z.output<typeof appendixSchema>;
export type Supporting = z.output<typeof supportingSchema>;

/** The seven sections, in the order a report presents them. */
export const SECTION_KEYS = [
  'summary',
  'details',
  'impact',
  'analysis',
  'lessons',
  'actions',
  'materials',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

/** An empty report of a kind, every section present and empty. */
export function emptyReport(kind: ReportKind, title: string): Report {
  return reportSchema.parse({ kind, title });
}
