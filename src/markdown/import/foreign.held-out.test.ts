import path from 'node:path';
import { describe, it } from 'vitest';
import { expectImport, importFixture, type FixtureExpectation } from './fixtures/expect.js';

// Held out: written with their expectations before the importer was changed for them, and not tuned to.
const DIR = path.resolve(import.meta.dirname, 'fixtures/held-out');

const CASES: Record<string, FixtureExpectation> = {
  'h01-three-days.md': {
    events: [
      { at: '2024-04-08T15:00:00Z', text: 'Deploys started failing' },
      { at: '2024-04-08T15:40:00Z', text: 'Retried by hand' },
      { at: '2024-04-09T09:15:00Z', text: 'Half of all deploys failed' },
      { at: '2024-04-09T11:00:00Z', text: 'Runner pool doubled', kind: 'mitigated' },
      { at: '2024-04-10T10:30:00Z', text: 'Root cause found' },
      { at: '2024-04-10T12:00:00Z', text: 'Fix deployed, resolved', kind: 'resolved' },
    ],
  },
  'h02-approx-zone-line.md': {
    events: [
      { at: '2024-09-17T07:30:00Z', text: 'Partner reported timeouts', approximate: true, kind: 'detected' },
      { at: '2024-09-17T07:45:00Z', text: 'Our on-call engineer joined the call', kind: 'responded' },
      { at: '2024-09-17T08:10:00Z', text: 'Connection pool raised', approximate: true },
      { at: '2024-09-17T08:40:00Z', text: 'Timeouts gone, resolved', kind: 'resolved' },
    ],
    severity: 'SEV2',
  },
  'h03-questions-whys.md': {
    texts: [['summary.whatHappened', 'About 300 invoices']],
    whys: ['the mail job crashed', 'one address had a null byte', 'the import did not validate addresses'],
    actions: [
      { title: 'Validate addresses at import' },
      { title: 'Make the mail job skip bad records instead of crashing' },
    ],
  },
  'h04-nested-remediation.md': {
    actions: [
      {
        title: 'Move certificates to the secret store',
        details: ['inventory all certificates', 'migrate the load balancer first'],
      },
      { title: 'Alert 30 days before expiry' },
      { title: 'Document the rotation procedure' },
    ],
  },
  'h05-impact-money.md': {
    financial: [{ kind: 'refund', amount: 12000, currency: 'USD', basis: 'estimate' }],
    figures: [
      { value: 2000, basis: 'estimate' },
      { value: 3, unit: 'hours', basis: 'confirmed' },
    ],
  },
  'h06-inline-dates-table.md': {
    events: [
      { at: '2024-06-01T22:10:00Z', text: 'Primary database became unreachable' },
      { at: '2024-06-01T22:14:00Z', text: 'Automatic failover' },
      { at: '2024-06-02T01:30:00Z', text: 'Old primary rebuilt' },
    ],
  },
  'h07-negation-kinds.md': {
    events: [
      { at: '2024-02-14T13:00:00Z', text: 'Alert: cache hit rate dropped', kind: 'detected' },
      { at: '2024-02-14T13:05:00Z', text: 'Failover to the standby cluster', notKind: ['mitigated'] },
      { at: '2024-02-14T13:20:00Z', text: 'Cache nodes rebooted' },
      { at: '2024-02-14T13:40:00Z', text: 'Hit rate recovering', notKind: ['detected'] },
      { at: '2024-02-14T14:00:00Z', text: 'Cache fully restored, resolved', kind: 'resolved' },
    ],
  },
  'h08-priority-no-headings.md': {
    severity: 'SEV1',
    events: [
      { at: '2024-08-05T14:00:00Z', text: 'signups dropped to zero' },
      { at: '2024-08-05T14:20:00Z', text: 'bad release rolled back', kind: 'mitigated' },
      { at: '2024-08-05T14:35:00Z', text: 'signups back to normal, resolved', kind: 'resolved' },
    ],
  },
  'h09-month-13.md': {
    events: [
      { at: null, text: '2024-13-05 10:00 Batch job failed' },
      { at: '2024-03-05T10:30:00Z', text: 'Batch job re-run, resolved', kind: 'resolved' },
    ],
    warnings: [/2024-13-05/],
  },
};

describe('held-out foreign fixtures', () => {
  for (const [file, expected] of Object.entries(CASES)) {
    it(file, () => expectImport(importFixture(DIR, file), expected));
  }
});
