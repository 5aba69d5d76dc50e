import { formatInstant } from '../domain/instant.js';
import type { ParallelOptions } from './json-log.ranges.js';
import { SEEK_MIN_BYTES } from './seek.js';
import {
  type Candidate,
  type EvidenceFormat,
  type KindSuggestion,
  type Level,
  type ReadStats,
  MAX_WARNINGS,
  oneLine,
  redactTokens,
} from './candidate.js';

/** One readable piece of evidence: a file, an upload, or an entry of a zip archive. */
export interface EvidenceEntry {
  /** The name used in links: a path, or `archive.zip!dir/file.json`. */
  name: string;
  /** Size in bytes when known (for progress and the size guard). */
  size?: number;
  /** The file on disk behind the entry, when there is one. */
  path?: string;
  /** The entry may be read with blocking calls (the CLI): then a big log on disk is screened by two threads. */
  blocking?: boolean;
  /**
   * Open a fresh byte stream of the content. A chunk may be overwritten once the next one is requested:
   * readers copy whatever they keep beyond the current chunk. A reader may lend memory of its own (`into`,
   * at least 512 KB): an entry that reads from disk then reads its chunks there, which spares a copy when
   * the reader's scanner (a WebAssembly kernel) works in that memory. Other entries ignore it.
   */
  open(into?: Uint8Array): AsyncIterable<Uint8Array>;
}

/** What the pipeline reads: a single file, a bundle of files (a Slack export folder or zip), or a git clone. */
export type EvidenceInput =
  | { type: 'file'; entry: EvidenceEntry; format?: EvidenceFormat }
  | { type: 'bundle'; name: string; entries: EvidenceEntry[]; close?: () => Promise<void> }
  | { type: 'git'; dir: string };

/** The smallest file a reader bisects to its window, or undefined when the options turn seeking off. */
export function seekFrom(options: ReaderOptions): number | undefined {
  const seek = options.seek;
  if (seek === false) return undefined;
  return typeof seek === 'object' ? seek.minBytes : SEEK_MIN_BYTES;
}

/** Options every reader sees. Times are epoch milliseconds. */
export interface ReaderOptions {
  from?: number;
  to?: number;
  /** IANA zone for stamps that carry none (text logs, RFC 3164 syslog). */
  zone?: string;
  /** Year for stamps that carry none (RFC 3164 syslog, BSD-style text lines). */
  year?: number;
  /** How far before `from` commits and deploys are still read, for the change analysis. */
  lookbackMs: number;
  /** The two-thread screen of large JSON-lines logs: false turns it off; tests set small ranges. */
  parallel?: ParallelOptions | false;
  /**
   * The WebAssembly kernel that screens windowed JSON-lines logs (and with it the two-thread screen): false
   * leaves the screening to JavaScript alone, with the same results; tests run both ways.
   */
  kernel?: boolean;
  /**
   * A window in a big time-ordered log on disk (a blocking entry with a path) is found by bisection instead of
   * reading every line before it (seek.ts); false reads every line. Tests lower the size from which it does.
   */
  seek?: boolean | { minBytes: number };
  /**
   * Records below this level (a position in LEVELS) may be dropped by a reader before they are parsed, when
   * it can read their level from the raw line; the pipeline filters the rest.
   */
  minLevelIndex?: number;
}

/** What a reader gets besides its input: the options and the counters it reports into. */
export interface ReaderContext {
  options: ReaderOptions;
  stats: ReadStats;
  /** Count a malformed record and keep a message naming where it is. */
  skip(where: string, message: string): void;
  /** Count bytes consumed, for the progress bar. */
  progress(bytes: number): void;
  /**
   * Past the pipeline's limit, with no filter that needs the candidate itself (actor, channel, grep, kinds):
   * counts a record of this instant and level as the pipeline would count its candidate (filtered or dropped)
   * and answers true, so the reader need not build it. Otherwise false: build it as usual. A reader calls it
   * only for a record that would give a candidate (no `change`, a text that is not blank).
   */
  tally?(ms: number, level: Level | undefined): boolean;
}

/**
 * A reader turns one input into candidates, streaming: one at a time, or a chunk's worth at once (a large log
 * yields tens of thousands, and each step of an async iteration costs more than handling a candidate).
 */
export type EntryReader = (
  entry: EvidenceEntry,
  ctx: ReaderContext,
) => AsyncIterable<Candidate | readonly Candidate[]>;

/** Record a warning in the stats, keeping the list bounded. */
export function warn(stats: ReadStats, message: string): void {
  if (stats.warnings.length < MAX_WARNINGS) stats.warnings.push(message);
  else if (stats.warnings.length === MAX_WARNINGS) stats.warnings.push('… further messages left out');
}

/** Build a candidate, making its text, actor and excerpt valid single lines with token links removed. */
export function candidate(fields: {
  ms: number;
  format: EvidenceFormat;
  source: string;
  text: string;
  link: string;
  channel?: string;
  actor?: string;
  level?: Level;
  excerpt?: string;
  hint?: KindSuggestion;
  change?: Candidate['change'];
  topic?: string;
  /** Source, link and channel are single clean lines already (a reader that cleans each value once). */
  clean?: boolean;
}): Candidate | undefined {
  const text = oneLine(redactTokens(fields.text));
  if (!text) return undefined;
  const clean = fields.clean === true;
  const c: Candidate = {
    at: formatInstant(fields.ms),
    ms: fields.ms,
    format: fields.format,
    source: clean ? fields.source : oneLine(fields.source),
    text,
    link: clean ? fields.link : oneLine(fields.link),
  };
  if (fields.channel) c.channel = clean ? fields.channel : oneLine(fields.channel);
  const actor = fields.actor ? oneLine(fields.actor, 200) : '';
  if (actor) c.actor = actor;
  if (fields.level) c.level = fields.level;
  if (fields.excerpt) {
    const ex = oneLine(redactTokens(fields.excerpt));
    if (ex) c.excerpt = ex;
  }
  if (fields.hint) c.hint = fields.hint;
  if (fields.change) c.change = fields.change;
  if (fields.topic) c.topic = oneLine(fields.topic, 500);
  return c;
}

/** Dotted paths split once: pick runs per record on large logs. Paths come from code, so the map stays small. */
const SPLIT_PATHS = new Map<string, string[]>();

/** Read a value by trying each path: a literal dotted key first ("log.level"), then nested objects. */
export function pick(obj: unknown, ...paths: string[]): unknown {
  for (const path of paths) {
    if (obj === null || typeof obj !== 'object') return undefined;
    const rec = obj as Record<string, unknown>;
    if (path in rec && rec[path] !== undefined && rec[path] !== null) return rec[path];
    if (!path.includes('.')) continue;
    let cur: unknown = obj;
    let parts = SPLIT_PATHS.get(path);
    if (!parts) {
      parts = path.split('.');
      if (SPLIT_PATHS.size < 1000) SPLIT_PATHS.set(path, parts);
    }
    for (const part of parts) {
      if (cur === null || typeof cur !== 'object') {
        cur = undefined;
        break;
      }
      cur = (cur as Record<string, unknown>)[part];
    }
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

/** Same as pick, but accepts PascalCase and camelCase spellings of every path segment. */
export function pickAnyCase(obj: unknown, ...paths: string[]): unknown {
  const variants = paths.flatMap((p) => {
    const pascal = p
      .split('.')
      .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
      .join('.');
    const camel = p
      .split('.')
      .map((s) => s.charAt(0).toLowerCase() + s.slice(1))
      .join('.');
    return [pascal, camel];
  });
  return pick(obj, ...variants);
}

/** A string value, or undefined for anything else (including empty strings). */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const LEVEL_WORDS: Record<string, Level> = {
  trace: 'trace',
  verbose: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  crit: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
};

/** Map a level written as a pino/bunyan number or a word onto the common scale. */
export function levelOf(value: unknown): Level | undefined {
  if (typeof value === 'number') {
    if (value <= 10) return 'trace';
    if (value <= 20) return 'debug';
    if (value <= 30) return 'info';
    if (value <= 40) return 'warn';
    if (value <= 50) return 'error';
    return 'fatal';
  }
  if (typeof value === 'string') return LEVEL_WORDS[value.trim().toLowerCase()];
  return undefined;
}

/** Syslog severity (0 emergency … 7 debug) on the common scale. */
export function syslogLevel(severity: number): Level {
  if (severity <= 2) return 'fatal';
  if (severity === 3) return 'error';
  if (severity === 4) return 'warn';
  if (severity <= 6) return 'info';
  return 'debug';
}

/** The last part of a path, for naming a source after its file. */
export function baseName(name: string): string {
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'), name.lastIndexOf('!'));
  return name.slice(cut + 1);
}

/** Strip HTML tags and decode the common entities, for Teams message bodies. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, ' ')
    .replace(/<[^>]{0,2000}>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d{1,6});/g, (_, d: string) => safeChar(Number(d)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

function safeChar(code: number): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}
