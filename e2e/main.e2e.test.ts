import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parsePostmortem } from '../src/markdown/postmortem.parse.js';
import {
  accessibilityProblems,
  gone,
  saved,
  shot,
  signIn,
  startHarness,
  visible,
  type Harness,
} from './harness.js';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.test', password: 'correct horse battery' };
const REVIEWER = { name: 'Rita Reviewer', email: 'rita@example.test', password: 'another long secret' };

// The main path through the app, as one person and then a reviewer would walk it.
describe('the main scenario in a real browser', () => {
  let h: Harness;
  let admin: Page;
  let reportUrl = '';
  const timings: Record<string, number> = {};
  let t = Date.now();
  const a11y: Record<string, string[]> = {};
  const audit = async (page: Page, name: string) => {
    a11y[name] = await accessibilityProblems(page);
  };
  const lap = (name: string) => {
    timings[name] = Date.now() - t;
    t = Date.now();
  };

  beforeAll(async () => {
    h = await startHarness();
    admin = await (await h.context()).newPage();
  });
  afterAll(async () => {
    console.log('e2e main scenario timings (ms):', JSON.stringify(timings));
    await h?.close();
  });

  it('sets up the first admin on a fresh server and adds a reviewer account', async () => {
    t = Date.now();
    await admin.goto(h.url);
    await visible(admin.getByRole('heading', { name: 'Welcome to Hindsight' }));
    await audit(admin, 'setup');
    await admin.getByLabel('Your name').fill(ADMIN.name);
    await admin.getByLabel('Email').fill(ADMIN.email);
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await admin.getByLabel('Password again').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Create the administrator' }).click();
    await visible(admin.getByRole('heading', { name: `Hello, ${ADMIN.name}` }));

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const form = admin.getByRole('form', { name: 'Add a person' });
    await form.getByLabel('Name').fill(REVIEWER.name);
    await form.getByLabel('Email').fill(REVIEWER.email);
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByLabel('Initial password').fill(REVIEWER.password);
    await form.getByRole('button', { name: 'Add person' }).click();
    await visible(admin.getByRole('cell', { name: REVIEWER.email }));

    await admin.getByLabel('One person per line').fill(`${REVIEWER.name} <${REVIEWER.email}>, Payments`);
    await admin.getByRole('button', { name: 'Save the roster' }).click();
    await visible(admin.getByText('Roster saved: 1 person.'));

    // A template of the organization's own: its tags and guidance reach new reports.
    const tpl = admin.getByRole('form', { name: 'Add a template' });
    await tpl.getByLabel('Template name').fill('Payments outage');
    await tpl.getByLabel('Kind of report').selectOption('outage');
    await tpl.getByLabel('Tags, separated by commas').fill('payments, checkout');
    await tpl.getByLabel('Guidance for').selectOption('analysis.primaryCause');
    await tpl
      .getByLabel('Guidance text')
      .fill('Name the payment dependency that failed and the safeguard that was missing.');
    await tpl.getByRole('button', { name: 'Add template' }).click();
    await visible(admin.getByText('Template Payments outage added.'));
    await audit(admin, 'settings');
    lap('setup');
  });

  it('creates an outage report from the template and fills it in through the guided editor', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    expect(await admin.getByRole('radio', { name: /outage/ }).isChecked()).toBe(true);
    await admin.getByLabel('Template').selectOption({ label: 'Payments outage' });
    await admin.getByLabel('Title').fill('Checkout failures after the gateway certificate expired');
    await admin.getByRole('button', { name: 'Create the draft' }).click();
    await visible(admin.getByRole('heading', { name: 'Basics' }));
    reportUrl = admin.url().replace(/\/edit.*$/, '');

    for (const tag of ['outage', 'payments', 'checkout'])
      await visible(admin.getByRole('button', { name: `Remove ${tag} from Tags` }));
    // Severity shows each level's definition beside it.
    await visible(admin.getByText('A major feature is broken or badly degraded'));
    await admin.getByRole('radio', { name: /SEV2/ }).check();

    await admin.getByRole('button', { name: 'Next: 1. Executive summary' }).click();
    await admin.getByLabel('What happened').fill('Checkout failed for 43 minutes on 5 March 2026.');
    await visible(admin.getByText('9 words', { exact: true }));
    await admin
      .getByLabel('Impact in brief')
      .fill('About 3400 checkouts failed; an estimated 12000 USD of orders were lost.');
    await admin
      .getByLabel('Core issue')
      .fill('Certificate renewal for the payment gateway had no automation and no expiry alert.');
    await admin.getByLabel('Key lessons').fill('Expiry dates need monitoring like any other capacity limit.');
    await admin
      .getByLabel('Next steps')
      .fill('Automate renewal and alert two weeks before expiry, by the end of April.');

    await admin.getByRole('button', { name: 'Next: 2. Event details' }).click();
    const events: [string, string, string][] = [
      ['2026-03-05T14:00', 'other', 'Payment gateway certificate expired'],
      ['2026-03-05T14:06', 'detected', 'Checkout error alert fired'],
      ['2026-03-05T14:31', 'mitigated', 'Traffic moved to the backup gateway'],
      ['2026-03-05T14:43', 'resolved', 'Renewed certificate deployed'],
    ];
    for (const [i, [at, kind, text]] of events.entries()) {
      await admin.getByRole('button', { name: 'Add event' }).click();
      await admin.getByLabel(`Event ${i + 1} time`).fill(at);
      await admin.getByLabel(`Event ${i + 1} kind`).selectOption(kind);
      await admin.getByLabel(`Event ${i + 1} description`).fill(text);
    }
    // Derived from the timeline, not typed.
    const times = admin.getByLabel('Derived response times');
    await visible(times.getByText('6m'));
    await visible(times.getByText('43m'));
    await admin
      .getByLabel('Steps taken')
      .fill('We simply moved traffic to the backup gateway, then renewed the certificate.');
    const judgment = admin.getByText('"simply" makes the problem or the fix sound trivial').first();
    await visible(judgment);
    await admin.getByRole('button', { name: 'Apply fix' }).first().click();
    expect(await admin.getByLabel('Steps taken').inputValue()).toBe(
      'We moved traffic to the backup gateway, then renewed the certificate.',
    );
    await gone(judgment);

    await admin.getByRole('button', { name: 'Next: 3. Impact' }).click();
    await admin.getByRole('button', { name: 'Add money line' }).click();
    await admin.getByLabel('Line 1 amount').fill('12000');
    await admin.getByLabel('Line 1 currency').fill('USD');
    await admin.getByRole('button', { name: 'Add figure' }).click();
    await admin.getByLabel('Figure 1 measure').fill('failed checkouts');
    await admin.getByLabel('Figure 1 value').fill('3400');
    const totals = admin.getByLabel('Impact totals');
    await visible(totals.getByText(/12,000 USD/));
    await visible(totals.getByText(/3,400/));

    await admin.getByRole('button', { name: 'Next: 4. Root cause analysis' }).click();
    // A sentence that blames a person: the linter flags it beside the field and in the panel.
    await visible(
      admin.getByText('Name the payment dependency that failed and the safeguard that was missing.'),
    );
    const cause = admin.getByLabel('Primary root cause');
    await cause.fill('The on-call engineer failed to check the certificate expiry date.');
    const blame = admin.getByText('is presented as the cause of the failure').first();
    await visible(blame);
    const panel = admin.getByRole('complementary', { name: 'Quality' });
    await visible(panel.getByText('is presented as the cause of the failure'));
    // Clicking the finding in the panel focuses the field it is about.
    await panel.getByRole('button', { name: /is presented as the cause/ }).click();
    await admin.waitForFunction(() => document.activeElement?.id === 'f-analysis-primaryCause');
    // The suggestion says how to word it around the system, and applying it rewrites the sentence.
    const suggestion = await admin.locator('.field-findings .suggestion').first().innerText();
    expect(suggestion).toContain('Reword around the system');
    await admin
      .locator('.field-findings', { hasText: 'is presented as the cause' })
      .getByRole('button', { name: 'Apply fix' })
      .click();
    await gone(blame);
    expect(await cause.inputValue()).toBe('The certificate expiry date was not checked.');
    // Then the author says more about the conditions behind it.
    await cause.fill(
      'The payment gateway keystore expired because renewal depended on a manual calendar reminder and no alert watched the expiry date.',
    );
    await gone(blame);

    await admin.getByRole('button', { name: 'Add a 5 Whys chain' }).click();
    await admin.getByLabel('Chain 1 problem').fill('Checkout failed for 43 minutes');
    await admin.getByLabel('Chain 1 why 1').fill('The gateway rejected our TLS handshake');
    await admin.getByRole('button', { name: 'Ask why again' }).click();
    await admin.getByLabel('Chain 1 why 2').fill('The certificate in the keystore had expired');
    await admin.getByRole('button', { name: 'Ask why again' }).click();
    await admin.getByLabel('Chain 1 why 3').fill('Renewal was a manual task with no alert');

    await admin.getByRole('button', { name: 'Add a cause' }).click();
    await admin.getByLabel('Cause 1 category').selectOption('process');
    await admin.getByLabel('Cause 1', { exact: true }).fill('Manual certificate renewal');
    const diagram = admin.getByRole('img', { name: 'Fishbone diagram' });
    await visible(diagram.locator('text', { hasText: 'Manual certificate renewal' }));
    await shot(admin, 'fishbone', admin.locator('figure.fishbone'));

    await admin.getByRole('button', { name: 'Next: 5. Lessons' }).click();
    await admin.getByRole('button', { name: 'Add to “Went well”' }).click();
    await admin
      .getByLabel('Went well: lesson L1')
      .fill('The backup gateway took the traffic within minutes.');

    await admin.getByRole('button', { name: 'Next: 6. Action items' }).click();
    const actions: [string, string, string, string][] = [
      ['A1', 'Automate certificate renewal for the payment gateway', 'Ada Admin', '2026-12-31'],
      ['A2', 'Alert two weeks before any certificate expires', 'Rita Reviewer', '2026-01-15'],
    ];
    for (const [id, title, owner, deadline] of actions) {
      await admin.getByRole('button', { name: 'Add an action item' }).click();
      await admin.getByLabel(`Action ${id} title`).fill(title);
      await admin.getByLabel(`Action ${id} owner`).fill(owner);
      await admin.getByLabel(`Action ${id} deadline`).fill(deadline);
      await admin.getByLabel(`Action ${id} addresses`).fill('RC');
      await admin.getByLabel(`Action ${id} category`).selectOption('systemic');
      await admin
        .getByLabel(`Action ${id} success criterion`)
        .fill('No certificate expires unnoticed for a quarter');
    }
    await visible(admin.getByRole('img', { name: 'Action A1 is SMART' }));

    await admin.getByRole('button', { name: 'Next: 7. Supporting materials' }).click();
    await admin.getByLabel('Upload a file').setInputFiles({
      name: 'gateway-errors.log',
      mimeType: 'text/plain',
      buffer: Buffer.from('14:00:03 TLS handshake failed: certificate expired\n'),
    });
    await visible(admin.getByText('gateway-errors.log is attached.'));
    expect(await admin.getByLabel('M1 title').inputValue()).toBe('gateway-errors.log');
    await saved(admin);
    await admin.getByRole('button', { name: /^4\. Root cause analysis/ }).click();
    await shot(admin, 'editor');
    await audit(admin, 'editor (analysis)');
    await admin.getByRole('button', { name: /^2\. Event details/ }).click();
    await audit(admin, 'editor (details)');
    await admin.getByRole('button', { name: /^6\. Action items/ }).click();
    await audit(admin, 'editor (actions)');
    await admin.getByRole('button', { name: /^Basics/ }).click();
    await audit(admin, 'editor (basics)');
    lap('editor');
  });

  it('sends the report for review; a second person comments and approves; it is published', async () => {
    await admin.getByRole('button', { name: 'Request review…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Request review' });
    await dialog.getByLabel('Reviewers').fill(REVIEWER.name);
    await dialog.getByRole('button', { name: 'Send for review' }).click();
    const outcome = await Promise.race([
      admin.waitForURL(reportUrl).then(() => 'sent'),
      visible(dialog.getByRole('alert')).then(() => dialog.getByRole('alert').innerText()),
    ]);
    expect(outcome).toBe('sent');
    await visible(admin.getByRole('heading', { name: 'Review', exact: true }));
    expect(admin.url()).toBe(reportUrl);

    const rita = await (await h.context()).newPage();
    await signIn(rita, h.url, REVIEWER.email, REVIEWER.password);
    // A viewer is not offered to write reports.
    expect(
      await rita.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).count(),
    ).toBe(0);
    // Her home page lists what waits for her review.
    const waiting = rita.getByRole('region', { name: 'Waiting for my review' });
    await waiting
      .getByRole('link', { name: 'Checkout failures after the gateway certificate expired' })
      .click();
    expect(rita.url()).toBe(reportUrl);
    await rita.getByRole('button', { name: 'Comment on Root cause analysis' }).click();
    await rita
      .getByRole('textbox', { name: 'Comment on Root cause analysis' })
      .fill('Please add why the expiry alert was missing.');
    await rita.getByRole('button', { name: 'Add comment' }).click();
    const thread = rita.getByRole('region', { name: 'Comments on Root cause analysis' });
    await visible(thread.getByText('Please add why the expiry alert was missing.'));
    await rita.getByLabel('Note with your decision').fill('Clear and blameless.');
    await rita.getByRole('button', { name: 'Approve' }).click();
    await visible(rita.getByText('You approved the report.'));
    await visible(rita.getByText(/you approved/));
    // The decision shows at once: no second Approve, the note cleared.
    await visible(rita.getByText('You approved this round.'));
    expect(await rita.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await rita.getByLabel(/^Note if you change your decision/).inputValue()).toBe('');
    await shot(rita, 'review');
    await audit(rita, 'report (review)');

    await admin.reload();
    await visible(admin.getByText('Please add why the expiry alert was missing.'));
    // The author meets the comment in the editor, beside the section it is about, answers it and resolves it.
    await admin.getByRole('link', { name: 'Edit' }).click();
    await admin.getByRole('button', { name: /^4\. Root cause analysis/ }).click();
    const open = admin.getByRole('complementary', { name: 'Review comments on this section' });
    await visible(open.getByText('Please add why the expiry alert was missing.'));
    await admin
      .getByLabel('Causal chain')
      .fill('The expiry alert was never set up because certificates were thought to renew themselves.');
    await open.getByRole('button', { name: 'Mark resolved' }).click();
    await gone(open);
    await saved(admin);
    await admin.getByRole('link', { name: 'Done' }).click();
    await visible(admin.getByText('resolved', { exact: false }).first());
    await admin.getByRole('button', { name: 'Publish…' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Publish this report?' });
    await visible(confirm.getByText('Every comment is resolved.'));
    await confirm.getByRole('button', { name: 'Publish', exact: true }).click();
    await visible(admin.getByText('Published.'));
    await visible(admin.locator('.report-head .badge', { hasText: 'published' }));

    // Replies quote the comment they answer, in the same thread.
    await admin
      .getByRole('button', { name: 'Reply to Rita Reviewer: Please add why the expiry alert was missing.' })
      .click();
    await admin
      .getByRole('textbox', { name: 'Reply to Rita Reviewer on Root cause analysis' })
      .fill('Added to the causal chain: nobody expected the certificate to need a person.');
    await admin.getByRole('button', { name: 'Add comment' }).click();
    const rcaThread = admin.getByRole('region', { name: 'Comments on Root cause analysis' });
    await visible(
      rcaThread.locator('.quote', { hasText: 'Rita Reviewer: Please add why the expiry alert was missing.' }),
    );
    await visible(rcaThread.getByText('Added to the causal chain: nobody expected'));

    // History: compare the first version with the published one, in the words of the editor.
    await admin.getByRole('button', { name: 'History' }).click();
    const versions = admin.getByRole('checkbox', { name: /^Version \d+$/ });
    await visible(versions);
    await admin.getByRole('checkbox', { name: 'Version 1', exact: true }).check();
    await versions.first().check();
    await admin.getByRole('button', { name: 'Compare versions' }).click();
    const diff = admin.getByRole('table', { name: /Changes from version 1 to version \d+/ });
    await visible(diff.getByRole('rowheader', { name: 'Root cause analysis › Primary root cause' }));
    expect(await diff.innerText()).not.toMatch(/analysis\.primaryCause|in_review/);
    await visible(diff.getByRole('cell', { name: /keystore expired/ }));
    lap('review');
  });

  it('finds the report in the archive by a word from its root cause, with the word highlighted', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Archive' }).click();
    await admin.getByLabel('Search reports').fill('keystore');
    await admin.getByRole('button', { name: 'Search' }).click();
    await visible(
      admin.getByRole('link', { name: 'Checkout failures after the gateway certificate expired' }),
    );
    expect(admin.url()).toContain('q=keystore');
    expect(await admin.locator('.snippet mark').first().innerText()).toMatch(/keystore/i);
    // The URL holds the query: loading it again gives the same result.
    await admin.goto(`${h.url}/archive?q=keystore&state=published`);
    await visible(
      admin.getByRole('link', { name: 'Checkout failures after the gateway certificate expired' }),
    );
    await shot(admin, 'archive');
    await audit(admin, 'archive');
    await admin.goto(`${h.url}/archive?q=keystore&state=draft`);
    await visible(admin.getByText('No reports match.'));
    lap('archive');
  });

  it('shows the action items in the tracker, the overdue one highlighted', async () => {
    await admin
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Action tracker' })
      .click();
    const board = admin.locator('.board');
    await visible(board.getByText('Automate certificate renewal for the payment gateway'));
    const overdue = board.locator('.action-card.overdue');
    await visible(overdue.getByText('Alert two weeks before any certificate expires'));
    await shot(admin, 'tracker');
    await audit(admin, 'tracker');
    // A quick status change from the board is saved in the report.
    await admin
      .getByLabel('Status of A1: Automate certificate renewal for the payment gateway')
      .selectOption('in_progress');
    await visible(admin.getByText(/A1 of .* is now in progress/));
    await admin.getByRole('button', { name: 'Table' }).click();
    await visible(admin.getByRole('cell', { name: /A2: Alert two weeks/ }));
    lap('tracker');
  });

  it('reads well on a phone-sized screen', async () => {
    const phone = await (await h.context({ width: 390, height: 844 })).newPage();
    await signIn(phone, h.url, ADMIN.email, ADMIN.password);
    await phone.goto(reportUrl);
    await visible(phone.getByRole('heading', { name: 'Root cause analysis' })).catch(async (e) => {
      await shot(phone, 'phone-failure');
      console.log(await phone.locator('main').innerText());
      throw e;
    });
    // Nothing wider than the screen: no sideways scrolling to read the report.
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0)
      console.log(
        await phone.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
            .slice(0, 8)
            .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
        ),
      );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, 'report-phone');
    await audit(phone, 'report (phone)');
  });

  it('exports the report as Postmortem Markdown that validates', async () => {
    await admin.goto(reportUrl);
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('button', { name: 'Export Markdown' }).click(),
    ]);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    const parsed = parsePostmortem(text, { file: download.suggestedFilename() });
    expect(parsed.problems).toEqual([]);
    expect(parsed.report?.title).toBe('Checkout failures after the gateway certificate expired');
    expect(parsed.report?.state).toBe('published');
    expect(parsed.report?.analysis.fiveWhys[0]?.steps).toHaveLength(3);
    expect(parsed.report?.analysis.fishbone[0]).toMatchObject({
      category: 'process',
      cause: 'Manual certificate renewal',
    });
    expect(parsed.report?.actions.items.map((a) => a.id)).toEqual(['A1', 'A2']);
    expect(parsed.report?.actions.items[0]?.status).toBe('in_progress');
    expect(parsed.report?.details.timeline.map((e) => e.kind)).toEqual([
      'other',
      'detected',
      'mitigated',
      'resolved',
    ]);
    expect(parsed.report?.materials.items[0]).toMatchObject({ kind: 'log', title: 'gateway-errors.log' });
    expect(parsed.report?.materials.items[0]?.link).toMatch(/^attachment:/);

    // The print stylesheet keeps the report and drops the app around it.
    await admin.emulateMedia({ media: 'print' });
    await gone(admin.getByRole('button', { name: 'Export Markdown' }));
    await gone(admin.getByRole('navigation', { name: 'Main' }));
    await visible(admin.getByRole('heading', { name: 'Root cause analysis' }));
    await admin.emulateMedia({ media: 'screen' });

    // Personal API tokens: the secret is shown once, then only the name.
    await admin.getByRole('link', { name: ADMIN.name }).click();
    await admin.getByLabel('Token name').fill('laptop CLI');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const secret = await (await visible(admin.locator('code.secret'))).innerText();
    const me = await fetch(`${h.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await me.json()).user.email).toBe(ADMIN.email);
    await admin.getByRole('button', { name: 'Revoke laptop CLI' }).click();
    await gone(admin.getByRole('button', { name: 'Revoke laptop CLI' }));
    const after = await fetch(`${h.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);

    // The audit log records the review and the publication.
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const log = admin.getByRole('region', { name: 'Audit log' });
    await visible(log.getByRole('cell', { name: 'review.approve' }));
    await visible(log.getByRole('cell', { name: 'report.transition' }));

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await visible(admin.getByRole('heading', { name: 'Recently changed' }));
    await shot(admin, 'home');
    await audit(admin, 'home');
    lap('export+home');
    // Every page visited, checked against WCAG 2 A/AA by axe-core: labels, names, contrast, structure.
    expect(a11y).toEqual(Object.fromEntries(Object.keys(a11y).map((k) => [k, []])));
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
