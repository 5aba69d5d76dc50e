// Evidence-specific time reading (epoch numbers, stamps at the start of log lines); months, offsets and
// wall-clock → UTC come from the domain's time module, which the foreign import uses too.
import { isTimeZone, parseInstant } from '../domain/instant.js';
import { isValidWall, monthOf, parseOffset, wallToUtc, type WallTime } from '../domain/time.js';

/** Check a zone option up front, so a typo fails once with a clear message. */
export function checkZone(zone: string): boolean {
  return zone === 'Z' || isTimeZone(zone);
}

/** The last instant a reader accepts: the end of the year 9999, the last one ISO 8601 writes in four digits. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The one place where a number a reader found becomes an instant (epoch ms): undefined outside 1970-9999, so
 * that the reader reports the line as unreadable instead of failing later on an impossible date.
 */
export function instantFromMs(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= LAST_MS ? ms : undefined;
}

/** Epoch ms from a number that is epoch seconds, milliseconds, microseconds or nanoseconds (by magnitude). */
export function epochToMs(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value < 1e11) return instantFromMs(Math.round(value * 1000)); // seconds (until the year 5138)
  if (value < 1e14) return instantFromMs(Math.round(value)); // milliseconds
  if (value < 1e17) return instantFromMs(Math.round(value / 1000)); // microseconds
  return instantFromMs(Math.round(value / 1e6)); // nanoseconds
}

/** Milliseconds from a fraction of a second written as digits ("123", "123456"). */
export function fractionMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Math.floor(Number(`0.${digits}`) * 1000 + 1e-6);
}

/**
 * Parse a timestamp value from a structured source: ISO 8601 with or without zone (zone-less needs `zone`),
 * offsets without a colon ("+0100"), or an epoch number / numeric string. Undefined when unusable.
 */
export function parseTimeValue(value: unknown, zone?: string): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^\d{9,19}(\.\d+)?$/.test(s)) return epochToMs(Number(s));
  const direct = parseInstant(s);
  if (direct !== undefined) return direct;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$/i.exec(
      s,
    );
  if (!m) return undefined;
  const w: WallTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    ms: fractionMs(m[7]),
  };
  if (m[8]) {
    const off = parseOffset(m[8]);
    return off === undefined ? undefined : wallToUtc(w, off);
  }
  return zone ? wallToUtc(w, zone) : undefined;
}

/** What a leading timestamp of a text line gave: the instant, where the rest of the line starts, or why not. */
export type LeadingStamp =
  | { ok: true; ms: number; rest: string }
  | { ok: false; reason: 'none' | 'invalid' | 'no-zone' | 'no-year'; stamp?: string };

// Each style: the pattern at the start of a line, and how to read its fields. Order matters: most specific first.
const ISO_LIKE =
  /^\[?(\d{4})[-/.](\d{2})[-/.](\d{2})[T ]+(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}\b|UTC|GMT)?\]?/i;
// 10/Oct/2000:13:55:36 -0700 (Apache, nginx)
const CLF = /^\[?(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s([+-]\d{4}))?\]?/;
// Mar  1 14:05:00 (BSD syslog style, no year)
const BSD = /^\[?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\]?/;
// Fri Mar  1 14:05:00 UTC 2024 / Fri Mar 01 14:05:00 2024 (date(1), ctime)
const CTIME =
  /^\[?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: ([A-Z]{3,5}|[+-]\d{4}))? (\d{4})\]?/;
// 01-Mar-2024 14:05:00.123 (Tomcat, Java)
const DMY_NAME =
  /^\[?(\d{1,2})[- ]([A-Z][a-z]{2})[- ](\d{4})[ :T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?\]?/;
// 1709301900.123 or 1709301900123 (epoch, seconds or ms)
const EPOCH = /^\[?(\d{10}(?:\.\d{1,9})?|\d{13})\]?(?=\s)/;

/**
 * Read a timestamp at the start of a text line in one of many common styles. Zone-less stamps use `zone`;
 * stamps without a year use `year`. The reason tells what is missing when it fails.
 */
export function parseLeadingStamp(line: string, opts: { zone?: string; year?: number }): LeadingStamp {
  let m: RegExpExecArray | null;
  const done = (ms: number | undefined, len: number, stamp: string): LeadingStamp =>
    ms === undefined
      ? { ok: false, reason: 'invalid', stamp }
      : { ok: true, ms, rest: line.slice(len).trim() };
  const inZone = (w: WallTime, zoneText: string | undefined, len: number, raw: string): LeadingStamp => {
    const stamp = raw.trim();
    if (!isValidWall(w)) return { ok: false, reason: 'invalid', stamp };
    if (zoneText) {
      const off = parseOffset(zoneText);
      if (off !== undefined) return done(wallToUtc(w, off), len, stamp);
    }
    if (!opts.zone) return { ok: false, reason: 'no-zone', stamp };
    return done(wallToUtc(w, opts.zone), len, stamp);
  };
  if ((m = ISO_LIKE.exec(line))) {
    const w = wall(m[1], m[2], m[3], m[4], m[5], m[6], m[7]);
    return inZone(w, m[8], m[0].length, m[0]);
  }
  if ((m = CLF.exec(line))) {
    const month = monthOf(m[2] as string) ?? 0;
    const w = wall(m[3], String(month), m[1], m[4], m[5], m[6], undefined);
    return inZone(w, m[7], m[0].length, m[0]);
  }
  if ((m = CTIME.exec(line))) {
    const month = monthOf(m[1] as string) ?? 0;
    const w = wall(m[8], String(month), m[2], m[3], m[4], m[5], m[6]);
    return inZone(w, m[7], m[0].length, m[0]);
  }
  if ((m = DMY_NAME.exec(line))) {
    const month = monthOf(m[2] as string) ?? 0;
    const w = wall(m[3], String(month), m[1], m[4], m[5], m[6], m[7]);
    return inZone(w, undefined, m[0].length, m[0]);
  }
  if ((m = BSD.exec(line))) {
    const month = monthOf(m[1] as string);
    if (month === undefined) return { ok: false, reason: 'none' };
    if (opts.year === undefined) return { ok: false, reason: 'no-year', stamp: m[0] };
    const w = wall(String(opts.year), String(month), m[2], m[3], m[4], m[5], m[6]);
    return inZone(w, undefined, m[0].length, m[0]);
  }
  if ((m = EPOCH.exec(line))) {
    return done(epochToMs(Number(m[1])), m[0].length, m[0]);
  }
  return { ok: false, reason: 'none' };
}

function wall(
  y: string | undefined,
  mo: string | undefined,
  d: string | undefined,
  h: string | undefined,
  mi: string | undefined,
  s: string | undefined,
  frac: string | undefined,
): WallTime {
  return {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    ms: fractionMs(frac),
  };
}
