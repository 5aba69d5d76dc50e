/** Human words for the enum codes of the model, used by Markdown, HTML and the CLI alike. */
const SPECIAL: Record<string, string> = {
  wont_do: "won't do",
  third_party: 'third party',
  lost_revenue: 'lost revenue',
  in_review: 'in review',
  in_progress: 'in progress',
  tools: 'tools and equipment',
  immediate: 'immediate fix',
  process: 'process',
  systemic: 'systemic change',
  documentation: 'documentation',
};

/** The words a person reads for an enum code ("in_progress" → "in progress"). */
export function labelOf(code: string): string {
  return SPECIAL[code] ?? code.replaceAll('_', ' ');
}

/** Read an enum code back from words a person wrote, or undefined when it is none of `codes`. */
export function codeOf<T extends string>(codes: readonly T[], words: string): T | undefined {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replaceAll(/[’']/g, '')
      .replaceAll(/[\s_-]+/g, ' ')
      .trim();
  const wanted = norm(words);
  return codes.find((c) => norm(labelOf(c)) === wanted || norm(c) === wanted);
}
