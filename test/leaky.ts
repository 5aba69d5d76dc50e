// A report full of what may not go public: names, e-mail addresses, internal hosts, IP addresses, internal
// links, money and fields marked internal. Each secret is listed so tests can check none is left.
import { reportSchema, type Report } from '../src/domain/index.js';

export const SECRETS = {
  names: [
    'Priya Raman',
    'Priya',
    'Raman',
    'Jonas Berg',
    'Jonas',
    'Mei Tanaka',
    'Tanaka',
    'Olu Ade',
    'Carmen Ruiz',
  ],
  emails: ['priya.raman@corp.example.com', 'oncall@acme.io'],
  hosts: ['db-primary-03.prod.internal', 'cache7.corp', 'grafana.lan'],
  ips: ['10.20.30.40', '192.168.1.17', 'fe80::1ff:fe23:4567:890a'],
  links: [
    'http://grafana.lan/d/abc',
    'https://wiki.corp/incidents/42',
    'http://10.0.0.5:8080/status',
    'https://jira.intranet/browse/OPS-1',
  ],
  money: ['61,000 EUR', '$12,500', 'EUR 4,000'],
  internalOnly: ['SECRET-FIELD-TEAM', 'SECRET-LESSON', 'SECRET-ACTION', 'SECRET-ROW'],
};

export function leakyReport(): Report {
  return reportSchema.parse({
    title: 'Checkout errors after a database failover',
    kind: 'outage',
    severity: 'SEV2',
    period: { start: '2024-05-01T09:00:00Z', end: '2024-05-01T11:00:00Z' },
    authors: ['Priya Raman'],
    facilitator: 'Jonas Berg',
    reviewers: ['Mei Tanaka'],
    involved: ['Olu Ade', 'Carmen Ruiz <oncall@acme.io>'],
    members: ['priya.raman@corp.example.com'],
    systems: ['db-primary-03.prod.internal'],
    internal: ['impact.team', 'L2', 'A2', 'details.timeline.2'],
    summary: {
      whatHappened:
        'Checkout failed for two hours after db-primary-03.prod.internal (10.20.30.40) failed over. Priya paged Jonas Berg.',
      impact: 'About 3,000 orders failed; an estimated 61,000 EUR of revenue was lost and $12,500 refunded.',
      coreIssue:
        'The failover left the connection pool pointing at 192.168.1.17, see http://grafana.lan/d/abc.',
      nextSteps: 'Tanaka will write it up on https://wiki.corp/incidents/42 and mail oncall@acme.io.',
    },
    details: {
      timeline: [
        {
          at: '2024-05-01T09:05:00Z',
          kind: 'detected',
          text: 'Alert from http://10.0.0.5:8080/status fired',
          actor: 'Olu Ade',
        },
        {
          at: '2024-05-01T09:10:00Z',
          kind: 'responded',
          text: 'Carmen Ruiz joined and checked cache7.corp',
          evidence: 'https://jira.intranet/browse/OPS-1',
        },
        { at: '2024-05-01T09:20:00Z', kind: 'other', text: 'SECRET-ROW discussion in the private channel' },
        {
          at: '2024-05-01T10:40:00Z',
          kind: 'mitigated',
          text: 'Traffic moved away from fe80::1ff:fe23:4567:890a',
        },
        { at: '2024-05-01T11:00:00Z', kind: 'resolved', text: 'Error rates back to normal' },
      ],
    },
    impact: {
      financial: [
        {
          kind: 'lost_revenue',
          amount: 61000,
          currency: 'EUR',
          basis: 'estimate',
          description: 'EUR 4,000 per hour',
        },
      ],
      figures: [{ category: 'customer', measure: 'failed orders', value: 3000, basis: 'confirmed' }],
      team: 'SECRET-FIELD-TEAM: two people worked through the night.',
    },
    analysis: { primaryCause: 'The pool kept stale addresses after failover; grafana.lan showed it.' },
    lessons: {
      wentWell: [{ id: 'L1', text: 'The alert fired within five minutes.' }],
      wentWrong: [{ id: 'L2', text: 'SECRET-LESSON about a colleague' }],
    },
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Refresh pool addresses on failover',
          owner: 'Mei Tanaka',
          tracker: 'https://jira.intranet/browse/OPS-2',
          deadline: '2024-06-01',
        },
        { id: 'A2', title: 'SECRET-ACTION: performance talk', owner: 'Jonas Berg' },
      ],
    },
  });
}
