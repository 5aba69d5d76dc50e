// The shared memory on the cached 100,000-report SQLite database (dataset.ts), through the API in process
// (Fastify's inject: routing, the auth hook, the query, the figures, JSON): related incidents for random
// reports and the insights (everything, and filtered), as p95 over many calls. The baseline, in the same run
// and the same way: reading one report by id, and the archive's first page.
import type * as AppModule from '../src/server/app.js';
import type * as StoreModule from '../src/store/index.js';
import { dataset } from './dataset.js';
import { header, pct, row } from './harness.js';

const d = await dataset();
const dist = process.env.BENCH_DIST ?? new URL('../dist', import.meta.url).pathname;
const { openStore, migrateToLatest } = (await import(`${dist}/store/index.js`)) as typeof StoreModule;
const { buildApp } = (await import(`${dist}/server/app.js`)) as typeof AppModule;
const store = openStore(process.env.BENCH_DB ?? d.db);
await migrateToLatest(store);
const app = await buildApp({ db: store, logger: false });
await app.ready();
const auth = { authorization: `Bearer ${d.tokens.viewer}` };
// Every 20th generated report is restricted to others than the viewer (report.generator.ts).
const visibleIds = d.ids.filter((_, i) => i % 20 !== 0);
const randomId = () => visibleIds[Math.floor(Math.random() * visibleIds.length)]!;

async function measure(n: number, url: () => string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = url();
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url: u, headers: auth });
    times.push(performance.now() - t);
    if (r.statusCode !== 200) throw new Error(`${u}: ${r.statusCode} ${r.body.slice(0, 200)}`);
  }
  return times;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
header(`shared memory through the API in process on ${d.reports} reports, p95 of wall time`);
// Warm up each path once (statement caches, JIT).
await measure(3, () => `/api/postmortems/${randomId()}`);
await measure(3, () => `/api/postmortems/${randomId()}/related`);
await measure(2, () => '/api/insights');

const get = pct(await measure(200, () => `/api/postmortems/${randomId()}`), 95);
const list = pct(await measure(50, () => '/api/postmortems?limit=50'), 95);
row('baseline: GET one report by id', ms(get));
row('baseline: GET the archive, first page', ms(list));

const related = await measure(200, () => `/api/postmortems/${randomId()}/related`);
const relatedP95 = pct(related, 95);
row(
  'GET …/related (random reports)',
  ms(relatedP95),
  '≤ 50 ms',
  `${(relatedP95 / get).toFixed(1)}× one report`,
  relatedP95 <= 50,
);

const filters = ['', '?kind=outage', '?severity=SEV2', '?from=2023-01-01&to=2023-12-31'];
for (const f of filters) {
  const url = `/api/insights${f}`;
  const times = await measure(20, () => url);
  const p95 = pct(times, 95);
  row(
    `GET /api/insights${f || ' (every report)'}`,
    ms(p95),
    '≤ 200 ms',
    `${(p95 / list).toFixed(1)}× archive page`,
    p95 <= 200,
  );
  // The first call computes; the others are served from the kept insights while nothing is committed.
  row(`  first call (computed, not kept yet)`, ms(times[0]!));
}
const one = await app.inject({ method: 'GET', url: '/api/insights', headers: auth });
process.stdout.write(
  `insights reply: ${(one.body.length / 1024).toFixed(0)} KB for ${JSON.parse(one.body).reports} reports\n`,
);
await app.close();
await store.close();
