import { nlp } from './nlp.js';
import type { Sentence } from './analyse.js';
import { isLabelField, negatedAt } from './context.js';
import { phraseRegex, type ProseContext, type SentenceHit, type SentenceRule } from './rule.js';

// Words that judge people or work, or carry anger and alarm. Each entry is matched as a whole word.
const JUDGING = [
  'idiot',
  'idiots',
  'idiotic',
  'stupid',
  'stupidity',
  'dumb',
  'dumbest',
  'moron',
  'moronic',
  'incompetent',
  'incompetence',
  'careless',
  'carelessly',
  'carelessness',
  'sloppy',
  'sloppily',
  'sloppiness',
  // "lazy" describes code as often as people ("lazy loading", "lazily evaluated"): see LAZY_PERSON below.
  'laziness',
  'negligent',
  'negligence',
  'reckless',
  'recklessly',
  'recklessness',
  'clueless',
  'foolish',
  'silly',
  'pathetic',
  'useless',
  'garbage',
  'trash',
  'crap',
  'crappy',
  'junk',
  'joke',
  'amateur',
  'amateurish',
  'unprofessional',
  'inexcusable',
  'unacceptable',
  'unforgivable',
  'ridiculous',
  'absurd',
  'insane',
  'crazy',
  'embarrassing',
  'embarrassment',
  'shameful',
  'disgraceful',
  'terrible',
  'awful',
  'horrible',
  'horrendous',
  'atrocious',
  'disaster',
  'disastrous',
  'fiasco',
  'nightmare',
  'mess',
  'messy',
  'botched',
  'bonehead',
  'boneheaded',
  'blunder',
  // "messed up" and "screwed up" are not here: said of a person they are the blame rule's (a fault, or self-blame),
  // said of a thing ("the retry messed up the ordering") they describe what happened.
  // Calling a slip a beginner's, or a person barely able, judges the person.
  'rookie mistake',
  'rookie error',
  'half-competent',
  'half-baked',
  'panicked',
  'panicking',
  'in a panic',
  'furious',
  'outrageous',
  'shocking',
  'unbelievable',
  'infuriating',
  'angry',
  'shambles',
  // Scorn for people or work in other words seen in reports: "hopeless with the new CMS", "the plan is a fantasy".
  'hopeless',
  'hopelessly',
  // "fantasy" and "rookie" alone also name things ("fantasy football", "the rookie league"): only their scornful uses.
  'a fantasy',
  'pure fantasy',
  'a rookie',
  'rookie move',
  'rookie moves',
  'rookie mistakes',
  'rookie errors',
  'a mess',
  'a nightmare',
  'dumpster fire',
  'should have known',
  'everyone knows',
  'anyone could',
  // Round eight: scorn in other words ("the attitude is appalling", "shoddy wiring", "a laughable plan").
  'appalling',
  'abysmal',
  'shoddy',
  'inept',
  'lousy',
  'dreadful',
  'laughable',
  'half-assed',
  'brain-dead',
  'amateur-hour',
  // A verdict on a design or a document: "a flawed design", "woefully out of date", "a ticking time bomb".
  'flawed',
  'woeful',
  'woefully',
  'time bomb',
  // Passing a change unread is a verdict on the reviewer, not a description of the review.
  'rubber-stamped',
  'rubber-stamp',
  'rubber-stamping',
];
// Verdicts made of a structure rather than a word: not bothering ("did not bother to look"), the competence
// hindsight assumes ("any competent team would have caught this"), a person who "can't read" the runbook, and work
// called rushed in the writer's voice ("the rollout was rushed"). A negation before the verb is read by negatedAt.
const VERDICT =
  /\b(?:did(?:n['’]t|\s+not)|never|could(?:n['’]t|\s+not))\s+(?:even\s+)?bother(?:ed)?\s+to\b|\bcould(?:n['’]t|\s+not)\s+be\s+bothered\b|\bany\s+(?:competent|decent|half-decent|sensible|reasonable|halfway\s+decent|good)\s+(?:team|engineer|developer|reviewer|admin|operator|person|sre|dba|programmer)s?\b|\bcan(?:['’]t|not)\s+(?:even\s+)?(?:read|follow|spell|count|type)\s+(?:a|the|his|her|their|basic|simple)\b|\b(?:was|were|is|are|felt|looked)\s+(?:\w+ly\s+)?rushed\b(?!\s+(?:to|into|out|through|back|over)\b)/giu;
// "naive" judges a design ("the alerting design is naive"), not a named technique ("naive Bayes", "a naive datetime").
const NAIVE = /\bna[iï]ve(?:ly)?\b(?!\s+(?:bayes|datetimes?|timestamps?|dates?|times?|string\s+matching))/giu;
// Words that make a problem or a fix sound trivial or self-evident.
const BELITTLING = [
  'obviously',
  'obvious',
  'simply',
  'basically',
  'of course',
  'trivial',
  'trivially',
  'merely',
  'no-brainer',
  'easy fix',
];

// "just" belittles an action ("we just restarted it"); before a noun it means "only" ("just a staging
// cluster"), in time it means "right" ("just before midnight"), and "just because" is a fixed phrase. Words
// that rule the action reading out are listed; what remains must be followed by a verb (compromise's tags).
const JUST =
  /(?<!\b(?:had|have|has|was|were|is|are|am|'d|’d|'ve|’ve|'s|’s)\s)\bjust\b(?!\s+(?:before|after|as|when|under|over|below|above|about|around|now|then|in\s+time|a|an|the|because|like|enough|right|fine|one|two|three|this|that|these|those|our|their|its|my|your|to|for|in|on|at|by|with|from|minutes?|seconds?|hours?|days?|\d))/giu;
// "lazy" judges a person ("the reviewer was lazy", "a lazy engineer"), not a technique ("lazy loading").
const LAZY_PERSON =
  /\b(?:(?:was|were|is|are|being|been|so|too|very|plain)\s+lazy\b|lazy\s+(?:engineer|developer|dev|reviewer|person|people|team|intern|admin|operator|approach|attitude|work)s?\b)/giu;
// "clearly" belittles at the start of a sentence or a claim, not in "clearly document the steps".
const CLEARLY =
  /\bclearly\b(?!\s+(?:document|documented|state|stated|communicate|communicated|define|defined|mark|marked|label|labelled|labeled|show|shows|showed|explain|describe|visible|separate))/giu;
// Names that contain a judging word but describe a thing.
// "dumb pipe" and "dumb terminal" are kinds of device; "simply put" introduces a summary, it does not belittle.
const NEUTRAL =
  /\b(?:disaster[\s-]+recovery|garbage[\s-]+collect\w*|junk\s+mail|kernel\s+panic|dumb[\s-]+(?:pipes?|terminals?|switch(?:es)?)|simply\s+put|put\s+(?:it\s+)?simply)\b/giu;

const MAYBE_NEUTRAL = /disaster|garbage|junk|panic|dumb|simply/i;

let judging: RegExp | undefined;
let belittling: RegExp | undefined;
let extraKey = '';
let extra: RegExp | undefined;

function advice(word: string, kind: 'judge' | 'belittle'): Pick<SentenceHit, 'message' | 'suggestion'> {
  return kind === 'judge'
    ? {
        message: `"${word}" judges or inflames instead of describing what happened.`,
        suggestion:
          'State the observable fact (what the code, setting or step did) and leave the verdict out.',
      }
    : {
        message: `"${word}" makes the problem or the fix sound trivial, which discourages questions.`,
        suggestion: `Drop "${word}" and say what was done and why it worked.`,
      };
}

/** Whether a sentence has a judging or a belittling word anywhere, for the statistical model (prose/model.ts). */
export function judgmentSignals(text: string): string[] {
  judging ??= phraseRegex(JUDGING);
  belittling ??= phraseRegex(BELITTLING);
  const s: string[] = [];
  if (judging && text.search(judging) >= 0) s.push('judging');
  if ((belittling && text.search(belittling) >= 0) || text.search(JUST) >= 0) s.push('belittling');
  return s;
}

export const judgmentRule: SentenceRule = {
  id: 'judgment',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    judging ??= phraseRegex(JUDGING);
    belittling ??= phraseRegex(BELITTLING);
    const key = ctx.config.judgmentWords.join('\u0000');
    if (key !== extraKey) {
      extraKey = key;
      extra = phraseRegex(ctx.config.judgmentWords);
    }
    const text = sentence.text;
    if (isLabelField(text)) return [];
    const neutral: [number, number][] = MAYBE_NEUTRAL.test(text)
      ? [...text.matchAll(NEUTRAL)].map((m) => [m.index, m.index + m[0].length])
      : [];
    const inNeutral = (i: number) => neutral.some(([s, e]) => i >= s && i < e);
    const hits: SentenceHit[] = [];
    const add = (re: RegExp | undefined, kind: 'judge' | 'belittle') => {
      if (!re) return;
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) {
        if (inNeutral(m.index) || negatedAt(text, m.index)) continue;
        if (re === JUST && !justActs(text, m.index)) continue;
        if (re === belittling && /^basically$/iu.test(m[0]) && essentially(text, m.index + m[0].length))
          continue;
        const hit: SentenceHit = { start: m.index, end: m.index + m[0].length, ...advice(m[0], kind) };
        if (kind === 'belittle') hit.rewrite = removeWord(text, m.index, m[0].length);
        hits.push(hit);
      }
    };
    add(judging, 'judge');
    add(extra, 'judge');
    add(belittling, 'belittle');
    add(LAZY_PERSON, 'judge');
    add(JUST, 'belittle');
    add(CLEARLY, 'belittle');
    add(VERDICT, 'judge');
    add(NAIVE, 'judge');
    return hits.sort((a, b) => a.start - b.start);
  },
};

/**
 * True when "basically" before `index`… is followed by a full verb other than "be" ("our problems basically come back to
 * I/O"): there it means "essentially" and sums up. After "is"/"was" ("the fix was basically a one-line change") it
 * makes the thing sound trivial.
 */
function essentially(text: string, after: number): boolean {
  const window = text.slice(after, after + 40);
  const doc = nlp(window);
  return doc.match('^#Verb').found && !doc.match('^(#Copula|#Auxiliary)').found;
}

/** True when "just" at `index` is followed by a verb, i.e. it makes an action sound trivial. */
function justActs(text: string, index: number): boolean {
  const window = text.slice(index, index + 60);
  return nlp(window).match('^just #Adverb? (#Verb|#Imperative)').found;
}

/** The sentence without the word at [start, start+length), with spacing, commas and capitals tidied. */
function removeWord(text: string, start: number, length: number): string {
  let before = text.slice(0, start);
  let after = text.slice(start + length);
  if (before.trim() === '') {
    after = after.replace(/^\s*,?\s*/u, '');
    return before + after.charAt(0).toUpperCase() + after.slice(1);
  }
  before = before.trimEnd();
  after = after.replace(/^\s*,?/u, '');
  return `${before}${after.startsWith(' ') || /^[.,;:!?]/u.test(after) ? '' : ' '}${after}`;
}
