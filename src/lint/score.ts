import { SECTION_KEYS } from '../domain/report.schema.js';
import type { Finding, SectionKey, Severity } from './types.js';

/** What one rule cost one section: the points, how many findings, and the first message as an example. */
export interface ScoreReason {
  section: SectionKey;
  ruleId: string;
  severity: Severity;
  count: number;
  points: number;
  example: string;
}

/** A quality score: 0–100 overall and per section, with the reasons, biggest cost first. */
export interface QualityScore {
  overall: number;
  sections: Record<SectionKey, number>;
  reasons: ScoreReason[];
}

// Points one finding costs, and the most one rule may cost one section: ten spelling slips should
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

/** Score a report from its findings; the reasons come in the order a person should fix them. */
export function scoreFindings(findings: Finding[]): QualityScore {
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
  reasons.sort(
    (a, b) =>
      b.points - a.points ||
      RANK[a.severity] - RANK[b.severity] ||
      SECTION_KEYS.indexOf(a.section) - SECTION_KEYS.indexOf(b.section) ||
      a.ruleId.localeCompare(b.ruleId),
  );
  const sections = Object.fromEntries(
    SECTION_KEYS.map((s) => [
      s,
      Math.max(0, 100 - reasons.filter((r) => r.section === s).reduce((n, r) => n + r.points, 0)),
    ]),
  ) as Record<SectionKey, number>;
  const total = SECTION_KEYS.reduce((n, s) => n + WEIGHT[s], 0);
  const overall = Math.round(SECTION_KEYS.reduce((n, s) => n + sections[s] * WEIGHT[s], 0) / total);
  return { overall, sections, reasons };
}
