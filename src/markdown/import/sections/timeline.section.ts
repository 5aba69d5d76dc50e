import type { RootContent } from 'mdast';
import type { Section } from '../document.js';
import { ROLE_TARGET } from '../headings.js';
import { sliceOf } from '../text.util.js';
import {
  impossibleDateAt,
  parseDateLine,
  parseDatePrefix,
  zoneInHeading,
  type LocalDate,
} from '../time.parse.js';
import { rowsFromList, rowsFromParagraph, rowsFromTable, type RawRow } from '../timeline.extract.js';
import type { SectionReader } from './reader.js';

/** Timeline rows from lists, tables and stamped lines; date headings and date lines set the day of the rows under them. */
export function readTimeline(ctx: SectionReader, section: Section): string {
  const target = ROLE_TARGET[section.role];
  let context: { date: LocalDate; key: number } | undefined;
  let incident: number | undefined;
  let dateInvalid: number | undefined;
  const headingDate = section.inherited ? parseDatePrefix(section.title) : undefined;
  const badHeading = section.inherited && !headingDate ? impossibleDateAt(section.title) : undefined;
  if (!section.inherited) {
    ctx.timelineHeadings.push(section.title);
    const z = zoneInHeading(section.title);
    if (z) ctx.headingZone ??= z;
  }
  if (badHeading) {
    dateInvalid = ++ctx.dateKey;
    ctx.warnings.push(
      `line ${section.line}: the heading's date "${badHeading}" is not a calendar date; the entries under it are kept with an unknown time`,
    );
  }
  if (headingDate) {
    context = { date: headingDate, key: ++ctx.dateKey };
    incident = context.key;
    ctx.headings.push({
      text: section.title,
      line: section.line,
      depth: section.depth,
      role: 'date-heading',
      matched: true,
      target: 'details.timeline',
      inherited: true,
    });
  }
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep('details.notes', kept.splice(0), section, false);
  };
  for (const block of section.blocks) {
    let taken: RawRow[] | undefined;
    if (block.type === 'list') {
      const r = rowsFromList(block, ctx.src, context);
      if (r) {
        taken = r.rows;
        flushKept();
        ctx.keepExtras('details.notes', r.extra, section);
      }
    } else if (block.type === 'table') {
      taken = rowsFromTable(block, ctx.src);
    } else if (block.type === 'paragraph') {
      const date = parseDateLine(sliceOf(ctx.src, block));
      if (date) {
        context = { date, key: ++ctx.dateKey };
        kept.push(block);
        continue;
      }
      taken = rowsFromParagraph(block, ctx.src);
      if (!taken) ctx.timelineProse.push(sliceOf(ctx.src, block));
    }
    if (taken) {
      flushKept();
      for (const row of taken) {
        if (context && !row.dateContext) {
          row.dateContext = context.date;
          row.dateKey = context.key;
        } else if (dateInvalid !== undefined && !row.dateContext) {
          row.dateKey = dateInvalid;
          row.dateInvalid = true;
        }
        if (incident !== undefined) row.incident = incident;
        ctx.rows.push(row);
      }
    } else kept.push(block);
  }
  flushKept();
  return target;
}
