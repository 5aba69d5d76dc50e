// A search worker's kept totals (read-only.ts readerCounts) on a SQLite file another connection writes: a commit
// that changes nothing a search counts (the background scorer's score write) leaves them kept; a change of a
// report's text has them counted again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { jobsFor, migrateToLatest, openStore, ReportRepository, scoreBasis, writeScore } from './index.js';
import { openSqliteReader, readerCounts } from './read-only.js';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-read-only-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const info = { userId: null, summary: 'saved', changes: [] };

it('keeps a search total through a score write, and counts it again after a report’s text changed', async () => {
  const file = join(dir, 'counts.db');
  const store = openStore(file);
  const reader = openSqliteReader(file);
  try {
    await migrateToLatest(store);
    const reports = new ReportRepository(store);
    const saved = await reports.create('r-1', buildReport({ title: 'Disk full' }), info);
    const counts = readerCounts(reader);
    let counted = 0;
    const total = () =>
      counts.get('search disk', () => {
        counted += 1;
        return Promise.resolve(Number(reader.rawRows('select count(*) from reports', [])[0]![0]));
      });
    expect(await total()).toEqual({ total: 1, totalExact: true });
    expect(await total()).toEqual({ total: 1, totalExact: true });
    expect(counted).toBe(1);

    // A score written, as the background scorer writes it: a commit (the file's change mark moves) that changes
    // no report's text, visibility or side rows.
    const mark = reader.changeMark();
    const [job] = await jobsFor(store, ['r-1']);
    expect(await writeScore(store, job!.id, job!.version, 70, { basis: await scoreBasis(store.db) })).toBe(
      true,
    );
    expect(reader.changeMark()!.equals(mark!)).toBe(false);
    expect(await total()).toEqual({ total: 1, totalExact: true });
    expect(counted).toBe(1);

    // The title changed: counted again.
    await reports.update('r-1', saved.version, buildReport({ title: 'Disk full again' }), info);
    expect(await total()).toEqual({ total: 1, totalExact: true });
    expect(counted).toBe(2);
  } finally {
    reader.close();
    await store.close();
  }
});

it('keeps the page cache it is given', async () => {
  const file = join(dir, 'cache.db');
  const store = openStore(file);
  await migrateToLatest(store);
  await store.close();
  const reader = openSqliteReader(file, 40_000);
  try {
    expect(reader.rawRows('pragma cache_size', [])).toEqual([[-40_000]]);
  } finally {
    reader.close();
  }
});
