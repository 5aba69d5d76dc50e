import type { Nodes } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** Every string in a value, depth first in key order (so a title and its details sit side by side). */
export function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsOf(v, out));
  return out;
}

/** Lower-case words and numbers separated by single spaces: text compared without its markup. */
export const wordsOf = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

// What an import turns into structure rather than text: a leading time stamp, an "Action item:" label.
const STRUCTURE_PREFIX =
  /^\W*(?:(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})[\sT]+)?(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?|--:--|\?\?\?)(?:\s*(?:utc|gmt|z|pdt|pst|cet|cest))?\W*|^\W*action items?\W*/i;

/**
 * The blocks of a Markdown source (paragraphs, code, HTML, table body cells) whose words do not all
 * appear, in order, among a report's strings — what an import would have dropped. A leading time stamp
 * or "Action item:" label is not counted, since the import turns those into structure.
 */
export function missingBlocks(source: string, report: unknown): { line: number; text: string }[] {
  const haystack = ` ${wordsOf(stringsOf(report).join('\n'))} `;
  const tree = unified().use(remarkParse).use(remarkGfm).parse(source);
  const missing: { line: number; text: string }[] = [];
  const stack: Nodes[] = [tree];
  while (stack.length) {
    const node = stack.pop() as Nodes;
    if (node.type === 'table') {
      for (const row of node.children.slice(1)) for (const cell of row.children) stack.push(cell);
      continue;
    }
    if (['paragraph', 'code', 'html', 'tableCell'].includes(node.type) && node.position) {
      const text = source.slice(node.position.start.offset, node.position.end.offset);
      const needle = wordsOf(text.replace(STRUCTURE_PREFIX, ''));
      if (needle && !haystack.includes(` ${needle} `)) missing.push({ line: node.position.start.line, text });
      continue;
    }
    if ('children' in node && node.type !== 'heading') stack.push(...(node.children as Nodes[]));
  }
  return missing.sort((a, b) => a.line - b.line);
}
