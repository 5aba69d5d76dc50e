// Exports a wiki takes as they are. Confluence: its storage format (XHTML) with the charts as attached SVG
// images (<ac:image><ri:attachment/>), so the page is the report and the pictures are files beside it.
// Markdown with images: the report's Markdown with the charts as ![...](file.svg) links to files beside it.
import type { Chart, ChartId } from '../charts/index.js';
import type { Report, SeverityScale } from '../domain/index.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { escapeHtml as esc } from './escape.js';
import { renderHtml } from './html.render.js';

export const chartFile = (id: ChartId) => `${id}.svg`;

const VOID = ['br', 'hr', 'img', 'input', 'col', 'wbr'];

/** Turn the HTML page's body into Confluence storage XHTML: void elements closed, layout elements unwrapped. */
function toStorage(html: string, charts: Partial<Record<ChartId, Chart>>): string {
  let body = /<main>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
  // each chart becomes an attached image with its description as the image's alternative text
  body = body.replace(/<figure class="chart" id="chart-([a-z]+)">[\s\S]*?<\/figure>/g, (_, id: string) => {
    const c = charts[id as ChartId];
    if (!c?.hasData) return '';
    return `<p><ac:image ac:alt="${esc(c.description)}" ac:title="${esc(c.title)}"><ri:attachment ri:filename="${chartFile(id as ChartId)}" /></ac:image></p>`;
  });
  body = body
    .replace(/<\/?(?:section|header|article|main)\b[^>]*>/g, '')
    .replace(/<\/?time\b[^>]*>/g, '')
    .replace(/<dl class="meta">([\s\S]*?)<\/dl>/g, (_, inner: string) => {
      const rows = [...inner.matchAll(/<dt>([\s\S]*?)<\/dt><dd>([\s\S]*?)<\/dd>/g)]
        .map((m) => `<tr><th>${m[1]}</th><td>${m[2]}</td></tr>`)
        .join('');
      return `<table><tbody>${rows}</tbody></table>`;
    })
    .replace(/<p class="audience">([\s\S]*?)<\/p>/g, '<p><em>$1</em></p>')
    .replace(/<div class="figures">([\s\S]*?)<\/div>(?=\s*$|\s*<h2)/g, '$1')
    .replace(/<div class="figure"><b>([\s\S]*?)<\/b>([\s\S]*?)<\/div>/g, '<p><strong>$1</strong> $2</p>')
    .replace(new RegExp(`<(${VOID.join('|')})\\b([^>]*)>`, 'g'), (_, tag: string, attrs: string) => {
      const a = attrs.endsWith('/') ? attrs.slice(0, -1) : attrs;
      return `<${tag}${a.trimEnd()} />`;
    })
    .replace(/&nbsp;/g, '&#160;')
    .replace(/ class="[^"]*"/g, '')
    .replace(/\n{2,}/g, '\n');
  return body.trim();
}

/** The report as one Confluence page in storage format; attach the chart files (chartFile) to the page. */
export function toConfluence(
  report: Report,
  options: { charts: Partial<Record<ChartId, Chart>>; scale?: SeverityScale },
): string {
  const html = renderHtml(report, {
    charts: options.charts,
    ...(options.scale ? { scale: options.scale } : {}),
  });
  return `${toStorage(html, options.charts)}\n`;
}

/** The report's Markdown with the charts as images (files named by chartFile, next to the Markdown file). */
export function markdownWithImages(report: Report, charts: Partial<Record<ChartId, Chart>>): string {
  const md = serializePostmortem(report);
  const image = (id: ChartId) => {
    const c = charts[id];
    return c?.hasData ? `![${c.title}: ${c.description.replace(/[[\]]/g, '')}](${chartFile(id)})\n\n` : '';
  };
  // pictures go at the head of the sections whose data they show
  return md
    .replace(/^## Event details\n\n/m, (h) => h + image('timeline'))
    .replace(/^## Impact\n\n/m, (h) => h + image('impact'))
    .replace(/^## Root cause analysis\n\n/m, (h) => h + image('fishbone'))
    .replace(/^## Action items\n\n/m, (h) => h + image('actions'));
}
