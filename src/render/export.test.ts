import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCharts } from '../charts/index.js';
import { reportSchema, type Report } from '../domain/index.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { buildReport } from '../../test/factories.js';
import { cli } from '../../test/cli-harness.js';
import { exportText } from './export.js';
import { renderHtml } from './html.render.js';
import { renderPdf } from './pdf.js';
import { markdownWithImages, toConfluence } from './wiki.js';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hindsight-export-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A long report: 150 timeline rows whose text wraps over several lines, each marked at its start and end. */
function longReport(): Report {
  const base = buildReport();
  const timeline = Array.from({ length: 150 }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      at: new Date(Date.parse('2024-03-05T08:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z'),
      kind: (['detected', 'investigating', 'communicated', 'other'] as const)[i % 4],
      text: `ROWSTART${n} the team checked the payment queue depth, the gateway error budget and the replica lag once more before deciding on the next step ROWEND${n}`,
    };
  });
  return reportSchema.parse({ ...base, details: { ...base.details, timeline } });
}

describe('PDF export', () => {
  it('prints a 30+ page report with a header and page numbers on every page and no table row cut', async () => {
    const report = longReport();
    const html = renderHtml(report, { charts: await reportCharts(report, '2024-03-10') });
    const pdf = await renderPdf(html, { chromium: CHROMIUM, title: report.title });
    const file = join(dir, 'long.pdf');
    writeFileSync(file, pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(30);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const perPage = text.split('\f').filter((p) => p.trim() !== '');
    expect(perPage).toHaveLength(pages);
    perPage.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(report.title);
      expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`);
    });
    // every row is printed once, its start and its end on the same page
    for (let i = 1; i <= 150; i++) {
      const n = String(i).padStart(4, '0');
      const start = perPage.findIndex((p) => p.includes(`ROWSTART${n}`));
      const end = perPage.findIndex((p) => p.includes(`ROWEND${n}`));
      expect(start, `row ${n} printed`).toBeGreaterThanOrEqual(0);
      expect(end, `row ${n} on one page`).toBe(start);
    }
    expect(text).toContain('Executive summary');
    expect(text).toContain(report.summary.coreIssue!);
  }, 180_000);

  it('without Chromium, the CLI exits 2 naming apt-get install chromium and HINDSIGHT_CHROMIUM', async () => {
    const src = join(dir, 'r.md');
    writeFileSync(src, serializePostmortem(buildReport()));
    vi.stubEnv('HINDSIGHT_CHROMIUM', join(dir, 'no-such-chromium'));
    const r = await cli('render', src, '--format', 'pdf', '--output', join(dir, 'r.pdf'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('apt-get install chromium');
    expect(r.err).toContain('HINDSIGHT_CHROMIUM');
    expect(existsSync(join(dir, 'r.pdf'))).toBe(false);
  });

  it('refuses an unknown audience or format with exit 2', async () => {
    const src = join(dir, 'r2.md');
    writeFileSync(src, serializePostmortem(buildReport()));
    expect((await cli('render', src, '--audience', 'press')).code).toBe(2);
    expect((await cli('render', src, '--format', 'docx')).code).toBe(2);
    expect((await cli('render', src, '--format', 'pdf')).err).toContain('--output');
  });
});

describe('HTML, Markdown and JSON exports', () => {
  it('the HTML page has the charts inline and a print stylesheet that keeps table rows whole', async () => {
    const { text } = await exportText(buildReport(), 'html', { audience: 'internal', today: '2024-03-10' });
    for (const id of ['timeline', 'impact', 'actions', 'fishbone'])
      expect(text).toContain(`id="chart-${id}"`);
    expect(text).toMatch(/@media print[^]*tr, \.action[^]*break-inside: avoid/);
    expect(text).not.toMatch(/<script|<link|src="http/);
  });

  it('the executive version is one page of summary, figures, primary cause, action status and charts', async () => {
    const r = buildReport();
    const { text } = await exportText(r, 'html', { audience: 'executive', today: '2024-03-10' });
    expect(text).toContain('Executive summary');
    expect(text).toContain(r.analysis.primaryCause!);
    expect(text).toContain('id="chart-actions"');
    expect(text).not.toContain('Lessons learned');
    const json = JSON.parse(
      (await exportText(r, 'json', { audience: 'executive', today: '2024-03-10' })).text,
    );
    expect(json.audience).toBe('executive');
    expect(json.actions.items).toHaveLength(r.actions.items.length);
    const md = (await exportText(r, 'md', { audience: 'executive', today: '2024-03-10' })).text;
    expect(md).toContain('## Primary cause');
  });
});

describe('wiki exports', () => {
  it('Confluence storage format: well-formed XHTML with the charts as attached images', async () => {
    const r = buildReport();
    const charts = await reportCharts(r, '2024-03-10');
    const page = toConfluence(r, { charts });
    expect(page).toContain('<ri:attachment ri:filename="timeline.svg" />');
    expect(page).not.toMatch(/<(section|header|main|article|time|figure|details)\b/);
    // every element is closed in order (XML), void elements self-closed
    const stack: string[] = [];
    for (const m of page.matchAll(/<(\/?)([a-z][\w:-]*)\b[^>]*?(\/?)>/g)) {
      if (m[3]) continue;
      if (m[1]) expect(stack.pop(), `closing ${m[2]}`).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });

  it('Markdown with images points at the chart files the CLI writes beside it', async () => {
    const src = join(dir, 'wiki.md');
    writeFileSync(src, serializePostmortem(buildReport()));
    const out = join(dir, 'wiki-out');
    expect((await cli('render', src, '--format', 'wiki-md', '--output', out)).code).toBe(0);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const f of ['timeline.svg', 'impact.svg', 'actions.svg', 'fishbone.svg']) {
      expect(md).toContain(`](${f})`);
      expect(readFileSync(join(out, f), 'utf8')).toMatch(/^<svg[^>]*role="img"/);
    }
    const r = buildReport();
    expect(markdownWithImages(r, await reportCharts(r, '2024-03-10'))).toContain('![Timeline: ');
    expect((await cli('render', src, '--format', 'confluence', '--output', join(dir, 'cf'))).code).toBe(0);
    expect(readFileSync(join(dir, 'cf', 'page.xhtml'), 'utf8')).toContain('<ac:image');
  });
});
