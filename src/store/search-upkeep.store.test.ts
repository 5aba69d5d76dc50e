// The full-text index kept merged while the server runs (search-upkeep.ts), on a real SQLite file: an index left in
// many segments (one a transaction, automerge off) is merged into one by steps between turns of the event loop,
// searches answer the same before and after, and a save made while it merges is kept and not held for long.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { openTestStore, type TestStore } from '../../test/databases.js';
import { ReportRepository, SearchUpkeep } from './index.js';

const info = { userId: null, summary: 'saved', changes: [] };
const viewer = { userId: 'x', principals: [] };
const page = { limit: 50, offset: 0 };
const WORDS = ['quokka', 'wombat', 'numbat', 'dingo', 'bilby', 'echidna', 'platypus'];

/** The segments on each level of the search index, from its structure record (rowid 10 of report_search_data). */
function levels(t: TestStore): number[] {
  const row = t.store.sqlite!.prepare('select block from report_search_data where id = 10').get() as
    { block: Buffer } | undefined;
  if (!row) return [];
  const b = row.block;
  // A 4-byte cookie (then, in a version 2 record, its 4-byte mark), the number of levels, of segments, the write
  // counter; then for each level the segments being merged and the number of segments, and each segment's id and
  // first and last page (5 more numbers each in version 2). Numbers are SQLite varints.
  const v2 = b.readUInt32BE(4) === 0xff000001;
  let at = v2 ? 8 : 4;
  const varint = () => {
    let v = 0;
    for (let i = 0; i < 9; i++) {
      const c = b[at++]!;
      if (i === 8) return v * 256 + c;
      v = v * 128 + (c & 0x7f);
      if (c < 0x80) return v;
    }
    return v;
  };
  const nLevel = varint();
  varint();
  varint();
  const out: number[] = [];
  for (let l = 0; l < nLevel; l++) {
    varint();
    const n = varint();
    for (let s = 0; s < n * (v2 ? 8 : 3); s++) varint();
    out.push(n);
  }
  return out;
}
const segments = (t: TestStore) => levels(t).reduce((a, n) => a + n, 0);

/** Whether FTS5's 'merge' command finds anything left to merge (it writes fewer than two rows when not). */
function mergeWrites(t: TestStore): boolean {
  const db = t.store.sqlite!;
  const total = db.prepare('select total_changes()').pluck();
  const before = total.get() as number;
  db.prepare("insert into report_search(report_search, rank) values('merge', 32)").run();
  return (total.get() as number) - before >= 2;
}

async function until(done: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the full-text index kept merged on sqlite', () => {
  let t: TestStore;
  let reports: ReportRepository;
  let upkeep: SearchUpkeep | undefined;
  beforeEach(async () => {
    t = await openTestStore('sqlite');
    reports = new ReportRepository(t.store);
    // Segments left as written: one a save, each in its own transaction (no automerge, no crisis merge at 16).
    t.store.sqlite!.exec(`insert into report_search (report_search, rank) values ('automerge', 0)`);
    t.store.sqlite!.exec(`insert into report_search (report_search, rank) values ('crisismerge', 100)`);
    for (let i = 0; i < 40; i++) {
      const title = `${WORDS[i % WORDS.length]} outage ${i}`;
      // Words of its own, so that each segment is a few pages and merging takes many steps of two.
      const words = Array.from({ length: 600 }, (_, k) => `z${i.toString(36)}q${k.toString(36)}`).join(' ');
      const base = buildReport();
      const summary = { ...base.summary, whatHappened: `${base.summary.whatHappened} ${words}` };
      await reports.create(`r-${i}`, buildReport({ id: `r-${i}`, title, summary }), info);
    }
    expect(segments(t)).toBeGreaterThanOrEqual(40);
  });
  afterEach(async () => {
    upkeep?.stop();
    await t?.dispose();
  });

  const answers = async () =>
    JSON.stringify(
      await Promise.all(
        [...WORDS, 'outage', 'wombat outage', '17', 'z3q1', 'z3q1 zaq2'].map((q) =>
          reports.search(viewer, q, page),
        ),
      ),
    );

  it('merges a fragmented index into one segment, and searches answer the same', async () => {
    const before = await answers();
    let commits = 0;
    upkeep = new SearchUpkeep(t.store.sqlite!, () => (commits += 1), { quietMs: 10, pages: 4 });
    upkeep.start();
    await until(() => upkeep!.stats.mergedAtMs !== undefined);
    expect(segments(t)).toBe(1);
    expect(mergeWrites(t)).toBe(false);
    expect(upkeep.stats.steps).toBeGreaterThan(2);
    expect(commits).toBe(upkeep.stats.steps - 1);
    t.store.sqlite!.exec(`insert into report_search (report_search) values ('integrity-check')`);
    expect(await answers()).toBe(before);
  });

  it('keeps a save made while it merges, without holding it for long, and merges again once saves are quiet', async () => {
    upkeep = new SearchUpkeep(t.store.sqlite!, undefined, { quietMs: 50, pages: 2 });
    upkeep.start();
    await until(() => upkeep!.stats.steps >= 3);
    expect(upkeep.stats.mergedAtMs).toBeUndefined();
    const t0 = performance.now();
    await reports.create('late', buildReport({ id: 'late', title: 'Quokka stampede' }), info);
    const saveMs = performance.now() - t0;
    // The save waits at most for the step under way (a step of two pages on a test file: well under a millisecond).
    expect(saveMs).toBeLessThan(250);
    await until(() => upkeep!.stats.mergedAtMs !== undefined);
    expect(mergeWrites(t)).toBe(false);
    // Level merges: at most one segment on each level (the late save's may sit beside the merged one).
    expect(Math.max(...levels(t))).toBe(1);
    expect(segments(t)).toBeLessThanOrEqual(2);
    expect((await reports.get('late'))?.report.title).toBe('Quokka stampede');
    expect((await reports.search(viewer, 'stampede', page)).items.map((i) => i.id)).toEqual(['late']);
    expect((await reports.search(viewer, 'quokka', page)).total).toBe(7);
  });
});
