import type { List } from 'mdast';
import {
  DEFAULT_SEVERITY_SCALE,
  findSeverityLevel,
  type FinancialLine,
  type ImpactFigure,
  type SeverityScale,
  type WhyStep,
} from '../../domain/index.js';
import { collapse, oneLine, plainInline, sliceOf } from './text.util.js';

/** The text of each item of a list (its first block), as plain one-line words. */
function itemTexts(list: List, src: string): string[] {
  return list.children.map((item) => {
    const head = item.children[0];
    return head ? plainInline(sliceOf(src, head)) : '';
  });
}

const WHY_QUESTION = /^(why\b[^?]{0,400}\?)(.*)$/i;

/**
 * A 5 Whys chain from a list: items written "Why …? Because …" give a question and its answer; in a
 * section that is itself a 5 Whys (`anyItems`), every item is a step. Undefined when the list is not one.
 */
export function whysFromList(list: List, src: string, anyItems: boolean): WhyStep[] | undefined {
  const texts = itemTexts(list, src).filter(Boolean);
  const questions = texts.filter((t) => WHY_QUESTION.test(t)).length;
  if (!anyItems && (questions < 2 || questions * 2 < texts.length)) return undefined;
  if (texts.length === 0) return undefined;
  return texts.map((t) => {
    const q = WHY_QUESTION.exec(t);
    if (q && q[2]?.trim()) return { question: oneLine(q[1] as string).line, answer: oneLine(q[2]).line };
    return { answer: oneLine(t).line };
  });
}

// Words that make a figure an estimate rather than a count.
const ESTIMATE =
  /(?:^|[^\w])(?:estimated?|estimates?|about|approx\.?|approximately|around|roughly|nearly|almost|up to|over|more than|at least|some|~|≈)(?=[\s\d$€£¥]|$)/i;
const CURRENCY_SIGN: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };
const CURRENCY_WORD: Record<string, string> = {
  usd: 'USD',
  dollars: 'USD',
  dollar: 'USD',
  eur: 'EUR',
  euro: 'EUR',
  euros: 'EUR',
  gbp: 'GBP',
  pounds: 'GBP',
  chf: 'CHF',
  cad: 'CAD',
  aud: 'AUD',
  jpy: 'JPY',
  sek: 'SEK',
  nok: 'NOK',
  dkk: 'DKK',
};
const SCALE: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  million: 1e6,
  mn: 1e6,
  bn: 1e9,
  billion: 1e9,
};
const MONEY_SIGN = /([$€£¥])\s?(\d[\d,]*(?:\.\d+)?)(?:\s?(k|m|mn|bn|thousand|million|billion)\b)?/i;
const MONEY_WORD =
  /(?<!\d)(?<!\d,)(\d[\d,]*(?:\.\d+)?)(?:\s?(k|m|mn|bn|thousand|million|billion)\b)?\s?(usd|eur|gbp|chf|cad|aud|jpy|sek|nok|dkk|dollars?|euros?|pounds)\b/i;
const DURATION = /(?<!\d)(\d+(?:\.\d+)?)\s?(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\b/i;
const COUNT = /(?<![\d:.,/-])(\d{1,3}(?:,\d{3})+|\d+)(?![\d:/%]|\.\d)\s+([A-Za-z][\w-]*(?:\s[a-z][\w-]*)?)/;
const UNITS: Record<string, string> = { sec: 'seconds', min: 'minutes', hr: 'hours' };

const amountOf = (digits: string, scale?: string) =>
  Number(digits.replaceAll(',', '')) * (scale ? (SCALE[scale.toLowerCase()] ?? 1) : 1);

function financialKind(text: string): FinancialLine['kind'] {
  if (/\brefund/i.test(text)) return 'refund';
  if (/\b(?:fine|fined|penalt)/i.test(text)) return 'fine';
  if (/\b(?:revenue|sales|lost|income|bookings)\b/i.test(text)) return 'lost_revenue';
  if (/\b(?:cost|spend|spent|bill|credits?|overtime|paid)\b/i.test(text)) return 'cost';
  return 'other';
}

function unitOf(word: string): string {
  const w = word.toLowerCase().replace(/s$/, '');
  const base = UNITS[w] ?? w;
  return base.endsWith('s') ? base : `${base}s`;
}

/** Typed impact lines from a list: money with its currency, durations and counts; "about" marks an estimate. */
export function impactFromList(
  list: List,
  src: string,
): { financial: FinancialLine[]; figures: ImpactFigure[] } {
  const financial: FinancialLine[] = [];
  const figures: ImpactFigure[] = [];
  for (const text of itemTexts(list, src)) {
    if (!text) continue;
    const t = text.slice(0, 2000);
    const basis = ESTIMATE.test(t) ? 'estimate' : 'confirmed';
    const description = oneLine(t).line;
    const sign = MONEY_SIGN.exec(t);
    const word = sign ? undefined : MONEY_WORD.exec(t);
    if (sign || word) {
      const amount = sign
        ? amountOf(sign[2] as string, sign[3])
        : amountOf((word as RegExpExecArray)[1] as string, (word as RegExpExecArray)[2]);
      const currency = sign
        ? (CURRENCY_SIGN[sign[1] as string] as string)
        : (CURRENCY_WORD[((word as RegExpExecArray)[3] as string).toLowerCase()] as string);
      if (Number.isFinite(amount)) {
        financial.push({ kind: financialKind(t), description, amount, currency, basis });
        continue;
      }
    }
    const duration = DURATION.exec(t);
    if (duration) {
      figures.push({
        category: 'operational',
        measure: description,
        value: Number(duration[1]),
        unit: unitOf(duration[2] as string),
        basis,
      });
      continue;
    }
    const count = COUNT.exec(t);
    if (count) {
      const noun = (count[2] as string).toLowerCase();
      const customer =
        /\b(?:customers?|users?|clients?|accounts?|orders?|merchants?|tenants?|sites?|requests?|visitors?|subscribers?|invoices?)\b/.test(
          noun,
        );
      const team = /\b(?:tickets?|pages?|engineers?|people|calls?|hours? of work)\b/.test(noun);
      figures.push({
        category: customer ? 'customer' : team ? 'team' : 'operational',
        measure: description,
        value: Number((count[1] as string).replaceAll(',', '')),
        unit: oneLine(noun.split(' ')[0] as string).line,
        basis,
      });
    }
  }
  return { financial, figures };
}

const SEVERITY_LINE =
  /^[ \t]*(?:[-*+][ \t]+)?[*_]{0,2}(severity|priority|sev|incident level|impact level)[*_]{0,2}[ \t]*:([^\n]{1,80})$/im;

/**
 * A severity stated on a `Severity:` or `Priority:` line, mapped onto the scale: SEV-2, Sev 2, P2, "High".
 * Returns the level, what was written and the line's index in the text; undefined when nothing maps.
 */
export function severityFrom(
  text: string,
  scale: SeverityScale = DEFAULT_SEVERITY_SCALE,
): { level: string; written: string; offset: number } | undefined {
  const m = SEVERITY_LINE.exec(text.slice(0, 100_000));
  if (!m) return undefined;
  const written = collapse((m[2] as string).replace(/[*_]{2}/g, ''));
  const value = written.toLowerCase();
  const n = /\b(?:sev(?:erity)?|p|priority|level)[\s-]?([0-5])\b/.exec(value) ?? /^([0-5])\b/.exec(value);
  let rank: number | undefined;
  if (n) rank = Math.max(1, Number(n[1]));
  else if (/\b(?:critical|blocker|urgent|highest|emergency|major outage)\b/.test(value)) rank = 1;
  else if (/\b(?:high|major|severe)\b/.test(value)) rank = 2;
  else if (/\b(?:medium|moderate|normal|significant)\b/.test(value)) rank = 3;
  else if (/\b(?:low|minor|lowest|trivial)\b/.test(value)) rank = 4;
  if (rank === undefined) return undefined;
  const levels = scale.levels;
  const level = levels[Math.min(rank, levels.length) - 1];
  if (!level || !findSeverityLevel(scale, level.id)) return undefined;
  return { level: level.id, written, offset: m.index };
}
