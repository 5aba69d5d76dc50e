import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../api.js';
import { useTitle } from '../router.js';
import { useSession } from '../session.js';
import type { SeverityLevel, User } from '../types.js';
import { Status } from '../ui.js';
import { AuditLog } from './audit-log.js';
import { RosterEditor } from './roster-editor.js';
import { TemplatesEditor } from './templates-editor.js';
import { WebhooksSection } from './webhooks.js';
import { TrackersSection } from './trackers.js';

/** Admin settings: accounts and roles, required approvals, the severity scale. */
export function SettingsPage() {
  useTitle('Settings');
  const { user, settings, reloadSettings } = useSession();
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [levels, setLevels] = useState<SeverityLevel[]>(settings.severityScale.levels);
  const [approvals, setApprovals] = useState(settings.requiredApprovals);
  // The factor taxonomy as text: one category a line, "Name: what it covers".
  const [taxonomy, setTaxonomy] = useState(
    (settings.factorCategories ?? [])
      .map((c) => (c.description ? `${c.name}: ${c.description}` : c.name))
      .join('\n'),
  );
  const [resetting, setResetting] = useState<User>();
  // The internal network as text, one entry a line.
  const [network, setNetwork] = useState({
    domains: (settings.internalNetwork?.domains ?? []).join('\n'),
    suffixes: (settings.internalNetwork?.suffixes ?? []).join('\n'),
    ipRanges: (settings.internalNetwork?.ipRanges ?? []).join('\n'),
  });

  const loadUsers = () =>
    api<{ items: User[] }>('/api/users')
      .then((r) => setUsers(r.items))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    if (user.role === 'admin') void loadUsers();
  }, [user.role]);

  if (user.role !== 'admin') return <p>Only administrators can change settings.</p>;

  const run = async (done: string, f: () => Promise<unknown>) => {
    setError('');
    setNotice('');
    try {
      await f();
      setNotice(done);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const reset = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!resetting) return;
    const who = resetting;
    const password = String(new FormData(e.currentTarget).get('password'));
    setError('');
    setNotice('');
    api<{ sessionsEnded: number; tokensStillActive: number }>(`/api/users/${who.id}/password`, {
      body: { password },
    }).then(
      async (r) => {
        setResetting(undefined);
        setNotice(
          `Password of ${who.name} reset; they choose a new one at the next sign-in. ` +
            `${r.sessionsEnded} session${r.sessionsEnded === 1 ? '' : 's'} ended; ` +
            `${r.tokensStillActive} API token${r.tokensStillActive === 1 ? '' : 's'} still active.`,
        );
        await loadUsers();
      },
      (err) => setError(errorText(err)),
    );
  };

  const addUser = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const body = {
      name: String(f.get('name')).trim(),
      email: String(f.get('email')).trim(),
      role: String(f.get('role')),
      password: String(f.get('password')),
    };
    void run(`Account for ${body.name} created.`, async () => {
      await api('/api/users', { body });
      form.reset();
      await loadUsers();
    });
  };

  return (
    <div>
      <h1>Settings</h1>
      <Status tone="error">{error}</Status>
      <Status tone="ok">{notice}</Status>

      <section className="card" aria-labelledby="users-h">
        <h2 id="users-h">People and roles</h2>
        <table className="read-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Active</th>
              <th scope="col">Password</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    disabled={u.id === user.id}
                    onChange={(e) =>
                      void run(`${u.name} is now ${e.target.value}.`, async () => {
                        await api(`/api/users/${u.id}`, { method: 'PATCH', body: { role: e.target.value } });
                        await loadUsers();
                      })
                    }
                  >
                    <option value="viewer">viewer</option>
                    <option value="editor">editor</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${u.name} may sign in`}
                    checked={!u.disabled}
                    disabled={u.id === user.id}
                    onChange={(e) =>
                      void run(`${u.name} ${e.target.checked ? 'enabled' : 'disabled'}.`, async () => {
                        await api(`/api/users/${u.id}`, {
                          method: 'PATCH',
                          body: { disabled: !e.target.checked },
                        });
                        await loadUsers();
                      })
                    }
                  />
                </td>
                <td>
                  {u.id === user.id ? (
                    <span className="muted">change it on your profile</span>
                  ) : (
                    <button type="button" className="small" onClick={() => setResetting(u)}>
                      Reset password of {u.name}
                    </button>
                  )}
                  {u.mustChangePassword && <small className="muted block">must choose a new one</small>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {resetting && (
          <form onSubmit={reset} className="row line" aria-labelledby="reset-h">
            <h3 id="reset-h" className="full">
              Reset the password of {resetting.name}
            </h3>
            <p className="muted full">
              Their browsers are signed out at once, and at the next sign-in they must replace this password
              with one of their own. Their API tokens keep working; disable the account to stop those too.
            </p>
            <div className="field">
              <label htmlFor="reset-password">Temporary password</label>
              <input
                id="reset-password"
                name="password"
                type="password"
                minLength={10}
                required
                autoComplete="new-password"
              />
            </div>
            <button type="submit" className="primary">
              Reset password
            </button>
            <button type="button" onClick={() => setResetting(undefined)}>
              Cancel
            </button>
          </form>
        )}
        <form onSubmit={addUser} className="row wrap" aria-labelledby="adduser-h">
          <h3 id="adduser-h" className="full">
            Add a person
          </h3>
          <div className="field">
            <label htmlFor="user-name">Name</label>
            <input id="user-name" name="name" required maxLength={2000} />
          </div>
          <div className="field">
            <label htmlFor="user-email">Email</label>
            <input id="user-email" name="email" type="email" required />
          </div>
          <div className="field">
            <label htmlFor="user-role">Role</label>
            <select id="user-role" name="role" defaultValue="editor">
              <option value="viewer">viewer</option>
              <option value="editor">editor</option>
              <option value="admin">admin</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="user-password">Initial password</label>
            <input
              id="user-password"
              name="password"
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
            />
          </div>
          <button type="submit" className="primary">
            Add person
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="approvals-h">
        <h2 id="approvals-h">Review</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="required-approvals">Approvals needed to publish</label>
            <input
              id="required-approvals"
              type="number"
              min={0}
              max={20}
              value={approvals}
              onChange={(e) => setApprovals(Number(e.target.value))}
            />
          </div>
          <button
            type="button"
            onClick={() =>
              void run('Approvals saved.', async () => {
                await api('/api/settings', { method: 'PUT', body: { requiredApprovals: approvals } });
                await reloadSettings();
              })
            }
          >
            Save
          </button>
        </div>
      </section>

      <section className="card" aria-labelledby="taxonomy-h">
        <h2 id="taxonomy-h">Contributing factor categories</h2>
        <p className="muted">
          The categories writers file contributing factors under, so the recurring-factors page can count
          them. One a line; after a colon, what the category covers.
        </p>
        <div className="field">
          <label htmlFor="factor-taxonomy">Categories</label>
          <textarea
            id="factor-taxonomy"
            rows={6}
            value={taxonomy}
            onChange={(e) => setTaxonomy(e.target.value)}
          />
        </div>
        <button
          type="button"
          onClick={() =>
            void run('Factor categories saved.', async () => {
              const factorCategories = taxonomy
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean)
                .map((l) => {
                  const at = l.indexOf(':');
                  const name = (at === -1 ? l : l.slice(0, at)).trim();
                  const description = at === -1 ? '' : l.slice(at + 1).trim();
                  return description ? { name, description } : { name };
                });
              await api('/api/settings', { method: 'PUT', body: { factorCategories } });
              await reloadSettings();
            })
          }
        >
          Save categories
        </button>
      </section>

      <section className="card" aria-labelledby="network-h">
        <h2 id="network-h">Internal network</h2>
        <p className="muted">
          What counts as inside the organisation: the public version of a report takes these hosts, links and
          addresses out, and the public-leak check points at them. One entry a line.
        </p>
        <div className="grid2">
          {(
            [
              ['domains', 'Internal domains', 'corp.example.com'],
              ['suffixes', 'Internal host suffixes', '.internal'],
              ['ipRanges', 'Internal IP ranges (CIDR)', '10.0.0.0/8'],
            ] as const
          ).map(([key, label, example]) => (
            <div className="field" key={key}>
              <label htmlFor={`network-${key}`}>{label}</label>
              <textarea
                id={`network-${key}`}
                rows={8}
                placeholder={example}
                value={network[key]}
                onChange={(e) => setNetwork({ ...network, [key]: e.target.value })}
              />
            </div>
          ))}
        </div>
        <button
          type="button"
          onClick={() =>
            void run('Internal network saved.', async () => {
              const lines = (t: string) =>
                t
                  .split('\n')
                  .map((l) => l.trim())
                  .filter(Boolean);
              await api('/api/settings', {
                method: 'PUT',
                body: {
                  internalNetwork: {
                    domains: lines(network.domains),
                    suffixes: lines(network.suffixes),
                    ipRanges: lines(network.ipRanges),
                  },
                },
              });
              await reloadSettings();
            })
          }
        >
          Save internal network
        </button>
      </section>

      <RosterEditor roster={settings.roster} onSaved={reloadSettings} />

      <TemplatesEditor templates={settings.templates} onSaved={reloadSettings} />

      <section className="card" aria-labelledby="scale-h">
        <h2 id="scale-h">Severity scale</h2>
        <p className="muted">Each level needs a definition people can apply without debate.</p>
        {levels.map((l, i) => (
          <fieldset key={i} className="row line">
            <legend className="sr-only">Level {i + 1}</legend>
            <div className="field narrow-field">
              <label htmlFor={`lvl-id-${i}`}>Level {i + 1} code</label>
              <input
                id={`lvl-id-${i}`}
                value={l.id}
                onChange={(e) =>
                  setLevels(levels.map((x, j) => (j === i ? { ...x, id: e.target.value } : x)))
                }
              />
            </div>
            <div className="field">
              <label htmlFor={`lvl-name-${i}`}>Level {i + 1} name</label>
              <input
                id={`lvl-name-${i}`}
                value={l.name}
                onChange={(e) =>
                  setLevels(levels.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                }
              />
            </div>
            <div className="field grow">
              <label htmlFor={`lvl-def-${i}`}>Level {i + 1} definition</label>
              <textarea
                id={`lvl-def-${i}`}
                rows={2}
                value={l.definition}
                onChange={(e) =>
                  setLevels(levels.map((x, j) => (j === i ? { ...x, definition: e.target.value } : x)))
                }
              />
            </div>
            <button
              type="button"
              className="small danger"
              aria-label={`Remove level ${l.id}`}
              onClick={() => setLevels(levels.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </fieldset>
        ))}
        <div className="buttons">
          <button
            type="button"
            onClick={() =>
              setLevels([
                ...levels,
                { id: `SEV${levels.length + 1}`, rank: levels.length + 1, name: '', definition: '' },
              ])
            }
          >
            Add a level
          </button>
          <button
            type="button"
            className="primary"
            onClick={() =>
              void run('Severity scale saved.', async () => {
                const scale = {
                  levels: levels.map((l, i) => ({
                    ...l,
                    id: l.id.trim(),
                    name: l.name.trim(),
                    definition: l.definition.trim(),
                    rank: i + 1,
                  })),
                };
                await api('/api/settings', { method: 'PUT', body: { severityScale: scale } });
                await reloadSettings();
              })
            }
          >
            Save the scale
          </button>
        </div>
      </section>
      <WebhooksSection />
      <TrackersSection />
      <AuditLog users={users} />
    </div>
  );
}
