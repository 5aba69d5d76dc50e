import writeGood from 'write-good';
import type { Sentence } from './analyse.js';
import type { SentenceHit, SentenceRule } from './rule.js';

const ONLY_PASSIVE = {
  passive: true,
  weasel: false,
  illusion: false,
  so: false,
  thereIs: false,
  adverb: false,
  tooWordy: false,
  cliches: false,
  eprime: false,
} as const;

// write-good finds every "be + participle". The rule's point is an act whose doer is left out ("the flag was turned
// off"), so three kinds of passive are let through: those that name the doer in a by-phrase, those whose participle
// describes a standing property, and those that say what harm befell someone, where the cause is the incident itself.

// Participles of place, make-up, naming and limits: "is written in Go", "is located in Frankfurt", "is based on Kafka",
// "IOPS are limited by disk size" describe what a thing is, not an act someone did during the incident.
const PROPERTY =
  /^(?:located|based|written|built|hosted|named|called|known|composed|comprised|housed|situated|kept|stored|shared|owned|used|meant|supposed|expected|allowed|required|needed|designed|intended|considered|deemed|pinned|set|limited|capped|bounded|maxed)$/iu;
// Participles of harm: "users were affected", "data was lost", "checkout is broken". In an impact the thing harmed is
// rightly the subject, and what did it is the incident the report is about.
const HARM =
  /^(?:affected|impacted|degraded|delayed|lost|broken|exposed|corrupted|stranded|stuck|overloaded|overwhelmed|saturated|exhausted|logged|locked|declined|interrupted|disrupted|unaffected|hit|hurt|down|leaked|stolen|exfiltrated|compromised|breached|missed)$/iu;
// Participles that say how someone felt or was placed ("was tired", "were worried", "was involved") are adjectives:
// nobody acted on them.
const FEELING =
  /^(?:tired|distracted|overworked|stressed|worried|confused|surprised|concerned|interested|involved|pleased|frustrated|annoyed|scared|rushed|relieved|puzzled|bored|exhausted|unaware|unfamiliar|aware)$/iu;
// "set" and "pinned" are properties only in the present with a value after them ("is set to 30 s", "is pinned to
// 1.4"); "was set to three" tells of an act. The same holds for "kept" and "used" ("is used for", "are kept in").
const PROPERTY_NEEDS_FOLLOWER = /^(?:set|pinned|kept|used)$/iu;
const PROPERTY_FOLLOWER = /^\s+(?:to|in|on|at|of|for|from|up|with|as)\b/iu;
// A by-phrase that names the doer, perhaps after a time ("was deployed at 17:10 by the release manager"); "by 14:00", "by then", "by Monday" are times, "by far" and "by default" are not doers.
const BY_AGENT =
  /^(?:[^.;:!?]|(?<=\d)[:.](?=\d)){0,60}?\bby\s+(?!\d|then\b|now\b|noon\b|midnight\b|morning\b|evening\b|night\b|the\s+time\b|far\b|default\b|design\b|hand\b|mistake\b|accident\b|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|(?:early|mid|late)\b)/iu;

// write-good does not see a passive with a negation inside it ("the cache was not cleaned").
const NEGATED_PASSIVE = /\b(?:is|are|was|were|been|being)\s+(?:not|never)\s+[a-z]+ed\b/giu;

function passivesIn(text: string): { index: number; offset: number }[] {
  const found = writeGood(text, ONLY_PASSIVE).map(({ index, offset }) => ({ index, offset }));
  for (const m of text.matchAll(NEGATED_PASSIVE)) found.push({ index: m.index, offset: m[0].length });
  return found;
}

export const passiveRule: SentenceRule = {
  id: 'passive-voice',
  check(sentence: Sentence): SentenceHit[] {
    const text = sentence.text;
    return passivesIn(text).flatMap((s) => {
      const phrase = text.slice(s.index, s.index + s.offset);
      const after = text.slice(s.index + s.offset);
      const participle = phrase.trim().split(/\s/u).pop() ?? '';
      if (BY_AGENT.test(after) && !/^[^.;:!?]{0,60}?\bby\s+\w+\s+(?:was|were|is|are)\b/iu.test(after))
        return [];
      if (HARM.test(participle) || FEELING.test(participle)) return [];
      // A participle that starts a compound adjective ("was read-only", "is built-in") describes a state.
      if (after.startsWith('-')) return [];
      // "is done", "are finished": in the present these say a piece of work is complete, a state, not an act.
      if (/^(?:is|are)\b/iu.test(phrase) && /^(?:done|finished|complete|completed|over)$/iu.test(participle))
        return [];
      const present = /^(?:is|are)\b/iu.test(phrase);
      if (
        PROPERTY.test(participle) &&
        (!PROPERTY_NEEDS_FOLLOWER.test(participle) || (present && PROPERTY_FOLLOWER.test(after)))
      )
        return [];
      return [
        {
          start: s.index,
          end: s.index + s.offset,
          message: `"${phrase}" is passive: the reader cannot tell what did it.`,
          suggestion:
            'When the actor is a system, process or team, name it as the subject; keep the passive only when no actor is known.',
        },
      ];
    });
  },
};
