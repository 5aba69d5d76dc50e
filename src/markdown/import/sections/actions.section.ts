import type { RootContent } from 'mdast';
import {
  actionFromText,
  actionsFromList,
  actionsFromTable,
  hintsFromHeading,
  isActionParagraph,
  type ActionHints,
} from '../actions.extract.js';
import type { Section } from '../document.js';
import { ROLE_TARGET } from '../headings.js';
import { lineOf, sliceOf } from '../text.util.js';
import type { SectionReader } from './reader.js';

/** Action items from lists, tables and labelled paragraphs; a sub-heading of actions is noted as a group. */
export function readActions(ctx: SectionReader, section: Section): string {
  const { role } = section;
  let target = ROLE_TARGET[section.role];
  const hints: ActionHints = section.inherited || section.heading ? hintsFromHeading(section.label) : {};
  const firstIndex = ctx.drafts.length;
  const prose = role === 'remediation' && !section.inherited ? 'details.stepsTaken' : 'actions.notes';
  const proseNatural = role === 'remediation' && !section.inherited;
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep(prose, kept.splice(0), section, proseNatural);
  };
  for (const block of section.blocks) {
    if (block.type === 'list') {
      flushKept();
      const r = actionsFromList(block, ctx.src, hints);
      r.drafts.forEach((d) => ctx.addAction(d, section));
      ctx.keepExtras('actions.notes', r.extra, section);
    } else if (block.type === 'table' && actionsFromTable(block, ctx.src, hints)) {
      flushKept();
      actionsFromTable(block, ctx.src, hints)?.forEach((d) => ctx.addAction(d, section));
    } else if (block.type === 'paragraph' && isActionParagraph(sliceOf(ctx.src, block))) {
      flushKept();
      ctx.addAction(actionFromText(sliceOf(ctx.src, block), lineOf(block), hints), section);
    } else {
      if (block.type === 'paragraph') ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  flushKept();
  const subGroup =
    section.inherited ||
    (section.parent !== undefined && ['actions', 'remediation'].includes(section.parent.role));
  if (subGroup && ctx.drafts.length > firstIndex) {
    ctx.actionGroups.push({
      label: section.label,
      first: firstIndex + 1,
      last: ctx.drafts.length,
      line: section.line,
    });
  }
  target = ctx.drafts.length > firstIndex ? 'actions.items' : prose;
  return target;
}
