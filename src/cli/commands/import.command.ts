import '../one-shot.js';
import { existsSync } from 'node:fs';
import { AppError } from '../../domain/index.js';
import { formatRecognition, importForeignMarkdown } from '../../markdown/import/foreign.import.js';
import { parsePostmortem } from '../../markdown/postmortem.parse.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';
import { readTextFile, writeTextFile } from '../io.js';
import { formatLocated } from '../report-file.js';
import type { RegisterCommand } from './register.js';

interface ImportOptions {
  output?: string;
  force?: boolean;
  json?: boolean;
  tz?: string;
  year?: string;
}

export const registerImport: RegisterCommand = (program, ctx) => {
  program
    .command('import')
    .description(
      'turn a free-form Markdown post-mortem into Postmortem Markdown, reporting what was recognized',
    )
    .argument('<file>', 'a Markdown post-mortem written in any style')
    .option('-o, --output <file>', 'write the Postmortem Markdown to this file instead of standard output')
    .option('-f, --force', 'overwrite the output file if it exists')
    .option('--json', 'print the report model and the recognition report as JSON instead')
    .option(
      '--tz <zone>',
      'read times that name no zone in this zone: UTC, PDT, +02:00 or an IANA name (overrides the text)',
    )
    .option('--year <year>', 'the year for dates written without one')
    .action((file: string, opts: ImportOptions) => {
      // The importer reads zone names itself (UTC, PDT, +02:00, Europe/Berlin) and refuses unknown ones.
      if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) {
        throw new AppError('bad_request', `--year must be a four-digit year, not "${opts.year}"`);
      }
      if (opts.output && existsSync(opts.output) && !opts.force) {
        throw new AppError('io', `${opts.output}: already exists; use --force to overwrite it`);
      }
      const text = readTextFile(file);
      const emit = (body: string) => (opts.output ? writeTextFile(opts.output, body) : ctx.io.out(body));

      if (/^\uFEFF?---\r?\n/.test(text)) {
        // Front matter: the file may be Postmortem Markdown already. Unreadable YAML is refused rather than
        // imported as prose, and a valid report only needs writing in canonical form.
        const parsed = parsePostmortem(text, { file });
        const fatal = parsed.problems.find((p) => p.fatal);
        if (fatal)
          throw new AppError('bad_request', formatLocated(file, fatal.line, fatal.column, fatal.message));
        if (parsed.report) {
          emit(
            opts.json
              ? `${JSON.stringify({ report: parsed.report }, null, 2)}\n`
              : serializePostmortem(parsed.report),
          );
          if (!opts.json) ctx.io.err(`${file}: already Postmortem Markdown; written in canonical form\n`);
          return;
        }
      }

      const { report, recognition } = importForeignMarkdown(text, {
        file,
        ...(opts.tz ? { zone: opts.tz } : {}),
        ...(opts.year ? { year: Number(opts.year) } : {}),
      });
      emit(opts.json ? `${JSON.stringify({ report, recognition }, null, 2)}\n` : serializePostmortem(report));
      // The recognition report goes to stderr, so the converted file can be piped on.
      if (!opts.json) ctx.io.err(`${formatRecognition(recognition)}\n`);
    });
};
