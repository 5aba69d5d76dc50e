import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

// Built once: the processor is reusable and building it per call is the slow part.
const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize)
  .use(rehypeStringify)
  .freeze();

/** Render a prose field (Markdown source written by people) to sanitized HTML: no scripts, no raw HTML. */
export function renderProse(markdown: string): string {
  return String(processor.processSync(markdown));
}

export { escapeHtml } from './escape.js';
