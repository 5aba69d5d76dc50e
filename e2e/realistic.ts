// A report the way a team writes one after a long day: long titles, a dozen timeline events, eight action
// items, every structured list in use, and wording that draws the linter's findings.
import { formatInstant, newReport, type Report } from '../src/domain/index.js';

const START = Date.parse('2026-03-05T09:12:00Z');
const at = (minutes: number) => formatInstant(START + minutes * 60_000);

const EVENTS: [number, Report['details']['timeline'][number]['kind'], string][] = [
  [0, 'detected', 'Checkout error rate alert fired for the payment gateway in the eu-west region'],
  [4, 'responded', 'On-call engineer acknowledged the page and opened the incident channel'],
  [9, 'investigating', 'Gateway logs showed TLS handshake failures on every outbound connection'],
  [15, 'hypothesis', 'Suspected the certificate bundle shipped with Tuesday’s base image update'],
  [22, 'investigating', 'Found the intermediate certificate of the payment provider had expired overnight'],
  [28, 'communicated', 'Status page updated: checkout failing for all customers, fix in progress'],
  [35, 'mitigated', 'Routed payments through the secondary provider while the certificate was renewed'],
  [41, 'communicated', 'Support team briefed with a customer reply template and a refund policy'],
  [55, 'investigating', 'Confirmed no card data was exposed; failures happened before any request body'],
  [63, 'resolved', 'Renewed certificate deployed; error rate back to its usual level of 0.1 percent'],
  [80, 'communicated', 'Status page marked resolved and a summary posted to the engineering list'],
  [120, 'other', 'Incident review scheduled with payments, platform and support teams'],
];

const ACTIONS = [
  'Automate renewal of every certificate the payment gateway depends on',
  'Alert fourteen days before any certificate in the inventory expires',
  'Keep an inventory of third-party certificates with an owner for each',
  'Add a synthetic checkout test that runs every minute in each region',
  'Document how to fail over to the secondary payment provider',
  'Rehearse the failover twice a year in a game day',
  'Give support a ready status page template for payment outages',
  'Review base image updates for changes to trusted certificate bundles',
];

/** The realistic report; `findings` wording is kept on purpose (weasel words, passive voice, no owner). */
export function realisticReport(): Report {
  const r = newReport('outage', {
    title:
      'Checkout failed for every customer in the eu-west region for 63 minutes after the payment provider’s intermediate certificate expired overnight',
  });
  r.severity = 'SEV1';
  r.period = { start: at(-20), end: at(63), timezone: 'Europe/Berlin' };
  r.authors = ['Ada Admin', 'Priya Platform'];
  r.facilitator = 'Sam Support';
  r.reviewers = ['Rita Reviewer'];
  r.involved = ['Omar Oncall', 'Paula Payments', 'Sam Support'];
  r.tags = ['payments', 'certificates', 'checkout'];
  r.systems = ['payment-gateway', 'checkout-api', 'status-page'];
  r.detection = 'automated';
  r.summary = {
    whatHappened:
      'For 63 minutes on 5 March, checkout failed for every customer in eu-west because an intermediate certificate expired.',
    impact:
      'About 12,400 customers were unable to check out; roughly 48,000 EUR in sales were lost (estimate).',
    coreIssue: 'Certificate renewal was very manual and basically depended on someone remembering it.',
    keyLessons: 'Expiry dates need the same monitoring as disk space.',
    nextSteps: 'Automate renewal by 30 April and alert 14 days before any expiry.',
  };
  r.details.timeline = EVENTS.map(([m, kind, text], i) => ({
    at: at(m),
    kind,
    text,
    actor: i % 3 === 0 ? 'Omar Oncall' : undefined,
    source: i % 2 === 0 ? 'pagerduty' : 'slack #inc-checkout',
  }));
  r.details.severityRationale = 'Every customer in one region could not pay, which our scale calls SEV1.';
  r.details.affected = 'Checkout in eu-west; other regions were not affected.';
  r.details.howFound = 'An alert on the checkout error rate.';
  r.details.stepsTaken = 'Failed over to the secondary provider, then renewed and deployed the certificate.';
  r.impact.financial = [
    {
      kind: 'lost_revenue',
      description: 'Orders that were not retried later',
      amount: 48000,
      currency: 'EUR',
      basis: 'estimate',
    },
    {
      kind: 'refund',
      description: 'Goodwill refunds to customers who complained',
      amount: 3200,
      currency: 'EUR',
      basis: 'confirmed',
    },
  ];
  r.impact.figures = [
    {
      category: 'customer',
      measure: 'customers unable to check out',
      value: 12400,
      unit: 'customers',
      basis: 'estimate',
    },
    { category: 'operational', measure: 'support tickets opened', value: 860, basis: 'confirmed' },
  ];
  r.impact.customer =
    'Customers saw an error at the last step of checkout and many tried again several times.';
  r.analysis.primaryCause =
    'Renewal of the payment provider’s intermediate certificate was manual, and nothing warned before it expired.';
  r.analysis.fiveWhys = [
    {
      problem: 'Checkout failed for every customer in eu-west',
      steps: [
        { answer: 'The gateway could not complete a TLS handshake with the payment provider.' },
        { answer: 'The intermediate certificate in our bundle had expired.' },
        { answer: 'Nobody renewed it, because renewal was a manual calendar task.' },
      ],
      conclusion: 'Renewal must not depend on a person remembering it.',
    },
  ];
  r.analysis.fishbone = [
    {
      category: 'process',
      cause: 'Manual certificate renewal with no second owner',
      subCauses: ['Calendar reminder went to a former employee', 'No runbook for renewal'],
    },
    {
      category: 'tools',
      cause: 'No expiry monitoring for third-party certificates',
      subCauses: ['Monitoring only covers our own domains'],
    },
    { category: 'measurement', cause: 'Synthetic checks skipped the payment step', subCauses: [] },
    {
      category: 'people',
      cause: 'The one person who knew the renewal steps was on leave',
      subCauses: ['Knowledge not written down'],
    },
  ];
  r.analysis.factors = [
    { id: 'CF1', text: 'The base image update changed the trusted bundle the same week.' },
    { id: 'CF2', text: 'The failover to the secondary provider had never been rehearsed.' },
  ];
  r.analysis.causalChain = 'Manual renewal was missed, the certificate expired, and every handshake failed.';
  r.analysis.barriers = [
    { barrier: 'Certificate expiry alert', status: 'missing', why: 'Only our own domains were monitored.' },
    { barrier: 'Synthetic checkout test', status: 'failed', why: 'It stopped before the payment step.' },
  ];
  r.analysis.changes = [
    {
      at: at(-1440),
      change: 'Base image updated with a new CA bundle',
      source: 'deploy log',
      link: 'https://ci.example/builds/4411',
    },
  ];
  r.lessons = {
    wentWell: [
      { id: 'L1', text: 'The failover to the secondary provider worked on the first try, even unrehearsed.' },
    ],
    wentWrong: [
      {
        id: 'L2',
        text: 'It took 22 minutes to find the expired certificate because the logs did not name it.',
      },
    ],
    couldImprove: [
      { id: 'L3', text: 'The status page update could have gone out ten minutes sooner with a template.' },
    ],
    lucky: [
      { id: 'L4', text: 'The outage happened outside the evening peak, when traffic is three times higher.' },
    ],
  };
  r.actions.items = ACTIONS.map((title, i) => ({
    id: `A${i + 1}`,
    title,
    category: (['immediate', 'systemic', 'process', 'documentation'] as const)[i % 4],
    priority: (['high', 'medium', 'low'] as const)[i % 3],
    // Two items without an owner or deadline, so the checks flag them.
    owner: i % 4 === 3 ? undefined : ['Priya Platform', 'Omar Oncall', 'Paula Payments'][i % 3],
    deadline: i % 4 === 3 ? undefined : `2026-0${4 + (i % 5)}-30`,
    status: (['open', 'in_progress', 'blocked', 'completed'] as const)[i % 4] ?? 'open',
    addresses: i % 2 === 0 ? ['RC'] : ['CF1', 'L2'],
    successCriterion: i === 5 ? undefined : 'No certificate expires without an alert at least 14 days before',
  }));
  r.materials.items = [
    { id: 'M1', kind: 'log', title: 'Gateway TLS errors', link: 'https://logs.example/q/tls-errors' },
    {
      id: 'M2',
      kind: 'communication',
      title: 'Incident channel export',
      link: 'https://chat.example/inc-checkout',
    },
  ];
  return r;
}
