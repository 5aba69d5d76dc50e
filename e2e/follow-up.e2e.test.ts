import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../src/server/services/access.js';
import { saved, shot, signIn, startHarness, visible, type Harness } from './harness.js';

const EDITOR = { email: 'eve@example.test', password: 'a long enough passphrase', name: 'Eve Editor' };

// Closing the loop on one action: written, completed, verified as effective; the tracker and report follow.
describe('following an action up to its verification', () => {
  let h: Harness;
  let id = '';

  beforeAll(async () => {
    h = await startHarness();
    const s = h.server.app.services;
    const eve = actorOf(await s.users.create(null, { ...EDITOR, role: 'editor' }), 'cli');
    const created = await s.reports.create(eve, {
      kind: 'outage',
      title: 'Search index went stale for two hours',
      analysis: { primaryCause: 'The indexer stopped after a schema change and nothing alerted.' },
    });
    id = created.id;
  });
  afterAll(async () => h?.close());

  it('creates an action, completes it, verifies it as effective; the tracker and the report change', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, EDITOR.email, EDITOR.password);

    // Create the action in the editor and mark it completed, with a plan for checking it.
    await page.goto(`${h.url}/reports/${id}/edit?section=actions`);
    await page.getByRole('button', { name: 'Add an action item' }).click();
    await page.getByLabel('Action A1 title').fill('Alert when the indexer lags more than ten minutes');
    await page.getByLabel('Action A1 owner').fill('Eve Editor');
    await page.getByLabel('Action A1 deadline').fill('2026-11-30');
    await page.getByLabel('Action A1 status').selectOption('completed');
    await page.getByLabel('Action A1 verification plan').fill('A stopped indexer pages within 10 minutes');
    await page.getByLabel('Action A1 verify by').fill('2026-12-20');
    await saved(page);

    // The tracker shows it awaiting verification.
    await page.goto(`${h.url}/actions`);
    const awaiting = page.getByRole('region', { name: /^awaiting verification/ });
    await visible(awaiting.getByText('Alert when the indexer lags more than ten minutes'));
    await visible(page.getByRole('heading', { name: 'awaiting verification (1)' }));
    await visible(page.getByRole('heading', { name: 'completed (0)' }));

    // The report says the follow-up waits for A1; verify it as effective from the read view.
    await page.goto(`${h.url}/reports/${id}`);
    await visible(page.getByText('Follow-up open: A1 awaiting verification.'));
    const form = page.getByRole('form', { name: 'Verify action A1' });
    await form.getByLabel('Result for A1').selectOption('effective');
    await form.getByLabel('Note for A1').fill('Stopped the indexer in staging; paged in 6 minutes');
    await form.getByLabel('Evidence links for A1').fill('https://ci.example/game-day/12');
    await form.getByRole('button', { name: 'Record verification' }).click();
    await visible(page.getByText('Verification of A1 recorded.'));
    await visible(page.getByText('Follow-up complete: every action is verified or declined with a reason.'));
    const cell = page.getByTestId('verification-A1');
    const today = new Date().toISOString().slice(0, 10);
    expect(await cell.innerText()).toContain(`Verified effective on ${today} by Eve Editor`);
    await visible(cell.getByRole('link', { name: 'https://ci.example/game-day/12' }));
    expect(await page.getByRole('form', { name: 'Verify action A1' }).count()).toBe(0);
    await shot(page, 'follow-up-verified');

    // Back on the tracker it has left the awaiting column for the completed one.
    await page.goto(`${h.url}/actions`);
    await visible(page.getByRole('heading', { name: 'awaiting verification (0)' }));
    const done = page.getByRole('region', { name: /^completed/ });
    await visible(done.getByText('Alert when the indexer lags more than ten minutes'));
    await visible(done.getByText('verified effective'));

    // The Markdown export carries the verification.
    const md = await h.server.app.inject({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { accept: 'text/markdown', authorization: await bearer() },
    });
    expect(md.body).toContain('- **Verification:** effective');
    expect(md.body).toContain('- **Verification plan:** A stopped indexer pages within 10 minutes');
  });

  const bearer = async () => {
    const s = h.server.app.services;
    const user = (await s.users.list(null)).find((u) => u.email === EDITOR.email)!;
    return `Bearer ${(await s.auth.createToken(actorOf(user, 'cli'), 'e2e')).token}`;
  };
});
