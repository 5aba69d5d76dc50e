import { Fragment, type ReactNode } from 'react';
import { labelOf } from '../../../../../src/domain/labels.js';
import type { Report } from '../../../../../src/domain/report.schema.js';
import { FishboneDiagram } from '../../../editor/fishbone.js';
import { Prose, LinkOrText, Text } from '../parts.js';

/** Root cause, factors, 5 Whys, fishbone, barriers and changes before the event. */
export function analysisBody(r: Report): ReactNode {
  return (
    <>
      <Prose label="Primary root cause" text={r.analysis.primaryCause} />
      {r.analysis.factors.length > 0 && (
        <>
          <h3>Contributing factors</h3>
          <ul>
            {r.analysis.factors.map((f) => (
              <li key={f.id}>
                {f.id}: <Text>{f.text}</Text>
              </li>
            ))}
          </ul>
        </>
      )}
      <Prose label="Causal chain" text={r.analysis.causalChain} />
      {r.analysis.fiveWhys.map((w, i) => (
        <Fragment key={i}>
          <h3>5 Whys: {w.problem}</h3>
          <ol>
            {w.steps.map((s, j) => (
              <li key={j}>
                <Text>{s.answer}</Text>
              </li>
            ))}
          </ol>
          {w.conclusion && <p>Conclusion: {w.conclusion}</p>}
        </Fragment>
      ))}
      {r.analysis.fishbone.length > 0 && (
        <>
          <h3>Fishbone</h3>
          <FishboneDiagram
            problem={r.analysis.fiveWhys[0]?.problem || r.title}
            causes={r.analysis.fishbone}
          />
        </>
      )}
      {r.analysis.barriers.length > 0 && (
        <table className="read-table">
          <caption>Barriers</caption>
          <thead>
            <tr>
              <th scope="col">Barrier</th>
              <th scope="col">Held?</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {r.analysis.barriers.map((b, i) => (
              <tr key={i}>
                <td>
                  <Text>{b.barrier}</Text>
                </td>
                <td>{labelOf(b.status)}</td>
                <td>
                  <Text>{b.why}</Text>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.analysis.changes.length > 0 && (
        <table className="read-table">
          <caption>Changes before the event</caption>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Change</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {r.analysis.changes.map((c, i) => (
              <tr key={i}>
                <td>{c.at ? c.at.replace('T', ' ').replace('Z', '') : '—'}</td>
                <td>{c.link ? <LinkOrText link={c.link} text={c.change} /> : c.change}</td>
                <td>{c.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
