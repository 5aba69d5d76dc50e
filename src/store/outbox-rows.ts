import { randomUUID } from 'node:crypto';
import type { EventPayload, OutboxEvent } from '../domain/index.js';
import type { OutboxTable } from './database.types.js';

/** An active subscription as the save path reads it: its id, the events it wants, restricted reports too. */
export interface Subscriber {
  id: string;
  events: string;
  restricted: number;
}

/** The question a save asks before it compares old and new: who listens at all. */
export const SUBSCRIBERS_SQL = 'select id, events, restricted from webhooks where active = 1';

/** A pending outbox row, due at once. */
export function outboxRow(
  kind: 'webhook' | 'mail' | 'distribution',
  target: string,
  event: string,
  payload: unknown,
  at: string,
  dueAt = at,
): OutboxTable {
  return {
    id: randomUUID(),
    kind,
    target,
    event,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    due_at: dueAt,
    lease_owner: null,
    lease_until: null,
    last_status: null,
    last_error: null,
    created_at: at,
    sent_at: null,
  };
}

/**
 * One webhook delivery per event and subscription that asked for it; the events of a restricted report only
 * to the subscriptions that opted in to them.
 */
export function deliveriesFor(
  events: EventPayload[],
  subscribers: Subscriber[],
  at: string,
  restricted: boolean,
): OutboxTable[] {
  const wants = subscribers
    .filter((s) => !restricted || Number(s.restricted) === 1)
    .map((s) => ({
      id: s.id,
      events: new Set(JSON.parse(s.events) as OutboxEvent[]),
    }));
  return events.flatMap((e) =>
    wants.filter((s) => s.events.has(e.event)).map((s) => outboxRow('webhook', s.id, e.event, e, at)),
  );
}
