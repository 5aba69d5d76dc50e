import type { Sentence } from './analyse.js';
import { isLabelField } from './context.js';
import { phraseRegex, type ProseContext, type SentenceHit, type SentenceRule } from './rule.js';

// Hedges and weasel words that weaken a statement of fact. General lists (retext-intensify's, write-good's)
// include "about", "back" and "well", which are fine in a post-mortem, so the list is our own.
const HEDGES = [
  'apparently',
  'arguably',
  'conceivably',
  'hopefully',
  'maybe',
  'perhaps',
  'possibly',
  'presumably',
  'probably',
  'seemingly',
  'supposedly',
  'somehow',
  'it seems',
  'seems to',
  'seemed to',
  'appears to',
  'appeared to',
  'we think',
  'we believe',
  'i think',
  'i believe',
  // The same hedge in other words, and its chat shorthand: "it looks like the pods are evicted", "afaik nothing changed".
  'it appears',
  'it looks like',
  'it sounds like',
  'afaik',
  'afaict',
  'as far as i know',
  'as far as we know',
  'i guess',
  'i suspect',
  'we suspect',
  'sort of',
  // A guess said as near-certainty, and harm that "may have" reached people: "almost certainly the tick rate",
  // "listeners may have noticed".
  'almost certainly',
  'almost certain',
  'may have noticed',
  'may have seen',
  'might have noticed',
  'might have seen',
  'kind of',
  'more or less',
];
const WEASELS = [
  'somewhat',
  'fairly',
  'quite',
  'rather',
  'relatively',
  'really',
  'pretty much',
  'extremely',
  'exceedingly',
  'remarkably',
  'surprisingly',
  'various',
  'virtually',
  'literally',
  'interestingly',
  'reportedly',
  'some say',
  'it is said',
  'experts say',
  'a bit',
];

const RATHER_NOT_HEDGE = /\brather\s+than\b|\b(?:would|'d|’d)\s+rather\b|\bor\s+rather\b/iu;

let hedges: RegExp | undefined;
let weasels: RegExp | undefined;
let extraKey = '';
let extra: RegExp | undefined;

export const weaselRule: SentenceRule = {
  id: 'weasel-words',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    hedges ??= phraseRegex(HEDGES);
    weasels ??= phraseRegex(WEASELS);
    const key = ctx.config.weaselWords.join('\u0000');
    if (key !== extraKey) {
      extraKey = key;
      extra = phraseRegex(ctx.config.weaselWords);
    }
    const hits: SentenceHit[] = [];
    if (isLabelField(sentence.text)) return hits;
    const scan = (re: RegExp | undefined, hedge: boolean) => {
      if (!re) return;
      re.lastIndex = 0;
      for (const m of sentence.text.matchAll(re)) {
        // "rather than" compares two options and "would rather" states a preference: neither hedges.
        if (
          /^rather$/iu.test(m[0]) &&
          RATHER_NOT_HEDGE.test(sentence.text.slice(Math.max(0, m.index - 12), m.index + 16))
        )
          continue;
        hits.push({
          start: m.index,
          end: m.index + m[0].length,
          message: hedge
            ? `"${m[0]}" hedges the statement; say what is known, and mark what is not yet known as open.`
            : `"${m[0]}" is vague; replace it with the specific fact or figure.`,
        });
      }
    };
    scan(hedges, true);
    scan(weasels, false);
    scan(extra, false);
    return hits.sort((a, b) => a.start - b.start);
  },
};
