// `hindsight migrate --score-reports N`: the foreground way to fill the quality scores (the server does it in the
// background). It stores the editor's score (lint and score with the settings' severity scale), no more reports
// than asked, and keeps the insights' tallies as a rebuild gives them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintReport, scoreReport } from '../lint/index.js';
import { createServices } from '../server/services/index.js';
import { actorOf } from '../server/services/access.js';
import { rebuildKept } from '../store/insight-kept.js';
import { migrateToLatest, openStore, type Store } from '../store/index.js';
import { cli } from '../../test/cli-harness.js';
import { completeReport } from '../../test/reports.js';

describe('migrate --score-reports', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'hindsight-score-')), 'h.db');
  let store: Store;
  const ids: string[] = [];
  let admin: ReturnType<typeof actorOf>;

  beforeAll(async () => {
    store = openStore(db);
    await migrateToLatest(store);
    const s = createServices(store);
    admin = actorOf(
      await s.users.create(null, { email: 'a@example.test', name: 'Ada', role: 'admin' }),
      'cli',
    );
    for (const title of ['One outage', 'Another outage', 'A third outage']) {
      const r = await s.reports.create(
        admin,
        completeReport({ title, ...(title.startsWith('A third') ? { analysis: {} } : {}) }),
      );
      ids.push(r.id);
    }
  });
  afterAll(async () => store?.close());

  const scores = async () =>
    (
      await store.db
        .selectFrom('report_facts')
        .select(['report_id', 'quality_score'])
        .orderBy('report_id')
        .execute()
    ).map((r) => [r.report_id, r.quality_score === null ? null : Number(r.quality_score)]);

  it('scores no more reports than asked, as the editor scores them, and keeps the tallies', async () => {
    const first = await cli('migrate', '--db', db, '--score-reports', '2');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('Scored 2 report(s)');
    expect((await scores()).filter(([, v]) => v !== null)).toHaveLength(2);
    const rest = await cli('migrate', '--db', db, '--score-reports', '10');
    expect(rest.out).toContain('Scored 1 report(s)');
    const s = createServices(store);
    for (const [id, value] of await scores()) {
      const { report } = await s.reports.visible(admin, id as string);
      expect(value).toBe(scoreReport(report, lintReport(report)).overall);
    }
    const read = async () =>
      (
        await sql`select quarter, severity, figure, grp, n, lo, hi from insight_kept where n <> 0
          order by quarter, severity, figure, grp`.execute(store.db)
      ).rows;
    const kept = await read();
    await rebuildKept(store);
    expect(kept).toEqual(await read());
  }, 60_000);

  it('refuses a count that is not a whole number (exit 2)', async () => {
    const r = await cli('migrate', '--db', db, '--score-reports', 'many');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--score-reports must be a whole number');
  });
});
