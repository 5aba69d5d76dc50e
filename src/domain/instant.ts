// Instants, calendar dates and zone names, and the field limits: the plain functions the schemas of
// primitives.schema.ts check with, in a module without zod, so that code that only reads and writes times (the
// evidence readers, the CLI's bundled `evidence`) loads without building the report's schemas.

/** Limits on what one field may hold, shared by the API, the web forms and the Markdown parser. */
export const LIMITS = {
  line: 2_000,
  text: 100_000,
  list: 5_000,
} as const;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

const d2 = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
const isDigitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** Epoch ms of UTC fields; unlike Date.UTC, years 0-99 stay as written instead of becoming 1900-1999. */
function utcMs(year: number, month: number, day: number, h: number, mi: number, s: number, ms = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, h, mi, s, ms);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, mi, s, ms);
  return d.getTime();
}

// The canonical form (2024-03-05T14:02:00Z) is by far the most common input: read it without a regex.
function parseCanonicalSeconds(value: string): number | undefined {
  if (value.length !== 20 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T') return undefined;
  if (value[13] !== ':' || value[16] !== ':' || value[19] !== 'Z') return undefined;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
    if (!isDigitAt(value, i)) return undefined;
  const year = d2(value, 0) * 100 + d2(value, 2);
  const month = d2(value, 5);
  const day = d2(value, 8);
  const h = d2(value, 11);
  const mi = d2(value, 14);
  const sec = d2(value, 17);
  if (day < 1 || day > daysIn(year, month) || h > 23 || mi > 59 || sec > 59) return undefined;
  return utcMs(year, month, day, h, mi, sec);
}

/** Parse an ISO 8601 instant with a zone (Z or an offset) into epoch milliseconds, or undefined. */
export function parseInstant(value: string): number | undefined {
  const fast = parseCanonicalSeconds(value);
  if (fast !== undefined) return fast;
  const m = INSTANT.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (day < 1 || day > daysIn(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000 + 1e-6) : 0;
  const base = utcMs(year, month, day, Number(h), Number(mi), Number(s), ms);
  if (zone === 'Z') return base;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  if (offset > 18 * 60) return undefined;
  return base - sign * offset * 60_000;
}

/** Format epoch milliseconds as the canonical instant: UTC, seconds always, milliseconds only when set. */
export function formatInstant(ms: number): string {
  // Evidence formats tens of thousands of instants, many within the same second: everything up to the seconds
  // is formatted once per second, and the milliseconds with their "Z" come from a table.
  if (Number.isInteger(ms)) {
    const second = Math.floor(ms / 1000);
    if (second !== lastSecond) {
      const minute = Math.floor(second / 60);
      if (minute !== lastMinute) {
        const iso = new Date(minute * 60_000).toISOString();
        lastPrefix = iso.slice(0, -7); // up to "HH:MM:", whatever the width of the year
        lastMinute = minute;
      }
      const sec = second - minute * 60;
      secondPrefix = `${lastPrefix}${sec < 10 ? '0' : ''}${sec}`;
      lastSecond = second;
    }
    return secondPrefix + (MILLIS[ms - second * 1000] as string);
  }
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
let lastMinute = Number.NaN;
let lastPrefix = '';
let lastSecond = Number.NaN;
let secondPrefix = '';
/** "Z" for a whole second, ".007Z" for 7 ms, and so on. */
const MILLIS = Array.from({ length: 1000 }, (_, m) => (m === 0 ? 'Z' : `.${String(m).padStart(3, '0')}Z`));

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(?!000)\d{3})?Z$/;

/** The canonical form of an instant, or undefined when it is not one; canonical input comes back as it is. */
export function canonicalInstant(value: string): string | undefined {
  const ms = parseInstant(value);
  if (ms === undefined) return undefined;
  return CANONICAL.test(value) ? value : formatInstant(ms);
}

/** True when `s` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const day = Number(m[3]);
  return day >= 1 && day <= daysIn(Number(m[1]), Number(m[2]));
}

const knownZones = new Map<string, boolean>();
/** The names every runtime accepts (ECMA-402 requires UTC); the canonical IANA list is read on first need. */
const ALWAYS_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
let canonicalZones: Set<string> | undefined;

/** True when the runtime knows the IANA time zone name. */
export function isTimeZone(zone: string): boolean {
  const known = knownZones.get(zone);
  if (known !== undefined) return known;
  // The first formatter built costs some 30 ms of CPU (the CLI's `validate` pays it for every report), the
  // runtime's list of canonical names about 5; a formatter is built only for a name outside the list (an
  // alias such as US/Pacific, other letter case, or no zone at all).
  let ok = ALWAYS_ZONES.has(zone);
  if (!ok) {
    canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
    ok = canonicalZones.has(zone);
  }
  if (!ok) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
  }
  // Building a formatter is slow and zone names are few: remember answers, with a bound against abuse.
  if (knownZones.size < 1000) knownZones.set(zone, ok);
  return ok;
}
