// Search ranking at more matches than are ranked (RANK_WINDOW): the best matches still come first, totals
// stay exact, and snippets mark the word in the forms the index matched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository, type Viewer } from './index.js';
import { CountCache } from './count-cache.js';
import { RANK_WINDOW, searchReports, snippetOf, stemOf, type SearchTuning } from './report-search.query.js';

const info = { userId: null, summary: 'created', changes: [] };
const anyone: Viewer = { userId: 'nobody', principals: [] };
const make = (input: Partial<ReportInput>) =>
  reportSchema.parse({ kind: 'outage', title: 'Checkout outage', ...input });

describe('snippets', () => {
  const stems = ['quasar'].map(stemOf);
  it('marks the word in the forms the porter tokenizer matches, with the words around it', () => {
    expect(snippetOf('The quasars were restarted twice.', stems)).toBe(
      'The \u0001quasars\u0002 were restarted twice.',
    );
    expect(stemOf('upgraded')).toBe(stemOf('upgrade'));
  });
  it('cuts a long text to the place with the most query words, with "…" where text is left out', () => {
    const filler = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const two = ['pulsar', 'quasar'].map(stemOf);
    const text = `${filler} pulsar ${filler} quasar and pulsar together ${filler}`;
    const s = snippetOf(text, two);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('\u0001quasar\u0002 and \u0001pulsar\u0002 together');
    expect(s.split(' ').length).toBeLessThanOrEqual(17);
  });
  it('reads a word on past its ASCII letters, and marks no word that only contains a query word', () => {
    // "Quasarü", "quasar2" are other words than "quasar"; "2quasar" and "équasar" only end with it.
    const text = 'Quasarü and quasar2 then 2quasar, équasar and quasars again.';
    expect(snippetOf(text, ['quasar', 'and'].map(stemOf))).toBe(
      'Quasarü \u0001and\u0002 quasar2 then 2quasar, équasar \u0001and\u0002 \u0001quasars\u0002 again.',
    );
  });
  it('gives one place to the first of two query words that both start there, and passes over what only starts with one', () => {
    expect(snippetOf('pul pulsars and a pulp pulsar', ['pulsar', 'pul'].map(stemOf))).toBe(
      '\u0001pul\u0002 \u0001pulsars\u0002 and a pulp \u0001pulsar\u0002',
    );
  });
  it('takes the first place with every query word, whatever follows it, in any script and any case', () => {
    const filler = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const two = ['quasar', 'pulsar'].map(stemOf);
    expect(snippetOf(`${filler} Pulsar then quasar ${filler} pulsar quasar pulsar ${filler}`, two)).toBe(
      '…w28 w29 \u0001Pulsar\u0002 then \u0001quasar\u0002 w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10…',
    );
    const accents = ['über', 'quasar'].map(stemOf);
    expect(snippetOf(`${filler} naïve Überquasar quasarß über-quasar ${filler} über`, accents)).toBe(
      '…Überquasar quasarß \u0001über\u0002-\u0001quasar\u0002 w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11…',
    );
    // "İ" lower-cases to two characters: the text is then read with a regular expression.
    expect(
      snippetOf(`İstanbul ${filler} quasar İ and quasars ${filler} quasar`, ['quasar'].map(stemOf)),
    ).toBe('…w28 w29 \u0001quasar\u0002 İ and \u0001quasars\u0002 w0 w1 w2 w3 w4 w5 w6 w7 w8 w9…');
    expect(snippetOf(`${filler}\n😀quasar ünd`, ['quasar', 'ünd'].map(stemOf))).toBe(
      '…w28 w29\n😀\u0001quasar\u0002 \u0001ünd\u0002',
    );
  });
  it('shows the first words when only the title matched', () => {
    expect(snippetOf('Nothing to see here.', stems)).toBe('Nothing to see here.');
  });
});

describe.each(testDialects())('search ranking beyond the ranked window on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  const n = RANK_WINDOW + 60;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    // The oldest report has the word twice in its title; then many with it once in their prose.
    await reports.create(
      'old-title',
      make({ title: 'Quasar quasar outage', summary: { whatHappened: 'A quasar failed.' } }),
      info,
    );
    await reports.create('old-prose', make({ summary: { whatHappened: 'A quasar failed.' } }), info);
    const saves: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      saves.push(
        reports.create(
          `r-${i}`,
          make({
            title: `Outage ${i}`,
            summary: {
              whatHappened: `Routine work on the cluster went wrong and then a quasar restarted, day ${i}.`,
            },
          }),
          info,
        ),
      );
    }
    await Promise.all(saves);
    // Within the newest: one with the word in its title.
    await reports.create(
      'new-title',
      make({ title: 'Quasar upgrade', summary: { whatHappened: 'It was upgraded.' } }),
      info,
    );
  }, 120_000);
  afterAll(async () => t?.dispose());

  it('ranks reports with the word in their title first, the exact total of every match', async () => {
    const hits = await reports.search(anyone, 'quasar', { limit: 10, offset: 0 });
    expect(hits.total).toBe(n + 3);
    expect(hits.totalExact).toBe(true);
    const ids = hits.items.map((h) => h.id);
    expect(ids[1]).toBe('new-title');
    // Older than the newest RANK_WINDOW matches, but with the word in its title: ranked with them.
    expect(ids[0]).toBe('old-title');
    // A report only ranked by recency (beyond the window, no title match) is not on the first page.
    expect(ids).not.toContain('old-prose');
    expect(hits.items[0]!.snippet).toContain('\u0001quasar\u0002');
    expect(hits.items[0]!.score).toBeGreaterThan(hits.items[2]!.score);
  });

  it('pages on past the window, every visible match once', async () => {
    const seen = new Set<string>();
    for (let offset = 0; offset < n + 10; offset += 100) {
      const page = await reports.search(anyone, 'quasar', { limit: 100, offset });
      for (const h of page.items) seen.add(h.id);
    }
    expect(seen.size).toBe(n + 3);
  });
});

// The paths a search takes at 100,000 reports, reached here with small figures (SearchTuning): a common query
// (its newest matches lie close together) shown newest first, a ranked window with older title hits, and
// the rest newest first; on every path a page has each visible match once and never a hidden report.
describe.each(testDialects())('search paths with small figures on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  const tuning: SearchTuning = { rankWindow: 12, titleHits: 3, commonShare: 0.5, commonMatches: 30 };
  const n = 60;
  const member: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };
  const search = (viewer: Viewer, q: string, offset: number, limit: number) =>
    searchReports(
      t.store.db,
      dialect,
      new CountCache(() => undefined),
      viewer,
      q,
      { limit, offset },
      t.store.rawRows,
      tuning,
    );
  /** Every page of `q` for `viewer`, `limit` at a time: the ids in order, and each page's total. */
  const allPages = async (viewer: Viewer, q: string, limit: number) => {
    const ids: string[] = [];
    const totals = new Set<number>();
    for (let offset = 0; offset < n + 20; offset += limit) {
      const page = await search(viewer, q, offset, limit);
      totals.add(page.total);
      ids.push(...page.items.map((h) => h.id));
    }
    return { ids, totals: [...totals] };
  };

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    // Every report has "nebula" (a common word); every third also "pulsar"; every 7th is restricted to Dana;
    // the 10th is deleted. The oldest has "pulsar" in its title.
    for (let i = 0; i < n; i++) {
      await reports.create(
        `n-${String(i).padStart(2, '0')}`,
        make({
          title: i === 0 ? 'Pulsar nebula collapse' : `Outage ${i}`,
          visibility: i % 7 === 3 ? 'restricted' : 'internal',
          members: i % 7 === 3 ? ['dana@example.com'] : [],
          summary: {
            whatHappened: `The nebula drifted on day ${i}.${i % 3 === 0 ? ' A pulsar flared.' : ''}`,
          },
        }),
        info,
      );
    }
    await reports.softDelete('n-10', null);
  }, 120_000);
  afterAll(async () => t?.dispose());

  const visibleTo = (viewer: Viewer, ids: number[]) =>
    ids
      .filter((i) => i !== 10 && (i % 7 !== 3 || viewer === member))
      .map((i) => `n-${String(i).padStart(2, '0')}`);
  const every = Array.from({ length: n }, (_, i) => i);

  it('shows a common query newest first, each visible match once over the pages, with the exact total', async () => {
    for (const viewer of [anyone, member]) {
      const want = visibleTo(viewer, every);
      for (const limit of [7, 25]) {
        const { ids, totals } = await allPages(viewer, 'nebula', limit);
        expect(totals[0]).toBe(want.length);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual([...want].sort());
        // SQLite: too common to be ranked (see SearchTuning), so newest first.
        if (dialect === 'sqlite') expect(ids).toEqual([...want].reverse());
      }
    }
  });

  it('ranks the newest matches and older title hits of a rarer query, then the rest, each once', async () => {
    const thirds = every.filter((i) => i % 3 === 0);
    for (const viewer of [anyone, member]) {
      const want = visibleTo(viewer, thirds);
      const first = await search(viewer, 'pulsar', 0, 5);
      expect(first.total).toBe(want.length);
      expect(first.totalExact).toBe(true);
      // The oldest report, far past the window, leads: the word is in its title.
      expect(first.items[0]!.id).toBe('n-00');
      expect(first.items[0]!.snippet).toContain('\u0001pulsar\u0002');
      for (const limit of [4, 9]) {
        const { ids } = await allPages(viewer, 'pulsar', limit);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual([...want].sort());
      }
    }
  });

  it('reads every ranked match again when too many of the best read are hidden for the page', async () => {
    // With no spare match read beyond the page (SQLite), any hidden report among the best makes the page short
    // of the first read: the same pages as with spares, each visible match once.
    const spareless = (viewer: Viewer, q: string, offset: number, limit: number) =>
      searchReports(
        t.store.db,
        dialect,
        new CountCache(() => undefined),
        viewer,
        q,
        { limit, offset },
        t.store.rawRows,
        { ...tuning, rankSpare: 0 },
      );
    const want = visibleTo(
      anyone,
      every.filter((i) => i % 3 === 0),
    );
    for (const limit of [4, 9]) {
      const ids: string[] = [];
      for (let offset = 0; offset < n; offset += limit) {
        const page = await spareless(anyone, 'pulsar', offset, limit);
        expect(page).toEqual(await search(anyone, 'pulsar', offset, limit));
        ids.push(...page.items.map((h) => h.id));
      }
      expect([...ids].sort()).toEqual([...want].sort());
    }
  });

  it('ranks a two-word query on its rarer word and never shows a restricted report to others', async () => {
    const { ids } = await allPages(anyone, 'nebula pulsar', 5);
    expect([...ids].sort()).toEqual(
      visibleTo(
        anyone,
        every.filter((i) => i % 3 === 0),
      ).sort(),
    );
    expect(ids[0]).toBe('n-00');
    for (const q of ['nebula', 'pulsar', 'nebula pulsar', 'collapse'])
      for (const offset of [0, 10, 20]) {
        const page = await search(anyone, q, offset, 10);
        expect(page.items.filter((h) => h.restricted || h.id === 'n-10')).toEqual([]);
      }
  });
});
