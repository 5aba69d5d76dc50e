import { useEffect, useState } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { api, errorText, query } from '../api.js';
import { Link, useTitle } from '../router.js';
import { canEdit, useSession } from '../session.js';
import type { ActionItemPage, ActionItemRow, ReportPage, ReportSummary, StoredReport } from '../types.js';
import { StateBadge, Status, When } from '../ui.js';

interface HomeData {
  drafts: ReportSummary[];
  reviews: ReportSummary[];
  actions: ActionItemRow[];
  recent: ReportSummary[];
}

const today = () => new Date().toISOString().slice(0, 10);

/** Home: what needs me now — my drafts, reviews naming me, my open action items — and what is new. */
export function HomePage() {
  useTitle('Home');
  const { user } = useSession();
  const [data, setData] = useState<HomeData>();
  const [error, setError] = useState('');
  useEffect(() => {
    const ac = new AbortController();
    const get = <T,>(path: string) => api<T>(path, { signal: ac.signal });
    Promise.all([
      get<ReportPage>(`/api/postmortems${query({ state: 'draft', person: user.name, limit: 20 })}`),
      get<ReportPage>(`/api/postmortems${query({ state: 'in_review', person: user.name, limit: 20 })}`),
      get<ActionItemPage>(`/api/action-items${query({ owner: user.name, limit: 200 })}`),
      get<ReportPage>(`/api/postmortems${query({ limit: 10 })}`),
    ])
      .then(async ([drafts, reviews, actions, recent]) => {
        // The list filter matches anyone a report names; keep those that name me as a reviewer.
        const mine = await Promise.all(
          reviews.items.map(async (r) => {
            const s = await get<StoredReport>(`/api/postmortems/${encodeURIComponent(r.id)}`);
            const me = [user.name, user.email].map((n) => n.trim().toLowerCase());
            return s.report.reviewers.some((n) => me.includes(n.trim().toLowerCase())) ? r : undefined;
          }),
        );
        setData({
          drafts: drafts.items,
          reviews: mine.filter((r): r is ReportSummary => r !== undefined),
          actions: actions.items.filter((a) => a.status !== 'completed' && a.status !== 'wont_do'),
          recent: recent.items,
        });
      })
      .catch((e: Error) => e.name !== 'AbortError' && setError(errorText(e)));
    return () => ac.abort();
  }, [user.name, user.email]);

  return (
    <div className="home">
      <div className="page-head">
        <h1>Hello, {user.name}</h1>
        {canEdit(user) && (
          <Link href="/new" className="button primary">
            Write a post-mortem
          </Link>
        )}
      </div>
      <Status tone="error">{error}</Status>
      {!data && !error && <p className="loading">Loading…</p>}
      {data && (
        <div className="cards">
          <section aria-labelledby="h-drafts" className="card">
            <h2 id="h-drafts">My drafts</h2>
            <ReportList items={data.drafts} empty="You are not named as an author of any draft." edit />
          </section>
          <section aria-labelledby="h-reviews" className="card">
            <h2 id="h-reviews">Waiting for my review</h2>
            <ReportList items={data.reviews} empty="Nothing is waiting for your review." />
          </section>
          <section aria-labelledby="h-actions" className="card">
            <h2 id="h-actions">My open action items</h2>
            {data.actions.length === 0 ? (
              <p className="muted">You own no open action items.</p>
            ) : (
              <ul className="plain">
                {data.actions.map((a) => {
                  const overdue = a.deadline !== null && a.deadline < today();
                  return (
                    <li key={`${a.reportId}/${a.id}`} className={overdue ? 'overdue' : undefined}>
                      <Link href={`/reports/${encodeURIComponent(a.reportId)}`}>{a.title}</Link>{' '}
                      <span className="muted">
                        {labelOf(a.status)}
                        {a.deadline && `, due ${a.deadline}`}
                        {overdue && ' — overdue'}
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <section aria-labelledby="h-recent" className="card">
            <h2 id="h-recent">Recently changed</h2>
            <ReportList items={data.recent} empty="No reports yet." />
          </section>
        </div>
      )}
    </div>
  );
}

function ReportList({ items, empty, edit }: { items: ReportSummary[]; empty: string; edit?: boolean }) {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="plain">
      {items.map((r) => (
        <li key={r.id}>
          <Link href={`/reports/${encodeURIComponent(r.id)}${edit ? '/edit' : ''}`}>{r.title}</Link>{' '}
          <StateBadge state={r.state} />{' '}
          <span className="muted">
            updated <When at={r.updatedAt} />
          </span>
        </li>
      ))}
    </ul>
  );
}
