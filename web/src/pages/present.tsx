// Meeting mode: the report as slides for the review meeting — one part per slide, the timeline chart, the open
// questions and unresolved comments, and the action list. Arrow keys, Page Up/Down, Space, Home and End move
// between slides; P opens the presenter's view with the notes; Escape goes back to the report.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { formatDuration, responseTimes } from '../../../src/domain/metrics.js';
import type { Report } from '../../../src/domain/report.schema.js';
import { api, errorText } from '../api.js';
import { navigate, useTitle } from '../router.js';
import type { Comment, StoredReport } from '../types.js';
import { Status } from '../ui.js';

interface Slide {
  title: string;
  body: ReactNode;
  /** What the presenter sees beside the slide: the section's notes and a question to ask the room. */
  notes: string[];
}

const list = (items: string[], empty: string) =>
  items.length ? (
    <ul>
      {items.map((t, i) => (
        <li key={i}>{t}</li>
      ))}
    </ul>
  ) : (
    <p className="muted">{empty}</p>
  );

function slidesOf(r: Report, comments: Comment[], chart: (id: string) => string): Slide[] {
  const t = responseTimes(r);
  const open = comments.filter((c) => !c.resolvedAt);
  const questions = r.details.timeline.filter((e) => e.kind === 'hypothesis').map((e) => e.text);
  const note = (...n: (string | undefined)[]) => n.filter((x): x is string => Boolean(x?.trim()));
  return [
    {
      title: r.title,
      body: (
        <>
          <p className="slide-lead">
            {labelOf(r.kind)}
            {r.severity ? ` · severity ${r.severity}` : ''}
            {t.duration !== undefined ? ` · lasted ${formatDuration(t.duration)}` : ''}
          </p>
          <p>{r.summary.whatHappened ?? ''}</p>
        </>
      ),
      notes: note(
        'Open with the ground rules: we look for what made the outcome possible, not for someone to blame.',
        r.summary.notes,
      ),
    },
    {
      title: 'What happened and why it mattered',
      body: (
        <dl className="slide-facts">
          <dt>Impact</dt>
          <dd>{r.summary.impact ?? '—'}</dd>
          <dt>Core issue</dt>
          <dd>{r.summary.coreIssue ?? '—'}</dd>
        </dl>
      ),
      notes: note('Ask whether anyone saw a different impact than the one written here.', r.impact.notes),
    },
    {
      title: 'Timeline',
      body: (
        <img
          className="slide-chart"
          src={chart('timeline')}
          alt="Timeline chart: the events by kind over time, with the detect, respond, mitigate and resolve phases"
        />
      ),
      notes: note(
        t.timeToDetect !== undefined ? `Time to detect: ${formatDuration(t.timeToDetect)}.` : undefined,
        t.timeToMitigate !== undefined ? `Time to mitigate: ${formatDuration(t.timeToMitigate)}.` : undefined,
        'Walk through the gaps: what were people seeing and thinking at each step?',
        r.details.notes,
      ),
    },
    {
      title: 'Causes',
      body: (
        <>
          <p>{r.analysis.primaryCause ?? <span className="muted">No primary cause written yet.</span>}</p>
          {list(
            r.analysis.factors.map((f) => `${f.id}: ${f.text}`),
            'No contributing factors yet.',
          )}
        </>
      ),
      notes: note('Check each factor: would removing it have changed the outcome?', r.analysis.notes),
    },
    {
      title: 'Lessons',
      body: (
        <div className="slide-columns">
          <div>
            <h3>Went well</h3>
            {list(
              r.lessons.wentWell.map((l) => l.text),
              'None yet.',
            )}
          </div>
          <div>
            <h3>Went wrong</h3>
            {list(
              r.lessons.wentWrong.map((l) => l.text),
              'None yet.',
            )}
          </div>
          <div>
            <h3>Could improve</h3>
            {list(
              r.lessons.couldImprove.map((l) => l.text),
              'None yet.',
            )}
          </div>
        </div>
      ),
      notes: note(r.lessons.notes),
    },
    {
      title: 'Open questions',
      body: (
        <>
          <h3>Unresolved comments ({open.length})</h3>
          {list(
            open.map((c) => `${c.anchor}: ${c.body}`),
            'No open comments.',
          )}
          <h3>Hypotheses not yet settled ({questions.length})</h3>
          {list(questions, 'None in the timeline.')}
        </>
      ),
      notes: note('Settle or assign each question before the meeting ends.'),
    },
    {
      title: 'Actions',
      body: (
        <table className="slide-actions">
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Action</th>
              <th scope="col">Owner</th>
              <th scope="col">Deadline</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {r.actions.items.map((a) => (
              <tr key={a.id}>
                <td>{a.id}</td>
                <td>{a.title}</td>
                <td>{a.owner ?? '—'}</td>
                <td>{a.deadline ?? '—'}</td>
                <td>{labelOf(a.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ),
      notes: note('Confirm an owner and a date for every action, out loud.', r.actions.notes),
    },
  ];
}

/** The presentation page of a report. */
export function PresentPage({ id }: { id: string }) {
  const [stored, setStored] = useState<StoredReport>();
  const [comments, setComments] = useState<Comment[]>([]);
  const [error, setError] = useState('');
  const [index, setIndex] = useState(0);
  const [presenter, setPresenter] = useState(false);
  useTitle(stored ? `Presenting: ${stored.report.title}` : 'Meeting mode');
  const base = `/api/postmortems/${encodeURIComponent(id)}`;

  useEffect(() => {
    Promise.all([api<StoredReport>(base), api<{ items: Comment[] }>(`${base}/comments`)])
      .then(([s, c]) => {
        setStored(s);
        setComments(c.items);
      })
      .catch((e) => setError(errorText(e)));
  }, [base]);

  const slides = stored
    ? slidesOf(stored.report, comments, (c) => `${base}/charts/${c}?v=${stored.version}`)
    : [];
  const count = slides.length;
  const go = useCallback(
    (to: (i: number) => number) => setIndex((i) => Math.max(0, Math.min(count - 1, to(i)))),
    [count],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key;
      if (k === 'ArrowRight' || k === 'PageDown' || k === ' ' || k === 'ArrowDown') go((i) => i + 1);
      else if (k === 'ArrowLeft' || k === 'PageUp' || k === 'ArrowUp') go((i) => i - 1);
      else if (k === 'Home') go(() => 0);
      else if (k === 'End') go(() => count - 1);
      else if (k === 'p' || k === 'P') setPresenter((p) => !p);
      else if (k === 'Escape') navigate(`/reports/${encodeURIComponent(id)}`);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, count, id]);

  if (error) return <Status tone="error">{error}</Status>;
  if (!stored) return <p className="loading">Loading the report…</p>;
  const slide = slides[index]!;
  const next = slides[index + 1];
  return (
    <div className={presenter ? 'present presenter' : 'present'}>
      <section
        className="slide"
        aria-roledescription="slide"
        aria-label={`Slide ${index + 1} of ${count}: ${slide.title}`}
      >
        <h1>{slide.title}</h1>
        {slide.body}
        <p className="slide-number" aria-live="polite">
          {index + 1} / {count}
        </p>
      </section>
      {presenter && (
        <aside className="presenter-notes" aria-label="Presenter notes">
          <h2>Notes</h2>
          {list(slide.notes, 'No notes for this slide.')}
          <p className="muted">Next: {next ? next.title : 'end of the presentation'}</p>
        </aside>
      )}
      <nav className="present-nav no-print" aria-label="Slides">
        <button type="button" onClick={() => go((i) => i - 1)} disabled={index === 0}>
          Previous
        </button>
        <button type="button" onClick={() => go((i) => i + 1)} disabled={index === count - 1}>
          Next
        </button>
        <button type="button" aria-pressed={presenter} onClick={() => setPresenter((p) => !p)}>
          Presenter view (P)
        </button>
        <button type="button" onClick={() => navigate(`/reports/${encodeURIComponent(id)}`)}>
          Leave (Esc)
        </button>
      </nav>
    </div>
  );
}
