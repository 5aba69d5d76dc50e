import {
  AppError,
  dateSchema,
  isAppError,
  isAwaitingVerification,
  isOverdue,
  labelOf,
  type ActionItem,
} from '../../domain/index.js';
import { reportFiles } from '../report-files.js';
import { actionsCalendar } from '../../render/calendar.ics.js';
import { formatLocated, loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

const FORMATS = ['table', 'json', 'ics'] as const;
type Format = (typeof FORMATS)[number];

interface Listed {
  file: string;
  reportId: string;
  reportTitle: string;
  action: ActionItem;
  overdue: boolean;
  awaitingVerification: boolean;
}

const keyOfName = (s: string) => s.trim().toLowerCase();
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function table(rows: Listed[], today: string): string {
  if (rows.length === 0) return 'No action items.\n';
  const head = ['Report', 'Id', 'Action', 'Owner', 'Deadline', 'Status', 'Verification'];
  const body = rows.map((r) => [
    cut(r.reportId, 28),
    r.action.id,
    cut(r.action.title, 50),
    cut(r.action.owner ?? '-', 24),
    (r.action.deadline ?? '-') + (r.overdue ? ' OVERDUE' : ''),
    labelOf(r.action.status),
    r.action.verification
      ? labelOf(r.action.verification.result)
      : r.awaitingVerification
        ? `awaiting${r.action.verificationPlan?.by ? ` (by ${r.action.verificationPlan.by})` : ''}`
        : r.action.declinedReason
          ? 'declined'
          : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const overdue = rows.filter((r) => r.overdue).length;
  return `${[line(head), ...body.map(line)].join('\n')}\n\n${rows.length} action item${rows.length === 1 ? '' : 's'}, ${overdue} overdue as of ${today}.\n`;
}

export const registerActions: RegisterCommand = (program, ctx) => {
  program
    .command('actions')
    .description('list the action items of Postmortem Markdown reports, for a person or for CI')
    .argument('[paths...]', 'report files, or folders to search for them (default: the current folder)')
    .option('--owner <name>', 'only actions owned by this person or team (any case)')
    .option('--overdue', 'only actions still to be done whose deadline has passed')
    .option('--awaiting-verification', 'only completed actions whose check is not recorded yet')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--fail-on-overdue', 'exit with code 1 when any listed action is overdue')
    .option(
      '--today <date>',
      'the day deadlines are compared with (YYYY-MM-DD)',
      new Date().toISOString().slice(0, 10),
    )
    .action(
      (
        paths: string[],
        opts: {
          owner?: string;
          overdue?: boolean;
          awaitingVerification?: boolean;
          format: string;
          failOnOverdue?: boolean;
          today: string;
        },
      ) => {
        if (!(FORMATS as readonly string[]).includes(opts.format)) {
          throw new AppError(
            'bad_request',
            `--format must be one of ${FORMATS.join(', ')}, not "${opts.format}"`,
          );
        }
        const format = opts.format as Format;
        if (!dateSchema.safeParse(opts.today).success) {
          throw new AppError('bad_request', `--today must be a date written YYYY-MM-DD, not "${opts.today}"`);
        }
        if (opts.owner !== undefined && opts.owner.trim() === '') {
          throw new AppError('bad_request', '--owner needs a name');
        }
        const files = reportFiles(paths.length > 0 ? paths : ['.']);
        if (files.length === 0) {
          throw new AppError(
            'bad_request',
            `no Postmortem Markdown reports found in ${(paths.length ? paths : ['.']).join(', ')}`,
          );
        }
        const rows: Listed[] = [];
        for (const file of files) {
          try {
            const { report } = loadReportFile(file);
            for (const action of report.actions.items) {
              rows.push({
                file,
                reportId: report.id ?? file,
                reportTitle: report.title,
                action,
                overdue: isOverdue(action, opts.today),
                awaitingVerification: isAwaitingVerification(action),
              });
            }
          } catch (e) {
            if (!isAppError(e)) throw e;
            // A file that cannot be read as a report is bad input: say where, go on with the others, exit 2.
            const first = e.details[0];
            ctx.io.err(
              `hindsight: ${first ? formatLocated(file, first.line ?? 1, first.column ?? 1, first.message) : e.message}\n`,
            );
            ctx.setExit(2);
          }
        }
        const owner = opts.owner ? keyOfName(opts.owner) : undefined;
        const listed = rows.filter(
          (r) =>
            (!owner || (r.action.owner !== undefined && keyOfName(r.action.owner) === owner)) &&
            (!opts.overdue || r.overdue) &&
            (!opts.awaitingVerification || r.awaitingVerification),
        );
        if (format === 'json') {
          ctx.io.out(
            `${JSON.stringify(
              listed.map((r) => ({
                file: r.file,
                reportId: r.reportId,
                reportTitle: r.reportTitle,
                ...r.action,
                overdue: r.overdue,
                awaitingVerification: r.awaitingVerification,
              })),
              null,
              2,
            )}\n`,
          );
        } else if (format === 'ics') {
          ctx.io.out(
            actionsCalendar(
              listed.map((r) => ({ reportId: r.reportId, reportTitle: r.reportTitle, action: r.action })),
              { name: 'Hindsight action items', stamp: new Date(`${opts.today}T00:00:00Z`) },
            ),
          );
        } else {
          ctx.io.out(table(listed, opts.today));
        }
        if (opts.failOnOverdue) {
          const overdue = listed.filter((r) => r.overdue);
          if (overdue.length > 0) {
            ctx.io.err(
              `hindsight: ${overdue.length} overdue action item${overdue.length === 1 ? '' : 's'}: ${overdue
                .map((r) => `${r.file} ${r.action.id} (due ${r.action.deadline})`)
                .join(', ')}\n`,
            );
            ctx.setExit(1);
          }
        }
      },
    );
};
