import { useEffect, useState } from 'react';
import { api, errorText, query } from '../api.js';
import type { AuditEntry, User } from '../types.js';
import { Status, When } from '../ui.js';

const PAGE = 50;

/** Admin: who did what, newest first, filterable by action. */
export function AuditLog({ users }: { users: User[] }) {
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [action, setAction] = useState('');
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState('');
  useEffect(() => {
    const ac = new AbortController();
    api<{ items: AuditEntry[] }>(`/api/audit${query({ action, limit: PAGE, offset })}`, { signal: ac.signal })
      .then((r) => setItems(r.items))
      .catch((e: Error) => e.name !== 'AbortError' && setError(errorText(e)));
    return () => ac.abort();
  }, [action, offset]);
  const name = (id: string | null) =>
    id ? (users.find((u) => u.id === id)?.name ?? id.slice(0, 8)) : 'system';
  return (
    <section className="card" aria-labelledby="audit-h">
      <h2 id="audit-h">Audit log</h2>
      <div className="field narrow-wide">
        <label htmlFor="audit-action">Action (exact, e.g. report.transition)</label>
        <input
          id="audit-action"
          defaultValue={action}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              setOffset(0);
              setAction(e.currentTarget.value.trim());
            }
          }}
          onBlur={(e) => {
            setOffset(0);
            setAction(e.target.value.trim());
          }}
        />
      </div>
      <Status tone="error">{error}</Status>
      <div className="table-wrap">
        <table className="read-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">On</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <When at={e.at} />
                </td>
                <td>{name(e.userId)}</td>
                <td>{e.action}</td>
                <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="buttons">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Newer entries
        </button>
        <button type="button" disabled={items.length < PAGE} onClick={() => setOffset(offset + PAGE)}>
          Older entries
        </button>
      </div>
    </section>
  );
}
