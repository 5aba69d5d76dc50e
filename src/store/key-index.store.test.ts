// The key index of SQLite (migration 2026-12-12-101, key-index.ts) must hold, for every key, exactly the reports
// whose report_keys rows hold it, newest incident first, through creates, edits (of the start, the systems,
// the tags, the causes), saves of one report twice in a group, and its fill from report_keys on a database
// that held reports before the migration. PostgreSQL keeps its b-tree index and gives the same related reports.
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../domain/index.js';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { MemoryRepository, migrateToLatest, ReportRepository } from './index.js';
import { fillKeyIndex, KEY_INDEX, keyQuery, keyRowid } from './key-index.js';

const BEFORE = '2026-12-11-300-item-page-generation';
const info = { userId: null, summary: 'saved', changes: [] as string[] };
const viewer = { userId: 'nobody', principals: ['nobody'] };

/** Related reports by score, then id: which report of equal score comes first is the lookups' order. */
const byScore = (rows: { id: string; score: number }[]) =>
  [...rows].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));

/** Report k of a family whose systems, tags, causes and start vary with k. */
function variant(id: string, k: number): Report {
  const base = buildReport();
  return {
    ...base,
    id,
    title: `Report ${id} ${k}`,
    systems: [`System ${k % 3}`, `System ${k % 5}`],
    tags: k % 2 ? [`tag ${k % 4}`] : [],
    period: { ...base.period, start: `2024-0${1 + (k % 9)}-1${k % 10}T0${k % 10}:00:00Z` },
    analysis: {
      ...base.analysis,
      primaryCause: `The zorblax${k % 6} queue and the quindle${k % 4} cache stalled.`,
    },
  };
}

describe.each(testDialects())('key index on %s', (dialect) => {
  const opened: TestStore[] = [];
  afterAll(async () => {
    for (const t of opened) await t.dispose();
  });

  /** Every key's reports by the index, against report_keys (SQLite); the sorted seqs a key names. */
  function expectInStep(t: TestStore) {
    const db = t.store.sqlite!;
    const rows = db
      .prepare(
        'select k.kind, k.key, k.started, r.seq from report_keys k join reports r on r.id = k.report_id',
      )
      .all() as { kind: string; key: string; started: string; seq: number }[];
    const expected = new Map<string, { kind: string; key: string; order: number[] }>();
    for (const r of rows) {
      const e = expected.get(`${r.kind}\u0000${r.key}`) ?? { kind: r.kind, key: r.key, order: [] };
      e.order.push(keyRowid(r.started, r.seq));
      expected.set(`${r.kind}\u0000${r.key}`, e);
    }
    const lookup = db.prepare(
      `select rowid from ${KEY_INDEX} where ${KEY_INDEX} match ? order by rowid desc`,
    );
    for (const e of expected.values()) {
      const got = lookup.pluck().all(keyQuery(e.kind, e.key)) as number[];
      expect(got, `${e.kind} ${e.key}`).toEqual(e.order.sort((a, b) => b - a));
    }
    return expected;
  }

  it('follows creates and edits, a report saved twice in one group included', async () => {
    const t = await openTestStore(dialect);
    opened.push(t);
    const reports = new ReportRepository(t.store);
    const ids = ['k-1', 'k-2', 'k-3', 'k-4', 'k-5', 'k-6'];
    const versions = new Map<string, number>();
    // Created together: one group commit.
    await Promise.all(
      ids.map(async (id, i) => versions.set(id, (await reports.create(id, variant(id, i), info)).version)),
    );
    for (let round = 1; round <= 6; round++) {
      await Promise.all(
        ids.map(async (id, i) => {
          const k = round * 7 + i;
          // Every third report saved twice in this group: the second save's stored keys are the first's.
          let v = (await reports.update(id, versions.get(id)!, variant(id, k), info)).version;
          if (i % 3 === 0) v = (await reports.update(id, v, variant(id, k + 1), info)).version;
          versions.set(id, v);
        }),
      );
      // A report with no keys at all, now and then.
      if (round === 3) {
        const bare = { ...buildReport(), id: 'k-1', systems: [], tags: [] };
        bare.analysis = { ...bare.analysis, primaryCause: '', factors: [], fishbone: [] };
        versions.set('k-1', (await reports.update('k-1', versions.get('k-1')!, bare, info)).version);
      }
    }
    // The start alone changed, and then nothing at all: the document moves, then stays.
    const stored = (await reports.get('k-2'))!;
    const moved = { ...stored.report, period: { ...stored.report.period, start: '2031-05-05T05:05:00Z' } };
    let v = (await reports.update('k-2', stored.version, moved, info)).version;
    v = (await reports.update('k-2', v, moved, info)).version;
    if (dialect !== 'sqlite') {
      expect(await new MemoryRepository(t.store).related(viewer, 'k-2')).not.toEqual([]);
      return;
    }
    const held = expectInStep(t);
    expect(v).toBe(stored.version + 2);
    // Keys no report holds any more name no report.
    const db = t.store.sqlite!;
    const lookup = db.prepare(`select rowid from ${KEY_INDEX} where ${KEY_INDEX} match ?`).pluck();
    for (let k = 0; k < 6; k++) {
      const key = `zorblax${k}`;
      if (!held.has(`term\u0000${key}`)) expect(lookup.all(keyQuery('term', key))).toEqual([]);
    }
    expect([...held.values()].filter((e) => e.kind === 'system').length).toBeGreaterThan(1);
  });

  it('is filled from report_keys for the reports stored before the migration, once', async () => {
    const t = await openTestStore(dialect, { through: BEFORE });
    opened.push(t);
    const reports = new ReportRepository(t.store);
    for (let i = 0; i < 12; i++) await reports.create(`old-${i}`, variant(`old-${i}`, i), info);
    const before = await new MemoryRepository(t.store).related(viewer, 'old-3');
    expect(before.length).toBeGreaterThan(0);
    expect(await migrateToLatest(t.store)).toContain('2026-12-12-101-key-index');
    // Related reports are the same read through the index as through report_keys before.
    expect(byScore(await new MemoryRepository(t.store).related(viewer, 'old-3'))).toEqual(byScore(before));
    if (dialect !== 'sqlite') return;
    expect(
      t.store.sqlite!.prepare("select name from sqlite_master where name = 'report_keys_lookup'").get(),
    ).toBeUndefined();
    expectInStep(t);
    // Filled once: nothing to do again; a fill cut short (the lookup index still there) is done again whole.
    expect(fillKeyIndex(t.store.sqlite!)).toBe(0);
    t.store.sqlite!.exec('create index report_keys_lookup on report_keys (kind, key, started, report_id)');
    expect(fillKeyIndex(t.store.sqlite!)).toBe(12);
    expectInStep(t);
    expect(byScore(await new MemoryRepository(t.store).related(viewer, 'old-3'))).toEqual(byScore(before));
  });

  it('gives the same related reports as report_keys did when scores tie at the limit', async () => {
    const t = await openTestStore(dialect, { through: BEFORE });
    opened.push(t);
    const reports = new ReportRepository(t.store);
    // The same keys in every report, so every score ties; ids created in the reverse of their order.
    const ids = Array.from({ length: 20 }, (_, i) => `tie-${String(19 - i).padStart(2, '0')}`);
    for (const id of ids) await reports.create(id, { ...buildReport(), id }, info);
    const before = await new MemoryRepository(t.store).related(viewer, 'tie-07', 5);
    expect(before.length).toBe(5);
    await migrateToLatest(t.store);
    expect(await new MemoryRepository(t.store).related(viewer, 'tie-07', 5)).toEqual(before);
  });
});
