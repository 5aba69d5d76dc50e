// The bench's bulk loaders (bench/bulk-load.ts) must write what saves through the repository write: the same
// reports, loaded both ways into two fresh databases, give the same rows in every table they touch and the
// same search answers (SQLite: prepared statements; PostgreSQL: multi-row inserts).
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { bulkLoader, storeLoader } from '../bench/bulk-load.js';
import { generateReport, prng, vocabulary } from '../bench/report.generator.js';
import { reportSchema, type Report } from '../src/domain/index.js';
import { openStore, ReportRepository, type Store } from '../src/store/index.js';
import * as rows from '../src/store/report-rows.js';
import { openTestStore, testDialects, type TestStore } from './databases.js';

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

describe.each(testDialects())('bench bulk loader on %s', (dialect) => {
  const opened: TestStore[] = [];
  const reopened: Store[] = [];
  afterAll(async () => {
    for (const s of reopened) await s.close();
    for (const t of opened) await t.dispose();
  });

  it('writes the same rows as saves through the repository', async () => {
    const viaRepo = await openTestStore(dialect);
    const viaBulk = await openTestStore(dialect);
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
    let bulkStore = viaBulk.store;
    if (dialect === 'sqlite') {
      await viaBulk.store.close();
      const loader = bulkLoader(viaBulk.url, rows, 25);
      for (const [i, r] of reports.entries()) await loader.add(r.id, r, info(i));
      await loader.close();
      bulkStore = openStore(viaBulk.url);
      reopened.push(bulkStore);
    } else {
      const loader = storeLoader(viaBulk.store, rows, 25);
      for (const [i, r] of reports.entries()) await loader.add(r.id, r, info(i));
      await loader.close();
    }

    const all = async (store: Store, table: string, order: string) =>
      (await sql.raw(`select * from ${table} order by ${order}`).execute(store.db)).rows;
    for (const [table, order] of TABLES) {
      const expected = await all(viaRepo.store, table, order);
      expect(expected.length, table).toBeGreaterThan(0);
      expect(await all(bulkStore, table, order), table).toEqual(expected);
    }
    const search = (store: Store) =>
      dialect === 'sqlite'
        ? all(store, 'report_search', 'rowid')
        : all(store, '(select report_id, title, body from report_search) s', 'report_id');
    const entries = await search(viaRepo.store);
    expect(await search(bulkStore)).toEqual(entries);
    const word = /\b[a-z]{5,}\b/.exec((entries[0] as { body: string }).body)![0];
    const anyone = { userId: 'nobody', principals: ['nobody'] };
    const found = async (store: Store) =>
      (await new ReportRepository(store).search(anyone, word, { limit: 100, offset: 0 })).items.map(
        (h) => h.id,
      );
    expect((await found(viaRepo.store)).length).toBeGreaterThan(0);
    expect(await found(bulkStore)).toEqual(await found(viaRepo.store));
  });
});
