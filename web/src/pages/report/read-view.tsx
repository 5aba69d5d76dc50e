import type { ReactNode } from 'react';
import { SECTION_KEYS, type Report, type SectionKey } from '../../../../src/domain/report.schema.js';
import type { Comment } from '../../types.js';
import { SectionComments } from './comments.js';
import { SECTION_TITLES } from './parts.js';
import { summaryBody } from './read/summary.js';
import { detailsBody } from './read/details.js';
import { impactBody } from './read/impact.js';
import { analysisBody } from './read/analysis.js';
import { lessonsBody } from './read/lessons.js';
import { actionsBody, type ActionsReadOptions } from './read/actions.js';
import { materialsBody } from './read/materials.js';

/** The report as a reader sees it: one section after another, each with its review comments. */
export function ReadView({
  report: r,
  comments,
  participant,
  who,
  onComment,
  onResolve,
  actions,
}: {
  report: Report;
  comments: Comment[];
  participant: boolean;
  who: (id: string | null) => string;
  onComment: (anchor: string, body: string) => Promise<void>;
  onResolve: (c: Comment) => Promise<void>;
  /** Verification and recurrence on the action items. */
  actions?: ActionsReadOptions;
}) {
  const body: Record<SectionKey, ReactNode> = {
    summary: summaryBody(r),
    details: detailsBody(r),
    impact: impactBody(r),
    analysis: analysisBody(r),
    lessons: lessonsBody(r),
    actions: actionsBody(r, actions),
    materials: materialsBody(r),
  };
  return (
    <>
      {SECTION_KEYS.map((s) => (
        <section key={s} className="read-section" aria-labelledby={`read-${s}`}>
          <h2 id={`read-${s}`}>{SECTION_TITLES[s]}</h2>
          {body[s] || <p className="muted">Nothing written yet.</p>}
          <SectionComments
            section={s}
            comments={comments.filter((c) => c.anchor.split('.')[0] === s)}
            participant={participant}
            who={who}
            onComment={onComment}
            onResolve={onResolve}
          />
        </section>
      ))}
    </>
  );
}
