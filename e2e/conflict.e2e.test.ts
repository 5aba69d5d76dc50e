import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const ALPHA = 'Alpha: the cache cluster lost quorum for 12 minutes.';
const CHAT_NAME = 'zulip_fixture_mattermost_export.EXCERPT.jsonl';
const CHAT_EXPORT = resolve(process.cwd(), `test/fixtures/corpus/evidence/mattermost/${CHAT_NAME}`);
const BRAVO = 'Bravo: quorum needs three nodes, and the cluster ran on two after a host was retired.';

// Two people edit the same report at once; the second save sees the first and merges section by section.
describe('two browsers editing one report', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    const users = h.server.app.services.users;
    await users.create(null, {
      email: 'ann@example.test',
      name: 'Ann Admin',
      role: 'admin',
      password: 'a long password 1',
    });
    await users.create(null, {
      email: 'ed@example.test',
      name: 'Ed Editor',
      role: 'editor',
      password: 'a long password 2',
    });
  });
  afterAll(async () => h?.close());

  it('shows the second writer what changed and merges without losing either text', async () => {
    const started = Date.now();
    const a = await (await h.context()).newPage();
    const b = await (await h.context()).newPage();
    await signIn(a, h.url, 'ann@example.test', 'a long password 1');
    await signIn(b, h.url, 'ed@example.test', 'a long password 2');

    await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    await a.getByLabel('Title').fill('Cache cluster lost quorum');
    await a.getByRole('button', { name: 'Create the draft' }).click();
    await visible(a.getByRole('heading', { name: 'Basics' }));
    const editUrl = a.url().split('?')[0]!;
    const id = editUrl.split('/').at(-2)!;

    // Both have version 1 open.
    await b.goto(editUrl);
    await visible(b.getByRole('heading', { name: 'Basics' }));

    await a.getByRole('button', { name: /^1\. Executive summary/ }).click();
    await a.getByLabel('What happened').fill(ALPHA);
    await saved(a);

    await b.getByRole('button', { name: /^4\. Root cause analysis/ }).click();
    await b.getByLabel('Primary root cause').fill(BRAVO);

    const dialog = b.getByRole('dialog', { name: 'Someone else changed this report' });
    await visible(dialog, 20_000);
    // What the other person wrote is shown before anything is decided.
    await visible(dialog.getByRole('cell', { name: ALPHA }));
    const theirs = dialog.getByRole('group', { name: /Executive summary — changed by someone else/ });
    const mine = dialog.getByRole('group', { name: /Root cause analysis — changed by you/ });
    expect(await theirs.getByRole('radio', { name: 'Take theirs' }).isChecked()).toBe(true);
    expect(await mine.getByRole('radio', { name: 'Keep mine' }).isChecked()).toBe(true);
    await shot(b, 'conflict');
    await dialog.getByRole('button', { name: 'Merge my choices' }).click();
    await gone(dialog);
    await saved(b);

    // The merged report holds both texts, on the server and in the second editor.
    const stored = await (await b.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(stored.report.summary.whatHappened).toBe(ALPHA);
    expect(stored.report.analysis.primaryCause).toBe(BRAVO);
    expect(stored.version).toBe(3);
    expect(await b.getByLabel('Primary root cause').inputValue()).toBe(BRAVO);
    await b.getByRole('button', { name: /^1\. Executive summary/ }).click();
    expect(await b.getByLabel('What happened').inputValue()).toBe(ALPHA);

    // The first writer, still on version 2, now meets the merge; taking theirs loses nothing either.
    await a.getByLabel('Key lessons').fill('Retiring a host must check the quorum of every cluster on it.');
    const again = a.getByRole('dialog', { name: 'Someone else changed this report' });
    await visible(again, 20_000);
    await again.getByRole('button', { name: 'Merge my choices' }).click();
    await saved(a);
    const final = await (await a.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(final.report.summary).toMatchObject({
      whatHappened: ALPHA,
      keyLessons: 'Retiring a host must check the quorum of every cluster on it.',
    });
    expect(final.report.analysis.primaryCause).toBe(BRAVO);

    // History: version 2 (only the first writer's text) can be made current again, as a new version.
    await b.goto(`${h.url}/reports/${id}`);
    await b.getByRole('button', { name: 'History' }).click();
    await b.getByRole('button', { name: 'Restore version 2' }).click();
    await visible(b.getByText(/version 5$/));
    const restored = await (await b.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(restored.version).toBe(5);
    expect(restored.report.summary.whatHappened).toBe(ALPHA);
    expect(restored.report.analysis.primaryCause).toBeUndefined();
    console.log(`e2e conflict scenario: ${Date.now() - started} ms`);
  });

  it('keeps text typed while the server was unreachable and restores it after a reload', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, 'ed@example.test', 'a long password 2');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    await page.getByLabel('Title').fill('Queue backlog after a network split');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await visible(page.getByRole('heading', { name: 'Basics' }));
    await page.getByRole('button', { name: /^1\. Executive summary/ }).click();

    // Saves fail while the network is down; the text stays in the page and in the browser's storage.
    await page.route('**/api/postmortems/*', (route) =>
      route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.fallback(),
    );
    const text = 'Messages queued for 25 minutes while the two zones could not reach each other.';
    await page.getByLabel('What happened').fill(text);
    await visible(
      page.getByRole('status').filter({ hasText: 'Not saved: the server cannot be reached' }),
      20_000,
    );
    await page.unroute('**/api/postmortems/*');

    await page.reload();
    await visible(page.getByText('Your unsaved changes from before were restored'));
    expect(await page.getByLabel('What happened').inputValue()).toBe(text);
    await saved(page);
    const id = page.url().split('/reports/')[1]!.split('/')[0]!;
    const stored = await (await page.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(stored.report.summary.whatHappened).toBe(text);
  });

  it('adds timeline events from an uploaded log, read in the time zone of the team', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, 'ed@example.test', 'a long password 2');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    await page.getByLabel('Title').fill('Payment gateway certificate expired');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await visible(page.getByRole('heading', { name: 'Basics' }));
    await page.getByRole('button', { name: /^2\. Event details/ }).click();
    await page.getByText('Add events from evidence').click();
    await page.getByLabel('Evidence file').setInputFiles({
      name: 'gateway.log',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        [
          '2026-03-05 15:00:03 ERROR payment-gw TLS handshake failed: certificate expired',
          '2026-03-05 15:06:10 WARN alertmanager Checkout error rate above 5 percent',
          '2026-03-05 15:31:00 INFO traffic moved to the backup gateway',
        ].join('\n'),
      ),
    });
    await page.getByLabel('Time zone of stamps without one').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Read the file' }).click();
    await visible(page.getByText('3 records from gateway.log (text)'));
    // Leave out the last one.
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('checkbox', { name: /traffic moved to the backup gateway/ }).uncheck();
    await page.getByRole('button', { name: 'Add 2 events to the report' }).click();
    await visible(page.getByText(/^2 events added to the timeline; gateway\.log is supporting material M1/));
    expect(await page.getByLabel('Event 2 kind').inputValue()).toBe('detected');
    await saved(page);
    const id = page.url().split('/reports/')[1]!.split('/')[0]!;
    const stored = await (await page.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(stored.report.details.timeline).toEqual([
      expect.objectContaining({ at: '2026-03-05T14:00:03Z', evidence: 'gateway.log:1' }),
      expect.objectContaining({ at: '2026-03-05T14:06:10Z', kind: 'detected' }),
    ]);
  });

  it('uploads a chat export to a saved report, accepts two records with chosen kinds, and keeps the file', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, 'ed@example.test', 'a long password 2');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New report' }).click();
    await page.getByLabel('Title').fill('Team chat lost messages during the migration');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await visible(page.getByRole('heading', { name: 'Basics' }));
    const id = page.url().split('/reports/')[1]!.split('/')[0]!;
    await page.getByRole('button', { name: /^2\. Event details/ }).click();
    // Typed but not yet saved when the evidence is added: it is saved first, not lost.
    await page.getByLabel('Why this severity').fill('Every team lost chat history for the morning.');
    await page.getByText('Add events from evidence').click();
    await page.getByLabel('Evidence file').setInputFiles(CHAT_EXPORT);
    await page.getByRole('button', { name: 'Read the file' }).click();
    await visible(page.getByText(`5 records from ${CHAT_NAME} (mattermost).`, { exact: false }));
    // Each record shows its suggested kind and why; none is proposed, since no words give them a part.
    await visible(page.getByText(/^Suggested: other — /));
    expect(await page.getByRole('checkbox', { name: /^Accept record/ }).count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Add 0 events to the report' }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: /Welcome mate!/ }).check();
    await page.getByLabel('Kind of record 1').selectOption('detected');
    await page.getByRole('checkbox', { name: /The weather is so hot!/ }).check();
    await page.getByLabel('Kind of record 3').selectOption('responded');
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'evidence-review');
    await page.getByRole('button', { name: 'Add 2 events to the report' }).click();
    await visible(
      page.getByText(
        `2 events added to the timeline; ${CHAT_NAME} is supporting material M1, with the source lines in appendix A.`,
      ),
    );
    await saved(page);

    // The timeline shows both, with the chosen kinds; the severity text typed before is still there.
    expect(await page.getByLabel('Event 1 description').inputValue()).toBe('@ron Welcome mate!');
    expect(await page.getByLabel('Event 1 kind').inputValue()).toBe('detected');
    expect(await page.getByLabel('Event 2 description').inputValue()).toBe('The weather is so hot!');
    expect(await page.getByLabel('Event 2 kind').inputValue()).toBe('responded');
    expect(await page.getByLabel('Why this severity').inputValue()).toBe(
      'Every team lost chat history for the morning.',
    );
    await page.getByRole('button', { name: /^7\. Supporting materials/ }).click();
    expect(await page.getByLabel('M1 title').inputValue()).toBe(`mattermost evidence: ${CHAT_NAME}`);
    const link = await page.getByLabel('M1 link').inputValue();
    expect(link).toMatch(/^attachment:[0-9a-f-]{36}$/);

    // On the server: one revision for the evidence, the file kept as it was sent, the excerpts appended.
    const stored = await (await page.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(stored.report.details.severityRationale).toBe('Every team lost chat history for the morning.');
    expect(stored.report.materials.appendices[0].content).toContain('The weather is so hot!');
    const file = await page.request.get(`${h.url}/api/attachments/${link.slice('attachment:'.length)}`);
    expect(Buffer.from(await file.body()).equals(readFileSync(CHAT_EXPORT))).toBe(true);
    const history = await (await page.request.get(`${h.url}/api/postmortems/${id}/revisions`)).json();
    expect(history.items.map((r: { summary: string }) => r.summary)).toContain(
      `added 2 event(s) from evidence ${CHAT_NAME}`,
    );

    // The reader's view lists the file as supporting material, linked for download.
    await page.goto(`${h.url}/reports/${id}`);
    const material = page.getByRole('link', { name: `mattermost evidence: ${CHAT_NAME}` });
    await visible(material);
    expect(await material.getAttribute('href')).toBe(`/api/attachments/${link.slice('attachment:'.length)}`);
  });

  it('deletes a report after asking, and an admin restores it from the archive', async () => {
    const ed = await (await h.context()).newPage();
    await signIn(ed, h.url, 'ed@example.test', 'a long password 2');
    await ed.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Archive' }).click();
    await ed.getByRole('link', { name: 'Payment gateway certificate expired' }).click();
    ed.once('dialog', (d) => void d.accept());
    await ed.getByRole('button', { name: 'Delete…' }).click();
    await visible(ed.getByRole('heading', { name: 'Archive' }));
    await gone(ed.getByRole('link', { name: 'Payment gateway certificate expired' }));

    const ann = await (await h.context()).newPage();
    await signIn(ann, h.url, 'ann@example.test', 'a long password 1');
    await ann.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Archive' }).click();
    await ann.getByRole('checkbox', { name: 'Deleted reports only' }).check();
    await ann.getByRole('button', { name: 'Restore Payment gateway certificate expired' }).click();
    await gone(ann.getByRole('button', { name: 'Restore Payment gateway certificate expired' }));
    await ann.getByRole('checkbox', { name: 'Deleted reports only' }).uncheck();
    await visible(ann.getByRole('link', { name: 'Payment gateway certificate expired' }));
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
