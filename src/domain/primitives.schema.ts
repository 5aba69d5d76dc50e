import { z } from 'zod';

// C0 controls other than tab and newline, DEL, and the C1 block never belong in report text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const ONLY_COMMENT = /^<!--(?:(?!-->)[\s\S])*-->$/;

/** Limits on what one field may hold, shared by the API, the web forms and the Markdown parser. */
export const LIMITS = {
  line: 2_000,
  text: 100_000,
  list: 5_000,
} as const;

/** A single line of text: trimmed, no line breaks or control characters, well-formed Unicode. */
export const lineSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.line, `must be at most ${LIMITS.line} characters`)
  .refine((s) => s === s.trim(), 'must not start or end with white space')
  .refine((s) => !LINE_BREAK.test(s), 'must be a single line')
  .refine((s) => !CONTROL.test(s) && !s.includes('\t'), 'must not contain control characters')
  .refine((s) => s.isWellFormed(), 'must be well-formed Unicode');

/** Free prose (Markdown source): trimmed, no carriage returns or control characters. */
export const textSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.text, `must be at most ${LIMITS.text} characters`)
  .refine((s) => s === s.trim(), 'must not start or end with white space')
  .refine((s) => !s.includes('\r') && !/[\u2028\u2029]/.test(s), 'must use \\n line endings')
  .refine((s) => !CONTROL.test(s), 'must not contain control characters')
  .refine((s) => s.isWellFormed(), 'must be well-formed Unicode')
  .refine((s) => !ONLY_COMMENT.test(s), 'must not consist of an HTML comment alone');

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parse an ISO 8601 instant with a zone (Z or an offset) into epoch milliseconds, or undefined. */
export function parseInstant(value: string): number | undefined {
  const m = INSTANT.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000 + 1e-6) : 0;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return undefined;
  }
  if (zone === 'Z') return base;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  if (offset > 18 * 60) return undefined;
  return base - sign * offset * 60_000;
}

/** Format epoch milliseconds as the canonical instant: UTC, seconds always, milliseconds only when set. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

/** A point in time, given in ISO 8601 with a zone, stored in the canonical UTC form. */
export const instantSchema = z
  .string()
  .refine(
    (s) => parseInstant(s) !== undefined,
    'must be an ISO 8601 date and time with a zone, e.g. 2024-03-01T14:05:00Z',
  )
  .transform((s) => formatInstant(parseInstant(s) as number));

/** A calendar date, YYYY-MM-DD. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date');

/** True when the runtime knows the IANA time zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
