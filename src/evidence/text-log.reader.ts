import { isAscii } from 'node:buffer';
import { LIMITS, formatInstant } from '../domain/instant.js';
import { type Candidate, type Level, isBlank, needsCleaning, oneLine } from './candidate.js';
import { MAX_LINE_BYTES, type RawLines, rawLines } from './lines.js';
import { OrderCheck, type SeekRange, byteLink, fileLinks, planSeek, readRange } from './seek.js';
import { type EntryReader, seekFrom, baseName, candidate, levelOf } from './source.js';
import { parseLeadingStamp } from './time.js';

const LEVEL_WORD =
  /^[[(]?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|ALERT|EMERG|PANIC)[\])]?:?\s+/i;

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Plain text logs whose lines start with a timestamp (ISO 8601 and its variants, Apache/nginx, BSD syslog,
 * ctime, Java, epoch). Lines without a stamp continue the previous entry (stack traces) and are not events.
 *
 * Lines are judged on their bytes first: the commonest stamp (ISO 8601 with Z or an offset) and a level word
 * after it are read without decoding the line or running a regular expression, so a line outside the window, or
 * one the pipeline only counts (past its limit), is never decoded. Other lines take parseLeadingStamp. A big
 * file on disk with a window is bisected to the window when its lines are in time order (seek.ts).
 */
export const readTextLog: EntryReader = async function* (entry, ctx) {
  const { zone, year, from, to, lookbackMs } = ctx.options;
  // Lines stamped well outside the window (even for a change, which is read from `lookbackMs` before it) are
  // counted and passed over without the full parse; the rest take the usual path.
  const lo = from === undefined ? -Infinity : from - lookbackMs - 1000;
  const hi = to === undefined ? Infinity : to + 1000;
  const screening = from !== undefined || to !== undefined;
  const service = baseName(entry.name).replace(/\.(log|txt)$/i, '');
  const name = entry.name;
  // Source and channel made once per file, and when they need no cleaning (the usual case), candidate() is
  // told so and the links are cleaned through their prefix, once per file too (as the JSON-lines mapper does).
  const source = `log ${service}`;
  const clean = oneLine(source) === source && oneLine(service) === service;
  const links = fileLinks(name);
  // Candidates of plain lines are built in place (a channel to give, source and links clean).
  const plain = clean && service !== '';
  let toldZone = false;
  let n = 0;
  // Every batch made in one place, so that the engine learns once what the batches hold.
  const batch = (): Candidate[] => [];
  let out = batch();
  // With a seek, lines are known by their byte offset (their number is not known); `order` checks the lines
  // read are in time order, as the seek assumed.
  let byOffset = false;
  let order: OrderCheck | undefined;

  /**
   * The quick path over the lines of buf[p, end) (buf[0] at stream offset `at`): lines with an ISO stamp and
   * its zone, then (perhaps) a level word and a text, all read on the bytes, as many as follow each other from
   * p. Returns where the first other line starts (judge takes it the usual way), or where the piece ends. Apart
   * from judge, so that the engine optimizes this small loop early rather than the whole reader.
   */
  function quickLines(buf: Buffer, p: number, end: number, at: number, ascii: boolean): number {
    const stats = ctx.stats;
    while (p < end) {
      if (screening) {
        p = linesOutside(buf, p, end);
        if (p >= end) break;
      }
      let nl = buf.indexOf(10, p);
      if (nl === -1 || nl > end) nl = end;
      const s = p;
      const e = nl > s && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (e - s > MAX_LINE_BYTES) return s;
      const ms = isoStampAt(buf, s, e);
      if (ms === undefined) return s;
      const inside = ms >= lo && ms <= hi;
      const k = inside ? textAt(buf, quick.end, e) : -1;
      if (inside && k === -1) return s;
      // The line is taken here.
      p = nl + 1;
      n += 1;
      if (order) order.check(ms);
      stats.records += 1;
      if (!inside) {
        stats.filtered += 1;
        continue;
      }
      const level = quick.level;
      // Past the limit the pipeline only counts: told the instant and level, nothing is decoded or built.
      if (ctx.tally && ctx.tally(ms, level)) continue;
      const line = decode(buf, s, e, ascii);
      const text = (k < e ? line.slice(k - s).trimEnd() : '') || line;
      const link = !clean
        ? byOffset
          ? byteLink(name, at + s)
          : `${name}:${n}`
        : byOffset
          ? links.byte(at + s)
          : links.line(n);
      // A line that cleaning leaves as it is (the usual case) is its candidate's excerpt as it stands, and its
      // text too (a part of it): built here as candidate() builds it, without cleaning each again.
      if (plain && plainLine(line)) {
        const stamp = canonicalStampAt(buf, s) ? line.slice(0, 24) : formatInstant(ms);
        out.push(
          level === undefined
            ? { at: stamp, ms, format: 'text', source, text, link, channel: service, excerpt: line }
            : { at: stamp, ms, format: 'text', source, text, link, channel: service, level, excerpt: line },
        );
        continue;
      }
      const c = candidate({
        ms,
        format: 'text',
        source,
        channel: service,
        clean,
        text,
        level,
        link,
        excerpt: line,
      });
      if (c) out.push(c);
    }
    return p;
  }

  /**
   * quickLines' lines outside the window, as many as follow each other from p (a seek's margins, a window's
   * surroundings): counted and passed over. Returns where the first other line starts, or the piece's end. A
   * loop of its own, optimized on its own path.
   */
  function linesOutside(buf: Buffer, p: number, end: number): number {
    const stats = ctx.stats;
    while (p < end) {
      let nl = buf.indexOf(10, p);
      if (nl === -1 || nl > end) nl = end;
      const e = nl > p && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (e - p > MAX_LINE_BYTES) return p;
      const ms = isoStampAt(buf, p, e);
      if (ms === undefined || (ms >= lo && ms <= hi)) return p;
      p = nl + 1;
      n += 1;
      if (order) order.check(ms);
      stats.records += 1;
      stats.filtered += 1;
    }
    return p;
  }

  /** Judge the pieces of lines; yields batches of candidates, each before any message that follows it. */
  async function* judge(pieces: AsyncIterable<RawLines>): AsyncGenerator<Candidate[]> {
    for await (const piece of pieces) {
      const { buf, end, at } = piece;
      if (piece.tooLong) {
        n += 1;
        if (out.length > 0) yield out;
        out = batch();
        ctx.skip(byOffset ? byteLink(name, at + piece.p) : `${name}:${n}`, 'line is too long');
        continue;
      }
      // A piece of ASCII bytes (the usual log) has its lines decoded straight from them, as the decoder would.
      const ascii = isAscii(buf.subarray(piece.p, end));
      const where = (s: number) => (byOffset ? byteLink(name, at + s) : `${name}:${n}`);
      /** where(s), cleaned as candidate() cleans it unless told the links are clean. */
      const link = (s: number) => (!clean ? where(s) : byOffset ? links.byte(at + s) : links.line(n));
      let p = piece.p;
      while (p < end) {
        p = quickLines(buf, p, end, at, ascii);
        if (p >= end) break;
        let nl = buf.indexOf(10, p);
        if (nl === -1 || nl > end) nl = end;
        const s = p;
        p = nl + 1;
        n += 1;
        const e = nl > s && buf[nl - 1] === 13 ? nl - 1 : nl;
        if (e - s > MAX_LINE_BYTES) {
          if (out.length > 0) yield out;
          out = batch();
          ctx.skip(where(s), 'line is too long');
          continue;
        }
        // quickLines took every line with a quick stamp but those in the window whose text cannot be told on the
        // bytes (blank, or starting with a byte beyond ASCII): such a line takes the usual path, its order checked.
        const ms = isoStampAt(buf, s, e);
        if (ms !== undefined) {
          if (order) order.check(ms);
        } else if (screening) {
          // Other stamps to the second, on the bytes, before decoding.
          const sec = isoSecondAt(buf, s, e);
          if (sec !== undefined && (sec < lo || sec > hi)) {
            if (order) order.check(sec);
            ctx.stats.records += 1;
            ctx.stats.filtered += 1;
            continue;
          }
        }
        const text = decode(buf, s, e, ascii);
        if (screening) {
          const sec = isoSecond(text);
          if (sec !== undefined && (sec < lo || sec > hi)) {
            if (order) order.check(sec);
            ctx.stats.records += 1;
            ctx.stats.filtered += 1;
            continue;
          }
        }
        if (!text.trim()) continue;
        const stamp = parseLeadingStamp(text, { zone, year });
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
          out = batch();
          ctx.skip(
            where(s),
            stamp.reason === 'invalid'
              ? `impossible date "${stamp.stamp}"`
              : stamp.reason === 'no-zone'
                ? `"${stamp.stamp}" has no zone: give --tz (this is said once per file)`
                : `"${stamp.stamp}" has no year: give --year`,
          );
          continue;
        }
        if (order) order.check(stamp.ms);
        ctx.stats.records += 1;
        let rest = stamp.rest;
        let level: Level | undefined;
        const lv = LEVEL_WORD.exec(rest);
        if (lv) {
          level = levelOf(lv[1]);
          rest = rest.slice(lv[0].length);
        }
        const body = rest || text;
        // Past the limit the pipeline only counts: it is told the instant and level, and nothing is built.
        if (ctx.tally && !isBlank(body) && ctx.tally(stamp.ms, level)) continue;
        const c = candidate({
          ms: stamp.ms,
          format: 'text',
          source,
          channel: service,
          clean,
          text: body,
          level,
          link: link(s),
          excerpt: text,
        });
        if (c) out.push(c);
      }
      // A piece's candidates are yielded at once (an async step costs more than a candidate).
      if (out.length > 0) yield out;
      out = batch();
    }
  }

  const seek: SeekRange | undefined =
    screening &&
    seekFrom(ctx.options) !== undefined &&
    entry.blocking === true &&
    entry.path !== undefined &&
    entry.size !== undefined
      ? planSeek(entry.path, entry.size, lo, hi, lineTime(zone, year), seekFrom(ctx.options))
      : undefined;
  if (!seek) {
    yield* judge(rawLines(entry.open(), name));
    return;
  }
  const path = entry.path as string;
  byOffset = true;
  order = new OrderCheck();
  yield* judge(rawLines(readRange(path, seek.start, seek.stop), name, seek.start));
  ctx.progress(seek.stop - seek.start);
  if (order.broken) {
    // Not in time order after all: the rest of the file is read too.
    order = undefined;
    yield* judge(rawLines(readRange(path, 0, seek.start), name, 0));
    yield* judge(rawLines(readRange(path, seek.stop, entry.size as number), name, seek.stop));
  }
};

/** The time of a text line for the seek's probes: the quick stamp, else parseLeadingStamp. */
function lineTime(zone: string | undefined, year: number | undefined) {
  return (buf: Buffer, s: number, e: number): number | undefined => {
    const ms = isoStampAt(buf, s, e);
    if (ms !== undefined) return ms;
    const stamp = parseLeadingStamp(decode(buf, s, e), { zone, year });
    return stamp.ok ? stamp.ms : undefined;
  };
}

/**
 * Whether oneLine and redactTokens leave a decoded line as it is, and so any part of it that starts at a
 * printable character and is trimmed at its end: no control, no white space but single inner spaces, no lone
 * surrogate, no token link, not over the length of a line.
 */
export function plainLine(line: string): boolean {
  return (
    line.length <= LIMITS.line &&
    !needsCleaning(line) &&
    line.isWellFormed() &&
    !line.includes('xox') &&
    !line.includes('files.slack.com')
  );
}

/**
 * Whether the quick stamp at buf[s] is written as formatInstant writes its instant: `YYYY-MM-DDTHH:MM:SS.mmmZ`
 * (isoStampAt has read it, so its fields are in range), the milliseconds not all zero (formatInstant leaves
 * `.000` out).
 */
export function canonicalStampAt(buf: Buffer, s: number): boolean {
  return (
    quick.end === s + 24 &&
    buf[s + 10] === 0x54 &&
    buf[s + 19] === 0x2e &&
    buf[s + 23] === 0x5a &&
    !(buf[s + 20] === 0x30 && buf[s + 21] === 0x30 && buf[s + 22] === 0x30)
  );
}

/** A line's text; `ascii` says its bytes are all ASCII, which then are the text as they stand (as Latin-1). */
function decode(buf: Buffer, s: number, e: number, ascii = false): string {
  if (ascii) return buf.toString('latin1', s, e);
  const text = decoder.decode(buf.subarray(s, e));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** What isoStampAt and textAt found besides their answer: where the stamp ends, the level word's level. */
const quick: { end: number; level: Level | undefined } = { end: 0, level: undefined };
/** The same, read-only, for tests. */
export const quickRead: Readonly<typeof quick> = quick;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether buf[s, e) is long enough for `YYYY-MM-DD?HH:MM:SS…` and has its dashes and colons in place. */
function stampShapeAt(buf: Buffer, s: number, e: number): boolean {
  return (
    e - s >= 20 && buf[s + 4] === 0x2d && buf[s + 7] === 0x2d && buf[s + 13] === 0x3a && buf[s + 16] === 0x3a
  );
}

/**
 * The instant of a line that starts `YYYY-MM-DD[T ]HH:MM:SS`, an optional fraction (1-9 digits), then `Z` or
 * `±HH:MM`, followed by a space or the line's end: the commonest stamp, read on the bytes to the millisecond.
 * Exactly what parseLeadingStamp gives for such a line (years 1970-9999, real days, no leap second);
 * undefined for anything else (parseLeadingStamp then decides). Sets quick.end to where the stamp ends.
 */
export function isoStampAt(buf: Buffer, s: number, e: number): number | undefined {
  if (!stampShapeAt(buf, s, e)) return undefined;
  const t = buf[s + 10];
  if (t !== 0x54 && t !== 0x20) return undefined;
  const y = digitsAt(buf, s, 4);
  const mo = digitsAt(buf, s + 5, 2);
  const d = digitsAt(buf, s + 8, 2);
  const h = digitsAt(buf, s + 11, 2);
  const mi = digitsAt(buf, s + 14, 2);
  const sec = digitsAt(buf, s + 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return undefined;
  if (d > 28) {
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    if (d > (mo === 2 ? (leap ? 29 : 28) : (DAYS[mo - 1] as number))) return undefined;
  }
  let p = s + 19;
  let ms = 0;
  if (buf[p] === 0x2e || buf[p] === 0x2c) {
    p += 1;
    const start = p;
    let c: number;
    while (p < e && (c = buf[p] as number) >= 0x30 && c <= 0x39) {
      if (p - start < 3) ms = ms * 10 + (c - 0x30);
      p += 1;
    }
    const digits = p - start;
    if (digits === 0 || digits > 9) return undefined;
    if (digits === 1) ms *= 100;
    else if (digits === 2) ms *= 10;
  }
  let offset = 0;
  const z = buf[p];
  if (z === 0x5a) p += 1;
  else if ((z === 0x2b || z === 0x2d) && p + 6 <= e && buf[p + 3] === 0x3a) {
    const oh = digitsAt(buf, p + 1, 2);
    const om = digitsAt(buf, p + 4, 2);
    if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 18 * 60) return undefined;
    offset = (z === 0x2b ? 1 : -1) * (oh * 60 + om);
    p += 6;
  } else return undefined;
  // What follows must end the stamp as the pattern of parseLeadingStamp ends it: a space or the line's end.
  if (p < e && buf[p] !== 0x20) return undefined;
  quick.end = p;
  // Date.UTC of the day, kept for the lines of the same day (a log's lines are most of them).
  const day = (y * 100 + mo) * 100 + d;
  if (day !== lastDay) {
    lastDayMs = Date.UTC(y, mo - 1, d);
    lastDay = day;
  }
  return lastDayMs + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset * 60_000;
}
let lastDay = -1;
let lastDayMs = 0;

/** Level words as letters packed five bits each (A=1 … Z=26), to their level. */
const LEVEL_CODES = new Map<number, Level>();
for (const w of [
  'TRACE',
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'CRIT',
  'CRITICAL',
  'FATAL',
  'ALERT',
  'EMERG',
  'PANIC',
]) {
  let code = 0;
  for (let i = 0; i < w.length; i += 1) code = code * 32 + (w.charCodeAt(i) - 0x40);
  LEVEL_CODES.set(code, levelOf(w) as Level);
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09;

/**
 * After a quick stamp ending at `p`: where the line's text starts, past spaces and a level word as LEVEL_WORD
 * reads one (quick.level is its level), or -1 when that cannot be told on the bytes (a byte beyond ASCII or a
 * control where the text starts, a text of nothing but spaces and controls): the line then takes the usual path.
 * The text's end is trimmed by the caller on the decoded string.
 */
export function textAt(buf: Buffer, p: number, e: number): number {
  quick.level = undefined;
  while (p < e && isSpace(buf[p])) p += 1;
  if (p === e) return e;
  // The level word: an optional bracket, letters, an optional bracket, an optional colon, then spaces.
  let q = p;
  if (buf[q] === 0x5b || buf[q] === 0x28) q += 1;
  let code = 0;
  const w = q;
  let c: number;
  while (q < e && q - w <= 8 && (c = (buf[q] as number) | 0x20) >= 0x61 && c <= 0x7a) {
    code = code * 32 + (c - 0x60);
    q += 1;
  }
  const level = q > w && q - w <= 8 ? LEVEL_CODES.get(code) : undefined;
  if (
    level !== undefined &&
    !(q < e && ((buf[q] as number) | 0x20) >= 0x61 && ((buf[q] as number) | 0x20) <= 0x7a)
  ) {
    if (buf[q] === 0x5d || buf[q] === 0x29) q += 1;
    if (buf[q] === 0x3a) q += 1;
    if (q < e && isSpace(buf[q])) {
      while (q < e && isSpace(buf[q])) q += 1;
      // The pattern runs on the trimmed text: a level word with nothing after it is the text itself.
      if (q < e) {
        quick.level = level;
        p = q;
      }
    }
  }
  if (p === e) return e;
  const first = buf[p] as number;
  // Unicode spaces and controls are what trim() and the level pattern's \s see beyond ASCII: not judged here.
  if (first < 0x21 || first > 0x7e) return -1;
  return p;
}

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
  if (!stampShapeAt(buf, s, e)) return undefined;
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
