import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../src/server/services/access.js';
import { generateArchive } from '../test/memory-archive.js';
import { accessibilityProblems, shot, signIn, startHarness, visible, type Harness } from './harness.js';

const ADMIN = { email: 'ada@example.test', password: 'correct horse battery', name: 'Ada Admin' };

// The shared memory in the browser: the insights page with its figures, a report's related incidents and a
// system page, over a generated archive with timelines, so every figure has numbers.
describe('insights, related incidents and a system page', () => {
  let h: Harness;
  const ids: string[] = [];
  let pair: [number, number] = [0, 1];
  const db = join(mkdtempSync(join(tmpdir(), 'hindsight-e2e-memory-')), 'e2e.db');

  beforeAll(async () => {
    // The server scores reports in the background as they are saved (quickly here: a 10 ms pause between reports).
    h = await startHarness({ db, scorer: { enabled: true, pauseMs: 10 } });
    const s = h.server.app.services;
    const admin = actorOf(await s.users.create(null, { ...ADMIN, role: 'admin' }), 'cli');
    const archive = generateArchive(6, 30);
    pair = archive.pairs[0]!;
    for (const [i, r] of archive.reports.entries()) {
      const start = Date.parse(r.period!.start!);
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
      const stored = await s.reports.create(admin, {
        ...r,
        detection: i % 3 === 0 ? 'customer' : 'automated',
        details: {
          timeline: [
            { at: iso(start + (5 + (i % 7) * 9) * 60_000), kind: 'detected', text: 'An alert fired.' },
            { at: iso(start + (20 + (i % 5) * 30) * 60_000), kind: 'mitigated', text: 'Traffic moved.' },
            { at: iso(start + (60 + (i % 11) * 40) * 60_000), kind: 'resolved', text: 'Back to normal.' },
          ],
        },
        actions: {
          items: [
            {
              id: 'A1',
              title: 'Add a saturation alert',
              owner: 'Team Atlas',
              deadline: '2025-01-15',
              addresses: ['CF1'],
            },
          ],
        },
      });
      ids.push(stored.id);
      // Some actions are completed later (after their deadline: late); the store records the day.
      if (i % 4 === 0) {
        const items = stored.report.actions.items.map((a) => ({ ...a, status: 'completed' as const }));
        await s.reports.update(admin, stored.id, stored.version, {
          ...stored.report,
          actions: { ...stored.report.actions, items },
        });
      }
    }
    // No command: the server's background scorer fills every report's quality score after its save.
    const store = h.server.app.services.store;
    const unscored = async () =>
      Number(
        (
          await store.db
            .selectFrom('report_facts')
            .select((e) => e.fn.countAll().as('n'))
            .where('quality_score', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const until = Date.now() + 150_000;
    while ((await unscored()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await unscored()).toBe(0);
    // The scorer moves the insights' generation at most every 2 s (or once it has nothing left to score).
    await new Promise((r) => setTimeout(r, 2_500));
  }, 300_000);
  afterAll(async () => h?.close());

  it('shows the insights as tables with the counts behind them, and opens the reports behind a row', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Insights' }).click();
    await visible(page.getByRole('heading', { name: 'Insights', level: 1 }));
    await visible(page.getByRole('heading', { name: 'Time to resolve by quarter' }));
    await visible(page.getByText(`${ids.length} reports match.`));
    const bySeverity = page.locator('section', {
      has: page.getByRole('heading', { name: 'Time to resolve by severity' }),
    });
    const sev = await bySeverity.locator('tbody tr').count();
    expect(sev).toBeGreaterThan(0);
    await shot(page, 'insights');
    const problems = await accessibilityProblems(page);
    expect(problems).toEqual([]);
    // Filters narrow every figure; a row leads to its reports.
    await page.getByRole('combobox', { name: 'Kind', exact: true }).selectOption('outage');
    const row = page.locator('section', { has: page.getByRole('heading', { name: 'Reports by kind' }) });
    await row.getByRole('link', { name: 'Outage' }).click();
    await visible(page.getByText(`${ids.length} reports.`));
    // The figure is named in words, not by the API's name for it.
    await visible(page.getByRole('heading', { name: 'Reports behind “Outage” (reports by kind)' }));
    await shot(page, 'insights-reports-behind');
  });

  it('shows completion against deadlines (unknown too) and quality scores with the count behind them', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.getByRole('link', { name: 'Insights' }).click();
    const completion = page.locator('section', {
      has: page.getByRole('heading', { name: /^Completed actions against their deadline/ }),
    });
    await visible(completion);
    const late = Math.ceil(ids.length / 4);
    await visible(completion.getByRole('row', { name: new RegExp(`^Late ${late}\\b`, 'i') }));
    for (const g of ['On time', 'No deadline', 'Unknown'])
      await visible(completion.getByRole('row', { name: new RegExp(`^${g} 0\\b`, 'i') }));
    await shot(page, 'insights-completion', completion);
    const quality = page.locator('section', { has: page.getByRole('heading', { name: /^Quality scores/ }) });
    await visible(quality);
    const counts = await quality.locator('tbody tr').allInnerTexts();
    expect(counts.length).toBeGreaterThan(0);
    const scoredRow = page.locator('section', {
      has: page.getByRole('heading', { name: /^Reports with a quality score/ }),
    });
    await visible(scoredRow.getByRole('row', { name: new RegExp(`^Scored ${ids.length}\\b`, 'i') }));
    expect(await scoredRow.getByRole('row', { name: /^Not scored yet [1-9]/i }).count()).toBe(0);
    await shot(page, 'insights-quality', quality);
    // The reports behind a completion group.
    await completion.getByRole('link', { name: /^Late/i }).first().click();
    await visible(page.getByText(`${late} reports.`));
  });

  it('shows the planted relation first beside the report, and a system page', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/reports/${ids[pair[0]]}`);
    const panel = page.getByRole('complementary', { name: 'Related incidents' });
    await visible(panel.getByRole('listitem').first());
    await expect
      .poll(async () => panel.getByRole('listitem').first().innerText())
      .toContain(`Incident ${pair[1]}`);
    await visible(panel.getByText(/same system/).first());
    await shot(page, 'report-related', panel);
    const systemLink = page.locator('dl.facts').getByRole('link').first();
    const system = await systemLink.innerText();
    await systemLink.click();
    await visible(page.getByRole('heading', { name: `System: ${system}` }));
    await visible(page.getByRole('heading', { name: /^Reports \(\d+\)$/ }));
    await visible(page.getByRole('heading', { name: /^Open actions \(\d+\)$/ }));
    // Open actions of several reports often share a title: each row names its report.
    await visible(page.getByRole('columnheader', { name: 'Report', exact: true }));
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'system-page');
  });
});
