import type { ReactNode } from 'react';
import { labelOf } from '../../../../../src/domain/labels.js';
import type { Report } from '../../../../../src/domain/report.schema.js';
import { LinkOrText } from '../parts.js';

/** The action items as a table (nothing when there are none). */
export function actionsBody(r: Report): ReactNode {
  return (
    r.actions.items.length > 0 && (
      <table className="read-table">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Action</th>
            <th scope="col">Owner</th>
            <th scope="col">Deadline</th>
            <th scope="col">Status</th>
            <th scope="col">Kind</th>
          </tr>
        </thead>
        <tbody>
          {r.actions.items.map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td>
                {a.tracker ? <LinkOrText link={a.tracker} text={a.title} /> : a.title}
                {a.details && <div>{a.details}</div>}
                {a.successCriterion && <div className="muted">Done when: {a.successCriterion}</div>}
                {a.addresses.length > 0 && <div className="muted">Addresses {a.addresses.join(', ')}</div>}
              </td>
              <td>{a.owner ?? '—'}</td>
              <td>{a.deadline ?? '—'}</td>
              <td>
                {labelOf(a.status)}
                {a.verification && (
                  <div className="muted">
                    verified {a.verification.result}
                    {a.verification.on && ` on ${a.verification.on}`}
                  </div>
                )}
              </td>
              <td>
                {[a.category && labelOf(a.category), a.priority && `${labelOf(a.priority)} priority`]
                  .filter(Boolean)
                  .join(', ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )
  );
}
