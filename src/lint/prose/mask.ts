// Markdown syntax, code and addresses are not prose: blank them out with spaces of the same length
// (newlines kept) so offsets found in the masked text are offsets in the original field.
// Each pattern comes with a cheap test that tells whether it can match at all: most prose has no code,
// URLs or identifiers, and skipping the scan keeps linting fast.
const PATTERNS: [RegExp, RegExp][] = [
  [/```|~~~/, /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g], // fenced code
  [/`/, /`[^`\n]*`/g], // inline code
  [/<!--/, /<!--[\s\S]*?(?:-->|$)/g], // HTML comments (suppressions among them)
  [/</, /<\/?[A-Za-z][^>\n]*>/g], // HTML tags
  // A link's text names the page it points to, in its author's words, not the report's: neither is prose.
  [/\]\(/, /\[[^\]\n]{0,300}\]\([^)\n]*\)|\]\([^)\n]*\)/g],
  // Quoted words are someone else's (an error message, a customer): they are reported, not judged.
  [/["“]/, /"[^"\n]{1,300}"|“[^”\n]{1,300}”/g],
  [/https?:|www\./i, /\bhttps?:\/\/[^\s)>\]]+|\bwww\.[^\s)>\]]+/gi], // bare URLs
  [/@/, /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w.])@[\w-]+/g], // e-mail addresses and @handles
  [/;/, /\bTL;DR\b/gi],
  [/\//, /(?<![\w/.-])(?:[\w.-]+\/)+[\w.-]+/g], // paths such as src/lint or a/b/c
  [/_/, /\b\w[^\W_]*_\w+\b/g], // snake_case identifiers
  [/[a-z][A-Z]/, /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g], // camelCase identifiers
];

const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/**
 * Blank Markdown block quotes: a line starting with ">" and the lines that continue it up to a blank line. A quote
 * is someone else's words (a pasted chat log, a customer's e-mail): the report cites it, it does not say it.
 */
function maskBlockQuotes(text: string): string {
  // Most fields have no ">" at all; the cheap test keeps them from being split into lines.
  if (!text.includes('>')) return text;
  const lines = text.split('\n');
  let quoting = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') quoting = false;
    else if (/^[ \t]{0,3}>/u.test(line)) quoting = true;
    if (quoting) lines[i] = blank(line);
  }
  return lines.join('\n');
}

/** Replace code, URLs, HTML, quotes and identifiers with spaces, keeping every other character at its offset. */
export function maskProse(text: string): string {
  let out = maskBlockQuotes(text);
  for (const [maybe, re] of PATTERNS) if (maybe.test(out)) out = out.replace(re, blank);
  // A list item or heading starts a new paragraph even without a blank line, so that a sentence never runs
  // from one item into the next: turn "\n- " into "\n\n " (same length, offsets kept).
  out = out.replace(
    /\n([ \t]*)([-*+]|\d{1,3}[.)]|#{1,6})(?=[ \t])/g,
    (m) => `\n\n${' '.repeat(m.length - 2)}`,
  );
  // Markdown markers that would glue onto words: emphasis, table pipes, heading hashes, link brackets.
  return out.replace(/[*_|#[\]>]/g, ' ');
}
