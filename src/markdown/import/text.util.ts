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
  return [...src.matchAll(URL_RE)].map((m) => m[0].replace(/[.,;:!?*_]+$/, ''));
}

/** When a text is exactly one Markdown link `[label](url)`, its label and target. */
export function wholeLink(src: string): { label: string; url: string } | undefined {
  const m = /^\[([^\]]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)$/.exec(src.trim());
  return m ? { label: m[1] as string, url: m[2] as string } : undefined;
}

/** Plain words of inline Markdown for names: emphasis and link syntax removed. */
export function plainInline(src: string): string {
  return collapse(
    src
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<https?:[^>]+>/g, (m) => m.slice(1, -1))
      .replace(/(\*\*|__|\*|_|`|~~)/g, ''),
  );
}
