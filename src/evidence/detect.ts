import type { EvidenceFormat } from './candidate.js';
import { parseLeadingStamp } from './time.js';

/** Bytes read from the start of a file to decide its format. */
export const SNIFF_BYTES = 64 * 1024;

/** A format decision and the evidence it rests on, or why none could be made. */
export type Detection = { format: EvidenceFormat; reason: string } | { format?: undefined; reason: string };

const has = (s: string, ...needles: RegExp[]) => needles.every((n) => n.test(s));
const key = (name: string) => new RegExp(`"${name}"\\s*:`);

/** Decide the format of a file from its first bytes (and nothing else: names can lie). */
export function detectFormat(head: Uint8Array): Detection {
  if (head.length === 0) return { reason: 'the file is empty' };
  const nul = head.indexOf(0);
  // Judge by the complete lines before any binary content; the reader stops (and says so) when it gets there.
  const lastLine = nul === -1 ? head.length : head.lastIndexOf(10, nul) + 1;
  if (nul !== -1 && lastLine === 0) {
    return { reason: `binary content (NUL byte at offset ${nul}), not a text format Hindsight reads` };
  }
  let text = Buffer.from(head.subarray(0, lastLine)).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  const firstLine = trimmed.split('\n', 1)[0]?.trim() ?? '';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // Object-per-line content is judged by its first line; whole documents by the keys that name them.
    let line: Record<string, unknown> | undefined;
    try {
      const v: unknown = JSON.parse(firstLine);
      if (v && typeof v === 'object' && !Array.isArray(v)) line = v as Record<string, unknown>;
    } catch {
      line = undefined;
    }
    if (
      line &&
      (line.type === 'version' ||
        line.type === 'post' ||
        line.type === 'team' ||
        line.type === 'channel' ||
        line.type === 'direct_post')
    )
      return {
        format: 'mattermost',
        reason: 'JSON lines with a "type" of version/team/channel/post (Mattermost bulk export)',
      };
    const probe = line ? firstLine : trimmed;
    if (
      line &&
      ['time', '@timestamp', 'timestamp', 'ts'].some((k) => k in line) &&
      ['msg', 'message', 'level', 'log.level', 'log'].some((k) => k in line)
    )
      return {
        format: 'json-log',
        reason: 'JSON lines with a time and a message or level (pino, bunyan, ECS)',
      };
    if (has(probe, key('log_entries')) || has(probe, /"type"\s*:\s*"[a-z_]+_log_entry"/))
      return { format: 'pagerduty', reason: 'PagerDuty log entries ("log_entries" / "*_log_entry" types)' };
    if (has(probe, key('alerts'), key('startsAt')) || has(probe, key('groupKey')))
      return {
        format: 'alertmanager',
        reason: 'an Alertmanager webhook ("alerts" with "startsAt", "groupKey")',
      };
    if (has(probe, key('alertId')) || has(probe, key('integrationName')) || has(probe, key('tinyId')))
      return { format: 'opsgenie', reason: 'an Opsgenie alert ("alertId", "tinyId", "integrationName")' };
    if (
      has(probe, key('deployment_status')) ||
      has(probe, key('deployment')) ||
      has(probe, key('commits'), key('pusher')) ||
      has(probe, key('head_commit')) ||
      has(probe, key('issue'), key('repository')) ||
      has(probe, key('sha'), key('commit'), key('html_url'))
    )
      return {
        format: 'github',
        reason: 'a GitHub payload (deployment, deployment_status, push, issues or commits)',
      };
    if (has(probe, /"(CreatedDateTime|createdDateTime)"\s*:/) && has(probe, /"(Body|body)"\s*:/))
      return { format: 'teams', reason: 'Microsoft Teams messages ("CreatedDateTime", "Body")' };
    if (
      has(probe, key('ts')) &&
      (has(probe, /"type"\s*:\s*"message"/) || has(probe, key('thread_ts')) || has(probe, key('user')))
    )
      return { format: 'slack', reason: 'Slack messages ("ts", "type":"message", "thread_ts")' };
    if (line) return { reason: 'JSON lines of an unknown kind (no time and message fields)' };
    return { reason: 'a JSON document of an unknown kind' };
  }
  if (/^<\d{1,3}>1 /.test(firstLine)) return { format: 'syslog', reason: 'RFC 5424 syslog (<PRI>1 …)' };
  if (/^<\d{1,3}>[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} /.test(firstLine))
    return { format: 'syslog', reason: 'RFC 3164 syslog (<PRI>Mmm dd hh:mm:ss …)' };
  const lines = trimmed.split('\n', 20).filter((l) => l.trim());
  const bsd = lines.filter((l) =>
    /^[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} \S+ [^\s:[]+(\[\d+\])?: /.test(l),
  ).length;
  if (lines.length > 0 && bsd >= Math.ceil(lines.length / 2))
    return { format: 'syslog', reason: 'BSD syslog lines (Mmm dd hh:mm:ss host tag: …)' };
  const stamped = lines.filter((l) => {
    const r = parseLeadingStamp(l, { zone: 'UTC', year: 2000 });
    return r.ok || r.reason === 'invalid';
  }).length;
  if (lines.length > 0 && stamped >= Math.ceil(lines.length / 2))
    return { format: 'text', reason: 'text lines that start with a timestamp' };
  return { reason: 'no known structure, and the lines do not start with a timestamp' };
}
