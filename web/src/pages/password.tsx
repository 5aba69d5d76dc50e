import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, errorText } from '../api.js';
import { Status } from '../ui.js';
import type { PasswordChanged } from '../types.js';
import { onSubmitAsync } from '../forms.js';

type Changed = PasswordChanged;

/** What a password change did, in words: which sessions ended and which tokens still work. */
export function changeOutcome(r: { sessionsEnded: number; tokensStillActive: number }): string {
  const sessions =
    r.sessionsEnded === 0
      ? 'No other session was signed in.'
      : `${r.sessionsEnded} other session${r.sessionsEnded === 1 ? ' was' : 's were'} signed out.`;
  const tokens =
    r.tokensStillActive === 0
      ? ''
      : ` ${r.tokensStillActive} API token${r.tokensStillActive === 1 ? ' still works' : 's still work'}; revoke ${r.tokensStillActive === 1 ? 'it' : 'them'} on your profile if the old password may have leaked.`;
  return `${sessions}${tokens}`;
}

/**
 * Change one's own password. `forced` when an admin reset it: the form is then all the person can do until
 * the new password is set.
 */
export function ChangePasswordForm({ forced, onDone }: { forced?: boolean; onDone?: (r: Changed) => void }) {
  const id = useId();
  const [error, setError] = useState('');
  const [fieldError, setFieldError] = useState<'current' | 'password' | 'again' | ''>('');
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const current = String(data.get('current'));
    const password = String(data.get('password'));
    setDone('');
    if (password !== String(data.get('again'))) {
      setFieldError('again');
      setError('The two new passwords differ.');
      return;
    }
    try {
      const r = await api<Changed>('/api/auth/password', { body: { current, password } });
      setError('');
      setFieldError('');
      form.reset();
      setDone(`Password changed. ${changeOutcome(r)}`);
      onDone?.(r);
    } catch (err) {
      const field = err instanceof ApiError ? err.details[0]?.path?.[0] : undefined;
      setFieldError(field === 'current' || field === 'password' ? field : '');
      setError(errorText(err));
    }
  };
  const invalid = (f: typeof fieldError) => (fieldError === f ? true : undefined);
  return (
    <form onSubmit={onSubmitAsync(submit)} aria-labelledby={`${id}-h`} className="stack narrow-form">
      <h2 id={`${id}-h`}>{forced ? 'Choose a new password' : 'Change your password'}</h2>
      {forced && (
        <p>
          An administrator reset your password. Choose one of your own to go on; the one you were given is the
          current one.
        </p>
      )}
      <p className="muted">
        Your other signed-in browsers are signed out. API tokens keep working until you revoke them.
      </p>
      <div className="field">
        <label htmlFor={`${id}-current`}>Current password</label>
        <input
          id={`${id}-current`}
          name="current"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={invalid('current')}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-new`}>New password</label>
        <input
          id={`${id}-new`}
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={10}
          maxLength={1024}
          required
          aria-invalid={invalid('password')}
          aria-describedby={`${id}-hint`}
        />
        <small className="muted" id={`${id}-hint`}>
          At least 10 characters; a few unrelated words make a good one.
        </small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-again`}>New password again</label>
        <input
          id={`${id}-again`}
          name="again"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={invalid('again')}
        />
      </div>
      <Status tone="error">{error}</Status>
      <Status tone="ok">{done}</Status>
      <div className="buttons">
        <button type="submit" className="primary">
          Change password
        </button>
      </div>
    </form>
  );
}
