import { AppError } from '../../domain/index.js';

/** Limits a foreign report must stay within before the Markdown parser sees it. */
export const IMPORT_LIMITS = {
  /**
   * Characters of input. Real post-mortems are tens of kilobytes; the Markdown parser reads dense markup
   * at about a hundred kilobytes a second, so this keeps the worst accepted input to a couple of seconds.
   */
  chars: 200_000,
  /** Nested lists and block quotes on one line. */
  depth: 16,
  /**
   * Sum over paragraphs of (emphasis and bracket delimiters)²: the Markdown parser's inline pass is
   * quadratic in these within one paragraph, so this bounds its work (about half a second at the limit).
   */
  inlineWork: 5_000_000,
  /** Table cells (pipes) in the whole document. */
  pipes: 40_000,
  /** Emphasis, bracket and tag characters in the whole document. */
  delimiters: 50_000,
} as const;

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const where = (file: string | undefined, line: number) => `${file ? `${file}:` : 'line '}${line}`;

// Control characters other than tab, newline and form feed mean binary data, not a text report.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/;

/**
 * Make input safe for the Markdown parser: refuse binary data, malformed Unicode, oversized text and
 * pathological nesting with an AppError naming the line; normalize line endings. Cheap, one pass per check.
 */
export function guardInput(input: string, file?: string): string {
  if (input.length > IMPORT_LIMITS.chars) {
    throw new AppError(
      'too_large',
      `${file ?? 'input'}: ${input.length.toLocaleString('en-US')} characters is more than the ${IMPORT_LIMITS.chars.toLocaleString('en-US')} a post-mortem may have for import`,
    );
  }
  let text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  text = text.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(/\f/g, '\n');
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new AppError(
      'bad_request',
      `${where(file, lineAt(text, control.index))}: control character U+${code}; this looks like binary data, not a Markdown report`,
    );
  }
  if (!text.isWellFormed()) {
    const bad = [...text].findIndex((ch) => {
      const c = ch.charCodeAt(0);
      return ch.length === 1 && c >= 0xd800 && c <= 0xdfff;
    });
    const offset = [...text].slice(0, Math.max(bad, 0)).join('').length;
    throw new AppError(
      'bad_request',
      `${where(file, lineAt(text, offset))}: malformed Unicode (a lone surrogate)`,
    );
  }
  scanStructure(text, file);
  return text;
}

function scanStructure(text: string, file: string | undefined): void {
  let line = 0;
  let pipes = 0;
  let work = 0;
  let paragraphDelims = 0;
  let totalDelims = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const depth = containerDepth(text, start, end);
    if (depth > IMPORT_LIMITS.depth) {
      throw new AppError(
        'bad_request',
        `${where(file, line)}: lists or block quotes nested ${depth} deep; the limit is ${IMPORT_LIMITS.depth}`,
      );
    }
    let delims = 0;
    let blank = true;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x7c) pipes++;
      else if (c === 0x2a || c === 0x5f || c === 0x5b || c === 0x5d || c === 0x7e || c === 0x3c) delims++;
      if (blank && c !== 0x20 && c !== 0x09 && c !== 0x3e) blank = false;
    }
    // A blank line, a list item, a heading or a table row starts new inline content.
    if (blank || startsBlock(text, start, end)) {
      work += paragraphDelims * paragraphDelims;
      paragraphDelims = 0;
    }
    if (!blank) paragraphDelims += delims;
    totalDelims += delims;
    if (totalDelims > IMPORT_LIMITS.delimiters) {
      throw new AppError(
        'bad_request',
        `${where(file, line)}: more than ${IMPORT_LIMITS.delimiters.toLocaleString('en-US')} emphasis, bracket or tag characters in one report`,
      );
    }
    if (work + paragraphDelims * paragraphDelims > IMPORT_LIMITS.inlineWork) {
      throw new AppError(
        'bad_request',
        `${where(file, line)}: too many emphasis or bracket characters in one paragraph for a report (up to this line)`,
      );
    }
    if (pipes > IMPORT_LIMITS.pipes) {
      throw new AppError(
        'bad_request',
        `${where(file, line)}: more than ${IMPORT_LIMITS.pipes.toLocaleString('en-US')} table cells in one report`,
      );
    }
    start = end + 1;
  }
}

function startsBlock(text: string, start: number, end: number): boolean {
  const head = text.slice(start, Math.min(end, start + 16)).trimStart();
  return /^(?:[-*+](?:\s|$)|\d{1,9}[.)](?:\s|$)|#{1,6}(?:\s|$)|\|)/.test(head);
}

/** How many lists and block quotes a line opens or continues: markers at its start, plus list indentation. */
function containerDepth(text: string, start: number, end: number): number {
  let depth = 0;
  let indent = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      indent++;
      i++;
    } else if (c === 0x09) {
      indent += 4;
      i++;
    } else if (c === 0x3e) {
      depth++;
      i++;
    } else if (
      (c === 0x2d || c === 0x2a || c === 0x2b) &&
      (i + 1 === end || text.charCodeAt(i + 1) === 0x20)
    ) {
      depth++;
      i++;
    } else if (c >= 0x30 && c <= 0x39) {
      let j = i;
      while (j < end && j - i < 10 && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
      const m = text.charCodeAt(j);
      if ((m === 0x2e || m === 0x29) && (j + 1 === end || text.charCodeAt(j + 1) === 0x20)) {
        depth++;
        i = j + 1;
      } else break;
    } else break;
  }
  // Indentation only nests when it leads to a list item or quote; two columns per level is the tightest nesting.
  return depth === 0 ? 0 : depth + Math.floor(indent / 2);
}
