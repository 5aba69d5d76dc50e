// The read view's audience versions: the charts (SVG from the server), the executive page, the public
// version with what it leaves out highlighted, and the export menu.
import { useMemo, useState } from 'react';
import { AUDIENCES, publicVersion, type Audience, type Removal } from '../../../../src/domain/audience.js';
import { labelOf } from '../../../../src/domain/labels.js';
import type { Report } from '../../../../src/domain/report.schema.js';
import type { Distribution } from '../../../../src/domain/api-contract.js';
import { api, errorText } from '../../api.js';
import { useSession } from '../../session.js';
import { WithheldContext } from './parts.js';
import { summaryBody } from './read/summary.js';

export const AUDIENCE_LABELS: Record<Audience, string> = {
  internal: 'Internal',
  executive: 'Executive',
  public: 'Public',
};

const CHART_ALT: Record<string, string> = {
  timeline:
    'Timeline chart: the events by kind over time, with the detect, respond, mitigate and resolve phases',
  impact: 'Impact chart: the impact figures by category, estimates drawn pale',
  actions: 'Action status chart: how many actions are in each status',
  fishbone: 'Fishbone diagram of the causes by category',
};

/** The report's charts as images from the server (each SVG carries its own title and description). */
export function ChartStrip({
  base,
  audience,
  version,
  charts,
}: {
  base: string;
  audience: Audience;
  version: number;
  charts: readonly string[];
}) {
  return (
    <div className="chart-strip">
      {charts.map((c) => (
        <figure key={c} className={`chart-figure chart-${c}`}>
          <img
            src={`${base}/charts/${c}?audience=${audience}&v=${version}`}
            alt={CHART_ALT[c]}
            decoding="async"
          />
          <figcaption>{CHART_ALT[c]!.split(':')[0]}</figcaption>
        </figure>
      ))}
    </div>
  );
}

/** The tabs that choose which version of the report is shown. */
export function AudienceTabs({ value, onChange }: { value: Audience; onChange: (a: Audience) => void }) {
  return (
    <div className="audience-tabs no-print" role="tablist" aria-label="Version of the report">
      {AUDIENCES.map((a) => (
        <button
          key={a}
          type="button"
          role="tab"
          aria-selected={a === value}
          className={a === value ? 'tab active' : 'tab'}
          onClick={() => onChange(a)}
        >
          {AUDIENCE_LABELS[a]}
        </button>
      ))}
    </div>
  );
}

const FORMATS = [
  ['html', 'HTML page'],
  ['pdf', 'PDF'],
  ['md', 'Markdown'],
  ['json', 'JSON'],
  ['confluence', 'Confluence (XHTML)'],
] as const;

/** Download the report in a format for an audience (the server renders it from the current report). */
export function ExportMenu({ base, audience }: { base: string; audience: Audience }) {
  const [format, setFormat] = useState<string>('html');
  return (
    <span className="export-menu">
      <label>
        Export{' '}
        <select value={format} onChange={(e) => setFormat(e.target.value)} aria-label="Export format">
          {FORMATS.map(([f, l]) => (
            <option key={f} value={f}>
              {l}
            </option>
          ))}
        </select>
      </label>{' '}
      <a className="button" href={`${base}/export?format=${format}&audience=${audience}&download=1`} download>
        Download {AUDIENCE_LABELS[audience].toLowerCase()} version
      </a>
    </span>
  );
}

/** Send a version by e-mail to the addresses given, or else to the list of the report's kind (settings). */
export function SendByMail({ base, audience }: { base: string; audience: Audience }) {
  const [chosen, setChosen] = useState<Audience>(audience);
  const [to, setTo] = useState('');
  const [result, setResult] = useState<string>('');
  const send = async () => {
    const list = to
      .split(/[\s,;]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    try {
      const sent = await api<Distribution>(`${base}/distribute`, {
        body: { audience: chosen, ...(list.length > 0 ? { to: list } : {}) },
      });
      setResult(
        `Queued the ${AUDIENCE_LABELS[sent.audience].toLowerCase()} version for ${sent.recipients.join(', ')}.`,
      );
    } catch (e) {
      setResult(errorText(e));
    }
  };
  return (
    <details className="send-by-mail">
      <summary className="button">Send by e-mail…</summary>
      <label>
        Version{' '}
        <select value={chosen} onChange={(e) => setChosen(e.target.value as Audience)}>
          {AUDIENCES.map((a) => (
            <option key={a} value={a}>
              {AUDIENCE_LABELS[a]}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        To{' '}
        <input
          type="text"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          placeholder="the list for this kind of report"
          aria-label="Recipients, separated by commas"
        />
      </label>{' '}
      <button type="button" onClick={() => void send()}>
        Send
      </button>
      {result && <p role="status">{result}</p>}
    </details>
  );
}

const REASONS: Record<Removal['reason'], string> = {
  name: 'a person’s name',
  email: 'an e-mail address',
  host: 'an internal host or system',
  ip: 'an IP address',
  url: 'an internal link',
  money: 'an amount of money',
  'marked-internal': 'marked internal',
  people: 'people',
  financial: 'a financial line',
  link: 'a link or reference',
};

const PATH_WORDS: Record<string, string> = {
  summary: 'Executive summary',
  details: 'Event details',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons',
  actions: 'Action items',
  materials: 'Supporting materials',
  fiveWhys: '5 Whys chain',
  steps: 'why',
  fishbone: 'fishbone cause',
  subCauses: 'detail',
  factors: 'contributing factor',
  barriers: 'barrier',
  changes: 'change',
  figures: 'figure',
  financial: 'money line',
  timeline: 'timeline event',
  items: 'item',
  appendices: 'appendix',
  wentWell: 'went well',
  wentWrong: 'went wrong',
  couldImprove: 'could improve',
  lucky: 'where we got lucky',
  recurrenceOf: 'Recurrence of',
  involved: 'People involved',
  systems: 'Affected systems',
  related: 'Related reports',
  internal: 'Internal marks',
};

/** "whatHappened" → "what happened"; the first word of a path capitalised. */
const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** Where a removal was, in words: "Root cause analysis › 5 Whys chain 1 › why 2". */
const where = (path: (string | number)[]) => {
  const parts: string[] = [];
  for (const p of path) {
    if (typeof p === 'number' && parts.length > 0) parts[parts.length - 1] += ` ${p + 1}`;
    else parts.push(PATH_WORDS[String(p)] ?? labelOf(words(String(p))));
  }
  const [first = '', ...rest] = parts;
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' › ');
};

/** The groups the preview lists removals in, in this order. */
const GROUPS: { title: string; reasons: Removal['reason'][] }[] = [
  { title: 'Marked internal', reasons: ['marked-internal'] },
  { title: 'People and their names', reasons: ['people', 'name', 'email'] },
  { title: 'Hosts, addresses and links', reasons: ['host', 'ip', 'url', 'link'] },
  { title: 'Money', reasons: ['financial', 'money'] },
];

/** The public version, computed in the browser from the same rules the server uses, and what it left out. */
export function PublicPreview({
  report,
  children,
}: {
  report: Report;
  children: (r: Report) => React.ReactNode;
}) {
  // The organisation's internal domains, suffixes and ranges (settings), as the server's exports use them.
  const network = useSession().settings.internalNetwork;
  const { report: pub, removed } = useMemo(
    () => publicVersion(report, network ? { network } : {}),
    [report, network],
  );
  return (
    <>
      <section className="public-removed" aria-labelledby="public-removed-title">
        <h2 id="public-removed-title">Left out of the public version ({removed.length})</h2>
        {removed.length === 0 ? (
          <p className="muted">Nothing: the whole report can go public as it is.</p>
        ) : (
          <>
            <p className="muted">
              Below, the public version as readers get it; what was withheld from its text is{' '}
              <mark className="withheld">[highlighted]</mark>.
            </p>
            {GROUPS.map(({ title, reasons }) => {
              const items = removed.filter((r) => reasons.includes(r.reason));
              if (items.length === 0) return null;
              return (
                <details key={title} open={items.length <= 12}>
                  <summary>
                    {title} ({items.length})
                  </summary>
                  <ul>
                    {items.map((r, i) => (
                      <li key={i}>
                        <span className="where">{where(r.path)}</span> — {REASONS[r.reason]}:{' '}
                        <mark className="removed">{r.text}</mark>
                      </li>
                    ))}
                  </ul>
                </details>
              );
            })}
          </>
        )}
      </section>
      <WithheldContext.Provider value={true}>{children(pub)}</WithheldContext.Provider>
    </>
  );
}

/** The one-page executive version. */
export function ExecutiveView({
  report: r,
  base,
  version,
}: {
  report: Report;
  base: string;
  version: number;
}) {
  return (
    <div className="executive-view">
      <section className="read-section">
        <h2>Summary</h2>
        {summaryBody(r) || <p className="muted">Nothing written yet.</p>}
      </section>
      <section className="read-section">
        <h2>Impact, actions and timeline</h2>
        <ChartStrip
          base={base}
          audience="executive"
          version={version}
          charts={['impact', 'actions', 'timeline']}
        />
      </section>
      <section className="read-section">
        <h2>Primary cause</h2>
        <p>{r.analysis.primaryCause ?? <span className="muted">Not written yet.</span>}</p>
      </section>
      <section className="read-section">
        <h2>Actions</h2>
        {r.actions.items.length === 0 ? (
          <p className="muted">No actions yet.</p>
        ) : (
          <table className="read-table">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Action</th>
                <th scope="col">Status</th>
                <th scope="col">Owner</th>
                <th scope="col">Deadline</th>
              </tr>
            </thead>
            <tbody>
              {r.actions.items.map((a) => (
                <tr key={a.id}>
                  <td>{a.id}</td>
                  <td>{a.title}</td>
                  <td>{labelOf(a.status)}</td>
                  <td>{a.owner ?? '—'}</td>
                  <td>{a.deadline ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
