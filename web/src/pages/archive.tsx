import { useEffect, useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { LIFECYCLE_STATES, REPORT_KINDS } from '../../../src/domain/report.schema.js';
import { api, errorText, query } from '../api.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { useSession } from '../session.js';
import type { ReportPage, ReportSummary, SearchPage } from '../types.js';
import { EnumSelect, StateBadge, Status, When } from '../ui.js';

const FILTERS = ['state', 'kind', 'severity', 'tag', 'system', 'person', 'from', 'to', 'deleted'] as const;
const PAGE = 50;
type Row = ReportSummary & { snippetHtml?: string };

/** Every report I may see, searchable and filterable; the URL holds the whole query so it can be shared. */
export function ArchivePage() {
  useTitle('Archive');
  const { settings, user } = useSession();
  const [tick, setTick] = useState(0);
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const sort = search.get('sort') ?? (q ? 'relevance' : 'updated');
  const page = Math.max(0, Number(search.get('page') ?? 0) || 0);
  const filters = Object.fromEntries(FILTERS.map((f) => [f, search.get(f) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const key = search.toString();
  const [rows, setRows] = useState<Row[]>();
  const [total, setTotal] = useState(0);
  // The server counts up to 10,000 reports and says when there are more.
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    const ac = new AbortController();
    const f = {
      ...filters,
      from: filters.from ? `${filters.from}T00:00:00Z` : '',
      to: filters.to ? `${filters.to}T23:59:59Z` : '',
    };
    const filtered = FILTERS.some((k) => filters[k]);
    (async () => {
      setError('');
      if (!q) {
        const r = await api<ReportPage>(
          `/api/postmortems${query({ ...f, limit: PAGE, offset: page * PAGE })}`,
          { signal: ac.signal },
        );
        setRows(r.items);
        setTotal(r.total);
        setMore(r.totalExact === false);
        return;
      }
      // Search ranks by text; the filters narrow the hits to the reports the list endpoint returns.
      const hits = await api<SearchPage>(`/api/search${query({ q, limit: 200 })}`, {
        signal: ac.signal,
      });
      let items: Row[] = hits.items;
      if (filtered) {
        const allowed = await api<ReportPage>(`/api/postmortems${query({ ...f, limit: 200 })}`, {
          signal: ac.signal,
        });
        const ids = new Set(allowed.items.map((r) => r.id));
        items = items.filter((h) => ids.has(h.id));
      }
      setTotal(items.length);
      setMore(false);
      setRows(items.slice(page * PAGE, (page + 1) * PAGE));
    })().catch((e: Error) => e.name !== 'AbortError' && setError(errorText(e)));
    return () => ac.abort();
  }, [key, tick]);

  const set = (changes: Record<string, string>, replace = false) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in changes)) next.delete('page');
    const s = next.toString();
    navigate(`/archive${s ? `?${s}` : ''}`, { replace });
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    set({ q: String(new FormData(e.currentTarget).get('q') ?? '').trim() });
  };

  const sorted = rows ? sortRows(rows, sort) : undefined;
  return (
    <div>
      <h1>Archive</h1>
      <form role="search" onSubmit={submit} className="searchbar" key={q}>
        <label htmlFor="archive-q">Search reports</label>
        <input
          id="archive-q"
          name="q"
          type="search"
          defaultValue={q}
          placeholder="Words from any part of a report"
        />
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <fieldset className="filters">
        <legend>Filters</legend>
        <EnumSelect<string>
          label="State"
          id="archive-state"
          value={filters.state || undefined}
          options={LIFECYCLE_STATES}
          empty="any"
          onChange={(v) => set({ state: v ?? '' })}
        />
        <EnumSelect<string>
          label="Kind"
          id="archive-kind"
          value={filters.kind || undefined}
          options={REPORT_KINDS}
          empty="any"
          onChange={(v) => set({ kind: v ?? '' })}
        />
        <EnumSelect<string>
          label="Severity"
          id="archive-severity"
          value={filters.severity || undefined}
          options={settings.severityScale.levels.map((l) => l.id)}
          empty="any"
          onChange={(v) => set({ severity: v ?? '' })}
        />
        {(['tag', 'system', 'person'] as const).map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`archive-${k}`}>
              {k === 'tag' ? 'Tag' : k === 'system' ? 'System' : 'Person'}
            </label>
            <input
              id={`archive-${k}`}
              defaultValue={filters[k]}
              onBlur={(e) => set({ [k]: e.target.value.trim() })}
              onKeyDown={(e) => e.key === 'Enter' && set({ [k]: e.currentTarget.value.trim() })}
            />
          </div>
        ))}
        {(
          [
            ['from', 'Started on or after'],
            ['to', 'Started on or before'],
          ] as const
        ).map(([k, label]) => (
          <div className="field" key={k}>
            <label htmlFor={`archive-${k}`}>{label}</label>
            <input
              id={`archive-${k}`}
              type="date"
              value={filters[k]}
              onChange={(e) => set({ [k]: e.target.value })}
            />
          </div>
        ))}
        <div className="field">
          <label htmlFor="archive-sort">Sort by</label>
          <select id="archive-sort" value={sort} onChange={(e) => set({ sort: e.target.value })}>
            {q && <option value="relevance">best match</option>}
            <option value="updated">last changed</option>
            <option value="period">when it happened</option>
            <option value="title">title</option>
          </select>
        </div>
        {user.role === 'admin' && (
          <label className="check">
            <input
              type="checkbox"
              checked={filters.deleted === 'true'}
              onChange={(e) => set({ deleted: e.target.checked ? 'true' : '' })}
            />{' '}
            Deleted reports only
          </label>
        )}
        {(q || FILTERS.some((k) => filters[k])) && (
          <button type="button" className="link" onClick={() => navigate('/archive')}>
            Clear search and filters
          </button>
        )}
      </fieldset>
      <Status tone="error">{error}</Status>
      {sorted && (
        <>
          <p role="status" className="muted">
            {total === 0
              ? 'No reports match.'
              : `${total.toLocaleString('en')}${more ? '+' : ''} report${total === 1 ? '' : 's'}${q ? ` match${total === 1 ? 'es' : ''} “${q}”` : ''}.`}
          </p>
          <ol className="results" aria-label="Reports">
            {sorted.map((r) => (
              <li key={r.id}>
                <h2>
                  <Link href={`/reports/${encodeURIComponent(r.id)}`}>{r.title}</Link>
                </h2>
                <p className="meta">
                  <StateBadge state={r.state} /> {labelOf(r.kind)}
                  {r.severity && ` · ${r.severity}`} ·{' '}
                  {r.periodStart ? <When at={r.periodStart} /> : 'no date'} · {r.id}
                </p>
                {filters.deleted === 'true' && (
                  <button
                    type="button"
                    className="small"
                    onClick={() =>
                      void api(`/api/postmortems/${encodeURIComponent(r.id)}/restore`, {
                        method: 'POST',
                      }).then(
                        () => setTick((t) => t + 1),
                        (e) => setError(errorText(e)),
                      )
                    }
                  >
                    Restore {r.title}
                  </button>
                )}
                {/* The server escapes the text and adds only <mark> around matched words. */}
                {r.snippetHtml && (
                  <p className="snippet" dangerouslySetInnerHTML={{ __html: r.snippetHtml }} />
                )}
              </li>
            ))}
          </ol>
          {total > PAGE && (
            <nav aria-label="Pages" className="pager">
              <button disabled={page === 0} onClick={() => set({ page: String(page - 1) })}>
                Previous page
              </button>
              <span>
                Page {page + 1} of {Math.ceil(total / PAGE)}
              </span>
              <button disabled={(page + 1) * PAGE >= total} onClick={() => set({ page: String(page + 1) })}>
                Next page
              </button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}

function sortRows(rows: Row[], sort: string): Row[] {
  if (sort === 'relevance') return rows;
  const copy = [...rows];
  if (sort === 'title') copy.sort((a, b) => a.title.localeCompare(b.title));
  else if (sort === 'period') copy.sort((a, b) => (b.periodStart ?? '').localeCompare(a.periodStart ?? ''));
  else copy.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return copy;
}
