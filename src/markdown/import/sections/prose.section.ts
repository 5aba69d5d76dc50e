import type { List, RootContent } from 'mdast';
import { actionFromText, isActionParagraph } from '../actions.extract.js';
import type { Section } from '../document.js';
import { impactFromList, whysFromList } from '../figures.extract.js';
import { ROLE_TARGET } from '../headings.js';
import { lineOf, sliceOf } from '../text.util.js';
import type { SectionReader } from './reader.js';
import { overflowItems, whyProblem } from './whys.section.js';

/** A section of prose, kept verbatim in the field its role names; Why-lists under a cause heading become 5 Whys chains and impact bullets typed lines. */
export function readProse(ctx: SectionReader, section: Section): string {
  const { role } = section;
  const target = ROLE_TARGET[section.role];
  const natural = !section.inherited;
  const proseField = target;
  // A section of prose: its text goes to the field the role names, verbatim.
  const prose: RootContent[] = [];
  const flush = () => {
    if (prose.length) ctx.keep(proseField, prose.splice(0), section, natural);
  };
  for (const block of section.blocks) {
    if (block.type === 'paragraph' && isActionParagraph(sliceOf(ctx.src, block))) {
      flush();
      ctx.addAction(actionFromText(sliceOf(ctx.src, block), lineOf(block)), section);
      continue;
    }
    // A numbered "Why …? Because …" list under a cause heading is a 5 Whys chain.
    const steps =
      role === 'rootCause' && block.type === 'list' ? whysFromList(block, ctx.src, false) : undefined;
    if (steps) {
      flush();
      ctx.fiveWhys.push({ problem: whyProblem(section, ctx.titleText), steps, line: lineOf(block) });
      ctx.keep('analysis.notes', overflowItems(block as List, steps), section, false);
      continue;
    }
    if ((role === 'impact' || role === 'customerImpact') && block.type === 'list') {
      const typed = impactFromList(block, ctx.src);
      ctx.financial.push(...typed.financial);
      ctx.figures.push(...typed.figures);
      for (let k = typed.financial.length + typed.figures.length; k > 0; k--)
        ctx.figureLines.push(lineOf(block));
    }
    if (block.type === 'paragraph') ctx.otherProse.push(sliceOf(ctx.src, block));
    prose.push(block);
  }
  flush();
  return target;
}
