import path from 'node:path';
import { describe, it } from 'vitest';
import { expectImport, importFixture, type FixtureExpectation } from './fixtures/expect.js';

// Reports written for these tests in styles teams use; each expectation was worked out by hand from the file.
const DIR = path.resolve(import.meta.dirname, 'fixtures/foreign');

const CASES: Record<string, FixtureExpectation> = {
  'f01-multi-incident.md': {
    events: [
      { at: '2025-03-03T09:12:00Z', text: 'Alert fired: order queue depth', kind: 'detected' },
      { at: '2025-03-03T09:20:00Z', text: 'On-call acknowledged the page', kind: 'responded' },
      { at: '2025-03-03T10:05:00Z', text: 'Consumers scaled from 4 to 12' },
      { at: '2025-03-03T11:40:00Z', text: 'Queue depth back to normal', kind: 'resolved' },
      { at: '2025-03-04T14:02:00Z', text: 'Customers reported', kind: 'detected' },
      { at: '2025-03-04T14:30:00Z', text: 'Switched resolvers' },
      { at: '2025-03-04T15:10:00Z', text: 'All lookups succeed again', kind: 'resolved' },
    ],
    actions: [{ title: 'Add an alert on consumer lag' }, { title: 'Keep a second DNS provider warm' }],
  },
  'f02-inline-dates.md': {
    events: [
      { at: '2025-03-03T23:50:00Z', text: 'TLS certificate for api.example.com expired' },
      { at: '2025-03-03T23:58:00Z', text: 'Synthetic checks alerted', kind: 'detected' },
      { at: '2025-03-04T00:20:00Z', text: 'New certificate issued and deployed' },
      { at: '2025-03-04T00:31:00Z', text: 'Error rate back to zero, resolved', kind: 'resolved' },
    ],
    actions: [{ title: 'Automate certificate renewal for every public endpoint' }],
  },
  'f03-nested-actions.md': {
    actions: [
      {
        title: 'Add jitter to client retries',
        details: ['Ship in app version 5.3', 'Backport to 5.2.x', 'only for Android'],
      },
      { title: 'Rate-limit the gateway per client', details: ['Start with 50 requests per second'] },
      { title: 'Write a runbook for gateway overload' },
    ],
  },
  'f04-leadin.md': {
    events: [
      { at: '2024-02-02T08:00:00Z', text: 'Nightly build failed on every branch' },
      { at: '2024-02-02T08:40:00Z', text: 'Cache bucket cleared' },
    ],
    texts: [
      ['details.stepsTaken', 'The following steps brought the builds back:\n\n- cleared the cache bucket'],
      ['details.stepsTaken', '- pinned the cache client version'],
      ['actions.notes', 'We agreed on the following:'],
    ],
    actions: [
      { title: 'Checksum cache entries before use' },
      { title: 'Alert when more than 5 builds fail in an hour' },
    ],
  },
  'f05-zone-prose.md': {
    zone: /CEST/,
    events: [
      { at: '2024-07-10T07:58:00Z', text: 'Error rate on /login rose' },
      { at: '2024-07-10T08:04:00Z', text: 'On-call engineer paged' },
      { at: '2024-07-10T08:31:00Z', text: 'Faulty config rolled back' },
    ],
    texts: [['summary.whatHappened', 'Logins failed for most users']],
  },
  'f06-zone-heading.md': {
    zone: /PST/,
    events: [
      { at: '2024-01-10T00:45:00Z', text: 'Latency alert for the resizer', kind: 'detected' },
      { at: '2024-01-10T01:10:00Z', text: 'Rolled back the new image library', kind: 'mitigated' },
      { at: '2024-01-10T01:25:00Z', text: 'Latency normal again, resolved', kind: 'resolved' },
    ],
    lessons: { couldImprove: 1 },
  },
  'f07-timezone-line.md': {
    zone: /Europe\/Berlin/,
    events: [
      { at: '2024-01-15T12:00:00Z', text: 'Rebuild job started' },
      { at: '2024-01-15T14:30:00Z', text: 'Rebuild noticed stuck at 62%', kind: 'detected' },
      { at: '2024-01-15T15:10:00Z', text: 'Job restarted with more memory' },
      { at: '2024-01-15T17:45:00Z', text: 'Rebuild finished, search resolved', kind: 'resolved' },
    ],
  },
  'f08-approximate.md': {
    events: [
      { at: '2024-05-06T09:58:00Z', text: 'First slow requests', approximate: true },
      { at: '2024-05-06T10:02:00Z', text: 'Latency alert fired', approximate: true, kind: 'detected' },
      { at: '2024-05-06T10:45:00Z', text: 'Noisy tenant throttled', approximate: true },
      { at: '2024-05-06T11:00:00Z', text: 'Latency back to normal', approximate: true },
      { at: '2024-05-06T11:30:00Z', text: 'Incident closed, resolved', approximate: true, kind: 'resolved' },
    ],
  },
  'f09-partial-range.md': {
    events: [
      {
        at: '2024-08-21T09:00:00Z',
        end: '2024-08-21T11:00:00Z',
        text: 'Exports failed for all customers',
      },
      {
        at: '2024-08-21T12:00:00Z',
        approximate: true,
        text: 'Someone noticed the retry queue was empty',
        kind: 'detected',
      },
      {
        at: '2024-08-21T12:26:00Z',
        end: '2024-08-21T12:26:00Z',
        endApproximate: true,
        text: 'Manual re-run of the failed exports',
      },
      {
        at: '2024-08-21T14:00:00Z',
        approximate: true,
        text: 'Customers informed by e-mail',
        kind: 'communicated',
      },
    ],
  },
  'f10-question-headings.md': {
    texts: [
      ['summary.whatHappened', 'Webhooks were delivered up to two hours late.'],
      ['analysis.primaryCause', "A worker pool was sized for last year's traffic."],
    ],
    lessons: { wentWell: 1, wentWrong: 1, lucky: 1 },
    actions: [
      { title: 'Autoscale the worker pool on queue depth' },
      { title: 'Review pool sizes every quarter' },
    ],
  },
  'f11-insights-attendees.md': {
    involved: ['Alice Martin', 'Bob Ng', 'Chen Wei'],
    lessons: { couldImprove: 1 },
    actions: [
      { title: 'Warm the cache before switching traffic' },
      { title: 'Add request coalescing to the cache client' },
    ],
    texts: [['details.stepsTaken', 'Traffic was moved back to the old pods']],
  },
  'f12-whys-numbered.md': {
    whys: [
      'the scheduler skipped the job',
      "the job's node was drained",
      'a kernel upgrade',
      'maintenance windows are not shared',
      'there is no shared calendar',
    ],
    actions: [{ title: 'Publish maintenance windows in a shared calendar' }],
  },
  'f13-five-whys-heading.md': {
    whys: [
      'Prices were stale for three hours.',
      'The price feed consumer had stopped.',
      'It ran out of memory on a malformed message.',
      'The parser loads whole messages into memory.',
      'Nobody set a size limit on feed messages.',
    ],
    actions: [{ title: 'Reject feed messages above 1 MB' }],
  },
  'f14-impact.md': {
    financial: [
      { kind: 'lost_revenue', amount: 4500, currency: 'USD', basis: 'estimate' },
      { kind: 'refund', amount: 300, currency: 'EUR', basis: 'confirmed' },
    ],
    figures: [
      { category: 'customer', value: 1200, basis: 'estimate' },
      { value: 47, unit: 'minutes', basis: 'confirmed' },
      { value: 85, basis: 'confirmed' },
    ],
    texts: [['impact.notes', 'About 1,200 customers could not complete checkout']],
    events: [
      { at: '2024-10-14T12:00:00Z', text: 'Checkout errors began' },
      { at: '2024-10-14T12:47:00Z', text: 'Checkout restored, resolved', kind: 'resolved' },
    ],
  },
  'f15-severity.md': {
    severity: 'SEV2',
    texts: [['details.severityRationale', 'High']],
    actions: [{ title: 'Add a smoke test for the dashboard queries' }],
  },
  'f16-no-headings.md': {
    severity: 'SEV2',
    events: [
      { at: '2024-02-27T07:10:00Z', text: 'Disk usage alert on metrics-1', kind: 'detected' },
      { at: '2024-02-27T07:25:00Z', text: 'Old indices deleted by hand' },
      { at: '2024-02-27T07:40:00Z', text: 'Ingestion back, resolved', kind: 'resolved' },
    ],
    actions: [],
  },
  'f17-odd-table.md': {
    events: [
      { at: '2024-03-12T10:15:00Z', text: 'Bounce rate alert fired · Notes: 12% bounces', actor: 'mail-bot' },
      { at: '2024-03-12T10:30:00Z', text: 'Paused the marketing campaign', actor: 'Dana' },
      { at: '2024-03-12T11:05:00Z', text: 'Bounce rate back to 1%, resolved', kind: 'resolved' },
    ],
  },
  'f18-impossible-dates.md': {
    events: [
      { at: null, text: '10:00 Migration started' },
      { at: null, text: '09:00 Cutover to the new queue' },
      { at: '2024-03-04T11:00:00Z', text: 'Old queue switched off' },
    ],
    warnings: [/line 5\b.*20245-03-01/, /line 9\b.*2024-13-02/],
  },
  'f19-negated.md': {
    events: [
      { at: '2024-05-20T08:00:00Z', text: 'Error rate alert fired', kind: 'detected' },
      { at: '2024-05-20T08:10:00Z', text: 'Restarted the API pods', notKind: ['mitigated', 'resolved'] },
      { at: '2024-05-20T08:20:00Z', text: 'Rollback failed', notKind: ['mitigated', 'resolved'] },
      { at: '2024-05-20T08:35:00Z', text: 'Config reverted by hand', kind: 'mitigated' },
      { at: '2024-05-20T08:50:00Z', text: 'Error rate normal, resolved', kind: 'mitigated' },
      { at: '2024-05-20T09:30:00Z', text: 'Verified all regions healthy', kind: 'resolved' },
    ],
  },
};

describe("foreign fixtures written in other teams' styles", () => {
  for (const [file, expected] of Object.entries(CASES)) {
    it(file, () => expectImport(importFixture(DIR, file), expected));
  }
});
