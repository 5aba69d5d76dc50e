import type { Nodes } from 'mdast';
import { LIMITS } from '../../domain/index.js';

/** The exact source of a node, or of a run of sibling nodes from the first to the last. */
export function sliceOf(src: string, first: Nodes, last: Nodes = first): string {
  const a = first.position?.start.offset;
  const b = last.position?.end.offset;
  if (a === undefined || b === undefined) return '';
  return src.slice(a, b);
}

/** 1-based line where a node starts. */
export const lineOf = (node: Nodes): number => node.position?.start.line ?? 0;

/** 1-based line where a node ends (where it starts when its end is not known). */
export const endLineOf = (node: Nodes): number => node.position?.end.line ?? lineOf(node);

/** Whitespace (tabs, line breaks) collapsed to single spaces and trimmed: the form a one-line field takes. */
export const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * A one-line field from text: collapsed, and cut at a word boundary when longer than the field allows.
 * `overflow` then holds the whole text, so the caller can keep it as prose and lose nothing.
 */
export function oneLine(s: string, max: number = LIMITS.line): { line: string; overflow?: string } {
  const line = collapse(s);
  if (line.length <= max) return { line };
  let cut = line.lastIndexOf(' ', max - 2);
  if (cut < max / 2) cut = max - 2;
  return { line: `${line.slice(0, cut).trimEnd()} …`, overflow: s.trim() };
}

const URL_RE = /https?:\/\/[^\s<>()[\]"'`|]+/g;

/** URLs in Markdown source, in order: link targets, autolinks and bare addresses. */
export function urlsIn(src: string): string[] {
  return [...src.matchAll(URL_RE)].map((m) => trimEndOf(m[0], '.,;:!?*_'));
}

/** When a text is exactly one Markdown link `[label](url)`, its label and target. */
export function wholeLink(src: string): { label: string; url: string } | undefined {
  const m = /^\[([^\]]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)$/.exec(src.trim());
  return m ? { label: m[1] as string, url: m[2] as string } : undefined;
}

/** Plain words of inline Markdown for names: emphasis and link syntax removed. */
export function plainInline(src: string): string {
  return collapse(
    linkLabels(src)
      .replace(/<https?:[^>]+>/g, (m) => m.slice(1, -1))
      .replace(/(\*\*|__|\*|_|`|~~)/g, ''),
  );
}

// Scans by hand where a regular expression would search again from every bracket (quadratic on a run of
// brackets that never close); each gives what the expression in its comment gives.

/** `s` without a trailing run of any of `chars` (as `s.replace(/[chars]+$/, '')`). */
export function trimEndOf(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1] as string)) end--;
  return s.slice(0, end);
}

/**
 * The first `open` that a `close` follows, with what lies between (as `/\(([^)]*)\)/` for `(` and `)`); with
 * `nonEmpty`, only a pair with something between (as `/\(([^)]+)\)/`); from index `from` on.
 */
export function firstBracketed(
  s: string,
  open: string,
  close: string,
  nonEmpty = false,
  from = 0,
): { start: number; end: number; inner: string } | undefined {
  let i = s.indexOf(open, from);
  while (i >= 0) {
    const j = s.indexOf(close, i + 1);
    if (j < 0) return undefined;
    if (!nonEmpty || j > i + 1) return { start: i, end: j + 1, inner: s.slice(i + 1, j) };
    i = s.indexOf(open, i + 1);
  }
  return undefined;
}

/** Every `open … close` pair replaced by `by` (as `s.replace(/\([^)]*\)/g, by)` for `(` and `)`). */
export function replaceBracketed(s: string, open: string, close: string, by: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const found = firstBracketed(s, open, close, false, from);
    if (!found) return out + s.slice(from);
    out += s.slice(from, found.start) + by;
    from = found.end;
  }
}

/** Markdown links and images `[label](target)` replaced by their label (as `/!?\[([^\]]*)\]\([^)]*\)/g`). */
function linkLabels(s: string): string {
  let out = '';
  let from = 0; // where the text not yet copied starts
  let i = s.indexOf('[');
  let close = -1; // the first "]" after i, kept while i is before it
  let paren = -1; // the first ")" after the "(" of a label, likewise
  while (i >= 0) {
    if (close < i) close = s.indexOf(']', i + 1);
    if (close < 0) break;
    if (s[close + 1] !== '(') {
      i = s.indexOf('[', i + 1);
      continue;
    }
    if (paren < close + 2) paren = s.indexOf(')', close + 2);
    if (paren < 0) break;
    const start = i > from && s[i - 1] === '!' ? i - 1 : i;
    out += s.slice(from, start) + s.slice(i + 1, close);
    from = paren + 1;
    i = s.indexOf('[', from);
  }
  return out + s.slice(from);
}
