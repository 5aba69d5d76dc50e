// The insights the way users meet them: `hindsight serve` (a real process, default configuration) on the cached
// 100,000-report SQLite database, over HTTP, one request at a time. Computed calls (each with filters no call
// asked before, so nothing kept can answer) are timed apart from kept ones (the same URL again). The baseline,
// in the same run and the same way: reading one report by id.
import { dataset } from './dataset.js';
import { failed, header, pct, row, startServe } from './harness.js';

const d = await dataset();
const server = await startServe(process.env.BENCH_DB ?? d.db);
const headers = { authorization: `Bearer ${d.tokens.viewer}` };
// Every 20th generated report is restricted to others than the viewer (report.generator.ts).
const visible = d.ids.filter((_, i) => i % 20 !== 0);

async function time(path: string): Promise<number> {
  const t = performance.now();
  const r = await fetch(server.url + path, { headers });
  const body = await r.text();
  const ms = performance.now() - t;
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`);
  return ms;
}

async function times(paths: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const p of paths) out.push(await time(p));
  return out;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const N = Number(process.env.BENCH_CALLS ?? 20);
const KINDS = ['outage', 'security', 'launch', 'project', 'success', 'other'];
// Systems of the generated reports (report.generator.ts), each on about 2,500 of them.
const SYSTEMS = ['banlinmostu', 'davban', 'davfen', 'davsulricmos', 'fenricsihen'];
const pad = (n: number) => String(n).padStart(2, '0');

header(`insights over HTTP, hindsight serve on ${d.reports} reports (SQLite), p95 of ${N} calls each`);
// Warm up each path once (statement caches, JIT): not counted.
await times([
  `/api/postmortems/${visible[1]}`,
  '/api/insights?to=2098-01-01',
  '/api/insights?kind=outage&to=2098-01-01',
]);

const one = pct(
  await times(
    Array.from({ length: 100 }, (_, i) => `/api/postmortems/${visible[(i * 97) % visible.length]}`),
  ),
  95,
);
row('baseline: GET one report by id', ms(one));

// Every report (the unfiltered view): an end day far ahead takes in every report and makes each call new.
const every = Array.from(
  { length: N },
  (_, i) => `/api/insights?to=2099-${pad(1 + (i % 12))}-${pad(1 + Math.floor(i / 12))}`,
);
const filtered = Array.from({ length: N }, (_, i) => {
  const year = 2020 + (i % 6);
  switch (i % 4) {
    case 0:
      return `/api/insights?kind=${KINDS[i % 6]}&to=2099-03-${pad(1 + (i % 28))}`;
    case 1:
      return `/api/insights?severity=SEV${1 + (i % 4)}&to=2099-04-${pad(1 + (i % 28))}`;
    case 2:
      return `/api/insights?from=${year}-01-01&to=${year}-12-${pad(1 + (i % 28))}`;
    default:
      return `/api/insights?kind=${KINDS[(i + 1) % 6]}&severity=SEV${1 + (i % 4)}&from=${year}-01-01`;
  }
});
const figures: [string, string[], number][] = [
  ['GET /api/insights, every report, computed', every, 200],
  ['GET /api/insights, filtered, computed', filtered, 200],
];
for (const [label, paths, goal] of figures) {
  const t = await times(paths);
  const p95 = pct(t, 95);
  row(label, ms(p95), `≤ ${goal} ms`, `${(p95 / one).toFixed(1)}× one report`, p95 <= goal);
}
const kept = pct(await times(Array.from({ length: N }, () => every[0]!)), 95);
row('GET /api/insights, kept (same URL again)', ms(kept), '', `${(kept / one).toFixed(1)}× one report`);
const system = pct(
  await times(
    Array.from(
      { length: Math.min(N, 10) },
      (_, i) => `/api/insights?system=${SYSTEMS[i % SYSTEMS.length]}&to=2099-05-${pad(1 + i)}`,
    ),
  ),
  95,
);
row(
  'GET /api/insights?system=…, computed (rows)',
  ms(system),
  '',
  `${(system / one).toFixed(1)}× one report`,
);
const behind = pct(
  await times(
    Array.from(
      { length: N },
      (_, i) => `/api/insights/reports?figure=byKind&group=${KINDS[i % 6]}&to=2099-06-${pad(1 + i)}`,
    ),
  ),
  95,
);
row('GET /api/insights/reports, computed', ms(behind), '', `${(behind / one).toFixed(1)}× one report`);
await server.stop();
process.exitCode = failed() > 0 ? 1 : 0;
