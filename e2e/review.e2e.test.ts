import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../src/server/services/access.js';
import { accessibilityProblems, shot, signIn, startHarness, visible, type Harness } from './harness.js';
import { realisticReport } from './realistic.js';

const ADMIN = { email: 'ada@example.test', password: 'correct horse battery', name: 'Ada Admin' };
const RITA = { email: 'rita@example.test', password: 'another long secret', name: 'Rita Reviewer' };

// Review, publication and history on a full report: the read view, a decision, the confirmation, a diff.
describe('reading, reviewing and publishing a report', () => {
  let h: Harness;
  let id = '';
  const a11y: Record<string, string[]> = {};

  beforeAll(async () => {
    h = await startHarness();
    const s = h.server.app.services;
    const admin = actorOf(await s.users.create(null, { ...ADMIN, role: 'admin' }), 'cli');
    const rita = actorOf(await s.users.create(null, { ...RITA, role: 'viewer' }), 'cli');
    const first = await s.reports.create(admin, realisticReport());
    id = first.id;
    const report = structuredClone(first.report);
    report.summary.whatHappened = report.summary.whatHappened!.replace('checkout failed', 'checkout stalled');
    // Ready for review: every action has an owner, a deadline and a way to tell it worked.
    for (const a of report.actions.items) {
      a.owner ??= 'Omar Oncall';
      a.deadline ??= '2026-06-30';
      a.successCriterion ??= 'Two game days a year, each switching over within five minutes';
    }
    const second = await s.reports.update(admin, id, first.version, report);
    const inReview = await s.reports.transition(admin, id, 'in_review', second.version);
    expect(inReview.state).toBe('in_review');
    await s.reviews.comment(rita, id, 'analysis.barriers', 'Which team owns the expiry alert now?');
  });
  afterAll(async () => h?.close());

  it('shows every part of the report with the derived figures', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/reports/${id}`);
    await visible(page.getByRole('heading', { name: /^Checkout failed for every customer/ }));
    for (const figure of ['Time to detect', 'Time to respond', 'Time to mitigate', 'Time to resolve'])
      await visible(page.getByText(figure, { exact: true }));
    await visible(page.getByRole('table', { name: 'Changes before the event' }));
    await visible(page.getByRole('table', { name: 'Figures' }));
    await visible(page.getByText('Base image updated with a new CA bundle'));
    await visible(page.getByText('Sam Support', { exact: true }).first());
    const text = await page.locator('article').innerText();
    expect(text).toContain('12,400 customers unable to check out');
    expect(text).not.toMatch(/customers customers/);
    a11y.read = await accessibilityProblems(page);
    await shot(page, 'report-read');
  });

  it('a reviewer’s approval shows at once', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, RITA.email, RITA.password);
    await page.goto(`${h.url}/reports/${id}`);
    await page.getByLabel('Note with your decision').fill('Clear and blameless.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await visible(page.getByText('You approved this round.'));
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await visible(page.getByRole('button', { name: 'Request changes' }));
    expect(await page.getByLabel(/Note if you change your decision/).inputValue()).toBe('');
  });

  it('asks before publishing and lists the comments still open', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/reports/${id}`);
    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish this report?' });
    await visible(dialog.getByText('1 comment is not resolved:'));
    const open = dialog.getByRole('list', { name: 'Unresolved comments' });
    await visible(open.getByText('Which team owns the expiry alert now?'));
    expect(await open.innerText()).toContain('Root cause analysis › Barriers · Rita Reviewer:');
    await visible(dialog.getByText('1 of 1 approval given.'));
    a11y.publish = await accessibilityProblems(page);
    await shot(page, 'publish-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('.report-head .badge').innerText()).toBe('in review');

    await page.getByRole('button', { name: 'Publish…' }).click();
    await dialog.getByRole('button', { name: 'Publish anyway' }).click();
    await visible(page.getByText('Published.'));
    await visible(page.locator('.report-head .badge', { hasText: 'published' }));
  });

  it('compares versions word by word, in the editor’s words', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/reports/${id}`);
    await page.getByRole('button', { name: 'History' }).click();
    await visible(page.getByText(/moved from in review to published/));
    expect(await page.locator('.history').innerText()).not.toMatch(/in_review/);
    await page.getByRole('checkbox', { name: 'Version 1', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Version 2', exact: true }).check();
    await page.getByRole('button', { name: 'Compare versions' }).click();
    const diff = page.getByRole('table', { name: 'Changes from version 1 to version 2' });
    const row = diff.getByRole('row', { name: /Executive summary › What happened/ });
    await visible(row);
    expect(await row.locator('del').allInnerTexts()).toEqual(['failed']);
    expect(await row.locator('ins').allInnerTexts()).toEqual(['stalled']);
    expect(await diff.innerText()).not.toMatch(/summary\.whatHappened/);
    a11y.history = await accessibilityProblems(page);
    await shot(page, 'history-diff');
    expect(a11y).toEqual({ read: [], publish: [], history: [] });
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
