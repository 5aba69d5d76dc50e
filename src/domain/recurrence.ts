import type { FishboneCause, Report } from './report.schema.js';

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
  const x = causeWords(a);
  const y = causeWords(b);
  if (x.size === 0 || y.size === 0) return false;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared += 1;
  return shared / (x.size + y.size - shared) >= 0.5;
}

/** The causes a report names: its primary cause, contributing factors and fishbone causes. */
function causesOf(r: Report): string[] {
  return [
    ...(r.analysis.primaryCause ? [r.analysis.primaryCause] : []),
    ...r.analysis.factors.map((f) => f.text),
    ...r.analysis.fishbone.flatMap((c) => [c.cause, ...c.subCauses]),
  ];
}

/** The text of a cause an action addresses by id (RC, CF2); lessons and unknown ids have none. */
function addressedText(r: Report, id: string): string | undefined {
  if (id === 'RC') return r.analysis.primaryCause;
  return r.analysis.factors.find((f) => f.id === id)?.text;
}

const categoryOf = (fishbone: FishboneCause[], text: string) =>
  fishbone.find((c) => sameCause(c.cause, text) || c.subCauses.some((s) => sameCause(s, text)))?.category;

/**
 * The completed actions of `earlier` that addressed the cause that came back in `later` (which names `earlier`
 * among its `recurrenceOf`): the fix was done and the problem recurred. An action matches when a cause it
 * addresses (RC or a contributing factor, by id) is the same cause (`sameCause`) as one `later` names, or when
 * that cause is filed in the earlier fishbone under a category and the later fishbone has a cause in the same
 * category.
 */
export function recurredAfterFix(earlier: Report, later: Report): string[] {
  const laterCauses = causesOf(later);
  const laterCategories = new Set(later.analysis.fishbone.map((c) => c.category));
  return earlier.actions.items
    .filter((a) => a.status === 'completed')
    .filter((a) =>
      a.addresses.some((id) => {
        const text = addressedText(earlier, id);
        if (!text) return false;
        if (laterCauses.some((c) => sameCause(c, text))) return true;
        const category = categoryOf(earlier.analysis.fishbone, text);
        return category !== undefined && laterCategories.has(category);
      }),
    )
    .map((a) => a.id);
}
