// Migration 2026-12-09-601 (the newest tracker event applied to a link): runs up, down and up again, and adds
// its column only when missing, so a run cut short can run again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { migrateToLatest } from './index.js';
import * as eventAt from './migrations/2026-12-09-601-tracker-event-at.js';

const BEFORE = '2026-12-08-501-pg-save-contention';

describe.each(testDialects())('tracker event-time migration on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: BEFORE });
  });
  afterAll(async () => t?.dispose());

  const columns = async () =>
    (await t.store.db.introspection.getTables())
      .find((x) => x.name === 'tracker_links')!
      .columns.map((c) => c.name);

  it('adds event_at, keeps the links, and runs up, down and up again', async () => {
    const at = '2026-12-09T00:00:00.000Z';
    await t.store.db
      .insertInto('tracker_connections' as never)
      .values({
        id: 'c1',
        kind: 'github',
        name: 'GH',
        base_url: 'https://api.github.com',
        config: '{}',
        token_enc: 'x',
        token_last4: 'abcd',
        webhook_secret_enc: 'y',
        created_at: at,
        updated_at: at,
      } as never)
      .execute();
    await t.store.db
      .insertInto('tracker_links' as never)
      .values({
        report_id: 'r1',
        action_id: 'A1',
        connection_id: 'c1',
        status: 'linked',
        attempt: 'a',
        issue_key: '7',
        issue_url: 'https://github.com/a/b/issues/7',
        state: 'open',
        error: null,
        created_at: at,
        updated_at: at,
        polled_at: null,
      } as never)
      .execute();
    expect(await columns()).not.toContain('event_at');
    expect(await migrateToLatest(t.store)).toContain('2026-12-09-601-tracker-event-at');
    expect(await columns()).toContain('event_at');
    await eventAt.up(t.store.db); // again: nothing to add
    await eventAt.down(t.store.db);
    expect(await columns()).not.toContain('event_at');
    await eventAt.up(t.store.db);
    const link = await t.store.db.selectFrom('tracker_links').selectAll().executeTakeFirst();
    expect(link).toMatchObject({ report_id: 'r1', issue_key: '7', event_at: null });
  });
});
