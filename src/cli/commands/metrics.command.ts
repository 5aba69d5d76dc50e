import '../one-shot.js';
import { AppError, dateSchema, formatDuration, labelOf, reportMetrics } from '../../domain/index.js';
import { loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

export const registerMetrics: RegisterCommand = (program, ctx) => {
  program
    .command('metrics')
    .description('print the figures derived from a report: response times, impact totals, action statistics')
    .argument('<file>', 'a Postmortem Markdown file')
    .option('--json', 'print the figures as JSON (durations in milliseconds)')
    .option(
      '--today <date>',
      'the day deadlines are judged against (YYYY-MM-DD)',
      new Date().toISOString().slice(0, 10),
    )
    .action((file: string, opts: { json?: boolean; today: string }) => {
      if (!dateSchema.safeParse(opts.today).success) {
        throw new AppError('bad_request', `--today must be a date written YYYY-MM-DD, not "${opts.today}"`);
      }
      const { report } = loadReportFile(file);
      const m = reportMetrics(report, opts.today);
      if (opts.json) {
        ctx.io.out(`${JSON.stringify(m, null, 2)}\n`);
        return;
      }
      const lines: string[] = [report.title, ''];
      const t = m.times;
      const row = (label: string, ms: number | undefined) =>
        lines.push(`  ${label.padEnd(18)} ${ms === undefined ? 'not known' : formatDuration(ms)}`);
      lines.push('Response times');
      row('time to detect', t.timeToDetect);
      row('time to respond', t.timeToRespond);
      row('time to mitigate', t.timeToMitigate);
      row('time to resolve', t.timeToResolve);
      row('duration', t.duration);
      lines.push('', 'Impact');
      if (m.impact.byCurrency.length === 0) lines.push('  no financial lines');
      for (const c of m.impact.byCurrency) {
        lines.push(`  ${c.total} ${c.currency}${c.estimated ? ' (includes estimates)' : ''}`);
      }
      for (const k of m.impact.byKind) {
        lines.push(`    ${labelOf(k.kind)}: ${k.total} ${k.currency}${k.estimated ? ' (estimate)' : ''}`);
      }
      for (const f of m.impact.figures) {
        lines.push(
          `  ${labelOf(f.category)}: ${f.measure} ${f.total}${f.unit ? ` ${f.unit}` : ''}${f.estimated ? ' (estimate)' : ''}`,
        );
      }
      const a = m.actions;
      lines.push('', 'Action items');
      lines.push(`  ${a.total} in all, ${a.completed} completed, ${a.overdue} overdue (as of ${opts.today})`);
      lines.push(
        `  by status: ${Object.entries(a.byStatus)
          .map(([k, v]) => `${labelOf(k)} ${v}`)
          .join(', ')}`,
      );
      lines.push(
        `  missing: owner ${a.withoutOwner}, deadline ${a.withoutDeadline}, success criterion ${a.withoutSuccessCriterion}`,
      );
      lines.push(
        `  verified: effective ${a.verifiedEffective}, not effective ${a.verifiedIneffective}, inconclusive ${a.verifiedInconclusive}; awaiting verification ${a.awaitingVerification}`,
      );
      lines.push('', `Timeline: ${m.timeline.events} events, ${m.timeline.unknownTimes} with unknown time`);
      ctx.io.out(`${lines.join('\n')}\n`);
    });
};
