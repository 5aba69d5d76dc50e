// The 1,000 generated post-mortems of the lint bench (about 5 KB of Postmortem Markdown each), also linted by the
// lint golden test (src/lint/golden.test.ts): the same seeded generator gives the same reports every run.
import { emptyReport, EVENT_KINDS, reportSchema, type Report } from '../src/domain/index.js';
import { serializePostmortem } from '../src/markdown/postmortem.serialize.js';
import { prng } from './report.generator.js';

const SYSTEMS = [
  'checkout-api',
  'orders-db',
  'search',
  'payments',
  'auth-gateway',
  'notifications',
  'billing-worker',
];
const NAMES = [
  'Dana Kowalski',
  'Ife Okafor',
  'Mateo Silva',
  'Ana Ruiz',
  'Tariq Aziz',
  'Yuki Mori',
  'Lars Berg',
];
const SUBJECTS = [
  'The deploy pipeline',
  'The connection pool',
  'A configuration change',
  'The cache layer',
  'The retry policy',
  'The load balancer',
  'The nightly batch job',
  'The feature flag service',
];
const VERBS = [
  'exhausted',
  'delayed',
  'dropped',
  'duplicated',
  'throttled',
  'rejected',
  'slowed',
  'restarted',
];
const OBJECTS = [
  'incoming requests',
  'database connections',
  'queued messages',
  'checkout sessions',
  'search queries',
  'webhook deliveries',
  'login attempts',
];
const TAILS = [
  'during the peak hour',
  'after the 14:00 release',
  'for 35 minutes',
  'in the EU region',
  'until the rollback finished',
  'while the replica caught up',
  'on two of five nodes',
];
const EXTRA = [
  'Many customers could not complete their orders.',
  'The site was very slow for a while.',
  'Ana forgot to update the runbook before the change.',
  'It was obviously a bad idea to change the pool size on a Friday.',
  'The alert was acknowledged by the on-call engineer after 4 minutes.',
  'About 2,300 requests failed with HTTP 503 over 12 minutes.',
  'Refer to Appendix B for the full query plan.',
  'The SLO burn rate crossed the paging threshold at 14:06.',
];

function sentence(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  if (r() < 0.15) return pick(EXTRA);
  return `${pick(SUBJECTS)} ${pick(VERBS)} ${Math.floor(r() * 5000)} ${pick(OBJECTS)} ${pick(TAILS)}.`;
}
function paragraph(r: () => number, n: number): string {
  return Array.from({ length: n }, () => sentence(r)).join(' ');
}

export function generate(i: number): Report {
  // The same seeded generator (mulberry32) as the other benches, so every run lints the same reports.
  const r = prng(i + 1);
  const base = Date.UTC(2024, 0, 1) + i * 86_400_000;
  const at = (min: number) => new Date(base + min * 60_000).toISOString().replace('.000Z', 'Z');
  const kinds = EVENT_KINDS.filter((k) => k !== 'other');
  return reportSchema.parse({
    ...emptyReport('outage', `Incident ${i}: ${sentence(r).slice(0, 60).replace(/\.$/, '').trim()}`),
    id: `PM-${i}`,
    severity: `SEV${1 + (i % 4)}`,
    period: { start: at(0), end: at(90), timezone: 'UTC' },
    authors: [NAMES[i % NAMES.length]],
    involved: NAMES.slice(0, 3 + (i % 4)),
    systems: SYSTEMS.slice(0, 2 + (i % 5)),
    tags: ['database', 'capacity'],
    summary: {
      whatHappened: paragraph(r, 2),
      impact: paragraph(r, 1),
      coreIssue: paragraph(r, 1),
      keyLessons: paragraph(r, 1),
      nextSteps: paragraph(r, 1),
    },
    details: {
      timeline: Array.from({ length: 8 }, (_, k) => ({
        at: at(k * 9 + (k === 6 && i % 3 === 0 ? -20 : 0)),
        kind: kinds[Math.min(k, kinds.length - 1)],
        text: sentence(r),
      })),
      severityRationale: paragraph(r, 1),
      howFound: paragraph(r, 1),
      stepsTaken: paragraph(r, 1),
    },
    impact: {
      figures: [
        {
          category: 'customer',
          measure: 'failed requests',
          value: Math.floor(r() * 10000),
          basis: 'estimate',
        },
      ],
      customer: paragraph(r, 1),
      operational: paragraph(r, 1),
    },
    analysis: {
      primaryCause: paragraph(r, 1),
      factors: [
        { id: 'CF1', text: sentence(r) },
        { id: 'CF2', text: sentence(r) },
      ],
      causalChain: paragraph(r, 1),
      fiveWhys: [
        { problem: sentence(r), steps: Array.from({ length: 2 + (i % 4) }, () => ({ answer: sentence(r) })) },
      ],
    },
    lessons: {
      wentWell: [{ id: 'L1', text: sentence(r) }],
      wentWrong: [
        { id: 'L2', text: sentence(r) },
        { id: 'L3', text: sentence(r) },
      ],
    },
    actions: {
      items: [
        {
          id: 'A1',
          title: sentence(r).slice(0, 80).trim(),
          category: 'systemic',
          owner: NAMES[(i + 1) % NAMES.length],
          deadline: '2024-06-01',
          addresses: ['RC'],
          successCriterion: 'Alert fires within 2 minutes in a game-day test.',
        },
        {
          id: 'A2',
          title: sentence(r).slice(0, 80).trim(),
          owner: NAMES[(i + 2) % NAMES.length],
          addresses: ['CF1'],
        },
      ],
    },
  });
}

/** Report `i` of the bench as Postmortem Markdown. */
export function lintBenchText(i: number): string {
  return serializePostmortem(generate(i));
}
