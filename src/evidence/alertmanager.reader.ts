import { jsonDocuments } from './documents.js';
import { type EntryReader, candidate, pick, str } from './source.js';
import { parseTimeValue } from './time.js';

/** Alertmanager's "still firing" end time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Prometheus Alertmanager webhooks (version 4), one or many (JSON lines or an array). Each alert becomes a
 * candidate at `startsAt` (detected); a resolved one also gives one at `endsAt` (resolved).
 */
export const readAlertmanager: EntryReader = async function* (entry, ctx) {
  // Alerts already seen firing, so a later resolved notification does not give their start a second time.
  const started = new Set<string>();
  for await (const { doc, where } of jsonDocuments(entry, ctx)) {
    if (!Array.isArray(doc.alerts)) {
      ctx.skip(where, 'an Alertmanager webhook without "alerts"');
      continue;
    }
    const receiver = str(doc.receiver);
    for (const a of doc.alerts as Record<string, unknown>[]) {
      const status = str(a.status) ?? str(doc.status) ?? 'firing';
      const isResolved = status === 'resolved';
      const startMs = parseTimeValue(a.startsAt);
      const endMs =
        isResolved && str(a.endsAt) && a.endsAt !== ZERO_TIME ? parseTimeValue(a.endsAt) : undefined;
      if (startMs === undefined && endMs === undefined) {
        ctx.skip(where, `an alert without a usable ${isResolved ? 'endsAt' : 'startsAt'}`);
        continue;
      }
      ctx.stats.records += 1;
      // A notification sent once the alert is over still says when it began: that is the detection, even
      // when the firing notification itself never arrived (grouping, a restart, a late webhook).
      const moments: { ms: number; resolved: boolean }[] = [];
      const key = `${str(a.fingerprint) ?? JSON.stringify(a.labels ?? null)}@${startMs}`;
      if (startMs !== undefined && !started.has(key)) moments.push({ ms: startMs, resolved: false });
      if (started.size < 100_000) started.add(key);
      if (isResolved) moments.push({ ms: endMs ?? (startMs as number), resolved: true });
      for (const { ms, resolved } of moments) {
        const name = str(pick(a, 'labels.alertname')) ?? str(pick(doc, 'commonLabels.alertname')) ?? 'alert';
        const about =
          str(pick(a, 'annotations.summary')) ??
          str(pick(a, 'annotations.description')) ??
          str(pick(doc, 'commonAnnotations.summary')) ??
          '';
        const where2 = [
          str(pick(a, 'labels.service')),
          str(pick(a, 'labels.instance')),
          str(pick(a, 'labels.job')),
        ].find(Boolean);
        const c = candidate({
          ms,
          format: 'alertmanager',
          source: `alertmanager${receiver ? ` ${receiver}` : ''}`,
          channel: receiver,
          text: `${resolved ? 'Resolved' : 'Firing'}: ${name}${about ? ` — ${about}` : ''}${where2 && !about.includes(where2) ? ` (${where2})` : ''}`,
          level: str(pick(a, 'labels.severity')) === 'critical' ? 'fatal' : undefined,
          link:
            str(a.generatorURL) ??
            `${where}${str(a.fingerprint) ? `#fingerprint=${str(a.fingerprint)}` : ''}`,
          excerpt: JSON.stringify({ status, labels: a.labels, startsAt: a.startsAt, endsAt: a.endsAt }),
          topic: `${name} ${where2 ?? ''}`,
          hint: resolved
            ? { kind: 'resolved', reason: `Alertmanager reports ${name} resolved` }
            : { kind: 'detected', reason: `Alertmanager alert ${name} started firing` },
        });
        if (c) yield c;
      }
    }
  }
};
