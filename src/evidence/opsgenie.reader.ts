import type { KindSuggestion } from './candidate.js';
import { jsonDocuments } from './documents.js';
import { type EntryReader, candidate, pick, str } from './source.js';
import { epochToMs, parseTimeValue } from './time.js';

const HINTS: Record<string, KindSuggestion> = {
  create: { kind: 'detected', reason: 'Opsgenie created the alert' },
  acknowledge: { kind: 'responded', reason: 'someone acknowledged the Opsgenie alert' },
  close: { kind: 'resolved', reason: 'the Opsgenie alert was closed' },
};

/**
 * Opsgenie webhooks (`{"action","alert":{…}}`, one or many) and alert API answers (`{"data":{…}}` or
 * `{"data":[…]}`). A webhook's instant is the alert's `updatedAt` (nanoseconds) for every action but Create.
 */
export const readOpsgenie: EntryReader = async function* (entry, ctx) {
  for await (const { doc, where } of jsonDocuments(entry, ctx, ['data'])) {
    const alerts: { alert: Record<string, unknown>; action?: string; doc: Record<string, unknown> }[] = [];
    if (doc.alert && typeof doc.alert === 'object')
      alerts.push({ alert: doc.alert as Record<string, unknown>, action: str(doc.action), doc });
    else if (Array.isArray(doc.data))
      for (const a of doc.data as Record<string, unknown>[]) alerts.push({ alert: a, doc });
    else if (doc.data && typeof doc.data === 'object')
      alerts.push({ alert: doc.data as Record<string, unknown>, doc });
    else if (doc.message && (doc.id || doc.alertId)) alerts.push({ alert: doc, doc });
    else {
      ctx.skip(where, 'not an Opsgenie alert or webhook');
      continue;
    }
    for (const { alert, action, doc: d } of alerts) {
      const verb = (action ?? 'create').toLowerCase();
      const updated = alert.updatedAt;
      const created = alert.createdAt;
      const ms =
        action && verb !== 'create' && updated !== undefined
          ? epochToMs(Number(updated))
          : typeof created === 'number'
            ? epochToMs(created)
            : parseTimeValue(created);
      if (ms === undefined) {
        ctx.skip(where, 'an alert without a usable createdAt/updatedAt');
        continue;
      }
      ctx.stats.records += 1;
      const message = str(alert.message) ?? 'alert';
      const note = str(alert.note);
      const text = `${action ? `${action}: ` : ''}${message}${note ? ` — ${note}` : ''}`;
      const id = str(alert.tinyId) ?? str(alert.alertId) ?? str(alert.id);
      const c = candidate({
        ms,
        format: 'opsgenie',
        source: `opsgenie${str(pick(d, 'integrationName')) ? ` ${str(pick(d, 'integrationName'))}` : ''}`,
        channel: Array.isArray(alert.teams)
          ? (alert.teams as unknown[]).map(String).join(',') || undefined
          : undefined,
        actor: str(alert.username) ?? str(alert.owner),
        text,
        link: `${where}${id ? `#alert=${id}` : ''}`,
        excerpt: JSON.stringify({
          action,
          message: alert.message,
          alias: alert.alias,
          priority: alert.priority,
        }),
        hint: HINTS[verb],
        topic: message,
      });
      if (c) yield c;
    }
  }
};
