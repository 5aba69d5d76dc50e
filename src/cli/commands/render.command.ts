import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { reportCharts } from '../../charts/index.js';
import { AppError, AUDIENCES, type Audience } from '../../domain/index.js';
import { exportText, reportFor } from '../../render/export.js';
import { renderHtml } from '../../render/html.render.js';
import { renderPdf } from '../../render/pdf.js';
import { chartFile, markdownWithImages, toConfluence } from '../../render/wiki.js';
import { chromiumPath } from '../config.js';
import { writeTextFile } from '../io.js';
import { loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

const FORMATS = ['md', 'json', 'html', 'pdf', 'confluence', 'wiki-md'] as const;
type Format = (typeof FORMATS)[number];

/** Formats written as a folder: the page and the chart images beside it. */
const FOLDER_FORMATS: Format[] = ['confluence', 'wiki-md'];

export const registerRender: RegisterCommand = (program, ctx) => {
  program
    .command('render')
    .description(
      'render a report for an audience as canonical Markdown, the JSON model, a self-contained HTML page, a PDF, or a wiki page with its charts',
    )
    .argument('<file>', 'a Postmortem Markdown file')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'md')
    .option('-a, --audience <audience>', `who it is for: ${AUDIENCES.join(', ')}`, 'internal')
    .option(
      '-o, --output <path>',
      'write to this file (a folder for confluence and wiki-md) instead of standard output',
    )
    .action(async (file: string, opts: { format: string; audience: string; output?: string }) => {
      if (!FORMATS.includes(opts.format as Format)) {
        throw new AppError(
          'bad_request',
          `unknown format "${opts.format}"; choose one of: ${FORMATS.join(', ')}`,
        );
      }
      if (!AUDIENCES.includes(opts.audience as Audience)) {
        throw new AppError(
          'bad_request',
          `unknown audience "${opts.audience}"; choose one of: ${AUDIENCES.join(', ')}`,
        );
      }
      const format = opts.format as Format;
      const audience = opts.audience as Audience;
      if ((format === 'pdf' || FOLDER_FORMATS.includes(format)) && !opts.output) {
        throw new AppError(
          'bad_request',
          format === 'pdf'
            ? 'a PDF is written to a file: add --output report.pdf'
            : `--format ${format} writes a folder (the page and its chart images): add --output <folder>`,
        );
      }
      const { report } = loadReportFile(file);
      const today = new Date().toISOString().slice(0, 10);
      if (format === 'pdf') {
        const chromium = chromiumPath();
        const version = reportFor(report, { audience });
        const html = renderHtml(version, { charts: await reportCharts(version, today), audience });
        writeTextFile(opts.output!, await renderPdf(html, { chromium, title: version.title }));
        return;
      }
      if (format === 'confluence' || format === 'wiki-md') {
        const version = reportFor(report, { audience });
        const charts = await reportCharts(version, today);
        try {
          mkdirSync(opts.output!, { recursive: true });
        } catch (e) {
          throw new AppError(
            'io',
            `${opts.output}: cannot be created (${(e as NodeJS.ErrnoException).code})`,
          );
        }
        const page =
          format === 'confluence' ? toConfluence(version, { charts }) : markdownWithImages(version, charts);
        writeTextFile(join(opts.output!, format === 'confluence' ? 'page.xhtml' : 'report.md'), page);
        for (const c of Object.values(charts)) {
          if (c.hasData) writeTextFile(join(opts.output!, chartFile(c.id as keyof typeof charts)), c.svg);
        }
        return;
      }
      const { text } = await exportText(report, format, { audience, today });
      if (opts.output) writeTextFile(opts.output, text);
      else ctx.io.out(text);
    });
};
