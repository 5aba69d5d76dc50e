import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { gone, saved, startHarness, visible, type Harness } from './harness.js';

/** The accessible name (label, aria-label or text) of the focused element. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const label = (el as HTMLInputElement).labels?.[0]?.textContent ?? undefined;
    return (el.getAttribute('aria-label') ?? label ?? el.textContent ?? '').trim();
  });

/** Press Tab until the focused element's name matches, as a keyboard user would. */
async function tabTo(page: Page, name: string | RegExp, o: { back?: boolean } = {}): Promise<void> {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press(o.back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

// Everything in the main path can be done without a mouse.
describe('keyboard only', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.server.app.services.users.create(null, {
      email: 'kim@example.test',
      name: 'Kim Keys',
      role: 'editor',
      password: 'a long password 4',
    });
  });
  afterAll(async () => h?.close());

  it('signs in, starts a report and fills the editor with the keyboard', async () => {
    const page = await (await h.context()).newPage();
    await page.goto(h.url);
    await visible(page.getByRole('heading', { name: 'Sign in to Hindsight' }));
    await tabTo(page, 'Email');
    await page.keyboard.type('kim@example.test');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a long password 4');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Hello, Kim Keys' }));

    // The first stop is the skip link.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to content');

    await tabTo(page, 'New report');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'New report' }));
    await tabTo(page, /^outage/);
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: /^security/ }).isChecked()).toBe(true);
    await tabTo(page, 'Title');
    await page.keyboard.type('Leaked API key in a public repository');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: 'Basics' }));

    await tabTo(page, 'Tags');
    await page.keyboard.type('credentials');
    await page.keyboard.press('Enter');
    await visible(page.getByRole('button', { name: 'Remove credentials from Tags' }));

    await tabTo(page, /^2\. Event details/, { back: true });
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: '2. Event details' }));
    await tabTo(page, 'Add event');
    await page.keyboard.press('Enter');
    // A new row puts the cursor where the text goes.
    await page.waitForFunction(() => document.activeElement?.id === 'f-details-timeline-0-text');
    await page.keyboard.type('Secret scanning reported the key');
    // Ctrl+S saves at once.
    await page.keyboard.press('Control+s');
    await saved(page);

    // A finding in the panel takes the keyboard to the part it is about. The panel fills in once the server's
    // lint answers (a moment after typing stops; slower on a cold server), as a keyboard user would wait to see.
    await visible(page.getByRole('button', { name: /The report has no action items/ }));
    await tabTo(page, /The report has no action items/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'f-actions-items');
    await visible(page.getByRole('heading', { name: '6. Action items' }));

    // Dialogs open with focus inside and close with Escape.
    await tabTo(page, 'Request review…', { back: true });
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Request review' });
    await visible(dialog);
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await gone(dialog);

    const id = page.url().split('/reports/')[1]!.split('/')[0]!;
    const stored = await (await page.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(stored.report).toMatchObject({ kind: 'security', tags: expect.arrayContaining(['credentials']) });
    expect(stored.report.details.timeline[0].text).toBe('Secret scanning reported the key');
  });

  it('imports a free-form Markdown post-mortem from the corpus into a draft', async () => {
    const page = await (await h.context()).newPage();
    await page.goto(h.url);
    await page.getByLabel('Email').fill('kim@example.test');
    await page.getByLabel('Password', { exact: true }).fill('a long password 4');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    const file = resolve(
      process.cwd(),
      'test/fixtures/corpus/postmortems/dfds_PM2020-004_CoreDNS_upgrade_issue.md',
    );
    await page.getByLabel('Markdown file').setInputFiles(file);
    await page.getByRole('button', { name: 'Import' }).click();
    await visible(page.getByRole('heading', { name: 'Basics' }));
    // What the import recognized is said once, as the draft opens.
    await visible(
      page.getByText(
        /^dfds_PM2020-004_CoreDNS_upgrade_issue\.md: Recognized the title “CoreDNS upgrade issue”, \d of 7 sections/,
      ),
    );
    expect(await page.getByLabel('Title').inputValue()).toBe('CoreDNS upgrade issue');
    await page.getByRole('button', { name: /^1\. Executive summary/ }).click();
    expect(await page.getByLabel('What happened').inputValue()).toContain('planned upgrade');
  });

  it('shows the problems of a file it cannot import at their line and column', async () => {
    const page = await (await h.context()).newPage();
    await page.goto(h.url);
    await page.getByLabel('Email').fill('kim@example.test');
    await page.getByLabel('Password', { exact: true }).fill('a long password 4');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    const md = [
      '---',
      'kind: outage',
      'tags: [payments, checkout',
      'severity: SEV2',
      '---',
      '',
      '# Checkout failed',
      '',
    ];
    await page.getByLabel('Markdown file').setInputFiles({
      name: 'broken.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(md.join('\n')),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    const list = page.getByRole('list', { name: 'Problems in the file' });
    await visible(list);
    const first = await list.getByRole('listitem').first().innerText();
    expect(first).toMatch(/^Line 4, column 1: front matter: /);
    expect(await list.innerText()).not.toMatch(/Line 1,/);
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
