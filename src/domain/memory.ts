// The shared memory of the archive: what links one report to another (related incidents), and the figures
// that describe many reports (insights). Pure: the store keeps these rows beside each report at every save,
// the CLI computes them from Markdown files, and both hand them to the same functions here.
import { responseTimes } from './metrics.js';
import type { ActionItem, Report } from './report.schema.js';

// ── related incidents ──────────────────────────────────────────────────────────────────────────────

/** What two reports can have in common, from the strongest sign of a relation to the weakest. */
export const RELATION_KINDS = ['system', 'category', 'term', 'tag', 'fishbone', 'source'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

/** One thing a report can share with another: its kind, the compared form and the form shown. */
export interface RelationKey {
  kind: RelationKind;
  key: string;
  label: string;
}

/** At most this many words of a report's causes are kept for comparison. */
export const MAX_CAUSE_TERMS = 24;

// Words that say nothing about a cause. Short words (under 3 letters) are dropped before this list is asked.
const STOP = new Set(
  `the and for was were with that this from into over under after before during when then than there their
they them have has had not but are our out all any can could would should will been being its also more most
some such very only just what which who whom why how while because about again each other both few own same
too off once here where did does doing done one two three per via yet nor lot lots got get gets`.split(/\s+/),
);

/** A word in the form compared: lower case, a plural or verb ending taken off long words. */
export function stemWord(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 6 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 5 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** The distinct words of a text worth comparing, in order of first appearance. */
export function causeTerms(text: string, max = MAX_CAUSE_TERMS): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}-]*/gu)) {
    const w = m[0].toLowerCase();
    if (w.length < 3 || STOP.has(w) || /^\d+$/.test(w)) continue;
    out.add(stemWord(w));
    if (out.size >= max) break;
  }
  return [...out];
}

const keyOf = (s: string) => s.trim().toLowerCase();

/** The text of a report's causes: its contributing factors first, then the root cause and fishbone causes. */
export function causeText(report: Report): string {
  const a = report.analysis;
  return [
    ...a.factors.map((f) => f.text),
    a.primaryCause ?? '',
    ...a.fishbone.flatMap((c) => [c.cause, ...c.subCauses]),
  ].join('\n');
}

/** Where a report's evidence came from: timeline sources and the hosts of linked materials. */
function evidenceSources(report: Report): string[] {
  const out: string[] = [];
  for (const e of report.details.timeline) if (e.source) out.push(e.source);
  for (const m of report.materials.items) {
    if (!m.link) continue;
    try {
      const url = new URL(m.link);
      if (url.protocol === 'http:' || url.protocol === 'https:') out.push(url.hostname);
    } catch {
      // not a URL (attachment:…, a path): no source to compare
    }
  }
  return out;
}

/** Keys of one kind a report is compared by, at most. */
const MAX_KEYS_PER_KIND = 50;

/** Everything a report can share with another, each once (at most MAX_KEYS_PER_KIND of a kind). */
export function relationKeys(report: Report): RelationKey[] {
  const seen = new Map<string, RelationKey>();
  const perKind = new Map<RelationKind, number>();
  const add = (kind: RelationKind, label: string) => {
    const key = keyOf(label);
    if (key.length === 0 || key.length > 200) return;
    const id = `${kind}\u0000${key}`;
    if (seen.has(id)) return;
    // Each key is a lookup when related reports are asked for: a report listing thousands of sources or
    // categories must not make that request unbounded. Real reports have a handful of each.
    const n = perKind.get(kind) ?? 0;
    if (n >= MAX_KEYS_PER_KIND) return;
    perKind.set(kind, n + 1);
    seen.set(id, { kind, key, label: label.trim() });
  };
  for (const s of report.systems) add('system', s);
  for (const f of report.analysis.factors) if (f.category) add('category', f.category);
  for (const t of causeTerms(causeText(report))) add('term', t);
  for (const t of report.tags) add('tag', t);
  for (const c of report.analysis.fishbone) add('fishbone', c.category);
  for (const s of evidenceSources(report)) add('source', s);
  return [...seen.values()];
}

/** How much one shared thing of a kind counts towards a relation, before its rarity is weighed. */
export const RELATION_WEIGHTS: Record<RelationKind, number> = {
  system: 3,
  category: 2.5,
  term: 1,
  tag: 1.5,
  fishbone: 1,
  source: 1,
};

/** A report's relation to another: a score and the reasons, in words, strongest first. */
export interface Relation {
  id: string;
  score: number;
  reasons: string[];
}

const REASON_WORDS: Record<RelationKind, [one: string, many: string]> = {
  system: ['same system', 'same systems'],
  category: ['same factor category', 'same factor categories'],
  term: ['similar causes', 'similar causes'],
  tag: ['same tag', 'same tags'],
  fishbone: ['same fishbone category', 'same fishbone categories'],
  source: ['same evidence source', 'same evidence sources'],
};

/** What causes in the same words are worth at most: more than any other one thing two reports share. */
const TERM_POINTS = 10;

/**
 * Rank candidates by what they share with a report. `shared` maps a candidate id to the keys it shares;
 * `weight` is the weight of one key (its kind's weight times its rarity). Similar causes count by the share
 * of the report's cause words (weighed by rarity) the other report also has, up to TERM_POINTS.
 */
export function rankRelations(
  shared: Map<string, RelationKey[]>,
  weight: (k: RelationKey) => number,
  termTotal: number,
): Relation[] {
  const out: Relation[] = [];
  for (const [id, keys] of shared) {
    let score = 0;
    let termScore = 0;
    const byKind = new Map<RelationKind, string[]>();
    for (const k of keys) {
      if (k.kind === 'term') termScore += weight(k);
      else score += weight(k);
      const list = byKind.get(k.kind) ?? [];
      list.push(k.label);
      byKind.set(k.kind, list);
    }
    const terms = byKind.get('term') ?? [];
    // One shared word is chance; similar causes take at least two.
    if (terms.length >= 2 && termTotal > 0) score += TERM_POINTS * Math.min(1, termScore / termTotal);
    else byKind.delete('term');
    if (byKind.size === 0 || score <= 0) continue;
    const reasons = RELATION_KINDS.filter((k) => byKind.has(k)).map((k) => {
      const labels = byKind.get(k)!;
      const [one, many] = REASON_WORDS[k];
      const shown = labels.slice(0, 4).join(', ') + (labels.length > 4 ? ', …' : '');
      return k === 'term' ? `${one} (${shown})` : `${labels.length > 1 ? many : one}: ${shown}`;
    });
    out.push({ id, score: Math.round(score * 1000) / 1000, reasons });
  }
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ── facts for insights ─────────────────────────────────────────────────────────────────────────────

/** What the figures need of one report; the store keeps it as a row of `report_facts`. */
export interface InsightRow {
  id: string;
  title: string;
  kind: string;
  severity: string | null;
  state: string;
  /** When the incident began (period start, else the first timed event), ISO UTC. */
  started: string | null;
  /** `2024-Q1`, from `started`. */
  quarter: string | null;
  detection: string | null;
  /** Milliseconds; null when the report does not give what is needed. */
  timeToDetect: number | null;
  timeToRespond: number | null;
  timeToMitigate: number | null;
  timeToResolve: number | null;
  /** When the report was first published (kept by the store), ISO UTC. */
  published: string | null;
  reviewRounds: number;
  actionsTotal: number;
  actionsCompleted: number;
  actionsWontDo: number;
  verifiedEffective: number;
  verifiedIneffective: number;
  /** Completed actions by when they were completed against their deadline (see completionOf). */
  completedOnTime: number;
  completedLate: number;
  completedNoDeadline: number;
  completedUnknown: number;
  /** The linter's quality score (0–100) of the report as last saved; null when not known (yet). */
  qualityScore: number | null;
  /** Deadlines (YYYY-MM-DD) of actions still open, in progress or blocked. */
  openDeadlines: string[];
  systems: string[];
  tags: string[];
}

export const quarterOf = (iso: string | null | undefined): string | null =>
  iso && /^\d{4}-\d{2}/.test(iso)
    ? `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`
    : null;

const OPEN_STATUSES = new Set(['open', 'in_progress', 'blocked']);

/** How a completed action stands against its deadline: what "completed on time" counts. */
export const COMPLETION_GROUPS = ['on time', 'late', 'no deadline', 'unknown'] as const;
export type CompletionGroup = (typeof COMPLETION_GROUPS)[number];

/**
 * A completed action against its deadline: on time when completed on or before it, late after it, no deadline
 * when it had none, unknown when when it was completed is not on record (completed before the store saw it
 * change, or a file, which has no history).
 */
export function completionOf(
  deadline: string | null | undefined,
  completedOn: string | null | undefined,
): CompletionGroup {
  if (!deadline) return 'no deadline';
  if (!completedOn) return 'unknown';
  return completedOn <= deadline ? 'on time' : 'late';
}

/** The completed actions of a report by completion group; `completedOn` gives each action's day by id. */
export function completionCounts(
  items: readonly { id: string; status: string; deadline?: string | null }[],
  completedOn: (id: string) => string | null | undefined = () => null,
): Record<CompletionGroup, number> {
  const out: Record<CompletionGroup, number> = { 'on time': 0, late: 0, 'no deadline': 0, unknown: 0 };
  for (const a of items) if (a.status === 'completed') out[completionOf(a.deadline, completedOn(a.id))]++;
  return out;
}

/** The facts of one report; `published` and `reviewRounds` come from its history (the store's) when known. */
export function insightRow(
  id: string,
  report: Report,
  history: {
    published?: string | null;
    reviewRounds?: number;
    /** The day each action was completed, by id, when known. */
    completedOn?: (id: string) => string | null | undefined;
    qualityScore?: number | null;
  } = {},
): InsightRow {
  const t = responseTimes(report);
  const items = report.actions.items;
  const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) || v < 0 ? null : v);
  // A file has no history: when it was published and how many review rounds it took are not known.
  const published = history.published ?? null;
  const done = completionCounts(items, history.completedOn);
  return {
    id,
    title: report.title,
    kind: report.kind,
    severity: report.severity ? report.severity.trim().toUpperCase() : null,
    state: report.state,
    started: t.start ?? null,
    quarter: quarterOf(t.start),
    detection: report.detection ?? null,
    timeToDetect: ms(t.timeToDetect),
    timeToRespond: ms(t.timeToRespond),
    timeToMitigate: ms(t.timeToMitigate),
    timeToResolve: ms(t.timeToResolve),
    published,
    reviewRounds: history.reviewRounds ?? 0,
    actionsTotal: items.length,
    actionsCompleted: items.filter((a) => a.status === 'completed').length,
    actionsWontDo: items.filter((a) => a.status === 'wont_do').length,
    verifiedEffective: items.filter((a) => a.verification?.result === 'effective').length,
    verifiedIneffective: items.filter((a) => a.verification?.result === 'ineffective').length,
    completedOnTime: done['on time'],
    completedLate: done.late,
    completedNoDeadline: done['no deadline'],
    completedUnknown: done.unknown,
    qualityScore: history.qualityScore ?? null,
    openDeadlines: items
      .filter((a) => OPEN_STATUSES.has(a.status) && a.deadline)
      .map((a) => a.deadline as string),
    systems: [...new Set(report.systems.map(keyOf))],
    tags: [...new Set(report.tags.map(keyOf))],
  };
}

// ── figures ────────────────────────────────────────────────────────────────────────────────────────

/** A distribution: the count behind it and the numbers of a box plot (nearest-rank percentiles). */
export interface Distribution {
  count: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
}

/** The value at percentile `p` (0–100) of sorted values, by the nearest-rank method. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[rankOf(p, sorted.length) - 1]!;
}

/** The rank (1-based) of percentile `p` (0–100) among `n` sorted values, by the nearest-rank method. */
export function rankOf(p: number, n: number): number {
  return Math.min(Math.max(1, Math.ceil((p / 100) * n)), n);
}

/** The distribution of some values, or undefined when there are none. */
export function distribution(values: readonly number[]): Distribution | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return {
    count: s.length,
    min: s[0]!,
    p25: percentile(s, 25),
    median: percentile(s, 50),
    p75: percentile(s, 75),
    p90: percentile(s, 90),
    max: s[s.length - 1]!,
  };
}

export const DURATION_MEASURES = [
  'timeToDetect',
  'timeToRespond',
  'timeToMitigate',
  'timeToResolve',
] as const;
export type DurationMeasure = (typeof DURATION_MEASURES)[number];

/** One cell of a figure: the group it describes and how to find the reports behind it. */
export interface FigureCell {
  /** The figure (`timeToResolve.quarter`, `detection`, …) and the group within it, for `reportsBehind`. */
  figure: string;
  group: string;
}

export interface DistributionRow extends FigureCell, Distribution {}
export interface CountRow extends FigureCell {
  count: number;
}
export interface SeriesRow extends FigureCell {
  /** The period (a quarter) of the row. */
  period: string;
  /** The series within the period (a detection method). */
  series: string;
  count: number;
}

export interface Insights {
  /** How many reports the figures describe. */
  reports: number;
  /** Every duration in hours, by quarter and by severity. */
  durations: Record<DurationMeasure, { byQuarter: DistributionRow[]; bySeverity: DistributionRow[] }>;
  /** How incidents were detected, per quarter. */
  detection: SeriesRow[];
  followUp: {
    statuses: CountRow[];
    overdueByAge: CountRow[];
    verification: CountRow[];
    /** Completed actions on time, late, with no deadline, or unknown (every group shown, zeros too). */
    completion: CountRow[];
  };
  health: {
    /** Days from the start of the incident to the first publication, by quarter. */
    daysToPublish: DistributionRow[];
    reviewRounds: CountRow[];
    /** The linter's quality scores (0–100), by quarter. */
    quality: DistributionRow[];
    /** Reports with a quality score on record and without one (not scored yet): the count behind the scores. */
    scored: CountRow[];
  };
  bySystem: CountRow[];
  byKind: CountRow[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const OVERDUE_AGES: [label: string, maxDays: number][] = [
  ['1–30 days', 30],
  ['31–90 days', 90],
  ['91–180 days', 180],
  ['over 180 days', Infinity],
];

const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const sortKeys = (m: Map<string, unknown>) => [...m.keys()].sort();

/** Figures parsed once: groupsOf runs for every report and figure of the insights. */
const PARSED = new Map<string, { measure: DurationMeasure | undefined; bySeverity: boolean }>();

function parseFigure(figure: string): { measure: DurationMeasure | undefined; bySeverity: boolean } {
  let p = PARSED.get(figure);
  if (!p) {
    const [name, by] = figure.split('.');
    const measure = DURATION_MEASURES.find((m) => m === name);
    p = { measure, bySeverity: by === 'severity' };
    // Figures also come from query strings: only so many are kept.
    if (PARSED.size < 100) PARSED.set(figure, p);
  }
  return p;
}

/**
 * Which of a figure's groups a report falls into. One definition for the figures and for the list of
 * reports behind a figure's group, so the two cannot disagree.
 */
export function groupsOf(row: InsightRow, figure: string, today: string): string[] {
  const { measure, bySeverity } = parseFigure(figure);
  if (measure) {
    if (row[measure] === null) return [];
    const g = bySeverity ? (row.severity ?? 'none') : row.quarter;
    return g ? [g] : [];
  }
  switch (figure) {
    case 'detection':
      return row.quarter ? [`${row.quarter}|${row.detection ?? 'unknown'}`] : [];
    case 'followUp.statuses': {
      const out: string[] = [];
      if (row.actionsTotal - row.actionsCompleted - row.actionsWontDo > 0) out.push('not done');
      if (row.actionsCompleted > 0) out.push('completed');
      if (row.actionsWontDo > 0) out.push('declined');
      return out;
    }
    case 'followUp.overdueByAge':
      return [...new Set(row.openDeadlines.filter((d) => d < today).map((d) => overdueAge(d, today)))];
    case 'followUp.verification': {
      const out: string[] = [];
      if (row.verifiedEffective > 0) out.push('effective');
      if (row.verifiedIneffective > 0) out.push('not effective');
      if (row.actionsCompleted > row.verifiedEffective + row.verifiedIneffective) out.push('not verified');
      return out;
    }
    case 'followUp.completion':
      return COMPLETION_GROUPS.filter((g) => completionWeight(row, g) > 0);
    case 'health.quality':
      return row.qualityScore !== null && row.quarter ? [row.quarter] : [];
    case 'health.scored':
      return [row.qualityScore === null ? 'not scored yet' : 'scored'];
    case 'health.daysToPublish':
      return row.published && row.started && row.quarter ? [row.quarter] : [];
    case 'health.reviewRounds':
      return row.published ? [String(row.reviewRounds)] : [];
    case 'bySystem':
      return row.systems.length > 0 ? row.systems : ['(none)'];
    case 'byKind':
      return [row.kind];
    default:
      return [];
  }
}

/** The age group of an overdue deadline on `today`. */
export function overdueAge(deadline: string, today: string): string {
  const days = daysBetween(deadline, today);
  return OVERDUE_AGES.find(([, max]) => days <= max)![0];
}

/**
 * The tallies the figures are made of: for each distribution figure, the distribution of each group in stored
 * units (milliseconds, days for `health.daysToPublish`), and for each count figure the weight of each group
 * present. The API's store builds these in SQL (memory.repository.ts); `tallyRows` builds them from rows; one
 * function, `insightsFromTallies`, turns either into the figures, so the two ways cannot disagree in form.
 */
export interface InsightTallies {
  reports: number;
  distributions: Map<string, Map<string, Distribution>>;
  counts: Map<string, Map<string, number>>;
}

/** A distribution figure: the fact column it reads, the bucket column beside it and what groups it. */
export interface DistributionFigure {
  figure: string;
  value: DurationMeasure | 'daysToPublish' | 'qualityScore';
  by: 'quarter' | 'severity';
}

/** Every distribution figure of the insights. */
export const DISTRIBUTION_FIGURES: readonly DistributionFigure[] = [
  ...DURATION_MEASURES.flatMap((m) => [
    { figure: `${m}.quarter`, value: m, by: 'quarter' as const },
    { figure: `${m}.severity`, value: m, by: 'severity' as const },
  ]),
  { figure: 'health.daysToPublish', value: 'daysToPublish', by: 'quarter' },
  { figure: 'health.quality', value: 'qualityScore', by: 'quarter' },
];

/** Every count figure of the insights. */
export const COUNT_FIGURES = [
  'detection',
  'followUp.statuses',
  'followUp.overdueByAge',
  'followUp.verification',
  'followUp.completion',
  'health.reviewRounds',
  'health.scored',
  'bySystem',
  'byKind',
] as const;

/** Days from an incident's start to its first publication (never below 0), or null when either is unknown. */
export function daysToPublish(started: string | null, published: string | null): number | null {
  return published && started ? Math.max(0, daysBetween(started, published)) : null;
}

/**
 * The bucket of a non-negative value: 16 to a doubling, in the order of the values (a larger value never has a
 * smaller bucket). The store keeps it beside each value, so a percentile is found by counting buckets and then
 * sorting only the values of one bucket.
 */
export function bucketOf(v: number): number {
  if (!(v > 0)) return 0;
  return Math.max(1, Math.min(4000, 2000 + Math.floor(Math.log2(v) * 16)));
}

/** The value a distribution figure takes of a row, in stored units, or null. */
export function figureValue(row: InsightRow, value: DistributionFigure['value']): number | null {
  if (value === 'daysToPublish') return daysToPublish(row.started, row.published);
  return row[value];
}

/** The tallies of some rows, the plain way: every row read (the CLI's, and the API's for narrow selections). */
export function tallyRows(rows: readonly InsightRow[], today: string): InsightTallies {
  const distributions = new Map<string, Map<string, Distribution>>();
  for (const f of DISTRIBUTION_FIGURES) {
    const groups = new Map<string, number[]>();
    for (const r of rows) {
      const v = figureValue(r, f.value);
      if (v === null) continue;
      for (const g of groupsOf(r, f.figure, today)) {
        const list = groups.get(g);
        if (list) list.push(v);
        else groups.set(g, [v]);
      }
    }
    distributions.set(f.figure, new Map([...groups].map(([g, values]) => [g, distribution(values)!])));
  }
  const counts = new Map<string, Map<string, number>>();
  for (const figure of COUNT_FIGURES) {
    const m = new Map<string, number>();
    for (const r of rows) {
      const weightOf = figureWeight(figure, r, today);
      for (const g of groupsOf(r, figure, today)) m.set(g, (m.get(g) ?? 0) + weightOf(g));
    }
    counts.set(figure, m);
  }
  return { reports: rows.length, distributions, counts };
}

/** The figures over some reports. `today` (YYYY-MM-DD) decides what is overdue. */
export function computeInsights(rows: readonly InsightRow[], today: string): Insights {
  return insightsFromTallies(tallyRows(rows, today));
}

/** The figures from their tallies: units, rounding and the order of the groups. */
export function insightsFromTallies(t: InsightTallies): Insights {
  const distributions = (figure: string, scale: number): DistributionRow[] => {
    const groups = t.distributions.get(figure) ?? new Map<string, Distribution>();
    return sortKeys(groups).map((group) => {
      const d = groups.get(group)!;
      return {
        figure,
        group,
        count: d.count,
        min: round(d.min / scale),
        p25: round(d.p25 / scale),
        median: round(d.median / scale),
        p75: round(d.p75 / scale),
        p90: round(d.p90 / scale),
        max: round(d.max / scale),
      };
    });
  };
  const counts = (figure: string, order?: readonly string[]) => {
    const m = t.counts.get(figure) ?? new Map<string, number>();
    const keys = order
      ? order.filter((k) => m.has(k))
      : [...m.keys()].sort((a, b) => m.get(b)! - m.get(a)! || (a < b ? -1 : 1));
    return keys.map((group) => ({ figure, group, count: m.get(group)! }));
  };
  const durations = Object.fromEntries(
    DURATION_MEASURES.map((measure) => [
      measure,
      {
        byQuarter: distributions(`${measure}.quarter`, HOUR),
        bySeverity: distributions(`${measure}.severity`, HOUR),
      },
    ]),
  ) as Insights['durations'];
  const detection: SeriesRow[] = counts('detection').map((c) => {
    const [period, series] = c.group.split('|') as [string, string];
    return { ...c, period, series };
  });
  detection.sort((a, b) =>
    a.period < b.period ? -1 : a.period > b.period ? 1 : a.series < b.series ? -1 : 1,
  );
  return {
    reports: t.reports,
    durations,
    detection,
    followUp: {
      statuses: counts('followUp.statuses', ['not done', 'completed', 'declined']),
      overdueByAge: counts(
        'followUp.overdueByAge',
        OVERDUE_AGES.map(([l]) => l),
      ),
      verification: counts('followUp.verification', ['effective', 'not effective', 'not verified']),
      // Every group, zeros too: an unknown completion is shown as such, never left out.
      completion: COMPLETION_GROUPS.map((group) => ({
        figure: 'followUp.completion',
        group,
        count: t.counts.get('followUp.completion')?.get(group) ?? 0,
      })),
    },
    health: {
      daysToPublish: distributions('health.daysToPublish', 1),
      reviewRounds: counts('health.reviewRounds').sort((a, b) => Number(a.group) - Number(b.group)),
      quality: distributions('health.quality', 1),
      scored: counts('health.scored', ['scored', 'not scored yet']),
    },
    bySystem: counts('bySystem').slice(0, 50),
    byKind: counts('byKind'),
  };
}

/** How much a report adds to a group of a count figure: action figures count actions, the rest reports. */
function figureWeight(figure: string, r: InsightRow, today: string): (group: string) => number {
  switch (figure) {
    case 'followUp.statuses':
      return (g) =>
        g === 'completed'
          ? r.actionsCompleted
          : g === 'declined'
            ? r.actionsWontDo
            : r.actionsTotal - r.actionsCompleted - r.actionsWontDo;
    case 'followUp.overdueByAge':
      return (g) => r.openDeadlines.filter((d) => d < today && overdueAge(d, today) === g).length;
    case 'followUp.completion':
      return (g) => completionWeight(r, g);
    case 'followUp.verification':
      return (g) =>
        g === 'effective'
          ? r.verifiedEffective
          : g === 'not effective'
            ? r.verifiedIneffective
            : r.actionsCompleted - r.verifiedEffective - r.verifiedIneffective;
    default:
      return () => 1;
  }
}

/** How many of a report's completed actions fall in a completion group. */
function completionWeight(r: InsightRow, g: string): number {
  switch (g) {
    case 'on time':
      return r.completedOnTime;
    case 'late':
      return r.completedLate;
    case 'no deadline':
      return r.completedNoDeadline;
    case 'unknown':
      return r.completedUnknown;
    default:
      return 0;
  }
}

/** The names of every figure `groupsOf` knows. */
export const FIGURES = [
  ...DURATION_MEASURES.flatMap((m) => [`${m}.quarter`, `${m}.severity`]),
  'detection',
  'followUp.statuses',
  'followUp.overdueByAge',
  'followUp.verification',
  'followUp.completion',
  'health.daysToPublish',
  'health.reviewRounds',
  'health.quality',
  'health.scored',
  'bySystem',
  'byKind',
] as const;

/** The reports behind one group of a figure, newest incident first. */
export function reportsBehind(
  rows: readonly InsightRow[],
  figure: string,
  group: string,
  today: string,
): InsightRow[] {
  return rows
    .filter((r) => groupsOf(r, figure, today).includes(group))
    .sort((a, b) => ((a.started ?? '') < (b.started ?? '') ? 1 : -1));
}

/** A table as CSV (RFC 4180): every field quoted when it needs to be. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const field = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v);
    // A spreadsheet would take a text beginning with one of these as a formula.
    if (typeof v === 'string' && /^[=+@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

// ── recurring factors ──────────────────────────────────────────────────────────────────────────────

/**
 * What became of the actions that address a contributing factor. "Recurred after fix" is not one of these:
 * it needs a later report naming this one as an earlier occurrence (`recurrenceOf`, the follow-up work's),
 * and is derived across reports when the factors are listed (see RecurrenceSeam in the store).
 */
export const FACTOR_ACTION_STATES = [
  'no action',
  'open',
  'fixed, not verified',
  'fix not effective',
  'fixed and verified',
] as const;
export type FactorActionState = (typeof FACTOR_ACTION_STATES)[number];

/** The state of the actions addressing factor `factorId` of a report. */
/** The actions addressing each cause id: built once per report, so judging every factor is not quadratic. */
export function actionsByFactor(report: Report): Map<string, ActionItem[]> {
  const out = new Map<string, ActionItem[]>();
  for (const a of report.actions.items)
    for (const id of new Set(a.addresses)) {
      const list = out.get(id);
      if (list) list.push(a);
      else out.set(id, [a]);
    }
  return out;
}

export function factorActionState(
  report: Report,
  factorId: string,
  byFactor: Map<string, ActionItem[]> = actionsByFactor(report),
): FactorActionState {
  const actions = byFactor.get(factorId) ?? [];
  if (actions.length === 0) return 'no action';
  if (actions.some((a) => a.verification?.result === 'effective')) return 'fixed and verified';
  if (actions.some((a) => a.verification?.result === 'ineffective')) return 'fix not effective';
  if (
    actions.some((a) => a.status === 'completed') &&
    actions.every((a) => a.status === 'completed' || a.status === 'wont_do')
  )
    return 'fixed, not verified';
  return 'open';
}
