// Search ranking at more matches than are ranked (RANK_WINDOW): the best matches still come first, totals
// stay exact, and snippets mark the word in the forms the index matched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository, type Viewer } from './index.js';
import { RANK_WINDOW, snippetOf, stemOf } from './report-search.query.js';

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
