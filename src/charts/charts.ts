// The report's charts, drawn from its data: the timeline with the response phases, the impact figures, the
// status of the actions, and the fishbone. Each is an SVG with a title, a description and a data table.
import type { TopLevelSpec } from 'vega-lite';
import {
  ACTION_STATUSES,
  EVENT_KINDS,
  actionStatistics,
  describeFishbone,
  formatDuration,
  impactTotals,
  labelOf,
  layoutFishbone,
  responseTimes,
  type Report,
  type TextLine,
} from '../domain/index.js';
import { escapeHtml } from '../render/escape.js';
import { emptySvg, FONT, renderVegaLite, withTextAlternative, type Chart, type ChartText } from './vega.js';

export const CHART_IDS = ['timeline', 'impact', 'actions', 'fishbone'] as const;
export type ChartId = (typeof CHART_IDS)[number];

const PHASES_ROW = 'Response phases';
const PHASE_COLOURS = ['#c2410c', '#b45309', '#1f5fae', '#15803d'];
const stamp = (instant: string) =>
  instant
    .replace('T', ' ')
    .replace(/(?::00)?(?:\.\d+)?Z$/, '')
    .concat(' UTC');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const kindLabel = (kind: string) => cap(labelOf(kind));

/** The spans of the response: start → detected → responded → mitigated → resolved, where both ends are known. */
export function responsePhases(report: Report): { phase: string; from: string; to: string }[] {
  const t = responseTimes(report);
  const marks: [string, string | undefined][] = [
    ['start', t.start],
    ['detect', t.detected],
    ['respond', t.responded],
    ['mitigate', t.mitigated],
    ['resolve', t.resolved],
  ];
  const out: { phase: string; from: string; to: string }[] = [];
  let from: string | undefined = t.start;
  for (const [phase, at] of marks.slice(1)) {
    if (!at) continue;
    if (from && Date.parse(at) >= Date.parse(from)) out.push({ phase, from, to: at });
    from = at;
  }
  return out;
}

/** The timeline: every timed event on a UTC time axis by kind, with the detect → resolve spans on top. */
export async function timelineChart(report: Report): Promise<Chart> {
  const timed = report.details.timeline.filter((e) => e.at !== null);
  const phases = responsePhases(report);
  const rows = [PHASES_ROW, ...EVENT_KINDS.map(kindLabel)];
  const events = timed.map((e) => ({
    at: e.at as string,
    end: e.end,
    kind: kindLabel(e.kind),
    text: e.text,
    approximate: e.approximate === true,
  }));
  const spans = events.filter((e) => e.end);
  const untimed = report.details.timeline.length - timed.length;
  const counts = EVENT_KINDS.map((k) => [kindLabel(k), timed.filter((e) => e.kind === k).length] as const);
  const first = events.reduce<string | undefined>((m, e) => (!m || e.at < m ? e.at : m), undefined);
  const last = events.reduce<string | undefined>((m, e) => (!m || e.at > m ? e.at : m), undefined);
  const text: ChartText = {
    title: 'Timeline',
    description:
      events.length === 0
        ? `No timed events in the timeline${untimed ? ` (${untimed} without a time)` : ''}.`
        : `${events.length} timed event${events.length === 1 ? '' : 's'} from ${stamp(first!)} to ${stamp(last!)}` +
          `${untimed ? `, and ${untimed} without a time` : ''}. ` +
          (phases.length
            ? `Response phases: ${phases.map((p) => `${p.phase} ${formatDuration(Date.parse(p.to) - Date.parse(p.from))}`).join(', ')}.`
            : 'The phases of the response are not known from the timeline.'),
    table: {
      headers: ['Row', 'From (UTC)', 'To (UTC)', 'Events or duration'],
      rows: [
        ...phases.map((p) => [
          `Phase: ${p.phase}`,
          stamp(p.from),
          stamp(p.to),
          formatDuration(Date.parse(p.to) - Date.parse(p.from)),
        ]),
        ...counts
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => {
            const of = events.filter((e) => e.kind === kind).map((e) => e.at);
            return [
              kind,
              stamp(of.reduce((a, b) => (a < b ? a : b))),
              stamp(of.reduce((a, b) => (a > b ? a : b))),
              `${n} event${n === 1 ? '' : 's'}`,
            ];
          }),
      ],
    },
  };
  const x = {
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    title: 'Time (UTC)',
    axis: { format: '%b %d %H:%M', labelOverlap: true },
  };
  const y = { field: 'row', type: 'nominal' as const, title: null, scale: { domain: rows }, sort: rows };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: rows.length * 24,
    layer: [
      {
        data: { values: phases.map((p) => ({ ...p, row: PHASES_ROW })) },
        mark: { type: 'bar', height: 16 },
        encoding: {
          x: { ...x, field: 'from' },
          x2: { field: 'to' },
          y,
          color: {
            field: 'phase',
            type: 'nominal',
            title: 'Phase',
            scale: { domain: ['detect', 'respond', 'mitigate', 'resolve'], range: PHASE_COLOURS },
          },
        },
      },
      {
        data: { values: spans.map((e) => ({ ...e, row: e.kind })) },
        mark: { type: 'rule', color: '#55606e', strokeWidth: 2 },
        encoding: { x: { ...x, field: 'at' }, x2: { field: 'end' }, y },
      },
      {
        data: { values: events.map((e) => ({ ...e, row: e.kind })) },
        mark: { type: 'point', size: 60, color: '#1d232b', strokeWidth: 1.5 },
        encoding: {
          x: { ...x, field: 'at' },
          y,
          fill: { condition: { test: 'datum.approximate', value: 'white' }, value: '#1d232b' },
        },
      },
    ],
  };
  const svg = await renderVegaLite(spec);
  return {
    id: 'timeline',
    ...text,
    svg: withTextAlternative(svg, 'timeline', text),
    hasData: events.length > 0,
  };
}

/** Impact figures by category (and financial lines by kind), one panel per unit; estimates drawn pale and labelled. */
export async function impactChart(report: Report): Promise<Chart> {
  const totals = impactTotals(report);
  const bars = [
    ...totals.figures.map((f) => ({
      category: labelOf(f.category),
      measure: f.measure,
      unit: f.unit ?? 'count',
      value: f.total,
      estimated: f.estimated,
    })),
    ...totals.byKind.map((k) => ({
      category: 'Financial',
      measure: labelOf(k.kind),
      unit: k.currency,
      value: k.total,
      estimated: k.estimated,
    })),
  ].map((b) => ({ ...b, label: `${b.value.toLocaleString('en')}${b.estimated ? ' (estimate)' : ''}` }));
  const text: ChartText = {
    title: 'Impact',
    description:
      bars.length === 0
        ? 'No impact figures recorded.'
        : `${bars.length} impact figure${bars.length === 1 ? '' : 's'}: ` +
          bars.map((b) => `${b.measure} ${b.label} ${b.unit}`).join('; ') +
          '. Estimates are drawn pale and labelled.',
    table: {
      headers: ['Category', 'Measure', 'Value', 'Unit', 'Basis'],
      rows: bars.map((b) => [
        b.category,
        b.measure,
        String(b.value),
        b.unit,
        b.estimated ? 'estimate' : 'confirmed',
      ]),
    },
  };
  if (bars.length === 0) {
    return {
      id: 'impact',
      ...text,
      svg: withTextAlternative(emptySvg(text.description), 'impact', text),
      hasData: false,
    };
  }
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: bars },
    facet: {
      row: { field: 'unit', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left' } },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 480,
      height: { step: 22 },
      layer: [
        {
          mark: { type: 'bar', stroke: '#1d232b', strokeWidth: 0.5 },
          encoding: {
            // Measures are phrases ("customers unable to pay"): Vega's default cuts them at 180 px.
            y: { field: 'measure', type: 'nominal', title: null, axis: { labelLimit: 360 } },
            x: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'category', type: 'nominal', title: 'Category' },
            opacity: { condition: { test: 'datum.estimated', value: 0.4 }, value: 1 },
            strokeDash: { condition: { test: 'datum.estimated', value: [4, 2] }, value: [1, 0] },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, color: '#1d232b' },
          encoding: {
            y: { field: 'measure', type: 'nominal' },
            x: { field: 'value', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    },
  };
  const svg = await renderVegaLite(spec);
  return { id: 'impact', ...text, svg: withTextAlternative(svg, 'impact', text), hasData: true };
}

const STATUS_COLOURS = ['#6b7280', '#1f5fae', '#b91c1c', '#15803d', '#a3a3a3'];

/** How many actions are in each status, as bars. */
export async function actionsChart(report: Report, today: string): Promise<Chart> {
  const stats = actionStatistics(report, today);
  const rows = ACTION_STATUSES.map((s) => ({ status: labelOf(s), count: stats.byStatus[s] ?? 0 }));
  const text: ChartText = {
    title: 'Action status',
    description:
      stats.total === 0
        ? 'No action items.'
        : `${stats.total} action item${stats.total === 1 ? '' : 's'}: ` +
          rows.map((r) => `${r.count} ${r.status.toLowerCase()}`).join(', ') +
          (stats.overdue ? `; ${stats.overdue} overdue` : '') +
          '.',
    table: { headers: ['Status', 'Actions'], rows: rows.map((r) => [r.status, String(r.count)]) },
  };
  const domain = rows.map((r) => r.status);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: { step: 24 },
    data: { values: rows },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'status', type: 'nominal', title: null, sort: domain },
          x: {
            field: 'count',
            type: 'quantitative',
            title: 'Actions',
            axis: { tickMinStep: 1, format: 'd' },
          },
          color: { field: 'status', type: 'nominal', legend: null, scale: { domain, range: STATUS_COLOURS } },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, color: '#1d232b' },
        encoding: {
          y: { field: 'status', type: 'nominal', sort: domain },
          x: { field: 'count', type: 'quantitative' },
          text: { field: 'count', type: 'quantitative' },
        },
      },
    ],
  };
  const svg = await renderVegaLite(spec);
  return { id: 'actions', ...text, svg: withTextAlternative(svg, 'actions', text), hasData: stats.total > 0 };
}

const INK = '#1b1f24';
const MUTED = '#4f5863';
const ACCENT = '#0b5cad';
const BONE = '#7b8794';

const textEl = (t: TextLine) =>
  `<text x="${t.x}" y="${t.y}" font-size="${t.size}" font-weight="${t.bold ? 700 : 400}" text-anchor="${t.anchor ?? 'start'}" fill="${t.text.startsWith('+') ? MUTED : INK}">${t.full ? `<title>${escapeHtml(t.full)}</title>` : ''}${escapeHtml(t.text)}</text>`;

/** The fishbone (Ishikawa) diagram, with the same layout the editor draws. */
export function fishboneChart(report: Report): Chart {
  const a = report.analysis;
  const problem = a.fiveWhys[0]?.problem || report.title;
  const layout = layoutFishbone(problem, a.fishbone);
  const text: ChartText = {
    title: 'Fishbone diagram',
    description: describeFishbone(problem, a.fishbone),
    table: {
      headers: ['Category', 'Cause', 'Details'],
      rows: a.fishbone.map((c) => [labelOf(c.category), c.cause, c.subCauses.join('; ')]),
    },
  };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family='${FONT}'>`,
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#fbfcfd"/>`,
    `<line x1="${layout.spine.x1}" y1="${layout.spine.y}" x2="${layout.spine.x2}" y2="${layout.spine.y}" stroke="${INK}" stroke-width="3"/>`,
    ...layout.bones.map(
      (b) =>
        `<line data-category="${b.category}" x1="${b.x1}" y1="${b.y1}" x2="${b.x2}" y2="${b.y2}" stroke="${b.used ? ACCENT : BONE}" stroke-width="2"/>`,
    ),
    ...layout.ribs.map(
      (r) =>
        `<line x1="${r.x1}" y1="${r.y}" x2="${r.x2}" y2="${r.y}" stroke="${BONE}" stroke-width="${r.sub ? 1 : 1.2}"/>`,
    ),
    `<rect x="${layout.head.x}" y="${layout.head.y}" width="${layout.head.w}" height="${layout.head.h}" rx="6" fill="#e3ecf7" stroke="${ACCENT}"/>`,
    ...layout.head.lines.map(textEl),
    ...layout.texts.map(textEl),
    '</svg>',
  ];
  return {
    id: 'fishbone',
    ...text,
    svg: withTextAlternative(parts.join(''), 'fishbone', text),
    hasData: a.fishbone.length > 0,
  };
}

/** One chart of a report by id. */
export async function chartOf(report: Report, id: ChartId, today: string): Promise<Chart> {
  switch (id) {
    case 'timeline':
      return timelineChart(report);
    case 'impact':
      return impactChart(report);
    case 'actions':
      return actionsChart(report, today);
    case 'fishbone':
      return fishboneChart(report);
  }
}

/** All four charts of a report, in the order the report shows them. */
export async function reportCharts(report: Report, today: string): Promise<Record<ChartId, Chart>> {
  const [timeline, impact, actions] = await Promise.all([
    timelineChart(report),
    impactChart(report),
    actionsChart(report, today),
  ]);
  return { timeline, impact, actions, fishbone: fishboneChart(report) };
}
