import type { ReactNode } from 'react';
import type { Report } from '../../../../../src/domain/report.schema.js';
import { Prose } from '../parts.js';

/** The executive summary as written. */
export function summaryBody(r: Report): ReactNode {
  return (
    <>
      <Prose label="What happened" text={r.summary.whatHappened} />
      <Prose label="Impact" text={r.summary.impact} />
      <Prose label="Core issue" text={r.summary.coreIssue} />
      <Prose label="Key lessons" text={r.summary.keyLessons} />
      <Prose label="Next steps" text={r.summary.nextSteps} />
    </>
  );
}
