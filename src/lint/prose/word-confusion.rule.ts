import { nlp } from './nlp.js';
import type { Sentence } from './analyse.js';
import type { SentenceHit, SentenceRule } from './rule.js';

// Real words in the wrong place: a dictionary accepts them, so only the words around them tell. Each pattern
// below fires only in a frame where the other word is the one meant; anything less certain is left alone,
// because a warning that is wrong teaches writers to ignore the linter.

interface Confusion {
  /** The frame; group 1 is the word that is wrong. */
  re: RegExp;
  meant: string;
  why: string;
  /** An extra check on the words before the match, when the frame alone is not enough. */
  accept?: (text: string, index: number) => boolean;
}

// Comparatives that take "than": "more", "less" and the like, plus any word compromise tags as comparative.
const COMPARATIVE_WORD =
  /\b(?:more|less|fewer|worse|better|rather|other|greater|higher|lower|longer|shorter|faster|slower|larger|smaller|bigger|earlier|later|older|newer|easier|harder|cheaper|costlier)\s+(?:[\p{L}-]+\s+){0,2}$/iu;
function comparativeBefore(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 30), index);
  if (COMPARATIVE_WORD.test(before)) {
    // "later then" and "earlier then" can be times ("a week later then"): only when a comparison follows.
    const word = COMPARATIVE_WORD.exec(before)?.[0].split(/\s+/u)[0]?.toLowerCase() ?? '';
    return (
      !['later', 'earlier', 'other'].includes(word) ||
      /\b(?:we|I|they|expected|planned|usual|before)\b/iu.test(text.slice(index, index + 30))
    );
  }
  const words = /\s$/u.test(before) ? before.trimEnd().split(/\s/u) : [];
  const last =
    words.length > 0 && /^\w{4,}er$/u.test(words[words.length - 1] ?? '')
      ? words[words.length - 1]
      : undefined;
  return last !== undefined && nlp(last).has('#Comparative');
}

/** No comparative word earlier in the clause that ends at `index`. */
function noComparisonBefore(text: string, index: number): boolean {
  const before = text.slice(0, index);
  const clause = before.slice(
    Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.lastIndexOf(':')) + 1,
  );
  if (/\b(?:more|less|fewer|rather|other|else|different|differently)\b/iu.test(clause)) return false;
  return !nlp(clause).has('#Comparative');
}

/** The word before "where" at `index` is a plural noun (compromise's tags), the subject "were" would go with. */
function pluralBefore(text: string, index: number): boolean {
  const words = text
    .slice(Math.max(0, index - 40), index)
    .trim()
    .split(/\s+/u);
  const last = words[words.length - 1] ?? '';
  const doc = nlp(`the ${last}`);
  return doc.has('#Plural') && !doc.has('#Verb');
}

const CONFUSIONS: Confusion[] = (
  [
    {
      re: /\b(then)\s+(?:we|I|they|it|expected|planned|usual|before|last|ever|average|yesterday|the\s+(?:old|previous|original|baseline|last)|anticipated|normal|needed|necessary|once|twice|\d+)\b/giu,
      meant: 'than',
      why: 'a comparison takes "than"; "then" means "next" or "at that time"',
      accept: comparativeBefore,
    },
    {
      // "more important to fix the alert then the dashboard": a comparison started earlier in the clause.
      re: /\b(?:more|less|fewer|rather|better|worse)\b[^,.;:!?]{0,60}?\s(then)\s+(?:the|a|an|in|on|at|for|it|this|that|our|their|\w+ing)\b/giu,
      meant: 'than',
      why: 'a comparison takes "than"; "then" means "next" or "at that time"',
    },
    {
      re: /(?:^|[,;]\s*|\band\s+)(than)\s+(?:we|I|they|the|it|restarted|rolled|checked|deployed|ran|started|stopped|fixed)\b/giu,
      meant: 'then',
      why: '"than" compares; for what came next the word is "then"',
    },
    {
      // "The attacker than used the key": "than" straight after a subject, before a past verb, with no comparison
      // anywhere before it in the clause ("more requests than expected" has one).
      re: /\b(?:the\s+)?[\p{L}-]+\s+(than)\s+(?:(?:also|quickly|immediately)\s+)?(?:used|ran|tried|restarted|rolled|deployed|created|deleted|started|stopped|called|sent|moved|switched|opened|added|removed|changed|went|got|made|took|found|saw)\b/giu,
      meant: 'then',
      why: '"than" compares; for what came next the word is "then"',
      accept: (text, index) => noComparisonBefore(text, index),
    },
    {
      re: /\b(?:we|they|you|changes|pods|nodes|services|teams|sub-teams|alerts|requests|jobs|tests|users|customers)\s+(where)\s+(?:not\s+|all\s+|being\s+|also\s+)?(?:\w+ed|done|made|seen|taken|given|run|thrown|written|broken|shown|known|nearing|running|seeing|getting|trying|working|unable|able|down|up)\b/giu,
      meant: 'were',
      why: 'after a plural subject the verb is "were"; "where" asks or names a place',
    },
    {
      re: /\b(?:the\s+(?:changes|pods|nodes|services|jobs|tests|alerts|requests)|infrastructure|changes\s+to\s+the\s+\w+)\s+(where)\s+(?:done|made|applied|rolled|deployed|reverted|restarted|blocked|performed|carried)\b/giu,
      meant: 'were',
      why: 'after a plural subject the verb is "were"; "where" asks or names a place',
    },
    {
      // "calls where dropped.", "the servers where restarted one by one": a plural subject, "where", a participle, and
      // then the clause ends or goes on with a preposition or adverb (a real "where" clause would go on with its own
      // subject: "the hosts where patched kernels run").
      re: /\b\p{Ll}[\p{L}-]+s\s+(where)\s+(?:\w+ed|done|made|taken|run|thrown|written|broken|shown)(?=\s*(?:[.,;:!?]|$)|\s+(?:by|in|on|at|for|from|to|during|after|before|until|one|again|twice|automatically|manually|immediately|within)\b)/giu,
      meant: 'were',
      why: 'after a plural subject the verb is "were"; "where" asks or names a place',
      accept: (text, index) => pluralBefore(text, index),
    },
    {
      // "Where you on call?": a question that opens with "where" and a subject but no verb asks "were".
      // Only in a question: "Where we still had capacity, …" opens a clause of place.
      re: /^\W{0,3}(where)\s+(?:you|they|we)\s+(?:on|in|at|able|aware|all|also|still|not|both|already|sure|told|paged|notified)\b(?=[^.!?]*\?)/giu,
      meant: 'were',
      why: 'a question about a state ("were you on call?") takes "were"; "where" asks for a place',
    },
    {
      // "went were we expected": a place or a direction after a verb of going or looking takes "where".
      re: /\b(?:went|go|goes|going|exactly|anywhere|somewhere|check|checked|look|looked)\s+(were)\s+(?:we|they|it|you|he|she|the|our)\b/giu,
      meant: 'where',
      why: '"where" names a place or a direction; "were" is the past of "are"',
    },
    {
      re: /\b(?:will|would|could|can|may|might|did|does|not|won['’]t|didn['’]t|doesn['’]t)\s+(effect)\s+(?:the|every|all|our|their|its|any|many|some|users|customers|production|traffic|performance)\b/giu,
      meant: 'affect',
      why: 'to change or influence something is to "affect" it; "effect" is the result',
    },
    {
      // "The launch effected every region": what is changed (people, places, systems), not a change brought about.
      re: /\b(effected)\s+(?:(?:every|all|many|some|most|our|their|the)\s+)?(?:users?|customers?|regions?|services?|clients?|systems?|teams?|traffic|production|performance|availability|accounts?|tenants?)\b/giu,
      meant: 'affected',
      why: 'to change or influence something is to "affect" it; "effect" as a verb means to bring about',
    },
    {
      re: /\b(?:an|the|no|any|little|greater|big|bigger|side|knock-on|net)\s+(affect)\b(?!\s+(?:the|every|all|our|their))/giu,
      meant: 'effect',
      why: 'the result is an "effect"; "affect" is the verb',
    },
    {
      re: /\b(?:is|was|were|are|be|been|being|far|way|much|got|get|gets|took|take|takes|taking|seemed|seems|became|becomes)\s+(to)\s+(?:low|high|long|short|small|large|big|late|early|slow|fast|many|much|few|complex|complicated|strict|loose|aggressive|busy|old|new|weak|tight|expensive|risky|hard|difficult|easy|soon|quick|quickly|slowly|often|noisy|sensitive|generous)\b/giu,
      meant: 'too',
      why: '"too" means "more than enough"; "to" is the preposition',
    },
    {
      // "sent to the bank to early, before …": "to" and an adverb of time or degree that ends the clause.
      re: /\b(to)\s+(?:early|late|soon|quickly|slowly|often|much|many|long)(?=\s*(?:[.,;:!?]|$)|\s+(?:before|after|for|and|but|so|because)\b)/giu,
      meant: 'too',
      why: '"too" means "more than enough"; "to" is the preposition',
      accept: (text, index) =>
        !/\bfrom\s+(?:\S+\s+){0,3}$/iu.test(text.slice(Math.max(0, index - 40), index)),
    },
    {
      re: /\b(too)\s+(?:the|a|an|our|their|his|her|its|be|make|get|do|see)\b/giu,
      meant: 'to',
      why: '"to" goes before a noun or a verb; "too" means "also" or "excessively"',
    },
    {
      re: /\b(let)\s+to\b/giu,
      meant: 'led',
      why: 'the past of "lead" is "led"; "let" means "allowed"',
    },
    {
      re: /\b(?:to|will|would|could|might|may|not|never|can|cannot|can['’]t|don['’]t|didn['’]t|won['’]t|doesn['’]t|shouldn['’]t)\s+(loose)\b/giu,
      meant: 'lose',
      why: 'to fail to keep something is to "lose" it; "loose" means "not tight"',
    },
    {
      re: /\b(loose)\s+(?:data|money|customers|users|messages|writes|track|access|sight|the|our|their|any)\b/giu,
      meant: 'lose',
      why: 'to fail to keep something is to "lose" it; "loose" means "not tight"',
    },
    {
      re: /\b(?:a|the)\s+(lose)\s+(?:cable|connection|end|ends|coupling|screw|wire|fit|plug)\b/giu,
      meant: 'loose',
      why: '"loose" means "not tight"; "lose" is the verb',
    },
  ] as Confusion[]
).map((c) => ({ ...c, re: new RegExp(c.re.source, `${c.re.flags}d`) }));

export const wordConfusionRule: SentenceRule = {
  id: 'word-confusion',
  check(sentence: Sentence): SentenceHit[] {
    const text = sentence.text;
    // Every frame needs one of these words; most sentences have none, and are done here.
    if (!/\b(?:then|than|where|were|effect|effected|affect|to|too|let|loose|lose)\b/iu.test(text)) return [];
    const hits: SentenceHit[] = [];
    for (const c of CONFUSIONS) {
      c.re.lastIndex = 0;
      for (const m of text.matchAll(c.re)) {
        const word = m[1] as string;
        // The `d` flag gives the group's own offsets, so the hit covers the wrong word only.
        const at = m.indices?.[1]?.[0] ?? m.index;
        if (c.accept && !c.accept(text, at)) continue;
        if (hits.some((h) => h.start === at)) continue;
        const meant = /^\p{Lu}/u.test(word) ? c.meant.charAt(0).toUpperCase() + c.meant.slice(1) : c.meant;
        hits.push({
          start: at,
          end: at + word.length,
          message: `"${word}" looks like "${meant}" here: ${c.why}.`,
          suggestion: `Write "${meant}" if that is what you mean.`,
          rewrite: text.slice(0, at) + meant + text.slice(at + word.length),
        });
      }
    }
    return hits.sort((a, b) => a.start - b.start);
  },
};
