import { labelOf } from '../../../../src/domain/labels.js';
import type { ReactNode } from 'react';
import type { Report } from '../../../../src/domain/report.schema.js';
import { Link } from '../../router.js';

/** The people, labels and systems of a report, as the editor's Basics section sets them. */
export function ReportFacts({ report: r }: { report: Report }) {
  const facts: [string, ReactNode][] = (
    [
      ['Authors', r.authors.join(', ')],
      ['Facilitator', r.facilitator ?? ''],
      ['Reviewers', r.reviewers.join(', ')],
      ['People involved', r.involved.join(', ')],
      [
        'Affected systems',
        r.systems.length === 0
          ? ''
          : r.systems.map((sys, i) => (
              <span key={sys}>
                {i > 0 && ', '}
                <Link href={`/systems/${encodeURIComponent(sys)}`}>{sys}</Link>
              </span>
            )),
      ],
      ['Tags', r.tags.join(', ')],
      ['How it was detected', r.detection ? labelOf(r.detection) : ''],
      ['Time zone of the team', r.period.timezone],
      ['Visibility', r.visibility === 'restricted' ? `restricted to ${r.members.join(', ')}` : ''],
    ] as [string, ReactNode][]
  ).filter(([, v]) => v !== '');
  if (facts.length === 0) return null;
  return (
    <dl className="facts">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
