import type { ReactNode } from 'react';
import type { Report } from '../../../../../src/domain/report.schema.js';
import { Text } from '../parts.js';

/** The four lists of lessons side by side. */
export function lessonsBody(r: Report): ReactNode {
  return (
    <div className="columns">
      {(['wentWell', 'wentWrong', 'couldImprove', 'lucky'] as const).map((k) => (
        <div key={k}>
          <h3>
            {
              {
                wentWell: 'Went well',
                wentWrong: 'Went wrong',
                couldImprove: 'Could improve',
                lucky: 'Where we got lucky',
              }[k]
            }
          </h3>
          <ul>
            {r.lessons[k].map((l) => (
              <li key={l.id}>
                <Text>{l.text}</Text>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
