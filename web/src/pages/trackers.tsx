import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../api.js';
import type { TrackerConnection, TrackerConnectionCreated } from '../types.js';
import { Status } from '../ui.js';

const KIND_NAMES = { github: 'GitHub', jira: 'Jira' } as const;

/** The webhook address to give the tracker: Jira's carries the secret; GitHub signs with it instead. */
function hookAddress(c: TrackerConnection, secret?: string): string {
  const base = `${location.origin}${c.webhookPath}`;
  return c.kind === 'jira' && secret ? `${base}?secret=${secret}` : base;
}

/** Admin: connections to GitHub Issues and Jira Cloud; tokens go in, only their last four characters come out. */
export function TrackersSection() {
  const [items, setItems] = useState<TrackerConnection[]>([]);
  const [error, setError] = useState('');
  const [kind, setKind] = useState<'github' | 'jira'>('github');
  const [created, setCreated] = useState<TrackerConnectionCreated>();

  const load = () =>
    api<{ items: TrackerConnection[] }>('/api/settings/trackers')
      .then((r) => setItems(r.items))
      .catch((e) => setError(errorText(e)));
  useEffect(() => void load(), []);

  const run = async (f: () => Promise<unknown>) => {
    setError('');
    try {
      await f();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    const common = { kind, name: text('name'), token: String(f.get('token') ?? '') };
    const body =
      kind === 'github'
        ? {
            ...common,
            owner: text('owner'),
            repo: text('repo'),
            ...(text('baseUrl') ? { baseUrl: text('baseUrl') } : {}),
          }
        : {
            ...common,
            baseUrl: text('baseUrl'),
            projectKey: text('projectKey'),
            email: text('email'),
            ...(text('issueType') ? { issueType: text('issueType') } : {}),
          };
    void run(async () => {
      setCreated(await api<TrackerConnectionCreated>('/api/settings/trackers', { body }));
      form.reset();
      await load();
    });
  };

  return (
    <section className="card" aria-labelledby="trackers-h">
      <h2 id="trackers-h">Issue trackers</h2>
      <p className="muted">
        Connect GitHub Issues or Jira Cloud so an action can become an issue there, and the issue&apos;s state
        comes back: closed completes the action (it then awaits verification), reopened puts it back in
        progress. Tokens are stored encrypted and never shown again.
      </p>
      <Status tone="error">{error}</Status>
      {created && (
        <div role="status" className="card">
          <p>
            {created.createdAt === created.updatedAt
              ? `Connected ${created.name}.`
              : `New webhook secret for ${created.name}.`}{' '}
            Set up its webhook now; the secret is shown only this once.
          </p>
          <p>
            Webhook address: <code>{hookAddress(created, created.webhookSecret)}</code>
          </p>
          {created.kind === 'github' ? (
            <p>
              In GitHub, add a webhook with content type application/json, the “Issues” event and this secret:{' '}
              <code>{created.webhookSecret}</code>
            </p>
          ) : (
            <p>
              In Jira, add a webhook for issue updates with the address above (it carries the secret{' '}
              <code>{created.webhookSecret}</code>).
            </p>
          )}
        </div>
      )}
      <div className="table-wrap">
        <table className="read-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Tracker</th>
              <th scope="col">Where</th>
              <th scope="col">Token</th>
              <th scope="col">Webhook</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{KIND_NAMES[c.kind]}</td>
                <td>
                  {c.baseUrl}
                  <div className="muted">
                    {c.kind === 'github'
                      ? `${c.owner}/${c.repo}`
                      : `${c.projectKey} · ${c.issueType} · ${c.email}`}
                  </div>
                </td>
                <td>
                  {c.token.set ? `set, ends in ${c.token.last4}` : 'not set'}
                  <ReplaceToken
                    connection={c}
                    onReplace={(token) =>
                      run(async () => {
                        await api(`/api/settings/trackers/${c.id}`, { method: 'PATCH', body: { token } });
                        await load();
                      })
                    }
                  />
                </td>
                <td>
                  <code>{hookAddress(c)}</code>{' '}
                  <button
                    type="button"
                    className="small"
                    onClick={() =>
                      void run(async () => {
                        setCreated(
                          await api<TrackerConnectionCreated>(`/api/settings/trackers/${c.id}`, {
                            method: 'PATCH',
                            body: { newWebhookSecret: true },
                          }),
                        );
                      })
                    }
                  >
                    New webhook secret for {c.name}
                  </button>
                </td>
                <td>
                  <button
                    type="button"
                    className="small"
                    onClick={() =>
                      void run(async () => {
                        await api(`/api/settings/trackers/${c.id}`, { method: 'DELETE' });
                        await load();
                      })
                    }
                  >
                    Remove {c.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form onSubmit={add} className="row wrap" aria-labelledby="addtracker-h">
        <h3 id="addtracker-h" className="full">
          Connect a tracker
        </h3>
        <div className="field">
          <label htmlFor="tracker-kind">Tracker</label>
          <select
            id="tracker-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as 'github' | 'jira')}
          >
            <option value="github">GitHub Issues</option>
            <option value="jira">Jira Cloud</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="tracker-name">Connection name</label>
          <input id="tracker-name" name="name" required maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor="tracker-base">{kind === 'github' ? 'API address' : 'Jira site address'}</label>
          <input
            id="tracker-base"
            name="baseUrl"
            type="url"
            required={kind === 'jira'}
            maxLength={2000}
            placeholder={kind === 'github' ? 'https://api.github.com' : 'https://your-team.atlassian.net'}
          />
        </div>
        {kind === 'github' ? (
          <>
            <div className="field">
              <label htmlFor="tracker-owner-name">Repository owner</label>
              <input id="tracker-owner-name" name="owner" required maxLength={100} />
            </div>
            <div className="field">
              <label htmlFor="tracker-repo">Repository</label>
              <input id="tracker-repo" name="repo" required maxLength={100} />
            </div>
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor="tracker-project">Project key</label>
              <input id="tracker-project" name="projectKey" required maxLength={50} placeholder="OPS" />
            </div>
            <div className="field">
              <label htmlFor="tracker-issue-type">Issue type</label>
              <input id="tracker-issue-type" name="issueType" maxLength={100} placeholder="Task" />
            </div>
            <div className="field">
              <label htmlFor="tracker-email">Account e-mail</label>
              <input id="tracker-email" name="email" type="email" required maxLength={320} />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor="tracker-token">{kind === 'github' ? 'Access token' : 'API token'}</label>
          <input
            id="tracker-token"
            name="token"
            type="password"
            autoComplete="off"
            required
            maxLength={1000}
          />
        </div>
        <button type="submit" className="primary">
          Connect tracker
        </button>
      </form>
    </section>
  );
}

/** A new token for a connection (the stored one is replaced; neither is shown). */
function ReplaceToken({
  connection: c,
  onReplace,
}: {
  connection: TrackerConnection;
  onReplace: (token: string) => Promise<void>;
}) {
  const [token, setToken] = useState('');
  const id = `tracker-${c.id}-token`;
  return (
    <form
      className="row"
      aria-label={`Replace the token of ${c.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (token) void onReplace(token).then(() => setToken(''));
      }}
    >
      <label htmlFor={id} className="sr-only">{`New token for ${c.name}`}</label>
      <input
        id={id}
        type="password"
        autoComplete="off"
        maxLength={1000}
        value={token}
        placeholder="new token"
        onChange={(e) => setToken(e.target.value)}
      />
      <button type="submit" className="small">
        Replace token
      </button>
    </form>
  );
}
