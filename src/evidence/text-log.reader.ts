import { type Candidate, type Level, isBlank } from './candidate.js';
import { type PassOver, readLineBatches } from './lines.js';
import { type EntryReader, baseName, candidate, levelOf } from './source.js';
import { parseLeadingStamp } from './time.js';

const LEVEL_WORD =
  /^[[(]?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|ALERT|EMERG|PANIC)[\])]?:?\s+/i;

/**
 * Plain text logs whose lines start with a timestamp (ISO 8601 and its variants, Apache/nginx, BSD syslog,
 * ctime, Java, epoch). Lines without a stamp continue the previous entry (stack traces) and are not events.
 */
export const readTextLog: EntryReader = async function* (entry, ctx) {
  const { zone, year, from, to, lookbackMs } = ctx.options;
  // Lines stamped well outside the window (even for a change, which is read from `lookbackMs` before it) are
  // counted and passed over without the full parse; the rest take the usual path.
  const lo = from === undefined ? -Infinity : from - lookbackMs - 1000;
  const hi = to === undefined ? Infinity : to + 1000;
  const screening = from !== undefined || to !== undefined;
  const service = baseName(entry.name).replace(/\.(log|txt)$/i, '');
  let toldZone = false;
  // Lines stamped well outside the window are passed over on their bytes, before they are decoded: most lines
  // of a big log, at the cost of reading their first twenty-odd bytes.
  const passOver: PassOver | undefined = screening
    ? (buf, s, e) => {
        const ms = isoSecondAt(buf, s, e);
        if (ms === undefined || !(ms < lo || ms > hi)) return false;
        ctx.stats.records += 1;
        ctx.stats.filtered += 1;
        return true;
      }
    : undefined;
  // A batch's candidates are yielded at once (an async step costs more than a candidate), and before any
  // message, so that messages keep their order against the pipeline's.
  let out: Candidate[] = [];
  for await (const batch of readLineBatches(entry.open(), undefined, entry.name, passOver)) {
    for (const line of batch) {
      if (screening && !line.tooLong) {
        const ms = isoSecond(line.text);
        if (ms !== undefined && (ms < lo || ms > hi)) {
          ctx.stats.records += 1;
          ctx.stats.filtered += 1;
          continue;
        }
      }
      if (line.tooLong) {
        if (out.length > 0) yield out;
        out = [];
        ctx.skip(`${entry.name}:${line.n}`, 'line is too long');
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
        if (out.length > 0) yield out;
        out = [];
        ctx.skip(
          `${entry.name}:${line.n}`,
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
      const text = rest || line.text;
      // Past the limit the pipeline only counts: it is told the instant and level, and nothing is built.
      if (ctx.tally && !isBlank(text) && ctx.tally(stamp.ms, level)) continue;
      const c = candidate({
        ms: stamp.ms,
        format: 'text',
        source: `log ${service}`,
        channel: service,
        text,
        level,
        link: `${entry.name}:${line.n}`,
        excerpt: line.text,
      });
      if (c) out.push(c);
    }
    if (out.length > 0) yield out;
    out = [];
  }
};

const digits = (s: string, at: number, n: number): number => {
  let v = 0;
  for (let i = at; i < at + n; i += 1) {
    const d = s.charCodeAt(i) - 48;
    // Past the end of s, d is NaN: not a digit either.
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
};

/**
 * The instant, to the second, of a line that starts `YYYY-MM-DDTHH:MM:SS` (or a space for the T), an optional
 * fraction, then `Z` or `±HH:MM`: the commonest stamp, read without a regular expression. Undefined for any
 * other start, or values out of range; such lines go through parseLeadingStamp.
 */
export function isoSecond(s: string): number | undefined {
  if (s.length < 20 || s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return undefined;
  if (s[10] !== 'T' && s[10] !== ' ') return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 28 || h > 23 || mi > 59 || sec > 59) return undefined;
  let p = 19;
  if (s[p] === '.' || s[p] === ',') {
    p += 1;
    const start = p;
    while (p < s.length && p - start < 9 && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p += 1;
    if (p === start) return undefined;
  }
  const base = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (s[p] === 'Z') return base;
  if ((s[p] === '+' || s[p] === '-') && s[p + 3] === ':') {
    const oh = digits(s, p + 1, 2);
    const om = digits(s, p + 4, 2);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return undefined;
    return base - (s[p] === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
  }
  return undefined;
}

/** A two-digit (or four-digit) number of buf at `at`, or -1 when a byte is not a digit, as `digits` reads it. */
function digitsAt(buf: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i += 1) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * isoSecond on the bytes buf[s, e) of an undecoded line: the same answer wherever the stamp is ASCII (any other
 * byte in it gives undefined, and the decoded line is then judged by isoSecond).
 */
export function isoSecondAt(buf: Buffer, s: number, e: number): number | undefined {
  if (
    e - s < 20 ||
    buf[s + 4] !== 0x2d ||
    buf[s + 7] !== 0x2d ||
    buf[s + 13] !== 0x3a ||
    buf[s + 16] !== 0x3a
  )
    return undefined;
  if (buf[s + 10] !== 0x54 && buf[s + 10] !== 0x20) return undefined;
  const y = digitsAt(buf, s, 4);
  const mo = digitsAt(buf, s + 5, 2);
  const d = digitsAt(buf, s + 8, 2);
  const h = digitsAt(buf, s + 11, 2);
  const mi = digitsAt(buf, s + 14, 2);
  const sec = digitsAt(buf, s + 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 28 || h > 23 || mi > 59 || sec > 59) return undefined;
  let p = s + 19;
  if (buf[p] === 0x2e || buf[p] === 0x2c) {
    p += 1;
    const start = p;
    while (p < e && p - start < 9 && (buf[p] as number) >= 48 && (buf[p] as number) <= 57) p += 1;
    if (p === start) return undefined;
  }
  const base = Date.UTC(y, mo - 1, d, h, mi, sec);
  const c = p < e ? buf[p] : undefined;
  if (c === 0x5a) return base;
  if ((c === 0x2b || c === 0x2d) && p + 3 < e && buf[p + 3] === 0x3a) {
    const oh = p + 3 <= e ? digitsAt(buf, p + 1, 2) : -1;
    const om = p + 6 <= e ? digitsAt(buf, p + 4, 2) : -1;
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return undefined;
    return base - (c === 0x2b ? 1 : -1) * (oh * 60 + om) * 60_000;
  }
  return undefined;
}
