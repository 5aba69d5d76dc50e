import type { LintConfig } from '../config.js';
import type { Report } from '../types.js';
import type { Sentence } from './analyse.js';
import type { PeopleIndex } from './people.js';

/** What a prose rule knows about the report around the sentence it reads. */
export interface ProseContext {
  report: Report;
  config: LintConfig;
  people: PeopleIndex;
  /** false: the prose rules alone, without the statistical model's gate and additions (prose/model.ts). */
  model?: boolean;
}

/** A hit inside a sentence: offsets are relative to the sentence text. */
export interface SentenceHit {
  start: number;
  end: number;
  message: string;
  suggestion?: string;
  /** The sentence rewritten, when the rule can do it safely. */
  rewrite?: string;
  /** A milder severity for this hit, used while the rule keeps its default severity. */
  severity?: 'warning' | 'info';
}

/** A rule that reads one sentence at a time. */
export interface SentenceRule {
  id: string;
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[];
}

/** A word-boundary regular expression that matches any of the phrases, case-insensitively. */
export function phraseRegex(phrases: readonly string[]): RegExp | undefined {
  const parts = phrases
    .filter((p) => p.trim() !== '')
    .map((p) =>
      p
        .trim()
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\s+/g, '\\s+'),
    );
  if (parts.length === 0) return undefined;
  // ASCII phrases can use \b, which is much faster than Unicode-aware boundaries.
  if (phrases.every((p) => /^[\x20-\x7e]*$/u.test(p)))
    return new RegExp(`\\b(?:${parts.join('|')})\\b`, 'gi');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${parts.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}
