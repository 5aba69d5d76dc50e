import { describe, expect, it } from 'vitest';
import { emptyReport } from '../domain/report.schema.js';
import { newReport } from '../domain/templates.js';
import { lintReport } from './engine.js';
import { sampleReport } from './fixtures/sample-report.js';
import { ERROR_CAP, explainScore, PASS_MARK, scoreReport } from './score.js';
import type { Finding, Report } from './types.js';

const finding = (ruleId: string, severity: Finding['severity'], section: Finding['section']): Finding => ({
  ruleId,
  severity,
  section,
  message: `${ruleId} message`,
  path: [section],
});
const score = (r: Report) => scoreReport(r, lintReport(r));

describe('quality score', () => {
  it('gives an empty report, and every empty template, 20 or less', () => {
    expect(score(emptyReport('outage', 'Checkout down')).overall).toBeLessThanOrEqual(20);
    for (const kind of ['outage', 'security', 'launch', 'project', 'success', 'other'] as const) {
      expect(score(newReport(kind, { title: 'Something happened' })).overall).toBeLessThanOrEqual(20);
    }
  });

  it('passes a complete report with no errors, and explains what is left', () => {
    const s = score(sampleReport());
    expect(s.overall).toBeGreaterThanOrEqual(PASS_MARK);
    expect(s.passed).toBe(true);
    expect(explainScore(s).every((l) => /^[+-]\d+ /u.test(l))).toBe(true);
  });

  it('holds a report with any error below the pass mark, at most ERROR_CAP', () => {
    const r = sampleReport();
    r.analysis.primaryCause = 'Mateo forgot to set the pool size.';
    const s = score(r);
    expect(s.reasons[0]?.ruleId).toBe('blame');
    expect(s.overall).toBeLessThanOrEqual(ERROR_CAP);
    expect(s.passed).toBe(false);
    expect(s.cappedByError).toBe(true);
    expect(explainScore(s)[0]).toMatch(/cannot pass/u);
  });

  it('raises a section only with real content: guidance comments and two-word stubs earn nothing', () => {
    const r = emptyReport('outage', 'Checkout down');
    const before = score(r).sections.impact;
    r.impact.operational = '<!-- Describe the impact on operations here -->';
    expect(score(r).sections.impact).toBe(before);
    r.impact.operational = 'Checkout failed.';
    expect(score(r).sections.impact).toBe(before);
    r.impact.operational = 'Checkout requests failed for customers in Europe.';
    const described = score(r);
    expect(described.sections.impact).toBeGreaterThan(before);
    expect(
      explainScore(described).some((l) => /if the impact gives a number \(impact \+40\)$/u.test(l)),
    ).toBe(true);
    r.impact.operational = 'Checkout requests failed for 1,240 customers in Europe over 38 minutes.';
    expect(score(r).sections.impact).toBeGreaterThan(described.sections.impact);
  });

  it('orders the costs by points, caps each rule per section, and takes them off what a section earned', () => {
    const s = scoreReport(sampleReport(), [
      ...Array.from({ length: 20 }, () => finding('spelling', 'info', 'details')),
      finding('judgment', 'warning', 'summary'),
    ]);
    expect(s.reasons.map((r) => [r.ruleId, r.points, r.count])).toEqual([
      ['judgment', 10, 1],
      ['spelling', 8, 20],
    ]);
    const clean = scoreReport(sampleReport(), []);
    expect(s.sections.details).toBe(clean.sections.details - 8);
    expect(s.overall).toBeLessThan(clean.overall);
  });
});
