import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/mail/digest.js';
import type { OutboxWorker } from '../src/server/outbox/outbox.worker.js';
import { actorOf } from '../src/server/services/access.js';
import { startReceiver, type Receiver } from '../test/receiver.js';
import { startSmtpProcess, type SmtpProcess } from '../test/smtp.js';
import { saved, shot, signIn, startHarness, visible, type Harness } from './harness.js';

const EDITOR = { email: 'eve@example.test', password: 'a long enough passphrase', name: 'Eve Editor' };
const ADMIN = { email: 'ann@example.test', password: 'another long passphrase', name: 'Ann Admin' };
const today = new Date().toISOString().slice(0, 10);

// Closing the loop on one action: written, completed, verified as effective; the tracker and report follow.
// Around it the two ways news leaves Hindsight: the owner's daily digest, received by a real SMTP server in
// its own process, and a webhook subscribed in the settings page, received signed by a local HTTP receiver,
// shown in the page's delivery log and sent again from there.
describe('following an action up to its verification', () => {
  let h: Harness;
  let smtp: SmtpProcess;
  let receiver: Receiver;
  let worker: OutboxWorker | undefined;
  let id = '';
  let receiverHook = '';

  beforeAll(async () => {
    smtp = await startSmtpProcess();
    receiver = await startReceiver();
    // Mail through the SMTP process, digests from hour 0 (due whenever the test runs). The outbox worker is
    // started by the test once the action is completed, so the day's first digest scan finds it.
    h = await startHarness({
      mail: { smtpUrl: smtp.url, from: 'Hindsight <hindsight@example.test>', hour: 0, days: 7 },
      outbox: { enabled: false },
    });
    const s = h.server.app.services;
    const eve = actorOf(await s.users.create(null, { ...EDITOR, role: 'editor' }), 'cli');
    await s.users.create(null, { ...ADMIN, role: 'admin' });
    const created = await s.reports.create(eve, {
      kind: 'outage',
      title: 'Search index went stale for two hours',
      analysis: { primaryCause: 'The indexer stopped after a schema change and nothing alerted.' },
    });
    id = created.id;
    // Another report: one action of Eve's due in two days, one of someone else's (not in her digest).
    await s.reports.create(eve, {
      kind: 'security',
      title: 'Search credentials found in a log',
      actions: {
        items: [
          {
            id: 'A1',
            title: 'Rotate the search credentials',
            owner: EDITOR.email,
            deadline: addDays(today, 2),
          },
          { id: 'A2', title: 'Scrub the old log archive', owner: 'Olly Other', deadline: addDays(today, 1) },
        ],
      },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
    await receiver?.close();
    await smtp?.stop();
  });

  const events = (name: string) => receiver.received.filter((r) => r.headers['x-hindsight-event'] === name);
  const hookId = () => receiverHook;
  const until = async (what: string, test: () => boolean, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > end) {
        const got = receiver.received.map((r) => String(r.headers['x-hindsight-event']));
        const rows = await h.server.app.services.outbox.repo.forTarget(hookId());
        const log = rows.map((r) => `${r.event} ${r.status} ${r.last_error ?? ''}`);
        throw new Error(
          `timed out waiting for ${what}; received: ${got.join(', ')}; outbox: ${log.join('; ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('subscribes a webhook in the settings page, and is told its signing secret once', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/settings`);
    const hooks = page.getByRole('region', { name: 'Webhooks' });
    await visible(
      hooks.getByText('Events of restricted reports go only to subscriptions that include them.'),
    );
    await hooks.getByLabel('Address (http or https)').fill(`${receiver.url}/hindsight`);
    for (const event of ['action.created', 'action.completed', 'action.verified'])
      await hooks.getByLabel(event, { exact: true }).check();
    expect(await hooks.getByLabel('Include restricted reports').isChecked()).toBe(false);
    await hooks.getByRole('button', { name: 'Add subscription' }).click();
    const created = await visible(hooks.getByRole('status').filter({ hasText: 'signing secret' }));
    receiver.secret = await created.locator('code').innerText();
    expect(receiver.secret).toMatch(/^whsec_/);
    receiverHook = (await h.server.app.services.outbox.repo.listWebhooks())[0]!.id;
    await visible(hooks.getByRole('cell', { name: 'action.created, action.completed, action.verified' }));
    expect(await hooks.getByLabel(`Restricted reports to ${receiver.url}/hindsight`).isChecked()).toBe(false);
    await shot(page, 'follow-up-webhook-added', hooks);
  });

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

    // The outbox worker starts: its first scan writes Eve's digest, and it sends the waiting deliveries.
    worker = h.server.app.services.outbox.worker({ pollMs: 50 });
    worker.start();
    await smtp.waitFor(1);
    const [mail] = smtp.mails;
    expect(mail!.to).toEqual([EDITOR.email]);
    expect(mail!.subject).toBe('Hindsight: 1 due soon, 1 to verify');
    expect(mail!.text).toContain(
      `Due in the next 7 days (1):\n  - A1 Rotate the search credentials (due ${addDays(today, 2)})`,
    );
    expect(mail!.text).toContain(
      'Done, waiting for you to check that they worked (1):\n  - A1 Alert when the indexer lags more than ten minutes',
    );
    expect(mail!.text).toContain(`/reports/${id}`);
    expect(mail!.text).not.toContain('Scrub the old log archive');
    expect(mail!.text).not.toContain('Past their deadline');
    expect(mail!.listUnsubscribe).toContain('unsubscribe');
    // The editor's autosave wrote the new action already completed: one action.created, sent once.
    await until('action.created delivered', () => events('action.created').length === 1);
    const made = JSON.parse(events('action.created')[0]!.body) as {
      action: { title: string; status: string };
    };
    expect(made.action).toMatchObject({
      title: 'Alert when the indexer lags more than ten minutes',
      status: 'completed',
    });

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

    // Each delivery reached the receiver signed with the subscription's secret, the verification among them.
    await until('action.verified delivered', () => events('action.verified').length === 1);
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    expect(receiver.received.every((r) => r.signed && r.path === '/hindsight')).toBe(true);
    const verified = JSON.parse(events('action.verified')[0]!.body) as {
      version: number;
      report: { id: string };
      action: { id: string; title: string; verification: { result: string; by: string } };
    };
    expect(verified).toMatchObject({
      version: 1,
      report: { id },
      action: {
        id: 'A1',
        title: 'Alert when the indexer lags more than ten minutes',
        verification: { result: 'effective', by: 'Eve Editor' },
      },
    });
    // One digest a day: the worker's scans since wrote no second mail.
    expect(smtp.mails).toHaveLength(1);
  });

  it('shows each delivery in the settings page, and "redeliver" sends it again as a new delivery', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, ADMIN.email, ADMIN.password);
    await page.goto(`${h.url}/settings`);
    const hooks = page.getByRole('region', { name: 'Webhooks' });
    await hooks.getByRole('button', { name: `Log of ${receiver.url}/hindsight` }).click();
    const row = hooks
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'action.verified', exact: true }) });
    await visible(row);
    expect(await row.count()).toBe(1);
    await visible(row.getByRole('cell', { name: 'sent', exact: true }));
    await visible(row.getByRole('cell', { name: '200', exact: true }));
    await visible(hooks.getByRole('cell', { name: 'action.created', exact: true }));

    const first = events('action.verified')[0]!;
    await row.getByRole('button', { name: 'Redeliver action.verified' }).click();
    await until('the redelivery', () => events('action.verified').length === 2);
    const again = events('action.verified')[1]!;
    expect(again.signed).toBe(true);
    expect(again.headers['x-hindsight-delivery']).not.toBe(first.headers['x-hindsight-delivery']);
    const body = (r: typeof first) => {
      const { deliveryId, ...rest } = JSON.parse(r.body) as { deliveryId: string };
      return { deliveryId, rest };
    };
    expect(body(again).rest).toEqual(body(first).rest);
    expect(body(again).deliveryId).toBe(again.headers['x-hindsight-delivery']);

    // The log shows both, each sent.
    await hooks.getByRole('button', { name: `Log of ${receiver.url}/hindsight` }).click();
    const rows = hooks
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'action.verified', exact: true }) });
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    await shot(page, 'follow-up-webhook-log', hooks);
    expect(h.pageErrors).toEqual([]);
  });

  const bearer = async () => {
    const s = h.server.app.services;
    const user = (await s.users.list(null)).find((u) => u.email === EDITOR.email)!;
    return `Bearer ${(await s.auth.createToken(actorOf(user, 'cli'), 'e2e')).token}`;
  };
});
