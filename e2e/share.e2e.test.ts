import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { actorOf } from '../src/server/services/access.js';
import { leakyReport, SECRETS } from '../test/leaky.js';
import { shot, signIn, startHarness, visible, type Harness } from './harness.js';

// Charts in the read view, the three audience versions, and meeting mode with the keyboard.
describe('sharing a report: charts, audience versions and meeting mode', () => {
  let h: Harness;
  let page: Page;
  let id = '';

  beforeAll(async () => {
    h = await startHarness();
    const user = await h.server.app.services.users.create(null, {
      email: 'sharer@example.test',
      name: 'Sam Sharer',
      role: 'editor',
      password: 'a long password 16',
    });
    const actor = actorOf(user, 'cli');
    const r = leakyReport();
    r.details.timeline.push({
      at: '2024-05-01T10:00:00Z',
      kind: 'hypothesis',
      text: 'Was the pool size the trigger?',
    });
    id = (await h.server.app.services.reports.create(actor, r)).id;
    await h.server.app.services.reviews.comment(
      actor,
      id,
      'analysis',
      'Do we know why the pool kept the old address?',
    );
    page = await (await h.context({ width: 1280, height: 900 })).newPage();
    await signIn(page, h.url, 'sharer@example.test', 'a long password 16');
  });
  afterAll(async () => h?.close());

  it('shows the charts in the read view, drawn by the server', async () => {
    await page.goto(`${h.url}/reports/${id}`);
    const timeline = page.getByRole('img', { name: /^Timeline chart/ });
    await visible(timeline);
    // every chart image loaded (an SVG the browser could draw, not a broken image)
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.chart-strip img')].every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
    expect(await page.locator('.chart-strip img').count()).toBe(4);
    await shot(page, 'share-read-view-charts');
  });

  it('shows each audience version; the public one lists what it leaves out and shows none of it', async () => {
    await page.getByRole('tab', { name: 'Executive' }).click();
    await visible(page.getByRole('heading', { name: 'Primary cause' }));
    await shot(page, 'share-audience-executive');

    await page.getByRole('tab', { name: 'Public' }).click();
    const removed = page.getByRole('region', { name: /^Left out of the public version/ });
    await visible(removed);
    expect(await removed.locator('mark.removed').count()).toBeGreaterThan(10);
    await shot(page, 'share-audience-public');
    // outside the list of removals, no secret is on the page
    const shown = await page.evaluate(() => {
      const clone = document.querySelector('main')!.cloneNode(true) as HTMLElement;
      clone.querySelector('.public-removed')?.remove();
      return clone.innerText;
    });
    for (const secret of Object.values(SECRETS).flat()) expect(shown, secret).not.toContain(secret);

    await page.getByRole('tab', { name: 'Internal' }).click();
    await visible(page.getByText('SECRET-FIELD-TEAM', { exact: false }));
    await shot(page, 'share-audience-internal');

    // the exported pages of each version, as a reader receives them
    for (const audience of ['internal', 'executive', 'public']) {
      await page.goto(`${h.url}/api/postmortems/${id}/export?format=html&audience=${audience}`);
      await visible(page.locator('svg.chart-timeline'));
      await shot(page, `share-export-${audience}`);
    }
  });

  it('presents the report in meeting mode with the keyboard and a presenter view', async () => {
    await page.goto(`${h.url}/reports/${id}`);
    await page.getByRole('link', { name: 'Present' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Checkout errors after a database failover' }));
    await page.keyboard.press('ArrowRight');
    await visible(page.getByRole('heading', { level: 1, name: 'What happened and why it mattered' }));
    await page.keyboard.press('ArrowRight');
    await visible(page.getByRole('heading', { level: 1, name: 'Timeline' }));
    await visible(page.getByRole('img', { name: /^Timeline chart/ }));
    await page.keyboard.press('p');
    const notes = page.getByRole('complementary', { name: 'Presenter notes' });
    await visible(notes);
    await visible(notes.getByText('Time to detect: 5m.'));
    await shot(page, 'share-meeting-presenter');
    await page.keyboard.press('End');
    await visible(page.getByRole('heading', { level: 1, name: 'Actions' }));
    await visible(page.getByRole('cell', { name: 'Refresh pool addresses on failover' }));
    await page.keyboard.press('ArrowLeft');
    await visible(page.getByRole('heading', { level: 1, name: 'Open questions' }));
    await visible(page.getByText('Do we know why the pool kept the old address?', { exact: false }));
    await visible(page.getByText('Was the pool size the trigger?'));
    await page.keyboard.press('Home');
    await visible(page.getByText('1 / 7'));
    await page.keyboard.press('Escape');
    await visible(page.getByRole('tab', { name: 'Internal' }));
    expect(h.pageErrors).toEqual([]);
  });
});
