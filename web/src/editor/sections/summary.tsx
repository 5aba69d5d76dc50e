// I. The executive summary: the five short answers a reader looks for first.
import { useContext, useState } from 'react';
import { acceptDraft, draftSummary, type SummaryPart } from '../../../../src/domain/summary-draft.js';
import { SUMMARY_WORD_LIMIT } from '../../../../src/domain/templates.js';
import { SetContext, TextField } from '../fields.js';
import { wordCount } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

// The executive summary's parts: model field, label, and an example of the kind of sentence that fits.
const SUMMARY_FIELDS = [
  [
    'whatHappened',
    'What happened',
    'e.g. For 40 minutes on 5 March, checkout failed for every customer after a certificate expired.',
  ],
  [
    'impact',
    'Impact in brief',
    'e.g. About 3,400 orders failed; roughly 12,000 USD in sales lost (estimate).',
  ],
  ['coreIssue', 'Core issue', 'e.g. Certificate renewal depended on someone remembering to do it.'],
  ['keyLessons', 'Key lessons', 'e.g. Expiry dates need the same monitoring as disk space.'],
  ['nextSteps', 'Next steps', 'e.g. Automate renewal by 30 April; alert 14 days before any expiry.'],
] as const;

export function SummarySection({ report, settings }: SectionProps) {
  const guide = useGuide(report, settings);
  const s = report.summary;
  const total = wordCount([s.whatHappened, s.impact, s.coreIssue, s.keyLessons, s.nextSteps].join(' '));
  const checks: [string, boolean][] = [
    ['names the window of time', /\d/.test(s.whatHappened ?? '')],
    ['gives the impact with a number', /\d/.test(s.impact ?? '')],
    ['states the core issue', Boolean(s.coreIssue?.trim())],
    ['names what was learned', Boolean(s.keyLessons?.trim())],
    ['says what happens next', Boolean(s.nextSteps?.trim())],
  ];
  return (
    <div className="with-aside">
      <div>
        {SUMMARY_FIELDS.map(([field, label, placeholder]) => (
          <TextField
            key={field}
            path={['summary', field]}
            placeholder={placeholder}
            label={label}
            value={s[field]}
            guide={guide(`summary.${field}`)}
            multiline
            words
          />
        ))}
        <SummaryDraft report={report} />
      </div>
      <aside className="checklist" aria-label="Summary checklist">
        <p>
          <strong>{total}</strong> words in the summary
          {total > SUMMARY_WORD_LIMIT
            ? ` — long for a busy reader; aim for ${SUMMARY_WORD_LIMIT} or fewer.`
            : '.'}
        </p>
        <ul>
          {checks.map(([label, ok]) => (
            <li key={label} className={ok ? 'ok' : 'todo'}>
              <span aria-hidden="true">{ok ? '✓' : '○'}</span> {ok ? 'Done: ' : 'To do: '}
              {label}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}

const PART_LABELS = Object.fromEntries(SUMMARY_FIELDS.map(([f, l]) => [f, l])) as Record<SummaryPart, string>;

/**
 * A draft of the summary from the other sections, offered part by part: "Use" fills an empty part, "Add
 * after mine" puts it below the writer's text; the writer's words are never replaced.
 */
function SummaryDraft({ report }: { report: SectionProps['report'] }) {
  const set = useContext(SetContext);
  const [open, setOpen] = useState(false);
  const draft = draftSummary(report);
  const parts = (Object.keys(draft) as SummaryPart[]).filter((k) => draft[k]);
  return (
    <section className="summary-draft" aria-labelledby="summary-draft-title">
      <h3 id="summary-draft-title">Draft from the other sections</h3>
      {!open ? (
        <button type="button" onClick={() => setOpen(true)} disabled={parts.length === 0}>
          {parts.length === 0 ? 'Nothing to draft from yet' : 'Show a draft summary'}
        </button>
      ) : (
        <ul className="draft-parts">
          {parts.map((part) => {
            const text = draft[part]!;
            const mine = report.summary[part]?.trim();
            const taken = Boolean(mine && mine.includes(text));
            return (
              <li key={part}>
                <strong>{PART_LABELS[part]}:</strong> <span className="draft-text">{text}</span>{' '}
                {!mine ? (
                  <button
                    type="button"
                    className="small"
                    onClick={() => set(['summary'], acceptDraft(report.summary, part, text))}
                  >
                    Use for {PART_LABELS[part]}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="small"
                    disabled={taken}
                    onClick={() => set(['summary'], acceptDraft(report.summary, part, text, true))}
                  >
                    {taken ? 'In your text' : `Add after my ${PART_LABELS[part].toLowerCase()}`}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
