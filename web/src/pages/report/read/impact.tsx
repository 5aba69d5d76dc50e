import type { ReactNode } from 'react';
import { labelOf } from '../../../../../src/domain/labels.js';
import { impactTotals } from '../../../../../src/domain/metrics.js';
import type { Report } from '../../../../../src/domain/report.schema.js';
import { Prose, figureText } from '../parts.js';

/** Impact totals, money and figures, and the prose of the impact. */
export function impactBody(r: Report): ReactNode {
  const totals = impactTotals(r);
  return (
    <>
      {(totals.byCurrency.length > 0 || totals.figures.length > 0) && (
        <ul>
          {totals.byCurrency.map((t) => (
            <li key={t.currency}>
              {t.total.toLocaleString()} {t.currency}
              {t.estimated ? ' (estimated)' : ''}
            </li>
          ))}
          {totals.figures.map((f) => (
            <li key={`${f.category}/${f.measure}/${f.unit ?? ''}`}>
              {figureText(f.total, f.unit, f.measure)} ({labelOf(f.category)}
              {f.estimated ? ', estimated' : ''})
            </li>
          ))}
        </ul>
      )}
      {r.impact.financial.length > 0 && (
        <table className="read-table">
          <caption>Money</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">What</th>
              <th scope="col">Amount</th>
              <th scope="col">Basis</th>
            </tr>
          </thead>
          <tbody>
            {r.impact.financial.map((f, i) => (
              <tr key={i}>
                <td>{labelOf(f.kind)}</td>
                <td>{f.description}</td>
                <td className="num">
                  {f.amount.toLocaleString()} {f.currency}
                </td>
                <td>{f.basis}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.impact.figures.length > 0 && (
        <table className="read-table">
          <caption>Figures</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Figure</th>
              <th scope="col">Basis</th>
            </tr>
          </thead>
          <tbody>
            {r.impact.figures.map((f, i) => (
              <tr key={i}>
                <td>{labelOf(f.category)}</td>
                <td>{figureText(f.value, f.unit, f.measure)}</td>
                <td>{f.basis}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Prose label="Operational" text={r.impact.operational} />
      <Prose label="Customers" text={r.impact.customer} />
      <Prose label="Reputation" text={r.impact.reputational} />
      <Prose label="Team" text={r.impact.team} />
    </>
  );
}
