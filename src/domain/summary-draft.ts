// A draft of the executive summary from the other sections: when and how long, the impact figures, the core
// issue, the lessons and the next steps. Deterministic (same report, same draft) and only ever offered: the
// editor puts a part into the summary when the writer accepts it, and never over text the writer wrote.
import { formatDuration, impactTotals, responseTimes } from './metrics.js';
import { labelOf } from './labels.js';
import type { ExecutiveSummary, Report } from './report.schema.js';

export type SummaryPart = 'whatHappened' | 'impact' | 'coreIssue' | 'keyLessons' | 'nextSteps';
export const SUMMARY_PARTS: readonly SummaryPart[] = [
  'whatHappened',
  'impact',
  'coreIssue',
  'keyLessons',
  'nextSteps',
];

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "5 March 2024, 14:02 UTC" */
function when(instant: string): string {
  const d = new Date(instant);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** The first sentence of a prose field, without Markdown list or heading marks. */
function firstSentence(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const plain = text
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*+]|\d+[.)]|#+)\s+/, '').trim())
    .filter(Boolean)
    .join(' ');
  const m = /^.*?[.!?](?=\s|$)/.exec(plain);
  return (m ? m[0] : plain).trim() || undefined;
}

const number = (n: number) => n.toLocaleString('en');
const money = (amount: number, currency: string) => `${number(amount)} ${currency}`;
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

const PRIORITY_ORDER = ['critical', 'high', 'medium', 'low'];
const DETECTED_BY: Record<string, string> = {
  automated: 'by automated monitoring',
  customer: 'through customer reports',
  internal: 'by our own staff',
  third_party: 'by a third party',
  other: '',
};

/** A draft for each part of the summary the other sections give enough for; parts with nothing are absent. */
export function draftSummary(report: Report): Partial<Pick<ExecutiveSummary, SummaryPart>> {
  const out: Partial<Pick<ExecutiveSummary, SummaryPart>> = {};
  const t = responseTimes(report);

  // when, how long, how it was found
  const happened: string[] = [];
  if (t.start) {
    const lasted = t.duration !== undefined ? ` and lasted ${formatDuration(t.duration)}` : '';
    happened.push(`${report.title} started on ${when(t.start)}${lasted}.`);
  }
  if (t.timeToDetect !== undefined || report.detection) {
    const by = report.detection ? DETECTED_BY[report.detection] : '';
    const after = t.timeToDetect !== undefined ? ` after ${formatDuration(t.timeToDetect)}` : '';
    if (by || after) happened.push(`It was detected${by ? ` ${by}` : ''}${after}.`);
  }
  if (t.timeToMitigate !== undefined)
    happened.push(`It was mitigated ${formatDuration(t.timeToMitigate)} after it started.`);
  if (happened.length) out.whatHappened = happened.join(' ');

  // impact figures and money, estimates said to be estimates
  const totals = impactTotals(report);
  const figures = totals.figures.map(
    (f) => `${number(f.total)}${f.unit ? ` ${f.unit}` : ''} ${f.measure}${f.estimated ? ' (estimated)' : ''}`,
  );
  const costs = totals.byCurrency.map(
    (m) => `${money(m.total, m.currency)}${m.estimated ? ' (estimated)' : ''}`,
  );
  const impact: string[] = [];
  if (figures.length) impact.push(`Impact: ${figures.join('; ')}.`);
  if (costs.length) impact.push(`Financial impact: ${costs.join(', ')}.`);
  const customer = firstSentence(report.impact.customer);
  if (customer) impact.push(sentence(customer));
  if (impact.length) out.impact = impact.join(' ');

  const core = firstSentence(report.analysis.primaryCause) ?? firstSentence(report.analysis.causalChain);
  if (core) out.coreIssue = sentence(core);

  // lessons: what went wrong and what could be better first, at most three
  const lessons = [...report.lessons.wentWrong, ...report.lessons.couldImprove, ...report.lessons.lucky]
    .slice(0, 3)
    .map((l) => sentence(l.text));
  if (lessons.length) out.keyLessons = lessons.join(' ');

  // next steps: open actions, most urgent first, then by deadline
  const open = report.actions.items
    .filter((a) => a.status !== 'completed' && a.status !== 'wont_do')
    .sort(
      (a, b) =>
        PRIORITY_ORDER.indexOf(a.priority ?? 'low') - PRIORITY_ORDER.indexOf(b.priority ?? 'low') ||
        (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    )
    .slice(0, 3);
  if (open.length) {
    const steps = open.map((a) => `${a.title}${a.deadline ? ` by ${a.deadline}` : ''}`);
    const more =
      report.actions.items.filter((a) => a.status !== 'completed' && a.status !== 'wont_do').length -
      open.length;
    out.nextSteps = `${steps.join('; ')}${more > 0 ? `; and ${more} more action${more === 1 ? '' : 's'}` : ''}.`;
  } else if (report.actions.items.length) {
    out.nextSteps = `All ${report.actions.items.length} actions are ${labelOf('completed')} or closed.`;
  }
  return out;
}

/**
 * The summary after the writer accepts a drafted part: an empty part takes the draft; a part with text keeps
 * it and gets the draft after it only when `append` is asked for. Writer's text is never replaced.
 */
export function acceptDraft(
  summary: ExecutiveSummary,
  part: SummaryPart,
  draft: string,
  append = false,
): ExecutiveSummary {
  const current = summary[part]?.trim();
  if (!current) return { ...summary, [part]: draft };
  if (!append || current.includes(draft)) return summary;
  return { ...summary, [part]: `${current}\n\n${draft}` };
}
