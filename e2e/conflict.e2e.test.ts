import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gone, saved, shot, signIn, startHarness, visible, type Harness } from './harness.js';

const ALPHA = 'Alpha: the cache cluster lost quorum for 12 minutes.';
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
    await page.getByRole('checkbox', { name: /traffic moved to the backup gateway/ }).uncheck();
    await page.getByRole('button', { name: 'Add 2 events to the timeline' }).click();
    await visible(page.getByText('2 events added to the timeline.'));
    expect(await page.getByLabel('Event 2 kind').inputValue()).toBe('detected');
    await saved(page);
    const id = page.url().split('/reports/')[1]!.split('/')[0]!;
    const stored = await (await page.request.get(`${h.url}/api/postmortems/${id}`)).json();
    expect(stored.report.details.timeline).toEqual([
      expect.objectContaining({ at: '2026-03-05T14:00:03Z', evidence: 'gateway.log:1' }),
      expect.objectContaining({ at: '2026-03-05T14:06:10Z', kind: 'detected' }),
    ]);
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
