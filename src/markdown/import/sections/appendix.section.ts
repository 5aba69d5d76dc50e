import type { Nodes } from 'mdast';
import type { Section } from '../document.js';
import { ROLE_TARGET } from '../headings.js';
import { endLineOf, sliceOf } from '../text.util.js';
import { appendixId, type SectionReader } from './reader.js';

/** Sections kept as appendices at most; the ids run out after ZZ, so further ones go to the notes. */
export const MAX_APPENDICES = 100;

/** A section the import does not map: kept whole as an appendix. */
export function readAppendix(ctx: SectionReader, section: Section): string {
  let target = ROLE_TARGET[section.role];
  const content = section.blocks.length
    ? sliceOf(ctx.src, section.blocks[0] as Nodes, section.blocks.at(-1) as Nodes).trim()
    : '';
  const appendix: { title: string; content?: string; line: number; endLine: number } = {
    title: section.title || `Section at line ${section.line}`,
    line: section.line,
    endLine: section.blocks.length ? endLineOf(section.blocks.at(-1) as Nodes) : section.line,
  };
  if (content) appendix.content = content;
  if (ctx.appendices.length < MAX_APPENDICES) {
    ctx.appendices.push(appendix);
    target = `materials.appendices[${appendixId(ctx.appendices.length - 1)}]`;
  } else {
    // Past the last appendix id the sections still go somewhere: the materials' notes, under their heading.
    ctx.keep('materials.notes', section.blocks, section, false);
    if (!section.blocks.length) {
      ctx.addChunk('materials.notes', {
        text: `**${section.label || section.title}**`,
        natural: false,
        line: section.line,
        endLine: section.line,
      });
    }
    target = 'materials.notes';
  }
  return target;
}
