import type { KindSuggestion } from './candidate.js';
import { jsonDocuments } from './documents.js';
import { type EntryReader, candidate, pick, str } from './source.js';
import { parseTimeValue } from './time.js';

const HINTS: Record<string, KindSuggestion> = {
  trigger: { kind: 'detected', reason: 'PagerDuty triggered the incident' },
  acknowledge: { kind: 'responded', reason: 'someone acknowledged the PagerDuty incident' },
  acknowledgement: { kind: 'responded', reason: 'someone acknowledged the PagerDuty incident' },
  resolve: { kind: 'resolved', reason: 'the PagerDuty incident was resolved' },
};

/** PagerDuty incident log entries (`{"log_entries":[…]}` pages, a bare array, or JSON lines of entries). */
export const readPagerDuty: EntryReader = async function* (entry, ctx) {
  for await (const { doc, where } of jsonDocuments(entry, ctx, ['log_entries'])) {
    if (Array.isArray(doc.log_entries)) {
      // A page that was not streamed (JSON lines of pages): walk its entries.
      for (const e of doc.log_entries as Record<string, unknown>[]) {
        const c = toCandidate(e, where, ctx);
        if (c) yield c;
      }
      continue;
    }
    const c = toCandidate(doc, where, ctx);
    if (c) yield c;
  }
};

function toCandidate(e: Record<string, unknown>, where: string, ctx: Parameters<EntryReader>[1]) {
  const type = str(e.type);
  const ms = parseTimeValue(e.created_at);
  if (!type || ms === undefined) {
    ctx.skip(where, `a log entry without ${type ? 'a usable created_at' : 'a type'}`);
    return undefined;
  }
  ctx.stats.records += 1;
  const verb = type.replace(/_log_entry(_reference)?$/, '');
  const incident = str(pick(e, 'incident.summary'));
  const note = str(pick(e, 'note.content')) ?? str(pick(e, 'note'));
  const summary = str(e.summary) ?? verb;
  const text = [
    summary,
    note && !summary.includes(note) ? note : undefined,
    incident && !summary.includes(incident) ? `(${incident})` : undefined,
  ]
    .filter(Boolean)
    .join(' — ');
  return candidate({
    ms,
    format: 'pagerduty',
    source: `pagerduty${str(pick(e, 'channel.type')) ? ` ${str(pick(e, 'channel.type'))}` : ''}`,
    channel: str(pick(e, 'service.summary')),
    actor: str(pick(e, 'agent.summary')),
    text,
    link: str(e.html_url) ?? `${where}${str(e.id) ? `#id=${str(e.id)}` : ''}`,
    excerpt: JSON.stringify({
      type,
      summary: e.summary,
      created_at: e.created_at,
      agent: pick(e, 'agent.summary'),
    }),
    hint: HINTS[verb],
    topic: incident ?? str(pick(e, 'event_details.description')),
  });
}
