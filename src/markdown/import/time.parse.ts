import { MONTH_NAME_SOURCE, monthOf, wallToUtc, zoneFromName, type StatedZone } from '../../domain/index.js';

// Months, zones, offsets and wall-clock → UTC are the domain's (src/domain/time.ts); what is here is reading
// them out of Markdown prose.
export { zoneFromName };

/** A time zone as a report states it (the domain's StatedZone). */
export type Zone = StatedZone;

/** A calendar date as far as the text gives it. */
export interface LocalDate {
  year?: number;
  month: number;
  day: number;
}

/** A time stamp read from the start of a line, in the writer's local terms. */
export interface Stamp {
  date?: LocalDate;
  /** Absent when the text says the time is unknown (`--:--`, `[???]`) or gives only a date. */
  time?: { hour: number; minute: number; second: number };
  zone?: Zone;
  /** The time is written as rough: `~09:58`, `around 09:58`, `10:45~`, or only the hour (`12:??`). */
  approximate?: boolean;
  /** The end of a span written `09:00 - 11:00` or `12:26-12:??`. */
  end?: { date?: LocalDate; time: { hour: number; minute: number; second: number }; approximate: boolean };
  /** The exact characters of the stamp, wrappers included (`**16:58 UTC**`, `[13:26]`). */
  raw: string;
  /** What follows the stamp and its separator. */
  rest: string;
}

/** Epoch milliseconds of a local date and time in a zone, or undefined for an impossible date. */
export function toUtc(
  date: Required<LocalDate>,
  time: NonNullable<Stamp['time']>,
  zone: Zone,
): number | undefined {
  return wallToUtc({ ...date, ...time }, zone);
}

/** The date one day after. */
export function nextDay(d: Required<LocalDate>): Required<LocalDate> {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** YYYY-MM-DD. */
export function formatDate(d: Required<LocalDate>): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.year, 4)}-${p(d.month)}-${p(d.day)}`;
}

const MONTH_RE = `(${MONTH_NAME_SOURCE})\\.?`;
const WEEKDAY_RE = '(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?';
const ORD = '(?:st|nd|rd|th)?';
const TIME_RE =
  '(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?(?:\\s*([ap])\\.?m\\.?\\b)?|(\\d{1,2})\\s*([ap])\\.?m\\.?\\b';
const UNKNOWN_RE = '(--?:--?|\\?\\?:\\?\\?|[xX]{2}:[xX]{2}|\\?{1,3}|unknown|tbd|n/a)';
const ZONE_RE =
  '(?:\\s*(?:\\(\\s*)?([A-Za-z]+\\/[A-Za-z_]+|(?:UTC|GMT)\\s*[+\\-−]\\d{1,2}(?::?\\d{2})?|[A-Za-z]{1,8}|[+\\-−]\\d{2}:?\\d{2})(?![A-Za-z0-9/])\\)?)?';

interface DatePart {
  re: RegExp;
  read(m: RegExpExecArray): LocalDate | undefined;
}

// Each date form captures its own groups first; the time and zone groups follow at fixed positions.
const DATE_FORMS: DatePart[] = [
  {
    re: new RegExp(`^${WEEKDAY_RE}(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})`, 'i'),
    read: (m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }),
  },
  {
    // 29.11.2019 is day first; 11/29/2019 and 29/11/2019 are read only when the numbers leave no doubt.
    re: new RegExp(`^${WEEKDAY_RE}(\\d{1,2})([/.])(\\d{1,2})\\2(\\d{4})`, 'i'),
    read: (m) => {
      const [a, b, year] = [Number(m[1]), Number(m[3]), Number(m[4])];
      if (m[2] === '.' || a > 12) return { year, month: b, day: a };
      if (b > 12) return { year, month: a, day: b };
      return undefined;
    },
  },
  {
    re: new RegExp(`^${WEEKDAY_RE}${MONTH_RE}\\s+(\\d{1,2})${ORD}(?:,?\\s+(\\d{4}))?`, 'i'),
    read: (m) => ({
      year: m[3] ? Number(m[3]) : undefined,
      month: monthOf(m[1] as string) as number,
      day: Number(m[2]),
    }),
  },
  {
    re: new RegExp(`^${WEEKDAY_RE}(\\d{1,2})${ORD}\\.?\\s+(?:of\\s+)?${MONTH_RE}(?:,?\\s+(\\d{4}))?`, 'i'),
    read: (m) => ({
      year: m[3] ? Number(m[3]) : undefined,
      month: monthOf(m[2] as string) as number,
      day: Number(m[1]),
    }),
  },
];

const validDate = (d: LocalDate) =>
  d.month >= 1 &&
  d.month <= 12 &&
  d.day >= 1 &&
  d.day <= 31 &&
  (d.year === undefined || (d.year >= 1900 && d.year <= 2200));

// A time with only its hour known: `12:??`, `14:xx`.
const PARTIAL_TIME = /^(\d{1,2}):(?:\?\?|[xX]{2})(?![\w?])/;
// Words and marks that say a time is rough; each must be followed by a digit to count.
const APPROX_PREFIX =
  /^(?:~|±|\+\/-|(?:around|about|approx\.?|approximately|circa|ca\.|roughly)\s)\s*(?=\d)/i;
// The separator of a span `09:00 - 11:00`, `09:00 to 11:00`.
const SPAN = /^\s*(?:-|–|—|to\s|until\s)\s*/i;

function readTime(
  s: string,
): { time?: Stamp['time']; unknown: boolean; partial?: boolean; length: number } | undefined {
  const partial = PARTIAL_TIME.exec(s);
  if (partial) {
    const hour = Number(partial[1]);
    if (hour > 23) return undefined;
    return { time: { hour, minute: 0, second: 0 }, unknown: false, partial: true, length: partial[0].length };
  }
  const m = new RegExp(`^(?:${TIME_RE})`, 'i').exec(s);
  if (m) {
    let hour = Number(m[1] ?? m[5]);
    const minute = Number(m[2] ?? 0);
    const second = Number(m[3] ?? 0);
    const ampm = (m[4] ?? m[6])?.toLowerCase();
    if (ampm) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (ampm === 'p' ? 12 : 0);
    }
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    return { time: { hour, minute, second }, unknown: false, length: m[0].length };
  }
  const u = new RegExp(`^${UNKNOWN_RE}(?![\\w?])`, 'i').exec(s);
  if (u) return { unknown: true, length: u[0].length };
  return undefined;
}

function readZone(s: string): { zone?: Zone; length: number } {
  const m = new RegExp(`^${ZONE_RE}`).exec(s);
  if (!m || !m[1]) return { length: 0 };
  const zone = zoneFromName(m[1].replace('−', '-'));
  if (!zone) return { length: 0 };
  // A zone in parentheses must close them; an open one is not ours.
  const text = m[0];
  if (text.includes('(') && !text.includes(')')) return { length: 0 };
  return { zone, length: text.length };
}

const OPEN_WRAP = /^(?:\*\*|__|[*_[(`])*/;
const CLOSE_WRAP = /^(?:\*\*|__|[*_\])`])*/;
const SEPARATOR = /^(?:\s*[-–—:|>]+\s*|\s+|$)/;

/**
 * Read a time stamp at the start of a line of Markdown source: full dates and times, a time alone,
 * month names, 12-hour clocks, a zone after the time, wrappers such as `**…**` or `[…]`, and unknown
 * times (`--:--`, `???`). Returns undefined when the line does not start with a stamp.
 */
export function parseLeadingStamp(line: string): Stamp | undefined {
  const open = OPEN_WRAP.exec(line)?.[0] ?? '';
  let i = open.length;
  const approxPrefix = APPROX_PREFIX.exec(line.slice(i))?.[0] ?? '';
  i += approxPrefix.length;
  let approximate = approxPrefix !== '';
  const body = line.slice(i);
  let date: LocalDate | undefined;
  for (const form of DATE_FORMS) {
    const m = form.re.exec(body);
    if (!m) continue;
    const d = form.read(m);
    if (!d || !validDate(d)) continue;
    date = d;
    i += m[0].length;
    break;
  }
  let time: Stamp['time'];
  let unknown = false;
  const afterDate = line.slice(i);
  const gap = date ? (/^(?:T(?=\d)|,?\s*(?:at\s+)?)/i.exec(afterDate)?.[0] ?? '') : '';
  const t = readTime(afterDate.slice(gap.length));
  // Words and question marks as unknown times ("unknown", "???") need a wrapper or a separator after them.
  const weakUnknown = !!t?.unknown && !date && open === '' && /^[a-z?]/i.test(afterDate);
  if (t && (!date || gap.length > 0)) {
    const after = line.slice(i + gap.length + t.length);
    if (!weakUnknown || /^\s*(?:[-–—:|]|$)/.test(after)) {
      time = t.time;
      unknown = t.unknown;
      if (t.partial) approximate = true;
      i += gap.length + t.length;
      if (time && line[i] === '~') {
        approximate = true;
        i += 1;
      }
    }
  }
  if (!date && !time && !unknown) return undefined;
  if (approxPrefix && !time) return undefined;
  let end: Stamp['end'];
  if (time) {
    const span = readSpanEnd(line.slice(i));
    if (span) {
      end = span.end;
      i += span.length;
    }
  }
  // Words after a time are only a zone when the zone table knows them.
  const z = time || unknown || date ? readZone(line.slice(i)) : { length: 0 };
  i += z.length;
  // A date after the time and zone, in parentheses: `14:05 UTC (Mar 4)`.
  if (time && !date) {
    const inline = readInlineDate(line.slice(i));
    if (inline) {
      date = inline.date;
      i += inline.length;
    }
  }
  const close = CLOSE_WRAP.exec(line.slice(i))?.[0] ?? '';
  i += close.length;
  const sep = SEPARATOR.exec(line.slice(i));
  if (!sep) return undefined;
  // "2019-12-03 is when…" is prose, but "2019-12-03: deploy" is a dated entry.
  if (date && !time && !unknown && sep[0].trim() === '' && i + sep[0].length < line.length) return undefined;
  const raw = line.slice(0, i);
  const stamp: Stamp = { raw, rest: line.slice(i + sep[0].length) };
  if (date) stamp.date = date;
  if (time) stamp.time = time;
  if (z.zone) stamp.zone = z.zone;
  if (approximate) stamp.approximate = true;
  if (end) stamp.end = end;
  return stamp;
}

function readSpanEnd(s: string): { end: NonNullable<Stamp['end']>; length: number } | undefined {
  const sep = SPAN.exec(s);
  if (!sep) return undefined;
  let at = sep[0].length;
  const prefix = APPROX_PREFIX.exec(s.slice(at))?.[0] ?? '';
  at += prefix.length;
  // The end may give its own date: `2024-03-01 23:00 – 2024-03-02 01:00`.
  let date: LocalDate | undefined;
  for (const form of DATE_FORMS) {
    const m = form.re.exec(s.slice(at));
    const d = m ? form.read(m) : undefined;
    if (!m || !d || !validDate(d)) continue;
    const gap = /^(?:T(?=\d)|,?\s+(?:at\s+)?)/i.exec(s.slice(at + m[0].length));
    if (!gap) return undefined;
    date = d;
    at += m[0].length + gap[0].length;
    break;
  }
  const t = readTime(s.slice(at));
  if (!t?.time) return undefined;
  at += t.length;
  let approximate = prefix !== '' || !!t.partial;
  if (s[at] === '~') {
    approximate = true;
    at += 1;
  }
  return { end: { ...(date ? { date } : {}), time: t.time, approximate }, length: at };
}

function readInlineDate(s: string): { date: LocalDate; length: number } | undefined {
  const m = /^\s*\(([^()\n]{3,40})\)/.exec(s);
  if (!m) return undefined;
  const date = parseDateLine(m[1] as string);
  return date ? { date, length: m[0].length } : undefined;
}

/**
 * A date at the start of a line that cannot be a calendar date (`20245-03-01`, `2024-13-02`): the words
 * as written, so the import can warn instead of reading the line as undated.
 */
export function impossibleDateAt(line: string): string | undefined {
  const m = /^[\s*_[(`#]{0,6}(\d{4,6})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/.exec(line);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (validDate(d) && (m[1] as string).length === 4) return undefined;
  return m[0].replace(/^[\s*_[(`#]+/, '');
}

/** A date at the start of a heading followed by more words: "March 3, 2025 – Queue backlog". */
export function parseDatePrefix(text: string): LocalDate | undefined {
  const s = text.trim().replace(/^[*_]+/, '');
  for (const form of DATE_FORMS) {
    const m = form.re.exec(s);
    if (!m) continue;
    const rest = s.slice(m[0].length);
    if (rest.trim() !== '' && !/^\s*(?:[-–—:|,]|\(|$)/.test(rest)) continue;
    const d = form.read(m);
    if (d && validDate(d)) return d;
  }
  return undefined;
}

/** A date that makes up a whole short text, such as a heading "May 30, 2019" or "**Tuesday 2019-05-28**". */
export function parseDateLine(text: string): LocalDate | undefined {
  const s = text.trim().replace(/^[*_]+|(?<![*_])[*_]+$/g, '');
  for (const form of DATE_FORMS) {
    const m = form.re.exec(s);
    if (!m) continue;
    if (s.slice(m[0].length).replace(/[\s:.]/g, '') !== '') continue;
    const d = form.read(m);
    if (d && validDate(d)) return d;
  }
  return undefined;
}

/** The first full date (with a year) written anywhere in a text, e.g. in a title "May 30th, 2019 Prow Flakiness". */
export function findFullDate(text: string): Required<LocalDate> | undefined {
  const forms: { re: RegExp; read: (m: RegExpExecArray) => LocalDate }[] = [
    { re: /\b(\d{4})-(\d{2})-(\d{2})\b/, read: (m) => ({ year: +m[1]!, month: +m[2]!, day: +m[3]! }) },
    {
      re: new RegExp(`\\b${MONTH_RE}\\s+(\\d{1,2})${ORD},?\\s+(\\d{4})\\b`, 'i'),
      read: (m) => ({ year: +m[3]!, month: monthOf(m[1]!) as number, day: +m[2]! }),
    },
    {
      re: new RegExp(`\\b(\\d{1,2})${ORD}\\.?\\s+(?:of\\s+)?${MONTH_RE},?\\s+(\\d{4})\\b`, 'i'),
      read: (m) => ({ year: +m[3]!, month: monthOf(m[2]!) as number, day: +m[1]! }),
    },
  ];
  let best: { at: number; date: Required<LocalDate> } | undefined;
  for (const f of forms) {
    const m = f.re.exec(text);
    if (!m) continue;
    const d = f.read(m);
    if (!validDate(d) || d.year === undefined) continue;
    if (!best || m.index < best.at) best = { at: m.index, date: d as Required<LocalDate> };
  }
  return best?.date;
}

/**
 * A statement of the zone the times are written in: "All times in UTC.", "All times PDT",
 * "Date and Time in CET", "Time (UTC)". Returns the zone and the words that stated it.
 */
export function findZoneStatement(text: string): { zone: Zone; phrase: string } | undefined {
  const re =
    /\b(?:all\s+)?(?:date\s+and\s+)?times?(?:\s+(?:are|is|shown|given|listed|written)(?=\s))?(?:\s+in(?=\s))?(?:\s+the(?=\s))?\s*(?:\(\s*)?([A-Za-z][A-Za-z_]*(?:\/[A-Za-z_]+)?(?:[+-]\d{1,2}(?::?\d{2})?)?)\)?/gi;
  for (const m of text.matchAll(re)) {
    const zone = zoneFromName(m[1] as string);
    if (zone) return { zone, phrase: m[0].trim() };
  }
  return findZoneInSentence(text);
}

// A sentence that talks about times or a time zone: "All times in this document are CEST", "Timezone: UTC".
const TIME_WORD = /\b(?:times?|time ?zone|tz)\b/i;

/**
 * The zone named within a few words after "time(s)" or "time zone" in one line of text. Only words written
 * as a zone is written (UTC, CEST, Europe/Berlin, UTC+2, Pacific) count, so ordinary words are never read
 * as one.
 */
function findZoneInSentence(text: string): { zone: Zone; phrase: string } | undefined {
  for (const line of text.slice(0, 20_000).split('\n')) {
    const cue = TIME_WORD.exec(line);
    if (!cue) continue;
    const after = line.slice(cue.index + cue[0].length, cue.index + cue[0].length + 80);
    const words = after
      .split(/[\s,;:()[\]*_`.!?]+/)
      .filter(Boolean)
      .slice(0, 8);
    for (const w of words) {
      const zone = isZoneWord(w) ? zoneFromName(w) : undefined;
      if (zone)
        return {
          zone,
          phrase: collapseSpaces(
            line.slice(cue.index, cue.index + cue[0].length + after.indexOf(w) + w.length),
          ),
        };
    }
  }
  return undefined;
}

const isZoneWord = (w: string) =>
  /^[A-Z]{1,5}$/.test(w) ||
  w.includes('/') ||
  /^(?:UTC|GMT)[+-]/i.test(w) ||
  /^(?:Pacific|Eastern|Central|Mountain)$/.test(w);
const collapseSpaces = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The zone a heading names in its words or parentheses, e.g. "Timeline (all times PDT)" or "Timeline (UTC)". */
export function zoneInHeading(text: string): { zone: Zone; phrase: string } | undefined {
  const stated = findZoneStatement(text);
  if (stated) return stated;
  for (const w of text.split(/[\s,;:()[\]*_`.!?]+/).filter(Boolean)) {
    const zone = isZoneWord(w) && w !== 'Z' ? zoneFromName(w) : undefined;
    if (zone) return { zone, phrase: text.trim() };
  }
  return undefined;
}

/** A year written on its own in a short text, such as a title "Certificate expiry (2025)". */
export function findYear(text: string): number | undefined {
  const m = /(?<![\d-])(19\d\d|2[01]\d\d)(?![\d-])/.exec(text.slice(0, 2000));
  return m ? Number(m[1]) : undefined;
}
