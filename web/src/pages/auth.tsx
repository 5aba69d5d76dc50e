import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api.js';
import { useTitle } from '../router.js';
import { Status } from '../ui.js';
import { onSubmitAsync } from '../forms.js';

/** First run: no account exists yet, so the person here creates the admin and is signed in. */
export function SetupPage({ onDone }: { onDone: () => void }) {
  useTitle('Set up');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const email = String(f.get('email')).trim();
    const password = String(f.get('password'));
    if (password !== f.get('confirm')) return setError('The two passwords differ.');
    setBusy(true);
    setError('');
    try {
      await api('/api/setup', { body: { email, name: String(f.get('name')).trim(), password } });
      await api('/api/auth/login', { body: { email, password } });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow" id="main">
      <h1>Welcome to Hindsight</h1>
      <p>This server has no accounts yet. Create the first one; it will be the administrator.</p>
      <form onSubmit={onSubmitAsync(submit)} className="stack">
        <div className="field">
          <label htmlFor="setup-name">Your name</label>
          <input id="setup-name" name="name" required autoComplete="name" maxLength={2000} />
        </div>
        <div className="field">
          <label htmlFor="setup-email">Email</label>
          <input id="setup-email" name="email" type="email" required autoComplete="email" />
        </div>
        <div className="field">
          <label htmlFor="setup-password">Password</label>
          <input
            id="setup-password"
            name="password"
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            aria-describedby="setup-password-hint"
          />
          <small id="setup-password-hint">
            At least 10 characters. A short sentence is easy to remember.
          </small>
        </div>
        <div className="field">
          <label htmlFor="setup-confirm">Password again</label>
          <input
            id="setup-confirm"
            name="confirm"
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
          />
        </div>
        <Status tone="error">{error}</Status>
        <button type="submit" className="primary" disabled={busy}>
          Create the administrator
        </button>
      </form>
    </main>
  );
}

/** Sign in with email and password. */
export function SignInPage({ onDone, notice }: { onDone: () => void; notice?: string }) {
  useTitle('Sign in');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError('');
    try {
      await api('/api/auth/login', {
        body: { email: String(f.get('email')).trim(), password: String(f.get('password')) },
      });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow" id="main">
      <h1>Sign in to Hindsight</h1>
      {notice && <Status>{notice}</Status>}
      <form onSubmit={onSubmitAsync(submit)} className="stack">
        <div className="field">
          <label htmlFor="signin-email">Email</label>
          <input id="signin-email" name="email" type="email" required autoComplete="username" />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            name="password"
            type="password"
            required
            autoComplete="current-password"
          />
        </div>
        <Status tone="error">{error}</Status>
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
