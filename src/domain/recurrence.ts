import type { Report } from './report.schema.js';

/** Words too common to say two causes are the same. */
const STOP = new Set(
  'a an and are as at be been but by for from had has have in into is it its no not of on or that the their them then there these this to was were when which while with without'.split(
    ' ',
  ),
);

/** The significant words of a cause: lower case, letters and digits, common words left out. */
export function causeWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 2 && !STOP.has(w)),
  );
}

/**
 * Two causes are the same when their significant words overlap by at least half (Jaccard index ≥ 0.5: shared
 * words over all words of both), so a cause restated in slightly different words still matches.
 */
export function sameCause(a: string, b: string): boolean {
  return sameWords(causeWords(a), causeWords(b));
}

function sameWords(x: Set<string>, y: Set<string>): boolean {
  if (x.size === 0 || y.size === 0) return false;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared += 1;
  return shared / (x.size + y.size - shared) >= 0.5;
}

/**
 * At most this many causes of a report are compared, and at most this many distinct causes its actions address:
 * a report may list thousands, and this runs when a report page is read. Real reports name a few dozen.
 */
const MAX_CAUSES = 200;

/** The causes a report names: its primary cause, contributing factors and fishbone causes. */
function causesOf(r: Report): string[] {
  return [
    ...(r.analysis.primaryCause ? [r.analysis.primaryCause] : []),
    ...r.analysis.factors.map((f) => f.text),
    ...r.analysis.fishbone.flatMap((c) => [c.cause, ...c.subCauses]),
  ].slice(0, MAX_CAUSES);
}

/** The text of a cause an action addresses by id (RC, CF2); lessons and unknown ids have none. */
function addressedText(r: Report, id: string): string | undefined {
  if (id === 'RC') return r.analysis.primaryCause;
  return r.analysis.factors.find((f) => f.id === id)?.text;
}

/**
 * The completed actions of `earlier` that addressed the cause that came back in `later` (which names `earlier`
 * among its `recurrenceOf`): the fix was done and the problem recurred. An action matches when a cause it
 * addresses (RC or a contributing factor, by id) is the same cause (`sameCause`) as one `later` names, or when
 * that cause is filed in the earlier fishbone under a category and the later fishbone has a cause in the same
 * category. Each text is split into words once, and each addressed cause is judged once, however many actions
 * address it.
 */
export function recurredAfterFix(earlier: Report, later: Report): string[] {
  const laterCauses = causesOf(later).map(causeWords);
  const laterCategories = new Set(later.analysis.fishbone.map((c) => c.category));
  const fishbone = earlier.analysis.fishbone
    .flatMap((c) =>
      [c.cause, ...c.subCauses].map((text) => ({ category: c.category, words: causeWords(text) })),
    )
    .slice(0, MAX_CAUSES);
  const judged = new Map<string, boolean>();
  const recurred = (id: string): boolean => {
    const known = judged.get(id);
    if (known !== undefined) return known;
    if (judged.size >= MAX_CAUSES) return false;
    const text = addressedText(earlier, id);
    let verdict = false;
    if (text) {
      const words = causeWords(text);
      const category = fishbone.find((c) => sameWords(c.words, words))?.category;
      verdict =
        laterCauses.some((c) => sameWords(c, words)) ||
        (category !== undefined && laterCategories.has(category));
    }
    judged.set(id, verdict);
    return verdict;
  };
  return earlier.actions.items
    .filter((a) => a.status === 'completed' && a.addresses.some(recurred))
    .map((a) => a.id);
}
