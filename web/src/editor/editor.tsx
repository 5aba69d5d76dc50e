import { useCallback, useEffect, useRef, useState } from 'react';
import type { Report } from '../../../src/domain/report.schema.js';
import { api, ApiError, errorText } from '../api.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { canEdit, useSession } from '../session.js';
import type { Comment, Finding, QualityScore, StoredReport } from '../types.js';
import { StateBadge, Status } from '../ui.js';
import { ConflictDialog } from './conflict.js';
import { SavedReportContext } from './evidence.js';
import { FindingsContext, fieldId, InternalContext, pathKey, SetContext } from './fields.js';
import { partOfPath, PART_LABELS, type Part, type Path } from './model.js';
import { RelatedPanel } from '../pages/memory.js';
import { useAutosave, type SaveState } from './use-autosave.js';
import { useLint } from './use-lint.js';
import { ActionsSection } from './sections/actions.js';
import { AnalysisSection } from './sections/analysis.js';
import { BasicsSection } from './sections/basics.js';
import { DetailsSection } from './sections/details.js';
import { ImpactSection } from './sections/impact.js';
import { LessonsSection } from './sections/lessons.js';
import { MaterialsSection } from './sections/materials.js';
import { SummarySection } from './sections/summary.js';

const STEPS: { part: Part; title: string }[] = [
  { part: 'meta', title: 'Basics' },
  { part: 'summary', title: '1. Executive summary' },
  { part: 'details', title: '2. Event details' },
  { part: 'impact', title: '3. Impact' },
  { part: 'analysis', title: '4. Root cause analysis' },
  { part: 'lessons', title: '5. Lessons' },
  { part: 'actions', title: '6. Action items' },
  { part: 'materials', title: '7. Supporting materials' },
];

/** The editor: one report as a guided flow of its sections, saved as you type, linted as you write. */
export function EditorPage({ id }: { id: string }) {
  const { user, settings } = useSession();
  const { search } = useLocation();
  const {
    stored,
    draft,
    loadError,
    save,
    cleaned,
    cleanedJson,
    dirty,
    conflict,
    restored,
    set,
    saveNow,
    storedRef,
    savedReport,
    resolveConflict,
  } = useAutosave(id);
  const { findings, score, byPath } = useLint(cleaned, cleanedJson);
  const [reviewOpen, setReviewOpen] = useState(search.get('review') === '1');
  const [comments, setComments] = useState<Comment[]>([]);
  const part = (STEPS.find((s) => s.part === search.get('section'))?.part ?? 'meta') as Part;
  useTitle(draft ? `Editing: ${draft.title}` : 'Editor');

  // What an import just recognized, said once when the new report opens.
  const [imported] = useState(() => {
    try {
      const key = `hindsight.imported.${id}`;
      const text = sessionStorage.getItem(key) ?? '';
      sessionStorage.removeItem(key);
      return text;
    } catch {
      return '';
    }
  });
  // Open review comments are shown beside the section they are about, so the author can answer them.
  const loadComments = useCallback(() => {
    api<{ items: Comment[] }>(`/api/postmortems/${encodeURIComponent(id)}/comments`)
      .then((r) => setComments(r.items.filter((c) => !c.resolvedAt)))
      .catch(() => undefined);
  }, [id]);
  useEffect(() => loadComments(), [loadComments]);

  const goTo = useCallback((p: Part, focus?: Path) => {
    const q = new URLSearchParams(location.search);
    q.set('section', p);
    navigate(`${location.pathname}?${q}`, { replace: true });
    if (focus) {
      // Wait for the section to render, then focus the nearest element the path names.
      setTimeout(() => {
        for (let n = focus.length; n > 0; n--) {
          const el = document.getElementById(fieldId(focus.slice(0, n)));
          if (el) {
            el.focus();
            el.scrollIntoView({ block: 'center' });
            return;
          }
        }
        document.getElementById('editor-section')?.focus();
      }, 30);
    } else {
      document.getElementById('editor-section')?.focus();
    }
  }, []);

  if (loadError) return <Status tone="error">{loadError}</Status>;
  if (!draft || !stored) return <p className="loading">Loading the report…</p>;
  if (!canEdit(user)) return <p>Your account may read this report but not change it.</p>;

  const stepIndex = STEPS.findIndex((s) => s.part === part);
  const sectionProps = { report: draft, settings, reportId: stored.id };
  const countFor = (p: Part) =>
    findings.filter((f) => partOfPath(f.path) === p && f.severity !== 'info').length;

  return (
    <SetContext.Provider value={set}>
      <InternalContext.Provider value={draft.internal}>
        <FindingsContext.Provider value={byPath}>
          <div className="editor">
            <div className="editor-head">
              <div>
                <p className="crumbs">
                  <Link href={`/reports/${encodeURIComponent(stored.id)}`}>{stored.id}</Link>{' '}
                  <StateBadge state={stored.state} />
                </p>
                <h1>{draft.title || 'Untitled report'}</h1>
              </div>
              <div className="toolbar">
                <SaveIndicator
                  state={save}
                  dirty={dirty}
                  onRetry={() => void saveNow()}
                  onShow={(p) => goTo(partOfPath(p), p)}
                />
                {stored.state === 'draft' && (
                  <button type="button" className="primary" onClick={() => setReviewOpen(true)}>
                    Request review…
                  </button>
                )}
                <Link className="button" href={`/reports/${encodeURIComponent(stored.id)}`}>
                  Done
                </Link>
              </div>
            </div>
            {restored && <Status>{restored}</Status>}
            {imported && <Status>{imported}</Status>}
            {stored.state !== 'draft' && (
              <Status>
                This report is {stored.state === 'in_review' ? 'in review' : stored.state}: every change you
                save is visible to its readers at once, and recorded in its history.
              </Status>
            )}
            <div className="editor-body">
              <nav aria-label="Sections" className="steps">
                <ol>
                  {STEPS.map((s) => {
                    const n = countFor(s.part);
                    return (
                      <li key={s.part}>
                        <button
                          type="button"
                          className={s.part === part ? 'current' : undefined}
                          aria-current={s.part === part ? 'step' : undefined}
                          onClick={() => goTo(s.part)}
                        >
                          {s.title}
                          {n > 0 && (
                            <span className="count" aria-label={`${n} finding${n === 1 ? '' : 's'}`}>
                              {n}
                            </span>
                          )}
                        </button>
                      </li>
                    );
                  })}
                </ol>
              </nav>
              <section
                className="section-body"
                aria-labelledby="editor-section"
                id={fieldId([part])}
                tabIndex={-1}
              >
                <h2 id="editor-section" tabIndex={-1}>
                  {STEPS[stepIndex]!.title}
                </h2>
                <OpenComments
                  comments={comments.filter((c) => partOfPath(c.anchor.split('.')) === part)}
                  onResolve={(c) =>
                    void api(`/api/postmortems/${encodeURIComponent(id)}/comments/${c.id}/resolve`, {
                      body: { resolved: true },
                    }).then(loadComments, () => undefined)
                  }
                />
                {part === 'meta' && <BasicsSection {...sectionProps} />}
                {part === 'summary' && <SummarySection {...sectionProps} />}
                {part === 'details' && (
                  <SavedReportContext.Provider value={savedReport}>
                    <DetailsSection {...sectionProps} />
                  </SavedReportContext.Provider>
                )}
                {part === 'impact' && <ImpactSection {...sectionProps} />}
                {part === 'analysis' && <AnalysisSection {...sectionProps} />}
                {part === 'lessons' && <LessonsSection {...sectionProps} />}
                {part === 'actions' && <ActionsSection {...sectionProps} />}
                {part === 'materials' && <MaterialsSection {...sectionProps} />}
                <div className="step-buttons">
                  {stepIndex > 0 && (
                    <button type="button" onClick={() => goTo(STEPS[stepIndex - 1]!.part)}>
                      Previous: {STEPS[stepIndex - 1]!.title}
                    </button>
                  )}
                  {stepIndex < STEPS.length - 1 && (
                    <button
                      type="button"
                      className="primary"
                      onClick={() => goTo(STEPS[stepIndex + 1]!.part)}
                    >
                      Next: {STEPS[stepIndex + 1]!.title}
                    </button>
                  )}
                </div>
              </section>
              <LintPanel
                findings={findings}
                score={score}
                onGo={(f) => goTo(partOfPath(f.path), f.path)}
                onFix={(f) => f.fix && set(f.fix.path, f.fix.replacement)}
              />
            </div>
            {/* What the archive holds that looks like this report, asked again after every save. */}
            <RelatedPanel id={id} refresh={save.kind === 'saved' ? save.at : undefined} />
          </div>
          {conflict && (
            <ConflictDialog
              base={conflict.base}
              mine={conflict.mine}
              theirs={conflict.theirs.report}
              onResolve={resolveConflict}
            />
          )}
          {reviewOpen && (
            <RequestReview
              report={draft}
              onCancel={() => setReviewOpen(false)}
              onReviewers={(names) => set(['reviewers'], names)}
              saveNow={saveNow}
              storedRef={storedRef}
              onGo={(p) => {
                setReviewOpen(false);
                goTo(partOfPath(p), p);
              }}
            />
          )}
        </FindingsContext.Provider>
      </InternalContext.Provider>
    </SetContext.Provider>
  );
}

function OpenComments({ comments, onResolve }: { comments: Comment[]; onResolve: (c: Comment) => void }) {
  if (comments.length === 0) return null;
  return (
    <aside className="open-comments" aria-label="Review comments on this section">
      <h3>Review comments</h3>
      <ul className="plain">
        {comments.map((c) => (
          <li key={c.id} className="comment">
            <p>{c.body}</p>
            <p className="muted">
              {c.anchor} · {new Date(c.createdAt).toLocaleString()}{' '}
              <button type="button" className="link" onClick={() => onResolve(c)}>
                Mark resolved
              </button>
            </p>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function SaveIndicator({
  state,
  dirty,
  onRetry,
  onShow,
}: {
  state: SaveState;
  dirty: boolean;
  onRetry: () => void;
  onShow: (p: Path) => void;
}) {
  let text: string;
  let tone: 'info' | 'error' | 'ok' = 'info';
  switch (state.kind) {
    case 'saving':
      text = 'Saving…';
      break;
    case 'dirty':
      text = 'Unsaved changes';
      break;
    case 'invalid':
      text = `Not saved yet: ${state.message}`;
      tone = 'error';
      break;
    case 'error':
      text = `Not saved: ${state.message}`;
      tone = 'error';
      break;
    case 'conflict':
      text = 'Someone else saved this report; choose what to keep.';
      tone = 'error';
      break;
    default:
      text = dirty ? 'Unsaved changes' : 'All changes saved';
      tone = dirty ? 'info' : 'ok';
  }
  return (
    <div className={`save status-${tone}`} role="status" aria-live="polite">
      {text}
      {state.kind === 'invalid' && (
        <button type="button" className="link" onClick={() => onShow(state.path)}>
          Show
        </button>
      )}
      {state.kind === 'error' && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

function LintPanel({
  findings,
  score,
  onGo,
  onFix,
}: {
  findings: Finding[];
  score?: QualityScore;
  onGo: (f: Finding) => void;
  onFix: (f: Finding) => void;
}) {
  const shown = findings
    .filter((f) => f.severity !== 'info')
    .concat(findings.filter((f) => f.severity === 'info'));
  return (
    <aside className="lint-panel" aria-labelledby="lint-title">
      <h2 id="lint-title">Quality</h2>
      {score ? (
        <p className="score">
          <span
            className={`score-value ${score.overall >= 80 ? 'good' : score.overall >= 50 ? 'fair' : 'poor'}`}
            aria-label={`Quality score ${score.overall} of 100`}
          >
            {score.overall}
          </span>
          <span className="muted"> / 100</span>
        </p>
      ) : (
        <p className="muted">Checking…</p>
      )}
      <p className="muted">
        {findings.length === 0
          ? 'No findings.'
          : `${findings.length} finding${findings.length === 1 ? '' : 's'}`}
      </p>
      <ul className="findings" aria-label="Findings">
        {shown.slice(0, 100).map((f, i) => (
          <li key={`${pathKey(f.path)}-${f.ruleId}-${i}`} className={`finding sev-${f.severity}`}>
            <button type="button" className="finding-go" onClick={() => onGo(f)}>
              <span className="sev">{f.severity}</span>{' '}
              <span className="where">{PART_LABELS[partOfPath(f.path)]}</span>
              <span className="msg">{f.message}</span>
            </button>
            {f.suggestion && <p className="suggestion">{f.suggestion}</p>}
            {f.fix && (
              <button type="button" className="small" onClick={() => onFix(f)}>
                Apply fix
              </button>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}

function RequestReview({
  report,
  onCancel,
  onReviewers,
  saveNow,
  storedRef,
  onGo,
}: {
  report: Report;
  onCancel: () => void;
  onReviewers: (names: string[]) => void;
  saveNow: () => Promise<boolean>;
  storedRef: { current: StoredReport | undefined };
  onGo: (p: Path) => void;
}) {
  const { settings } = useSession();
  const roster = settings.roster;
  const [names, setNames] = useState(report.reviewers.join(', '));
  const [error, setError] = useState<{ message: string; details: { path?: Path; message: string }[] }>();
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const submit = async () => {
    const list = [
      ...new Set(
        names
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    if (list.length === 0) return setError({ message: 'Name at least one reviewer.', details: [] });
    setBusy(true);
    setError(undefined);
    onReviewers(list);
    // Let the new reviewers reach the draft, then save and move the report to review.
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 20 && !(await saveNow()); i++) await new Promise((r) => setTimeout(r, 150));
    const s = storedRef.current;
    try {
      if (!s) throw new Error('the report is not loaded');
      await api(`/api/postmortems/${encodeURIComponent(s.id)}/transitions`, {
        body: { to: 'in_review', version: s.version },
      });
      navigate(`/reports/${encodeURIComponent(s.id)}`);
    } catch (e) {
      setError({
        message: errorText(e),
        details: e instanceof ApiError ? e.details.filter((d) => d.path).slice(0, 20) : [],
      });
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="review-title" onCancel={onCancel}>
      <h2 id="review-title">Request review</h2>
      <p>
        The named reviewers can comment, approve or ask for changes. The report must be free of errors first.
      </p>
      <div className="field">
        <label htmlFor="review-names">Reviewers</label>
        <input
          id="review-names"
          list="review-roster"
          value={names}
          onChange={(e) => setNames(e.target.value)}
          aria-describedby="review-names-hint"
        />
        <datalist id="review-roster">
          {roster.map((r) => (
            <option key={r.name} value={r.name}>
              {r.team ?? r.email ?? ''}
            </option>
          ))}
        </datalist>
        <small id="review-names-hint" className="muted">
          Names or emails, separated by commas.
        </small>
      </div>
      {error && (
        <div role="alert" className="status status-error">
          <p>{error.message}</p>
          {error.details.length > 0 && (
            <ul>
              {error.details.map((d, i) => (
                <li key={i}>
                  <button type="button" className="link" onClick={() => onGo(d.path!)}>
                    {PART_LABELS[partOfPath(d.path!)]}: {d.message}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => void submit()}>
          Send for review
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
