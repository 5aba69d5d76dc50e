// Search replies of this build against another's (BENCH_DIST, e.g. a copy of main's dist/) on the cached
// 100,000-report database: for 1,000 varied queries and the common words, at several pages, for a member of
// the restricted reports and for someone else, the JSON text this build's search workers send
// (server/search/search-pool.ts) must be the other build's reply byte for byte (its route's object through
// JSON.stringify). Read-only: BENCH_DB (a copy) or the cached file. Exit code 1 on any difference.
// On PostgreSQL (BENCH_DB a postgres:// URL) this build's replies are its route's (searchText, searchPageJson), and
// BENCH_OLD_DB names the other build's copy of the same data (each build's database migrated by that build).
import type * as PresentersModule from '../src/server/presenters.js';
import type * as PoolModule from '../src/server/search/search-pool.js';
import type * as StoreModule from '../src/store/index.js';
import { dataset } from './dataset.js';
import { COMMON_WORD, generateQuery, prng, vocabulary } from './report.generator.js';

const d = await dataset();
const file = process.env.BENCH_DB ?? d.db;
const other = process.env.BENCH_DIST;
if (!other) throw new Error('BENCH_DIST must name the other build’s dist/ folder');
const dist = new URL('../dist', import.meta.url).pathname;
const { SearchPool } = (await import(`${dist}/server/search/search-pool.js`)) as typeof PoolModule;
const old = (await import(`${other}/store/index.js`)) as typeof StoreModule;
const { presentSnippet } = (await import(`${other}/server/presenters.js`)) as typeof PresentersModule;

const onPostgres = /^postgres(ql)?:/i.test(file);
const store = old.openStore(onPostgres ? (process.env.BENCH_OLD_DB ?? file) : file);
const repo = new old.ReportRepository(store);
const pool = onPostgres ? undefined : new SearchPool(file, 2, (e) => console.error(e));
const mine = (await import(`${dist}/store/index.js`)) as typeof StoreModule;
const { searchPageJson } = (await import(`${dist}/server/presenters.js`)) as typeof PresentersModule;
const newStore = onPostgres ? mine.openStore(file) : undefined;
const newRepo = newStore && new mine.ReportRepository(newStore);
const rnd = prng(1);
const vocab = vocabulary();
const queries = [
  ...Array.from({ length: 1000 }, () => generateQuery(rnd, vocab)),
  COMMON_WORD,
  'draft',
  `${COMMON_WORD} ${vocab[5]}`,
];
const viewers = [
  { userId: 'member-id', principals: ['team.atlas@example.test', 'member-id'] },
  { userId: 'bench-viewer', principals: ['viewer@bench.test', 'bench-viewer'] },
];
const pages = [
  { limit: 50, offset: 0 },
  { limit: 20, offset: 40 },
  { limit: 100, offset: 480 },
];
let compared = 0;
let differ = 0;
for (const [k, q] of queries.entries()) {
  // Every query for both viewers; the later pages for a third of them (they cost a walk each).
  for (const viewer of viewers) {
    for (const page of k % 3 === 0 ? pages : pages.slice(0, 1)) {
      const before = await repo.search(viewer, q, page);
      const want = JSON.stringify({
        total: before.total,
        totalExact: before.totalExact,
        limit: page.limit,
        offset: page.offset,
        items: before.items.map(({ snippet, ...hit }) => ({ ...hit, ...presentSnippet(snippet) })),
      });
      const got = newRepo
        ? searchPageJson(await newRepo.searchText(viewer, q, page), page.limit, page.offset)
        : (await pool!.search(viewer, q, page)!).body.toString();
      compared += 1;
      if (got !== want) {
        differ += 1;
        if (differ <= 5) console.log(`differs: ${JSON.stringify({ q, viewer: viewer.userId, page })}`);
      }
    }
  }
}
console.log(`${compared} replies compared, ${differ} differ`);
await pool?.close();
await newStore?.close();
await store.close();
process.exitCode = differ === 0 ? 0 : 1;
