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
  ineffective: 'not effective',
};

/** The words a person reads for an enum code ("in_progress" → "in progress"). */
export function labelOf(code: string): string {
  return SPECIAL[code] ?? code.replaceAll('_', ' ');
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replaceAll(/[’']/g, '')
    .replaceAll(/[\s_-]+/g, ' ')
    .trim();

const lookups = new WeakMap<readonly string[], Map<string, string>>();

/** Read an enum code back from words a person wrote, or undefined when it is none of `codes`. */
export function codeOf<T extends string>(codes: readonly T[], words: string): T | undefined {
  let lookup = lookups.get(codes);
  if (!lookup) {
    lookup = new Map();
    for (const c of codes) {
      // Exact spellings first, so the usual case needs no normalizing.
      lookup.set(c, c);
      lookup.set(labelOf(c), c);
      lookup.set(norm(c), c);
      lookup.set(norm(labelOf(c)), c);
    }
    lookups.set(codes, lookup);
  }
  return (lookup.get(words) ?? lookup.get(norm(words))) as T | undefined;
}
