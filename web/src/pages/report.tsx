import { useCallback, useEffect, useState } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { api, apiText, errorText } from '../api.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { canEdit, useSession } from '../session.js';
import type {
  Comment,
  Recurrence,
  ReviewStatus,
  StoredReport,
  TrackerChoice,
  TrackerLink,
  User,
} from '../types.js';
import { downloadText, StateBadge, Status, When } from '../ui.js';
import { publicVersion, type Audience } from '../../../src/domain/audience.js';
import {
  AudienceTabs,
  ChartStrip,
  ExecutiveView,
  ExportMenu,
  PublicPreview,
  SendByMail,
} from './report/audience.js';
import { ReportFacts } from './report/facts.js';
import { History } from './report/history.js';
import { PublishDialog } from './report/publish-dialog.js';
import { RelatedPanel } from './memory.js';
import { ReadView } from './report/read-view.js';
import { ReviewBox } from './report/review-box.js';

const key = (s: string) => s.trim().toLowerCase();
const named = (user: User, names: string[]) =>
  names.some((n) => key(n) === key(user.name) || key(n) === key(user.email));

/** This report's actions whose cause came back in a later report, with the later reports' titles. */
function recurredHere(rec: Recurrence | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of rec?.later ?? [])
    for (const a of l.actions) out.set(a.id, [...(out.get(a.id) ?? []), `${l.title} (${l.reportId})`]);
  return out;
}

/** A report to read: the clean view, its review (comments, decisions), publication, history and export. */
export function ReportPage({ id }: { id: string }) {
  const { user, settings } = useSession();
  const [stored, setStored] = useState<StoredReport>();
  const [comments, setComments] = useState<Comment[]>([]);
  const [reviews, setReviews] = useState<ReviewStatus>();
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [people, setPeople] = useState<Map<string, string>>(new Map());
  const [confirmPublish, setConfirmPublish] = useState(false);
  const [recurrence, setRecurrence] = useState<Recurrence>();
  const [issues, setIssues] = useState<Map<string, TrackerLink>>(new Map());
  const [trackers, setTrackers] = useState<TrackerChoice[]>([]);
  useTitle(stored?.report.title ?? 'Report');
  const { search } = useLocation();
  const asked = search.get('audience');
  const audience: Audience = asked === 'executive' || asked === 'public' ? asked : 'internal';
  const setAudience = (a: Audience) =>
    navigate(`/reports/${encodeURIComponent(id)}${a === 'internal' ? '' : `?audience=${a}`}`, {
      replace: true,
    });
  const base = `/api/postmortems/${encodeURIComponent(id)}`;

  const load = useCallback(async () => {
    try {
      const [s, c, r, rec, links, choices] = await Promise.all([
        api<StoredReport>(base),
        api<{ items: Comment[] }>(`${base}/comments`),
        api<ReviewStatus>(`${base}/reviews`),
        api<Recurrence>(`${base}/recurrence`),
        api<{ items: TrackerLink[] }>(`${base}/issues`),
        api<{ items: TrackerChoice[] }>('/api/trackers'),
      ]);
      setStored(s);
      setIssues(new Map(links.items.map((l) => [l.actionId, l])));
      setTrackers(choices.items);
      setRecurrence(rec);
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
  // The head of the public tab is the public version's too: its title and facts with names and hosts withheld.
  const network = settings.internalNetwork;
  const head = audience === 'public' ? publicVersion(r, network ? { network } : {}).report : r;
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
        <h1>{head.title}</h1>
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
        <ReportFacts report={head} />
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
          <Link className="button" href={`/reports/${encodeURIComponent(stored.id)}/present`}>
            Present
          </Link>
          <button type="button" onClick={() => void exportMarkdown()}>
            Export Markdown
          </button>
          <ExportMenu base={base} audience={audience} />
          {editor && <SendByMail base={base} audience={audience} />}
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

      {recurrence && recurrence.earlier.length > 0 && (
        <section className="recurrence" aria-labelledby="recurrence-title">
          <h2 id="recurrence-title">A recurrence</h2>
          <ul>
            {recurrence.earlier.map((e) => (
              <li key={e.reportId}>
                Of <Link href={`/reports/${encodeURIComponent(e.reportId)}`}>{e.title}</Link>
                {e.actions.length > 0
                  ? `: recurred after fix — ${e.actions.map((a) => `${a.id} ${a.title}`).join('; ')}`
                  : ': no completed action of it addressed this cause'}
              </li>
            ))}
          </ul>
        </section>
      )}
      <AudienceTabs value={audience} onChange={setAudience} />
      {audience === 'executive' && <ExecutiveView report={r} base={base} version={stored.version} />}
      {audience === 'public' && (
        <PublicPreview report={r}>
          {(pub) => (
            <>
              <ChartStrip
                base={base}
                audience="public"
                version={stored.version}
                charts={['timeline', 'impact', 'actions']}
              />
              <ReadView
                report={pub}
                comments={[]}
                participant={false}
                who={who}
                onComment={async () => undefined}
                onResolve={async () => undefined}
              />
            </>
          )}
        </PublicPreview>
      )}
      {audience === 'internal' && (
        <ChartStrip
          base={base}
          audience="internal"
          version={stored.version}
          charts={['timeline', 'impact', 'actions', 'fishbone']}
        />
      )}
      {audience === 'internal' && (
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
          actions={{
            recurred: recurredHere(recurrence),
            issues,
            trackers,
            onCreateIssue: editor
              ? (actionId, connectionId) =>
                  act(`Issue created for ${actionId}.`, () =>
                    api(`${base}/actions/${actionId}/issue`, { body: { connectionId } }),
                  ).finally(() => void load())
              : undefined,
            onVerify: editor
              ? (actionId, input) =>
                  act(`Verification of ${actionId} recorded.`, () =>
                    api(`${base}/actions/${actionId}/verification`, {
                      body: { version: stored.version, ...input },
                    }),
                  )
              : undefined,
          }}
        />
      )}

      <RelatedPanel id={stored.id} refresh={stored.version} />

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
