// Vega-Lite specs compiled to Vega and rendered to SVG in Node: the SVG renderer only (no canvas package),
// with text measured by Vega's estimate. Every chart gets a <title> and <desc> as its first children and a
// text table beside it, so what the picture shows can be read without seeing it.
import { logger, None, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeHtml } from '../render/escape.js';

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The look shared by all charts: plain, readable on paper and screen. */
export const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: '#d8dde3' },
  axis: { labelColor: '#1d232b', titleColor: '#1d232b', gridColor: '#e6e9ed', labelFontSize: 11 },
  legend: { labelColor: '#1d232b', titleColor: '#1d232b' },
} as const;

/** A chart as data for its text alternative: a caption, a sentence or two, and the figures as a table. */
export interface ChartText {
  title: string;
  description: string;
  table: { headers: string[]; rows: string[][] };
}

export interface Chart extends ChartText {
  /** Which chart: timeline, impact, actions, fishbone. */
  id: string;
  /** The SVG document, <title> and <desc> included. */
  svg: string;
  /** False when the report has nothing to draw; the SVG then says so in words. */
  hasData: boolean;
}

/** Put <title> and <desc> first inside the root <svg>, with role and labels for assistive technology. */
export function withTextAlternative(svg: string, id: string, text: ChartText): string {
  const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  const head = svg
    .slice(0, open - 1)
    .replace(' class="marks"', ` class="chart chart-${id}"`)
    .concat(` role="img" aria-labelledby="chart-${id}-title chart-${id}-desc">`);
  return (
    `${head}<title id="chart-${id}-title">${escapeHtml(text.title)}</title>` +
    `<desc id="chart-${id}-desc">${escapeHtml(text.description)}</desc>${svg.slice(open)}`
  );
}

/** Vega-Lite's compiler notes go nowhere: the specs are ours and tested, and a server must not print them. */
const QUIET = logger(None);

/** Compile a Vega-Lite spec and render it to an SVG string. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(
    { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec,
    { logger: QUIET },
  );
  const view = new View(parse(vegaSpec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The text table of a chart as an HTML <table> (used beside the SVG in pages and exports). */
export function chartTableHtml(text: ChartText): string {
  if (text.table.rows.length === 0) return '';
  const head = text.table.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = text.table.rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="chart-data"><caption>${escapeHtml(text.title)}: the data</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A small SVG that says in words that there is nothing to draw (still with title and description). */
export function emptySvg(message: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="480" height="60" viewBox="0 0 480 60"><rect width="480" height="60" fill="white" stroke="#d8dde3"/><text x="240" y="35" text-anchor="middle" font-family='${FONT}' font-size="13" fill="#55606e">${escapeHtml(message)}</text></svg>`;
}
