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

export const passiveRule: SentenceRule = {
  id: 'passive-voice',
  check(sentence: Sentence): SentenceHit[] {
    return writeGood(sentence.text, ONLY_PASSIVE).map((s) => {
      const phrase = sentence.text.slice(s.index, s.index + s.offset);
      return {
        start: s.index,
        end: s.index + s.offset,
        message: `"${phrase}" is passive: the reader cannot tell what did it.`,
        suggestion:
          'When the actor is a system, process or team, name it as the subject; keep the passive only when no actor is known.',
      };
    });
  },
};
