// The store's list, action-item and search queries in process on the cached 100,000-report database, in CPU
// milliseconds per query (process.cpuUsage): a figure that holds on a busy machine, where wall times over HTTP
// swing with the load. On PostgreSQL (DATABASE_URL, see dataset.ts) the work is the server's: read the wall
// time (the slowest of the kept runs). "kept" is with totals kept (see CountCache), "afresh" with every total counted anew.
// BENCH_DIST and BENCH_DB run another build on its own copy (e.g. the build before a change).
import type * as StoreModule from '../src/store/index.js';
import { dataset } from './dataset.js';
import { header, row } from './harness.js';
import { generateQuery, prng, vocabulary } from './report.generator.js';

const d = await dataset();
const dist = process.env.BENCH_DIST ?? new URL('../dist', import.meta.url).pathname;
const { openStore, ReportRepository } = (await import(`${dist}/store/index.js`)) as typeof StoreModule;
const store = openStore(process.env.BENCH_DB ?? d.db);
const viewer = { userId: 'bench-viewer', principals: ['viewer@bench.test', 'bench viewer'] };
const p = { limit: 50, offset: 0 };
type Repo = InstanceType<typeof ReportRepository>;
const queries: [string, (r: Repo) => Promise<unknown>, number][] = [
  ['list, first page', (r) => r.list(viewer, {}, p), 20],
  ['list, offset 450', (r) => r.list(viewer, {}, { limit: 50, offset: 450 }), 20],
  ['list, state=published (5%)', (r) => r.list(viewer, { state: 'published' }, p), 5],
  ['list, severity=SEV2', (r) => r.list(viewer, { severity: 'SEV2' }, p), 5],
  ['list, person=Team Atlas', (r) => r.list(viewer, { person: 'Team Atlas' }, p), 5],
  ['list, a tag no report has', (r) => r.list(viewer, { tag: 'no-such-tag' }, p), 3],
  ['action items, 200', (r) => r.actionItems(viewer, {}, { limit: 200, offset: 0 }), 3],
  [
    'action items, owner',
    (r) => r.actionItems(viewer, { owner: 'Team Atlas' }, { limit: 200, offset: 0 }),
    3,
  ],
  [
    'action items, overdue',
    (r) => r.actionItems(viewer, { overdueOn: '2026-12-05' }, { limit: 200, offset: 0 }),
    3,
  ],
  ['search "database" (4%)', (r) => r.search(viewer, 'database', p), 5],
  ['search "platform" (95%)', (r) => r.search(viewer, 'platform', p), 5],
  ['search "draft" (state of 95%, not in the text)', (r) => r.search(viewer, 'draft', p), 5],
];

// What the action-item route sends on SQLite: the items as JSON text written by SQLite (not in earlier builds).
if ('actionItemsJson' in ReportRepository.prototype)
  queries.splice(9, 0, [
    'action items, 200, as JSON text',
    (r) => r.actionItemsJson(viewer, {}, { limit: 200, offset: 0 }),
    3,
  ]);

// The HTTP bench's 1,000 varied queries (the same generator and seed), each asked once per round: the figure
// is the mean over them. Kept totals carry over from round to round, as a server's would within a few seconds.
const rnd = prng(1);
const vocab = vocabulary();
const varied = Array.from({ length: 1000 }, () => generateQuery(rnd, vocab));
queries.push([
  'search, 1,000 varied queries (mean)',
  async (r) => {
    for (const q of varied) await r.search(viewer, q, p);
  },
  1,
]);

header(`store queries in process on ${d.reports} reports, CPU ms per query`);
for (const [label, q, n] of queries) {
  const kept = new ReportRepository(store);
  await q(kept);
  const walls: number[] = [];
  let c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await q(kept);
    walls.push(performance.now() - t);
  }
  let c = process.cpuUsage(c0);
  walls.sort((a, b) => a - b);
  const wallMax = walls[walls.length - 1]!;
  const keptMs = (c.user + c.system) / 1000 / n;
  c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await q(new ReportRepository(store));
  c = process.cpuUsage(c0);
  const freshMs = (c.user + c.system) / 1000 / n;
  // A row that runs many queries a round is given per query.
  const per = label.includes('1,000') ? varied.length : 1;
  row(
    label,
    `${(keptMs / per).toFixed(2)} ms`,
    '',
    `afresh ${(freshMs / per).toFixed(2)}, wall ${per > 1 ? '' : '≤ '}${(wallMax / per).toFixed(1)} ms${per > 1 ? ' mean' : ''}`,
  );
}
await store.close();
