import { describe, expect, it } from 'vitest';
import { lintReport } from './engine.js';
import { sampleReport } from './fixtures/sample-report.js';
import { scoreFindings } from './score.js';
import type { Finding } from './types.js';

const finding = (ruleId: string, severity: Finding['severity'], section: Finding['section']): Finding => ({
  ruleId,
  severity,
  section,
  message: `${ruleId} message`,
  path: [section],
});

describe('quality score', () => {
  it('is 100 everywhere with no findings', () => {
    const s = scoreFindings([]);
    expect(s.overall).toBe(100);
    expect(Object.values(s.sections).every((v) => v === 100)).toBe(true);
    expect(s.reasons).toEqual([]);
  });

  it('orders the reasons by what they cost, caps each rule, and weighs sections', () => {
    const s = scoreFindings([
      ...Array.from({ length: 20 }, () => finding('spelling', 'info', 'details')),
      finding('judgment', 'warning', 'summary'),
      finding('rca-primary-cause', 'error', 'analysis'),
    ]);
    expect(s.reasons.map((r) => [r.ruleId, r.points, r.count])).toEqual([
      ['rca-primary-cause', 25, 1],
      ['judgment', 10, 1],
      ['spelling', 8, 20],
    ]);
    expect(s.sections.analysis).toBe(75);
    expect(s.sections.details).toBe(92);
    expect(s.overall).toBeLessThan(100);
    expect(s.overall).toBeGreaterThan(80);
  });

  it('drops when a report gets worse', () => {
    const good = scoreFindings(lintReport(sampleReport())).overall;
    const r = sampleReport();
    r.analysis.primaryCause = 'Mateo forgot to set the pool size, which was careless.';
    r.lessons.wentWell = [];
    const bad = scoreFindings(lintReport(r));
    expect(bad.overall).toBeLessThan(good);
    expect(bad.reasons[0]?.ruleId).toBe('blame');
  });
});
