import type { Level } from './candidate.js';
import { readLines } from './lines.js';
import { type EntryReader, baseName, candidate, levelOf } from './source.js';
import { parseLeadingStamp } from './time.js';

const LEVEL_WORD =
  /^[[(]?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|ALERT|EMERG|PANIC)[\])]?:?\s+/i;

/**
 * Plain text logs whose lines start with a timestamp (ISO 8601 and its variants, Apache/nginx, BSD syslog,
 * ctime, Java, epoch). Lines without a stamp continue the previous entry (stack traces) and are not events.
 */
export const readTextLog: EntryReader = async function* (entry, ctx) {
  const { zone, year } = ctx.options;
  const service = baseName(entry.name).replace(/\.(log|txt)$/i, '');
  let toldZone = false;
  for await (const line of readLines(entry.open(), undefined, entry.name)) {
    const where = `${entry.name}:${line.n}`;
    if (line.tooLong) {
      ctx.skip(where, 'line is too long');
      continue;
    }
    if (!line.text.trim()) continue;
    const stamp = parseLeadingStamp(line.text, { zone, year });
    if (!stamp.ok) {
      if (stamp.reason === 'none') {
        ctx.stats.ignored += 1;
        continue;
      }
      if (stamp.reason === 'no-zone' && toldZone) {
        ctx.stats.skipped += 1;
        continue;
      }
      if (stamp.reason === 'no-zone') toldZone = true;
      ctx.skip(
        where,
        stamp.reason === 'invalid'
          ? `impossible date "${stamp.stamp}"`
          : stamp.reason === 'no-zone'
            ? `"${stamp.stamp}" has no zone: give --tz (this is said once per file)`
            : `"${stamp.stamp}" has no year: give --year`,
      );
      continue;
    }
    ctx.stats.records += 1;
    let rest = stamp.rest;
    let level: Level | undefined;
    const lv = LEVEL_WORD.exec(rest);
    if (lv) {
      level = levelOf(lv[1]);
      rest = rest.slice(lv[0].length);
    }
    const c = candidate({
      ms: stamp.ms,
      format: 'text',
      source: `log ${service}`,
      channel: service,
      text: rest || line.text,
      level,
      link: where,
      excerpt: line.text,
    });
    if (c) yield c;
  }
};
