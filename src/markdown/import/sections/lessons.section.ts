import type { RootContent } from 'mdast';
import { actionFromText, isActionParagraph } from '../actions.extract.js';
import type { Section } from '../document.js';
import { ROLE_TARGET } from '../headings.js';
import { lineOf, sliceOf } from '../text.util.js';
import type { SectionReader } from './reader.js';

/** Lessons from the items of lists, in the list the heading names. */
export function readLessons(ctx: SectionReader, section: Section): string {
  const { role } = section;
  let target = ROLE_TARGET[section.role];
  const before = { factors: ctx.factors.length, lessons: ctx.lessonCount };
  const list = ctx.lessons[role === 'lessons' ? 'couldImprove' : (role as keyof SectionReader['lessons'])];
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep('lessons.notes', kept.splice(0), section, false);
  };
  for (const block of section.blocks) {
    if (block.type === 'list') {
      flushKept();
      ctx.takeListEntries(
        block.children,
        'lessons.notes',
        section,
        (line) => list.push({ id: `L${++ctx.lessonCount}`, text: line }),
        () => `L${ctx.lessonCount}`,
      );
    } else if (block.type === 'paragraph' && isActionParagraph(sliceOf(ctx.src, block))) {
      flushKept();
      ctx.addAction(actionFromText(sliceOf(ctx.src, block), lineOf(block)), section);
    } else {
      ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  flushKept();
  if (ctx.lessonCount === before.lessons) target = 'lessons.notes';
  return target;
}
