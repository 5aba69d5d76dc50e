import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../src/server/services/access.js';
import { startFakeGitHub, type FakeTracker } from '../test/fake-trackers.js';
import { accessibilityProblems, shot, signIn, startHarness, visible, type Harness } from './harness.js';

const ADMIN = { email: 'ada@example.test', password: 'a long enough passphrase', name: 'Ada Admin' };
const GH = { owner: 'acme', repo: 'search', token: 'ghp_e2etoken7777' };

// An action becomes a GitHub issue from the report's page; when GitHub reports the issue closed (its
// webhook, signed), the action is completed and awaits verification on the report and the tracker board.
describe('an action as a GitHub issue, and its state coming back', () => {
  let h: Harness;
  let github: FakeTracker;
  let id = '';

  beforeAll(async () => {
    github = await startFakeGitHub(GH);
    h = await startHarness({ secretKey: randomBytes(32) });
    const s = h.server.app.services;
    const ada = actorOf(await s.users.create(null, { ...ADMIN, role: 'admin' }), 'cli');
    const created = await s.reports.create(ada, {
      kind: 'outage',
      title: 'Search index went stale for two hours',
      analysis: { primaryCause: 'The indexer stopped after a schema change and nothing alerted.' },
      actions: {
        items: [
          {
            id: 'A1',
            title: 'Alert when the indexer lags more than ten minutes',
            owner: 'Ada Admin',
            deadline: '2030-11-30',
            successCriterion: 'A stopped indexer pages within ten minutes.',
            verificationPlan: { how: 'Stop the indexer in staging and time the page' },
          },
        ],
      },
    });
    id = created.id;
  });
  afterAll(async () => {
    await h?.close();
    await github?.close();
  });

  it('connects GitHub in settings, creates the issue from the action, and shows it closed → awaiting verification', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);

    // The admin connects the repository; the token goes in, only its last four characters come back.
    await page.goto(`${h.url}/settings`);
    const form = page.getByRole('form', { name: 'Connect a tracker' });
    await form.getByLabel('Tracker', { exact: true }).selectOption('github');
    await form.getByLabel('Connection name').fill('Search repo');
    await form.getByLabel(/^API address/).fill(github.url);
    await form.getByLabel('Repository owner').fill(GH.owner);
    await form.getByLabel('Repository', { exact: true }).fill(GH.repo);
    await form.getByLabel('Access token').fill(GH.token);
    await form.getByRole('button', { name: 'Connect tracker' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Connected Search repo' });
    await visible(done);
    const secret = (await done.locator('code').nth(1).innerText()).trim();
    expect(secret).toMatch(/^whsec_/);
    const hookUrl = (await done.locator('code').first().innerText()).trim();
    expect(hookUrl).toMatch(new RegExp(`^${h.url}/api/tracker/hooks/[0-9a-f-]{36}$`));
    const section = page.getByRole('region', { name: 'Issue trackers' });
    await visible(section.getByText('set, ends in 7777'));
    expect(await section.innerText()).not.toContain(GH.token);
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'tracker-settings', section);

    // On the report, "create issue" on the action while GitHub is down: the reason shows on the action.
    await page.goto(`${h.url}/reports/${id}`);
    github.mode = 503;
    await page.getByRole('button', { name: 'Create issue for A1 in Search repo' }).click();
    await visible(page.getByTestId('issue-error-A1'));
    expect(await page.getByTestId('issue-error-A1').innerText()).toContain('GitHub answered 503');
    expect(github.issues.size).toBe(0);

    // GitHub is back: trying again makes the issue, and the link to it shows on the action.
    github.mode = 'ok';
    await page.getByRole('button', { name: 'Try again: issue for A1 in Search repo' }).click();
    await visible(page.getByText('Issue created for A1.'));
    const issue = page.getByTestId('issue-A1');
    await visible(issue.getByRole('link', { name: 'GitHub issue #1' }));
    expect(await issue.innerText()).toContain('(open)');
    expect(await issue.getByRole('link').getAttribute('href')).toBe(`${github.url}/acme/search/issues/1`);
    expect(await page.getByRole('button', { name: /issue for A1/ }).count()).toBe(0);
    expect(await page.getByTestId('issue-error-A1').count()).toBe(0);
    const made = github.issues.get('1')!;
    expect(made.title).toBe('Alert when the indexer lags more than ten minutes');
    expect(String(made.body)).toContain(`${h.url}/reports/${id}`);
    expect(String(made.body)).toContain('A stopped indexer pages within ten minutes.');
    await shot(page, 'tracker-issue-created');

    // Someone closes the issue in GitHub, which tells Hindsight through the webhook, signed with the secret.
    github.hook = { url: hookUrl, secret };
    expect(await github.setState('1', 'closed')).toBe(200);

    await page.reload();
    await visible(page.getByText('Follow-up open: A1 awaiting verification.'));
    expect(await page.getByTestId('issue-A1').innerText()).toContain('(closed)');
    await visible(page.getByRole('form', { name: 'Verify action A1' }));
    await shot(page, 'tracker-issue-closed');
    expect(await accessibilityProblems(page)).toEqual([]);

    // The tracker board has it awaiting verification, with the issue's number.
    await page.goto(`${h.url}/actions`);
    const awaiting = page.getByRole('region', { name: /^awaiting verification/ });
    await visible(awaiting.getByText('Alert when the indexer lags more than ten minutes'));
    await visible(awaiting.getByRole('link', { name: '#1' }));

    // Reopened in GitHub: the action is back in progress, the issue open.
    expect(await github.setState('1', 'open')).toBe(200);
    await page.goto(`${h.url}/reports/${id}`);
    await visible(page.getByText('Follow-up open: A1 not done yet.'));
    expect(await page.getByTestId('issue-A1').innerText()).toContain('(open)');
    expect(await page.getByRole('form', { name: 'Verify action A1' }).count()).toBe(0);
    expect(h.pageErrors).toEqual([]);
  });

  it('has no accessibility problem on the settings and report pages on a phone', async () => {
    const page = await (await h.context({ width: 390, height: 844 })).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/settings`);
    await visible(page.getByRole('region', { name: 'Issue trackers' }).getByText('set, ends in 7777'));
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.goto(`${h.url}/reports/${id}`);
    await visible(page.getByTestId('issue-A1'));
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
