import ical from 'ical-generator';
import { labelOf, type ActionItem } from '../domain/index.js';

/** One action of one report, as a calendar shows it. */
export interface CalendarAction {
  reportId: string;
  reportTitle: string;
  action: Pick<ActionItem, 'id' | 'title' | 'owner' | 'deadline' | 'status'> & {
    verificationPlan?: { how?: string; by?: string };
    verification?: { result: string };
  };
  /** A link to the report, when there is a server to link to. */
  url?: string;
}

export interface CalendarOptions {
  name: string;
  /** DTSTAMP of every event; fixed so that the same actions give the same file. */
  stamp: Date;
}

const day = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * An iCalendar file (RFC 5545) of action deadlines and verification dates: one all-day event per deadline of
 * an action still to be done, and one per planned verification not yet recorded. Event ids are stable
 * (report, action, kind), so a calendar that subscribes updates events instead of duplicating them.
 */
export function actionsCalendar(entries: CalendarAction[], options: CalendarOptions): string {
  const cal = ical({ name: options.name, prodId: { company: 'hindsight', product: 'actions' } });
  for (const { reportId, reportTitle, action: a, url } of entries) {
    const uid = (kind: string) => `${encodeURIComponent(reportId)}.${a.id}.${kind}@hindsight`;
    const about = [
      `Report: ${reportTitle} (${reportId})`,
      `Owner: ${a.owner ?? 'none'}`,
      `Status: ${labelOf(a.status)}`,
    ];
    const done = a.status === 'completed' || a.status === 'wont_do';
    if (a.deadline && !done) {
      cal.createEvent({
        id: uid('due'),
        start: day(a.deadline),
        allDay: true,
        stamp: options.stamp,
        summary: `Due: ${a.id} ${a.title}`,
        description: about.join('\n'),
        ...(url ? { url } : {}),
      });
    }
    if (a.verificationPlan?.by && !a.verification && a.status !== 'wont_do') {
      cal.createEvent({
        id: uid('verify'),
        start: day(a.verificationPlan.by),
        allDay: true,
        stamp: options.stamp,
        summary: `Verify: ${a.id} ${a.title}`,
        description: [...about, ...(a.verificationPlan.how ? [`How: ${a.verificationPlan.how}`] : [])].join(
          '\n',
        ),
        ...(url ? { url } : {}),
      });
    }
  }
  return cal.toString();
}
