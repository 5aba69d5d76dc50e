import '../one-shot.js';
import { AppError } from '../../domain/index.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';
import { renderHtml } from '../../render/html.render.js';
import { writeTextFile } from '../io.js';
import { loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

const FORMATS = ['md', 'json', 'html'] as const;

export const registerRender: RegisterCommand = (program, ctx) => {
  program
    .command('render')
    .description('render a report as canonical Markdown, the JSON model, or a self-contained HTML page')
    .argument('<file>', 'a Postmortem Markdown file')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'md')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action((file: string, opts: { format: string; output?: string }) => {
      if (!FORMATS.includes(opts.format as (typeof FORMATS)[number])) {
        throw new AppError(
          'bad_request',
          `unknown format "${opts.format}"; choose one of: ${FORMATS.join(', ')}`,
        );
      }
      const { report } = loadReportFile(file);
      const text =
        opts.format === 'md'
          ? serializePostmortem(report)
          : opts.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : renderHtml(report);
      if (opts.output) writeTextFile(opts.output, text);
      else ctx.io.out(text);
    });
};
