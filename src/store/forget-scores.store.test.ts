// Scores emptied when the settings they depend on change (quality-scores.ts forgetScores): the walk goes a chunk
// at a time, each chunk with its change to the kept tallies (which equal a fresh computation after it), and a
// walk cut short goes on from where it got (resumeForgetScores). On SQLite and, with HINDSIGHT_TEST_PG, PostgreSQL.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { reportSchema } from '../domain/index.js';
import { rebuildKept } from './insight-kept.js';
import {
  forgetScores,
  ReportRepository,
  resumeForgetScores,
  startForgettingScores,
  writeScore,
} from './index.js';

const info = { userId: null, summary: 'saved', changes: [] };
const ids = Array.from({ length: 11 }, (_, i) => `fs-${String(i).padStart(2, '0')}`);

describe.each(testDialects())('forgetting the quality scores on %s', (dialect) => {
  let t: TestStore;

  const scores = async () =>
    Object.fromEntries(
      (
        await t.store.db
          .selectFrom('report_facts')
          .select(['report_id', 'quality_score'])
          .where('report_id', 'in', ids)
          .orderBy('report_id')
          .execute()
      ).map((r) => [r.report_id, r.quality_score === null ? null : Number(r.quality_score)]),
    );
  const kept = async () =>
    (
      await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
        where n <> 0 order by quarter, severity, figure, grp`.execute(t.store.db)
    ).rows;
  /** The kept tallies equal a fresh computation. */
  const keptHolds = async () => {
    const now = await kept();
    await rebuildKept(t.store);
    expect(now).toEqual(await kept());
  };
  const scoreAll = async () => {
    for (const [i, id] of ids.entries()) {
      await sql`update report_facts set quality_score = null, b_quality = null where report_id = ${id}`.execute(
        t.store.db,
      );
      expect(await writeScore(t.store, id, 1, 40 + i * 5)).toBe(true);
    }
  };

  beforeAll(async () => {
    t = await openTestStore(dialect);
    const reports = new ReportRepository(t.store);
    // Published and public, so that their scores count in the kept tallies.
    for (const id of ids)
      await reports.create(id, reportSchema.parse({ ...buildReport({ id }), state: 'published' }), info);
  }, 60_000);
  afterAll(async () => t?.dispose());

  it('empties every score a chunk at a time, the kept tallies right after', async () => {
    await scoreAll();
    const figures = await kept();
    expect(figures.some((r) => r.figure === 'b:quality_score')).toBe(true);
    expect(await forgetScores(t.store, { chunk: 3 })).toBe(ids.length);
    expect(Object.values(await scores())).toEqual(ids.map(() => null));
    expect((await kept()).some((r) => r.figure === 'b:quality_score')).toBe(false);
    await keptHolds();
    // Nothing left to go on with.
    expect(await resumeForgetScores(t.store)).toBe(0);
  });

  it('goes on from where a walk cut short got', async () => {
    await scoreAll();
    // A walk that stopped after the chunks above fs-06: the mark holds the least id walked.
    await sql`insert into settings (key, value, updated_at) values ('scores:forget-below', ${JSON.stringify('fs-06')}, ${new Date().toISOString()})`.execute(
      t.store.db,
    );
    expect(await resumeForgetScores(t.store, { chunk: 2 })).toBe(6);
    const now = await scores();
    for (const id of ids) expect(now[id] === null).toBe(id < 'fs-06');
    await keptHolds();
    expect(await resumeForgetScores(t.store)).toBe(0);
  });

  it('empties every score when two walks go at once (two instances, or a change during a walk)', async () => {
    await scoreAll();
    // The test before left scores that scoreAll emptied without the kept tallies: computed afresh.
    await rebuildKept(t.store);
    await startForgettingScores(t.store);
    // Each chunk takes the walk's mark in turn: the second walk goes on from the first's, neither ends it early.
    const walked = await Promise.all([
      resumeForgetScores(t.store, { chunk: 2 }),
      resumeForgetScores(t.store, { chunk: 2 }),
    ]);
    expect(walked[0] + walked[1]).toBe(ids.length);
    expect(Object.values(await scores())).toEqual(ids.map(() => null));
    await keptHolds();
    expect(await resumeForgetScores(t.store)).toBe(0);
  });

  it('walks again from the top when the settings change while a chunk is under way', async () => {
    if (dialect !== 'postgres') return; // SQLite runs one transaction at a time: no chunk is under way then
    await scoreAll();
    await rebuildKept(t.store);
    // A walk that got down to fs-05; fs-08 was scored since, under the settings of that walk.
    await sql`insert into settings (key, value, updated_at) values ('scores:forget-below', ${JSON.stringify('fs-05')}, ${new Date().toISOString()})`.execute(
      t.store.db,
    );
    // Another transaction holds fs-04, so that the walk's next chunk waits after it has read the mark.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const holder = t.store.db.transaction().execute(async (trx) => {
      await sql`select 1 from report_facts where report_id = 'fs-04' for update`.execute(trx);
      held();
      await released;
    });
    await holding;
    const walk = resumeForgetScores(t.store, { chunk: 2 });
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from pg_locks where not granted`.execute(t.store.db);
      if (rows[0]!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The settings change again meanwhile: the walk must start over from the greatest id.
    const restart = startForgettingScores(t.store);
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all([holder, walk, restart]);
    await resumeForgetScores(t.store);
    expect(Object.values(await scores())).toEqual(ids.map(() => null));
    await keptHolds();
  });
});
