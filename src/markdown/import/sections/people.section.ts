import type { Section } from '../document.js';
import { ROLE_TARGET } from '../headings.js';
import { sliceOf } from '../text.util.js';
import { namesFrom, type SectionReader } from './reader.js';

/** Names of the people involved, or of the authors, from lists and lines. */
export function readPeople(ctx: SectionReader, section: Section): string {
  const { role } = section;
  const target = ROLE_TARGET[section.role];
  const into = role === 'attendees' ? ctx.involved : ctx.authors;
  for (const block of section.blocks) {
    if (block.type === 'list') {
      for (const item of block.children)
        if (item.children[0]) into.push(...namesFrom(sliceOf(ctx.src, item.children[0])));
      for (const item of block.children) ctx.keep('summary.notes', item.children.slice(1), section, false);
    } else if (block.type === 'paragraph') into.push(...namesFrom(sliceOf(ctx.src, block)));
    else ctx.keep('summary.notes', [block], section, false);
  }
  return target;
}
