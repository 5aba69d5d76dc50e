import { z } from 'zod';
import { LIMITS, canonicalInstant, isCalendarDate, isTimeZone } from './instant.js';

export * from './instant.js';

// C0 controls other than tab and newline, DEL, and the C1 block never belong in report text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const ONLY_COMMENT = /^<!--(?:(?!-->)[\s\S])*-->$/;

/**
 * Deepest run of quote and list markers a line of report text may start with. The Markdown parser allows twice
 * as many (`MAX_LINE_NESTING`), room for the markers the format itself puts before a value; beyond that, a
 * renderer would recurse once per level.
 */
export const MAX_TEXT_NESTING = 200;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9;

/**
 * How many block quote (`>`) and list markers (`-`, `*`, `+`, `1.`, `1)`) open a line, as CommonMark reads
 * them: a bullet or number counts only when a space, a tab or the end of the line follows it, so digits,
 * dots and spaces that are not markers (`12345678901.`, `...`, indentation) count nothing. Linear.
 */
export function lineNesting(line: string): number {
  let depth = 0;
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return depth;
    const c = line.charCodeAt(i);
    let end = -1;
    if (c === 62 /* > */) end = i + 1;
    else if (c === 45 || c === 42 || c === 43 /* - * + */) end = i + 1;
    else if (isDigit(c)) {
      let j = i;
      while (j < n && j - i < 10 && isDigit(line.charCodeAt(j))) j++;
      const m = line.charCodeAt(j);
      if (j - i <= 9 && (m === 46 || m === 41) /* . ) */) end = j + 1;
    }
    if (end === -1) return depth;
    // A bullet or a number is a marker only before white space or the end of the line; `>` always is.
    if (c !== 62 && end < n && !isSpace(line.charCodeAt(end))) return depth;
    depth++;
    i = end;
  }
}

function nestingProblem(s: string): string | undefined {
  // Only lines that start with a marker after optional white space can nest; most text has none.
  for (const l of s.split('\n'))
    if (lineNesting(l) > MAX_TEXT_NESTING)
      return `must not nest more than ${MAX_TEXT_NESTING} quote or list markers at the start of a line`;
  return undefined;
}

/** The first rule a single-line value breaks, or undefined. */
export function lineProblem(s: string): string | undefined {
  if (s !== s.trim()) return 'must not start or end with white space';
  if (LINE_BREAK.test(s)) return 'must be a single line';
  if (CONTROL.test(s) || s.includes('\t')) return 'must not contain control characters';
  if (!s.isWellFormed()) return 'must be well-formed Unicode';
  return nestingProblem(s);
}

/** The first rule a prose value breaks, or undefined. */
export function textProblem(s: string): string | undefined {
  if (s !== s.trim()) return 'must not start or end with white space';
  if (s.includes('\r') || /[\u2028\u2029]/.test(s)) return 'must use \\n line endings';
  if (CONTROL.test(s)) return 'must not contain control characters';
  if (!s.isWellFormed()) return 'must be well-formed Unicode';
  if (ONLY_COMMENT.test(s)) return 'must not consist of an HTML comment alone';
  return nestingProblem(s);
}

// One check per value instead of a chain of refinements: reports are validated on every keystroke and save.
const ruleCheck = (problem: (s: string) => string | undefined) => (ctx: z.core.ParsePayload<string>) => {
  const message = problem(ctx.value);
  if (message) ctx.issues.push({ code: 'custom', message, input: ctx.value });
};

/** A single line of text: trimmed, no line breaks or control characters, well-formed Unicode. */
export const lineSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.line, `must be at most ${LIMITS.line} characters`)
  .check(ruleCheck(lineProblem));

/** Free prose (Markdown source): trimmed, no carriage returns or control characters. */
export const textSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.text, `must be at most ${LIMITS.text} characters`)
  .check(ruleCheck(textProblem));

/** A point in time, given in ISO 8601 with a zone, stored in the canonical UTC form. */
export const instantSchema = z.string().transform((s, ctx) => {
  const canonical = canonicalInstant(s);
  if (canonical === undefined) {
    ctx.issues.push({
      code: 'custom',
      message: 'must be an ISO 8601 date and time with a zone, e.g. 2024-03-01T14:05:00Z',
      input: s,
    });
    return z.NEVER;
  }
  return canonical;
});

/** A calendar date, YYYY-MM-DD. */
export const dateSchema = z.string().check((ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ctx.value)) {
    ctx.issues.push({ code: 'custom', message: 'must be a date written YYYY-MM-DD', input: ctx.value });
  } else if (!isCalendarDate(ctx.value)) {
    ctx.issues.push({ code: 'custom', message: 'must be a real calendar date', input: ctx.value });
  }
});

/** An IANA time zone name such as UTC or Europe/Copenhagen. */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin');

/** A finite number; -0 is stored as 0 so that every written form reads back equal. */
export const numberSchema = z
  .number()
  .finite()
  .transform((n) => (Object.is(n, -0) ? 0 : n));

/** Bounded list helper: every list in a report has an upper limit. */
export const listOf = <T extends z.ZodType>(item: T, max: number = LIMITS.list) =>
  z.array(item).max(max, `must have at most ${max} entries`);
