import type { Sentence } from './analyse.js';
import { phraseRegex, type ProseContext, type SentenceHit, type SentenceRule } from './rule.js';

// Words that state an effect on users, the business or service quality.
const EFFECT =
  `user users customer customers client clients merchant merchants account accounts visitor visitors
  subscriber subscribers sales revenue order orders money income conversion conversions booking bookings transactions
  payments charges requests latency response|time response|times slow slower slowness slowly slowdown sluggish
  degraded degradation downtime unavailable unavailability errors error|rate failures failure|rate complaints tickets
  reputation trust churn lost loss losses lose losing affected impacted impact delays delayed damage damaged hurt harm
  harmed cost costly productivity broke experience volume`
    .split(/\s+/u)
    .map((w) => w.replaceAll('|', ' '));
// Quantifiers and intensifiers that stand in for a number.
const VAGUE =
  `many some several a|lot lots numerous significant significantly substantial substantially considerable
  considerably huge massive major a|number|of various multiple a|few a|handful countless plenty tons very extremely
  severely badly heavily a|while for|some|time most a|bunch sharply noticeably dearly greatly dramatically drastically
  markedly elevated poor`
    .split(/\s+/u)
    .map((w) => w.replaceAll('|', ' '));
const NUMBER_WORDS =
  /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|quarter|third|double|doubled|triple|tripled|quadrupled|twice|thrice|all|every|none|no|nobody|entire|whole)\b|\b(?:a|an)\s+(?:second|minute|hour|day|week|month|year)\b/iu;
const DIGIT = /\d|[$€£¥%]/u;

let effect: RegExp | undefined;
let vague: RegExp | undefined;
let extraKey = '';
let extra: RegExp | undefined;

/** True when the sentence carries a quantity: a digit, a currency or percent sign, or a number word. */
export function hasQuantity(text: string): boolean {
  return DIGIT.test(text) || NUMBER_WORDS.test(text);
}

// The impact section and the summary's "what happened" and "impact" are where effects are stated;
// the title, core issue, lessons and next steps are about other things.
function statesEffect(sentence: Sentence): boolean {
  const [head, key] = sentence.field.path;
  if (head === 'summary') return key === 'whatHappened' || key === 'impact';
  return head === 'impact';
}

export const vagueImpactRule: SentenceRule = {
  id: 'vague-impact',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    effect ??= phraseRegex(EFFECT);
    vague ??= phraseRegex(VAGUE);
    const key = ctx.config.vagueWords.join('\u0000');
    if (key !== extraKey) {
      extraKey = key;
      extra = phraseRegex(ctx.config.vagueWords);
    }
    const text = sentence.text;
    // Labels ("Impact", "User-facing impact:") and fragments state nothing to quantify.
    if (text.trim().endsWith(':') || (text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) < 4) return [];
    if (hasQuantity(text)) return [];
    const first = (re: RegExp | undefined) => {
      if (!re) return undefined;
      re.lastIndex = 0;
      return re.exec(text) ?? undefined;
    };
    const effectHit = first(effect);
    if (!effectHit) return [];
    const vagueHit = first(extra) ?? first(vague);
    // Outside the statements of effect only an explicit vague quantifier is worth a remark.
    if (!statesEffect(sentence) && !vagueHit) return [];
    const at = vagueHit ?? effectHit;
    return [
      {
        ...(statesEffect(sentence) ? {} : { severity: 'info' as const }),
        start: at.index,
        end: at.index + at[0].length,
        message: vagueHit
          ? `"${vagueHit[0]}" stands in for a number: this effect is stated without a count, amount or duration.`
          : 'This effect is stated without a number: say how many, how much or for how long.',
        suggestion:
          'Give the figure, even as an estimate: users or orders affected, money, error rate, minutes of downtime.',
      },
    ];
  },
};
