import { Fragment, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { formatDuration, impactTotals, responseTimes } from '../../../src/domain/metrics.js';
import { SECTION_KEYS, type Report, type SectionKey } from '../../../src/domain/report.schema.js';
import { api, apiText, errorText } from '../api.js';
import { FishboneDiagram } from '../editor/fishbone.js';
import { pathWords, revisionWords } from './history-words.js';
import { WordDiff } from './word-diff.js';
import { Link, navigate, useTitle } from '../router.js';
import { canEdit, useSession } from '../session.js';
import type { Comment, Revision, ReviewStatus, StoredReport, User } from '../types.js';
import { downloadText, StateBadge, Status, When } from '../ui.js';

const key = (s: string) => s.trim().toLowerCase();
const named = (user: User, names: string[]) =>
  names.some((n) => key(n) === key(user.name) || key(n) === key(user.email));

interface DiffResult {
  from: number;
  to: number;
  changes: { path: (string | number)[]; op: string; from?: unknown; to?: unknown }[];
}

/** A report to read: the clean view, its review (comments, decisions), publication, history and export. */
export function ReportPage({ id }: { id: string }) {
  const { user } = useSession();
  const [stored, setStored] = useState<StoredReport>();
  const [comments, setComments] = useState<Comment[]>([]);
  const [reviews, setReviews] = useState<ReviewStatus>();
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [people, setPeople] = useState<Map<string, string>>(new Map());
  const [confirmPublish, setConfirmPublish] = useState(false);
  useTitle(stored?.report.title ?? 'Report');
  const base = `/api/postmortems/${encodeURIComponent(id)}`;

  const load = useCallback(async () => {
    try {
      const [s, c, r] = await Promise.all([
        api<StoredReport>(base),
        api<{ items: Comment[] }>(`${base}/comments`),
        api<ReviewStatus>(`${base}/reviews`),
      ]);
      setStored(s);
      setComments(c.items);
      setReviews(r);
    } catch (e) {
      setError(errorText(e));
    }
  }, [base]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    // Only admins may list accounts; others see "you" and "another person".
    if (user.role === 'admin')
      api<{ items: User[] }>('/api/users')
        .then((r) => setPeople(new Map(r.items.map((u) => [u.id, u.name]))))
        .catch(() => undefined);
  }, [user.role]);
  const who = (userId: string | null) =>
    userId === user.id ? 'you' : (userId && people.get(userId)) || 'another person';

  const act = async (what: string, run: () => Promise<unknown>) => {
    setError('');
    setNotice('');
    try {
      await run();
      setNotice(what);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  if (!stored)
    return error ? <Status tone="error">{error}</Status> : <p className="loading">Loading the report…</p>;
  const r = stored.report;
  const reviewer = named(user, r.reviewers);
  const editor = canEdit(user);
  const participant = editor || reviewer;
  const transition = (to: string, message: string) =>
    act(message, () => api(`${base}/transitions`, { body: { to, version: stored.version } }));
  const remove = async () => {
    if (!window.confirm(`Delete “${r.title}”? An administrator can restore it from the archive.`)) return;
    try {
      await api(`${base}?version=${stored.version}`, { method: 'DELETE' });
      navigate('/archive');
    } catch (e) {
      setError(errorText(e));
    }
  };
  const exportMarkdown = async () => {
    try {
      const md = await apiText(base, { accept: 'text/markdown' });
      downloadText(`${stored.id}.md`, md);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <article className="report-view">
      <header className="report-head">
        <p className="crumbs">
          <Link href="/archive">Archive</Link> / {stored.id} · version {stored.version}
        </p>
        <h1>{r.title}</h1>
        <p className="meta">
          <StateBadge state={stored.state} /> {labelOf(r.kind)}
          {r.severity && <> · severity {r.severity}</>}
          {r.period.start && (
            <>
              {' '}
              · from <When at={r.period.start} />
            </>
          )}
          {r.period.end && (
            <>
              {' '}
              to <When at={r.period.end} />
            </>
          )}
        </p>
        <ReportFacts report={r} />
        <div className="toolbar no-print">
          {editor && (
            <Link className="button" href={`/reports/${encodeURIComponent(stored.id)}/edit`}>
              Edit
            </Link>
          )}
          {editor && stored.state === 'draft' && (
            <Link className="button primary" href={`/reports/${encodeURIComponent(stored.id)}/edit?review=1`}>
              Request review…
            </Link>
          )}
          {editor && stored.state === 'in_review' && (
            <button type="button" className="primary" onClick={() => setConfirmPublish(true)}>
              Publish…
            </button>
          )}
          {editor && stored.state === 'in_review' && (
            <button type="button" onClick={() => void transition('draft', 'Back to draft.')}>
              Back to draft
            </button>
          )}
          {editor && stored.state === 'published' && (
            <button type="button" onClick={() => void transition('closed', 'Closed.')}>
              Close (actions verified)
            </button>
          )}
          {editor && (stored.state === 'published' || stored.state === 'closed') && (
            <button type="button" onClick={() => void transition('draft', 'Reopened as a draft.')}>
              Reopen as draft
            </button>
          )}
          <button type="button" onClick={() => void exportMarkdown()}>
            Export Markdown
          </button>
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
          {editor && (
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete…
            </button>
          )}
        </div>
        <Status tone="error">{error}</Status>
        <Status tone="ok">{notice}</Status>
      </header>

      {stored.state === 'in_review' && reviews && (
        <ReviewBox
          status={reviews}
          reviewer={reviewer}
          who={who}
          reviewers={r.reviewers}
          me={user.id}
          onDecide={(decision, note) =>
            act(decision === 'approve' ? 'You approved the report.' : 'You asked for changes.', () =>
              api(`${base}/reviews`, { body: { decision, ...(note ? { note } : {}) } }),
            )
          }
        />
      )}

      <ReadView
        report={r}
        comments={comments}
        participant={participant}
        who={who}
        onComment={(anchor, body) =>
          act('Comment added.', () => api(`${base}/comments`, { body: { anchor, body } }))
        }
        onResolve={(c) =>
          act(c.resolvedAt ? 'Comment reopened.' : 'Comment resolved.', () =>
            api(`${base}/comments/${c.id}/resolve`, { body: { resolved: !c.resolvedAt } }),
          )
        }
      />

      <History base={base} stored={stored} canRestore={editor} who={who} onRestored={() => void load()} />
      {confirmPublish && (
        <PublishDialog
          open={comments.filter((c) => !c.resolvedAt)}
          approvals={reviews?.status}
          who={who}
          onCancel={() => setConfirmPublish(false)}
          onPublish={() => {
            setConfirmPublish(false);
            void transition('published', 'Published.');
          }}
        />
      )}
    </article>
  );
}

function ReviewBox({
  status,
  reviewer,
  reviewers,
  me,
  who,
  onDecide,
}: {
  status: ReviewStatus;
  reviewer: boolean;
  reviewers: string[];
  me: string;
  who: (id: string | null) => string;
  onDecide: (d: 'approve' | 'request_changes', note: string) => Promise<void>;
}) {
  const [note, setNote] = useState('');
  const round = status.reviews.filter((v) => v.round === status.status.round);
  // The newest decision of mine in this round: the buttons offer only the other one.
  const mine = round.filter((v) => v.userId === me).at(-1)?.decision;
  const decide = (d: 'approve' | 'request_changes') => void onDecide(d, note.trim()).then(() => setNote(''));
  return (
    <section className="review-box no-print" aria-labelledby="review-h">
      <h2 id="review-h">Review</h2>
      <p>
        Reviewers: {reviewers.join(', ') || 'none named'}. {status.status.approvals} of{' '}
        {status.status.required} approval
        {status.status.required === 1 ? '' : 's'} needed
        {status.status.changesRequested.length > 0 &&
          `; changes requested by ${status.status.changesRequested.length}`}
        .
      </p>
      {round.length > 0 && (
        <ul className="plain">
          {round.map((v) => (
            <li key={v.id}>
              {who(v.userId)} {v.decision === 'approve' ? 'approved' : 'asked for changes'}{' '}
              <When at={v.createdAt} />
              {v.note && <> — “{v.note}”</>}
            </li>
          ))}
        </ul>
      )}
      {reviewer && mine && (
        <p className="status status-ok" role="status">
          {mine === 'approve' ? 'You approved this round.' : 'You asked for changes in this round.'}
        </p>
      )}
      {reviewer && (
        <div className="decide">
          <div className="field">
            <label htmlFor="review-note">
              {mine ? 'Note if you change your decision (optional)' : 'Note with your decision (optional)'}
            </label>
            <input id="review-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="buttons">
            {mine !== 'approve' && (
              <button type="button" className="primary" onClick={() => decide('approve')}>
                Approve
              </button>
            )}
            {mine !== 'request_changes' && (
              <button type="button" onClick={() => decide('request_changes')}>
                Request changes
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Executive summary',
  details: 'Event details',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons',
  actions: 'Action items',
  materials: 'Supporting materials',
};

function Prose({ label, text }: { label: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      <h3>{label}</h3>
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i}>{p}</p>
      ))}
    </>
  );
}

function ReadView({
  report: r,
  comments,
  participant,
  who,
  onComment,
  onResolve,
}: {
  report: Report;
  comments: Comment[];
  participant: boolean;
  who: (id: string | null) => string;
  onComment: (anchor: string, body: string) => Promise<void>;
  onResolve: (c: Comment) => Promise<void>;
}) {
  const times = responseTimes(r);
  const totals = impactTotals(r);
  const body: Record<SectionKey, ReactNode> = {
    summary: (
      <>
        <Prose label="What happened" text={r.summary.whatHappened} />
        <Prose label="Impact" text={r.summary.impact} />
        <Prose label="Core issue" text={r.summary.coreIssue} />
        <Prose label="Key lessons" text={r.summary.keyLessons} />
        <Prose label="Next steps" text={r.summary.nextSteps} />
      </>
    ),
    details: (
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
                    {e.text}
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
    ),
    impact: (
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
    ),
    analysis: (
      <>
        <Prose label="Primary root cause" text={r.analysis.primaryCause} />
        {r.analysis.factors.length > 0 && (
          <>
            <h3>Contributing factors</h3>
            <ul>
              {r.analysis.factors.map((f) => (
                <li key={f.id}>
                  {f.id}: {f.text}
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
                <li key={j}>{s.answer}</li>
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
                  <td>{b.barrier}</td>
                  <td>{labelOf(b.status)}</td>
                  <td>{b.why}</td>
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
    ),
    lessons: (
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
                <li key={l.id}>{l.text}</li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    ),
    actions: r.actions.items.length > 0 && (
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
    ),
    materials: r.materials.items.length > 0 && (
      <ul>
        {r.materials.items.map((m) => (
          <li key={m.id}>
            {m.id} ({labelOf(m.kind)}):{' '}
            {m.link?.startsWith('attachment:') ? (
              <a href={`/api/attachments/${encodeURIComponent(m.link.slice(11))}`}>{m.title}</a>
            ) : m.link && /^https?:\/\//.test(m.link) ? (
              <a href={m.link} rel="noreferrer noopener">
                {m.title}
              </a>
            ) : (
              m.title
            )}
            {m.description && ` — ${m.description}`}
          </li>
        ))}
      </ul>
    ),
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

/** A comment's text; a leading quote (a reply) is set apart from the answer. */
function CommentBody({ body }: { body: string }) {
  const [first, ...rest] = body.split('\n');
  if (first?.startsWith('> ')) {
    return (
      <>
        <p className="quote">{first.slice(2)}</p>
        <p>{rest.join('\n').trim()}</p>
      </>
    );
  }
  return <p>{body}</p>;
}

function SectionComments({
  section,
  comments,
  participant,
  who,
  onComment,
  onResolve,
}: {
  section: SectionKey;
  comments: Comment[];
  participant: boolean;
  who: (id: string | null) => string;
  onComment: (anchor: string, body: string) => Promise<void>;
  onResolve: (c: Comment) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  // A reply is a comment on the same part that quotes the one it answers, so it reads as a thread.
  const [replyTo, setReplyTo] = useState<Comment>();
  if (!participant && comments.length === 0) return null;
  const title = SECTION_TITLES[section];
  const quote = (c: Comment) => {
    const first = c.body.split('\n')[0] ?? '';
    return `> ${who(c.authorId)}: ${first.length > 120 ? `${first.slice(0, 119)}…` : first}`;
  };
  return (
    <div className="comments no-print" aria-label={`Comments on ${title}`} role="region">
      {comments.length > 0 && (
        <ul className="plain">
          {comments.map((c) => (
            <li key={c.id} className={`comment ${c.resolvedAt ? 'resolved' : ''}`}>
              <p className="muted">
                {who(c.authorId)}, <When at={c.createdAt} />
                {c.anchor !== section && ` on ${pathWords(c.anchor.split('.'))}`}
                {c.resolvedAt && ' · resolved'}
              </p>
              <CommentBody body={c.body} />
              {participant && (
                <span className="buttons">
                  <button
                    type="button"
                    className="link"
                    aria-label={`Reply to ${who(c.authorId)}: ${c.body.slice(0, 60)}`}
                    onClick={() => {
                      setReplyTo(c);
                      setOpen(true);
                    }}
                  >
                    Reply
                  </button>
                  <button type="button" className="link" onClick={() => void onResolve(c)}>
                    {c.resolvedAt ? 'Reopen' : 'Resolve'}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {participant &&
        (open ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return;
              const body = replyTo ? `${quote(replyTo)}\n\n${text.trim()}` : text.trim();
              void onComment(replyTo?.anchor ?? section, body).then(() => {
                setText('');
                setOpen(false);
                setReplyTo(undefined);
              });
            }}
          >
            <div className="field">
              <label htmlFor={`comment-${section}`}>
                {replyTo ? `Reply to ${who(replyTo.authorId)} on ${title}` : `Comment on ${title}`}
              </label>
              {replyTo && <p className="quote">{quote(replyTo).slice(2)}</p>}
              <textarea
                id={`comment-${section}`}
                rows={3}
                value={text}
                onChange={(e) => setText(e.target.value)}
                autoFocus
              />
            </div>
            <div className="buttons">
              <button type="submit" className="primary">
                Add comment
              </button>
              <button
                type="button"
                onClick={() => {
                  setOpen(false);
                  setReplyTo(undefined);
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <button
            type="button"
            className="small"
            onClick={() => setOpen(true)}
            aria-label={`Comment on ${title}`}
          >
            Comment
          </button>
        ))}
    </div>
  );
}

function History({
  base,
  stored,
  canRestore,
  who,
  onRestored,
}: {
  base: string;
  stored: StoredReport;
  canRestore: boolean;
  who: (id: string | null) => string;
  onRestored: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Revision[]>([]);
  const [pick, setPick] = useState<number[]>([]);
  const [diff, setDiff] = useState<DiffResult>();
  const [error, setError] = useState('');
  useEffect(() => {
    if (!open) return;
    api<{ items: Revision[] }>(`${base}/revisions`)
      .then((r) => setItems(r.items))
      .catch((e) => setError(errorText(e)));
  }, [open, base, stored.version]);
  const toggle = (v: number) =>
    setPick((p) => (p.includes(v) ? p.filter((x) => x !== v) : [...p, v].slice(-2)));
  const compare = async () => {
    const [a, b] = [...pick].sort((x, y) => x - y);
    try {
      setDiff(await api<DiffResult>(`${base}/diff?from=${a}&to=${b}`));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const restore = async (v: number) => {
    try {
      await api(`${base}/revisions/${v}/restore`, { body: { version: stored.version } });
      setDiff(undefined);
      onRestored();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="history no-print" aria-labelledby="history-h">
      <h2 id="history-h">
        <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
          History
        </button>
      </h2>
      {open && (
        <>
          <Status tone="error">{error}</Status>
          <p className="muted">Pick two versions to compare.</p>
          <ul className="plain">
            {items.map((r) => (
              <li key={r.version} className="row">
                <label>
                  <input
                    type="checkbox"
                    checked={pick.includes(r.version)}
                    onChange={() => toggle(r.version)}
                  />{' '}
                  Version {r.version}
                </label>
                <span className="muted">
                  {revisionWords(r.summary)} by {who(r.authorId)}, <When at={r.createdAt} />
                </span>
                {canRestore && r.version !== stored.version && (
                  <button type="button" className="small" onClick={() => void restore(r.version)}>
                    Restore version {r.version}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button type="button" disabled={pick.length !== 2} onClick={() => void compare()}>
            Compare versions
          </button>
          {diff && (
            <table className="diff read-table">
              <caption>
                Changes from version {diff.from} to version {diff.to}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col">Version {diff.from}</th>
                  <th scope="col">Version {diff.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.length === 0 && (
                  <tr>
                    <td colSpan={3}>No differences.</td>
                  </tr>
                )}
                {diff.changes.slice(0, 300).map((c) => (
                  <tr key={c.path.join('.')}>
                    <th scope="row">{pathWords(c.path)}</th>
                    <WordDiff from={c.from} to={c.to} op={c.op} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** Publishing is for everyone to read: say what is still open before it happens. */
function PublishDialog({
  open,
  approvals,
  who,
  onCancel,
  onPublish,
}: {
  open: Comment[];
  approvals: ReviewStatus['status'] | undefined;
  who: (id: string | null) => string;
  onCancel: () => void;
  onPublish: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="publish-title" onCancel={onCancel}>
      <h2 id="publish-title">Publish this report?</h2>
      <p>
        Once published, everyone who may see the report reads it as final; later edits stay in its history.
      </p>
      {approvals && (
        <p>
          {approvals.approvals} of {approvals.required} approval{approvals.required === 1 ? '' : 's'} given
          {approvals.changesRequested.length > 0 &&
            `; ${approvals.changesRequested.length} reviewer${approvals.changesRequested.length === 1 ? '' : 's'} asked for changes`}
          .
        </p>
      )}
      {open.length === 0 ? (
        <p>Every comment is resolved.</p>
      ) : (
        <>
          <p>
            <strong>
              {open.length} comment{open.length === 1 ? ' is' : 's are'} not resolved:
            </strong>
          </p>
          <ul className="open-list" aria-label="Unresolved comments">
            {open.map((c) => (
              <li key={c.id}>
                <span className="muted">
                  {pathWords(c.anchor.split('.'))} · {who(c.authorId)}:
                </span>{' '}
                {c.body.length > 200 ? `${c.body.slice(0, 199)}…` : c.body}
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="buttons">
        <button type="button" className="primary" onClick={onPublish}>
          {open.length === 0 ? 'Publish' : 'Publish anyway'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** “12,400 customers unable to pay”, not “12,400 customers customers unable to pay”. */
export function figureText(value: number, unit: string | undefined, measure: string): string {
  const n = value.toLocaleString();
  const u = unit?.trim();
  if (!u || measure.toLowerCase().startsWith(u.toLowerCase())) return `${n} ${measure}`;
  return `${n} ${u} ${measure}`;
}

/** A web link when the text is one, else the text itself (ids such as M1, free text). */
function LinkOrText({ link, text }: { link: string; text?: string }) {
  if (/^https?:\/\//.test(link))
    return (
      <a href={link} rel="noreferrer noopener">
        {text ?? link}
      </a>
    );
  return <>{text ? `${text} (${link})` : link}</>;
}

/** The people, labels and systems of a report, as the editor's Basics section sets them. */
function ReportFacts({ report: r }: { report: Report }) {
  const facts: [string, string][] = (
    [
      ['Authors', r.authors.join(', ')],
      ['Facilitator', r.facilitator ?? ''],
      ['Reviewers', r.reviewers.join(', ')],
      ['People involved', r.involved.join(', ')],
      ['Affected systems', r.systems.join(', ')],
      ['Tags', r.tags.join(', ')],
      ['How it was detected', r.detection ? labelOf(r.detection) : ''],
      ['Time zone of the team', r.period.timezone],
      ['Visibility', r.visibility === 'restricted' ? `restricted to ${r.members.join(', ')}` : ''],
    ] as [string, string][]
  ).filter(([, v]) => v);
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
