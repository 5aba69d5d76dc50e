// The tracker tables on each database: the migration runs again without harm, and a link is claimed by one
// try at a time — a failed or stale pending try can be taken over, a fresh pending or a linked one cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import * as trackerSync from './migrations/2026-12-07-101-tracker-sync.js';
import { TrackerRepository } from './tracker.repository.js';

describe.each(testDialects())('tracker links on %s', (dialect) => {
  let db: TestStore;
  let repo: TrackerRepository;

  beforeAll(async () => {
    db = await openTestStore(dialect);
    repo = new TrackerRepository(db.store);
  });
  afterAll(async () => db?.dispose());

  it('the migration can run again on a database that has it', async () => {
    await trackerSync.up(db.store.db);
    await trackerSync.up(db.store.db);
    expect(await repo.connections()).toEqual([]);
  });

  it('lets one try claim a link; a failed or stale one can be taken over, a fresh or linked one cannot', async () => {
    const t0 = new Date('2030-01-01T00:00:00Z');
    const first = await repo.claim('pm-1', 'A1', 'c1', 60_000, t0);
    expect(first.ok).toBe(true);
    const second = await repo.claim('pm-1', 'A1', 'c1', 60_000, new Date(t0.getTime() + 1000));
    expect(second).toMatchObject({ ok: false, current: { status: 'pending' } });

    if (!first.ok) throw new Error('unreachable');
    await repo.failed('pm-1', 'A1', first.attempt, 'GitHub answered 502');
    const retry = await repo.claim('pm-1', 'A1', 'c1', 60_000, new Date());
    expect(retry.ok).toBe(true);
    if (!retry.ok) throw new Error('unreachable');
    // The first try's late answer no longer counts: the row is the retry's.
    await repo.linked('pm-1', 'A1', first.attempt, { key: '9', url: 'https://x/9', state: 'open' });
    expect((await repo.link('pm-1', 'A1'))?.status).toBe('pending');
    const linked = await repo.linked('pm-1', 'A1', retry.attempt, {
      key: '10',
      url: 'https://x/10',
      state: 'open',
    });
    expect(linked).toMatchObject({ status: 'linked', issue_key: '10', error: null });
    const after = await repo.claim('pm-1', 'A1', 'c1', 0, new Date(Date.now() + 3_600_000));
    expect(after).toMatchObject({ ok: false, current: { status: 'linked', issue_key: '10' } });

    // A pending try older than the stale limit (its maker died) is taken over.
    const dead = await repo.claim('pm-1', 'A2', 'c1', 60_000, new Date(Date.now() - 120_000));
    expect(dead.ok).toBe(true);
    expect((await repo.claim('pm-1', 'A2', 'c1', 60_000)).ok).toBe(true);
  });
});
