import {
  DEFAULT_SEVERITY_SCALE,
  findSeverityLevel,
  formatDuration,
  impactTotals,
  labelOf,
  responseTimes,
  type Report,
  type SeverityScale,
} from '../domain/index.js';
import { chartTableHtml, type Chart, type ChartId } from '../charts/index.js';
import type { Audience } from '../domain/audience.js';
import { escapeHtml as esc, renderProse } from './prose.render.js';

const STYLE = `
:root { color-scheme: light; --ink: #1d232b; --muted: #55606e; --line: #d8dde3; --accent: #1f5fae; --bg: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; color: var(--muted); }
.meta dt { font-weight: 600; color: var(--ink); }
.meta dd { margin: 0; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; border: 1px solid var(--line); font-size: .85rem; }
.figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.figure { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .8rem; min-width: 9rem; }
.figure b { display: block; font-size: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); font-style: italic; }
.action { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: .75rem 0; }
.action h3 { margin-top: 0; }
a { color: var(--accent); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
pre { background: #f3f5f7; padding: .75rem; overflow-x: auto; }
.audience { display: inline-block; margin: 0 0 .5rem; padding: .1rem .6rem; border-radius: .3rem; background: #eef3fa; color: var(--accent); font-size: .85rem; font-weight: 600; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; }
table.chart-data caption { text-align: left; color: var(--muted); font-size: .85rem; }
@media print {
  @page { margin: 18mm 14mm 16mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  tr, .action, .figure, figure.chart { break-inside: avoid; }
  thead { display: table-header-group; }
  details > summary { display: none; }
  details:not([open]) > table { display: none; }
  a { color: inherit; }
}
`;

const prose = (text: string | undefined) =>
  text ? renderProse(text) : '<p class="empty">Not written yet.</p>';

function table(headers: string[], rows: string[][], numeric: number[] = []): string {
  if (rows.length === 0) return '<p class="empty">None recorded.</p>';
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const opt = (s: string | undefined) => (s ? esc(s) : '');
const time = (instant: string | null | undefined) =>
  instant
    ? `<time datetime="${esc(instant)}">${esc(instant.replace('T', ' ').replace('Z', ' UTC'))}</time>`
    : 'unknown';
const link = (s: string | undefined) =>
  s && /^https?:\/\//i.test(s) ? `<a href="${esc(s)}" rel="noopener noreferrer">${esc(s)}</a>` : opt(s);
const money = (amount: number, currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
};

function list(items: { id: string; text: string }[]): string {
  if (items.length === 0) return '<p class="empty">None recorded.</p>';
  return `<ul>${items.map((i) => `<li id="${esc(i.id)}"><b>${esc(i.id)}</b> ${esc(i.text)}</li>`).join('')}</ul>`;
}

export interface HtmlOptions {
  scale?: SeverityScale;
  /** Charts drawn beforehand (src/charts is asynchronous); each is shown inline where its data is. */
  charts?: Partial<Record<ChartId, Chart>>;
  /** Which version this page is; the public version's report must come from publicVersion(). */
  audience?: Audience;
}

const AUDIENCE_LABEL: Record<Audience, string> = {
  internal: 'Internal version',
  executive: 'Executive summary',
  public: 'Public version',
};

/** A chart as a figure: the SVG inline, a caption, and its data as a table behind a disclosure. */
export function chartFigure(chart: Chart | undefined): string {
  if (!chart) return '';
  const table = chartTableHtml(chart);
  return `<figure class="chart" id="chart-${esc(chart.id)}">${chart.svg}<figcaption>${esc(chart.title)}</figcaption>${table ? `<details><summary>The chart's data as a table</summary>${table}</details>` : ''}</figure>`;
}

/** Render a report as one self-contained, printable HTML page (no scripts, no external resources). */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  if (options.audience === 'executive') return renderExecutiveHtml(report, options);
  const charts = options.charts ?? {};
  const scale = options.scale ?? DEFAULT_SEVERITY_SCALE;
  const level = report.severity ? findSeverityLevel(scale, report.severity) : undefined;
  const times = responseTimes(report);
  const totals = impactTotals(report);
  const s = report.summary;
  const d = report.details;
  const im = report.impact;
  const a = report.analysis;
  const l = report.lessons;

  const meta: [string, string][] = [
    ['Kind', esc(labelOf(report.kind))],
    ['State', `<span class="badge">${esc(labelOf(report.state))}</span>`],
  ];
  if (report.severity) meta.push(['Severity', esc(level ? `${level.id} — ${level.name}` : report.severity)]);
  if (report.period.start || report.period.end) {
    meta.push(['Period', `${time(report.period.start)} – ${time(report.period.end)} (shown in UTC)`]);
  }
  if (report.authors.length) meta.push(['Authors', esc(report.authors.join(', '))]);
  if (report.facilitator) meta.push(['Facilitator', esc(report.facilitator)]);
  if (report.reviewers.length) meta.push(['Reviewers', esc(report.reviewers.join(', '))]);
  if (report.systems.length) meta.push(['Systems', esc(report.systems.join(', '))]);
  if (report.tags.length) meta.push(['Tags', esc(report.tags.join(', '))]);

  const figures: string[] = [];
  const rough = new Set(times.approximate ?? []);
  const fig = (label: string, key: NonNullable<typeof times.approximate>[number]) => {
    const ms = times[key];
    // A figure that rests on a rough time says so: "~25 min".
    const mark = rough.has(key) ? '~' : '';
    if (ms !== undefined)
      figures.push(
        `<div class="figure"><b>${esc(mark + formatDuration(ms))}</b>${esc(label)}${mark ? ' (from an approximate time)' : ''}</div>`,
      );
  };
  fig('time to detect', 'timeToDetect');
  fig('time to respond', 'timeToRespond');
  fig('time to mitigate', 'timeToMitigate');
  fig('time to resolve', 'timeToResolve');
  fig('duration', 'duration');
  for (const t of totals.byCurrency) {
    figures.push(
      `<div class="figure"><b>${esc(money(t.total, t.currency))}</b>financial impact${t.estimated ? ' (includes estimates)' : ''}</div>`,
    );
  }

  const out: string[] = [];
  out.push(`<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">`);
  out.push(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(`<title>${esc(report.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>`);
  out.push(`<header>`);
  if (options.audience) out.push(`<p class="audience">${AUDIENCE_LABEL[options.audience]}</p>`);
  out.push(`<h1>${esc(report.title)}</h1>`);
  out.push(`<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);
  if (figures.length) out.push(`<div class="figures">${figures.join('')}</div>`);
  out.push('</header>');

  out.push('<section id="summary"><h2>Executive summary</h2>');
  out.push(`<h3>What happened</h3>${prose(s.whatHappened)}<h3>Impact</h3>${prose(s.impact)}`);
  out.push(`<h3>Core issue</h3>${prose(s.coreIssue)}<h3>Key lessons</h3>${prose(s.keyLessons)}`);
  out.push(`<h3>Next steps</h3>${prose(s.nextSteps)}`);
  if (s.notes) out.push(`<h3>Notes</h3>${prose(s.notes)}`);
  out.push('</section>');

  out.push('<section id="details"><h2>Event details</h2><h3>Timeline</h3>');
  out.push(chartFigure(charts.timeline));
  out.push(
    table(
      ['Time (UTC)', 'Kind', 'Event', 'Actor', 'Source', 'Evidence'],
      d.timeline.map((e) => [
        `${e.approximate ? '~' : ''}${time(e.at)}${e.end ? ` – ${e.endApproximate ? '~' : ''}${time(e.end)}` : ''}`,
        esc(labelOf(e.kind)),
        esc(e.text),
        opt(e.actor),
        opt(e.source),
        link(e.evidence),
      ]),
    ),
  );
  out.push(`<h3>Severity rationale</h3>${prose(d.severityRationale)}`);
  if (level) out.push(`<p><b>${esc(level.id)} — ${esc(level.name)}:</b> ${esc(level.definition)}</p>`);
  out.push(`<h3>Affected systems and areas</h3>${prose(d.affected)}`);
  out.push(`<h3>How it was found</h3>${prose(d.howFound)}<h3>Steps taken</h3>${prose(d.stepsTaken)}`);
  if (d.notes) out.push(`<h3>Notes</h3>${prose(d.notes)}`);
  out.push('</section>');

  out.push('<section id="impact"><h2>Impact</h2><h3>Financial</h3>');
  out.push(
    table(
      ['Kind', 'Description', 'Amount', 'Basis'],
      im.financial.map((f) => [
        esc(labelOf(f.kind)),
        opt(f.description),
        esc(money(f.amount, f.currency)),
        esc(f.basis),
      ]),
      [2],
    ),
  );
  out.push('<h3>Figures</h3>');
  out.push(chartFigure(charts.impact));
  out.push(
    table(
      ['Category', 'Measure', 'Value', 'Unit', 'Basis'],
      im.figures.map((f) => [
        esc(labelOf(f.category)),
        esc(f.measure),
        esc(String(f.value)),
        opt(f.unit),
        esc(f.basis),
      ]),
      [2],
    ),
  );
  for (const [key, title] of [
    ['operational', 'Operational'],
    ['reputational', 'Reputational'],
    ['customer', 'Customer'],
    ['team', 'Team'],
  ] as const) {
    out.push(`<h3>${title}</h3>${prose(im[key])}`);
  }
  if (im.notes) out.push(`<h3>Notes</h3>${prose(im.notes)}`);
  out.push('</section>');

  out.push('<section id="analysis"><h2>Root cause analysis</h2>');
  out.push(`<h3 id="RC">Primary root cause</h3>${prose(a.primaryCause)}`);
  out.push(`<h3>Contributing factors</h3>${list(a.factors)}`);
  out.push(`<h3>Causal chain</h3>${prose(a.causalChain)}`);
  out.push('<h3>5 Whys</h3>');
  if (a.fiveWhys.length === 0) out.push('<p class="empty">None recorded.</p>');
  for (const chain of a.fiveWhys) {
    out.push(`<h4>${esc(chain.problem)}</h4><ol>`);
    for (const step of chain.steps) {
      out.push(`<li>${step.question ? `<i>${esc(step.question)}</i> ` : ''}${esc(step.answer)}</li>`);
    }
    out.push('</ol>');
    if (chain.conclusion) out.push(`<p><b>Conclusion:</b> ${esc(chain.conclusion)}</p>`);
  }
  out.push('<h3>Fishbone</h3>');
  if (a.fishbone.length) out.push(chartFigure(charts.fishbone));
  out.push(
    table(
      ['Category', 'Cause', 'Sub-causes'],
      a.fishbone.map((c) => [esc(labelOf(c.category)), esc(c.cause), esc(c.subCauses.join('; '))]),
    ),
  );
  out.push('<h3>Barriers</h3>');
  out.push(
    table(
      ['Barrier', 'Status', 'Why'],
      a.barriers.map((b) => [esc(b.barrier), esc(b.status), opt(b.why)]),
    ),
  );
  out.push('<h3>Changes before the event</h3>');
  out.push(
    table(
      ['Time (UTC)', 'Change', 'Source', 'Link'],
      a.changes.map((c) => [time(c.at), esc(c.change), opt(c.source), link(c.link)]),
    ),
  );
  if (a.notes) out.push(`<h3>Notes</h3>${prose(a.notes)}`);
  out.push('</section>');

  out.push('<section id="lessons"><h2>Lessons learned</h2>');
  out.push(`<h3>What went well</h3>${list(l.wentWell)}<h3>What went wrong</h3>${list(l.wentWrong)}`);
  out.push(
    `<h3>What could be improved</h3>${list(l.couldImprove)}<h3>Where we got lucky</h3>${list(l.lucky)}`,
  );
  if (l.notes) out.push(`<h3>Notes</h3>${prose(l.notes)}`);
  out.push('</section>');

  out.push('<section id="actions"><h2>Action items</h2>');
  if (report.actions.items.length) out.push(chartFigure(charts.actions));
  if (report.actions.items.length === 0) out.push('<p class="empty">None recorded.</p>');
  for (const item of report.actions.items) {
    const rows: [string, string][] = [
      ['Status', esc(labelOf(item.status))],
      ['Owner', item.owner ? esc(item.owner) : '<span class="empty">missing</span>'],
      ['Deadline', item.deadline ? esc(item.deadline) : '<span class="empty">missing</span>'],
    ];
    if (item.category) rows.push(['Category', esc(labelOf(item.category))]);
    if (item.priority) rows.push(['Priority', esc(item.priority)]);
    if (item.addresses.length) {
      rows.push(['Addresses', item.addresses.map((id) => `<a href="#${esc(id)}">${esc(id)}</a>`).join(', ')]);
    }
    if (item.successCriterion) rows.push(['Success criterion', esc(item.successCriterion)]);
    if (item.tracker) rows.push(['Tracker', link(item.tracker)]);
    if (item.details) rows.push(['Details', esc(item.details)]);
    if (item.verification) {
      const v = item.verification;
      rows.push([
        'Verification',
        esc(
          [labelOf(v.result), v.on && `on ${v.on}`, v.by && `by ${v.by}`, v.notes].filter(Boolean).join(', '),
        ),
      ]);
    }
    out.push(`<article class="action" id="${esc(item.id)}"><h3>${esc(item.id)}: ${esc(item.title)}</h3>`);
    out.push(
      `<dl class="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></article>`,
    );
  }
  if (report.actions.notes) out.push(`<h3>Notes</h3>${prose(report.actions.notes)}`);
  out.push('</section>');

  const m = report.materials;
  out.push('<section id="materials"><h2>Supporting materials</h2>');
  out.push(
    table(
      ['ID', 'Kind', 'Title', 'Link', 'Description'],
      m.items.map((i) => [esc(i.id), esc(i.kind), esc(i.title), link(i.link), opt(i.description)]),
    ),
  );
  for (const ap of m.appendices) {
    out.push(
      `<h3 id="appendix-${esc(ap.id)}">Appendix ${esc(ap.id)}: ${esc(ap.title)}</h3>${prose(ap.content)}`,
    );
  }
  if (m.notes) out.push(`<h3>Notes</h3>${prose(m.notes)}`);
  out.push('</section>\n</main>\n</body>\n</html>\n');
  return out.join('\n');
}

/** The one-page executive version: summary, impact figures, primary cause, status of the actions, charts. */
function renderExecutiveHtml(report: Report, options: HtmlOptions): string {
  const charts = options.charts ?? {};
  const scale = options.scale ?? DEFAULT_SEVERITY_SCALE;
  const level = report.severity ? findSeverityLevel(scale, report.severity) : undefined;
  const times = responseTimes(report);
  const totals = impactTotals(report);
  const s = report.summary;
  const out: string[] = [];
  out.push(`<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">`);
  out.push(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(
    `<title>${esc(report.title)} — executive summary</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>`,
  );
  out.push(`<header><p class="audience">${AUDIENCE_LABEL.executive}</p><h1>${esc(report.title)}</h1>`);
  const meta: [string, string][] = [['State', esc(labelOf(report.state))]];
  if (report.severity) meta.push(['Severity', esc(level ? `${level.id} — ${level.name}` : report.severity)]);
  if (report.period.start) meta.push(['Started', time(report.period.start)]);
  if (times.duration !== undefined) meta.push(['Duration', esc(formatDuration(times.duration))]);
  for (const t of totals.byCurrency) {
    meta.push([
      'Financial impact',
      `${esc(money(t.total, t.currency))}${t.estimated ? ' (includes estimates)' : ''}`,
    ]);
  }
  out.push(`<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>`);
  out.push('<section id="summary"><h2>Summary</h2>');
  for (const [title, text] of [
    ['What happened', s.whatHappened],
    ['Impact', s.impact],
    ['Core issue', s.coreIssue],
    ['Key lessons', s.keyLessons],
    ['Next steps', s.nextSteps],
  ] as const) {
    if (text) out.push(`<h3>${title}</h3>${prose(text)}`);
  }
  out.push('</section>');
  out.push('<section id="impact"><h2>Impact figures</h2>');
  out.push(chartFigure(charts.impact));
  out.push(
    table(
      ['Measure', 'Total', 'Unit', 'Basis'],
      totals.figures.map((f) => [
        esc(f.measure),
        esc(String(f.total)),
        opt(f.unit),
        f.estimated ? 'estimate' : 'confirmed',
      ]),
      [1],
    ),
  );
  out.push('</section>');
  out.push(`<section id="analysis"><h2>Primary cause</h2>${prose(report.analysis.primaryCause)}</section>`);
  out.push('<section id="actions"><h2>Actions</h2>');
  out.push(chartFigure(charts.actions));
  out.push(
    table(
      ['ID', 'Action', 'Status', 'Owner', 'Deadline'],
      report.actions.items.map((i) => [
        esc(i.id),
        esc(i.title),
        esc(labelOf(i.status)),
        opt(i.owner),
        opt(i.deadline),
      ]),
    ),
  );
  out.push('</section>');
  out.push(`<section id="timeline"><h2>Timeline</h2>${chartFigure(charts.timeline)}</section>`);
  out.push('</main>\n</body>\n</html>\n');
  return out.join('\n');
}
