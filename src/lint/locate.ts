import type { Finding, ModelPath } from './types.js';

/** A 1-based line and column in a Markdown file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Finds where a model path starts in the source; the Markdown parser provides one. */
export type Locator = (path: ModelPath) => SourcePosition | undefined;

/** A finding placed in a file. */
export interface LocatedFinding extends Finding {
  line: number;
  column: number;
}

/**
 * Place findings in the source: the field's start from the locator, plus the finding's offset inside
 * the field's text (counting newlines), checked against the source so a re-wrapped field still lands
 * on the right word when it can.
 */
export function locateFindings(
  findings: Finding[],
  locate: Locator,
  source?: string,
  fieldText?: (path: ModelPath) => string | undefined,
): LocatedFinding[] {
  const lines = source?.split('\n');
  return findings.map((f) => {
    const base = locate(f.path) ?? { line: 1, column: 1 };
    let { line, column } = base;
    if (f.range) {
      const text = fieldText?.(f.path);
      const pos = text !== undefined && lines ? findInSource(lines, base, text, f.range.start) : undefined;
      if (pos) ({ line, column } = pos);
      else if (text !== undefined) ({ line, column } = advance(base, text.slice(0, f.range.start)));
    }
    return { ...f, line, column };
  });
}

function advance(base: SourcePosition, before: string): SourcePosition {
  const nl = before.lastIndexOf('\n');
  if (nl === -1) return { line: base.line, column: base.column + before.length };
  const newlines = before.split('\n').length - 1;
  return { line: base.line + newlines, column: before.length - nl };
}

// The field's text may be indented or escaped differently in the file than in the model: if the word is
// not where counting puts it, take its first occurrence on that line at or after the expected column,
// then anywhere on that line.
function findInSource(
  lines: string[],
  base: SourcePosition,
  text: string,
  offset: number,
): SourcePosition | undefined {
  const expected = advance(base, text.slice(0, offset));
  const word = /^\S+/u.exec(text.slice(offset))?.[0];
  const lineText = lines[expected.line - 1];
  if (!word || lineText === undefined) return undefined;
  if (lineText.startsWith(word, expected.column - 1)) return expected;
  let at = lineText.indexOf(word, Math.max(0, expected.column - 1));
  if (at === -1) at = lineText.indexOf(word);
  return at === -1 ? undefined : { line: expected.line, column: at + 1 };
}

/** A heading of the source that fed a part of the model, e.g. `details.timeline` from line 12. */
export interface SourceAnchor {
  target: string;
  line: number;
}

/**
 * A locator for reports imported from free-form Markdown, where no parser kept positions: a string value is
 * found by its text in the source, anything else at the heading that fed its part of the model.
 */
export function textLocator(
  source: string,
  valueOf: (path: (string | number)[]) => unknown,
  anchors: SourceAnchor[] = [],
): Locator {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i += 1) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number): SourcePosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
  };
  const find = (text: string): SourcePosition | undefined => {
    const head = text.split('\n')[0]?.trim().slice(0, 60);
    if (!head || head.length < 3) return undefined;
    // The first occurrence outside a heading: a field's text often repeats its heading's words.
    let first: number | undefined;
    for (let at = source.indexOf(head); at !== -1; at = source.indexOf(head, at + 1)) {
      first ??= at;
      const pos = position(at);
      const lineStart = lineStarts[pos.line - 1] as number;
      if (!/^\s*#/u.test(source.slice(lineStart, at + 1))) return pos;
    }
    return first === undefined ? undefined : position(first);
  };
  const normalized = anchors.map((a) => ({ key: a.target.replace(/\[(\w+)\]/gu, '.$1'), line: a.line }));
  return (path) => {
    // A timeline instant is written in the row with the event's text.
    const p = path.at(-1) === 'at' && path[1] === 'timeline' ? [...path.slice(0, -1), 'text'] : path;
    for (let n = p.length; n > 0; n -= 1) {
      const value = valueOf(p.slice(0, n));
      // An item without a position of its own (an action's missing owner) is placed at its title or text.
      const text =
        typeof value === 'string'
          ? value
          : value !== null && typeof value === 'object'
            ? ['title', 'text', 'cause', 'barrier', 'change']
                .map((k) => (value as Record<string, unknown>)[k])
                .find((v) => typeof v === 'string')
            : undefined;
      if (typeof text === 'string') {
        const hit = find(text);
        if (hit) return hit;
      }
      const key = p.slice(0, n).join('.');
      const anchor =
        normalized.find((a) => a.key === key) ?? normalized.find((a) => a.key.startsWith(`${key}.`));
      if (anchor) return { line: anchor.line, column: 1 };
    }
    return undefined;
  };
}
