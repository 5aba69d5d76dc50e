import type { EventKind } from '../domain/index.js';
import { AppError, isAppError } from '../domain/errors.js';
import {
  type Candidate,
  type EvidenceFormat,
  LEVELS,
  type Level,
  type ReadStats,
  newStats,
} from './candidate.js';
import { type Detection, SNIFF_BYTES, detectFormat } from './detect.js';
import { readAlertmanager } from './alertmanager.reader.js';
import { readGitHub } from './github.reader.js';
import { readGitLog } from './git-log.reader.js';
import { readJsonLog } from './json-log.reader.js';
import type { ParallelOptions } from './json-log.ranges.js';
import { kindSuggester } from './kinds.js';
import { readMattermost } from './mattermost.reader.js';
import { MERGE_WINDOW_MS, mergeDuplicates } from './merge.js';
import { readOpsgenie } from './opsgenie.reader.js';
import { readPagerDuty } from './pagerduty.reader.js';
import { isSlackBundle, readSlackBundle, readSlackFile } from './slack.reader.js';
import {
  type EntryReader,
  type EvidenceEntry,
  type EvidenceInput,
  type ReaderContext,
  type ReaderOptions,
  warn,
} from './source.js';
import { readSyslog } from './syslog.reader.js';
import { readTeams } from './teams.reader.js';
import { readTextLog } from './text-log.reader.js';

/** The reader of each single-file format (Slack exports and git clones are read as bundles and folders). */
export const READERS: Record<Exclude<EvidenceFormat, 'git'>, EntryReader> = {
  slack: readSlackFile,
  mattermost: readMattermost,
  teams: readTeams,
  pagerduty: readPagerDuty,
  opsgenie: readOpsgenie,
  alertmanager: readAlertmanager,
  github: readGitHub,
  'json-log': readJsonLog,
  syslog: readSyslog,
  text: readTextLog,
};

/** How to extract and filter; all optional. Times are epoch milliseconds. */
export interface EvidenceOptions extends Partial<ReaderOptions> {
  /** Skip detection and read every single file as this format. */
  format?: EvidenceFormat;
  /** How the caller names a format, for the message when none is recognized (default: the CLI's flag). */
  formatHint?: string;
  /** Keep records at this level or above (records without a level are kept). */
  minLevel?: Level;
  /** Keep records whose actor contains this (case-insensitive). */
  actor?: string;
  /** Keep records whose channel or source contains this (case-insensitive). */
  channel?: string;
  /** Keep records whose text matches. Texts are at most 2000 characters, which bounds any pattern's work. */
  grep?: RegExp;
  /** Keep records whose suggested kind is one of these. */
  kinds?: readonly EventKind[];
  mergeWindowMs?: number;
  /** Most candidates kept; more are counted as dropped with a message to narrow the window. */
  maxCandidates?: number;
  /** The two-thread screen of large JSON-lines logs read with blocking calls: false turns it off. */
  parallel?: ParallelOptions | false;
  /** Called as bytes are read, with the total when known. */
  onProgress?: (done: number, total: number | undefined) => void;
}

/** The outcome: candidates sorted by time with duplicates merged, the counters, and each input's format. */
export interface Extraction {
  candidates: Candidate[];
  stats: ReadStats;
  inputs: { name: string; format?: EvidenceFormat; reason: string }[];
}

export const DEFAULT_LOOKBACK_MS = 72 * 3600_000;
export const DEFAULT_MAX_CANDIDATES = 50_000;

/** Read the first bytes of an entry for format detection, closing it after. */
export async function sniff(entry: EvidenceEntry): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry.open()) {
    parts.push(Buffer.from(chunk.subarray(0, SNIFF_BYTES - size)));
    size += Math.min(chunk.length, SNIFF_BYTES - size);
    if (size >= SNIFF_BYTES) break;
  }
  return Buffer.concat(parts);
}

/**
 * Turn evidence into timeline candidates: detect each input's format, stream it through its reader, keep
 * what passes the window and the filters, suggest a kind for each, sort by time and merge duplicates.
 * Malformed records are skipped and counted; the call fails only when nothing at all could be read.
 */
export async function extractEvidence(
  inputs: readonly EvidenceInput[],
  options: EvidenceOptions = {},
): Promise<Extraction> {
  const stats = newStats();
  const readerOptions: ReaderOptions = {
    from: options.from,
    to: options.to,
    zone: options.zone,
    year: options.year,
    lookbackMs: options.lookbackMs ?? DEFAULT_LOOKBACK_MS,
    parallel: options.parallel,
    kernel: options.kernel,
    seek: options.seek,
    ...(options.minLevel ? { minLevelIndex: LEVELS.indexOf(options.minLevel) } : {}),
  };
  const total = inputs.reduce<number | undefined>((sum, i) => {
    if (sum === undefined) return undefined;
    if (i.type === 'file') return i.entry.size === undefined ? undefined : sum + i.entry.size;
    if (i.type === 'bundle')
      return i.entries.reduce<number | undefined>(
        (s, e) => (s === undefined || e.size === undefined ? undefined : s + e.size),
        sum,
      );
    return sum;
  }, 0);
  const ctx: ReaderContext = {
    options: readerOptions,
    stats,
    skip(where, message) {
      stats.skipped += 1;
      warn(stats, `${where}: ${message}`);
    },
    progress(bytes) {
      stats.bytes += bytes;
      options.onProgress?.(stats.bytes, total);
    },
  };
  const max = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const kept: Candidate[] = [];
  const minLevel = options.minLevel ? LEVELS.indexOf(options.minLevel) : -1;
  const actor = options.actor?.toLowerCase();
  const channel = options.channel?.toLowerCase();
  const lo = options.from ?? -Infinity;
  const hi = options.to ?? Infinity;
  const lookback = readerOptions.lookbackMs;
  const failures: string[] = [];
  const described: Extraction['inputs'] = [];

  const suggest = kindSuggester();
  const accept = (c: Candidate): void => {
    const start = c.change ? lo - lookback : lo;
    if (c.ms < start || c.ms > hi) return void (stats.filtered += 1);
    if (minLevel >= 0 && c.level && LEVELS.indexOf(c.level) < minLevel) return void (stats.filtered += 1);
    if (actor && !c.actor?.toLowerCase().includes(actor)) return void (stats.filtered += 1);
    if (channel && !`${c.channel ?? ''} ${c.source}`.toLowerCase().includes(channel))
      return void (stats.filtered += 1);
    if (options.grep) {
      options.grep.lastIndex = 0;
      if (!options.grep.test(c.text)) return void (stats.filtered += 1);
    }
    // Over the limit and no kind to filter on: the suggestion would never be seen.
    if (!options.kinds && kept.length >= max) return drop();
    c.suggestion = suggest(c);
    if (options.kinds && !options.kinds.includes(c.suggestion.kind)) return void (stats.filtered += 1);
    if (kept.length >= max) return drop();
    kept.push(c);
  };
  const drop = (): void => {
    if (stats.dropped === 0)
      warn(
        stats,
        `more than ${max} candidates: the rest are left out; narrow the window, --grep or --min-level`,
      );
    stats.dropped += 1;
  };

  // Once `kept` is full it stays full: a record the pipeline would only count need not be built. The first
  // drop still goes through `accept`, so its message keeps its place among the readers' (which may read a
  // chunk's worth before the pipeline sees it).
  const needsCandidate = !!(actor || channel || options.grep || options.kinds);
  ctx.tally = (ms, level) => {
    if (needsCandidate || kept.length < max || stats.dropped === 0) return false;
    if (ms < lo || ms > hi) stats.filtered += 1;
    else if (minLevel >= 0 && level && LEVELS.indexOf(level) < minLevel) stats.filtered += 1;
    else drop();
    return true;
  };

  const readFile = async (entry: EvidenceEntry, forced?: EvidenceFormat) => {
    let format = forced ?? options.format;
    let reason = 'given';
    if (!format) {
      const d: Detection = detectFormat(await sniff(entry));
      reason = d.reason;
      format = d.format;
    }
    described.push({ name: entry.name, format, reason });
    if (!format) {
      failures.push(
        `${entry.name}: unknown format: ${reason}; ${options.formatHint ?? 'name it with --format'} (one of ${Object.keys(READERS).join(', ')})`,
      );
      warn(stats, failures[failures.length - 1] as string);
      return;
    }
    if (format === 'git') {
      failures.push(`${entry.name}: the git format reads a clone's folder, not a file`);
      warn(stats, failures[failures.length - 1] as string);
      return;
    }
    stats.files += 1;
    for await (const c of READERS[format](counted(entry, ctx), ctx)) {
      if (Array.isArray(c)) for (const one of c as readonly Candidate[]) accept(one);
      else accept(c as Candidate);
    }
  };

  for (const input of inputs) {
    try {
      if (input.type === 'git') {
        described.push({ name: input.dir, format: 'git', reason: 'a git clone' });
        for await (const c of readGitLog(input.dir, ctx)) accept(c);
      } else if (input.type === 'bundle') {
        try {
          if (isSlackBundle(input.entries)) {
            described.push({
              name: input.name,
              format: 'slack',
              reason: 'a Slack export (users.json/channels.json and channel day files)',
            });
            const entries = input.entries.map((e) => counted(e, ctx));
            for await (const c of readSlackBundle(entries, ctx)) accept(c);
          } else {
            for (const e of input.entries) await readFile(e);
          }
        } finally {
          await input.close?.();
        }
      } else {
        await readFile(input.entry, input.format);
      }
    } catch (e) {
      if (!isAppError(e)) throw e;
      failures.push(e.message);
      warn(stats, e.message);
    }
  }
  if (stats.records === 0 && (failures.length > 0 || stats.skipped > 0)) {
    const problems = failures.length > 0 ? failures : stats.warnings;
    throw new AppError(
      failures.length > 0 && stats.skipped === 0 ? 'unsupported' : 'bad_request',
      `nothing could be read: ${problems[0] ?? 'no records'}`,
      [
        // A caller with a format control can point at it when no format was recognized.
        ...(described.some((d) => !d.format) ? [{ path: ['format'], message: 'not recognized' }] : []),
        ...problems.slice(1, 10).map((message) => ({ message })),
      ],
    );
  }
  kept.sort((a, b) => a.ms - b.ms || a.link.localeCompare(b.link));
  const { kept: merged, merged: count } = mergeDuplicates(kept, options.mergeWindowMs ?? MERGE_WINDOW_MS);
  stats.merged = count;
  return { candidates: merged, stats, inputs: described };
}

/** The entry with every chunk read counted for the progress bar. */
function counted(entry: EvidenceEntry, ctx: ReaderContext): EvidenceEntry {
  return {
    ...entry,
    async *open(into?: Uint8Array) {
      for await (const chunk of entry.open(into)) {
        ctx.progress(chunk.length);
        yield chunk;
      }
    },
  };
}
