// The shared memory in the app: insights (figures as tables with inline bars, each row linking to its
// reports, each figure downloadable as CSV), recurring factors, system pages, the revisit list, and the panel
// of related incidents shown beside a report and in the editor. Figures keep the API's shape (rows of
// group/count or box-plot numbers), which a chart spec can read as it is.
import { useEffect, useState, type ReactNode } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { toCsv } from '../../../src/domain/memory.js';
import { REPORT_KINDS } from '../../../src/domain/report.schema.js';
import { api, errorText, query } from '../api.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import type * as Contract from '../../../src/domain/api-contract.js';
import { downloadText, EnumSelect, Status } from '../ui.js';

type Insights = Contract.InsightsReply;
type Related = Contract.RelatedReport;
type Factors = Contract.RecurringFactors;
type SystemPageData = Contract.SystemPage;
interface FigureReports {
  total: number;
  items: Contract.FigureReport[];
}
interface Revisit {
  items: {
    id: string;
    title: string;
    started: string;
    anniversary: string;
    years: number;
    reasons: string[];
  }[];
}
interface DistributionRow {
  figure: string;
  group: string;
  count: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  max: number;
}
interface CountRow {
  figure: string;
  group: string;
  count: number;
  /** Shown instead of the group. */
  label?: string;
}

const FILTER_KEYS = ['from', 'to', 'kind', 'severity', 'system', 'tag', 'team'] as const;

/** Load JSON from the API while `path` stays the same. */
function useApi<T>(path: string | undefined): { data?: T; error: string } {
  const [state, setState] = useState<{ data?: T; error: string }>({ error: '' });
  useEffect(() => {
    if (!path) return;
    const ac = new AbortController();
    setState({ error: '' });
    api<T>(path, { signal: ac.signal })
      .then((data) => setState({ data, error: '' }))
      .catch((e: Error) => e.name !== 'AbortError' && setState({ error: errorText(e) }));
    return () => ac.abort();
  }, [path]);
  return state;
}

const filtersOf = (search: URLSearchParams) =>
  Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ''])) as Record<
    (typeof FILTER_KEYS)[number],
    string
  >;

const behindHref = (filters: Record<string, string>, figure: string, group: string) =>
  `/insights/reports${query({ ...filters, figure, group })}`;

/** A bar as wide as `value` is of `max`, for reading a table at a glance (the numbers are beside it). */
function Bar({ value, max }: { value: number; max: number }) {
  const pct = max > 0 ? Math.max(1, Math.round((value / max) * 100)) : 0;
  return (
    <span className="bar" aria-hidden="true">
      <span style={{ width: `${pct}%` }} />
    </span>
  );
}

/** A box plot drawn inline: whiskers from min to p90, the box from p25 to p75, a line at the median. */
function BoxBar({ row, max }: { row: DistributionRow; max: number }) {
  const at = (v: number) => `${max > 0 ? (Math.min(v, max) / max) * 100 : 0}%`;
  return (
    <span className="boxplot" aria-hidden="true">
      <span
        className="whisker"
        style={{ left: at(row.min), width: `calc(${at(row.p90)} - ${at(row.min)})` }}
      />
      <span className="box" style={{ left: at(row.p25), width: `calc(${at(row.p75)} - ${at(row.p25)})` }} />
      <span className="median" style={{ left: at(row.median) }} />
    </span>
  );
}

function Figure({
  id,
  title,
  note,
  csv,
  children,
}: {
  id: string;
  title: string;
  note?: string;
  csv: () => string;
  children: ReactNode;
}) {
  return (
    <section className="figure" aria-labelledby={`fig-${id}`}>
      <div className="figure-head">
        <h3 id={`fig-${id}`}>{title}</h3>
        <button type="button" className="link" onClick={() => downloadText(`${id}.csv`, csv(), 'text/csv')}>
          Download CSV<span className="sr-only"> of {title}</span>
        </button>
      </div>
      {note && <p className="muted">{note}</p>}
      {children}
    </section>
  );
}

/** A column of a figure's table: its header and what each row shows in it. */
interface Column<R> {
  header: ReactNode;
  cell: (r: R) => ReactNode;
  className?: string;
}

/**
 * One figure as a table: a row per group, its header a link to what is behind the group, then the columns,
 * and a message when there is nothing. The distribution and count tables are this with their columns.
 */
function FigureTable<R extends { group: string }>({
  id,
  title,
  note,
  caption,
  rows,
  empty,
  groupLabel,
  rowHeader,
  columns,
  csv,
}: {
  id: string;
  title: string;
  note?: string;
  caption?: string;
  rows: R[];
  empty: string;
  groupLabel: string;
  rowHeader: (r: R) => ReactNode;
  columns: Column<R>[];
  csv: () => string;
}) {
  return (
    <Figure id={id} title={title} note={note} csv={csv}>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="read-table figure-table">
            {caption && <caption className="sr-only">{caption}</caption>}
            <thead>
              <tr>
                <th scope="col">{groupLabel}</th>
                {columns.map((c, i) => (
                  <th key={i} scope="col">
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.group}>
                  <th scope="row">{rowHeader(r)}</th>
                  {columns.map((c, i) => (
                    <td key={i} className={c.className}>
                      {c.cell(r)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Figure>
  );
}

function DistributionTable({
  id,
  title,
  rows,
  unit,
  groupLabel,
  filters,
  scaleMax,
}: {
  id: string;
  title: string;
  rows: DistributionRow[];
  unit: string;
  groupLabel: string;
  filters: Record<string, string>;
  /** The plots' full width in `unit` for a figure with a fixed range (a score out of 100); else the largest p90. */
  scaleMax?: number;
}) {
  const max = scaleMax ?? Math.max(0, ...rows.map((r) => r.p90));
  return (
    <FigureTable
      id={id}
      title={title}
      caption={`${title}, in ${unit}: count, quartiles, 90th percentile and range per ${groupLabel}`}
      rows={rows}
      empty="No report gives what this needs."
      groupLabel={groupLabel}
      rowHeader={(r) => <Link href={behindHref(filters, r.figure, r.group)}>{r.group}</Link>}
      columns={[
        { header: 'Reports', cell: (r) => r.count },
        { header: 'Median', cell: (r) => `${r.median} ${unit}` },
        { header: 'p25–p75', cell: (r) => `${r.p25}–${r.p75}` },
        { header: 'p90', cell: (r) => r.p90 },
        { header: 'Range', cell: (r) => `${r.min}–${r.max}` },
        {
          header: <span className="sr-only">Box plot</span>,
          cell: (r) => <BoxBar row={r} max={max} />,
          className: 'plot-cell',
        },
      ]}
      csv={() =>
        toCsv(
          [groupLabel, 'count', `min (${unit})`, 'p25', 'median', 'p75', 'p90', 'max'],
          rows.map((r) => [r.group, r.count, r.min, r.p25, r.median, r.p75, r.p90, r.max]),
        )
      }
    />
  );
}

function CountTable({
  id,
  title,
  rows,
  label,
  filters,
  note,
  hrefOf,
}: {
  id: string;
  title: string;
  rows: CountRow[];
  label: string;
  filters: Record<string, string>;
  note?: string;
  /** Where a row leads, when not to the reports behind it. */
  hrefOf?: (r: CountRow) => string;
}) {
  const max = Math.max(0, ...rows.map((r) => r.count));
  return (
    <FigureTable
      id={id}
      title={title}
      note={note}
      rows={rows}
      empty="Nothing to count."
      groupLabel={label}
      rowHeader={(r) => (
        <Link href={hrefOf ? hrefOf(r) : behindHref(filters, r.figure, r.group)}>
          {r.label ?? labelOf(r.group)}
        </Link>
      )}
      columns={[
        { header: 'Count', cell: (r) => r.count },
        {
          header: <span className="sr-only">Bar</span>,
          cell: (r) => <Bar value={r.count} max={max} />,
          className: 'plot-cell',
        },
      ]}
      csv={() =>
        toCsv(
          [label, 'count'],
          rows.map((r) => [r.group, r.count]),
        )
      }
    />
  );
}

/** A figure's name in words, as the insights page titles it (the API's names are for programs). */
function figureName(figure: string): string {
  const [name = '', by] = figure.split('.');
  const measure = MEASURES.find(([m]) => m === name);
  if (measure) return `${measure[1].toLowerCase()} by ${by === 'severity' ? 'severity' : 'quarter'}`;
  const words: Record<string, string> = {
    detection: 'detection method by quarter',
    'followUp.statuses': 'actions by status',
    'followUp.overdueByAge': 'open actions past their deadline',
    'followUp.verification': 'completed actions by verification',
    'followUp.completion': 'completed actions against their deadline',
    'health.daysToPublish': 'days to publication',
    'health.reviewRounds': 'review rounds',
    'health.quality': 'quality scores by quarter',
    'health.scored': 'reports with a quality score',
    bySystem: 'reports by system',
    byKind: 'reports by kind',
  };
  return words[figure] ?? figure;
}

const MEASURES = [
  ['timeToDetect', 'Time to detect'],
  ['timeToRespond', 'Time to respond'],
  ['timeToMitigate', 'Time to mitigate'],
  ['timeToResolve', 'Time to resolve'],
] as const;

function Filters({ base }: { base: string }) {
  const { search } = useLocation();
  const f = filtersOf(search);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(search);
    if (v) next.set(k, v);
    else next.delete(k);
    navigate(`${base}${next.size ? `?${next}` : ''}`, { replace: true });
  };
  const text = (k: (typeof FILTER_KEYS)[number], label: string, type = 'text') => (
    <label className="field">
      {label}
      <input type={type} value={f[k]} onChange={(e) => set(k, e.target.value)} />
    </label>
  );
  return (
    <form className="filters" role="search" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      {text('from', 'From', 'date')}
      {text('to', 'To', 'date')}
      <EnumSelect
        label="Kind"
        value={(f.kind || undefined) as (typeof REPORT_KINDS)[number] | undefined}
        options={REPORT_KINDS}
        onChange={(v) => set('kind', v ?? '')}
        empty="Any"
      />
      {text('severity', 'Severity')}
      {text('system', 'System')}
      {text('tag', 'Tag')}
      {text('team', 'Team')}
    </form>
  );
}

/** Figures over the reports I may see, filtered by the query string. */
export function InsightsPage() {
  useTitle('Insights');
  const { search } = useLocation();
  const filters = filtersOf(search);
  const { data, error } = useApi<Insights>(`/api/insights${query(filters)}`);
  return (
    <div className="insights">
      <div className="page-head">
        <h1>Insights</h1>
        <p className="muted">
          Distributions, not averages: durations are skewed, so each figure gives its median, quartiles and
          the count behind it. Counts describe the archive; they are not a score.
        </p>
        <p>
          <Link href="/factors">Recurring factors</Link> · <Link href="/revisit">Revisit list</Link>
        </p>
      </div>
      <Filters base="/insights" />
      {error && <Status tone="error">{error}</Status>}
      {!data && !error && <p className="loading">Loading…</p>}
      {data && (
        <>
          <p>
            <strong>{data.reports}</strong> report{data.reports === 1 ? '' : 's'} match.
          </p>
          <h2>Response times (hours)</h2>
          {MEASURES.map(([m, label]) => (
            <div key={m} className="figure-pair">
              <DistributionTable
                id={`${m}-quarter`}
                title={`${label} by quarter`}
                rows={data.durations[m].byQuarter}
                unit="h"
                groupLabel="Quarter"
                filters={filters}
              />
              <DistributionTable
                id={`${m}-severity`}
                title={`${label} by severity`}
                rows={data.durations[m].bySeverity}
                unit="h"
                groupLabel="Severity"
                filters={filters}
              />
            </div>
          ))}
          <h2>How incidents were found</h2>
          <CountTable
            id="detection"
            title="Detection method by quarter"
            label="Quarter and method"
            rows={data.detection.map((d) => ({ ...d, label: `${d.period} · ${labelOf(d.series)}` }))}
            filters={filters}
          />
          <h2>Follow-up</h2>
          <CountTable
            id="actions-status"
            title="Actions by status"
            label="Status"
            rows={data.followUp.statuses}
            filters={filters}
          />
          <CountTable
            id="actions-overdue"
            title="Open actions past their deadline, by age"
            label="Overdue by"
            rows={data.followUp.overdueByAge}
            filters={filters}
          />
          <CountTable
            id="actions-verification"
            title="Completed actions by verification"
            label="Result"
            rows={data.followUp.verification}
            filters={filters}
          />
          <CountTable
            id="actions-completion"
            title="Completed actions against their deadline (unknown: completed before the store saw it change)"
            label="Completed"
            rows={data.followUp.completion}
            filters={filters}
          />
          <h2>Post-mortem health</h2>
          <DistributionTable
            id="days-to-publish"
            title="Days from incident to publication, by quarter"
            rows={data.health.daysToPublish}
            unit="days"
            groupLabel="Quarter"
            filters={filters}
          />
          <CountTable
            id="review-rounds"
            title="Review rounds of published reports"
            label="Rounds"
            rows={data.health.reviewRounds}
            filters={filters}
          />
          <DistributionTable
            id="quality"
            title="Quality scores (0–100, the linter's), by quarter"
            rows={data.health.quality}
            unit="points"
            groupLabel="Quarter"
            filters={filters}
            scaleMax={100}
          />
          <CountTable
            id="quality-scored"
            title="Reports with a quality score (the server scores a report in the background soon after each save)"
            label="Score"
            rows={data.health.scored}
            filters={filters}
          />
          <h2>Where and what</h2>
          <CountTable
            id="by-system"
            title="Reports by system"
            label="System"
            rows={data.bySystem}
            filters={filters}
          />
          <CountTable
            id="by-kind"
            title="Reports by kind"
            label="Kind"
            rows={data.byKind}
            filters={filters}
          />
        </>
      )}
    </div>
  );
}

/** The reports behind one group of a figure. */
export function FigureReportsPage() {
  const { search } = useLocation();
  const figure = search.get('figure') ?? '';
  const group = search.get('group') ?? '';
  useTitle(`Reports behind ${group}`);
  const filters = filtersOf(search);
  const { data, error } = useApi<FigureReports>(
    `/api/insights/reports${query({ ...filters, figure, group, limit: 200 })}`,
  );
  return (
    <div>
      <p>
        <Link href={`/insights${query(filters)}`}>← Insights</Link>
      </p>
      <h1>
        Reports behind “{labelOf(group)}” <span className="muted">({figureName(figure)})</span>
      </h1>
      {error && <Status tone="error">{error}</Status>}
      {data && (
        <>
          <p>
            {data.total} report{data.total === 1 ? '' : 's'}
            {data.total > data.items.length ? `, the newest ${data.items.length} shown` : ''}.
          </p>
          <ul className="plain report-list">
            {data.items.map((r) => (
              <li key={r.id}>
                <Link href={`/reports/${encodeURIComponent(r.id)}`}>{r.title}</Link>{' '}
                <span className="muted">
                  {labelOf(r.kind)}
                  {r.severity ? ` · ${r.severity}` : ''}
                  {r.started ? ` · ${r.started.slice(0, 10)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function StateCounts({ states }: { states: Record<string, number> }) {
  return (
    <ul className="inline-list">
      {Object.entries(states).map(([s, n]) => (
        <li key={s}>
          <span className={`badge factor-${s.replace(/[^a-z]+/g, '-')}`}>{s}</span> {n}
        </li>
      ))}
    </ul>
  );
}

function Trend({ trend }: { trend: { quarter: string; count: number }[] }) {
  const max = Math.max(0, ...trend.map((t) => t.count));
  return (
    <table className="read-table trend">
      <thead>
        <tr>
          <th scope="col">Quarter</th>
          <th scope="col">Factors</th>
          <th scope="col">
            <span className="sr-only">Bar</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {trend.map((t) => (
          <tr key={t.quarter}>
            <th scope="row">{t.quarter}</th>
            <td>{t.count}</td>
            <td className="plot-cell">
              <Bar value={t.count} max={max} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Contributing factors by category: how often, when, and what became of the actions taken. */
type FactorGroup = Factors['categories'][number];

/** A category's factors, a page at a time: the API lists the newest few and a cursor for the rest. */
function FactorList({ group }: { group: FactorGroup }) {
  const [more, setMore] = useState<{ factors: FactorGroup['factors']; next: string | null; error: string }>({
    factors: [],
    next: group.next,
    error: '',
  });
  const load = () => {
    if (more.next === null) return;
    api<Factors>(`/api/factors${query({ category: group.name, cursor: more.next, limit: 50 })}`)
      .then((page) => {
        const g = page.categories[0];
        setMore((m) => ({
          factors: [...m.factors, ...(g?.factors ?? [])],
          next: g?.next ?? null,
          error: '',
        }));
      })
      .catch((e: Error) => setMore((m) => ({ ...m, error: errorText(e) })));
  };
  const shown = [...group.factors, ...more.factors];
  return (
    <>
      <ul className="plain">
        {shown.map((f) => (
          <li key={`${f.reportId}-${f.factorId}`}>
            <Link href={`/reports/${encodeURIComponent(f.reportId)}`}>{f.reportTitle}</Link> ({f.factorId}):{' '}
            {f.text} <span className="badge">{f.actionState}</span>
          </li>
        ))}
      </ul>
      {more.error && <Status tone="error">{more.error}</Status>}
      {more.next !== null && (
        <button type="button" className="link" onClick={load}>
          Show more of {group.name} ({group.count - shown.length} more)
        </button>
      )}
    </>
  );
}

export function FactorsPage() {
  useTitle('Recurring factors');
  const { data, error } = useApi<Factors>('/api/factors');
  return (
    <div>
      <h1>Recurring factors</h1>
      <p className="muted">
        Contributing factors grouped by the categories your organisation files them under (Settings), with the
        state of the actions that addressed each.
      </p>
      {error && <Status tone="error">{error}</Status>}
      {data && (
        <>
          <p className="muted">Recurred after fix: {data.recurrence}.</p>
          <CountTable
            id="factor-categories"
            title="Factors by category"
            label="Category"
            rows={data.categories.map((c) => ({ figure: 'factors', group: c.name, count: c.count }))}
            filters={{}}
            hrefOf={() => '/factors'}
          />
          {data.categories.map((c) => (
            <details key={c.name} className="factor-group">
              <summary>
                <strong>{c.name}</strong> — {c.count} factor{c.count === 1 ? '' : 's'}
              </summary>
              <StateCounts states={c.states} />
              <Trend trend={c.trend} />
              <FactorList group={c} />
            </details>
          ))}
          <h2>Fishbone categories</h2>
          <CountTable
            id="fishbone-categories"
            title="Reports by fishbone category"
            label="Category"
            rows={data.fishbone.map((c) => ({ figure: 'fishbone', group: c.name, count: c.count }))}
            filters={{}}
            hrefOf={() => '/factors'}
          />
        </>
      )}
    </div>
  );
}

/** One system: its reports, the actions still open and the categories of its factors. */
export function SystemPage({ name }: { name: string }) {
  useTitle(`System ${name}`);
  const { data, error } = useApi<SystemPageData>(`/api/systems/${encodeURIComponent(name)}`);
  const titles = new Map((data?.reports ?? []).map((r) => [r.id, r.title]));
  return (
    <div>
      <h1>System: {data?.system ?? name}</h1>
      {error && <Status tone="error">{error}</Status>}
      {data && (
        <>
          <p>
            <Link href={`/insights${query({ system: data.system })}`}>Insights for this system</Link>
          </p>
          <section aria-labelledby="sys-reports">
            <h2 id="sys-reports">Reports ({data.reports.length})</h2>
            <ul className="plain report-list">
              {data.reports.map((r) => (
                <li key={r.id}>
                  <Link href={`/reports/${encodeURIComponent(r.id)}`}>{r.title}</Link>{' '}
                  <span className="muted">
                    {labelOf(r.kind)} · {labelOf(r.state)}
                    {r.severity ? ` · ${r.severity}` : ''}
                    {r.periodStart ? ` · ${r.periodStart.slice(0, 10)}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="sys-actions">
            <h2 id="sys-actions">Open actions ({data.openActions.length})</h2>
            {data.openActions.length === 0 ? (
              <p className="muted">No open actions.</p>
            ) : (
              <div className="table-wrap">
                <table className="read-table">
                  <thead>
                    <tr>
                      <th scope="col">Action</th>
                      <th scope="col">Report</th>
                      <th scope="col">Owner</th>
                      <th scope="col">Status</th>
                      <th scope="col">Deadline</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.openActions.map((a) => (
                      <tr key={`${a.reportId}-${a.itemId}`}>
                        <th scope="row">
                          <Link href={`/reports/${encodeURIComponent(a.reportId)}`}>{a.itemId}</Link>{' '}
                          {a.title}
                        </th>
                        {/* Actions of many reports often share a title: the report tells them apart. */}
                        <td>{titles.get(a.reportId) ?? a.reportId}</td>
                        <td>{a.owner ?? '—'}</td>
                        <td>{labelOf(a.status)}</td>
                        <td>{a.deadline ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <CountTable
            id="system-factors"
            title="Recurring factor categories"
            label="Category"
            rows={data.factors.map((f) => ({ figure: 'factors', group: f.name, count: f.count }))}
            filters={{}}
            hrefOf={() => '/factors'}
          />
        </>
      )}
    </div>
  );
}

/** Reports whose incident has its anniversary now and whose fixes were never shown to work. */
export function RevisitPage() {
  useTitle('Revisit');
  const { data, error } = useApi<Revisit>('/api/revisit');
  return (
    <div>
      <h1>Revisit on the anniversary</h1>
      <p className="muted">
        Reports whose incident has its anniversary between a week ago and a month from now, and whose actions
        were never verified or did not work: a good moment to check the fix still holds.
      </p>
      {error && <Status tone="error">{error}</Status>}
      {data &&
        (data.items.length === 0 ? (
          <p className="muted">Nothing to revisit now.</p>
        ) : (
          <ul className="plain report-list">
            {data.items.map((r) => (
              <li key={`${r.id}-${r.anniversary}`}>
                <Link href={`/reports/${encodeURIComponent(r.id)}`}>{r.title}</Link>{' '}
                <span className="muted">
                  {r.years} year{r.years === 1 ? '' : 's'} on {r.anniversary}: {r.reasons.join('; ')}
                </span>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

/**
 * Reports related to one, with the reasons: beside the read view, and in the editor (`refresh` changes after
 * each save, so the list follows what is being written).
 */
export function RelatedPanel({ id, refresh }: { id: string; refresh?: unknown }) {
  const [items, setItems] = useState<Related[]>();
  const [error, setError] = useState('');
  useEffect(() => {
    const ac = new AbortController();
    api<{ items: Related[] }>(`/api/postmortems/${encodeURIComponent(id)}/related?limit=5`, {
      signal: ac.signal,
    })
      .then((r) => setItems(r.items))
      .catch((e: Error) => e.name !== 'AbortError' && setError(errorText(e)));
    return () => ac.abort();
  }, [id, refresh]);
  return (
    <aside className="related" aria-labelledby={`related-${id}`}>
      <h2 id={`related-${id}`}>Related incidents</h2>
      {error && <Status tone="error">{error}</Status>}
      {items && items.length === 0 && <p className="muted">Nothing in the archive looks related yet.</p>}
      {items && items.length > 0 && (
        <ol className="related-list">
          {items.map((r) => (
            <li key={r.id}>
              <Link href={`/reports/${encodeURIComponent(r.id)}`}>{r.title}</Link>
              <span className="muted"> — this looks like it: {r.reasons.join('; ')}</span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
