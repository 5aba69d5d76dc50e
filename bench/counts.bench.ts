// What a page of action items holds the event loop for, in process on the cached 100,000-report database, right
// after each kind of commit the server meets: none (the total kept), a quality score written by the background
// scorer, and a save that changes an action item. The figure is the longest stall of the event loop while the
// page is read (the widest gap between two turns of a setImmediate chain), the least of ROUNDS rounds: on a busy
// machine the scheduler only ever adds to it. BENCH_DIST runs another build (say a copy of main's dist) and
// BENCH_DB a copy of the database for it: the background scorer's and the saves' writes go to the copy.
import type * as StoreModule from '../src/store/index.js';
import { dataset } from './dataset.js';
import { header, row } from './harness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const d = await dataset();
const dist = process.env.BENCH_DIST ?? new URL('../dist', import.meta.url).pathname;
const store = await import(`${dist}/store/index.js`).then((m: typeof StoreModule) => m);
const db = store.openStore(process.env.BENCH_DB ?? d.db);
await store.migrateToLatest(db);
const reports = new store.ReportRepository(db);
const viewer = { userId: 'bench-viewer', principals: ['viewer@bench.test', 'bench viewer'] };
const overdue = { overdueOn: '2026-12-05' };
const page = { limit: 200, offset: 0 };

/** The longest gap between two turns of the event loop while `work` runs, in ms. */
async function stall(work: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  let on = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  await new Promise((r) => setImmediate(r));
  await work();
  const now = performance.now();
  longest = Math.max(longest, now - last);
  on = false;
  return longest;
}

const unscored = await store.unscoredIds(db, { limit: ROUNDS });
const figures: Record<string, number[]> = { kept: [], score: [], save: [] };
for (let i = 0; i < ROUNDS; i++) {
  await reports.actionItems(viewer, overdue, page);
  figures.kept!.push(await stall(() => reports.actionItems(viewer, overdue, page)));
  const [job] = await store.jobsFor(db, [unscored[i]!]);
  if (job) await store.writeScore(db, job.id, job.version, 50);
  figures.score!.push(await stall(() => reports.actionItems(viewer, overdue, page)));
  // A save that completes an overdue action, as a tracker's webhook would.
  const id = d.ids[(i * 7919) % d.ids.length]!;
  const stored = (await reports.get(id))!;
  const items = stored.report.actions.items.map((a, k) =>
    k === 0 ? { ...a, status: 'completed' as const } : a,
  );
  const info = { userId: null, summary: 'bench', changes: ['actions'] };
  await reports.update(
    id,
    stored.version,
    { ...stored.report, actions: { ...stored.report.actions, items } },
    info,
  );
  figures.save!.push(await stall(() => reports.actionItems(viewer, overdue, page)));
}
await db.close();

header(`an overdue action-item page (200) on ${d.reports} reports: longest event-loop stall, ms (${dist})`);
const least = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [label, xs] of [
  ['total kept', figures.kept!],
  ['after a score write', figures.score!],
  ['after a save changing an action', figures.save!],
] as const)
  row(label, least(xs).toFixed(1), '', `median ${median(xs).toFixed(1)}, of ${xs.length}`);
