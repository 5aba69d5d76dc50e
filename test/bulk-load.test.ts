// The bench's bulk loader (bench/bulk-load.ts) must write what saves through the repository write: the same
// reports, loaded both ways into two fresh SQLite files, give the same rows in every table they touch and the
// same search answers.
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { bulkLoader } from '../bench/bulk-load.js';
import { generateReport, prng, vocabulary } from '../bench/report.generator.js';
import { reportSchema, type Report } from '../src/domain/index.js';
import { ReportRepository } from '../src/store/index.js';
import * as rows from '../src/store/report-rows.js';
import { openTestStore, type TestStore } from './databases.js';

const TABLES: [string, string][] = [
  ['reports', 'id'],
  ['report_revisions', 'report_id, version'],
  ['action_items', 'report_id, position'],
  ['timeline_events', 'report_id, position'],
  ['report_tags', 'report_id, tag'],
  ['report_systems', 'report_id, system'],
  ['report_people', 'report_id, person, role'],
  ['report_members', 'report_id, principal'],
];

describe('bench bulk loader', () => {
  const opened: TestStore[] = [];
  afterAll(async () => {
    for (const t of opened) await t.dispose();
  });

  it('writes the same rows as saves through the repository', async () => {
    const viaRepo = await openTestStore('sqlite');
    const viaBulk = await openTestStore('sqlite');
    opened.push(viaRepo, viaBulk);
    const vocab = vocabulary();
    const rnd = prng(1);
    const reports: (Report & { id: string })[] = [];
    for (let i = 0; i < 60; i++) {
      const input = generateReport(i, vocab, rnd);
      const id = `PM-${String(i + 1).padStart(6, '0')}`;
      const report = reportSchema.parse({ ...input, id, state: i % 7 === 3 ? 'published' : 'draft' });
      const restricted = { visibility: 'restricted' as const, members: ['x@example.test'] };
      reports.push({ ...report, ...(i % 20 === 5 ? restricted : {}), id });
    }
    for (const t of [viaRepo, viaBulk]) {
      await t.store.db
        .insertInto('users')
        .values({
          id: 'u-bench',
          email: 'bench@example.test',
          name: 'Bench',
          role: 'admin',
          password_hash: null,
          disabled: 0,
          created_at: '2026-01-01T00:00:00.000Z',
        })
        .execute();
    }
    const info = (i: number) => ({
      userId: 'u-bench',
      summary: 'created',
      changes: [],
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    });

    const repo = new ReportRepository(viaRepo.store);
    for (const [i, r] of reports.entries()) await repo.create(r.id, r, info(i));
    await viaBulk.store.close();
    const loader = bulkLoader(viaBulk.url, rows, 25);
    for (const [i, r] of reports.entries()) loader.add(r.id, r, info(i));
    loader.close();
    await viaRepo.store.close();

    const a = new SQLite(viaRepo.url, { readonly: true });
    const b = new SQLite(viaBulk.url, { readonly: true });
    try {
      for (const [table, order] of TABLES) {
        const all = (db: SQLite.Database) => db.prepare(`select * from ${table} order by ${order}`).all();
        const expected = all(a);
        expect(expected.length, table).toBeGreaterThan(0);
        expect(all(b), table).toEqual(expected);
      }
      const search = (db: SQLite.Database) =>
        db.prepare('select rowid, title, body from report_search order by rowid').all();
      expect(search(b)).toEqual(search(a));
      const word = /\b[a-z]{5,}\b/.exec((search(a)[0] as { body: string }).body)![0];
      const match = (db: SQLite.Database) =>
        db.prepare('select rowid from report_search where report_search match ? order by rowid').all(word);
      expect(match(a).length).toBeGreaterThan(0);
      expect(match(b)).toEqual(match(a));
    } finally {
      a.close();
      b.close();
    }
  });
});
