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
