import type { Sentence } from './analyse.js';
import type { ProseContext, SentenceHit, SentenceRule } from './rule.js';

// Counterfactuals judge the past by a future nobody had at the time: "should have caught it", "could have been
// done earlier", "failed to notice". They are not errors (sometimes they are the honest summary), but each one
// hides the question worth asking: why did the choice make sense to the people making it?

const QUESTION =
  'Ask what made the choice look sensible when it was made — what the people involved knew, saw and were asked to do — and write that down instead.';

// A past participle after "have": regular -ed forms and the irregular ones a post-mortem uses.
const PARTICIPLE =
  '(?:\\w+ed|been|done|known|seen|caught|taken|given|made|run|written|found|gone|shown|thought|brought|kept|sent|built|spent|put|set|told|held|chosen|noticed|had)';
const SHOULD_HAVE = new RegExp(
  `\\b(?:should|ought\\s+to)(?:n['’]t|\\s+not)?\\s+(?:have|of|['’]ve)\\s+(?:\\w+\\s+)?(?:\\w+-)?${PARTICIPLE}\\b`,
  'iu',
);
// "could have" is a counterfactual when people are its subject or it is passive ("could have been validated");
// "the job could have run at any time" only says what was possible.
const COULD_HAVE_PERSON = new RegExp(
  `\\b(?:we|I|you|they|he|she|the\\s+team|someone|somebody|anyone|nobody)\\s+could(?:n['’]t|\\s+not)?\\s+(?:have|of|['’]ve)\\s+(?:\\w+ly\\s+)?${PARTICIPLE}\\b`,
  'iu',
);
const COULD_HAVE_BEEN =
  /\bcould(?:n['’]t|\s+not)?\s+(?:have|of|['’]ve)\s+been\s+(?:\w+ly\s+)?(?:\w+ed|done|caught|found|seen|made|taken|avoided|prevented)\b/iu;
// "We failed to", "the team failed to", "the on-call failed to": people failing, not a probe failing to connect.
const FAILED_TO =
  /\b(?:we|I|they|he|she|the\s+team|the\s+\w+\s+team|[\w-]+\s+(?:engineer|developer|manager|reviewer|lead|owner)|the\s+(?:on-?call|oncall|intern|operator|responder|reviewer|contractor|technician|approver|author|admin|dba|sre))\s+(?:(?:had|have|has)\s+)?failed\s+to\b/iu;
// A person the report names, right before "failed to" or "could have".
const NAMED_BEFORE =
  /(\p{Lu}[\p{Ll}'’-]+)\s+(?:(?:had|has)\s+)?(?:failed\s+to|could(?:n['’]t|\s+not)?\s+have)\b/gu;
// "Any competent engineer would have seen it", "anyone could have caught it": what a hypothetical better person would have
// done, the same judgment from the other side.
const ANYONE_WOULD = new RegExp(
  `\\b(?:anyone|anybody|any\\s+(?:[\\w-]+\\s+){0,2}(?:engineer|developer|reviewer|person|sre|admin|operator|one))\\s+(?:would|could)\\s+(?:have|of|['’]ve)\\s+(?:\\w+ly\\s+)?(?!been\\b)${PARTICIPLE}\\b`,
  'iu',
);
// A safeguard that "could have caught" or "would have shown" the problem: the same judgment, said of the missing check.
const WOULD_HAVE_CAUGHT =
  /\b(?:could|would)(?:n['’]t|\s+not)?\s+(?:have|of|['’]ve)\s+(?:\w+ly\s+)?(?:caught|prevented|stopped|shown|detected|flagged|spotted|avoided)\b/iu;
const IF_ONLY = /\bif\s+only\b|\bin\s+hindsight\b/iu;
// "Had we tested, we would have …", "If the alert had paged someone, we would have …".
const HAD_WOULD = /^\s*had\s+\w+|\bif\s+[^,;]{0,80}\bhad\s+\w+/iu;
const WOULD_HAVE =
  /\bwould(?:n['’]t|\s+not)?\s+(?:have|of)\s+(?:\w+ly\s+)?(?:\w+ed|been|done|known|seen|caught|found|had)\b/iu;

export const counterfactualRule: SentenceRule = {
  id: 'counterfactual',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    const text = sentence.text;
    // Every pattern needs one of these words; "of" only after should/could ("should of").
    if (!/\b(?:have|failed|only|hindsight)\b|['’]ve\b|\b(?:should|could)\s+of\b/iu.test(text)) return [];
    const m =
      SHOULD_HAVE.exec(text) ??
      COULD_HAVE_PERSON.exec(text) ??
      COULD_HAVE_BEEN.exec(text) ??
      FAILED_TO.exec(text) ??
      [...text.matchAll(NAMED_BEFORE)].find((n) => ctx.people.names.has(n[1] as string)) ??
      ANYONE_WOULD.exec(text) ??
      WOULD_HAVE_CAUGHT.exec(text) ??
      IF_ONLY.exec(text) ??
      (HAD_WOULD.test(text) ? WOULD_HAVE.exec(text) : null);
    if (!m) return [];
    return [
      {
        start: m.index,
        end: m.index + m[0].length,
        message: `"${m[0].trim()}" judges the past with what is known now.`,
        suggestion: QUESTION,
      },
    ];
  },
};
