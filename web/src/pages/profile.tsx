import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../api.js';
import { useTitle } from '../router.js';
import { useSession } from '../session.js';
import { Status, When } from '../ui.js';
import type { ApiToken } from '../types.js';
import { ChangePasswordForm } from './password.js';
import { RemindersSection } from './reminders.js';
import { onSubmitAsync } from '../forms.js';

type TokenInfo = ApiToken;

/** My account and my personal API tokens for the CLI and scripts. */
export function ProfilePage() {
  useTitle('Profile');
  const { user } = useSession();
  const [tokens, setTokens] = useState<TokenInfo[]>([]);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  const load = () =>
    api<{ items: TokenInfo[] }>('/api/tokens')
      .then((r) => setTokens(r.items))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name')).trim();
    try {
      const r = await api<{ token: string }>('/api/tokens', { body: { name } });
      setSecret(r.token);
      form.reset();
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div>
      <h1>{user.name}</h1>
      <p>
        {user.email} · {user.role}
      </p>
      <section className="card">
        <ChangePasswordForm onDone={() => void load()} />
      </section>
      <RemindersSection />
      <section className="card" aria-labelledby="tokens-h">
        <h2 id="tokens-h">API tokens</h2>
        <p className="muted">
          For the command line and scripts. A token acts as you; revoke it when it is no longer needed.
        </p>
        <Status tone="error">{error}</Status>
        {secret && (
          <div className="status status-ok" role="status">
            <p>Copy the token now; it is not shown again:</p>
            <code className="secret">{secret}</code>
          </div>
        )}
        <ul className="plain">
          {tokens.map((t) => (
            <li key={t.id} className="row">
              <strong>{t.name}</strong>{' '}
              <span className="muted">
                created <When at={t.createdAt} />
                {t.lastUsedAt && (
                  <>
                    , last used <When at={t.lastUsedAt} />
                  </>
                )}
                {t.revokedAt && (
                  <>
                    , revoked <When at={t.revokedAt} />
                  </>
                )}
              </span>
              {!t.revokedAt && (
                <button
                  type="button"
                  className="small danger"
                  onClick={() =>
                    void api(`/api/tokens/${t.id}`, { method: 'DELETE' }).then(load, (e) =>
                      setError(errorText(e)),
                    )
                  }
                >
                  Revoke {t.name}
                </button>
              )}
            </li>
          ))}
        </ul>
        <form onSubmit={onSubmitAsync(create)} className="row">
          <div className="field">
            <label htmlFor="token-name">Token name</label>
            <input id="token-name" name="name" required maxLength={200} placeholder="laptop CLI" />
          </div>
          <button type="submit">Create token</button>
        </form>
      </section>
      <CalendarCard />
    </div>
  );
}

/** My secret calendar address: my action deadlines and verification dates, for any calendar app. */
function CalendarCard() {
  const [status, setStatus] = useState<{ active: boolean; createdAt: string | null }>();
  const [address, setAddress] = useState('');
  const [error, setError] = useState('');
  const load = () =>
    api<{ active: boolean; createdAt: string | null }>('/api/calendar')
      .then(setStatus)
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);
  const run = async (what: () => Promise<void>) => {
    setError('');
    try {
      await what();
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="card" aria-labelledby="calendar-h">
      <h2 id="calendar-h">Calendar</h2>
      <p className="muted">
        A private address (iCalendar) with the deadlines of your action items and the days their verification
        is due. Anyone with the address can read it: make a new one or revoke it if it leaks.
      </p>
      <Status tone="error">{error}</Status>
      {address && (
        <div className="notice">
          <p>Copy the address now; it is not shown again:</p>
          <code className="secret">{address}</code>
        </div>
      )}
      {status?.active && status.createdAt && (
        <p>
          Your calendar address was made <When at={status.createdAt} />.
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          onClick={() =>
            void run(async () => {
              const r = await api<{ path: string }>('/api/calendar', { method: 'POST' });
              setAddress(`${window.location.origin}${r.path}`);
            })
          }
        >
          {status?.active ? 'Make a new address' : 'Make a calendar address'}
        </button>
        {status?.active && (
          <button
            type="button"
            onClick={() =>
              void run(async () => {
                await api('/api/calendar', { method: 'DELETE' });
                setAddress('');
              })
            }
          >
            Revoke the address
          </button>
        )}
      </div>
    </section>
  );
}
