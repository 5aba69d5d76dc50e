import {
  AppError,
  computeInsights,
  dateSchema,
  DURATION_MEASURES,
  insightRow,
  isAppError,
  type Insights,
} from '../../domain/index.js';
import { reportFiles } from '../report-files.js';
import { loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

const LABELS: Record<(typeof DURATION_MEASURES)[number], string> = {
  timeToDetect: 'Time to detect',
  timeToRespond: 'Time to respond',
  timeToMitigate: 'Time to mitigate',
  timeToResolve: 'Time to resolve',
};

/** The figures as text: every distribution with the count behind it, never a mean. */
function formatInsights(f: Insights, files: number): string {
  const lines = [`${f.reports} reports from ${files} file${files === 1 ? '' : 's'}`];
  const h = (n: number) => `${n} h`;
  for (const m of DURATION_MEASURES) {
    const d = f.durations[m];
    if (d.byQuarter.length === 0 && d.bySeverity.length === 0) continue;
    lines.push('', `${LABELS[m]} (hours: median, p25–p75, p90, max; n)`);
    for (const [by, rows] of [
      ['quarter', d.byQuarter],
      ['severity', d.bySeverity],
    ] as const) {
      for (const r of rows)
        lines.push(
          `  ${by} ${r.group.padEnd(10)} ${h(r.median)}, ${r.p25}–${r.p75}, ${r.p90}, ${r.max}; n=${r.count}`,
        );
    }
  }
  const counts = (title: string, rows: { group: string; count: number }[]) => {
    if (rows.length === 0) return;
    lines.push('', title);
    for (const r of rows) lines.push(`  ${r.group.padEnd(24)} ${r.count}`);
  };
  counts(
    'Detection by quarter',
    f.detection.map((d) => ({ group: `${d.period} ${d.series}`, count: d.count })),
  );
  counts('Actions by status', f.followUp.statuses);
  counts('Open actions overdue, by age', f.followUp.overdueByAge);
  counts('Completed actions by verification', f.followUp.verification);
  // A file has no history: when an action was completed is unknown unless it had no deadline.
  counts('Completed actions against their deadline', f.followUp.completion);
  if (f.health.daysToPublish.length > 0) {
    lines.push('', 'Days from incident to publication (median, p25–p75, max; n)');
    for (const r of f.health.daysToPublish)
      lines.push(`  ${r.group.padEnd(10)} ${r.median}, ${r.p25}–${r.p75}, ${r.max}; n=${r.count}`);
  }
  counts('Review rounds of published reports', f.health.reviewRounds);
  if (f.health.quality.length > 0) {
    lines.push('', 'Quality scores, 0–100 (median, p25–p75, min, max; n)');
    for (const r of f.health.quality)
      lines.push(`  ${r.group.padEnd(10)} ${r.median}, ${r.p25}–${r.p75}, ${r.min}, ${r.max}; n=${r.count}`);
  }
  counts('Reports by system', f.bySystem);
  counts('Reports by kind', f.byKind);
  return `${lines.join('\n')}\n`;
}

export const registerInsights: RegisterCommand = (program, ctx) => {
  program
    .command('insights')
    .description(
      'figures over Postmortem Markdown files: durations by quarter and severity, detection, follow-up',
    )
    .argument('[paths...]', 'files or folders (searched for Postmortem Markdown)', ['.'])
    .option('--json', 'print the figures as JSON (durations in hours, as the API gives them)')
    .option(
      '--today <date>',
      'the day deadlines are judged against (YYYY-MM-DD)',
      new Date().toISOString().slice(0, 10),
    )
    .action(async (paths: string[], opts: { json?: boolean; today: string }) => {
      if (!dateSchema.safeParse(opts.today).success) {
        throw new AppError('bad_request', `--today must be a date written YYYY-MM-DD, not "${opts.today}"`);
      }
      const files = reportFiles(paths);
      // The quality score of each file, as `hindsight lint` gives it (the linter loads only for this command).
      const { qualityScore } = await import('../../lint/index.js');
      const rows = [];
      for (const file of files) {
        try {
          const { report } = loadReportFile(file);
          // A file has no history: publication and review figures stay empty.
          rows.push(insightRow(report.id ?? file, report, { qualityScore: qualityScore(report) }));
        } catch (e) {
          if (!isAppError(e)) throw e;
          ctx.io.err(`hindsight: ${e.message} (left out)\n`);
          for (const d of e.details ?? []) {
            if (d.line !== undefined)
              ctx.io.err(`  ${d.file ?? file}:${d.line}:${d.column ?? 1}: ${d.message}\n`);
          }
          ctx.setExit(1);
        }
      }
      const figures = computeInsights(rows, opts.today);
      ctx.io.out(opts.json ? `${JSON.stringify(figures, null, 2)}\n` : formatInsights(figures, files.length));
    });
};
