import type { ReactNode } from 'react';
import { labelOf } from '../../../../../src/domain/labels.js';
import { formatDuration, responseTimes } from '../../../../../src/domain/metrics.js';
import type { Report } from '../../../../../src/domain/report.schema.js';
import { Prose, LinkOrText, Text } from '../parts.js';

/** Response times, the timeline, and the prose of the event details. */
export function detailsBody(r: Report): ReactNode {
  const times = responseTimes(r);
  return (
    <>
      <dl className="figures">
        {(
          [
            ['Time to detect', times.timeToDetect],
            ['Time to respond', times.timeToRespond],
            ['Time to mitigate', times.timeToMitigate],
            ['Time to resolve', times.timeToResolve],
            ['Duration', times.duration],
          ] as const
        ).map(([l, v]) => (
          <div key={l}>
            <dt>{l}</dt>
            <dd>{v === undefined ? '—' : formatDuration(v)}</dd>
          </div>
        ))}
      </dl>
      {r.details.timeline.length > 0 && (
        <table className="read-table">
          <caption>Timeline (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Kind</th>
              <th scope="col">What happened</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {r.details.timeline.map((e, i) => (
              <tr key={i}>
                <td>{e.at ? e.at.replace('T', ' ').replace('Z', '') : 'unknown'}</td>
                <td>{labelOf(e.kind)}</td>
                <td>
                  <Text>{e.text}</Text>
                  {e.actor && <span className="muted"> — {e.actor}</span>}
                </td>
                <td>
                  {e.source}
                  {e.evidence && (
                    <>
                      {e.source && ' · '}
                      <LinkOrText link={e.evidence} />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Prose label="Why this severity" text={r.details.severityRationale} />
      <Prose label="What was affected" text={r.details.affected} />
      <Prose label="How it was found" text={r.details.howFound} />
      <Prose label="Steps taken" text={r.details.stepsTaken} />
    </>
  );
}
