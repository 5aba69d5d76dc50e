import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { actorOf } from '../src/server/services/access.js';
import { leakyReport, SECRETS } from '../test/leaky.js';
import { saved, shot, signIn, startHarness, visible, type Harness } from './harness.js';

// Charts in the read view, the three audience versions, and meeting mode with the keyboard.
describe('sharing a report: charts, audience versions and meeting mode', () => {
  let h: Harness;
  let page: Page;
  let id = '';
  let actor: ReturnType<typeof actorOf>;

  beforeAll(async () => {
    h = await startHarness();
    const user = await h.server.app.services.users.create(null, {
      email: 'sharer@example.test',
      name: 'Sam Sharer',
      role: 'editor',
      password: 'a long password 16',
    });
    actor = actorOf(user, 'cli');
    const r = leakyReport();
    // Lists of every kind, some entries to be marked internal in the editor below (issue 16, item 1).
    r.tags = ['payments', 'SECRET-TAG-merger'];
    r.analysis.factors = [
      { id: 'CF1', text: 'No alert on stale pool entries' },
      { id: 'CF2', text: 'SECRET-FACTOR: the contractor rota' },
    ];
    r.analysis.fiveWhys = [
      {
        problem: 'Checkout failed after the failover',
        steps: [
          { answer: 'The connection pool kept the old primary' },
          { answer: 'SECRET-WHY: the vendor contract forbids restarts' },
          { answer: 'Failover was never rehearsed with live traffic' },
        ],
        conclusion: 'Rehearse failover under load',
      },
    ];
    r.analysis.fishbone = [
      {
        category: 'process',
        cause: 'Failover runbook out of date',
        subCauses: ['Not rehearsed', 'No owner'],
      },
      { category: 'tools', cause: 'Pool caches addresses', subCauses: ['SECRET-SUB: patched fork'] },
      { category: 'measurement', cause: 'No alert on stale entries', subCauses: [] },
    ];
    r.analysis.barriers = [
      { barrier: 'Health check on the pool', status: 'failed', why: 'It checked the old host' },
      { barrier: 'SECRET-BARRIER: manual approval', status: 'missing' },
    ];
    r.impact.figures.push({
      category: 'team',
      measure: 'SECRET-FIGURE on-call hours',
      value: 14,
      basis: 'estimate',
    });
    r.materials.items = [
      { id: 'M1', kind: 'metric', title: 'Error rate during the failover' },
      { id: 'M2', kind: 'interview', title: 'SECRET-MATERIAL: interview notes' },
    ];
    r.summary.keyLessons = 'The status page at status.checkout-payments.net told customers first.';
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

  // Issue 16, item 1: any list item can be marked internal in the editor; the toggle is named "Internal" and
  // described by the item it marks, and the public preview lists what the marks took out.
  it('marks list items internal in the editor: a why, a fishbone detail, a factor, a barrier, a figure, a material, a tag', async () => {
    await page.goto(`${h.url}/reports/${id}/edit`);
    const toggle = async (row: ReturnType<Page['locator']>, describedAs: RegExp) => {
      const box = row.getByRole('checkbox', { name: 'Internal', exact: true });
      await visible(box);
      expect(await box.count()).toBe(1);
      const description = await box.evaluate(
        (el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
      );
      expect(description).toMatch(describedAs);
      await box.check();
    };
    const tags = page.locator('.chip').filter({ hasText: 'SECRET-TAG-merger' });
    await toggle(tags, /^SECRET-TAG-merger in Tags: left out of the public version$/);
    // the field keeps its own label alone: a label search finds the field, not the toggles
    expect(await page.getByLabel('Tags', { exact: true }).count()).toBe(1);

    await page.getByRole('button', { name: /^3\. Impact/ }).click();
    await toggle(page.locator('fieldset').filter({ has: page.getByLabel('Figure 2 measure') }), /^figure 2:/);

    await page.getByRole('button', { name: /^4\. Root cause analysis/ }).click();
    await toggle(
      page.getByRole('listitem').filter({ has: page.getByLabel('Chain 1 why 2') }),
      /^why 2 of chain 1:/,
    );
    await toggle(
      page.getByRole('listitem').filter({ hasText: 'SECRET-SUB: patched fork' }),
      /^detail 1 of cause 2 \(SECRET-SUB: patched fork\):/,
    );
    await toggle(page.getByRole('listitem').filter({ has: page.getByLabel('Factor CF2') }), /^factor CF2:/);
    await toggle(
      page.locator('fieldset').filter({ has: page.getByLabel('Barrier 2', { exact: true }) }),
      /^barrier 2:/,
    );
    expect(await page.getByLabel('Chain 1 why 2').count()).toBe(1);
    // removing the row above a marked one moves its mark with it
    await page.getByRole('button', { name: 'Remove barrier 1' }).click();
    expect(await page.getByLabel('Barrier 1', { exact: true }).inputValue()).toMatch(/^SECRET-BARRIER/);
    expect(
      await page
        .locator('fieldset')
        .filter({ has: page.getByLabel('Barrier 1', { exact: true }) })
        .getByRole('checkbox', { name: 'Internal', exact: true })
        .isChecked(),
    ).toBe(true);
    await shot(page, 'share-editor-internal-marks');

    await page.getByRole('button', { name: /^7\. Supporting materials/ }).click();
    await toggle(page.locator('fieldset').filter({ has: page.getByLabel('M2 title') }), /^material M2:/);
    await saved(page);
    const stored = await h.server.app.services.reports.visible(actor, id);
    expect(stored.report.internal).toEqual(
      expect.arrayContaining([
        'tags.1',
        'impact.figures.1',
        'analysis.fiveWhys.0.steps.1',
        'analysis.fishbone.1.subCauses.0',
        'CF2',
        'analysis.barriers.0',
        'M2',
      ]),
    );
    expect(stored.report.internal).not.toContain('analysis.barriers.1');
    expect(h.pageErrors).toEqual([]);
  });

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
    // each item marked in the editor is listed as marked internal, where it was
    for (const secret of [
      'SECRET-TAG-merger',
      'SECRET-FIGURE',
      'SECRET-WHY',
      'SECRET-SUB',
      'SECRET-FACTOR',
      'SECRET-BARRIER',
      'SECRET-MATERIAL',
    ])
      await visible(
        removed.getByRole('listitem').filter({ hasText: secret }).filter({ hasText: 'marked internal' }),
      );
    await shot(page, 'share-audience-public');
    // outside the list of removals, no secret is on the page
    const shown = await page.evaluate(() => {
      const clone = document.querySelector('main')!.cloneNode(true) as HTMLElement;
      clone.querySelector('.public-removed')?.remove();
      return clone.innerText;
    });
    for (const secret of Object.values(SECRETS).flat()) expect(shown, secret).not.toContain(secret);
    expect(shown).not.toMatch(/SECRET-/);

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

  // Issue 16, item 2: an admin names the organisation's internal domains; the public preview follows them.
  it('takes the internal network from the settings page into the public preview', async () => {
    await h.server.app.services.users.create(null, {
      email: 'ada@example.test',
      name: 'Ada Admin',
      role: 'admin',
      password: 'a long password 17',
    });
    const admin = await (await h.context({ width: 1280, height: 900 })).newPage();
    await signIn(admin, h.url, 'ada@example.test', 'a long password 17');
    await admin.goto(`${h.url}/reports/${id}`);
    await admin.getByRole('tab', { name: 'Public' }).click();
    const removed = admin.getByRole('region', { name: /^Left out of the public version/ });
    await visible(removed);
    // before: the status page host is public
    expect(await removed.getByText('status.checkout-payments.net').count()).toBe(0);

    await admin.goto(`${h.url}/settings`);
    const domains = admin.getByLabel('Internal domains');
    await visible(domains);
    expect(await admin.getByLabel('Internal IP ranges (CIDR)').inputValue()).toContain('10.0.0.0/8');
    await domains.fill('checkout-payments.net');
    await admin.getByRole('button', { name: 'Save internal network' }).click();
    await visible(admin.getByText('Internal network saved.'));
    await shot(
      admin,
      'share-settings-internal-network',
      admin.getByRole('region', { name: 'Internal network' }),
    );

    await admin.goto(`${h.url}/reports/${id}`);
    await admin.getByRole('tab', { name: 'Public' }).click();
    const after = admin.getByRole('region', { name: /^Left out of the public version/ });
    // the group of hosts is long, so it starts folded
    await after.getByText(/^Hosts, addresses and links \(\d+\)$/).click();
    await visible(after.getByText('status.checkout-payments.net', { exact: true }));
    // and in the text it is withheld, highlighted in place
    expect(await admin.locator('main').innerText()).toContain(
      'The status page at [internal host] told customers first.',
    );
    expect(h.pageErrors).toEqual([]);
  });

  // Review of issue 16: the head of the public tab (title, facts) is the public version's too.
  it('withholds names and internal hosts in the public tab’s title', async () => {
    const r = leakyReport();
    r.title = 'jdoe restarted db7.prod.internal';
    r.authors = ['jdoe'];
    const other = (await h.server.app.services.reports.create(actor, r)).id;
    await page.goto(`${h.url}/reports/${other}`);
    await visible(page.getByRole('heading', { level: 1, name: 'jdoe restarted db7.prod.internal' }));
    await page.getByRole('tab', { name: 'Public' }).click();
    const title = page.getByRole('heading', { level: 1 });
    await visible(title);
    expect(await title.innerText()).toBe('[name withheld] restarted [internal host]');
    const head = await page.locator('.report-head').innerText();
    expect(head).not.toContain('jdoe');
    expect(head).not.toContain('db7.prod.internal');
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
    await shot(page, 'share-meeting-actions');
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
