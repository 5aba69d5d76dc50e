// A report complete enough to pass the checks and the linter's errors, for tests that move it into review.
import type { ReportInput } from '../src/domain/index.js';

/** A small, well-written outage report; override any part. */
export function completeReport(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    kind: 'outage',
    title: 'Checkout errors after a configuration change',
    severity: 'SEV2',
    period: { start: '2024-03-01T14:00:00Z', end: '2024-03-01T15:00:00Z' },
    summary: {
      whatHappened: 'Checkout returned errors for one hour after a configuration change.',
      impact: 'About 1,200 orders failed during the hour.',
      coreIssue: 'Configuration changes reached production without a staged rollout.',
    },
    details: {
      timeline: [
        { at: '2024-03-01T14:00:00Z', kind: 'detected', text: 'The error-rate alert fired.' },
        {
          at: '2024-03-01T14:10:00Z',
          kind: 'responded',
          text: 'The on-call engineer started investigating.',
        },
        { at: '2024-03-01T14:40:00Z', kind: 'mitigated', text: 'The configuration change was rolled back.' },
        { at: '2024-03-01T15:00:00Z', kind: 'resolved', text: 'Error rates returned to normal.' },
      ],
    },
    analysis: {
      primaryCause: 'The deployment pipeline applied configuration changes to every region at once.',
    },
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Roll out configuration changes one region at a time',
          owner: 'Platform team',
          deadline: '2024-04-01',
          category: 'systemic',
          addresses: ['RC'],
          successCriterion: 'Every configuration change passes through a canary region first.',
        },
      ],
    },
    ...overrides,
  };
}
