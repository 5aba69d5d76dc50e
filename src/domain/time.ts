// Calendar and clock in one place: month names, zone abbreviations and offsets, the offsets of IANA zones,
// and wall-clock times turned into instants. The evidence readers and the foreign import both read times
// through it, so a time means the same in either, within the same limits.

import { isTimeZone } from './instant.js';

/** The limits every wall-clock time and offset is held to. */
export const TIME_LIMITS = {
  /** Years as ISO 8601 writes them in four digits. */
  firstYear: 1,
  lastYear: 9999,
  /** The widest offset from UTC, as `parseInstant` allows (±18:00); minutes of an offset stay below 60. */
  maxOffsetMinutes: 18 * 60,
} as const;

// ---- Months ----

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Source of a regular expression (no groups, no flags) for an English month name or abbreviation. */
export const MONTH_NAME_SOURCE =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

/** Month number (1-12) of an English month abbreviation or name (by its first three letters), or undefined. */
export function monthOf(name: string): number | undefined {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return i === -1 ? undefined : i + 1;
}

/** Days in a month (1-12) of a year of the proleptic Gregorian calendar; 0 for a month that is not one. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

// ---- Wall-clock times ----

/** Wall-clock fields of a local time; month 1-12, second 0-60 (60 for a leap second), ms 0-999. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms?: number;
}

const within = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** True when the fields name a real calendar date and time within TIME_LIMITS. */
export function isValidWall(w: WallTime): boolean {
  return (
    within(w.year, TIME_LIMITS.firstYear, TIME_LIMITS.lastYear) &&
    within(w.month, 1, 12) &&
    within(w.day, 1, daysInMonth(w.year, w.month)) &&
    within(w.hour, 0, 23) &&
    within(w.minute, 0, 59) &&
    within(w.second, 0, 60) &&
    within(w.ms ?? 0, 0, 999)
  );
}

/** The fields read as if they were UTC, in epoch ms; a leap second (:60) counts as :59. */
function naiveMs(w: WallTime): number {
  const d = new Date(0);
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not.
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, Math.min(w.second, 59), w.ms ?? 0);
  return d.getTime();
}

// ---- Zones ----

/** A time zone as a text states it: a fixed offset (an abbreviation such as PDT, or +02:00) or an IANA zone. */
export interface StatedZone {
  /** The name as written (UTC, PDT, CET, Europe/Berlin, +02:00). */
  name: string;
  /** Minutes east of UTC for a fixed offset. */
  offset?: number;
  /** An IANA zone whose offset depends on the date (Pacific time, Europe/Berlin). */
  iana?: string;
}

// An abbreviation names one offset; ambiguous ones (IST, BST, CST…) take their most common reading.
const ABBREVIATIONS: Record<string, number> = {
  UTC: 0,
  UT: 0,
  Z: 0,
  GMT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  IST: 330,
  SGT: 480,
  HKT: 480,
  AWST: 480,
  JST: 540,
  KST: 540,
  ACST: 570,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
  HST: -600,
  AKST: -540,
  AKDT: -480,
  PST: -480,
  PDT: -420,
  MST: -420,
  MDT: -360,
  CST: -360,
  CDT: -300,
  EST: -300,
  EDT: -240,
  BRT: -180,
};

// Names without a season follow the region's rules, so they resolve through an IANA zone.
const REGIONAL: Record<string, string> = {
  PT: 'America/Los_Angeles',
  PACIFIC: 'America/Los_Angeles',
  MT: 'America/Denver',
  MOUNTAIN: 'America/Denver',
  CT: 'America/Chicago',
  CENTRAL: 'America/Chicago',
  ET: 'America/New_York',
  EASTERN: 'America/New_York',
};

// Abbreviations name a season of a region: the IANA zone of that region.
const REGION_OF: Record<string, string> = {
  UTC: 'UTC',
  GMT: 'UTC',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CET: 'CET',
  CEST: 'CET',
  MET: 'CET',
  MEST: 'CET',
  EET: 'EET',
  EEST: 'EET',
  WET: 'WET',
  WEST: 'WET',
  BST: 'Europe/London',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
};

/** The IANA zone of the region whose season an abbreviation names (PDT → America/Los_Angeles), or undefined. */
export function regionOfAbbreviation(name: string): string | undefined {
  return REGION_OF[name.toUpperCase()];
}

// Hours and minutes run together only as four digits (+0530), so +123 is not read as +01:23.
const OFFSET = /^(?:UTC|GMT)?\s*([+\-−])\s*(?:(\d{2}):?(\d{2})|(\d{1,2})(?::(\d{2}))?)$/i;

/**
 * Minutes east of UTC of an offset: Z, UTC, GMT, UT, +02:00, -0700, +05, UTC+2, GMT-3:30 (a Unicode minus
 * too). Undefined beyond ±18:00 or with 60 minutes or more.
 */
export function parseOffset(text: string): number | undefined {
  const upper = text.trim().toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT' || upper === 'UT') return 0;
  const m = OFFSET.exec(upper);
  if (!m) return undefined;
  const hours = Number(m[2] ?? m[4]);
  const minutes = Number(m[3] ?? m[5] ?? 0);
  const total = hours * 60 + minutes;
  if (minutes > 59 || total > TIME_LIMITS.maxOffsetMinutes) return undefined;
  return m[1] === '+' ? total : -total;
}

/**
 * The zone a name denotes, or undefined: an abbreviation (UTC, PDT, CET), a regional name (Pacific, ET), an
 * offset that says it is one (UTC+2, GMT-3, +01:00, but not a bare +5), or an IANA name (Europe/Berlin).
 */
export function zoneFromName(name: string): StatedZone | undefined {
  const n = name.trim();
  const upper = n.toUpperCase();
  const fixed = ABBREVIATIONS[upper];
  if (fixed !== undefined) return { name: upper === 'Z' ? 'UTC' : upper, offset: fixed };
  const regional = REGIONAL[upper];
  if (regional !== undefined) return { name: n, iana: regional };
  const off = OFFSET.exec(n);
  if (off && (/^(?:UTC|GMT)/i.test(n) || (off[3] ?? off[5]) !== undefined)) {
    const offset = parseOffset(n);
    return offset === undefined ? undefined : { name: n, offset };
  }
  if (n.includes('/') && isTimeZone(n)) return { name: n, iana: n };
  return undefined;
}

/** "UTC+02:00", "UTC-07:00", "UTC+05:30": an offset in minutes east of UTC, written out. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---- Offsets of IANA zones ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    // Building a formatter is the slow part; zones are few, but keep the cache bounded all the same.
    if (formatters.size < 500) formatters.set(zone, f);
  }
  return f;
}

/** Offset of an IANA zone from UTC at an instant, in milliseconds east of UTC (whole seconds). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  let bc = false;
  for (const p of formatterFor(zone).formatToParts(new Date(utcMs))) {
    if (p.type === 'era') bc = p.value === 'BC';
    else if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const d = new Date(0);
  // Years before 100 (and BC ones, year 1 - n) must not be read as 19xx by Date.UTC.
  d.setUTCFullYear(bc ? 1 - (parts.year ?? 0) : (parts.year ?? 0), (parts.month ?? 1) - 1, parts.day ?? 1);
  d.setUTCHours(parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, 0);
  return d.getTime() - Math.floor(utcMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * Offset of an IANA zone from UTC in force at a wall-clock time (its fields read as if they were UTC), in
 * milliseconds east of UTC. Around a daylight-saving change it reads as JavaScript's Temporal does by default:
 * a wall time the change skips takes the offset from before it, so it lands after the gap; a wall time that
 * happens twice is the earlier of the two, on both sides of UTC.
 */
export function zoneOffsetAtWallMs(zone: string, wallMs: number): number {
  // A day either side of the wall time, read as UTC, is before and after any change near it.
  const before = zoneOffsetMs(zone, wallMs - DAY_MS);
  const after = zoneOffsetMs(zone, wallMs + DAY_MS);
  // The same offset on both sides: no change near this time.
  if (before === after) return before;
  const larger = Math.max(before, after);
  const smaller = Math.min(before, after);
  // The larger offset gives the earlier instant: taken whenever it is the one in force then.
  if (zoneOffsetMs(zone, wallMs - larger) === larger) return larger;
  if (zoneOffsetMs(zone, wallMs - smaller) === smaller) return smaller;
  return before;
}

/** The offset (minutes east of UTC) of a stated zone in force at a wall-clock time read as UTC. */
export function offsetMinutesAt(zone: StatedZone, wallMs: number): number {
  if (zone.offset !== undefined) return zone.offset;
  return Math.round(zoneOffsetAtWallMs(zone.iana as string, wallMs) / 60_000);
}

/**
 * Epoch ms of a wall-clock time in a zone: a stated zone, an IANA name (or Z), or a fixed offset in minutes
 * east of UTC. Undefined when the fields are not a real date and time (isValidWall).
 */
export function wallToUtc(w: WallTime, zone: StatedZone | string | number): number | undefined {
  if (!isValidWall(w)) return undefined;
  const naive = naiveMs(w);
  if (typeof zone === 'number') return naive - zone * 60_000;
  if (typeof zone !== 'string') {
    if (zone.offset !== undefined) return naive - zone.offset * 60_000;
    return naive - zoneOffsetAtWallMs(zone.iana as string, naive);
  }
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Z') return naive;
  return naive - zoneOffsetAtWallMs(zone, naive);
}
