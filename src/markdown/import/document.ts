// The foreign document as sections: front matter set aside, the Markdown tree, and the headings that
// split it, each with the role its words give it (or inherit from the heading above).
import type { Heading, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { AppError } from '../../domain/index.js';
import { classifyHeading, type Role } from './headings.js';
import type { Recognition } from './recognition.js';
import { collapse, lineOf, sliceOf } from './text.util.js';
import { impossibleDateAt, parseDatePrefix } from './time.parse.js';

/** A heading and the blocks under it, up to the next heading. */
export interface Section {
  heading?: Heading;
  /** Plain text of the heading. */
  title: string;
  /** Markdown source of the heading's content, to keep links when used as a label. */
  label: string;
  depth: number;
  line: number;
  role: Role;
  inherited: boolean;
  matched: boolean;
  parent?: Section;
  blocks: RootContent[];
  target?: string;
}

const processor = unified().use(remarkParse).use(remarkGfm);

function headingLabel(src: string, h: Heading): string {
  const first = h.children[0];
  const last = h.children.at(-1);
  return first && last ? collapse(sliceOf(src, first, last)) : '';
}

/** Blank out a leading YAML front matter block (keeping offsets and lines) and return it. */
export function splitFrontMatter(text: string): { text: string; raw?: string; title?: string } {
  const m = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m || m[0].split('\n').length > 200) return { text };
  const blanked = m[0].replace(/[^\n]/g, ' ');
  const title = /^title:[^\S\n]*(\S(?:.*\S)?)[^\S\n]*$/m
    .exec(m[1] as string)?.[1]
    ?.replace(/^(['"])(.*)\1$/, '$2');
  const out: { text: string; raw?: string; title?: string } = {
    text: blanked + text.slice(m[0].length),
    raw: m[0].trim(),
  };
  if (title) out.title = title;
  return out;
}

export function parseTree(text: string, file: string | undefined): Root {
  try {
    return processor.parse(text);
  } catch (e) {
    // The pre-scan bounds nesting, so this is a last line of defence, not an expected path.
    if (e instanceof RangeError) {
      throw new AppError('bad_request', `${file ?? 'input'}: the Markdown is nested too deeply to read`);
    }
    throw e;
  }
}

/** The H1 that titles the report, the blocks before the first section, and the sections in order. */
export function buildSections(
  root: Root,
  src: string,
): { title?: Heading; preamble: RootContent[]; sections: Section[] } {
  const children = root.children;
  const firstHeading = children.findIndex((c) => c.type === 'heading');
  const titleNode =
    firstHeading >= 0 && (children[firstHeading] as Heading).depth === 1
      ? (children[firstHeading] as Heading)
      : undefined;
  const preamble: RootContent[] = [];
  const sections: Section[] = [];
  const stack: Section[] = [];
  for (const node of children) {
    if (node === titleNode) continue;
    if (node.type !== 'heading') {
      const current = sections.at(-1);
      if (current) current.blocks.push(node);
      else preamble.push(node);
      continue;
    }
    while (stack.length && (stack.at(-1) as Section).depth >= node.depth) stack.pop();
    const parent = stack.at(-1);
    const title = collapse(toString(node));
    // Under a timeline, a heading that starts with a date ("March 3, 2025 – Queue backlog") is a day of it,
    // whatever its other words say.
    const datedDay =
      parent?.role === 'timeline' &&
      (parseDatePrefix(title) !== undefined || impossibleDateAt(title) !== undefined);
    const own = datedDay ? undefined : classifyHeading(title);
    const section: Section = {
      heading: node,
      title,
      label: headingLabel(src, node),
      depth: node.depth,
      line: lineOf(node),
      role: own ?? parent?.role ?? 'appendix',
      inherited: !own && parent !== undefined,
      matched: own !== undefined,
      blocks: [],
    };
    if (parent) section.parent = parent;
    sections.push(section);
    stack.push(section);
  }
  const out: { title?: Heading; preamble: RootContent[]; sections: Section[] } = { preamble, sections };
  if (titleNode) out.title = titleNode;
  return out;
}

/** The file's name as a title: no folders, no Markdown extension, underscores as spaces. */
export function fileTitleOf(file: string | undefined): string {
  return file
    ? collapse(
        (file.split(/[\\/]/).pop() ?? file)
          .replace(/\.(?:md|markdown|mdown|txt)$/i, '')
          .replace(/[_]+/g, ' '),
      )
    : '';
}

/** The report's title, nearest first: the H1, the front matter's title, the file name, a default. */
export function titleOf(
  heading: Heading | undefined,
  frontMatter: string | undefined,
  fileTitle: string,
): Recognition['title'] {
  const fromHeading = heading ? collapse(toString(heading)) : '';
  if (fromHeading) return { text: fromHeading, from: 'heading' };
  if (frontMatter) return { text: frontMatter, from: 'front matter' };
  if (fileTitle) return { text: fileTitle, from: 'file name' };
  return { text: 'Imported post-mortem', from: 'default' };
}
