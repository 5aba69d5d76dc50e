import type { EventKind } from '../domain/index.js';
import { LIMITS } from '../domain/instant.js';

/** The evidence formats Hindsight reads. */
export const EVIDENCE_FORMATS = [
  'slack',
  'mattermost',
  'teams',
  'pagerduty',
  'opsgenie',
  'alertmanager',
  'github',
  'git',
  'json-log',
  'syslog',
  'text',
] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

/** Log levels on one scale, lowest first; every source's own levels are mapped onto it. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** A suggested timeline kind with the reason a person can judge it by. */
export interface KindSuggestion {
  kind: EventKind;
  reason: string;
}

/** A change before or during the incident (a commit or a deploy), for the change analysis. */
export interface ChangeInfo {
  type: 'commit' | 'deploy';
  /** Commit sha or deployment id. */
  id: string;
  /** What changed, one line. */
  summary: string;
  /** A URL for the change when the source has one. */
  url?: string;
}

/** One thing a source recorded that may belong in the timeline. */
export interface Candidate {
  /** Canonical UTC instant (formatInstant). */
  at: string;
  /** The same instant in epoch milliseconds, for sorting and windows. */
  ms: number;
  format: EvidenceFormat;
  /** The format plus its channel, service or tool, e.g. "slack #incident" or "pagerduty". */
  source: string;
  channel?: string;
  actor?: string;
  /** One trimmed line, at most 2000 characters. */
  text: string;
  /** Back to the exact place: `file:line`, `file#byte=…` (a log read from a seek), `file#ts=…`, `file!entry#ts=…` or a URL. */
  link: string;
  level?: Level;
  /** The source text as recorded (one line, bounded), kept as supporting material. */
  excerpt?: string;
  /** What the source itself says the record means (an acknowledgement, a resolve…); wins over text rules. */
  hint?: KindSuggestion;
  /** What an alert is about (alert name, incident title), used to recognise one alert seen through two tools. */
  topic?: string;
  /** Present for commits and deploys. */
  change?: ChangeInfo;
  /** Filled by the pipeline. */
  suggestion?: KindSuggestion;
  /** Links of duplicates merged into this candidate (the same alert seen through another tool). */
  alsoIn?: string[];
}

/** Counters and messages of one extraction, so nothing is dropped silently. */
export interface ReadStats {
  files: number;
  bytes: number;
  /** Lines read by the line-oriented readers that count them (JSON-lines logs). */
  lines: number;
  /** Records read with a usable instant. */
  records: number;
  /** Records that were malformed and skipped. */
  skipped: number;
  /** Records that were read but are not events (channel joins, system notices…). */
  ignored: number;
  /** Records outside the time window or filtered out. */
  filtered: number;
  /** Candidates merged into an earlier duplicate. */
  merged: number;
  /** Candidates dropped because the list reached its limit. */
  dropped: number;
  /** Human messages, each naming the file and line where there is one (at most MAX_WARNINGS kept). */
  warnings: string[];
}

export const MAX_WARNINGS = 50;

export function newStats(): ReadStats {
  return {
    files: 0,
    bytes: 0,
    lines: 0,
    records: 0,
    skipped: 0,
    ignored: 0,
    filtered: 0,
    merged: 0,
    dropped: 0,
    warnings: [],
  };
}

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Whether oneLine must rewrite the text: a control character, a line or paragraph separator, a white space
 * other than the plain space, or a plain space at either end or next to another. The same answer as
 * /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\s\s|^\s|\s$|[^\S ]/ (candidate.test.ts checks it), in one
 * pass over the characters: that pattern cost more than any other step of a large log's candidates.
 */
export function needsCleaning(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  if (text.charCodeAt(0) === 0x20 || text.charCodeAt(n - 1) === 0x20) return true;
  let space = false;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (space) return true;
      space = true;
      continue;
    }
    space = false;
    // Controls (tab, newlines included), DEL and C1 controls, and the no-break space.
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0)) return true;
    if (
      c >= 0x1680 &&
      (c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff)
    )
      return true;
  }
  return false;
}

// eslint-disable-next-line no-control-regex -- see above
const BLANK = /^[\s\u0000-\u001f\u007f-\u009f]*$/;

/** Whether oneLine would make nothing of the text (only spaces and controls). */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/** Make any text a valid model line: one line, controls turned to spaces, spaces collapsed, trimmed, bounded. */
export function oneLine(text: string, max: number = LIMITS.line): string {
  // Most texts are clean already: test once before rewriting, which matters on large extractions.
  let s = needsCleaning(text) ? text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim() : text;
  if (!s.isWellFormed()) s = s.toWellFormed();
  if (s.length > max) {
    s = s.slice(0, max - 1);
    // Do not leave half of a surrogate pair at the cut.
    if (/[\uD800-\uDBFF]$/.test(s)) s = s.slice(0, -1);
    s = `${s.trimEnd()}…`;
  }
  return s;
}

// Slack file links carry access tokens (`?t=xoxe-…`, files.slack.com/files-pri/…): never let them through.
const TOKEN_LINKS =
  /https?:\/\/files\.slack\.com\/[^\s>|"]*|https?:\/\/[^\s>|"]*[?&](?:t|token)=xox[a-z]-[^\s>|"]*/gi;

/** Remove links that embed access tokens. */
export function redactTokens(text: string): string {
  if (!text.includes('files.slack.com') && !text.includes('xox')) return text;
  return text.replace(TOKEN_LINKS, '[private file link removed]');
}
