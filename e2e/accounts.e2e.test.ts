import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, shot, signIn, startHarness, visible, type Harness } from './harness.js';

const ADMIN = { email: 'ada@example.test', password: 'correct horse battery' };
const EVE = { email: 'eve@example.test', password: 'eve original password' };

// An admin resets a password; the person is signed out, chooses a new one, and later changes it again.
describe('passwords in the browser', () => {
  let h: Harness;
  const a11y: Record<string, string[]> = {};

  beforeAll(async () => {
    h = await startHarness();
    await h.server.app.services.users.create(null, { ...ADMIN, name: 'Ada Admin', role: 'admin' });
    await h.server.app.services.users.create(null, { ...EVE, name: 'Eve Editor', role: 'editor' });
  });
  afterAll(async () => h?.close());

  it('an admin reset signs the person out and makes them choose a new password', async () => {
    const eve = await (await h.context()).newPage();
    await signIn(eve, h.url, EVE.email, EVE.password);
    const admin = await (await h.context()).newPage();
    await signIn(admin, h.url, ADMIN.email, ADMIN.password);

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('button', { name: 'Reset password of Eve Editor' }).click();
    const form = admin.getByRole('form', { name: 'Reset the password of Eve Editor' });
    await form.getByLabel('Temporary password').fill('temporary for eve 1');
    await form.getByRole('button', { name: 'Reset password' }).click();
    await visible(
      admin.getByText(/Password of Eve Editor reset; .* 1 session ended; 0 API tokens still active\./),
    );
    await visible(admin.getByText('must choose a new one'));

    // Eve's open page finds its session gone at the next request.
    await eve.reload();
    await visible(eve.getByRole('button', { name: 'Sign in' }));
    await eve.getByLabel('Email').fill(EVE.email);
    await eve.getByLabel('Password', { exact: true }).fill(EVE.password);
    await eve.getByRole('button', { name: 'Sign in' }).click();
    await visible(eve.getByText(/email or password is wrong/i));
    await eve.getByLabel('Password', { exact: true }).fill('temporary for eve 1');
    await eve.getByRole('button', { name: 'Sign in' }).click();
    await visible(eve.getByRole('heading', { name: 'Choose a new password' }));
    a11y.forced = await accessibilityProblems(eve);
    await shot(eve, 'accounts-forced-change');
    // Nothing else answers meanwhile.
    const blocked = await eve.evaluate(async () => (await fetch('/api/postmortems')).status);
    expect(blocked).toBe(403);

    await eve.getByLabel('Current password').fill('temporary for eve 1');
    await eve.getByLabel('New password', { exact: true }).fill('eve chose this one');
    await eve.getByLabel('New password again').fill('eve chose this one');
    await eve.getByRole('button', { name: 'Change password' }).click();
    await visible(eve.getByRole('heading', { name: 'Hello, Eve Editor' }));
  });

  it('changing one’s own password needs the current one and signs out the other browsers', async () => {
    const other = await (await h.context()).newPage();
    await signIn(other, h.url, EVE.email, 'eve chose this one');
    const eve = await (await h.context()).newPage();
    await signIn(eve, h.url, EVE.email, 'eve chose this one');
    await eve.getByRole('link', { name: 'Eve Editor' }).click();
    await visible(eve.getByRole('heading', { name: 'Change your password' }));

    await eve.getByLabel('Current password').fill('not the password');
    await eve.getByLabel('New password', { exact: true }).fill('a third password here');
    await eve.getByLabel('New password again').fill('a third password here');
    await eve.getByRole('button', { name: 'Change password' }).click();
    await visible(eve.getByText('the current password is not right'));
    expect(await eve.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');

    await eve.getByLabel('Current password').fill('eve chose this one');
    await eve.getByLabel('New password', { exact: true }).fill('a third password here');
    await eve.getByLabel('New password again').fill('a third password here');
    await eve.getByRole('button', { name: 'Change password' }).click();
    // The other browser here, and the one from the reset above, which stayed signed in after choosing.
    await visible(eve.getByText('Password changed. 2 other sessions were signed out.'));
    a11y.profile = await accessibilityProblems(eve);
    await shot(eve, 'accounts-profile');

    // This browser stays signed in; the other one is out.
    await eve.reload();
    await visible(eve.getByRole('heading', { name: 'Change your password' }));
    await other.reload();
    await visible(other.getByRole('button', { name: 'Sign in' }));
    expect(a11y).toEqual({ forced: [], profile: [] });
  });

  it('raised no uncaught error in any page', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
