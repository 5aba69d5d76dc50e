// Markdown syntax, code and addresses are not prose: blank them out with spaces of the same length
// (newlines kept) so offsets found in the masked text are offsets in the original field.
const PATTERNS: RegExp[] = [
  /```[\s\S]*?(?:```|$)/g, // fenced code
  /~~~[\s\S]*?(?:~~~|$)/g,
  /`[^`\n]*`/g, // inline code
  /<!--[\s\S]*?(?:-->|$)/g, // HTML comments (suppressions among them)
  /<\/?[A-Za-z][^>\n]*>/g, // HTML tags
  /\]\([^)\n]*\)/g, // link destinations
  /\bhttps?:\/\/[^\s)>\]]+/gi, // bare URLs
  /\bwww\.[^\s)>\]]+/gi,
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, // e-mail addresses
  /(?<![\w.])@[\w-]+/g, // @handles
  /\bTL;DR\b/gi,
  /(?<![\w/])(?:[\w.-]+\/)+[\w.-]+/g, // paths such as src/lint or a/b/c
  /\b\w+(?:_\w+)+\b/g, // snake_case identifiers
  /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, // camelCase identifiers
];

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** Replace code, URLs, HTML and identifiers with spaces, keeping every other character at its offset. */
export function maskProse(text: string): string {
  let out = text;
  for (const re of PATTERNS) out = out.replace(re, blank);
  // Markdown markers that would glue onto words: emphasis, table pipes, heading hashes, link brackets.
  return out.replace(/[*_|#[\]>]/g, ' ');
}
