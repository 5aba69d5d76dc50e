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
  // Only records of different formats are compared: one format alone has nothing to merge.
  if (sorted.every((c) => c.format === sorted[0]?.format)) return { kept: [...sorted], merged: 0 };
  const kept: Candidate[] = [];
  const words: Set<string>[] = [];
  let merged = 0;
  // Indices of kept candidates per format, oldest first; only other formats are compared, so a single
  // large log costs nothing here.
  const byFormat = new Map<string, { list: number[]; head: number }>();
  for (const c of sorted) {
    const w = tokens(c.topic ?? c.text);
    let twin = -1;
    for (const [format, recent] of byFormat) {
      if (format === c.format) continue;
      while (
        recent.head < recent.list.length &&
        c.ms - (kept[recent.list[recent.head] as number] as Candidate).ms > windowMs
      )
        recent.head += 1;
      for (let j = recent.list.length - 1; j >= recent.head; j -= 1) {
        const i = recent.list[j] as number;
        const k = kept[i] as Candidate;
        if (k.suggestion && c.suggestion && k.suggestion.kind !== c.suggestion.kind) continue;
        if (overlap(words[i] as Set<string>, w) >= threshold && (twin === -1 || i > twin)) {
          twin = i;
          break;
        }
      }
    }
    if (twin === -1) {
      const recent = byFormat.get(c.format) ?? { list: [], head: 0 };
      recent.list.push(kept.length);
      byFormat.set(c.format, recent);
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
