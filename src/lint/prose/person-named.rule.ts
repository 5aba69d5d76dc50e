import type { Sentence } from './analyse.js';
import type { ProseContext, SentenceHit, SentenceRule } from './rule.js';

// In the timeline and the analysis, "Priya restarted the primary" ties an event to a person; "the on-call
// engineer restarted the primary" says the same about the role, which is what the next reader can learn from
// and what keeps the report blameless when things went wrong. Authors, actions and owners keep their names.

function inTimelineOrAnalysis(sentence: Sentence): boolean {
  const [head, key] = sentence.field.path;
  return (head === 'details' && key === 'timeline') || head === 'analysis';
}

const NAME = /(?<![\p{L}\p{N}@])\p{Lu}[\p{Ll}\p{M}'’-]+/gu;

export const personNamedRule: SentenceRule = {
  id: 'person-named',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    if (!inTimelineOrAnalysis(sentence) || ctx.people.names.size === 0) return [];
    for (const m of sentence.text.matchAll(NAME)) {
      const word = m[0].replace(/['’]s$/u, '');
      if (!ctx.people.names.has(word) || ctx.people.things.has(word.toLowerCase())) continue;
      return [
        {
          start: m.index,
          end: m.index + word.length,
          message: `"${word}" names a person where a role would say as much.`,
          suggestion:
            'Name the role ("the on-call engineer", "the release manager"); the timeline\'s actor column can keep who it was.',
        },
      ];
    }
    return [];
  },
};
