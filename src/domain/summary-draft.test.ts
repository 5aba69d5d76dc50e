import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { reportSchema } from './report.schema.js';
import { acceptDraft, draftSummary } from './summary-draft.js';

describe('executive summary draft', () => {
  it('drafts every part from the other sections', () => {
    const r = buildReport();
    const d = draftSummary(r);
    expect(d.whatHappened).toMatch(
      /^Checkout unavailable after payment gateway upgrade started on 5 March 2024, 14:02 UTC and lasted 2h 29m\./,
    );
    expect(d.whatHappened).toContain('It was detected by automated monitoring after 7m.');
    expect(d.impact).toMatch(/^Impact: /);
    expect(d.impact).toContain('(estimated)');
    expect(d.coreIssue).toBe(`${/^.*?[.!?](?=\s|$)/.exec(r.analysis.primaryCause!)![0]}`);
    expect(d.keyLessons).toContain(r.lessons.wentWrong[0]!.text.replace(/[.!?]$/, ''));
    expect(d.nextSteps).toBeTruthy();
  });

  it('is deterministic and leaves out parts with nothing to go on', () => {
    const r = buildReport();
    expect(draftSummary(r)).toEqual(draftSummary(structuredClone(r)));
    expect(draftSummary(reportSchema.parse({ kind: 'outage', title: 'Empty' }))).toEqual({});
  });

  it('lists the most urgent open actions first and counts the rest', () => {
    const r = reportSchema.parse({
      kind: 'outage',
      title: 'T',
      actions: {
        items: [
          { id: 'A1', title: 'Low one', priority: 'low' },
          { id: 'A2', title: 'Done one', priority: 'critical', status: 'completed' },
          { id: 'A3', title: 'Critical one', priority: 'critical', deadline: '2024-05-01' },
          { id: 'A4', title: 'High one', priority: 'high' },
          { id: 'A5', title: 'Medium one', priority: 'medium' },
        ],
      },
    });
    expect(draftSummary(r).nextSteps).toBe(
      'Critical one by 2024-05-01; High one; Medium one; and 1 more action.',
    );
  });

  it('never writes over the writer’s text', () => {
    const s = { whatHappened: 'My own words.' };
    expect(acceptDraft(s, 'whatHappened', 'Draft.')).toEqual(s);
    expect(acceptDraft(s, 'whatHappened', 'Draft.', true).whatHappened).toBe('My own words.\n\nDraft.');
    expect(acceptDraft(s, 'impact', 'Draft.')).toEqual({ ...s, impact: 'Draft.' });
    expect(acceptDraft({ impact: '  ' }, 'impact', 'Draft.')).toEqual({ impact: 'Draft.' });
  });
});
