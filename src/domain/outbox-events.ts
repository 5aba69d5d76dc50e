import type { ActionItem, Report } from './report.schema.js';

/** The events Hindsight tells the outside about (webhook subscriptions name some of them). */
export const OUTBOX_EVENTS = [
  'report.created',
  'report.state_changed',
  'report.published',
  'action.created',
  'action.updated',
  'action.overdue',
  'action.completed',
  'action.verified',
] as const;
export type OutboxEvent = (typeof OUTBOX_EVENTS)[number];

/** The version of the payload's shape; a receiver can refuse a version it does not know. */
export const PAYLOAD_VERSION = 1;

/** An action as a payload carries it. */
export interface ActionSummary {
  id: string;
  title: string;
  owner: string | null;
  deadline: string | null;
  status: string;
  successCriterion: string | null;
  verification: { result: string; on: string | null; by: string | null } | null;
}

/** What one event says, before it is addressed to a receiver. */
export interface EventPayload {
  version: typeof PAYLOAD_VERSION;
  event: OutboxEvent;
  occurredAt: string;
  report: { id: string; title: string; state: string; kind: string; severity: string | null };
  action?: ActionSummary;
  /** What the value was before the change (the state of a report, the status of an action). */
  previous?: { state?: string; status?: string };
}

/** The action fields a payload carries (the rest of the item stays in Hindsight). */
export function actionSummary(a: ActionItem): ActionSummary {
  return {
    id: a.id,
    title: a.title,
    owner: a.owner ?? null,
    deadline: a.deadline ?? null,
    status: a.status,
    successCriterion: a.successCriterion ?? null,
    verification: a.verification
      ? { result: a.verification.result, on: a.verification.on ?? null, by: a.verification.by ?? null }
      : null,
  };
}

/** The report fields every payload carries. */
export function reportSummary(id: string, r: Report): EventPayload['report'] {
  return { id, title: r.title, state: r.state, kind: r.kind, severity: r.severity ?? null };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The events a save causes, found by comparing the stored report (`before`, none for a create) with the new
 * one: a new report; a move between lifecycle states (and publication); actions added, changed, completed,
 * and given a verification result (an action added already completed or verified is also named completed
 * and verified, after its creation). Pure, so the same save always yields the same events.
 */
export function eventsOfSave(
  id: string,
  before: Report | undefined,
  after: Report,
  at: string,
): EventPayload[] {
  const report = reportSummary(id, after);
  const base = { version: PAYLOAD_VERSION, occurredAt: at, report } as const;
  const events: EventPayload[] = [];
  if (!before) {
    events.push({ ...base, event: 'report.created' });
    if (after.state === 'published') events.push({ ...base, event: 'report.published' });
  } else if (before.state !== after.state) {
    const previous = { state: before.state };
    events.push({ ...base, event: 'report.state_changed', previous });
    if (after.state === 'published') events.push({ ...base, event: 'report.published', previous });
  }
  const old = new Map((before?.actions.items ?? []).map((a) => [a.id, a]));
  for (const a of after.actions.items) {
    const action = actionSummary(a);
    const prior = old.get(a.id);
    if (!prior) {
      // An action saved already done says so too, in the order it happened: created, completed, verified.
      events.push({ ...base, event: 'action.created', action });
      if (a.status === 'completed') events.push({ ...base, event: 'action.completed', action });
      if (a.verification) events.push({ ...base, event: 'action.verified', action });
      continue;
    }
    if (same(prior, a)) continue;
    events.push({ ...base, event: 'action.updated', action, previous: { status: prior.status } });
    if (a.status === 'completed' && prior.status !== 'completed')
      events.push({ ...base, event: 'action.completed', action, previous: { status: prior.status } });
    if (a.verification && a.verification.result !== prior.verification?.result)
      events.push({ ...base, event: 'action.verified', action });
  }
  return events;
}

/** A one-line sentence for chat (Slack, Mattermost) about an event. */
export function eventSentence(p: EventPayload): string {
  const r = `"${p.report.title}" (${p.report.id})`;
  const a = p.action ? `action ${p.action.id} "${p.action.title}"` : '';
  switch (p.event) {
    case 'report.created':
      return `New post-mortem ${r}.`;
    case 'report.state_changed':
      return `Post-mortem ${r} moved from ${p.previous?.state ?? '?'} to ${p.report.state}.`;
    case 'report.published':
      return `Post-mortem ${r} is published.`;
    case 'action.created':
      return `New ${a} in ${r}${p.action?.owner ? `, owned by ${p.action.owner}` : ''}.`;
    case 'action.updated':
      return `Changed ${a} in ${r} (now ${p.action?.status ?? '?'}).`;
    case 'action.completed':
      return `Completed ${a} in ${r}; it awaits verification.`;
    case 'action.verified':
      return `Verified ${a} in ${r}: ${p.action?.verification?.result ?? '?'}.`;
    case 'action.overdue':
      return `Overdue: ${a} in ${r} was due ${p.action?.deadline ?? '?'}${p.action?.owner ? ` (owner ${p.action.owner})` : ''}.`;
  }
}
