import { useEffect, useState } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { ACTION_CATEGORIES, ACTION_STATUSES } from '../../../src/domain/report.schema.js';
import { api, errorText, query } from '../api.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { canEdit, useSession } from '../session.js';
import type { ActionItemPage, ActionItemRow, RecurredActions, StoredReport } from '../types.js';
import { CodeOptions, EnumSelect, Status } from '../ui.js';

/** The board's columns: the statuses, with completed work that still awaits its check in a column of its own. */
const COLUMNS: { key: string; label: string; holds: (a: ActionItemRow) => boolean }[] =
  ACTION_STATUSES.flatMap((s) => {
    const plain = { key: s, label: labelOf(s), holds: (a: ActionItemRow) => a.status === s };
    if (s !== 'completed') return [plain];
    return [
      {
        key: 'awaiting_verification',
        label: 'awaiting verification',
        holds: (a: ActionItemRow) => a.awaitingVerification,
      },
      { ...plain, holds: (a: ActionItemRow) => a.status === s && !a.awaitingVerification },
    ];
  });

const today = () => new Date().toISOString().slice(0, 10);
const isOverdue = (a: ActionItemRow) =>
  a.deadline !== null && a.deadline < today() && a.status !== 'completed' && a.status !== 'wont_do';

/** Every action item across the reports I may see: a board by status and a filterable table. */
export function TrackerPage() {
  useTitle('Action tracker');
  const { user } = useSession();
  const { search } = useLocation();
  const view = search.get('view') === 'table' ? 'table' : 'board';
  const filters = {
    owner: search.get('owner') ?? '',
    category: search.get('category') ?? '',
    report: search.get('report') ?? '',
    overdue: search.get('overdue') === 'true' ? 'true' : '',
    status: search.get('status') ?? '',
    awaitingVerification: search.get('awaitingVerification') === 'true' ? 'true' : '',
  };
  const [items, setItems] = useState<ActionItemRow[]>();
  const [total, setTotal] = useState(0);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [tick, setTick] = useState(0);
  const [recurred, setRecurred] = useState<RecurredActions>();
  useEffect(() => {
    api<RecurredActions>('/api/action-items/recurred')
      .then(setRecurred)
      .catch(() => undefined);
  }, [tick]);
  const recurredKeys = new Set(recurred?.items.map((r) => `${r.reportId}/${r.id}`));
  const key = search.toString();

  useEffect(() => {
    const ac = new AbortController();
    api<ActionItemPage>(
      // The owner box finds part of a name in any case ("ada" finds "Ada Admin").
      `/api/action-items${query({
        ...filters,
        owner: undefined,
        ownerContains: filters.owner,
        status: view === 'table' ? filters.status : '',
        limit: 200,
      })}`,
      {
        signal: ac.signal,
      },
    )
      .then((r) => {
        setItems(r.items);
        setTotal(r.total);
      })
      .catch((e: Error) => e.name !== 'AbortError' && setError(errorText(e)));
    return () => ac.abort();
    // The query string holds every filter.
  }, [key, tick]);

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(search);
    if (v) next.set(k, v);
    else next.delete(k);
    navigate(`/actions${next.size ? `?${next}` : ''}`, { replace: true });
  };

  // The status lives in the report, so a quick change is a small edit of that report at its version.
  const changeStatus = async (a: ActionItemRow, status: string) => {
    setError('');
    try {
      const base = `/api/postmortems/${encodeURIComponent(a.reportId)}`;
      const s = await api<StoredReport>(base);
      const items2 = s.report.actions.items.map((x) => (x.id === a.id ? { ...x, status } : x));
      await api(`${base}/sections/actions`, {
        method: 'PUT',
        body: { version: s.version, content: { ...s.report.actions, items: items2 } },
      });
      setNotice(`${a.id} of ${a.reportTitle} is now ${labelOf(status)}.`);
      setTick((t) => t + 1);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const editable = canEdit(user);
  return (
    <div>
      <div className="page-head">
        <h1>Action tracker</h1>
        <div className="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'board'} onClick={() => set('view', '')}>
            Board
          </button>
          <button type="button" aria-pressed={view === 'table'} onClick={() => set('view', 'table')}>
            Table
          </button>
        </div>
      </div>
      <fieldset className="filters">
        <legend>Filters</legend>
        <div className="field">
          <label htmlFor="tracker-owner">Owner</label>
          <input
            id="tracker-owner"
            defaultValue={filters.owner}
            onBlur={(e) => set('owner', e.target.value.trim())}
            onKeyDown={(e) => e.key === 'Enter' && set('owner', e.currentTarget.value.trim())}
          />
        </div>
        <EnumSelect<string>
          label="Category"
          id="tracker-category"
          value={filters.category || undefined}
          options={ACTION_CATEGORIES}
          empty="any"
          onChange={(v) => set('category', v ?? '')}
        />
        {view === 'table' && (
          <EnumSelect<string>
            label="Status"
            id="tracker-status"
            value={filters.status || undefined}
            options={ACTION_STATUSES}
            empty="any"
            onChange={(v) => set('status', v ?? '')}
          />
        )}
        <div className="field">
          <label htmlFor="tracker-report">Report id</label>
          <input
            id="tracker-report"
            defaultValue={filters.report}
            onBlur={(e) => set('report', e.target.value.trim())}
            onKeyDown={(e) => e.key === 'Enter' && set('report', e.currentTarget.value.trim())}
          />
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.overdue === 'true'}
            onChange={(e) => set('overdue', e.target.checked ? 'true' : '')}
          />{' '}
          Overdue only
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.awaitingVerification === 'true'}
            onChange={(e) => set('awaitingVerification', e.target.checked ? 'true' : '')}
          />{' '}
          Awaiting verification only
        </label>
      </fieldset>
      <Status tone="error">{error}</Status>
      <Status tone="ok">{notice}</Status>
      {recurred && recurred.total > 0 && (
        <p className="recurred" data-testid="recurred-count">
          {recurred.total} completed action{recurred.total === 1 ? '' : 's'} recurred after fix:{' '}
          {recurred.items.map((r) => `${r.id} of ${r.reportTitle}`).join('; ')}.
        </p>
      )}
      {items && (
        <p className="muted">
          {total} action item{total === 1 ? '' : 's'}
          {total > items.length ? `, showing ${items.length}` : ''}.
        </p>
      )}
      {items && view === 'board' && (
        <div className="board">
          {COLUMNS.map(({ key: s, label, holds }) => {
            const col = items.filter(holds);
            return (
              <section key={s} className="board-col" aria-labelledby={`col-${s}`}>
                <h2 id={`col-${s}`}>
                  {label} <span className="muted">({col.length})</span>
                </h2>
                <ul className="plain">
                  {col.map((a) => (
                    <li
                      key={`${a.reportId}/${a.id}`}
                      className={`action-card ${isOverdue(a) ? 'overdue' : ''}`}
                    >
                      <p className="title">{a.title}</p>
                      <p className="muted">
                        <Link href={`/reports/${encodeURIComponent(a.reportId)}`}>{a.reportTitle}</Link> ·{' '}
                        {a.id}
                      </p>
                      <p className="muted">
                        {a.owner ?? 'no owner'} · {a.deadline ? `due ${a.deadline}` : 'no deadline'}
                        {isOverdue(a) && <strong className="overdue-tag"> overdue</strong>}
                      </p>
                      {a.verification && <p className="muted">verified {labelOf(a.verification)}</p>}
                      {a.issue && <IssueLink issue={a.issue} />}
                      {recurredKeys.has(`${a.reportId}/${a.id}`) && (
                        <p className="recurred">recurred after fix</p>
                      )}
                      {editable && <StatusSelect a={a} onChange={changeStatus} />}
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}
      {items && view === 'table' && (
        <div className="table-wrap">
          <table className="read-table">
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Report</th>
                <th scope="col">Owner</th>
                <th scope="col">Deadline</th>
                <th scope="col">Category</th>
                <th scope="col">Priority</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={`${a.reportId}/${a.id}`} className={isOverdue(a) ? 'overdue' : undefined}>
                  <td>
                    {a.id}: {a.title}
                    {a.issue && <IssueLink issue={a.issue} />}
                  </td>
                  <td>
                    <Link href={`/reports/${encodeURIComponent(a.reportId)}`}>{a.reportTitle}</Link>
                  </td>
                  <td>{a.owner ?? '—'}</td>
                  <td>
                    {a.deadline ?? '—'}
                    {isOverdue(a) && <strong className="overdue-tag"> overdue</strong>}
                  </td>
                  <td>{a.category ? labelOf(a.category) : '—'}</td>
                  <td>{a.priority ?? '—'}</td>
                  <td>
                    {editable ? <StatusSelect a={a} onChange={changeStatus} /> : labelOf(a.status)}
                    {a.awaitingVerification && <div className="muted">awaiting verification</div>}
                    {a.verification && <div className="muted">verified {labelOf(a.verification)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The action's issue in a tracker: its number or key as a link, and whether it is open or closed. */
function IssueLink({ issue }: { issue: NonNullable<ActionItemRow['issue']> }) {
  return (
    <p className="muted">
      issue{' '}
      <a href={issue.url} target="_blank" rel="noreferrer noopener">
        {/^\d+$/.test(issue.key) ? `#${issue.key}` : issue.key}
      </a>
      {issue.state && ` (${issue.state})`}
    </p>
  );
}

function StatusSelect({
  a,
  onChange,
}: {
  a: ActionItemRow;
  onChange: (a: ActionItemRow, s: string) => Promise<void>;
}) {
  return (
    <select
      aria-label={`Status of ${a.id}: ${a.title}`}
      value={a.status}
      onChange={(e) => void onChange(a, e.target.value)}
    >
      <CodeOptions codes={ACTION_STATUSES} />
    </select>
  );
}
