import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../src/server/services/access.js';
import {
  accessibilityProblems,
  saved,
  shot,
  signIn,
  startHarness,
  visible,
  type Harness,
} from './harness.js';
import { realisticReport } from './realistic.js';

const LOG = [
  // Nine months before the incident: a record from another time, which must not open the timeline.
  '2025-06-15 08:00:00 ERROR payment-gw connection pool exhausted',
  '2026-03-05 09:20:00 ERROR payment-gw TLS handshake failed: certificate expired',
  '2026-03-05 09:40:00 INFO traffic moved to the backup gateway',
].join('\n');

// Evidence read into a saved report: a format to choose, a window of time, and a review that survives a reload.
describe('evidence in the browser', () => {
  let h: Harness;
  let id = '';

  beforeAll(async () => {
    h = await startHarness();
    const user = await h.server.app.services.users.create(null, {
      email: 'ada@example.test',
      name: 'Ada Admin',
      role: 'admin',
      password: 'correct horse battery',
    });
    id = (await h.server.app.services.reports.create(actorOf(user, 'cli'), realisticReport())).id;
  });
  afterAll(async () => h?.close());

  it('asks for a format it cannot recognize, warns about records outside the window, and keeps the review across a reload', async () => {
    const page = await (await h.context()).newPage();
    await signIn(page, h.url, 'ada@example.test', 'correct horse battery');
    await page.goto(`${h.url}/reports/${id}/edit?section=details`);
    await page.getByText('Add events from evidence').click();

    await page.getByLabel('Evidence file').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('no times here at all\njust words\n'),
    });
    await page.getByRole('button', { name: 'Read the file' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'notes.txt' });
    await visible(alert);
    expect(await alert.innerText()).toContain('could not tell what kind of file this is. Choose its format');
    expect(await alert.innerText()).not.toMatch(/--format/);
    expect(await page.getByLabel('Format', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Evidence file').setInputFiles({
      name: 'gateway.log',
      mimeType: 'text/plain',
      buffer: Buffer.from(LOG),
    });
    await page.getByLabel('Format', { exact: true }).selectOption('text');
    await page.getByLabel('Time zone of stamps without one').fill('UTC');
    await page.getByRole('button', { name: 'Read the file' }).click();
    await visible(page.getByText('3 records from gateway.log (text)'));
    // The window defaults to the report's period; the old record is flagged and left out.
    expect(await page.getByLabel('Records from').inputValue()).toBe('2026-03-05T08:52');
    expect(await page.getByLabel('Records until').inputValue()).toBe('2026-03-05T10:15');
    await visible(
      page.getByText(
        '1 record is outside the window (2026-03-05 08:52:00 to 2026-03-05 10:15:00): they are not selected.',
        { exact: false },
      ),
    );
    const old = page.getByRole('checkbox', { name: /connection pool exhausted/ });
    expect(await old.isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Accept all in the window' }).click();
    expect(await old.isChecked()).toBe(false);
    await page.getByLabel('Kind of record 2').selectOption('investigating');
    expect(await accessibilityProblems(page)).toEqual([]);
    await shot(page, 'evidence-window');

    // A reload keeps the review: the file, the choices and the kinds.
    await page.reload();
    await visible(page.getByText('Your review of gateway.log was kept'));
    expect(await page.getByRole('checkbox', { name: /connection pool exhausted/ }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: /TLS handshake failed/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Kind of record 2').inputValue()).toBe('investigating');

    // Choosing the old record says what it would do.
    await page.getByRole('checkbox', { name: /connection pool exhausted/ }).check();
    await visible(page.getByText(/1 of them is selected: they would move the start or end of the timeline/));
    await page.getByRole('checkbox', { name: /connection pool exhausted/ }).uncheck();

    await page.getByRole('button', { name: 'Add 2 events to the report' }).click();
    await visible(page.getByText(/^2 events added to the timeline/));
    await saved(page);
    const stored = await (await page.request.get(`${h.url}/api/postmortems/${id}`)).json();
    const timeline = stored.report.details.timeline as { at: string; text: string }[];
    expect(timeline).toHaveLength(14);
    expect(timeline.some((e) => e.at.startsWith('2025'))).toBe(false);
    // Nothing pending once added: a reload shows no review.
    await page.reload();
    await visible(page.getByRole('heading', { name: '2. Event details' }));
    expect(await page.getByText('Your review of gateway.log was kept').count()).toBe(0);
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
