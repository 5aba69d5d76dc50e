// Exports of a report in each format and for each audience, all rendered from the current report.
import { reportCharts } from '../charts/index.js';
import {
  actionStatistics,
  formatDuration,
  impactTotals,
  labelOf,
  publicVersion,
  responseTimes,
  type Audience,
  type InternalNetwork,
  type Report,
  type SeverityScale,
} from '../domain/index.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { renderHtml } from './html.render.js';

export const EXPORT_FORMATS = ['html', 'pdf', 'md', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  audience: Audience;
  /** Today (YYYY-MM-DD), for overdue actions in the charts. */
  today: string;
  scale?: SeverityScale;
  /** Internal domains, host suffixes and IP ranges (settings internalNetwork): kept out of the public version. */
  network?: InternalNetwork;
}

/** The report a version is rendered from: the public version is derived, the others are the report itself. */
export function reportFor(report: Report, options: Pick<ExportOptions, 'audience' | 'network'>): Report {
  if (options.audience !== 'public') return report;
  return publicVersion(report, options.network ? { network: options.network } : {}).report;
}

/** The executive version as data: what the one page shows. */
export function executiveData(report: Report, today: string) {
  const times = responseTimes(report);
  const totals = impactTotals(report);
  const stats = actionStatistics(report, today);
  return {
    audience: 'executive' as const,
    id: report.id,
    title: report.title,
    kind: report.kind,
    state: report.state,
    severity: report.severity,
    period: report.period,
    duration: times.duration,
    summary: report.summary,
    impact: { figures: totals.figures, money: totals.byCurrency },
    primaryCause: report.analysis.primaryCause,
    actions: {
      byStatus: stats.byStatus,
      overdue: stats.overdue,
      items: report.actions.items.map((a) => ({
        id: a.id,
        title: a.title,
        status: a.status,
        ...(a.owner ? { owner: a.owner } : {}),
        ...(a.deadline ? { deadline: a.deadline } : {}),
      })),
    },
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The executive version as Markdown. */
export function executiveMarkdown(report: Report, today: string): string {
  const d = executiveData(report, today);
  const out = [`# ${report.title}`, '', '*Executive summary*', ''];
  const facts = [`- **State:** ${labelOf(d.state)}`];
  if (d.severity) facts.push(`- **Severity:** ${d.severity}`);
  if (d.period.start) facts.push(`- **Started:** ${d.period.start}`);
  if (d.duration !== undefined) facts.push(`- **Duration:** ${formatDuration(d.duration)}`);
  for (const m of d.impact.money)
    facts.push(
      `- **Financial impact:** ${m.total} ${m.currency}${m.estimated ? ' (includes estimates)' : ''}`,
    );
  out.push(...facts, '');
  for (const [title, text] of [
    ['What happened', d.summary.whatHappened],
    ['Impact', d.summary.impact],
    ['Core issue', d.summary.coreIssue],
    ['Key lessons', d.summary.keyLessons],
    ['Next steps', d.summary.nextSteps],
  ] as const) {
    if (text) out.push(`## ${title}`, '', text, '');
  }
  if (d.impact.figures.length) {
    out.push('## Impact figures', '', '| Measure | Total | Unit | Basis |', '| --- | --- | --- | --- |');
    for (const f of d.impact.figures)
      out.push(
        `| ${cell(f.measure)} | ${f.total} | ${cell(f.unit ?? '')} | ${f.estimated ? 'estimate' : 'confirmed'} |`,
      );
    out.push('');
  }
  if (d.primaryCause) out.push('## Primary cause', '', d.primaryCause, '');
  if (d.actions.items.length) {
    out.push(
      '## Actions',
      '',
      '| ID | Action | Status | Owner | Deadline |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const a of d.actions.items) {
      out.push(
        `| ${a.id} | ${cell(a.title)} | ${labelOf(a.status)} | ${cell(a.owner ?? '')} | ${a.deadline ?? ''} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** A text export (everything but PDF) of the report for an audience. */
export async function exportText(
  report: Report,
  format: Exclude<ExportFormat, 'pdf'>,
  options: ExportOptions,
): Promise<{ text: string; contentType: string }> {
  const version = reportFor(report, options);
  switch (format) {
    case 'html': {
      const charts = await reportCharts(version, options.today);
      return {
        text: renderHtml(version, {
          charts,
          audience: options.audience,
          ...(options.scale ? { scale: options.scale } : {}),
        }),
        contentType: 'text/html; charset=utf-8',
      };
    }
    case 'md':
      return {
        text:
          options.audience === 'executive'
            ? executiveMarkdown(version, options.today)
            : serializePostmortem(version),
        contentType: 'text/markdown; charset=utf-8',
      };
    case 'json':
      return {
        text: `${JSON.stringify(options.audience === 'executive' ? executiveData(version, options.today) : version, null, 2)}\n`,
        contentType: 'application/json; charset=utf-8',
      };
  }
}
