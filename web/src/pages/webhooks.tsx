import { useEffect, useState, type FormEvent } from 'react';
import { OUTBOX_EVENTS } from '../../../src/domain/outbox-events.js';
import { api, errorText } from '../api.js';
import type { Delivery, Webhook, WebhookCreated } from '../types.js';
import { Status, When } from '../ui.js';

/** Admin: outgoing webhook subscriptions, their secrets (shown once) and delivery logs with "redeliver". */
export function WebhooksSection() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [error, setError] = useState('');
  const [created, setCreated] = useState<WebhookCreated>();
  const [open, setOpen] = useState<string>();
  const [log, setLog] = useState<Delivery[]>([]);

  const load = () =>
    api<{ items: Webhook[] }>('/api/settings/webhooks')
      .then((r) => setHooks(r.items))
      .catch((e) => setError(errorText(e)));
  useEffect(() => void load(), []);
  const loadLog = (id: string) =>
    api<{ items: Delivery[] }>(`/api/settings/webhooks/${id}/deliveries`)
      .then((r) => setLog(r.items))
      .catch((e) => setError(errorText(e)));

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
    const body = {
      url: String(f.get('url')).trim(),
      events: f.getAll('events').map(String),
      format: String(f.get('format')),
      restrictedReports: f.get('restrictedReports') === 'on',
    };
    void run(async () => {
      setCreated(await api<WebhookCreated>('/api/settings/webhooks', { body }));
      form.reset();
      await load();
    });
  };

  return (
    <section className="card" aria-labelledby="webhooks-h">
      <h2 id="webhooks-h">Webhooks</h2>
      <p className="muted">
        Hindsight posts a signed JSON message to each address when the events it names happen. The header
        X-Hindsight-Signature holds sha256= and the HMAC-SHA256 of the body under the subscription&apos;s
        secret. Events of restricted reports go only to subscriptions that include them.
      </p>
      <Status tone="error">{error}</Status>
      {created && (
        <p role="status">
          Subscription added. Its signing secret, shown only now: <code>{created.secret}</code>
        </p>
      )}
      <div className="table-wrap">
        <table className="read-table">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Events</th>
              <th scope="col">Format</th>
              <th scope="col">Active</th>
              <th scope="col">Restricted reports</th>
              <th scope="col">Deliveries</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr key={h.id}>
                <td>{h.url}</td>
                <td>{h.events.join(', ')}</td>
                <td>{h.format === 'slack' ? 'Slack / Mattermost' : 'JSON'}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Send to ${h.url}`}
                    checked={h.active}
                    onChange={(e) =>
                      void run(async () => {
                        await api(`/api/settings/webhooks/${h.id}`, {
                          method: 'PATCH',
                          body: { active: e.target.checked },
                        });
                        await load();
                      })
                    }
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Restricted reports to ${h.url}`}
                    checked={h.restrictedReports}
                    onChange={(e) =>
                      void run(async () => {
                        await api(`/api/settings/webhooks/${h.id}`, {
                          method: 'PATCH',
                          body: { restrictedReports: e.target.checked },
                        });
                        await load();
                      })
                    }
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      setOpen(h.id);
                      void loadLog(h.id);
                    }}
                  >
                    Log of {h.url}
                  </button>{' '}
                  <button
                    type="button"
                    className="small"
                    onClick={() =>
                      void run(async () => {
                        await api(`/api/settings/webhooks/${h.id}`, { method: 'DELETE' });
                        if (open === h.id) setOpen(undefined);
                        await load();
                      })
                    }
                  >
                    Remove {h.url}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && (
        <div className="table-wrap">
          <h3>Latest deliveries</h3>
          <table className="read-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Again</th>
              </tr>
            </thead>
            <tbody>
              {log.map((d) => (
                <tr key={d.id}>
                  <td>
                    <When at={d.createdAt} />
                  </td>
                  <td>{d.event}</td>
                  <td>{d.status}</td>
                  <td>{d.attempts}</td>
                  <td>{d.lastError ?? d.lastStatus ?? ''}</td>
                  <td>
                    <button
                      type="button"
                      className="small"
                      onClick={() =>
                        void run(async () => {
                          await api(`/api/settings/webhooks/${open}/deliveries/${d.id}/redeliver`, {
                            method: 'POST',
                          });
                          await loadLog(open);
                        })
                      }
                    >
                      Redeliver {d.event}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={add} className="row wrap" aria-labelledby="addhook-h">
        <h3 id="addhook-h" className="full">
          Add a subscription
        </h3>
        <div className="field">
          <label htmlFor="hook-url">Address (http or https)</label>
          <input id="hook-url" name="url" type="url" required maxLength={2000} />
        </div>
        <div className="field">
          <label htmlFor="hook-format">Format</label>
          <select id="hook-format" name="format" defaultValue="json">
            <option value="json">JSON</option>
            <option value="slack">Slack / Mattermost incoming webhook</option>
          </select>
        </div>
        <fieldset className="full">
          <legend>Events</legend>
          {OUTBOX_EVENTS.map((ev) => (
            <label key={ev} className="inline">
              <input type="checkbox" name="events" value={ev} /> {ev}
            </label>
          ))}
        </fieldset>
        <div className="field full">
          <label className="inline">
            <input type="checkbox" name="restrictedReports" aria-describedby="hook-restricted-note" /> Include
            restricted reports
          </label>
          <p id="hook-restricted-note" className="muted">
            Off by default. When on, this address also receives the events of restricted reports: their titles
            and action items leave Hindsight, whoever runs the receiving end.
          </p>
        </div>
        <button type="submit" className="primary">
          Add subscription
        </button>
      </form>
    </section>
  );
}
