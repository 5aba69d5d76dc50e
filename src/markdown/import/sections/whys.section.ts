import type { List, RootContent } from 'mdast';
import type { WhyStep } from '../../../domain/index.js';
import type { Section } from '../document.js';
import { whysFromList } from '../figures.extract.js';
import { ROLE_TARGET, type Role } from '../headings.js';
import { lineOf, oneLine, sliceOf } from '../text.util.js';
import type { SectionReader } from './reader.js';

/** A 5 Whys section: each list is a chain, every item a step. */
export function readWhys(ctx: SectionReader, section: Section): string {
  let target = ROLE_TARGET[section.role];
  const kept: RootContent[] = [];
  for (const block of section.blocks) {
    const steps = block.type === 'list' ? whysFromList(block, ctx.src, true) : undefined;
    if (steps) {
      ctx.fiveWhys.push({ problem: whyProblem(section, ctx.titleText), steps, line: lineOf(block) });
      ctx.keep('analysis.notes', overflowItems(block as List, steps), section, false);
    } else {
      if (block.type === 'paragraph') ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  ctx.keep('analysis.notes', kept, section, false);
  if (!ctx.fiveWhys.length) target = 'analysis.notes';
  return target;
}

// The problem a chain answers: its heading when that says more than "5 Whys", else the report's title.
export function whyProblem(section: { title: string; role: Role }, title: string): string {
  const own = section.title.replace(/\?$/, '');
  const generic = section.role === 'whys' || /^(?:root causes?|why did (?:it|this) happen)$/i.test(own);
  return oneLine(generic ? title : own).line || 'Imported post-mortem';
}

// Items of a 5 Whys list too long for a step's line are kept whole as notes.
export function overflowItems(list: List, steps: WhyStep[]): RootContent[] {
  const cut = steps.some((st) => st.answer.endsWith(' …') || st.question?.endsWith(' …'));
  return cut || list.children.some((item) => item.children.length > 1) ? [list] : [];
}
