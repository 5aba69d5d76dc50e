import { SECTION_KEYS } from '../domain/report.schema.js';
import { hasQuantity } from './prose/vague-impact.rule.js';
import type { Finding, Report, SectionKey, Severity } from './types.js';

/** What one rule cost one section: the points, how many findings, and the first message as an example. */
export interface ScoreReason {
  section: SectionKey;
  ruleId: string;
  severity: Severity;
  count: number;
  points: number;
  example: string;
}

/** One thing a section earns points for, said the way a writer reads it: "+40 if the impact gives a number". */
export interface ScorePart {
  section: SectionKey;
  points: number;
  earned: boolean;
  /** What the part asks for, e.g. "the impact gives a number". */
  asks: string;
}

/** A quality score: 0–100 overall and per section, what was earned and what findings cost, biggest cost first. */
export interface QualityScore {
  overall: number;
  sections: Record<SectionKey, number>;
  reasons: ScoreReason[];
  parts: ScorePart[];
  /** The score a report needs to pass; with any error the overall score is held below it. */
  passMark: number;
  passed: boolean;
  /** True when an error held the overall score at ERROR_CAP. */
  cappedByError: boolean;
}

/** The score from which a report reads as good. */
export const PASS_MARK = 80;
/** The most a report with any error may score: below the pass mark, in the band shown red (under 50). */
export const ERROR_CAP = 49;

// Points one finding costs its section, and the most one rule may cost one section: ten spelling slips should
// not outweigh a missing root cause.
const COST: Record<Severity, { each: number; cap: number }> = {
  error: { each: 25, cap: 50 },
  warning: { each: 10, cap: 30 },
  info: { each: 2, cap: 8 },
};
// How much each section weighs in the overall score; analysis and actions are where learning happens.
const WEIGHT: Record<SectionKey, number> = {
  summary: 15,
  details: 15,
  impact: 15,
  analysis: 20,
  lessons: 10,
  actions: 20,
  materials: 5,
};
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Text that says something: guidance comments removed, at least three words. A template's prompt is not content. */
function real(text: string | undefined): boolean {
  if (!text) return false;
  const bare = text.replace(/<!--[\s\S]*?(?:-->|$)/gu, ' ');
  return (bare.match(/\p{L}[\p{L}'’-]*/gu)?.length ?? 0) >= 3;
}
const anyReal = (texts: (string | undefined)[]) => texts.some(real);

type Part = [points: number, asks: string, earned: (r: Report) => boolean];

// What each section earns for content. Each section's parts add up to 100; the wording is shown to writers as
// "+N if …". Only content counts: an empty template earns only what it fills in by itself (nothing).
const PARTS: Record<SectionKey, Part[]> = {
  summary: [
    [35, 'the summary says what happened', (r) => real(r.summary.whatHappened)],
    [
      25,
      'the summary states the impact with a number',
      (r) => real(r.summary.impact) && hasQuantity(r.summary.impact ?? ''),
    ],
    [20, 'the summary names the core issue', (r) => real(r.summary.coreIssue)],
    [10, 'the summary gives next steps', (r) => real(r.summary.nextSteps)],
    [10, 'the report has a start time', (r) => r.period.start !== undefined],
  ],
  details: [
    [
      40,
      'the timeline has at least three events',
      (r) => r.details.timeline.filter((e) => real(e.text)).length >= 3,
    ],
    [
      15,
      'the timeline marks when it was detected',
      (r) => r.details.timeline.some((e) => e.kind === 'detected'),
    ],
    [
      15,
      'the timeline marks when it was resolved',
      (r) => r.details.timeline.some((e) => e.kind === 'resolved'),
    ],
    [15, 'the report says how it was found', (r) => real(r.details.howFound)],
    [15, 'the report has a severity', (r) => r.severity !== undefined && r.severity !== ''],
  ],
  impact: [
    [
      30,
      'the impact is described',
      (r) =>
        anyReal([r.impact.operational, r.impact.customer, r.impact.reputational, r.impact.team]) ||
        r.impact.figures.length > 0 ||
        r.impact.financial.length > 0,
    ],
    [
      40,
      'the impact gives a number',
      (r) =>
        r.impact.figures.length > 0 ||
        r.impact.financial.length > 0 ||
        [r.impact.operational, r.impact.customer].some((t) => real(t) && hasQuantity(t ?? '')),
    ],
    [
      15,
      'the impact on customers is stated',
      (r) => real(r.impact.customer) || r.impact.figures.some((f) => f.category === 'customer'),
    ],
    [15, 'the cost is estimated', (r) => r.impact.financial.length > 0],
  ],
  analysis: [
    [40, 'the analysis names a primary root cause', (r) => real(r.analysis.primaryCause)],
    [
      30,
      'the analysis uses a method (5 Whys, fishbone, barriers or changes)',
      (r) =>
        r.analysis.fiveWhys.some((w) => w.steps.length >= 3) ||
        r.analysis.fishbone.length > 0 ||
        r.analysis.barriers.length > 0 ||
        r.analysis.changes.length > 0,
    ],
    [15, 'the analysis lists contributing factors', (r) => r.analysis.factors.some((f) => real(f.text))],
    [15, 'the analysis tells the causal chain', (r) => real(r.analysis.causalChain)],
  ],
  lessons: [
    [35, 'the lessons say what went well', (r) => r.lessons.wentWell.some((l) => real(l.text))],
    [35, 'the lessons say what went wrong', (r) => r.lessons.wentWrong.some((l) => real(l.text))],
    [
      30,
      'the lessons say what to improve or where you got lucky',
      (r) => [...r.lessons.couldImprove, ...r.lessons.lucky].some((l) => real(l.text)),
    ],
  ],
  actions: [
    [30, 'there is at least one action item', (r) => r.actions.items.some((a) => real(a.title))],
    [
      20,
      'every action has one owner',
      (r) => r.actions.items.length > 0 && r.actions.items.every((a) => (a.owner ?? '').trim() !== ''),
    ],
    [
      20,
      'every action has a deadline',
      (r) => r.actions.items.length > 0 && r.actions.items.every((a) => a.deadline !== undefined),
    ],
    [
      15,
      'every action has a success criterion',
      (r) => r.actions.items.length > 0 && r.actions.items.every((a) => real(a.successCriterion)),
    ],
    [
      15,
      'every action has a category',
      (r) => r.actions.items.length > 0 && r.actions.items.every((a) => a.category !== undefined),
    ],
  ],
  materials: [
    [
      100,
      'the report links supporting material',
      (r) => r.materials.items.length > 0 || r.materials.appendices.length > 0,
    ],
  ],
};

// Structure rules that report a part the score already leaves unearned (no root cause, no owner …): they cost
// nothing more, or a missing part would count twice. Their errors still hold the overall score at ERROR_CAP.
const MIRRORED = new Set([
  'summary-missing',
  'summary-parts',
  'timeline-missing',
  'timeline-detection',
  'timeline-resolution',
  'severity-missing',
  'impact-number',
  'rca-primary-cause',
  'rca-method',
  'actions-missing',
  'action-owner',
  'action-deadline',
  'action-success-criterion',
  'action-category',
  'lessons-went-well',
]);

/** How the findings cost each section, grouped per section and rule, in the order a person should fix them. */
function costOf(findings: Finding[]): ScoreReason[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.section}\u0000${f.ruleId}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const reasons: ScoreReason[] = [];
  for (const list of groups.values()) {
    const first = list[0] as Finding;
    const severity = list.reduce<Severity>(
      (worst, f) => (RANK[f.severity] < RANK[worst] ? f.severity : worst),
      'info',
    );
    const points = Math.min(
      COST[severity].cap,
      list.reduce((n, f) => n + COST[f.severity].each, 0),
    );
    reasons.push({
      section: first.section,
      ruleId: first.ruleId,
      severity,
      count: list.length,
      points,
      example: first.message,
    });
  }
  return reasons.sort(
    (a, b) =>
      b.points - a.points ||
      RANK[a.severity] - RANK[b.severity] ||
      SECTION_KEYS.indexOf(a.section) - SECTION_KEYS.indexOf(b.section) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/**
 * Score a report: each section earns points for real content (see PARTS) and loses points for its findings; the
 * overall score weighs the sections, and any error holds it at ERROR_CAP. Documented in docs/score.md.
 */
export function scoreReport(report: Report, findings: Finding[]): QualityScore {
  const parts: ScorePart[] = SECTION_KEYS.flatMap((section) =>
    PARTS[section].map(([points, asks, earned]) => ({ section, points, asks, earned: earned(report) })),
  );
  const reasons = costOf(findings.filter((f) => !MIRRORED.has(f.ruleId)));
  const sections = Object.fromEntries(
    SECTION_KEYS.map((s) => {
      const earned = parts.filter((p) => p.section === s && p.earned).reduce((n, p) => n + p.points, 0);
      const lost = reasons.filter((r) => r.section === s).reduce((n, r) => n + r.points, 0);
      return [s, Math.max(0, earned - lost)];
    }),
  ) as Record<SectionKey, number>;
  const total = SECTION_KEYS.reduce((n, s) => n + WEIGHT[s], 0);
  const weighted = Math.round(SECTION_KEYS.reduce((n, s) => n + sections[s] * WEIGHT[s], 0) / total);
  const hasError = findings.some((f) => f.severity === 'error');
  const overall = hasError ? Math.min(weighted, ERROR_CAP) : weighted;
  return {
    overall,
    sections,
    reasons,
    parts,
    passMark: PASS_MARK,
    passed: overall >= PASS_MARK,
    cappedByError: hasError && weighted > ERROR_CAP,
  };
}

/** The score explained in lines a writer reads: what is missing, what earned points, what findings cost. */
export function explainScore(score: QualityScore): string[] {
  const lines: string[] = [];
  if (score.cappedByError)
    lines.push(`held at ${ERROR_CAP}: a report with an error cannot pass (pass mark ${score.passMark})`);
  // What the overall score gains: a part's section points times the section's weight.
  for (const p of score.parts.filter((x) => !x.earned)) {
    const gain = Math.round((p.points * WEIGHT[p.section]) / 100);
    lines.push(`+${gain} if ${p.asks} (${p.section} +${p.points})`);
  }
  for (const r of score.reasons.slice(0, 10))
    lines.push(`-${r.points} ${r.section}: ${r.count} × ${r.ruleId} (${r.severity}), e.g. ${r.example}`);
  return lines;
}
