// A time window in a big log on disk, found by bisection instead of by reading every line before it. Logs are
// written in time order, so the first line of the window (less a margin for writers a little out of step) can
// be found by reading a few blocks at chosen offsets, and so can the first line past it. The order is checked
// before anything is skipped (probes spread over the whole file must rise, within the margin) and again on
// every line read: a log found out of order while reading is read whole after all, so nothing in the window is
// missed. Lines read this way have no line number (counting the lines skipped would mean reading them): their
// links name their byte offset instead, `app.log#byte=1048576`.
import { closeSync, openSync, readSync } from 'node:fs';
import { AppError } from '../domain/errors.js';
import { LIMITS } from '../domain/instant.js';
import { oneLine } from './candidate.js';
import { MAX_LINE_BYTES } from './lines.js';

/**
 * How far a line may be stamped before one above it and still count as in order (several processes writing
 * one file, buffered writers). The window is widened by this much on both sides before bisecting.
 */
export const SEEK_SLACK_MS = 5 * 60_000;
/** Files smaller than this are read whole: bisecting would save little. */
export const SEEK_MIN_BYTES = 16 * 1024 * 1024;
/** Probes spread over the file to check its order before trusting a bisection. */
const PROBES = 64;
const BLOCK = 64 * 1024;

/** The time of one line's bytes (without its line ending), or undefined when it has none that can be read. */
export type LineTime = (buf: Buffer, s: number, e: number) => number | undefined;

/** The part of a file to read: [start, stop), both line starts (or the file's end). */
export interface SeekRange {
  start: number;
  stop: number;
}

interface Probe {
  /** Where the line the time was read from starts. */
  at: number;
  ms: number;
}

/**
 * Where the window [lo, hi] lies in the file, when the file looks time-ordered and skipping pays (less than
 * half of it is read); undefined otherwise (then it is read whole, as before).
 */
export function planSeek(
  path: string,
  size: number,
  lo: number,
  hi: number,
  time: LineTime,
  minBytes: number = SEEK_MIN_BYTES,
): SeekRange | undefined {
  if (size < minBytes || (lo === -Infinity && hi === Infinity)) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.allocUnsafe(BLOCK);
    const probe = (offset: number): Probe | undefined => probeAt(fd, buf, offset, size, time);
    // The order: probes spread over the file must not fall by more than the slack.
    let seen = 0;
    let top = -Infinity;
    for (let i = 0; i < PROBES; i += 1) {
      const p = probe(Math.floor((size * i) / PROBES));
      if (!p) continue;
      if (p.ms < top - SEEK_SLACK_MS) return undefined;
      top = Math.max(top, p.ms);
      seen += 1;
    }
    // Too few lines with a readable time to judge the order: read it all.
    if (seen < PROBES * 0.75) return undefined;
    const start = lo === -Infinity ? 0 : bisect(probe, size, (ms) => ms >= lo - SEEK_SLACK_MS, 'before');
    const stop = hi === Infinity ? size : bisect(probe, size, (ms) => ms > hi + SEEK_SLACK_MS, 'at');
    if (stop <= start) return { start, stop: start };
    return stop - start < size / 2 ? { start, stop } : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Bisection for the first probe whose time passes `past` (times rise through the file). 'before': where the
 * probe before it starts (a line whose time does not pass, or the file's start); 'at': where it starts (or the
 * file's end when none passes).
 */
function bisect(
  probe: (offset: number) => Probe | undefined,
  size: number,
  past: (ms: number) => boolean,
  side: 'before' | 'at',
): number {
  let low = 0; // a probe at `low` does not pass (or low is 0)
  let lowAt = 0;
  let high = size; // a probe at `high` passes (or high is the end)
  let highAt = size;
  while (high - low > BLOCK) {
    const mid = low + Math.floor((high - low) / 2);
    const p = probe(mid);
    if (!p) break;
    if (past(p.ms)) {
      high = mid;
      highAt = p.at;
    } else {
      low = mid;
      lowAt = p.at;
    }
  }
  if (side === 'before') return lowAt;
  // Lines between lowAt and highAt were not judged: read them.
  return highAt;
}

/** What nextNewline reads first: a few lines' worth (most lines are short), then a block at a time. */
const FIRST_READ = 4096;

/** Where the next newline at or after `from` (and before `limit`) is, read a block at a time; -1 when none. */
function nextNewline(fd: number, buf: Buffer, from: number, limit: number): number {
  for (let pos = from, step = FIRST_READ; pos < limit; pos += step, step = BLOCK) {
    const n = readSync(fd, buf, 0, Math.min(step, limit - pos), pos);
    if (n === 0) return -1;
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl !== -1) return pos + nl;
  }
  return -1;
}

/** How far past an offset a probe looks for a line with a time. */
const PROBE_REACH = 4 * MAX_LINE_BYTES;

/**
 * The first line starting after `offset` (after the next newline, unless offset is 0) whose time can be read,
 * within PROBE_REACH bytes; undefined when there is none. Lines longer than the limit are passed over.
 */
function probeAt(fd: number, buf: Buffer, offset: number, size: number, time: LineTime): Probe | undefined {
  const reach = Math.min(size, offset + PROBE_REACH);
  let pos = offset;
  if (offset > 0) {
    const nl = nextNewline(fd, buf, offset, reach);
    if (nl === -1) return undefined;
    pos = nl + 1;
  }
  while (pos < reach) {
    const nl = nextNewline(fd, buf, pos, Math.min(size, pos + MAX_LINE_BYTES + 2));
    // No newline: the file's last line, or one over the limit (passed over).
    const end = nl === -1 ? (pos + MAX_LINE_BYTES + 2 >= size ? size : -1) : nl;
    if (end === -1) {
      const next = nextNewline(fd, buf, pos + MAX_LINE_BYTES, reach);
      if (next === -1) return undefined;
      pos = next + 1;
      continue;
    }
    let e = end;
    if (e - pos <= MAX_LINE_BYTES) {
      const line = e - pos <= buf.length ? buf : Buffer.allocUnsafe(e - pos);
      readSync(fd, line, 0, e - pos, pos);
      if (e > pos && line[e - pos - 1] === 13) e -= 1;
      const ms = e > pos ? time(line, 0, e - pos) : undefined;
      if (ms !== undefined) return { at: pos, ms };
    }
    pos = end + 1;
  }
  return undefined;
}

/**
 * The lines of a range read so far were in order: each is stamped no earlier than the latest before it, less
 * the slack. `check` answers false at the first line that breaks it.
 */
export class OrderCheck {
  private top = -Infinity;
  broken = false;
  check(ms: number): boolean {
    if (ms < this.top - SEEK_SLACK_MS) {
      this.broken = true;
      return false;
    }
    if (ms > this.top) this.top = ms;
    return true;
  }
}

const CHUNK = 1024 * 1024;

/** The bytes [start, stop) of a file, a chunk at a time (the chunk's memory is reused for the next). */
export function* readRange(path: string, start: number, stop: number): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new AppError('io', `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    let pos = start;
    while (pos < stop) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, stop - pos), pos);
      if (n === 0) break;
      pos += n;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** The link of a line known by its byte offset. */
export function byteLink(name: string, offset: number): string {
  return `${name}#byte=${offset}`;
}

/**
 * A file's links (`file:line`, or byteLink after a seek) cleaned as candidate() cleans a link (oneLine), but once
 * per file: the cleaned prefix, then the number, which has nothing to clean. A prefix long enough that oneLine's
 * bound could cut into the number (half of LIMITS.line) has each link cleaned whole instead.
 */
export function fileLinks(file: string): { line(n: number): string; byte(offset: number): string } {
  const linePrefix = oneLine(`${file}:`);
  const bytePrefix = oneLine(byteLink(file, 0)).slice(0, -1);
  const short = (prefix: string) => prefix.length < LIMITS.line / 2;
  return {
    line: short(linePrefix) ? (n) => `${linePrefix}${n}` : (n) => oneLine(`${file}:${n}`),
    byte: short(bytePrefix) ? (o) => `${bytePrefix}${o}` : (o) => oneLine(byteLink(file, o)),
  };
}
