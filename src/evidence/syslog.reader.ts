import { readLines } from './lines.js';
import { type EntryReader, candidate, syslogLevel } from './source.js';
import { monthOf, wallToUtc } from '../domain/time.js';
import { parseTimeValue } from './time.js';

const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+)(?: (.*))?$/;
const RFC3164 = /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (.*)$/;
const TAG = /^([^\s:[]{1,64})(?:\[(\d{1,10})\])?: ?(.*)$/;

/** Skip RFC 5424 structured data (`-` or one or more `[id k="v"]` blocks, with `\]` escapes) and return the message. */
function afterStructuredData(rest: string): string | undefined {
  if (rest.startsWith('-')) return rest.slice(1).trimStart();
  let i = 0;
  while (rest[i] === '[') {
    let inQuote = false;
    for (i += 1; i < rest.length; i += 1) {
      const ch = rest[i];
      if (ch === '\\') i += 1;
      else if (ch === '"') inQuote = !inQuote;
      else if (ch === ']' && !inQuote) break;
    }
    if (i >= rest.length) return undefined;
    i += 1;
  }
  return i === 0 ? undefined : rest.slice(i).trimStart();
}

/**
 * Syslog lines: RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`, zoned) and RFC 3164 / BSD
 * (`<PRI>Mmm dd hh:mm:ss HOST TAG: MSG`, with or without PRI), whose stamps carry neither year nor zone:
 * those come from the `year` and `zone` options, and lines are skipped with a clear message without them.
 */
export const readSyslog: EntryReader = async function* (entry, ctx) {
  const { zone, year } = ctx.options;
  for await (const line of readLines(entry.open(), undefined, entry.name)) {
    const where = `${entry.name}:${line.n}`;
    if (line.tooLong) {
      ctx.skip(where, 'line is too long');
      continue;
    }
    const text = line.text.replace(/^\uFEFF/, '');
    if (!text.trim()) continue;
    let m = RFC5424.exec(text);
    if (m) {
      const [, pri, stamp, host, app, procid, , rest] = m;
      if (stamp === '-') {
        ctx.skip(where, 'the syslog line has no timestamp ("-")');
        continue;
      }
      const ms = parseTimeValue(stamp);
      const msg = afterStructuredData(rest ?? '');
      if (ms === undefined || msg === undefined) {
        ctx.skip(
          where,
          ms === undefined ? `impossible or unreadable timestamp "${stamp}"` : 'malformed structured data',
        );
        continue;
      }
      ctx.stats.records += 1;
      const c = candidate({
        ms,
        format: 'syslog',
        source: `syslog ${app === '-' ? 'unknown' : app}${host === '-' ? '' : `@${host}`}`,
        channel: app === '-' ? undefined : app,
        text: msg.replace(/^\uFEFF/, '') || `${app} ${procid}`,
        level: syslogLevel(Number(pri) % 8),
        link: where,
        excerpt: text,
      });
      if (c) yield c;
      continue;
    }
    m = RFC3164.exec(text);
    if (m) {
      const [, pri, mon, day, hh, mm, ss, host, rest] = m;
      if (year === undefined || !zone) {
        ctx.skip(
          where,
          `RFC 3164 syslog stamps have no ${year === undefined ? 'year' : 'zone'}: give ${year === undefined ? '--year' : '--tz'}`,
        );
        continue;
      }
      const ms = wallToUtc(
        {
          year,
          month: monthOf(mon as string) ?? 0,
          day: Number(day),
          hour: Number(hh),
          minute: Number(mm),
          second: Number(ss),
          ms: 0,
        },
        zone,
      );
      if (ms === undefined) {
        ctx.skip(where, `impossible date "${mon} ${day} ${hh}:${mm}:${ss}" in ${year}`);
        continue;
      }
      ctx.stats.records += 1;
      const tag = TAG.exec(rest ?? '');
      const app = tag?.[1];
      const c = candidate({
        ms,
        format: 'syslog',
        source: `syslog ${app ?? 'unknown'}@${host}`,
        channel: app,
        text: tag ? (tag[3] ?? '') || (rest ?? '') : (rest ?? ''),
        level: pri !== undefined ? syslogLevel(Number(pri) % 8) : undefined,
        link: where,
        excerpt: text,
      });
      if (c) yield c;
      continue;
    }
    ctx.skip(where, 'not a syslog line (RFC 5424 or RFC 3164)');
  }
};
