import type { RootContent } from 'mdast';
import type { Section } from '../document.js';
import { ROLE_TARGET } from '../headings.js';
import { sliceOf } from '../text.util.js';
import type { SectionReader } from './reader.js';

/** Contributing factors from the items of lists; other blocks stay as analysis notes. */
export function readFactors(ctx: SectionReader, section: Section): string {
  let target = ROLE_TARGET[section.role];
  const before = { factors: ctx.factors.length, lessons: ctx.lessonCount };
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep('analysis.notes', kept.splice(0), section, false);
  };
  for (const block of section.blocks) {
    if (block.type === 'list') {
      flushKept();
      ctx.takeListEntries(
        block.children,
        'analysis.notes',
        section,
        (line) => ctx.factors.push(line),
        () => `CF${ctx.factors.length}`,
      );
    } else {
      ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  flushKept();
  if (ctx.factors.length === before.factors) target = 'analysis.notes';
  return target;
}
