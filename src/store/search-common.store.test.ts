// A common query (its words on most reports) is shown newest first on both databases, unranked, each visible
// match once over the pages; a rarer one is still ranked. PostgreSQL judges "common" from the planner's
// estimate of the matches (the statistics ANALYZE keeps), SQLite from how close its newest matches lie.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { openStore, ReportRepository, type Store, type Viewer } from './index.js';
import { CountCache } from './count-cache.js';
import { searchReports, type SearchTuning } from './report-search.query.js';

const info = { userId: null, summary: 'created', changes: [] };
const anyone: Viewer = { userId: 'nobody', principals: [] };
const dana: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };
const make = (input: Partial<ReportInput>) =>
  reportSchema.parse({ kind: 'outage', title: 'Checkout outage', ...input });

describe.each(testDialects())('a common query on %s', (dialect) => {
  let t: TestStore;
  const tuning: SearchTuning = { rankWindow: 10, titleHits: 3, commonShare: 0.5, commonMatches: 20 };
  const n = 40;
  const search = (q: string, offset: number, limit: number, viewer = anyone, store: Store = t.store) =>
    searchReports(
      store.db,
      dialect,
      new CountCache(() => undefined),
      viewer,
      q,
      { limit, offset },
      store.rawRows,
      tuning,
    );
  const id = (i: number) => `c-${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    const reports = new ReportRepository(t.store);
    // Every report has "galaxy", the older ones more often (ranked, they would come first); every 4th has
    // "comet" once and the oldest of those has it in its title too. Every 9th is restricted (to no one here).
    for (let i = 0; i < n; i++) {
      await reports.create(
        id(i),
        make({
          title: i === 0 ? 'Comet galaxy' : `Outage ${i}`,
          visibility: i % 9 === 5 ? 'restricted' : 'internal',
          members: i % 9 === 5 ? ['dana@example.com'] : [],
          summary: {
            whatHappened: `${'The galaxy spun. '.repeat(Math.max(1, 12 - Math.floor(i / 4)))}Day ${i}.${i % 4 === 0 ? ' A comet passed.' : ''}`,
          },
        }),
        info,
      );
    }
    // The planner's statistics of the documents, as autovacuum would keep them.
    if (dialect === 'postgres') await sql`analyze report_search`.execute(t.store.db);
  }, 120_000);
  afterAll(async () => t?.dispose());

  const visible = (ids: number[]) => ids.filter((i) => i % 9 !== 5).map(id);

  it('shows the matches of a word on every report newest first, each once over the pages, and counts them', async () => {
    const want = visible(Array.from({ length: n }, (_, i) => i)).reverse();
    for (const limit of [6, 15]) {
      const ids: string[] = [];
      for (let offset = 0; offset < n + limit; offset += limit) {
        const page = await search('galaxy', offset, limit);
        expect(page.total).toBe(want.length);
        expect(page.totalExact).toBe(true);
        for (const hit of page.items) {
          expect(hit.score).toBe(0);
          expect(hit.snippet).toContain('\u0001galaxy\u0002');
        }
        ids.push(...page.items.map((h) => h.id));
      }
      expect(ids).toEqual(want);
    }
  });

  it('still ranks a rarer word: the report with it in its title first', async () => {
    const page = await search('comet', 0, 5);
    expect(page.total).toBe(visible(Array.from({ length: n / 4 }, (_, k) => 4 * k)).length);
    expect(page.items[0]!.id).toBe(id(0));
    expect(page.items[0]!.score).toBeGreaterThan(page.items[1]!.score);
  });

  // On PostgreSQL both statements are named (prepared) from their third run; PostgreSQL then chooses for itself
  // between a plan for the words given and one generic plan (here, at 40 reports, it keeps planning for the words).
  // Each run must answer as the first did, also on a connection made to use the generic plan every time.
  it('answers the same when asked again and again (a named statement, its generic plan)', async () => {
    const newest = visible(Array.from({ length: n }, (_, i) => i))
      .reverse()
      .slice(0, 6);
    const first = await search('comet', 0, 5);
    expect(first.items.every((h) => h.score > 0)).toBe(true);
    const generic =
      dialect === 'postgres'
        ? openStore(`${t.url}?options=${encodeURIComponent('-c plan_cache_mode=force_generic_plan')}`, {
            poolSize: 1,
          })
        : undefined;
    try {
      for (const store of generic ? [t.store, generic] : [t.store]) {
        for (let run = 0; run < 10; run++) {
          const ranked = await search('comet', 0, 5, anyone, store);
          expect(ranked.items.map((h) => [h.id, h.score, h.snippet])).toEqual(
            first.items.map((h) => [h.id, h.score, h.snippet]),
          );
          expect(ranked.items[0]!.id).toBe(id(0));
          const common = await search('galaxy', 0, 6, anyone, store);
          expect(common.items.map((h) => h.id)).toEqual(newest);
          // A member of the restricted reports sees them too (32, every 9th from 5, is one).
          const member = await search('galaxy', 0, 10, dana, store);
          expect(member.items.map((h) => h.id)).toEqual(Array.from({ length: 10 }, (_, k) => id(n - 1 - k)));
        }
      }
      if (generic) {
        // The named search statements did run their generic plans on that connection.
        const { rows } = await sql<{ plans: string }>`
          select coalesce(sum(generic_plans), 0) as plans from pg_prepared_statements
          where statement like '%ts_match_vq%' or statement like '%ts_rank%'`.execute(generic.db);
        expect(Number(rows[0]!.plans)).toBeGreaterThan(0);
      }
    } finally {
      await generic?.close();
    }
  });
});
