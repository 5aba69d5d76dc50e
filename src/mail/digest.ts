import { isAwaitingVerification, type ActionItem, type Report } from '../domain/index.js';

/** One line of a digest: an action and the report it belongs to. */
export interface DigestAction {
  reportId: string;
  reportTitle: string;
  action: ActionItem;
}

/** What one person's digest holds, sorted into its sections. */
export interface Digest {
  dueSoon: DigestAction[];
  overdue: DigestAction[];
  awaitingVerification: DigestAction[];
  toReview: { id: string; title: string }[];
}

/** `date` (YYYY-MM-DD) moved by `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Sort a person's actions into the digest's sections, on their local `today`: due within `days` (today
 * included), overdue, and completed but not yet verified (isAwaitingVerification: a completed action someone
 * declined to check, with a reason, is not waiting). Won't-do actions are in none.
 */
export function sortActions(
  reports: { id: string; report: Report }[],
  isMine: (owner: string) => boolean,
  today: string,
  days: number,
): Pick<Digest, 'dueSoon' | 'overdue' | 'awaitingVerification'> {
  const horizon = addDays(today, days);
  const out: Pick<Digest, 'dueSoon' | 'overdue' | 'awaitingVerification'> = {
    dueSoon: [],
    overdue: [],
    awaitingVerification: [],
  };
  for (const { id, report } of reports) {
    for (const action of report.actions.items) {
      if (!action.owner || !isMine(action.owner)) continue;
      const line = { reportId: id, reportTitle: report.title, action };
      if (action.status === 'completed') {
        if (isAwaitingVerification(action)) out.awaitingVerification.push(line);
        continue;
      }
      if (action.status === 'wont_do' || !action.deadline) continue;
      if (action.deadline < today) out.overdue.push(line);
      else if (action.deadline <= horizon) out.dueSoon.push(line);
    }
  }
  const byDeadline = (a: DigestAction, b: DigestAction) =>
    (a.action.deadline ?? '').localeCompare(b.action.deadline ?? '');
  out.dueSoon.sort(byDeadline);
  out.overdue.sort(byDeadline);
  return out;
}

const isEmpty = (d: Digest) =>
  d.dueSoon.length + d.overdue.length + d.awaitingVerification.length + d.toReview.length === 0;

/**
 * The e-mail of a digest (plain text), or undefined when there is nothing to say: nobody gets a mail that
 * only says "nothing to do".
 */
export function digestMail(
  d: Digest,
  o: { name: string; days: number; baseUrl: string; unsubscribeUrl: string },
): { subject: string; text: string } | undefined {
  if (isEmpty(d)) return undefined;
  const link = (id: string) => `${o.baseUrl}/reports/${encodeURIComponent(id)}`;
  const action = (l: DigestAction, extra: string) =>
    `  - ${l.action.id} ${l.action.title}${extra}\n    in "${l.reportTitle}": ${link(l.reportId)}`;
  const parts: string[] = [`Hello ${o.name},`, ''];
  if (d.overdue.length > 0)
    parts.push(
      `Past their deadline (${d.overdue.length}):`,
      ...d.overdue.map((l) => action(l, ` (was due ${l.action.deadline})`)),
      '',
    );
  if (d.dueSoon.length > 0)
    parts.push(
      `Due in the next ${o.days} days (${d.dueSoon.length}):`,
      ...d.dueSoon.map((l) => action(l, ` (due ${l.action.deadline})`)),
      '',
    );
  if (d.awaitingVerification.length > 0)
    parts.push(
      `Done, waiting for you to check that they worked (${d.awaitingVerification.length}):`,
      ...d.awaitingVerification.map((l) =>
        action(l, l.action.successCriterion ? ` (success: ${l.action.successCriterion})` : ''),
      ),
      '',
    );
  if (d.toReview.length > 0)
    parts.push(
      `Post-mortems waiting for your review (${d.toReview.length}):`,
      ...d.toReview.map((r) => `  - ${r.title}: ${link(r.id)}`),
      '',
    );
  parts.push('--', `Stop these e-mails: ${o.unsubscribeUrl}`);
  const counts = [
    d.overdue.length > 0 ? `${d.overdue.length} overdue` : '',
    d.dueSoon.length > 0 ? `${d.dueSoon.length} due soon` : '',
    d.awaitingVerification.length > 0 ? `${d.awaitingVerification.length} to verify` : '',
    d.toReview.length > 0 ? `${d.toReview.length} to review` : '',
  ].filter(Boolean);
  return { subject: `Hindsight: ${counts.join(', ')}`, text: `${parts.join('\n')}\n` };
}

/** The local date and hour at `now` in an IANA time zone. */
export function localTime(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
