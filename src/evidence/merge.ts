import type { Candidate } from './candidate.js';

/** How close in time two records of the same happening through different tools are expected to be. */
export const MERGE_WINDOW_MS = 2 * 60_000;

const STOP = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'this',
  'that',
  'alert',
  'firing',
  'triggered',
  'resolved',
  'incident',
]);

/** The distinctive words of a text, for comparing two records of one happening. */
export function tokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 3 && !STOP.has(w)) out.add(w);
  return out;
}

/** Share of the smaller word set found in the larger: 1 when one text says all the other does. */
export function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const w of small) if (large.has(w)) n += 1;
  return n / small.size;
}

/**
 * Merge duplicates in a time-sorted list: a record from another format within `windowMs` of an earlier one
 * whose words largely match (the same alert through Alertmanager and PagerDuty). The earlier record stays,
 * with the later one's link in `alsoIn`; a suggestion from the source wins over one from words.
 */
export function mergeDuplicates(
  sorted: Candidate[],
  windowMs: number = MERGE_WINDOW_MS,
  threshold = 0.6,
): { kept: Candidate[]; merged: number } {
  const kept: Candidate[] = [];
  const words: Set<string>[] = [];
  let merged = 0;
  let first = 0;
  for (const c of sorted) {
    while (first < kept.length && c.ms - (kept[first] as Candidate).ms > windowMs) first += 1;
    const w = tokens(c.text);
    let twin = -1;
    for (let i = kept.length - 1; i >= first; i -= 1) {
      const k = kept[i] as Candidate;
      if (k.format === c.format) continue;
      if (k.suggestion && c.suggestion && k.suggestion.kind !== c.suggestion.kind) continue;
      if (overlap(words[i] as Set<string>, w) >= threshold) {
        twin = i;
        break;
      }
    }
    if (twin === -1) {
      kept.push(c);
      words.push(w);
      continue;
    }
    const k = kept[twin] as Candidate;
    k.alsoIn = [...(k.alsoIn ?? []), c.link];
    if (!k.hint && c.hint) {
      k.hint = c.hint;
      k.suggestion = c.suggestion;
    }
    k.actor ??= c.actor;
    merged += 1;
  }
  return { kept, merged };
}
