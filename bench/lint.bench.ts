// Linting post-mortems in bulk and one section while someone types. 1,000 generated reports of about
// 5 KB of Postmortem Markdown each are parsed and linted; the baseline is parsing alone on the same files
// in the same run (the floor any lint of a file pays). Then one section is linted warm, many times, for p95.
import { availableParallelism, loadavg } from 'node:os';
import { emptyReport, EVENT_KINDS, reportSchema, type Report } from '../src/domain/index.js';
import { lintReport, lintSection, warmUpProse } from '../src/lint/index.js';
import { parsePostmortem } from '../src/markdown/postmortem.parse.js';
import { serializePostmortem } from '../src/markdown/postmortem.serialize.js';
import { prng } from './report.generator.js';

const REPORTS = Number(process.env.BENCH_LINT_REPORTS ?? 1000);
const TARGET_TOTAL_S = 10;
const TARGET_P95_MS = 20;

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

function generate(i: number): Report {
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

const texts = Array.from({ length: REPORTS }, (_, i) => serializePostmortem(generate(i)));
const avgKb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length / 1024;

const t0 = performance.now();
warmUpProse();
const warmUpMs = performance.now() - t0;

/** Time `fn` twice and keep the faster run: the machine is shared, and the slower run mostly measures others. */
function timed(fn: () => void): { wallS: number; cpuS: number } {
  let best = { wallS: Infinity, cpuS: Infinity };
  for (let k = 0; k < 2; k += 1) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    fn();
    const used = process.cpuUsage(cpu);
    const run = { wallS: (performance.now() - wall) / 1000, cpuS: (used.user + used.system) / 1e6 };
    if (run.wallS < best.wallS) best = run;
  }
  return best;
}

// Baseline: parsing alone.
let reports: Report[] = [];
const parse = timed(() => {
  reports = texts.map((text) => parsePostmortem(text).report as Report);
});
const parseS = parse.wallS;

// What `hindsight lint` does per file: parse, then lint.
let findings = 0;
const total = timed(() => {
  findings = 0;
  for (const text of texts) findings += lintReport(parsePostmortem(text).report as Report).length;
});
const totalS = total.wallS;
const totalCpuS = total.cpuS;

// Lint alone on the parsed reports, to show the linter's own share.
const lintOnly = timed(() => {
  for (const report of reports) lintReport(report);
});
const lintOnlyS = lintOnly.wallS;
const lintOnlyCpuS = lintOnly.cpuS;

// One section, warm: the impact section of varied reports, as an editor would call it on each pause.
const samples: number[] = [];
for (let k = 0; k < 50; k += 1) lintSection(reports[k] as Report, 'impact');
for (let k = 0; k < 500; k += 1) {
  const report = reports[k % reports.length] as Report;
  const s = performance.now();
  lintSection(report, k % 2 === 0 ? 'impact' : 'summary');
  samples.push(performance.now() - s);
}
samples.sort((a, b) => a - b);
const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number;

console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores (other work on the machine slows wall-clock times)`,
);
const verdict = (ok: boolean) => (ok ? 'OK' : 'OVER');
console.log(`reports: ${REPORTS}, average ${avgKb.toFixed(1)} KB of Markdown each; ${findings} findings`);
console.log(`one-time warm-up (dictionary load): ${warmUpMs.toFixed(0)} ms`);
console.log(`baseline, parse only: ${parseS.toFixed(2)} s`);
console.log(
  `parse + lint ${REPORTS} reports: ${totalS.toFixed(2)} s wall, ${totalCpuS.toFixed(2)} s CPU ` +
    `(${(totalS / parseS).toFixed(1)}× parse alone; target ≤ ${TARGET_TOTAL_S} s) ${verdict(totalS <= TARGET_TOTAL_S)}`,
);
console.log(
  `lint alone on the parsed reports: ${lintOnlyS.toFixed(2)} s wall, ${lintOnlyCpuS.toFixed(2)} s CPU ` +
    `(${((lintOnlyS / REPORTS) * 1000).toFixed(2)} ms a report)`,
);
console.log(
  `one section warm: p50 ${p(0.5).toFixed(2)} ms, p95 ${p(0.95).toFixed(2)} ms, max ${p(1).toFixed(2)} ms ` +
    `(target p95 ≤ ${TARGET_P95_MS} ms) ${verdict(p(0.95) <= TARGET_P95_MS)}`,
);
if (totalS > TARGET_TOTAL_S || p(0.95) > TARGET_P95_MS) process.exitCode = 1;
