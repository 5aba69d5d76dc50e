import '../one-shot.js';
import { existsSync } from 'node:fs';
import {
  AppError,
  isTimeZone,
  lineSchema,
  newReport,
  REPORT_KINDS,
  type ReportKind,
} from '../../domain/index.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';
import { writeTextFile } from '../io.js';
import type { RegisterCommand } from './register.js';

export const registerNew: RegisterCommand = (program, ctx) => {
  program
    .command('new')
    .description('write a new post-mortem from a template, as Postmortem Markdown')
    .option('-t, --template <kind>', `the kind of report: ${REPORT_KINDS.join(', ')}`, 'outage')
    .option('--title <title>', 'the title of the report')
    .option('--timezone <zone>', 'the IANA time zone the team works in', 'UTC')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('-f, --force', 'overwrite the output file if it exists')
    .action(
      (opts: { template: string; title?: string; timezone: string; output?: string; force?: boolean }) => {
        if (!REPORT_KINDS.includes(opts.template as ReportKind)) {
          throw new AppError(
            'bad_request',
            `unknown template "${opts.template}"; choose one of: ${REPORT_KINDS.join(', ')}`,
          );
        }
        if (opts.title !== undefined && !lineSchema.safeParse(opts.title).success) {
          throw new AppError(
            'bad_request',
            '--title must be one line of text, without leading or trailing spaces',
          );
        }
        if (!isTimeZone(opts.timezone)) {
          throw new AppError(
            'bad_request',
            `unknown time zone "${opts.timezone}"; use an IANA name such as Europe/Paris`,
          );
        }
        const report = newReport(opts.template as ReportKind, {
          ...(opts.title ? { title: opts.title } : {}),
          timezone: opts.timezone,
        });
        const md = serializePostmortem(report);
        if (!opts.output) {
          ctx.io.out(md);
          return;
        }
        if (existsSync(opts.output) && !opts.force) {
          throw new AppError('io', `${opts.output}: already exists; use --force to overwrite it`);
        }
        writeTextFile(opts.output, md);
        ctx.io.err(`wrote ${opts.output}\n`);
      },
    );
};
